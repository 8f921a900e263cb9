"""The host-neutral call path: Excel-style arguments in, a value or one error line out.

Every spreadsheet host calls a registered function through :func:`call_excel_function`:
classic xlwings (:mod:`~xlspectrum.hosts.xlwings_classic`), xlwings Lite
(:mod:`~xlspectrum.hosts.officejs`), LibreOffice's component (:mod:`~xlspectrum.hosts.libreoffice`)
and the ``formulas`` engine (:mod:`~xlspectrum.hosts.formulas_engine`).  A range arrives as a
2-D list and an empty cell as ``None``; they become numpy arrays for the Python formula, and
its result goes back as a number or a 2-D list that spills.  No exception reaches the cell:
bad input returns one line that starts with the Excel error it stands for, e.g.
``#NUM! distance_km=-1 must be > 0``.
"""

from __future__ import annotations

import gc
import itertools
from typing import Any

import numpy as np

from xlspectrum.core.validation import MissingExtraError, NonFiniteResultError, OutOfRangeError, WrongTypeError, XlSpectrumError, as_switch
from xlspectrum.hosts.registry import ExcelFunction

__all__ = ["EXCEL_ERRORS", "EXCEL_TEXT_LIMIT", "EXTRA_BY_FUNCTION", "UNEXPECTED", "call_excel_function", "excel_error_text"]


#: Excel's error values, as xlwings passes them with ``err_to_str`` and as a cell shows them
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!")
#: how a cell's error starts when no check of ours caught the input (a bug to report; tests look for it)
UNEXPECTED = "these arguments could not be computed"
#: Excel cuts a cell's text, a description or an argument's help at this many characters
EXCEL_TEXT_LIMIT = 255
#: the optional extra (``pyproject.toml``) a function needs beyond the base install; without it
#: the function answers one ``#N/A`` line naming the extra (AUCTION_CLEAR: its core rules only)
EXTRA_BY_FUNCTION = {"AUCTION_CLEAR": "market", "GASEOUS_ATTENUATION": "itu", "RAIN_ATTENUATION": "itu"}


def excel_error_text(error: Exception) -> str:
    """One line of at most 255 characters starting with the Excel error code the exception stands for
    (an optional package that is not installed, ``ImportError``, is ``#N/A`` as :class:`MissingExtraError`)."""
    if isinstance(error, ImportError) and not isinstance(error, XlSpectrumError):
        error = MissingExtraError(str(error))
    code = error.excel_error if isinstance(error, XlSpectrumError) else "#VALUE!"
    message = " ".join(str(error).split())
    if not isinstance(error, XlSpectrumError):  # not a check of ours: say so, without Python's names for it
        message = f"{UNEXPECTED}: {message}"
    text = f"{code} {message}"
    return text if len(text) <= EXCEL_TEXT_LIMIT else text[: EXCEL_TEXT_LIMIT - 3] + "..."


class _ErrorCell(Exception):
    """An input cell that holds an Excel error: the function returns that same error."""

    def __init__(self, name: str, code: str) -> None:
        super().__init__(code)
        self.text = f"{code} {name} holds the error {code}"


def _cells(value: Any) -> list[Any]:
    return [cell for row in value for cell in (row if isinstance(row, (list, tuple)) else (row,))]


def _all_numbers(value: list[Any] | tuple[Any, ...]) -> np.ndarray | float | None:
    """The common case at C speed: a rectangular range of numbers only (no text, no empty
    cell, no TRUE/FALSE), as an array (a single cell as itself); None for anything else."""
    # every test a C-level pass (map, set, a flat list): a Python loop over 10^6 rows cost as much as
    # the conversion, and numpy reads a flat list of floats nine times faster than a list of rows
    if not value or set(map(type, value)) != {list}:
        return None
    widths = set(map(len, value))
    if len(widths) != 1 or 0 in widths:
        return None
    cells = list(itertools.chain.from_iterable(value))
    if not set(map(type, cells)) <= {float, int}:
        return None
    try:
        array = np.array(cells, dtype=float).reshape(len(value), widths.pop())
    except OverflowError:
        return None  # the slow path names the argument
    return value[0][0] if array.size == 1 else array


