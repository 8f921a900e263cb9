"""The thesis' chapter 8 valuations on top of the Appendix C cost model.

Four methods value the 28 GHz spectrum (thesis sections 8.3-8.6): benchmarking,
discounted cash flow (eq. (16)), real options (eqs. (17)-(20), Table 9) and the deprival
method (Table 10).  Every quantity is computed twice, side by side:

* **thesis inputs** — from the thesis' own intermediate figures (S = 1,038 M,
  K = 1,289 M, 734 M, ...), kept as documented inputs, so Tables 8-11 reproduce (the deprival
  -555 M is -0.117 NZ$/MHz/pop where Tables 10-11 print -0.11), except Table 8's third row (revenue based on traffic, NZ$ 9,929 M,
  2.09 NZ$/MHz/pop), whose revenue the thesis does not print, so nothing computes it;
* **this model** — from the cost models: the 28 GHz + 700 MHz network (the Appendix C
  model, :data:`~xlspectrum.models.costmodel.APPENDIX_C`) and a 700 MHz-only network meeting
  the same demand (:data:`~xlspectrum.models.costmodel.UHF_700`, the same line items with the
  overrides of ``data/networks.csv``), with revenue from the ARPU block.

Number inputs given as arrays of N scenarios give every row as an array of N.

The rows are expressions of the cost-model language, so the workbook's Valuation sheet
and :func:`valuation_table` compute them from one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from xlspectrum.core.validation import check_range
from xlspectrum.models.costmodel import APPENDIX_C, UHF_700, CostModelResult
from xlspectrum.models.costmodel import NETWORK_NOTES, UHF_OVERRIDES  # noqa: F401 - the workbook and users read them here
from xlspectrum.core.expressions import Expression, evaluate, parse
from xlspectrum.models.costmodel.inputs import INPUTS, resolve

BASES = ("thesis", "model")
BASIS_LABELS = {"thesis": "thesis inputs", "model": "this model"}
#: how valuation rows refer to the 700 MHz network's cost-model values: ``<model name>__<key>``
UHF = UHF_700.name


@dataclass(frozen=True)
class ValuationRow:
    """One row of the Valuation sheet: a label and a formula per basis (None: not computed)."""

    key: str
    block: str
    label: str
    unit: str
    formulas: Mapping[str, str | None]
    number_format: str = "#,##0"
    note: str = ""
    #: conditions (expressions) under which the thesis prints what the thesis column needs;
    #: empty: always (a printed constant or a demand-independent figure)
    thesis_when: tuple[str, ...] = ()
    expressions: dict[str, Expression] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "expressions", {b: parse(f) for b, f in self.formulas.items() if f is not None}
        )

    @property
    def thesis_condition(self) -> Expression | None:
        """When the thesis column has a figure: None for always, else a TRUE/FALSE expression."""
        return parse(" * ".join(f"({c})" for c in self.thesis_when)) if self.thesis_when else None

    def cell_key(self, basis: str) -> str:
        return f"{self.key}_{basis}"


MONEY = '#,##0;[Red]-#,##0;"-"'
PER_MHZ_POP = "0.000"

#: The thesis prints its valuation inputs for today's forecasts only (Table 12 prints results,
#: not inputs): revenue (Table 9's S) for Cisco VNI, costs (Table 10) for Cisco VNI and 10 x.
TODAY = "forecast_shift_years == 0"
CISCO_VNI = 'demand_forecast == "cisco_vni_linear"'
CISCO_VNI_OR_TEN_X = '(demand_forecast == "cisco_vni_linear") + (demand_forecast == "ten_x_linear")'
NOT_PRINTED = "not printed for this forecast"


class _Rows:
    """Valuation rows in order; a thesis-column formula inherits the conditions of the rows it uses."""

    def __init__(self) -> None:
        self.rows: list[ValuationRow] = []

    def _inherited(self, thesis: str | None) -> tuple[str, ...]:
        if thesis is None:
            return ()
        names = parse(thesis).names
        found: dict[str, None] = {}
        for row in self.rows:
            if row.cell_key("thesis") in names:
                found.update(dict.fromkeys(row.thesis_when))
        return tuple(found)

    def row(self, block: str, key: str, label: str, unit: str, thesis: str | None, model: str | None,
            number_format: str = MONEY, note: str = "", thesis_when: tuple[str, ...] = ()) -> None:
        when = tuple(dict.fromkeys(thesis_when + self._inherited(thesis)))
        self.rows.append(ValuationRow(key, block, label, unit, {"thesis": thesis, "model": model}, number_format,
                                      note, when))

    def both(self, block: str, key: str, label: str, unit: str, formula: str, number_format: str = MONEY,
             note: str = "") -> None:
        """A row whose formula is the same for both bases, over the basis' own cells ({b})."""
        self.row(block, key, label, unit, formula.format(b="thesis"), formula.format(b="model"), number_format, note)


