"""Argument checking shared by every formula module.

Every public formula validates its inputs through these helpers so that a bad value
always produces the same kind of message: the argument name, the offending value and
the valid range.  The Excel layer maps the exception class to the Excel error code
shown in the cell (``#NUM!`` for a number out of range, ``#VALUE!`` for the wrong
kind of value).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd


def number_from_text(text: str) -> float:
    """A number typed as text, as the command line and the input files read it: ``9%`` is 0.09.

    Raises ``ValueError`` (float's own) when the text is not a number.
    """
    text = text.strip()
    return float(text.rstrip("%")) / (100 if text.endswith("%") else 1)


class XlSpectrumError(ValueError):
    """Base class: a ``ValueError`` that knows which Excel error it stands for."""

    excel_error = "#VALUE!"


class OutOfRangeError(XlSpectrumError):
    """A number outside the valid range of a formula (Excel ``#NUM!``)."""

    excel_error = "#NUM!"


class WrongTypeError(XlSpectrumError):
    """Text, an empty cell or mismatched shapes where numbers were expected (``#VALUE!``)."""

    excel_error = "#VALUE!"


class MissingExtraError(XlSpectrumError):
    """A function that needs an optional extra which is not installed (Excel ``#N/A``)."""

    excel_error = "#N/A"


class NonFiniteResultError(OutOfRangeError):
    """Finite inputs whose result is not a finite number (an overflow): ``#NUM!``."""


def as_switch(name: str, value: Any) -> bool:
    """A TRUE/FALSE argument: a bool, 1/0, or the text "TRUE"/"FALSE" (any case).

    Any other text is refused: ``extrapolate="FALSE"`` must never count as true.
    """
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.ravel()[0]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Real) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().upper() in ("TRUE", "FALSE"):
        return value.strip().upper() == "TRUE"
    if isinstance(value, np.ndarray):
        raise WrongTypeError(f"{name} is a range of {value.size} cells; give one TRUE or FALSE")
    shown = repr(value[:40]) if isinstance(value, str) else _fmt(value) if isinstance(value, numbers.Real) else type(value).__name__
    raise WrongTypeError(f"{name}={shown} must be TRUE or FALSE")


def one_of(name: str, value: Any, choices: tuple[str, ...], given: Any = None) -> str:
    """A text argument that must be one of a few choices (``rule``, ``kind``, ...): the value itself.

    Every formula and every spreadsheet host refuses a wrong choice with this one line,
    ``name='value' must be one of 'a', 'b'`` (:class:`WrongTypeError`, ``#VALUE!`` in a cell);
    ``given`` is what the user typed when ``value`` is its normalised form.
    """
    if value not in choices:
        shown = value if given is None else given
        raise WrongTypeError(f"{name}={shown!r} must be one of {', '.join(map(repr, choices))}")
    return value


def _fmt(value: float) -> str:
    try:
        return f"{value:.6g}"
    except OverflowError:  # an integer beyond any float
        return f"{str(value)[:12]}... ({len(str(value))} digits)"


def as_float_array(name: str, value: Any) -> np.ndarray:
    """Return ``value`` as a float ndarray, or raise naming ``name``.

    Accepts Python and numpy numbers, sequences, ndarrays and pandas Series.
    Booleans and text are rejected: a ``TRUE`` typed into a distance cell is a
    mistake, not the number 1.
    """
    if value is None:
        raise WrongTypeError(f"{name} is empty; a number is required")
    if isinstance(value, (bool, np.bool_)):
        raise WrongTypeError(f"{name}={value!r} is a logical value; a number is required")
    if isinstance(value, pd.Series):
        value = value.to_numpy()
    if isinstance(value, numbers.Real):
        try:
            return np.asarray(float(value))
        except OverflowError:
            raise OutOfRangeError(f"{name}={str(value)[:20]}... is too large for a floating-point number") from None
    try:
        array = np.asarray(value)
    except ValueError as exc:  # ragged nested lists
        raise WrongTypeError(f"{name} is not a rectangular range of numbers (rows of different lengths)") from exc
    if array.size == 0:
        raise WrongTypeError(f"{name} is an empty range; numbers are required")
    if array.dtype.kind in "biuf":
        if array.dtype.kind == "b":
            raise WrongTypeError(f"{name} holds logical values; numbers are required")
        return array.astype(float)
    # object or string arrays: find the first element that is not a real number
    flat = array.ravel()
    for index, item in enumerate(flat):
        if isinstance(item, (list, tuple)):
            raise WrongTypeError(f"{name} is not a rectangular range of numbers (rows of different lengths)")
        where = "" if array.ndim == 0 else f" (element {index})"
        if item is None:
            raise WrongTypeError(f"{name} has an empty cell{where}; a number is required")
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Real):
            shown = repr(str(item)) if isinstance(item, str) else repr(item)
            raise WrongTypeError(f"{name}={shown}{where} is not a number")
    try:
        return array.astype(float)
    except OverflowError:
        raise OutOfRangeError(f"{name} holds a number too large for a floating-point number") from None


