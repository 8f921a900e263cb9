"""Run xlwings' own Windows code over xlspectrum.excel, on Linux: VBA generation and the value path.

Run as a script (a fresh interpreter, so the stubs never reach other tests). It reads a
JSON list of calls on stdin, ``[excel_name, [arguments as COM delivers them]]``, and
prints JSON: the VBA that *Import Functions* writes, each function's ``__xlfunc__``
metadata, and the value of each call as ``xlwings.udfs.call_udf`` would hand it to Excel.

The Windows-only modules xlwings imports (pythoncom, pywintypes, win32com, ...) are
stubbed; xlwings' decorators (``udfs.xlfunc/xlarg/xlret``) and its Windows engine's
value cleaning (``_xlwindows.Engine``) are the real ones.
"""

import ctypes
import io
import json
import sys
from unittest import mock

WINDOWS_MODULES = (
    "pythoncom", "pywintypes", "win32api", "win32con", "win32gui", "win32process", "win32timezone",
    "win32com", "win32com.client", "win32com.client.gencache", "win32com.server", "win32com.server.util",
)
#: what COM passes for an argument the formula leaves out
MISSING = -2147352572
#: what COM passes for error cells
COM_ERRORS = {"#N/A": -2146826246, "#DIV/0!": -2146826281, "#VALUE!": -2146826273, "#NUM!": -2146826252}


def install_stubs():
    for name in WINDOWS_MODULES:
        sys.modules[name] = mock.MagicMock()
    sys.modules["pythoncom"].__file__ = "pythoncom.pyd"
    sys.modules["pywintypes"].TimeType = type("TimeType", (), {})
    ctypes.windll = ctypes.oledll = ctypes.PyDLL = mock.MagicMock()


def com_value(value):
    """JSON -> what COM delivers: ranges as tuples of row tuples, error cells as codes."""
    if isinstance(value, list):
        return tuple(tuple(com_value(cell) for cell in row) if isinstance(row, list) else com_value(row) for row in value)
    if isinstance(value, dict) and "error" in value:
        return COM_ERRORS[value["error"]]
    if isinstance(value, dict) and "missing" in value:
        return MISSING
    return value


def main():
    calls = json.load(sys.stdin)
    install_stubs()
    import xlwings as xw
    from xlwings import conversion, udfs
    from xlwings.main import Engine

    import xlwings._xlwindows as windows

    xw.engines.add(Engine(impl=windows.engine))
    xw.engines.active = xw.engines["excel"]
    xw.func, xw.arg, xw.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
    import xlspectrum.excel as module

    class Book:
        Name = "model.xlsm"

    vba = io.StringIO()
    udfs.generate_vba_wrapper("xlspectrum.excel", module, vba, Book())
    meta = {}
    for name in dir(module):
        function = getattr(module, name)
        if hasattr(function, "__xlfunc__"):
            info = function.__xlfunc__
            meta[info["name"]] = {
                "category": info.get("category"),
                "doc": info["ret"]["doc"],
                "args": [{"name": a["name"], "doc": a["doc"], "optional": "optional" in a} for a in info["args"]],
            }
    results = []
    for name, raw_args in calls:
        function = getattr(module, name)
        args_info = function.__xlfunc__["args"]
        args = []
        # as udfs.call_udf: a missing argument becomes its default, every other goes through conversion.read
        for i, raw in enumerate(com_value(a) for a in raw_args):
            info = args_info[min(i, len(args_info) - 1)]
            if isinstance(raw, int) and raw == MISSING:
                args.append(info.get("optional", None))
            else:
                args.append(conversion.read(None, raw, info["options"]))
        value = function(*args)
        results.append(conversion.write(value, None, function.__xlfunc__["ret"]["options"]))
    json.dump({"vba": vba.getvalue(), "meta": meta, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