def _valuation_rows() -> tuple[ValuationRow, ...]:
    """Every row of the Valuation sheet, block by block (thesis sections 8.3-8.6, Tables 8-12)."""
    rows = _Rows()
    B = "Discounted cash flow (eq. 16), thesis Table 8"
    rows.row(B, "pv_revenue", "Present value of revenue (ARPU model)", "NZ$", "thesis_revenue_pv", "pv_revenue",
             note="Thesis: Table 9's S, Cisco VNI only. This model: ARPU calibrated to it unless the ARPU input is set",
             thesis_when=(CISCO_VNI, TODAY))
    rows.row(B, "pv_cost_uhf", "Present value of cost - 700 MHz network", "NZ$",
             'where(demand_forecast == "ten_x_linear", thesis_cost_pv_uhf_10x, thesis_cost_pv_uhf)', f"{UHF}__pv_total_cost",
             note="Table 10 (734 M Cisco VNI, 2,264 M 10 x); this model: the UHF sheets (2 x 20 MHz, no 28 GHz small cells)",
             thesis_when=(CISCO_VNI_OR_TEN_X, TODAY))
    rows.row(B, "pv_cost_mmwave", "Present value of cost - 28 GHz + 700 MHz network", "NZ$",
             'where(demand_forecast == "ten_x_linear", thesis_cost_pv_mmwave_10x, thesis_cost_pv_mmwave)', "pv_total_cost",
             note="Table 9 K / Table 10 (1,289 M Cisco VNI, 1,979 M 10 x); this model: the Appendix C sheets",
             thesis_when=(CISCO_VNI_OR_TEN_X, TODAY))
    rows.both(B, "npv_uhf", "NPV - 700 MHz network", "NZ$", "pv_revenue_{b} - pv_cost_uhf_{b}", note="Table 8: 304 M")
    rows.both(B, "npv_uhf_per_mhz_pop", "NPV - 700 MHz network per MHz per pop", "NZ$/MHz/pop",
              "npv_uhf_{b} / (uhf_bandwidth_mhz * population)", "0.00", "Table 8: 1.60")
    rows.both(B, "npv_mmwave", "NPV - 28 GHz + 700 MHz network (the DCF value of the 28 GHz spectrum)", "NZ$",
              "pv_revenue_{b} - pv_cost_mmwave_{b}", note="Table 8: -251 M")
    rows.both(B, "npv_mmwave_per_mhz_pop", "NPV - 28 GHz + 700 MHz network per MHz per pop", "NZ$/MHz/pop",
              "npv_mmwave_{b} / (mmwave_bandwidth_mhz * population)", PER_MHZ_POP, "Table 8: -0.05")

    B = "Real options (eqs. 17-20), thesis Table 9"
    rows.both(B, "s", "S: present value of future cash flows", "NZ$", "pv_revenue_{b}")
    rows.both(B, "k", "K: present value of the investment cost", "NZ$", "pv_cost_mmwave_{b}")
    rows.both(B, "d1", "d1 (eq. 19)", "-",
              "(ln(s_{b} / k_{b}) + (risk_free_rate + volatility ** 2 / 2) * option_years) / (volatility * sqrt(option_years))",
              "0.000", "Table 9 inputs t, sigma and r are on the Inputs sheet; thesis: 0.379")
    rows.both(B, "d2", "d2 (eq. 20)", "-", "d1_{b} - volatility * sqrt(option_years)", "0.000", "Thesis: -0.461")
    rows.both(B, "n_d1", "N(d1)", "-", "normal_cdf(d1_{b})", "0.000", "Thesis: 0.648")
    rows.both(B, "n_d2", "N(d2)", "-", "normal_cdf(d2_{b})", "0.000", "Thesis: 0.322")
    rows.both(B, "option", "Option value (eq. 18)", "NZ$", "s_{b} * n_d1_{b} - k_{b} * exp(-risk_free_rate * option_years) * n_d2_{b}",
              note="Thesis: 326 M")
    rows.both(B, "project", "Project value = NPV + option value (eq. 17)", "NZ$", "npv_mmwave_{b} + option_{b}", note="Thesis: 75 M")
    rows.both(B, "project_per_mhz_pop", "Project value per MHz per pop", "NZ$/MHz/pop",
              "project_{b} / (mmwave_bandwidth_mhz * population)", PER_MHZ_POP, "Table 11: 0.02")

    B = "Sensitivity of the option value to sigma (section 8.5)"
    for name in ("volatility_low", "volatility_high", "volatility_very_high"):
        sigma = name
        d1 = f"(ln(s_{{b}} / k_{{b}}) + (risk_free_rate + {sigma} ** 2 / 2) * option_years) / ({sigma} * sqrt(option_years))"
        d2 = f"({d1} - {sigma} * sqrt(option_years))"
        rows.both(B, f"option_{name}", f"Option value at the {name.replace('volatility_', '').replace('_', ' ')} volatility input", "NZ$",
                  f"s_{{b}} * normal_cdf({d1}) - k_{{b}} * exp(-risk_free_rate * option_years) * normal_cdf({d2})",
                  note="Thesis: 429.6 M at sigma 50 %" if name == "volatility_high" else "")
        rows.both(B, f"project_{name}", "Project value at that volatility", "NZ$", f"npv_mmwave_{{b}} + option_{name}_{{b}}",
                  note="Thesis: 178.6 M at sigma 50 %" if name == "volatility_high" else "")

    B = "Deprival method (section 8.6), thesis Table 10"
    rows.both(B, "deprival", "Deprival value: PV cost without - PV cost with the 28 GHz spectrum", "NZ$",
              "pv_cost_uhf_{b} - pv_cost_mmwave_{b}", note="734 M - 1,289 M = -555 M")
    rows.both(B, "deprival_per_mhz_pop", "Deprival value per MHz per pop", "NZ$/MHz/pop",
              "deprival_{b} / (mmwave_bandwidth_mhz * population)", PER_MHZ_POP, "Table 11: -0.11 (-0.117)")
    rows.row(B, "deprival_10x", "Deprival value, 10 x Cisco VNI demand (thesis Table 10)", "NZ$",
             "thesis_cost_pv_uhf_10x - thesis_cost_pv_mmwave_10x", None,
             note="2,264 M - 1,979 M = 285 M (the text, with 1,980 M: 284 M); this model: select ten_x_linear on Inputs")
    rows.row(B, "deprival_10x_per_mhz_pop", "Deprival value, 10 x demand, per MHz per pop", "NZ$/MHz/pop",
             "deprival_10x_thesis / (mmwave_bandwidth_mhz * population)", None, PER_MHZ_POP, "Thesis: 0.06")

    B = "Benchmarking (section 8.3)"
    rows.both(B, "benchmark", "Benchmark value: price x bandwidth x population", "NZ$",
              "benchmark_price_per_mhz_pop * mmwave_bandwidth_mhz * population", note="0.09 x 1,000 MHz x 4,746,100 = 427 M")
    rows.both(B, "benchmark_per_mhz_pop", "Benchmark value per MHz per pop", "NZ$/MHz/pop",
              "benchmark_{b} / (mmwave_bandwidth_mhz * population)", "0.00", "Table 11: 0.09")

    B = "Thesis Table 12: demand and revenue brought forward 5 years (printed results)"
    for key, label, thesis_key in (("t12_dcf", "Discounted cash flow", "thesis_t12_dcf"),
                                   ("t12_real_options", "Real options: project value", "thesis_t12_real_options"),
                                   ("t12_deprival", "Deprival", "thesis_t12_deprival")):
        rows.row(B, key, f"{label} (forward 5 years)", "NZ$", thesis_key, None,
                 note="Printed; its inputs are not. This model: set the years brought forward to 5 on Inputs",
                 thesis_when=(CISCO_VNI,))
        rows.row(B, f"{key}_per_mhz_pop", f"{label} (forward 5 years) per MHz per pop", "NZ$/MHz/pop",
                 f"{key}_thesis / (mmwave_bandwidth_mhz * population)", None, "0.00")
    return tuple(rows.rows)


