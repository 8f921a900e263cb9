"""The Appendix C inputs: read once from ``data/appendix_c_inputs.csv``.

Each input has a key, the thesis' label, a unit, a default value, a valid range (min and
max, enforced by the engine, the command line and the workbook's data validation and
Checks sheet), its source (thesis section or table) and a note where the value was
inferred rather than printed.  Kinds:

* ``number``  a scalar, or a 1-D array of N values to run N scenarios at once;
* ``series``  one value per model year from the first year (later years are 0), or N rows
  of them to run N scenarios;
* ``choice``  one of the listed options (text);
* ``switch``  TRUE or FALSE.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from importlib import resources
from typing import Any, Mapping

import numpy as np
import pandas as pd

from xlspectrum.core.validation import OutOfRangeError, WrongTypeError

YEARS = 15  # 2017-2031, the horizon of Appendix C (section 10.3.1)


@dataclass(frozen=True)
class Input:
    section: str
    key: str
    label: str
    unit: str
    default: Any
    options: tuple[str, ...]
    source: str
    note: str
    #: valid range, inclusive (None for choices and switches)
    low: float | None = None
    high: float | None = None

    @property
    def is_rate(self) -> bool:
        """A fraction typed as a percentage in Excel (9 % is 0.09)."""
        return self.unit.startswith("%")

    def range_text(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(self.options)
        if self.kind == "switch":
            return "TRUE or FALSE"
        return f"{_fmt(self.low)} to {_fmt(self.high)}"

    @property
    def whole(self) -> bool:
        """Asset lives are whole years: replacement cohorts and re-buy years (Excel's MOD) need them."""
        return self.key.startswith("life_")

    def check_range(self, array: np.ndarray) -> None:
        """Raise naming the input, the value and the range if any value is outside it."""
        if self.low is None or self.high is None:
            return
        bad = (array < self.low) | (array > self.high)
        if self.whole and not bad.any() and (array != np.round(array)).any():
            value = array.ravel()[int(np.flatnonzero(array != np.round(array))[0])]
            raise OutOfRangeError(f"{self.key}={_fmt(value)} must be a whole number of years ({self.label}), "
                                  f"{self.range_text()}")
        if bad.any():
            value = array.ravel()[int(np.flatnonzero(bad)[0])]
            unit = "" if self.unit in ("-", "%", "x") else f" {self.unit}"
            hint = ""
            if self.is_rate and value > self.high and 1 < value <= 100 and self.low <= value / 100 <= self.high:
                hint = f"; rates are fractions (type 9 % as 0.09): did you mean {_fmt(value / 100)}?"
            position = int(np.flatnonzero(bad)[0])
            if self.kind == "series" and array.ndim == 2:
                scenario, year = divmod(position, array.shape[1])
                where = f" (scenario {scenario}, year {year + 1})"
            else:
                where = (f" (year {position + 1})" if self.kind == "series"
                         else f" (scenario {position})" if array.ndim == 1 else "")
            raise OutOfRangeError(
                f"{self.key}={_fmt(value)}{where} is outside its valid range {self.range_text()}{unit} "
                f"({self.label}){hint}"
            )

    @property
    def kind(self) -> str:
        if self.options:
            return "choice"
        if self.unit == "switch":
            return "switch"
        if isinstance(self.default, np.ndarray):
            return "series"
        return "number"

    def coerce(self, value: Any) -> Any:
        """Validate an override; return it in the engine's form."""
        if self.kind == "choice":
            if value not in self.options:
                raise OutOfRangeError(f"{self.key}={value!r} must be one of {', '.join(self.options)}")
            return value
        if self.kind == "switch":
            if isinstance(value, str) and value.upper() in ("TRUE", "FALSE"):
                return value.upper() == "TRUE"
            if not isinstance(value, (bool, np.bool_)):
                raise WrongTypeError(f"{self.key}={value!r} must be True or False")
            return bool(value)
        if self.kind == "series":
            return self._series(value)
        if isinstance(value, (list, tuple, np.ndarray, pd.Series)) and not isinstance(value, np.generic):
            return self._scenarios(value)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise WrongTypeError(f"{self.key}={value!r} must be a number ({self.label}, valid range {self.range_text()})")
        if not np.isfinite(value):
            raise OutOfRangeError(f"{self.key}={value!r} must be finite")
        self.check_range(np.asarray(float(value)))
        return float(value)

    def _series(self, value: Any) -> np.ndarray:
        """One value per year (at most YEARS, zeros after), or a 2-D array of one such row per scenario."""
        try:
            array = np.array(value, dtype=float)
        except (TypeError, ValueError) as exc:
            raise WrongTypeError(f"{self.key}={value!r} must be numbers, one per year") from exc
        if isinstance(value, pd.DataFrame) or array.ndim == 2:
            if array.shape[0] == 0 or array.shape[1] > YEARS:
                raise WrongTypeError(f"{self.key} by scenario must be N rows of at most {YEARS} values, one per year; "
                                     f"got shape {array.shape}")
            bad = ~np.isfinite(array).all(axis=1)
            if bad.any():
                raise OutOfRangeError(f"{self.key} must be finite in every scenario (scenario {int(np.flatnonzero(bad)[0])} is not)")
            self.check_range(array)
            padded = np.concatenate([array, np.zeros((array.shape[0], YEARS - array.shape[1]))], axis=1)
            padded.flags.writeable = False
            return padded
        array = array.ravel()
        if array.size > YEARS or not np.isfinite(array).all():
            raise OutOfRangeError(f"{self.key} must hold at most {YEARS} finite values, one per year")
        self.check_range(array)
        return np.concatenate([array, np.zeros(YEARS - array.size)])

    def _scenarios(self, value: Any) -> np.ndarray:
        """A 1-D array of one value per scenario, validated like a single value."""
        try:
            array = np.array(value, dtype=float)
        except (TypeError, ValueError) as exc:
            raise WrongTypeError(f"{self.key} must be a number or a 1-D array of numbers, one per scenario") from exc
        if array.ndim != 1 or array.size == 0 or np.asarray(value).dtype == bool:
            raise WrongTypeError(f"{self.key} must be a number or a 1-D array of numbers, one per scenario; "
                                 f"got shape {array.shape}")
        if not np.isfinite(array).all():
            raise OutOfRangeError(f"{self.key} must be finite in every scenario "
                                  f"(scenario {int(np.flatnonzero(~np.isfinite(array))[0])} is not)")
        self.check_range(array)
        array.flags.writeable = False
        return array


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:,.6g}" if abs(value) < 1e6 else f"{value:.6g}"


