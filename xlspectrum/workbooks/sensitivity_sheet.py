"""The Sensitivity sheet of the thesis workbook: presets, tornado and Monte Carlo as values.

A tornado or a Monte Carlo is thousands of runs of the whole model, which a workbook of
live formulas cannot hold; the sheet therefore carries the figures :mod:`xlspectrum.models.sensitivity`
computed when the workbook was built, each block stating how (base case, ranges,
distributions, samples, seed, the command that gives the same numbers).  The only live
cells compare the Inputs sheet with the base values the figures were computed at, so a
reader sees at once when the figures no longer describe the inputs in front of them.

Native Excel charts: a tornado (horizontal bars of the change at the low and the high
input) for the deprival and the project value, and a histogram (columns over bins) of
each of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from xlspectrum import __version__
from xlspectrum.models import sensitivity as sa
from xlspectrum.models.costmodel.inputs import INPUTS
from xlspectrum.workbooks.style import BOLD, HEADER_FILL, NOTE_FONT, TOLERANCE_CELL, block_heading, input_number_format, title

SHEET = "Sensitivity"
#: the Monte Carlo of the sheet: the CLI's defaults, so `xlspectrum sensitivity` prints the same figures
SAMPLES = 10_000
SEED = 1
#: outputs that get a tornado chart and a histogram (the thesis' headline values of section 8.7)
CHARTED = ("deprival", "project")
#: written figures are rounded to NZ$ 1,000 (0.001 M), far below what is shown, so a build
#: gives the same file on any machine even where floating-point sums differ in the last bit
MILLIONS_DECIMALS = 3
INPUT_SIGNIFICANT_DIGITS = 10

#: characters of wrapped text per line in the merged B:H (a little under its width)
SETTINGS_CHARS_PER_LINE = 125
NOTE_CHARS_PER_LINE = 160
MILLIONS = '#,##0.0;[Red]-#,##0.0;"-"'
PRESET_LABELS = {
    "volatility": "Volatility sigma (section 8.5)",
    "mmwave_base_station_cost": "28 GHz base stations 38 % cheaper (section 8.4)",
    "demand_forecast": "Demand forecast (section 10.3.4)",
    "wacc": "WACC (+-2 points: xlspectrum's choice)",
}
CHART_COLUMN = "J"
#: chart sizes (height, width) [cm], and the rows a chart spans (rows of 15 pt = 0.53 cm)
TORNADO_CHART_CM = (12.0, 22.0)
HISTOGRAM_CHART_CM = (9.0, 22.0)
ROW_CM = 0.53


@dataclass(frozen=True)
class Figures:
    """What the sheet shows, computed once per base case."""

    base: Mapping[str, Any]
    presets: pd.DataFrame
    ranges: pd.DataFrame
    tornado: pd.DataFrame
    distributions: tuple[sa.Distribution, ...]
    monte_carlo: sa.MonteCarlo


def _key(overrides: Mapping[str, Any]) -> str:
    return repr(sorted((k, list(np.ravel(v)) if not isinstance(v, str) else v) for k, v in overrides.items()))


#: figures by base case (a workbook built twice, or its layout read, computes them once)
_CACHE: dict[str, Figures] = {}
CACHE_SIZE = 4


def figures(overrides: Mapping[str, Any] | None = None) -> Figures:
    """The presets, tornado and Monte Carlo of the base case ``overrides`` (demand Cisco VNI unless set)."""
    overrides = dict(overrides or {})
    key = _key(overrides)
    if key not in _CACHE:
        base = {**sa.BASE, **overrides}
        ranges = sa.default_ranges(base=base)
        distributions = sa.default_distributions(base=base)
        if len(_CACHE) >= CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = Figures(base, sa.presets(base), ranges, sa.tornado(ranges, base), tuple(distributions),
                              sa.monte_carlo(distributions, SAMPLES, SEED, base=base))
    return _CACHE[key]


def _millions(value: float) -> float:
    return round(float(value) / 1e6, MILLIONS_DECIMALS)


def _input_value(value: float) -> float:
    return float(f"{float(value):.{INPUT_SIGNIFICANT_DIGITS}g}")


def _setting_text(value: Any) -> str:
    """An override as ``--set`` reads it back exactly (shortest round-trip numbers)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    return ",".join(repr(float(v)) for v in np.ravel(value))