ROWS: tuple[ValuationRow, ...] = _valuation_rows()

BY_KEY = {row.key: row for row in ROWS}

#: Cells beside the model column that recompute it with the add-in's functions (Excel name,
#: arguments as keys; "row:<key>" is a line item's row of years).  In Excel with the add-in
#: and in the ``formulas`` engine they show values; elsewhere "add-in not loaded".
CROSS_CHECKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pv_revenue": ("NPV_T0", ("wacc", "row:revenue")),
    "pv_cost_uhf": ("NPV_T0", ("wacc", f"row:{UHF}__total_cost")),
    "pv_cost_mmwave": ("NPV_T0", ("wacc", "row:total_cost")),
    "npv_mmwave_per_mhz_pop": ("VALUE_PER_MHZ_POP", ("npv_mmwave_model", "mmwave_bandwidth_mhz", "population")),
    "option": ("BLACK_SCHOLES_OPTION", ("s_model", "k_model", "option_years", "risk_free_rate", "volatility")),
    "deprival": ("DEPRIVAL", ("pv_cost_uhf_model", "pv_cost_mmwave_model")),
    "deprival_per_mhz_pop": ("VALUE_PER_MHZ_POP", ("deprival_model", "mmwave_bandwidth_mhz", "population")),
    "benchmark": ("BENCHMARK_VALUE", ("benchmark_price_per_mhz_pop", "mmwave_bandwidth_mhz", "population")),
}