def _from_excel(name: str, value: Any) -> Any:
    """An Excel argument as Python: one cell as a scalar, a range as an array, ``None`` when empty.

    A 1 x 1 range (xlwings passes ``[[x]]``) is the value itself, so a bad cell reads like
    one value.  A range whose cells are all empty is ``None`` (an empty optional argument
    means its default).  An error cell anywhere stops the call with that error.
    """
    if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
        raise _ErrorCell(name, value.strip())
    if not isinstance(value, (list, tuple)):
        return value
    numbers = _all_numbers(value)
    if numbers is not None:
        return numbers
    if len(value) == 0 or any(isinstance(row, (list, tuple)) and len(row) == 0 for row in value):
        raise WrongTypeError(f"{name} is an empty range; numbers are required")
    cells = _cells(value)
    for cell in cells:
        if isinstance(cell, str) and cell.strip() in EXCEL_ERRORS:
            raise _ErrorCell(name, cell.strip())
    if all(cell is None for cell in cells):
        return None
    if len(cells) == 1:
        return cells[0]
    widths = {len(row) if isinstance(row, (list, tuple)) else 1 for row in value}
    if len(widths) > 1:
        raise WrongTypeError(f"{name} is not a rectangular range (rows of different lengths)")
    cell_types = {type(cell) for cell in cells}
    # bool is not in the set: a TRUE inside a numeric range must not become 1.0
    if cell_types <= {float, int}:
        try:
            return np.array(value, dtype=float)
        except OverflowError:
            raise OutOfRangeError(f"{name} holds a number too large for a floating-point number") from None
    return np.array(value, dtype=object)


def _to_excel(result: Any) -> Any:
    """A float for a single value, otherwise a 2-D list that Excel spills (text stays text)."""
    if isinstance(result, str):
        return result
    if isinstance(result, np.ndarray) and result.dtype == object:
        return _table_to_excel(result)
    array = np.asarray(result, dtype=float)
    if array.size == 0:
        raise WrongTypeError("the result is empty: an argument is an empty range")
    if not np.isfinite(array).all():
        raise NonFiniteResultError("the result is not a finite number for these inputs")
    if array.size == 1:
        return float(array.ravel()[0])
    if array.ndim == 1:
        array = array[:, np.newaxis]  # a 1-D result comes back as a column
    return array.tolist()


def _table_to_excel(table: np.ndarray) -> Any:
    """A table of text and numbers (a header row, names) as rows of cells: text as given, numbers finite floats."""
    if table.size == 0:
        raise WrongTypeError("the result is empty")
    rows = np.atleast_2d(table)
    cells = []
    for row in rows.tolist():
        out = []
        for cell in row:
            if isinstance(cell, str):
                out.append(cell)
                continue
            number = float(cell)
            if not np.isfinite(number):
                raise NonFiniteResultError("the result is not a finite number for these inputs")
            out.append(number)
        cells.append(out)
    return cells[0][0] if rows.size == 1 else cells


def call_excel_function(spec: ExcelFunction, *args: Any) -> Any:
    """Run ``spec`` on Excel-style arguments; return the value or an error line.

    The garbage collector is paused for the call: converting 10^6 cells from and to nested
    lists allocates millions of objects, none of them cyclic, and the collections this
    triggers (xlwings leaves the collector on) doubled the time of a large range.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _call(spec, *args)
    finally:
        if collecting:
            gc.enable()


def _call(spec: ExcelFunction, *args: Any) -> Any:
    try:
        if len(args) > len(spec.arguments):
            raise WrongTypeError(f"{spec.excel_name} takes at most {len(spec.arguments)} arguments, got {len(args)}")
        positional: list[Any] = []
        keywords: dict[str, Any] = {}
        for argument, raw in zip(spec.arguments, args + (None,) * (len(spec.arguments) - len(args))):
            value = _from_excel(argument.name, raw)
            if value is None:
                if not argument.optional:
                    raise WrongTypeError(f"{argument.name} is empty; a value is required")
                value = argument.default
            elif isinstance(argument.default, bool):
                value = as_switch(argument.name, value)
            elif isinstance(argument.default, str):
                value = argument.choice(np.asarray(value, dtype=object).ravel()[0])
            elif argument.name in spec.series_arguments and isinstance(value, np.ndarray):
                value = value.ravel()
            if argument.name in spec.keyword_only:
                keywords[argument.name] = value
            else:
                positional.append(value)
        return _to_excel(spec.python(*positional, **keywords))
    except _ErrorCell as error:
        return error.text[:EXCEL_TEXT_LIMIT]
    except NonFiniteResultError as error:
        named = [a.name for a in spec.arguments if a.name in str(error)]
        if not named:
            shown = ", ".join(f"{a.name}={_shown(v)}" for a, v in zip(spec.arguments, args) if v is not None)
            error = NonFiniteResultError(f"{error} ({shown})")
        return excel_error_text(error)
    except Exception as error:  # noqa: BLE001 - a cell must show one line, never a traceback
        return excel_error_text(error)


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        count = len(_cells(value))
        return f"a range of {count} cells" if count != 1 else _shown(_cells(value)[0])
    return f"{value:.6g}" if isinstance(value, float) else repr(value)