def _bound(text: str) -> float | None:
    return float(text) if text.strip() else None


def _parse_default(row: dict[str, str]) -> Any:
    text = row["value"].strip()
    if row["options"]:
        return text
    if row["unit"] == "switch":
        return text.upper() == "TRUE"
    if " " in text:
        values = np.array([float(v) for v in text.split()])
        return np.concatenate([values, np.zeros(YEARS - values.size)])
    return float(text)


def load_inputs() -> dict[str, Input]:
    """All inputs in file order, keyed by their key."""
    text = resources.files("xlspectrum").joinpath("data/appendix_c_inputs.csv").read_text(encoding="utf-8")
    inputs: dict[str, Input] = {}
    for row in csv.DictReader(text.splitlines()):
        item = Input(
            section=row["section"],
            key=row["key"],
            label=row["label"],
            unit=row["unit"],
            default=_parse_default(row),
            options=tuple(row["options"].split("|")) if row["options"] else (),
            source=row["source"],
            note=row["note"],
            low=_bound(row["min"]),
            high=_bound(row["max"]),
        )
        if item.key in inputs:
            raise ValueError(f"input {item.key!r} is defined twice")
        if item.kind in ("number", "series") and (item.low is None or item.high is None):
            raise ValueError(f"input {item.key!r} has no valid range (min and max)")
        inputs[item.key] = item
    return inputs


INPUTS = load_inputs()


def resolve_with(inputs: Mapping[str, Input], overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The defaults of ``inputs`` with ``overrides`` applied and validated, by key."""
    values = {key: item.default for key, item in inputs.items()}
    for key, value in (overrides or {}).items():
        if key not in inputs:
            close = difflib.get_close_matches(key, inputs, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise WrongTypeError(f"unknown input {key!r}{hint}; `xlspectrum inputs` lists the valid keys")
        values[key] = inputs[key].coerce(value)
    return values


def resolve(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The Appendix C inputs' defaults with ``overrides`` applied and validated, by key."""
    return resolve_with(INPUTS, overrides)