#: The valuation's headline figures, in the order the workbook's Cover and ``xlspectrum build``
#: show them: (label, valuation row), in NZ$ M, this model beside the thesis' own figure.
HEADLINE = (
    ("Present value of cost, 28 GHz + 700 MHz network (Table 9's K, Table 10)", "pv_cost_mmwave"),
    ("Present value of cost, 700 MHz network (Table 10)", "pv_cost_uhf"),
    ("Present value of revenue, ARPU model (Table 9's S)", "pv_revenue"),
    ("Benchmarking (section 8.3, Table 11)", "benchmark"),
    ("Discounted cash flow: NPV, 28 GHz + 700 MHz (Tables 8, 11)", "npv_mmwave"),
    ("Real options: option value (eq. 18, Table 9)", "option"),
    ("Real options: project value = NPV + option (eq. 17, Table 11)", "project"),
    ("Deprival method (section 8.6, Tables 10, 11)", "deprival"),
)

#: The results table in the layout of thesis Table 11: method, value row, per-MHz-pop row.
TABLE11 = (
    ("Benchmarking", "benchmark", "benchmark_per_mhz_pop"),
    ("Discounted cash flow", "npv_mmwave", "npv_mmwave_per_mhz_pop"),
    ("Real options: project value (NPV + option value)", "project", "project_per_mhz_pop"),
    ("Deprival", "deprival", "deprival_per_mhz_pop"),
)


@dataclass(frozen=True)
class Valuation:
    """Every valuation row for both bases, with the two cost-model runs behind it."""

    values: Mapping[str, Any]
    mmwave: CostModelResult
    uhf: CostModelResult

    @property
    def scenarios(self) -> int | None:
        """The number of scenarios, or None for a single valuation."""
        return self.mmwave.scenarios

    def get(self, key: str, basis: str) -> Any:
        """A row's value (an array of one per scenario with scenarios); NaN in the thesis
        column where the thesis prints nothing (see :meth:`printed`)."""
        return self.values[f"{key}_{basis}"]

    def printed(self, key: str) -> bool:
        """Whether the thesis prints what its column of row ``key`` needs, for these inputs."""
        return not np.isnan(self.values[f"{key}_thesis"]).all()

    def table(self) -> pd.DataFrame:
        """Thesis Table 11 layout, tidy: method, basis, value [NZ$], value per MHz per pop, note.

        Where the thesis prints nothing for the selected forecast, the thesis-inputs rows
        hold NaN and the note says so.  With scenarios, one row per scenario, method and
        basis, and a ``scenario`` column first.
        """
        records = []
        for method, value_key, per_key in TABLE11:
            for basis in BASES:
                missing = basis == "thesis" and not self.printed(value_key)
                records.append({"method": method, "basis": BASIS_LABELS[basis],
                                "value_nzd": self.get(value_key, basis), "nzd_per_mhz_pop": self.get(per_key, basis),
                                "note": f"the thesis: {NOT_PRINTED}" if missing else ""})
        frame = pd.DataFrame(records)
        if self.scenarios is None:
            return frame
        frame.insert(0, "scenario", [np.arange(self.scenarios)] * len(frame))
        return frame.explode(["scenario", "value_nzd", "nzd_per_mhz_pop"]).astype(
            {"scenario": int, "value_nzd": float, "nzd_per_mhz_pop": float}).reset_index(drop=True)