def _first_bad(array: np.ndarray, bad: np.ndarray) -> str:
    index = int(np.flatnonzero(bad)[0])
    value = array.ravel()[index]
    where = "" if array.ndim == 0 else f" (element {index})"
    return f"{_fmt(value)}{where}"


def check_range(
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    unit: str = "",
    hint: str = "",
) -> np.ndarray:
    """Coerce ``value`` to floats and check ``low <= value <= high``.

    Returns the float array.  NaN is always rejected.  The message names the argument,
    the first offending value and the valid range, e.g.
    ``distance_km=-1 must be > 0``.
    """
    array = as_float_array(name, value)
    unit_text = f" {unit}" if unit else ""
    nan = np.isnan(array)
    if nan.any():
        where = "" if array.ndim == 0 else f" (element {int(np.flatnonzero(nan)[0])})"
        raise OutOfRangeError(f"{name}=NaN{where} is not a number")
    if low is not None:
        bad = array < low if low_inclusive else array <= low
        if bad.any():
            raise OutOfRangeError(
                f"{name}={_first_bad(array, bad)} must be {'>=' if low_inclusive else '>'} "
                f"{_fmt(low)}{unit_text}{_range_suffix(low, high, unit_text)}{hint}"
            )
    if high is not None:
        bad = array > high if high_inclusive else array >= high
        if bad.any():
            raise OutOfRangeError(
                f"{name}={_first_bad(array, bad)} must be {'<=' if high_inclusive else '<'} "
                f"{_fmt(high)}{unit_text}{_range_suffix(low, high, unit_text)}{hint}"
            )
    if np.isinf(array).any():
        raise OutOfRangeError(f"{name} must be finite")
    return array


def _range_suffix(low: float | None, high: float | None, unit_text: str) -> str:
    if low is None or high is None:
        return ""
    return f" (valid range {_fmt(low)} to {_fmt(high)}{unit_text})"


def model_range(
    name: str,
    value: Any,
    low: float,
    high: float,
    *,
    unit: str,
    model: str,
    extrapolate: bool,
    below: str | None = None,
    above: str | None = None,
    invitation: str = "; set extrapolate=TRUE to go beyond it",
) -> np.ndarray:
    """Check an empirical model's range of validity.

    Values must always be physically meaningful (> 0).  ``below`` / ``above`` name what
    to use instead when a value falls under / over the range; such values are refused
    even with ``extrapolate=True`` (a model fitted at 1-2 GHz says nothing at 28 GHz).
    Where no alternative is named, ``extrapolate=True`` lets a user knowingly go beyond
    the range the model was fitted on, and the message (``invitation``) says so.
    """
    extrapolate = as_switch("extrapolate", extrapolate)
    array = check_range(name, value, 0.0, low_inclusive=False, unit=unit)
    if below is not None:
        check_range(name, array, low, unit=unit, hint=f" for {model}{below}")
    if above is not None:
        check_range(name, array, None, high, unit=unit, hint=f" for {model}{above}")
    if not extrapolate:
        check_range(name, array, low, high, unit=unit, hint=f" for {model}{invitation}")
    return array


def broadcast(**arrays: np.ndarray) -> list[np.ndarray]:
    """Broadcast named arrays together, naming them if their shapes do not fit."""
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError as exc:
        shapes = ", ".join(f"{k} {' x '.join(map(str, v.shape))}" for k, v in arrays.items() if v.ndim)
        raise WrongTypeError(f"ranges of shapes that do not fit together: {shapes}") from exc


def shape_like(result: np.ndarray, *inputs: Any) -> Any:
    """Give the result the container of the inputs: float, ndarray or pandas Series.

    Raises :class:`NonFiniteResultError` when finite inputs gave a result that is not a
    finite number (an overflow): never a silent NaN or infinity.
    """
    result = np.asarray(result, dtype=float)
    bad = ~np.isfinite(result)
    if bad.any():
        where = "" if result.ndim == 0 else f" (element {int(np.flatnonzero(bad)[0])})"
        raise NonFiniteResultError(f"the result{where} is not a finite number: the inputs overflow the calculation")
    series = [item for item in inputs if isinstance(item, pd.Series)]
    if any(not item.index.equals(series[0].index) for item in series[1:]):
        raise WrongTypeError("pandas Series arguments have different indexes, so they would combine by position; "
                             "align them first (a, b = a.align(b))")
    for item in series:
        if result.shape == item.shape:
            return pd.Series(result, index=item.index, name=item.name)
    if result.ndim == 0:
        return float(result)
    return result
