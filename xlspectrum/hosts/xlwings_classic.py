"""Excel functions (xlwings user-defined functions), generated from the registry.

Point xlwings' ``UDF Modules`` setting at ``xlspectrum.excel`` and press *Import
Functions*: every function of :data:`xlspectrum.hosts.registry.FUNCTIONS` appears under its
Excel name in the ``xlspectrum`` category, with its help in the function wizard.

Each function calls :func:`xlspectrum.hosts.marshal.call_excel_function`: cells and ranges in,
a number or a 2-D array that spills out, and never an exception in the cell (classic xlwings
would print its traceback there): bad input gives one line starting with the Excel error it
stands for, e.g. ``#NUM! distance_km=-1 must be > 0``.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

try:
    import xlwings as xw
except ImportError:  # the library without the "excel" extra, or Pyodide (xlwings Lite has its own)
    xw = None

from xlspectrum.hosts.marshal import (  # noqa: F401 - also reachable here, as xlspectrum.excel.call_excel_function
    EXCEL_ERRORS,
    EXCEL_TEXT_LIMIT,
    EXTRA_BY_FUNCTION,
    UNEXPECTED,
    call_excel_function,
    excel_error_text,
)
from xlspectrum.hosts.registry import CATEGORY, FUNCTIONS, ExcelFunction

__all__ = [f.excel_name for f in FUNCTIONS] + ["call_excel_function", "excel_error_text"]


def make_functions(xlwings: Any = xw) -> dict[str, Callable[..., Any]]:
    """Every function of the registry as an xlwings user-defined function, by its Excel name.

    ``xlwings`` is the module whose ``func`` and ``arg`` decorate them (``None``: plain
    functions with the same signatures); a test can pass a fake and see what xlwings would.
    """
    return {spec.excel_name: _make_udf(spec, xlwings) for spec in FUNCTIONS}


def _make_udf(spec: ExcelFunction, xlwings: Any) -> Callable[..., Any]:
    def udf(*args: Any) -> Any:
        return call_excel_function(spec, *args)

    udf.__name__ = udf.__qualname__ = spec.excel_name
    udf.__doc__ = spec.description
    udf.__module__ = __name__
    # xlwings reads the argument names and defaults from the signature
    udf.__signature__ = inspect.Signature(
        [
            inspect.Parameter(
                a.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=None if a.optional else inspect.Parameter.empty,
            )
            for a in spec.arguments
        ]
    )
    if xlwings is None:
        return udf
    for argument in spec.arguments:
        # err_to_str: an error cell arrives as its text (#N/A, ...), so the function can pass it on
        udf = xlwings.arg(argument.name, ndim=2, err_to_str=True, doc=argument.help)(udf)
    return xlwings.func(category=CATEGORY)(udf)


# xlwings finds the functions as this module's attributes (Import Functions)
globals().update(make_functions())