def command(overrides: Mapping[str, Any] | None = None) -> str:
    """The command line that prints the same figures as the sheet."""
    parts = ["xlspectrum sensitivity", f"--samples {SAMPLES}", f"--seed {SEED}"]
    order = list(INPUTS)  # the inputs' own order: the same inputs give the same line, however they were given
    ranked = sorted((overrides or {}).items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    parts += [f"--set {key}={_setting_text(value)}" for key, value in ranked]
    return " ".join(parts)


def _distribution_text(distribution: sa.Distribution, low: float, base: float, high: float) -> str:
    """"triangular" when it runs from the tornado low to high with its mode at the base value (as the
    settings say), else the distribution in full."""
    if distribution.kind == "triangular" and np.allclose(distribution.parameters, (low, base, high), rtol=1e-9):
        return distribution.kind
    return distribution.describe()


class _Writer:
    """Rows written top to bottom in columns A:H, with the house style."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws, self.row = ws, 1

    def heading(self, text: str, new_page: bool = False) -> None:
        self.row += 1
        if new_page:
            self.ws.row_breaks.append(Break(id=self.row - 1))
        block_heading(self.ws, self.row, text, 8)
        self.row += 1

    def note(self, text: str) -> None:
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=8)
        cell = self.ws.cell(self.row, 1, text)
        cell.font = NOTE_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines = max(1, -(-len(text) // NOTE_CHARS_PER_LINE))
        self.ws.row_dimensions[self.row].height = 15 * lines + 2
        self.row += 1

    def header(self, labels: tuple[str, ...]) -> int:
        for column, label in enumerate(labels, 1):
            cell = self.ws.cell(self.row, column, label)
            cell.font, cell.fill = BOLD, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal="left" if column == 1 else "right")
        self.ws.row_dimensions[self.row].height = 30
        self.row += 1
        return self.row - 1

    def line(self, values: tuple[Any, ...], formats: tuple[str | None, ...] = ()) -> int:
        for column, value in enumerate(values, 1):
            cell = self.ws.cell(self.row, column, value)
            number_format = formats[column - 1] if column - 1 < len(formats) else None
            if number_format:
                cell.number_format = number_format
            if column > 1:
                cell.alignment = Alignment(horizontal="right")
        self.row += 1
        return self.row - 1


def _tornado_chart(ws: Worksheet, header_row: int, first: int, last: int, title: str) -> BarChart:
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap, chart.gapWidth = "bar", "clustered", 100, 40
    chart.title = title
    chart.add_data(Reference(ws, min_col=6, max_col=7, min_row=header_row, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    # the largest swing on top, as the table reads; input names at the left edge, clear of the bars
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.tickLblPos = "low"
    chart.y_axis.crosses = "max"  # with the categories reversed, this keeps the value axis at the bottom
    chart.y_axis.title = "Change from the base value (NZ$ M)"
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.height, chart.width = TORNADO_CHART_CM
    return chart


def _histogram_chart(ws: Worksheet, header_row: int, first: int, last: int, title: str) -> BarChart:
    chart = BarChart()
    chart.type, chart.gapWidth = "col", 5
    chart.title = title
    chart.add_data(Reference(ws, min_col=5, min_row=header_row, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=4, min_row=first, max_row=last))
    chart.x_axis.title = "NZ$ M (bin centre)"
    chart.y_axis.title = "Samples"
    chart.x_axis.number_format = "#,##0"
    chart.x_axis.tickLblPos = "low"
    chart.x_axis.tickLblSkip = 2  # every other bin centre: whole labels, not wrapped ones
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.legend = None
    chart.height, chart.width = HISTOGRAM_CHART_CM
    return chart


def write_sensitivity(wb: Workbook, input_reference: Callable[[str], str],
                      overrides: Mapping[str, Any] | None) -> Worksheet:
    """Add the Sensitivity sheet to ``wb``.

    ``input_reference(key)`` is the absolute address of an input's cell on the Inputs sheet.
    """
    found = figures(overrides)
    carlo = found.monte_carlo
    ws = wb.create_sheet(SHEET)
    out = _Writer(ws)
    title(ws, "Sensitivity and uncertainty of the value of 28 GHz spectrum")
    out.row = 3
    runs = len(found.presets) * 2 + 2 * len(found.ranges) + SAMPLES
    out.note(f"Values, not formulas: computed by xlspectrum {__version__} when this workbook was built, from about "
             f"{runs:,} runs of both cost models. They do not change when you edit Inputs; rebuild the workbook "
             "(xlspectrum build) or run the command below to recompute. Money in NZ$ M, this model's basis of the "
             "Valuation sheet.")

    demand = found.base["demand_forecast"]
    out.heading("How these figures were computed")
    settings = (
        ("Base case", f"every input as on Inputs when built, demand forecast {demand}"
                      + (" (the setting of thesis Tables 8-11)" if demand == sa.BASE["demand_forecast"] else "")),
        ("Outputs", "the model-basis values of the Valuation sheet: PV of cost of the 28 GHz + 700 MHz network, "
                    "DCF (eq. 16), real option (eq. 18), project value (eq. 17), deprival value (Table 10)"),
        ("Tornado", f"each input below alone to its low and high value: {sa.DEFAULT_FRACTION:.0%} either side of "
                    "its base value, kept inside its valid range, asset lives widened to whole years"),
        ("Monte Carlo", f"{SAMPLES:,} Latin hypercube samples (scipy.stats.qmc), seed {SEED}, the inputs below "
                        "independent, each triangular from its tornado low to high with the mode at its base value"),
        ("Same figures from", command(overrides)),
    )
    for label, text in settings:
        ws.cell(out.row, 1, label).font = BOLD
        ws.cell(out.row, 1).alignment = Alignment(vertical="top")
        ws.merge_cells(start_row=out.row, start_column=2, end_row=out.row, end_column=8)
        ws.cell(out.row, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[out.row].height = 15 * max(1, -(-len(text) // SETTINGS_CHARS_PER_LINE)) + 2
        out.row += 1

    out.heading("Inputs varied, and whether the Inputs sheet still holds their base values")
    header = out.header(("Input", "Unit", "Base value (computed at)", "On Inputs now", "Tornado low", "Tornado high",
                         "Monte Carlo", "Inputs sheet holds the base value"))
    first = header + 1
    by_input = {d.input: d for d in found.distributions}
    for row in found.ranges.itertuples(index=False):
        item = INPUTS[row.input]
        number = input_number_format(item.unit)
        base_value = _input_value(found.tornado.loc[found.tornado["input"] == row.input, "base_input"].iloc[0])
        out.line((item.label, item.unit, base_value, "=" + input_reference(row.input), _input_value(row.low),
                  _input_value(row.high), _distribution_text(by_input[row.input], row.low, base_value, row.high),
                  f"=ABS(D{out.row}-C{out.row})<={TOLERANCE_CELL}*ABS(C{out.row})"),
                 (None, None, number, number, number, number, None))
    last = out.row - 1
    ws.cell(out.row, 1, "These inputs on the Inputs sheet").font = BOLD
    status = ws.cell(out.row, 3, f'=IF(COUNTIF(H{first}:H{last},FALSE)=0,"same as the base values",'
                                 '"changed: rebuild the workbook to recompute these figures")')
    status.font = BOLD
    out.row += 1
    ws.cell(out.row, 1, "Demand forecast: base case / on Inputs now").font = BOLD
    ws.cell(out.row, 3, demand).alignment = Alignment(horizontal="right")
    ws.cell(out.row, 4, "=" + input_reference("demand_forecast")).alignment = Alignment(horizontal="right")
    out.row += 1

    outputs = tuple(sa.OUTPUTS)
    short = {"pv_cost": "PV of cost", "dcf": "DCF value", "option": "Real option", "project": "Project value",
             "deprival": "Deprival value"}
    out.heading("The thesis' own sensitivities (sections 8.4-8.5), NZ$ M")
    out.header(("Preset", "Setting", *(short[k] for k in outputs)))
    for row in found.presets.itertuples(index=False):
        out.line((PRESET_LABELS[row.preset], row.setting, *(_millions(getattr(row, k)) for k in outputs)),
                 (None, None, *([MILLIONS] * len(outputs))))
        ws.cell(out.row - 1, 2).alignment = Alignment(horizontal="left")

    for i, output in enumerate(CHARTED):
        label = sa.OUTPUTS[output][0]
        part = found.tornado[found.tornado["output"] == output]
        out.heading(f"Tornado: {label}, base {_millions(part['base'].iloc[0]):,.1f} NZ$ M, largest swing first",
                    new_page=i > 0)
        header = out.header(("Input", "Input low", "Input high", "Value at low (NZ$ M)", "Value at high (NZ$ M)",
                             "Change at low input", "Change at high input", "Swing (NZ$ M)"))
        for row in part.itertuples(index=False):
            number = input_number_format(INPUTS[row.input].unit)
            at_low, at_high, centre = _millions(row.at_low), _millions(row.at_high), _millions(row.base)
            out.line((row.label, _input_value(row.low), _input_value(row.high), at_low, at_high,
                      round(at_low - centre, MILLIONS_DECIMALS), round(at_high - centre, MILLIONS_DECIMALS),
                      _millions(row.swing)), (None, number, number, *([MILLIONS] * 5)))
        chart = _tornado_chart(ws, header, header + 1, out.row - 1, f"Tornado: {label}")
        ws.add_chart(chart, f"{CHART_COLUMN}{header - 1}")
        out.row = max(out.row, header + math.ceil(TORNADO_CHART_CM[0] / ROW_CM))

    summary = carlo.summary
    out.heading(f"Monte Carlo: {SAMPLES:,} samples, seed {SEED}, NZ$ M")
    out.header(("Output", "Mean", "Standard deviation", "P5", "P50 (median)", "P95", "Probability > 0",
                "Standard error of the mean"))
    for row in summary.itertuples(index=False):
        out.line((row.label, _millions(row.mean), _millions(row.sd), _millions(row.p5), _millions(row.p50),
                  _millions(row.p95), round(row.probability_positive, 6), _millions(row.sd / np.sqrt(SAMPLES))),
                 (None, MILLIONS, MILLIONS, MILLIONS, MILLIONS, MILLIONS, "0.0%", "#,##0.00"))
    out.row += 1
    ws.cell(out.row, 1, "Convergence of the mean (NZ$ M) as samples are added").font = BOLD
    out.row += 1
    out.header(("Samples", *(short[k] for k in outputs)))
    convergence = carlo.convergence.pivot(index="samples", columns="output", values="mean")
    for samples, row in convergence.iterrows():
        out.line((int(samples), *(_millions(row[k]) for k in outputs)), ("#,##0", *([MILLIONS] * len(outputs))))
        ws.cell(out.row - 1, 1).alignment = Alignment(horizontal="left")

    for i, output in enumerate(CHARTED):
        label = sa.OUTPUTS[output][0]
        edges, counts = sa.histogram(carlo.outputs[output].to_numpy())
        out.heading(f"Histogram: {label}, {SAMPLES:,} samples", new_page=i == 0)
        header = out.header(("Bin (NZ$ M)", "From (NZ$ M)", "To (NZ$ M)", "Centre (NZ$ M)", "Samples"))
        for low, high, count in zip(edges[:-1], edges[1:], counts):
            low, high = round(float(low), 6), round(float(high), 6)
            out.line((f"{low:,g} to {high:,g}", low, high, round((low + high) / 2, 6), int(count)),
                     (None, "#,##0.0", "#,##0.0", "#,##0.0", "#,##0"))
        ws.add_chart(_histogram_chart(ws, header, header + 1, out.row - 1, f"{label}: Monte Carlo histogram"),
                     f"{CHART_COLUMN}{header - 1}")
        out.row = max(out.row, header + math.ceil(HISTOGRAM_CHART_CM[0] / ROW_CM))

    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = 34
    for letter in "CDEFGH":
        ws.column_dimensions[letter].width = 15
    ws.freeze_panes = "A3"
    return ws
