"""The Appendix C inputs: read once from ``data/appendix_c_inputs.csv``.

Each input has a key, the thesis' label, a unit, a default value, its source (thesis
section and line) and a note where the value was inferred rather than printed.  Kinds:

* ``number``  a scalar;
* ``series``  one value per model year from the first year (later years are 0);
* ``choice``  one of the listed options (text);
* ``switch``  TRUE or FALSE.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from typing import Any, Mapping

import numpy as np

from .._validation import OutOfRangeError, WrongTypeError

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
            array = np.asarray(value, dtype=float).ravel()
            if array.size > YEARS or not np.isfinite(array).all():
                raise OutOfRangeError(f"{self.key} must hold at most {YEARS} finite values, one per year")
            return np.concatenate([array, np.zeros(YEARS - array.size)])
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise WrongTypeError(f"{self.key}={value!r} must be a number")
        if not np.isfinite(value):
            raise OutOfRangeError(f"{self.key}={value!r} must be finite")
        return float(value)


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
        )
        if item.key in inputs:
            raise ValueError(f"input {item.key!r} is defined twice")
        inputs[item.key] = item
    return inputs


INPUTS = load_inputs()


def resolve(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Default inputs with ``overrides`` applied and validated, by key."""
    values = {key: item.default for key, item in INPUTS.items()}
    for key, value in (overrides or {}).items():
        if key not in INPUTS:
            raise WrongTypeError(f"unknown input {key!r}; see xlspectrum.costmodel.INPUTS for the valid keys")
        values[key] = INPUTS[key].coerce(value)
    return values
