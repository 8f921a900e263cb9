"""The numpy engine of the Appendix C cost model.

A :class:`Model` is a set of line items over a set of inputs, with defaults.  Its
:meth:`Model.run` evaluates every line item over the model years, with any overrides,
and returns a :class:`CostModelResult`: the values, tidy pandas tables and the present
value of total cost (thesis eq. (16), t = 0 in the first year, at the WACC input).

Any number input may be a 1-D array of N scenarios, and any series input (one value per
year) a 2-D array of N rows: one run then evaluates all of them
at once, each line item carrying a leading scenario axis, with results equal to N
separate runs (the same operations on the same numbers, element by element).

Speed comes from three things, none of which changes a result:

* each expression is compiled once into numpy calls (:mod:`.expressions`);
* running balances (``prev(x) + y``, ``max(y, prev(x))``) are a cumulative sum or a
  cumulative maximum instead of one pass per year;
* a run reuses the model's default values for every line item that depends on no
  overridden input.
"""

from __future__ import annotations

import ast
import collections.abc
import difflib
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from xlspectrum.models.costmodel.checks import CHECKS, IntegrityCheck, raise_for_failures
from xlspectrum.core.expressions import ExpressionError, evaluate_quietly, parse
from xlspectrum.models.costmodel.inputs import INPUTS, YEARS, Input, resolve_with
from xlspectrum.models.costmodel.lineitems import ITEMS, LineItem

#: Names every expression may use besides inputs and line items
TIMELINE = ("year", "t")
#: Scenarios evaluated together in one block: beyond a few thousand the intermediate arrays fall
#: out of the processor's caches and each scenario costs more (benchmarks/bench_costmodel.py).
SCENARIO_BLOCK = 2_000

Recurrence = Callable[[Mapping[str, Any]], np.ndarray]


def evaluation_order(items: Iterable[LineItem], inputs: Mapping[str, Input] = INPUTS) -> list[LineItem]:
    """Line items sorted so each comes after everything it needs (a topological sort).

    A line item may use itself only inside ``prev`` (a running balance); any other
    cycle is an error that names the keys involved.
    """
    by_key: dict[str, LineItem] = {}
    for item in items:
        if item.key in by_key:
            raise ExpressionError(f"line item {item.key!r} is defined twice")
        by_key[item.key] = item
    known = set(by_key) | set(inputs) | set(TIMELINE)
    dependencies: dict[str, set[str]] = {}
    for item in by_key.values():
        unknown = item.expression.names - known
        if unknown:
            raise ExpressionError(f"{item.key}: unknown names {sorted(unknown)} in {item.formula!r}")
        if item.key in item.expression.same_year_names:
            raise ExpressionError(f"{item.key} uses itself in the same year: {item.formula!r}")
        dependencies[item.key] = {n for n in item.expression.names if n in by_key and n != item.key}
    for item in by_key.values():
        if item.scalar:
            rows = sorted(n for n in _names_outside_row_functions(item.expression.tree)
                          if n in TIMELINE or (n in by_key and not by_key[n].scalar)
                          or (n in inputs and inputs[n].kind == "series"))
            if rows:
                raise ExpressionError(f"{item.key} is declared a single value but uses the rows {rows} outside "
                                      f"total() or cohort_sum(): {item.formula!r}")
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
        ordered.append(by_key[key])

    for key in by_key:
        visit(key)
    return ordered


def _names_outside_row_functions(tree: ast.AST) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Call) and node.func.id in ("total", "cohort_sum"):
            for argument in node.args[1:]:
                visit(argument)
            return
        if isinstance(node, ast.Name):
            found.add(node.id)
        for child in ast.iter_child_nodes(node):
            if not (isinstance(node, ast.Call) and child is node.func):
                visit(child)

    visit(tree)
    return found