def _check_valuation_inputs(inputs: Mapping[str, Any]) -> None:
    """The ranges eqs. (17)-(20) and the per-MHz-pop ratios need (as xlspectrum.formulas.valuation checks)."""
    check_range("option_years", inputs["option_years"], 0.0, low_inclusive=False, unit="years")
    for key in ("volatility", "volatility_low", "volatility_high", "volatility_very_high"):
        check_range(key, inputs[key], 0.0, 10.0, low_inclusive=False)
    check_range("risk_free_rate", inputs["risk_free_rate"], -1.0, 1.0, low_inclusive=False)
    for key in ("mmwave_bandwidth_mhz", "uhf_bandwidth_mhz", "population"):
        check_range(key, inputs[key], 0.0, low_inclusive=False)
    check_range("benchmark_price_per_mhz_pop", inputs["benchmark_price_per_mhz_pop"], 0.0)
    for key in [k for k in INPUTS if k.startswith("thesis_cost_pv") or k == "thesis_revenue_pv"]:
        check_range(key, inputs[key], 0.0, low_inclusive=False)


def _column(value: Any) -> Any:
    return value[:, np.newaxis] if isinstance(value, np.ndarray) and value.ndim == 1 else value


def _declared_scalars(result: CostModelResult) -> dict[str, Any]:
    """The line items declared single values (``scalar=True``): one number, or one per scenario."""
    return {key: result.scalar(key) for key in result.model.scalars}


def value(overrides: Mapping[str, Any] | None = None, *, line_items: bool = True, **more: Any) -> Valuation:
    """Run both networks on the same inputs and every valuation row.

    ``overrides`` apply to both networks, except the inputs that define the 700 MHz-only
    network (:data:`UHF_OVERRIDES`: its carrier and cell mix), which stay that network's own.
    ``line_items=False`` keeps only the networks' single values (the present values the rows
    use) in the returned runs: the sensitivity samples need no more, in a fraction of the memory.

    >>> v = value(demand_forecast="cisco_vni_linear")
    >>> round(v.get("option", "thesis") / 1e6)
    326
    """
    shared = {**(overrides or {}), **more}
    inputs = resolve(shared)
    _check_valuation_inputs(inputs)
    mmwave = APPENDIX_C.run(shared, outputs=None if line_items else APPENDIX_C.scalars)
    # the inputs that define the 700 MHz network stay its own, as on the workbook's UHF Inputs sheet
    uhf = UHF_700.run({key: v for key, v in shared.items() if key not in UHF_700.overridden},
                      outputs=None if line_items else UHF_700.scalars)
    # with scenarios, every name is (N, 1) so that [..., 0] below keeps the scenario axis
    names: dict[str, Any] = {key: _column(v) if INPUTS[key].kind == "number" else v for key, v in inputs.items()}
    names.update({k: _column(v) for k, v in _declared_scalars(mmwave).items()})
    names.update({f"{UHF}__{k}": _column(v) for k, v in _declared_scalars(uhf).items()})
    values: dict[str, Any] = {}
    for row in ROWS:
        for basis, expression in row.expressions.items():
            result = evaluate(expression, names, 1)[..., 0]
            condition = row.thesis_condition if basis == "thesis" else None
            holds = True if condition is None else evaluate(condition, names, 1)[..., 0] != 0
            result = np.where(holds, result, np.nan)
            if (holds & ~np.isfinite(result)).any():
                raise ValueError(f"{row.label} ({BASIS_LABELS[basis]}) is not a finite number: check the inputs "
                                 f"{', '.join(sorted(n for n in expression.names if n in INPUTS))}")
            if mmwave.scenarios is not None:
                result = np.broadcast_to(result, (mmwave.scenarios,)).copy()
            values[row.cell_key(basis)] = float(result) if result.ndim == 0 else result
            names[row.cell_key(basis)] = _column(values[row.cell_key(basis)])
    return Valuation(values, mmwave, uhf)


