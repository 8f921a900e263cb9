"""Excel functions (xlwings user-defined functions), generated from the registry.

Point xlwings' ``UDF Modules`` setting at ``xlspectrum.excel`` and press *Import
Functions*: every function of :data:`xlspectrum.registry.FUNCTIONS` appears under its
Excel name in the ``xlspectrum`` category, with its help in the function wizard.

Each function

* takes cells, ranges or typed values (a range arrives as a 2-D list, an empty cell as
  ``None``), turns them into numpy arrays and calls the Python formula;
* returns a number for single-cell inputs and a 2-D array that spills for ranges;
* never lets an exception reach the cell (classic xlwings would print its traceback
  there): bad input returns one line that starts with the Excel error it stands for,
  e.g. ``#NUM! distance_km=-1 must be > 0``.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np
import xlwings as xw

from ._validation import WrongTypeError, XlSpectrumError
from .registry import CATEGORY, FUNCTIONS, ExcelFunction

__all__ = [f.excel_name for f in FUNCTIONS] + ["call_excel_function", "excel_error_text"]


def excel_error_text(error: Exception) -> str:
    """One line starting with the Excel error code an exception stands for."""
    code = error.excel_error if isinstance(error, XlSpectrumError) else "#VALUE!"
    message = " ".join(str(error).split())
    if not isinstance(error, XlSpectrumError):
        message = f"{type(error).__name__}: {message}"
    return f"{code} {message}"


def _from_excel(value: Any) -> Any:
    """An Excel argument as numpy: 2-D lists become arrays (``None`` cells kept as objects)."""
    if isinstance(value, (list, tuple)):
        cell_types = {type(cell) for row in value for cell in (row if isinstance(row, (list, tuple)) else (row,))}
        # bool is not in the set: a TRUE inside a numeric range must not become 1.0
        if cell_types <= {float, int}:
            return np.array(value, dtype=float)
        return np.array(value, dtype=object)
    return value


def _switch(name: str, value: Any) -> bool:
    """TRUE/FALSE arguments: Excel booleans, 1/0, or "TRUE"/"FALSE" text."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.ravel()[0]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().upper() in ("TRUE", "FALSE"):
        return value.strip().upper() == "TRUE"
    raise WrongTypeError(f"{name}={value!r} must be TRUE or FALSE")


def _to_excel(result: Any) -> Any:
    """A float for a single value, otherwise a 2-D list that Excel spills."""
    array = np.asarray(result, dtype=float)
    if array.size == 1:
        return float(array.ravel()[0])
    if array.ndim == 1:
        array = array[:, np.newaxis]  # a 1-D result comes back as a column
    return array.tolist()


def call_excel_function(spec: ExcelFunction, *args: Any) -> Any:
    """Run ``spec`` on Excel-style arguments; return the value or an error line."""
    try:
        if len(args) > len(spec.arguments):
            raise TypeError(f"{spec.excel_name} takes at most {len(spec.arguments)} arguments, got {len(args)}")
        positional: list[Any] = []
        keywords: dict[str, Any] = {}
        for argument, raw in zip(spec.arguments, args + (None,) * (len(spec.arguments) - len(args))):
            value = _from_excel(raw)
            if value is None:
                if not argument.optional:
                    raise WrongTypeError(f"{argument.name} is empty; a value is required")
                value = argument.default
            elif isinstance(argument.default, bool):
                value = _switch(argument.name, value)
            elif isinstance(argument.default, str):
                value = str(np.asarray(value, dtype=object).ravel()[0]).strip().lower()
            elif argument.name in spec.series_arguments and isinstance(value, np.ndarray):
                value = value.ravel()
            if argument.name in spec.keyword_only:
                keywords[argument.name] = value
            else:
                positional.append(value)
        return _to_excel(spec.python(*positional, **keywords))
    except Exception as error:  # noqa: BLE001 - a cell must show one line, never a traceback
        return excel_error_text(error)


def _make_udf(spec: ExcelFunction) -> Callable[..., Any]:
    def udf(*args: Any) -> Any:
        return call_excel_function(spec, *args)

    udf.__name__ = udf.__qualname__ = spec.excel_name
    udf.__doc__ = f"{spec.help}. Thesis {spec.source}."
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
    for argument in spec.arguments:
        udf = xw.arg(argument.name, ndim=2, doc=argument.help)(udf)
    return xw.func(category=CATEGORY)(udf)


for _spec in FUNCTIONS:
    globals()[_spec.excel_name] = _make_udf(_spec)
del _spec
