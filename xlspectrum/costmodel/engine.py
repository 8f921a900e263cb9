"""The numpy engine of the Appendix C cost model.

:func:`run` evaluates every line item of :mod:`~xlspectrum.costmodel.lineitems` over the
model years with the inputs of ``data/appendix_c_inputs.csv`` and any overrides, and
returns a :class:`CostModelResult` with the values, tidy pandas tables and the present
value of total cost (thesis eq. (16), t = 0 in the first year, at the WACC input).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .checks import raise_for_failures
from .expressions import ExpressionError, evaluate
from .inputs import INPUTS, YEARS, resolve
from .lineitems import BY_KEY, ITEMS, LineItem

#: Names every expression may use besides inputs and line items
TIMELINE = ("year", "t")


def evaluation_order(items: list[LineItem] = ITEMS) -> list[LineItem]:
    """Line items sorted so each comes after everything it needs (a topological sort).

    A line item may use itself only inside ``prev`` (a running balance); any other
    cycle is an error that names the keys involved.
    """
    known = set(BY_KEY) | set(INPUTS) | set(TIMELINE)
    dependencies: dict[str, set[str]] = {}
    for item in items:
        unknown = item.expression.names - known
        if unknown:
            raise ExpressionError(f"{item.key}: unknown names {sorted(unknown)} in {item.formula!r}")
        if item.key in item.expression.same_year_names:
            raise ExpressionError(f"{item.key} uses itself in the same year: {item.formula!r}")
        dependencies[item.key] = {n for n in item.expression.names if n in BY_KEY and n != item.key}
    ordered: list[LineItem] = []
    done: set[str] = set()
    visiting: list[str] = []

    def visit(key: str) -> None:
        if key in done:
            return
        if key in visiting:
            cycle = visiting[visiting.index(key):] + [key]
            raise ExpressionError(f"circular line items: {' -> '.join(cycle)}")
        visiting.append(key)
        for dependency in sorted(dependencies[key]):
            visit(dependency)
        visiting.pop()
        done.add(key)
        ordered.append(BY_KEY[key])

    for item in items:
        visit(item.key)
    return ordered


ORDER = evaluation_order()


@dataclass(frozen=True)
class CostModelResult:
    """The evaluated model: every line item for every year, and the inputs used."""

    inputs: Mapping[str, Any]
    values: Mapping[str, np.ndarray]

    @property
    def years(self) -> np.ndarray:
        return self.values["year"].astype(int)

    def __getitem__(self, key: str) -> np.ndarray:
        return self.values[key]

    def series(self, key: str) -> pd.Series:
        """One line item as a Series indexed by year."""
        return pd.Series(self.values[key], index=self.years, name=key)

    @cached_property
    def table(self) -> pd.DataFrame:
        """Every line item as a tidy wide table: sheet, block, key, label, unit, one column per year."""
        rows = []
        for item in ITEMS:
            row = {"sheet": item.sheet, "block": item.block, "key": item.key, "label": item.label, "unit": item.unit}
            row.update(dict(zip(self.years.tolist(), self.values[item.key].tolist())))
            rows.append(row)
        return pd.DataFrame(rows)

    def sheet(self, name: str) -> pd.DataFrame:
        """The line items of one sheet (``Demand``, ``Coverage``, ..., ``Costs``)."""
        return self.table[self.table["sheet"] == name].reset_index(drop=True)

    @property
    def pv_total_cost(self) -> float:
        """Present value of total cost [NZ$], eq. (16) with t = 0 in the first year."""
        return float(self.values["pv_total_cost"][0])

    @property
    def cost_by_category(self) -> pd.DataFrame:
        """Capex, replacement, depreciation, opex, other fixed, indirect and total cost by year."""
        keys = ["out_capex_total", "out_replacement_total", "out_depreciation_in_total", "out_opex_total",
                "out_fixed_total", "out_indirect_total", "out_total_cost"]
        return pd.DataFrame({BY_KEY[k].label: self.values[k] for k in keys}, index=pd.Index(self.years, name="year"))


def run(overrides: Mapping[str, Any] | None = None, **more: Any) -> CostModelResult:
    """Evaluate the cost model; ``overrides`` (or keywords) replace inputs by key.

    >>> result = run(demand_forecast="cisco_vni_linear")
    >>> round(result.pv_total_cost / 1e6)
    1287
    """
    inputs = resolve({**(overrides or {}), **more})
    first_year = int(inputs["first_year"])
    values: dict[str, Any] = dict(inputs)
    values["year"] = np.arange(first_year, first_year + YEARS, dtype=float)
    values["t"] = np.arange(YEARS, dtype=float)
    for item in ORDER:
        expression = item.expression
        if item.key in expression.names:
            # a running balance: each pass fixes one more year of prev(own key)
            values[item.key] = np.zeros(YEARS)
            for _ in range(YEARS):
                values[item.key] = evaluate(expression, values, YEARS)
        else:
            values[item.key] = evaluate(expression, values, YEARS)
        if not np.isfinite(values[item.key]).all():
            bad = int(np.flatnonzero(~np.isfinite(values[item.key]))[0])
            raise ExpressionError(
                f"{item.key} ({item.label}) is not a finite number in {first_year + bad}: check the inputs it uses "
                f"({', '.join(sorted(n for n in expression.names if n in INPUTS))})"
            )
    raise_for_failures(values, YEARS)
    return CostModelResult(inputs=inputs, values={k: v for k, v in values.items() if k in BY_KEY or k in TIMELINE})