def _running_balance(item: LineItem) -> Recurrence | None:
    """A closed form for ``prev(k) + y`` (a cumulative sum) or ``max(y, prev(k))`` (a
    cumulative maximum from 0), where ``y`` does not use ``k``; None for anything else.

    Both equal the year-by-year recurrence exactly: the same additions (or comparisons)
    in the same order, starting from 0 before the first year.
    """
    tree = item.expression.tree

    def is_own_prev(node: ast.AST) -> bool:
        return (isinstance(node, ast.Call) and node.func.id == "prev"
                and isinstance(node.args[0], ast.Name) and node.args[0].id == item.key)

    def rest(nodes: list[ast.AST]) -> ast.AST | None:
        others = [n for n in nodes if not is_own_prev(n)]
        if len(nodes) != 2 or len(others) != 1 or item.key in {n.id for n in ast.walk(others[0]) if isinstance(n, ast.Name)}:
            return None
        return others[0]

    if isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Add):
        other, cumulative_sum = rest([tree.left, tree.right]), True
    elif isinstance(tree, ast.Call) and tree.func.id == "max":
        other, cumulative_sum = rest(list(tree.args)), False
    else:
        return None
    if other is None:
        return None
    increment = parse(ast.unparse(other))
    if cumulative_sum:
        # prev(k) + y and y + prev(k) differ only in operand order, which addition ignores
        return lambda values: np.add.accumulate(evaluate_quietly(increment, values, YEARS), axis=-1)
    # max(prev, y) and max(y, prev): the same comparison, 0 before the first year
    return lambda values: np.maximum.accumulate(np.maximum(evaluate_quietly(increment, values, YEARS), 0.0), axis=-1)


class _JoinedBlocks(collections.abc.Mapping):
    """Line items evaluated block by block, joined along the scenario axis when first read: a
    run of 10^5 scenarios of which the caller reads three line items copies three, not 377."""

    def __init__(self, fixed: dict[str, np.ndarray], parts: dict[str, list[np.ndarray]]) -> None:
        self._fixed, self._parts = fixed, parts

    def __getitem__(self, key: str) -> np.ndarray:
        if key in self._fixed:
            return self._fixed[key]
        joined = np.concatenate(self._parts.pop(key), axis=0)  # raises KeyError for an unknown key
        joined.flags.writeable = False
        self._fixed[key] = joined
        return joined

    def __iter__(self):
        yield from self._fixed
        yield from list(self._parts)

    def __len__(self) -> int:
        return len(self._fixed) + len(self._parts)

    def __contains__(self, key: object) -> bool:
        return key in self._fixed or key in self._parts


class ScenarioError(ValueError):
    """Scenario arrays of different lengths, or of a kind that cannot vary by scenario."""


def _scenario_rows(value: Any, model_input: Input | None) -> int | None:
    """The number of scenarios ``value`` carries (rows of a series, entries of a number), or None."""
    dimensions = {"number": 1, "series": 2}
    if model_input is None or np.ndim(value) != dimensions.get(model_input.kind):
        return None
    return np.shape(value)[0]


def _rows(value: Any, start: int, stop: int) -> Any:
    return value.iloc[start:stop] if isinstance(value, (pd.DataFrame, pd.Series)) else value[start:stop]


def _scenario_count(inputs: Mapping[str, Any], model_inputs: Mapping[str, Input]) -> int | None:
    # a number varies as a 1-D array, a series (one value per year) as a 2-D array of rows
    counts = {key: rows for key, value in inputs.items()
              if (rows := _scenario_rows(value, model_inputs.get(key))) is not None}
    if not counts:
        return None
    if len(set(counts.values())) > 1:
        shown = ", ".join(f"{key} has {count}" for key, count in counts.items())
        raise ScenarioError(f"scenario arrays must all have the same length: {shown}")
    return next(iter(counts.values()))


