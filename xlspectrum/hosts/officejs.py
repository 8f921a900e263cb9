"""Excel functions for xlwings Lite and xlwings Server (Office.js), from the same registry.

xlwings Lite runs Python inside Excel on Windows, Mac and the web. To use xlspectrum
there, add the package to the Lite add-in's ``requirements.txt`` and put this line in its
``main.py``::

    from xlspectrum.officejs import *  # noqa: F401,F403

Every function of :data:`xlspectrum.hosts.registry.FUNCTIONS` then appears under the
``XLSPECTRUM`` namespace (``=XLSPECTRUM.COST231(...)``), with its description and
argument help; a choice argument (``kind``: call or put) is a drop-down.

Error policy (the same text as every other host): bad input returns one line that starts
with the Excel error it stands for, e.g. ``#NUM! distance_km=-1 must be > 0 km``.
Office.js shows it as text in the cell, so the reason stays visible; a raised exception
would show a bare ``#VALUE!`` with the message only on hover, and a real ``#NUM!`` error
value cannot carry a message at all.  A formula that uses such a cell gets ``#VALUE!``,
as it would from an error value.

Lite is recognised by its platform (Pyodide: ``sys.platform == "emscripten"``) and Server by
xlwings' ``XLWINGS_ON_SERVER=true``; there, an xlwings that cannot register the functions
(missing, older than :data:`MIN_XLWINGS`, or only its no-op stand-ins) stops the import with
one line naming the version found and the one expected.  Elsewhere the module still
imports: the functions are plain Python and :func:`declarations` describes what Lite registers.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from typing import Any, Callable, Literal

from xlspectrum.hosts.marshal import call_excel_function
from xlspectrum.hosts.registry import FUNCTIONS, ExcelFunction

#: Excel shows the functions as XLSPECTRUM.<NAME>
NAMESPACE = "XLSPECTRUM"
#: Office.js limits a custom function's name to letters, digits, periods and underscores, 128 characters
NAME_LIMIT = 128
#: the first xlwings whose Office.js functions turn a ``typing.Literal`` argument into a drop-down
#: (xlwings 0.35.3 changelog, GH 2695)
MIN_XLWINGS = "0.35.3"
#: where the documentation is published; each function's help link is its section of functions.md there
DOCS_URL_VARIABLE = "XLSPECTRUM_DOCS_URL"


def declarations() -> list[dict[str, Any]]:
    """What Office.js receives for each function: name, description and arguments (data only)."""
    return [
        {
            "name": f"{NAMESPACE}.{spec.excel_name}",
            "id": spec.excel_name,
            "description": _description(spec),
            "help_url": help_url(spec),
            "arguments": [
                {
                    "name": argument.name,
                    "description": argument.help,
                    "optional": argument.optional,
                    "choices": argument.choices,
                }
                for argument in spec.arguments
            ],
        }
        for spec in FUNCTIONS
    ]


def _description(spec: ExcelFunction) -> str:
    return spec.description


class OfficeJsSetupError(ImportError):
    """xlwings Lite or Server is running, but its xlwings cannot register the functions."""


def office_js_runtime() -> str | None:
    """``"xlwings Lite"`` in Pyodide (``sys.platform == "emscripten"``), ``"xlwings Server"`` when
    ``XLWINGS_ON_SERVER=true`` (xlwings' own switch), else None: decided from the platform, not
    from where xlwings keeps its decorators."""
    if sys.platform == "emscripten":
        return "xlwings Lite"
    if os.environ.get("XLWINGS_ON_SERVER") == "true":
        return "xlwings Server"
    return None


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _decorators(runtime: str | None = None) -> tuple[Callable[..., Any], Callable[..., Any]] | None:
    """xlwings' public ``func`` and ``arg`` in xlwings Lite or Server; None elsewhere (classic
    xlwings, or no xlwings: the functions stay plain Python).

    In Lite or Server, anything short of decorators that register raises
    :class:`OfficeJsSetupError` with one line naming the xlwings found and what is expected,
    so the set-up cannot fail silently (no function registered, nothing said).
    """
    runtime = office_js_runtime() if runtime is None else runtime
    if not runtime:
        return None
    expected = (f"expected xlwings >= {MIN_XLWINGS} (custom functions with drop-downs): "
                f"put xlwings>={MIN_XLWINGS} in requirements.txt and restart Python")
    try:
        import xlwings
    except ImportError:
        raise OfficeJsSetupError(f"xlspectrum.officejs: {runtime} without xlwings; {expected}") from None
    except Exception as error:  # e.g. xlwings' LicenseError on a server without a key
        message = " ".join(str(error).split())
        raise OfficeJsSetupError(f"xlspectrum.officejs: {runtime}, but xlwings does not import "
                                 f"({type(error).__name__}: {message}); {expected}") from None
    found = getattr(xlwings, "__version__", "of unknown version")
    func, arg = getattr(xlwings, "func", None), getattr(xlwings, "arg", None)
    if not callable(func) or not callable(arg) or getattr(func, "__module__", "") == "xlwings":
        # xlwings' own no-op stand-ins live in xlwings/__init__.py: they would register nothing
        raise OfficeJsSetupError(f"xlspectrum.officejs: {runtime} with xlwings {found}, whose xlwings.func does not "
                                 f"register custom functions here; {expected}")
    if not _version(str(found)) or _version(str(found)) < _version(MIN_XLWINGS):
        raise OfficeJsSetupError(f"xlspectrum.officejs: {runtime} with xlwings {found}; {expected}")
    return func, arg


def help_url(spec: ExcelFunction) -> str | None:
    """The function's section of the function reference (``docs/functions.md#<name>``) under
    ``XLSPECTRUM_DOCS_URL``, the address where your copy of the documentation is published
    (e.g. ``https://github.com/<you>/xlspectrum/blob/main/docs``); None without it."""
    base = os.environ.get(DOCS_URL_VARIABLE, "").rstrip("/")
    return f"{base}/functions.md#{spec.excel_name.lower()}" if base else None


def _make(spec: ExcelFunction, decorators: tuple[Callable[..., Any], Callable[..., Any]] | None) -> Callable[..., Any]:
    def function(*args: Any) -> Any:
        return call_excel_function(spec, *args)

    function.__name__ = function.__qualname__ = spec.excel_name
    function.__doc__ = _description(spec)
    function.__module__ = __name__
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(a.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              default=None if a.optional else inspect.Parameter.empty)
            for a in spec.arguments
        ]
    )
    function.__annotations__ = {a.name: Literal[a.choices] for a in spec.arguments if a.choices}
    if decorators is None:
        return function
    func, arg = decorators
    for argument in spec.arguments:
        if argument.choices:
            function = arg(argument.name, doc=argument.help)(function)
        else:
            function = arg(argument.name, ndim=2, err_to_str=True, doc=argument.help)(function)
    options = {"namespace": NAMESPACE}
    if help_url(spec):
        options["help_url"] = help_url(spec)
    return func(**options)(function)


_DECORATORS = _decorators()
for _spec in FUNCTIONS:
    globals()[_spec.excel_name] = _make(_spec, _DECORATORS)
del _spec

__all__ = [spec.excel_name for spec in FUNCTIONS]
