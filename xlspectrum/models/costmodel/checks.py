"""Integrity checks of the cost model, defined once and evaluated in Python and in Excel.

Each check is an expression of the line-item language (:mod:`.expressions`) that must
equal a target (1 for shares that sum to 100 %, 0 for a difference) within
:data:`TOLERANCE`.  The engine evaluates them after every run and refuses inputs that
fail; the workbook writes the same expressions on its Checks sheet, where they drive
the master check shown on every sheet.  A test recalculates the workbook with a failing
input to prove the two readings agree.

Range checks of single inputs live with the inputs (``data/appendix_c_inputs.csv``,
columns ``min`` and ``max``); choices are checked against their options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from xlspectrum.core.validation import OutOfRangeError
from xlspectrum.core.expressions import Expression, evaluate, parse

#: How far a share total or a difference may be from its target (round-off only).
TOLERANCE = 1e-9


@dataclass(frozen=True)
class IntegrityCheck:
    key: str
    label: str
    unit: str
    measure: str
    target: float
    expression: Expression = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "expression", parse(self.measure))


def _shares(label: str, keys: list[str]) -> tuple[str, str, str, float]:
    return (label, "%", " + ".join(keys), 1.0)


_AREAS = ("urban", "suburban", "rural", "remote")
CHECKS: tuple[IntegrityCheck, ...] = tuple(
    IntegrityCheck(key, label, unit, measure, target)
    for key, (label, unit, measure, target) in {
        **{f"mix_{area}": _shares(f"Cell-type proportions sum to 100 % ({area})",
                                  [f"mix_{cell}_{area}" for cell in ("macro", "micro", "pico")]) for area in _AREAS},
        "traffic_shares": _shares("Traffic proportions sum to 100 %", [f"traffic_share_{area}" for area in _AREAS]),
        "lastmile_split": _shares("Last mile split sums to 100 %", ["lastmile_ll_share", "lastmile_mw_share"]),
        **{f"site_types_{cell}": _shares(f"Site-type proportions sum to 100 % ({cell})",
                                         [f"{site}_{cell}" for site in ("greenfield", "rooftop", "inbuilding")])
           for cell in ("pico", "micro", "macro")},
        "rollout_total": ("Coverage roll-out shares sum to 100 %", "%", "total(rollout)", 1.0),
        "coverage_sites_agree": ("Coverage sites by area add up to the sites by type (every year)", "eNodeBs",
                                 "total(cov_sites_gap)", 0.0),
    }.items()
)


def failures(values: Mapping[str, np.ndarray], years: int,
             checks: tuple[IntegrityCheck, ...] = CHECKS, first_scenario: int = 0) -> list[str]:
    """One line per check the evaluated model ``values`` fails (naming the first failing scenario,
    counted from ``first_scenario`` for a block of a larger run)."""
    found = []
    for check in checks:
        measured = evaluate(check.expression, values, years)[..., 0]
        failing = ~(np.abs(measured - check.target) <= TOLERANCE)
        if failing.any():
            where = "" if measured.ndim == 0 else f" (scenario {first_scenario + int(np.flatnonzero(failing)[0])})"
            found.append(f"{check.label}: {float(measured[failing].ravel()[0]):.6g}{where}, must be {check.target:g}")
    return found


def raise_for_failures(values: Mapping[str, np.ndarray], years: int,
                       checks: tuple[IntegrityCheck, ...] = CHECKS, first_scenario: int = 0) -> None:
    found = failures(values, years, checks, first_scenario)
    if found:
        raise OutOfRangeError("the inputs fail the model's integrity checks: " + "; ".join(found))