class Model:
    """A cost model: line items over inputs, with defaults, evaluated in dependency order.

    >>> from xlspectrum.models.costmodel import APPENDIX_C
    >>> round(APPENDIX_C.run(demand_forecast="ten_x_linear").pv_total_cost / 1e6)
    1962
    >>> import numpy as np
    >>> runs = APPENDIX_C.run(wacc=np.array([0.07, 0.09, 0.11]))
    >>> (runs.pv_total_cost / 1e6).round().tolist()
    [1338.0, 1287.0, 1241.0]
    """

    def __init__(self, name: str, items: Iterable[LineItem], *, inputs: Mapping[str, Input] = INPUTS,
                 defaults: Mapping[str, Any] | None = None, label: str = "",
                 checks: tuple[IntegrityCheck, ...] = CHECKS) -> None:
        self.name = name
        self.label = label or name
        self.items: tuple[LineItem, ...] = tuple(items)
        self.inputs = inputs
        self.checks = checks
        self.order = evaluation_order(self.items, inputs)
        self.by_key: dict[str, LineItem] = {item.key: item for item in self.items}
        self.sheets: tuple[str, ...] = tuple(dict.fromkeys(item.sheet for item in self.items))
        self.scalars: tuple[str, ...] = tuple(item.key for item in self.items if item.scalar)
        #: the model's own input values (validated), before any run's overrides
        self.defaults: dict[str, Any] = resolve_with(inputs, defaults)
        self.overridden: dict[str, Any] = dict(defaults or {})
        self._balances = {item.key: _running_balance(item) for item in self.order if item.key in item.expression.names}
        self._inputs_used = self._transitive_inputs()
        self._baseline: dict[str, np.ndarray] | None = None
        # the position in the evaluation order after which a line item is read no more (the
        # integrity checks read theirs at the end): a run keeping few outputs frees the rest then
        checked = set().union(*(check.expression.names for check in self.checks))
        last_use = {item.key: position for position, item in enumerate(self.order)}
        for position, item in enumerate(self.order):
            for name in item.expression.names:
                if name in last_use:
                    last_use[name] = position
        self._free_after: list[tuple[str, ...]] = [() for _ in self.order]
        for key, position in last_use.items():
            if key not in checked:
                self._free_after[position] += (key,)

    def __repr__(self) -> str:
        return f"Model({self.name!r}, {len(self.items)} line items, {len(self.overridden)} overridden inputs)"

    def _transitive_inputs(self) -> dict[str, frozenset[str]]:
        used: dict[str, frozenset[str]] = {}
        for item in self.order:
            names = item.expression.names
            found = {n for n in names if n in self.inputs}
            for name in names:
                if name in used:
                    found |= used[name]
            used[item.key] = frozenset(found)
        return used

    def with_overrides(self, overrides: Mapping[str, Any] | None = None, *, name: str | None = None,
                       label: str | None = None, **more: Any) -> "Model":
        """The same line items with some defaults replaced (validated now, not at the first run)."""
        merged = {**self.overridden, **(overrides or {}), **more}
        return Model(name or self.name, self.items, inputs=self.inputs, defaults=merged,
                     label=label or self.label, checks=self.checks)

    def resolve(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """This model's inputs with ``overrides`` applied and validated, by key."""
        return resolve_with(self.inputs, {**self.overridden, **(overrides or {})})

    def uses(self, key: str) -> frozenset[str]:
        """The inputs a line item depends on, directly or through other line items."""
        return self._inputs_used[key]

    def run(self, overrides: Mapping[str, Any] | None = None, *, outputs: Iterable[str] | None = None,
            **more: Any) -> "CostModelResult":
        """Evaluate the model; ``overrides`` (or keywords) replace inputs by key.

        A number input given as a 1-D array of N values, or a series input as N rows (a 2-D
        array or a DataFrame), runs N scenarios at once, in blocks of :data:`SCENARIO_BLOCK`
        (the result is the same as one block; the memory of the intermediate line items is
        that of a block). ``outputs`` names the line items to keep (default: all); with many
        scenarios, keeping only the summary (``outputs=["pv_total_cost"]``) bounds memory.
        """
        requested = {**(overrides or {}), **more}
        keep = None if outputs is None else self._checked_outputs(outputs)
        inputs = self.resolve(requested)
        scenarios = _scenario_count(inputs, self.inputs)
        if self._baseline is None and requested:
            self._baseline = self._evaluate(self.defaults, None, reuse=None)
        changed = {key for key, value in inputs.items() if _differs(value, self.defaults[key])}
        reuse = None if self._baseline is None else (self._baseline, changed)
        if scenarios is None or scenarios <= SCENARIO_BLOCK:
            # the first run becomes the baseline later runs reuse: it keeps every line item
            values = self._evaluate(inputs, scenarios, reuse, keep=keep if self._baseline is not None else None)
            if self._baseline is None:
                self._baseline = values
        else:
            values = self._evaluate_in_blocks(inputs, scenarios, reuse, keep)
        if keep is not None:
            values = {key: array for key, array in values.items() if key in keep or key in TIMELINE}
        return CostModelResult(inputs=inputs, values=values, model=self, scenarios=scenarios)

    def _checked_outputs(self, outputs: Iterable[str]) -> frozenset[str]:
        keep = frozenset([outputs] if isinstance(outputs, str) else outputs)
        unknown = sorted(keep - set(self.by_key))
        if unknown:
            close = difflib.get_close_matches(unknown[0], self.by_key, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ScenarioError(f"outputs={unknown[0]!r} is not a line item of the {self.name} model{hint}")
        return keep

    def _evaluate_in_blocks(self, inputs: Mapping[str, Any], scenarios: int,
                            reuse: tuple[Mapping[str, np.ndarray], set[str]] | None,
                            keep: frozenset[str] | None) -> dict[str, np.ndarray]:
        """:meth:`_evaluate` over blocks of scenarios, joined: a line item that varies by scenario
        is concatenated, one that does not is the same in every block and kept once."""
        varied = {key for key, value in inputs.items() if _scenario_rows(value, self.inputs.get(key)) is not None}
        parts: dict[str, list[np.ndarray]] = {}
        fixed: dict[str, np.ndarray] = {}
        for start in range(0, scenarios, SCENARIO_BLOCK):
            stop = min(start + SCENARIO_BLOCK, scenarios)
            block = {key: (_rows(value, start, stop) if key in varied else value) for key, value in inputs.items()}
            values = self._evaluate(block, stop - start, reuse, first_scenario=start, keep=keep)
            for key, array in values.items():
                if keep is not None and key not in keep and key not in TIMELINE:
                    continue
                if key in self._inputs_used and self._inputs_used[key] & varied:
                    parts.setdefault(key, []).append(array)
                else:
                    fixed.setdefault(key, array)
        return _JoinedBlocks(fixed, parts)

    def _evaluate(self, inputs: Mapping[str, Any], scenarios: int | None,
                  reuse: tuple[Mapping[str, np.ndarray], set[str]] | None,
                  first_scenario: int = 0, keep: frozenset[str] | None = None) -> dict[str, np.ndarray]:
        first_year = inputs["first_year"]
        if np.ndim(first_year):
            raise ScenarioError("first_year cannot vary by scenario: the model's columns are its years")
        values: dict[str, Any] = {
            key: (np.asarray(value, dtype=float)[:, np.newaxis] if scenarios and self.inputs[key].kind == "number"
                  and np.ndim(value) == 1 else value)
            for key, value in inputs.items()
        }
        values["year"] = np.arange(first_year, first_year + YEARS, dtype=float)
        values["t"] = np.arange(YEARS, dtype=float)
        with np.errstate(all="ignore"):
            for position, item in enumerate(self.order):
                if reuse is not None and not (self._inputs_used[item.key] & reuse[1]):
                    values[item.key] = reuse[0][item.key]
                else:
                    values[item.key] = self._evaluate_item(item, values)
                    self._raise_if_not_finite(item, values[item.key], int(first_year), first_scenario)
                if keep is not None:
                    for key in self._free_after[position]:
                        if key not in keep:
                            del values[key]
        raise_for_failures(values, YEARS, self.checks, first_scenario)
        out = {k: v for k, v in values.items() if k in self.by_key or k in TIMELINE}
        for array in out.values():
            array.flags.writeable = False  # shared with later runs: a result is read-only
        return out

    def _evaluate_item(self, item: LineItem, values: dict[str, Any]) -> np.ndarray:
        if item.key not in self._balances:
            return evaluate_quietly(item.expression, values, YEARS)
        closed_form = self._balances[item.key]
        if closed_form is not None:
            return closed_form(values)
        # any other running balance: each pass fixes one more year of prev(own key)
        values[item.key] = np.zeros(YEARS)
        for _ in range(YEARS):
            values[item.key] = evaluate_quietly(item.expression, values, YEARS)
        return values[item.key]

    def _raise_if_not_finite(self, item: LineItem, array: np.ndarray, first_year: int,
                             first_scenario: int = 0) -> None:
        if np.isfinite(array).all():
            return
        where = np.argwhere(~np.isfinite(array))[0]
        scenario = f" in scenario {first_scenario + int(where[0])}" if array.ndim == 2 else ""
        used = sorted(n for n in item.expression.names if n in self.inputs)
        raise ExpressionError(
            f"{item.key} ({item.label}) is not a finite number in {first_year + int(where[-1])}{scenario}: "
            f"check the inputs it uses ({', '.join(used)})"
        )


def _differs(value: Any, default: Any) -> bool:
    if isinstance(value, str) or isinstance(default, str):
        return value != default
    value, default = np.asarray(value), np.asarray(default)
    return value.shape != default.shape or not np.array_equal(value, default)


@dataclass(frozen=True)
class CostModelResult:
    """The evaluated model: every line item for every year (and scenario), and the inputs used."""

    inputs: Mapping[str, Any]
    values: Mapping[str, np.ndarray]
    model: Model
    #: the number of scenarios, or None for a single run
    scenarios: int | None = None

    @property
    def years(self) -> np.ndarray:
        return self.values["year"].astype(int)

    @property
    def shape(self) -> tuple[int, ...]:
        return (YEARS,) if self.scenarios is None else (self.scenarios, YEARS)

    def __getitem__(self, key: str) -> np.ndarray:
        """A line item's values: shape (years,), or (scenarios, years) with scenarios."""
        if key not in self.values and key in self.model.by_key:
            raise KeyError(f"{key!r} was not kept by this run (run with outputs= naming it, or without outputs=)")
        return np.broadcast_to(self.values[key], self.shape)

    def scalar(self, key: str) -> float | np.ndarray:
        """A single-value line item (``pv_total_cost``, ...): a float, or an array of one per scenario."""
        if not self.model.by_key[key].scalar:
            raise KeyError(f"{key!r} is a row of years, not a single value: use result[{key!r}]")
        value = self[key][..., 0]
        return float(value) if self.scenarios is None else value.copy()

    def series(self, key: str) -> pd.Series | pd.DataFrame:
        """One line item by year: a Series, or with scenarios a DataFrame (scenario x year)."""
        if self.scenarios is None:
            return pd.Series(self.values[key], index=self.years, name=key)
        return pd.DataFrame(self[key], columns=self.years, index=pd.RangeIndex(self.scenarios, name="scenario"))

    @cached_property
    def table(self) -> pd.DataFrame:
        """Every line item as a tidy wide table: (scenario,) sheet, block, key, label, unit, one column per year."""
        labels = pd.DataFrame([{"sheet": i.sheet, "block": i.block, "key": i.key, "label": i.label, "unit": i.unit}
                               for i in self.model.items])
        keys = [item.key for item in self.model.items]
        years = self.years.tolist()
        if self.scenarios is None:
            numbers = pd.DataFrame(np.stack([self.values[k] for k in keys]), columns=years)
            return pd.concat([labels, numbers], axis=1)
        stacked = np.stack([self[k] for k in keys], axis=0)  # item x scenario x year
        numbers = pd.DataFrame(stacked.transpose(1, 0, 2).reshape(-1, YEARS), columns=years)
        repeated = pd.concat([labels] * self.scenarios, ignore_index=True)
        repeated.insert(0, "scenario", np.repeat(np.arange(self.scenarios), len(keys)))
        return pd.concat([repeated, numbers], axis=1)

    def sheet(self, name: str) -> pd.DataFrame:
        """The line items of one sheet (``Demand``, ``Coverage``, ..., ``Costs``)."""
        return self.table[self.table["sheet"] == name].reset_index(drop=True)

    @property
    def pv_total_cost(self) -> float | np.ndarray:
        """Present value of total cost [NZ$], eq. (16) with t = 0 in the first year (one per scenario)."""
        return self.scalar("pv_total_cost")

    @property
    def cost_by_category(self) -> pd.DataFrame:
        """Capex, replacement, depreciation, opex, other fixed, indirect and total cost by year (and scenario)."""
        keys = ["out_capex_total", "out_replacement_total", "out_depreciation_in_total", "out_opex_total",
                "out_fixed_total", "out_indirect_total", "out_total_cost"]
        labels = {k: self.model.by_key[k].label for k in keys}
        if self.scenarios is None:
            return pd.DataFrame({labels[k]: self.values[k] for k in keys}, index=pd.Index(self.years, name="year"))
        index = pd.MultiIndex.from_product([range(self.scenarios), self.years], names=["scenario", "year"])
        return pd.DataFrame({labels[k]: self[k].ravel() for k in keys}, index=index)


#: The Appendix C model: the 28 GHz + 700 MHz network as the thesis prints it
APPENDIX_C = Model("mmwave", ITEMS, label="28 GHz + 700 MHz network (Appendix C)")


def run(overrides: Mapping[str, Any] | None = None, **more: Any) -> CostModelResult:
    """Evaluate the Appendix C model; ``overrides`` (or keywords) replace inputs by key.

    >>> result = run(demand_forecast="ten_x_linear")
    >>> round(result.pv_total_cost / 1e6)
    1962
    """
    return APPENDIX_C.run(overrides, **more)