def valuation_table(demand_forecast: str = "cisco_vni_linear", include_forward: bool = True,
                    overrides: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The chapter 8 results as a tidy table: table, method, basis, value, NZ$ per MHz per pop.

    Table 11 uses the thesis' current demand (Cisco VNI linear).  With ``include_forward``
    the Table 12 rows follow: the thesis' printed results and this model with demand,
    subscribers and revenue brought forward 5 years.
    """
    overrides = {**(overrides or {}), "demand_forecast": demand_forecast}
    current = value(overrides).table()
    current.insert(0, "table", "Table 11 (2017 forecasts)")
    frames = [current]
    if include_forward:
        forward = value(overrides, forecast_shift_years=5)
        model = forward.table()
        model = model[model["basis"] == BASIS_LABELS["model"]]
        thesis_rows = [
            {"method": method, "basis": BASIS_LABELS["thesis"], "value_nzd": forward.get(key, "thesis"),
             "nzd_per_mhz_pop": forward.get(f"{key}_per_mhz_pop", "thesis"),
             "note": "" if forward.printed(key) else f"the thesis: {NOT_PRINTED}"}
            for method, key in (("Discounted cash flow", "t12_dcf"),
                                ("Real options: project value (NPV + option value)", "t12_real_options"),
                                ("Deprival", "t12_deprival"))
        ]
        thesis_frame = pd.DataFrame(thesis_rows)
        if forward.scenarios is not None:  # one row per scenario, as Valuation.table() gives them
            thesis_frame.insert(0, "scenario", [np.arange(forward.scenarios)] * len(thesis_frame))
            thesis_frame = thesis_frame.explode(["scenario", "value_nzd", "nzd_per_mhz_pop"]).astype(
                {"scenario": int, "value_nzd": float, "nzd_per_mhz_pop": float})
        table12 = pd.concat([thesis_frame, model[model["method"] != "Benchmarking"]], ignore_index=True)
        table12.insert(0, "table", "Table 12 (forward 5 years)")
        frames.append(table12)
    return pd.concat(frames, ignore_index=True)


def scenario_columns(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`valuation_table` run with N scenarios as one row per scenario: ``scenario``, then per row a column.

    Each row of the tidy table gives two columns, ``<table>_<key>_<basis>_nzd`` [NZ$] and
    ``<table>_<key>_<basis>_nzd_per_mhz_pop`` [NZ$/MHz/pop], where ``<table>`` is ``t11`` or
    ``t12`` (Tables 11 and 12), ``<key>`` the row's valuation key (:data:`TABLE11`; ``t12_*`` for
    the thesis' printed Table 12 rows) and ``<basis>`` ``thesis`` or ``model``. The rows whose
    thesis figures are not printed for the selected forecast (NaN, with a note) are left out.

    Returns
    -------
    pandas.DataFrame
        One row per scenario (the ``scenario`` column is its index, 0 to N - 1).
    """
    keys = {method: key for method, key, _ in TABLE11}
    t12_thesis = {"Discounted cash flow": "t12_dcf", "Real options: project value (NPV + option value)": "t12_real_options",
                  "Deprival": "t12_deprival"}
    bases = {label: basis for basis, label in BASIS_LABELS.items()}
    kept = table[table["note"] == ""]
    columns: dict[str, Any] = {}
    for (name, method, basis), group in kept.groupby(["table", "method", "basis"], sort=False):
        short = "t11" if name.startswith("Table 11") else "t12"
        key = t12_thesis[method] if short == "t12" and bases[basis] == "thesis" else keys[method]
        stem = f"{short}_{key.removeprefix('t12_')}_{bases[basis]}"
        ordered = group.sort_values("scenario")
        columns[f"{stem}_nzd"] = ordered["value_nzd"].to_numpy()
        columns[f"{stem}_nzd_per_mhz_pop"] = ordered["nzd_per_mhz_pop"].to_numpy()
    return pd.DataFrame(columns, index=pd.RangeIndex(len(next(iter(columns.values()))), name="scenario"))
