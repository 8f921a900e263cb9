"""Write the TV white-space case of Weiss and Cui (section IV) as a live-formula workbook.

The same case as :func:`xlspectrum.models.tvws.case`, in native Excel formulas that recalculate
in Excel, LibreOffice and the ``formulas`` package without Python:

* Inputs: every assumption of :data:`~xlspectrum.models.tvws.ASSUMPTIONS` and the secondary's
  four locations (blue on yellow, valid range, an in-range flag), and the constants the
  formulas use (Boltzmann's constant, 290 K, the free-space constant, the 10 m floor);
* Rings: the service area cut into 100 rings (one column each, one formula per row):
  households, free-space loss, SINR and viewers before; for each power case the
  interference each threshold allows and the distance from the secondary beyond which
  SINR stays above it; for each location and case the bearing where SINR crosses each
  threshold, the share of the ring above it and the viewers after (eq. (11));
* Profile: SINR along the radial through the secondary (what the paper's Figures 1-3 plot);
* Results: viewers, energy saved, reservation prices (eqs. (12), (13)), the secondary's
  value (eq. (14)), surplus and trade for each location and power case; the advertising
  loss by region of the SINR before (Table II) and its chart (as the paper's Figure 4);
* Figures: this case's charts of the quantities of the paper's Figures 1-4, on the assumed
  inputs (the paper prints its figures without values, so none is reproduced);
* Checks, with a master check shown on every sheet.

:func:`compare_with_case` reads a recalculated copy back and compares every row with the
Python engine, so the two readings are proven equal by a test.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from xlspectrum.models import tvws
from xlspectrum.formulas.interference import BOLTZMANN_J_PER_K, NOISE_TEMPERATURE_K
from xlspectrum.formulas.propagation import FSPL_CONSTANT_DB
from xlspectrum.workbooks.style import (BOLD, HEADER_FILL, INPUT_FILL, INPUT_FONT, MASTER_CHECK, NOT_LOADED, OKABE_ITO, TOLERANCE_CELL,
                     XLWINGS_CONF_PURPOSE, title, write_not_computed_count)
from xlspectrum.workbooks.package import add_xlwings_conf, has_marker, print_setup, stamp
from xlspectrum.workbooks.style import LINE_HEIGHT_PT, addin_call, block_heading, paragraph

#: Document keywords that mark a workbook as xlspectrum's interference-rights case
MODEL_MARKER = "xlspectrum interference rights model"
RINGS = tvws.RINGS
VALUE_COLUMN, OPENING_COLUMN, FIRST_RING_COLUMN = 3, 4, 5
LAST_RING_COLUMN = FIRST_RING_COLUMN + RINGS - 1
NOTE_COLUMN = LAST_RING_COLUMN + 1
#: ring columns a printout shows: each ring column holds the same formulas, so the first rings show them all
PRINTED_RINGS = 10
RING_WIDTH = 10
# row 1 the status line, row 2 the sheet's title (the house style of xlspectrum.workbooks.style)
RING_ROW, MIDDLE_ROW, HEADER_ROW, FIRST_ROW = 3, 4, 5, 7
CONSTANT_FONT = Font(color="7F7F7F")
NOTE_FONT = Font(italic=True, color="595959")
#: TRUE/FALSE as words in LibreOffice too (a styled cell would show its boolean as 1 or 0); Excel ignores it
BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"'
#: Tolerance of the numerical checks (relative)
TOLERANCE = 1e-9

#: What each location stands for in the paper
LOCATION_FIGURES = ("Figure 1", "Figure 4", "Figure 2", "Figure 3")
#: The location of the Figure 4 chart (the paper: 70 km)
FIGURE4_LOCATION = 1
CASE_TEXT = {
    "base": "base: primary unchanged, secondary at full power",
    "primary lower": "primary lower by the reduction, secondary at full power",
    "secondary lower": "primary unchanged, secondary at its lower power",
}
#: (label, Excel constant, unit, source) of the constants the formulas use
CONSTANTS = {
    # in dB: link budgets write k so, and the formulas package reads 1.38e-23 in a cell as 0
    "boltzmann_dbw": ("Boltzmann's constant k, 10 log10(k)", float(10.0 * np.log10(BOLTZMANN_J_PER_K)), "dBW/(K Hz)",
                      "CODATA 2018: k = 1.380649e-23 J/K (exact in the SI)"),
    "noise_temperature": ("Reference noise temperature", NOISE_TEMPERATURE_K, "K", "ITU-R P.372"),
    "fspl_constant": ("Free-space constant (d in km, f in MHz)", FSPL_CONSTANT_DB, "dB", "thesis eq. (3)"),
    "distance_floor": ("Nearest distance to a transmitter", tvws.DISTANCE_FLOOR_KM, "km",
                       "xlspectrum: closer receivers are taken to be 10 m away"),
}
SHEET_PURPOSE = {
    "Cover": "What the case is, its headline results and how to read the charts",
    "Inputs": "Every input with unit, valid range and source; change the blue cells",
    "Rings": "Viewers ring by ring, before and after the secondary transmits (eq. (11))",
    "Profile": "SINR along the radial through the secondary (as the paper's Figures 1-3 plot it)",
    "Results": "Reservation prices, the secondary's value and the trade (eqs. (10)-(14)); the data of the Figure 4 chart",
    "Figures": "This case's SINR against distance and reservation price by region (as the paper's Figures 1-3, 4)",
    "Checks": "Integrity checks and the master check",
    "xlwings.conf": XLWINGS_CONF_PURPOSE,
}
#: What each sheet prints (the Cover's "What prints" block; print areas and page breaks set in the writers)
PRINTOUT = {
    "Cover": "two pages: the case and how to read it; this guide",
    "Inputs, Results, Checks": "a page each",
    "Rings": f"the label columns and rings 1-{PRINTED_RINGS} of {RINGS}, a page per block (the link budget, then each "
             "power case): every ring column holds the same formulas, so these show them all; select other ring columns and "
             "print the selection to see their values. The notes column does not print",
    "Profile": f"the label columns and rings 1-{PRINTED_RINGS}, two locations a page (the charts show all {RINGS} rings)",
    "Figures": "two locations a page, the Figure 4 chart on a page of its own",
    "xlwings.conf": "hidden, so it does not print (Format > Sheet > Show to see it)",
}
#: The most pages the whole workbook prints (a LibreOffice test renders it and counts them)
PRINTED_PAGES_AT_MOST = 14


def _col(index: int) -> str:
    return get_column_letter(index)


@dataclass
class _Rows:
    """Where each quantity lives: key to (sheet, row) and, for single values, the column."""

    places: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    def put(self, key: str, sheet: str, row: int, column: int = VALUE_COLUMN) -> None:
        if key in self.places:  # one key, one place: a second would silently redirect earlier references
            raise KeyError(f"{key!r} is placed twice")
        self.places[key] = (sheet, row, column)

    def cell(self, key: str, from_sheet: str) -> str:
        """Absolute reference to a single value."""
        sheet, row, column = self.places[key]
        prefix = "" if sheet == from_sheet else f"{sheet}!"
        return f"{prefix}${_col(column)}${row}"

    def ring(self, key: str, from_sheet: str, column: int) -> str:
        """Reference to a ring row in one ring column (row absolute)."""
        sheet, row, _ = self.places[key]
        prefix = "" if sheet == from_sheet else f"{sheet}!"
        return f"{prefix}{_col(column)}${row}"

    def ring_range(self, key: str, from_sheet: str) -> str:
        sheet, row, _ = self.places[key]
        prefix = "" if sheet == from_sheet else f"{sheet}!"
        return f"{prefix}${_col(FIRST_RING_COLUMN)}${row}:${_col(LAST_RING_COLUMN)}${row}"


#: The number format of each unit: only a share (unit %) prints as a percentage; a pure number
#: (unit -, e.g. a cosine) prints as a decimal
UNIT_FORMATS = {"kW": "#,##0.0##", "km": "#,##0.00", "dB": "0.0", "dBm": "0.00", "%": "0.0%", "-": "0.000",
                "region": "0", "households": "#,##0", "viewers": "#,##0", "US$": '#,##0;[Red]-#,##0',
                "US$/kWh": "0.000", "h": "#,##0", "MHz": "#,##0.0", "Hz": "#,##0", "bit/s": "#,##0", "mW": "0.000E+00",
                "customers": "#,##0.0"}


def _format(unit: str) -> str:
    return UNIT_FORMATS.get(unit, "General")


def _unit(item: tvws.Assumption) -> str:
    """The unit an input shows: a share from 0 to 1 (unit "-" in :data:`xlspectrum.models.tvws.ASSUMPTIONS`) as %."""
    return "%" if item.unit == "-" and (item.low, item.high) == (0.0, 1.0) else item.unit


# ----------------------------------------------------------------------------- Inputs
def _write_inputs(wb: Workbook, rows: _Rows, values: Mapping[str, float], locations: Sequence[float]) -> None:
    ws = wb.create_sheet("Inputs")
    title(ws, "Inputs - TV white-space case (Weiss and Cui, section IV)", SHEET_PURPOSE["Inputs"])
    for column, text in enumerate(("Input", "Unit", "Value", "Valid min", "Valid max", "In range", "Source", "Key"), 1):
        cell = ws.cell(HEADER_ROW, column, text)
        cell.font, cell.fill = BOLD, HEADER_FILL
    ws.cell(HEADER_ROW, 6).alignment = Alignment(horizontal="center")  # as its TRUE/FALSE flags
    row = FIRST_ROW
    groups = (("The paper's case", [k for k, a in tvws.ASSUMPTIONS.items() if a.source.startswith("paper")]),
              ("Assumptions (the paper prints none of these)",
               [k for k, a in tvws.ASSUMPTIONS.items() if not a.source.startswith("paper")]))
    first_input = row
    for heading, keys in groups:
        block_heading(ws, row, heading, 8)
        row += 1
        for key in keys:
            item = tvws.ASSUMPTIONS[key]
            _input_row(ws, row, item.label, _unit(item), values[key], item.low, item.high, item.source, key)
            rows.put(key, "Inputs", row)
            row += 1
        row += 1
    block_heading(ws, row, "Where the secondary transmits (distance from the primary)", 8)
    row += 1
    low, high = tvws.LOCATION_RANGE_KM
    for index, location in enumerate(locations):
        figure = LOCATION_FIGURES[index] if index < len(LOCATION_FIGURES) else "added"
        _input_row(ws, row, f"Secondary location {index + 1} ({figure})", "km", location, low, high,
                   f"paper, section IV ({figure})", f"location_{index + 1}_km")
        rows.put(f"location_{index}", "Inputs", row)
        row += 1
    rows.put("in_range", "Inputs", first_input)
    rows.places["in_range_end"] = ("Inputs", row - 1, 6)
    row += 1
    block_heading(ws, row, "Constants (not inputs)", 8)
    row += 1
    for key, (label, value, unit, source) in CONSTANTS.items():
        ws.cell(row, 1, label)
        ws.cell(row, 2, unit)
        cell = ws.cell(row, VALUE_COLUMN, value)
        cell.font = CONSTANT_FONT
        cell.number_format = "0.0000" if key == "boltzmann_dbw" else "0.00"
        ws.cell(row, 7, source)
        ws.cell(row, 8, key)
        rows.put(key, "Inputs", row)
        row += 1
    row += 1
    _paragraph_across(ws, row, "House style: inputs in blue on yellow (change them), constants in grey, formulas in "
                               "black. Money is in US$ over the contract; powers are transmitter outputs into isotropic "
                               "antennas, as in the paper's free-space figures.", 8)
    widths = {"A": 52, "B": 12, "C": 16, "D": 12, "E": 16, "F": 10, "G": 70, "H": 26}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def _paragraph_across(ws: Worksheet, row: int, text: str, last_column: int) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    cell = ws.cell(row, 1, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.font = NOTE_FONT
    ws.row_dimensions[row].height = 32


def _input_row(ws: Worksheet, row: int, label: str, unit: str, value: float, low: float, high: float,
               source: str, key: str) -> None:
    ws.cell(row, 1, label)
    ws.cell(row, 2, unit)
    typed = int(value) if float(value).is_integer() else float(value)
    cell = ws.cell(row, VALUE_COLUMN, typed)
    cell.font, cell.fill = INPUT_FONT, INPUT_FILL
    cell.number_format = _format(unit)
    for column, bound in ((4, low), (5, high)):
        ws.cell(row, column, bound).number_format = _format(unit)
    flag = ws.cell(row, 6, f"=AND(ISNUMBER(C{row}),C{row}>=D{row},C{row}<=E{row})")
    flag.number_format, flag.alignment = BOOLEAN_FORMAT, Alignment(horizontal="center")
    ws.cell(row, 7, source)
    ws.cell(row, 8, key)
    validation = DataValidation(type="decimal", operator="between", formula1=f"$D${row}", formula2=f"$E${row}",
                                allow_blank=False, showErrorMessage=True, errorTitle="Outside the valid range",
                                error=f"{label}: enter a number from {low:g} to {high:g} {unit}"[:255])
    ws.add_data_validation(validation)
    validation.add(f"C{row}")


# ----------------------------------------------------------------------------- Rings
class _RingSheet:
    """A sheet with one column per ring: single values in C, rings in E:CZ, notes after."""

    def __init__(self, wb: Workbook, name: str, heading: str, rows: _Rows, singles: bool = True) -> None:
        self.ws = wb.create_sheet(name)
        self.name, self.rows, self.row = name, rows, FIRST_ROW
        #: the first row of each block, where a printed page may break
        self.blocks: list[int] = []
        ws = self.ws
        title(ws, heading)
        labels = ((1, "Line item"), (2, "Unit"), (VALUE_COLUMN, "Value" if singles else ""), (NOTE_COLUMN, "Notes"))
        for column, text in labels:
            cell = ws.cell(HEADER_ROW, column, text)
            cell.font = BOLD
        for column in range(1, NOTE_COLUMN + 1):
            ws.cell(HEADER_ROW, column).fill = HEADER_FILL
        ws.cell(RING_ROW, 1, "Ring (counted outwards from the primary)").font = BOLD
        ws.cell(MIDDLE_ROW, 1, "Middle of the ring: distance from the primary")
        ws.cell(MIDDLE_ROW, 2, "km")
        ws.cell(HEADER_ROW + 1, 1, SHEET_PURPOSE.get(name, "")).font = NOTE_FONT
        ws.freeze_panes = ws.cell(FIRST_ROW - 1, FIRST_RING_COLUMN)
        ws.column_dimensions["A"].width = 60
        ws.column_dimensions["B"].width = 10
        ws.column_dimensions["C"].width = 12 if singles else 2
        ws.column_dimensions["D"].width = 2
        for column in range(FIRST_RING_COLUMN, LAST_RING_COLUMN + 1):
            ws.column_dimensions[_col(column)].width = RING_WIDTH
        ws.column_dimensions[_col(NOTE_COLUMN)].width = 100

    def heading(self, text: str) -> None:
        if self.row > FIRST_ROW:
            self.row += 1
        block_heading(self.ws, self.row, text, NOTE_COLUMN)
        self.blocks.append(self.row)
        self.row += 1

    def print_setup(self, breaks_before: Sequence[int]) -> None:
        """Print the label columns and the first :data:`PRINTED_RINGS` rings, a page break before each of ``breaks_before``."""
        ws = self.ws
        ws.print_area = f"A1:{_col(FIRST_RING_COLUMN + PRINTED_RINGS - 1)}{self.row - 1}"
        for row in breaks_before:
            ws.row_breaks.append(Break(id=row - 1))

    def single(self, key: str, label: str, unit: str, formula: str, note: str = "") -> None:
        ws, row = self.ws, self.row
        ws.cell(row, 1, label)
        ws.cell(row, 2, unit)
        ws.cell(row, VALUE_COLUMN, "=" + formula).number_format = _format(unit)
        ws.cell(row, NOTE_COLUMN, note)
        self.rows.put(key, self.name, row)
        self.row += 1

    def ring_row(self, key: str, label: str, unit: str, template: Any, note: str = "", row: int | None = None,
                 number_format: str | None = None) -> None:
        """``template(column)`` gives the formula (without '=') of one ring column; the unit's format unless ``number_format``."""
        ws = self.ws
        row = self.row if row is None else row
        ws.cell(row, 1, label)
        ws.cell(row, 2, unit)
        for column in range(FIRST_RING_COLUMN, LAST_RING_COLUMN + 1):
            ws.cell(row, column, "=" + template(column)).number_format = number_format or _format(unit)
        ws.cell(row, NOTE_COLUMN, note)
        self.rows.put(key, self.name, row, FIRST_RING_COLUMN)
        if row == self.row:
            self.row += 1


def _write_rings(wb: Workbook, rows: _Rows, locations: Sequence[float]) -> None:
    sheet = _RingSheet(wb, "Rings", "Rings - viewers before and after the secondary transmits", rows)
    ws, name = sheet.ws, sheet.name
    c = lambda key: rows.cell(key, name)  # noqa: E731 - a single value
    r = lambda key, column: rows.ring(key, name, column)  # noqa: E731 - a ring row, this column

    for column in range(FIRST_RING_COLUMN, LAST_RING_COLUMN + 1):
        ws.cell(RING_ROW, column, f"={_col(column - 1)}{RING_ROW}+1").font = BOLD
    rows.put("ring", name, RING_ROW, FIRST_RING_COLUMN)

    sheet.heading("Link budget (single values)")
    sheet.single("noise_dbm", "Receiver noise N = kTB + noise figure", "dBm",
                 f"{c('boltzmann_dbw')}+30+10*LOG10({c('noise_temperature')})+10*LOG10({c('bandwidth_hz')})"
                 f"+{c('noise_figure_db')}",
                 "kTB at the reference temperature over the channel (+30 dB from dBW to dBm), plus the noise figure")
    sheet.single("noise_mw", "Receiver noise N", "mW", f"POWER(10,{c('noise_dbm')}/10)")
    sheet.single("loss_at_1km", "Free-space loss at 1 km", "dB", f"{c('fspl_constant')}+20*LOG10({c('frequency_mhz')})",
                 "thesis eq. (3) with d = 1 km: the loss at distance d adds 20 log10(d)")
    sheet.single("ring_width", "Width of a ring", "km", f"{c('service_radius_km')}/COUNT({rows.ring_range('ring', name)})")
    sheet.single("primary_dbm", "Primary power before the secondary transmits", "dBm",
                 f"10*LOG10({c('primary_kw')}*1000000)", "kW to mW is x 1,000,000")
    case_powers = (("primary_kw", "secondary_kw"), ("primary_reduced_kw", "secondary_kw"), ("primary_kw", "secondary_low_kw"))
    sheet.single("primary_reduced_kw", "Primary power in the 'primary lower' case", "kW",
                 f"{c('primary_kw')}-{c('primary_reduction_kw')}", "paper: the primary reduces its power by 100 kW")
    for index, label in enumerate(tvws.POWER_CASES):
        primary, secondary = case_powers[index]
        sheet.single(f"case{index}_primary_kw", f"Case '{label}': primary power", "kW", c(primary), CASE_TEXT[label])
        sheet.single(f"case{index}_primary_dbm", f"Case '{label}': primary power", "dBm",
                     f"10*LOG10({c(f'case{index}_primary_kw')}*1000000)")
        sheet.single(f"case{index}_secondary_kw", f"Case '{label}': secondary power", "kW", c(secondary))
        sheet.single(f"case{index}_secondary_dbm", f"Case '{label}': secondary power", "dBm",
                     f"10*LOG10({c(f'case{index}_secondary_kw')}*1000000)")

    sheet.heading("Rings and households")
    sheet.ring_row("inner_km", "Inner edge of the ring", "km", lambda k: f"({_col(k)}${RING_ROW}-1)*{c('ring_width')}")
    sheet.ring_row("outer_km", "Outer edge of the ring", "km", lambda k: f"{_col(k)}${RING_ROW}*{c('ring_width')}")
    sheet.ring_row("middle_km", "Middle of the ring", "km", lambda k: f"({r('inner_km', k)}+{r('outer_km', k)})/2",
                   "the ring's households are placed at this distance from the primary")
    for column in range(FIRST_RING_COLUMN, LAST_RING_COLUMN + 1):
        ws.cell(MIDDLE_ROW, column, f"={r('middle_km', column)}").number_format = "0.0"
    sheet.ring_row("ring_households", "Households in the ring", "households",
                   lambda k: f"{c('households')}*({r('outer_km', k)}^2-{r('inner_km', k)}^2)/{c('service_radius_km')}^2",
                   "households spread uniformly over the service area (paper, Figure 4)")

    sheet.heading("Before the secondary transmits")
    sheet.ring_row("path_loss_db", "Free-space loss from the primary", "dB",
                   lambda k: f"{c('loss_at_1km')}+20*LOG10(MAX({r('middle_km', k)},{c('distance_floor')}))",
                   "thesis eq. (3), the propagation of the paper's figures")
    sheet.ring_row("signal_before_dbm", "Primary's signal", "dBm", lambda k: f"{c('primary_dbm')}-{r('path_loss_db', k)}")
    sheet.ring_row("sinr_before_db", "SINR before (no interference: S / N)", "dB",
                   lambda k: f"{r('signal_before_dbm', k)}-{c('noise_dbm')}")
    sheet.ring_row("region_before", "Region of Table II (0: <= low, 1: up to high, 2: above high)", "region",
                   lambda k: f"IF({r('sinr_before_db', k)}<={c('low_threshold_db')},0,"
                             f"IF({r('sinr_before_db', k)}<={c('high_threshold_db')},1,2))")
    sheet.ring_row("viewers_before", "Viewers before (eq. (11))", "viewers",
                   lambda k: f"{r('ring_households', k)}*IF({r('sinr_before_db', k)}<={c('low_threshold_db')},0,"
                             f"IF({r('sinr_before_db', k)}<={c('high_threshold_db')},{c('partial_share')},{c('full_share')}))",
                   "none at or below the low threshold, the partial share up to and at the high one, the full share above")

    thresholds = (("low", "low_threshold_db"), ("high", "high_threshold_db"))
    case_headings = []
    for index, label in enumerate(tvws.POWER_CASES):
        sheet.heading(f"Case '{label}' ({CASE_TEXT[label]}): what each threshold allows")
        case_headings.append(sheet.blocks[-1])
        p = f"case{index}"
        sheet.ring_row(f"{p}_signal_dbm", "Primary's signal", "dBm",
                       lambda k, p=p: f"{c(p + '_primary_dbm')}-{r('path_loss_db', k)}")
        sheet.ring_row(f"{p}_signal_mw", "Primary's signal", "mW", lambda k, p=p: f"POWER(10,{r(p + '_signal_dbm', k)}/10)")
        for which, key in thresholds:
            sheet.ring_row(f"{p}_allowed_mw_{which}", f"Interference that keeps SINR at the {which} threshold: S / T - N",
                           "mW", lambda k, p=p, key=key: f"{r(p + '_signal_mw', k)}/POWER(10,{c(key)}/10)-{c('noise_mw')}",
                           "zero or less: SINR is below the threshold even without interference")
            sheet.ring_row(f"{p}_beyond_km_{which}", f"Distance from the secondary beyond which SINR > {which} threshold",
                           "km", lambda k, p=p, which=which:
                           f"IF({r(f'{p}_allowed_mw_{which}', k)}>0,POWER(10,({c(p + '_secondary_dbm')}-{c('loss_at_1km')}"
                           f"-10*LOG10({r(f'{p}_allowed_mw_{which}', k)}))/20),0)",
                           "the secondary's power less the free-space loss equals the allowed interference there (eq. (3))")
        for location_index in range(len(locations)):
            L = c(f"location_{location_index}")
            sheet.heading(f"Case '{label}', secondary at location {location_index + 1} "
                          f"({locations[location_index]:g} km by default)")
            q = f"{p}_location{location_index}"
            for which, _ in thresholds:
                sheet.ring_row(f"{q}_cosine_{which}", f"cos of the bearing where SINR crosses the {which} threshold", "-",
                               lambda k, p=p, which=which, L=L:
                               f"({r('middle_km', k)}^2+{L}^2-{r(f'{p}_beyond_km_{which}', k)}^2)/(2*{r('middle_km', k)}*{L})",
                               "law of cosines: bearings beyond it are farther from the secondary than that distance; "
                               "above 1 the whole ring is beyond it (share 1), below -1 none of it (share 0)")
                sheet.ring_row(f"{q}_share_{which}", f"Share of the ring with SINR above the {which} threshold", "%",
                               lambda k, p=p, q=q, which=which:
                               f"IF({r(f'{p}_allowed_mw_{which}', k)}>0,"
                               f"1-ACOS(MAX(-1,MIN(1,{r(f'{q}_cosine_{which}', k)})))/PI(),0)",
                               "exact over bearings: 1 - (bearing of the crossing) / pi")
            sheet.ring_row(f"{q}_viewers_after", "Viewers after (eq. (11))", "viewers",
                           lambda k, q=q: f"{r('ring_households', k)}*({c('partial_share')}*({r(q + '_share_low', k)}"
                                          f"-{r(q + '_share_high', k)})+{c('full_share')}*{r(q + '_share_high', k)})")
            for column in range(1, NOTE_COLUMN + 1):
                ws.cell(rows.places[f"{q}_viewers_after"][1], column).font = BOLD
    sheet.print_setup(case_headings)  # a power case a page


# ----------------------------------------------------------------------------- Profile
def _write_profile(wb: Workbook, rows: _Rows, locations: Sequence[float]) -> None:
    sheet = _RingSheet(wb, "Profile", "Profile - SINR along the radial through the secondary (as the paper's Figures 1-3 plot it)",
                       rows, singles=False)
    ws, name = sheet.ws, sheet.name
    c = lambda key: rows.cell(key, name)  # noqa: E731
    r = lambda key, column: rows.ring(key, name, column)  # noqa: E731
    ws.cell(RING_ROW, 1, "Ring (the profile is read at the middle of each ring)").font = BOLD
    for column in range(FIRST_RING_COLUMN, LAST_RING_COLUMN + 1):
        ws.cell(RING_ROW, column, f"={r('ring', column)}").font = BOLD
        ws.cell(MIDDLE_ROW, column, f"={r('middle_km', column)}").number_format = "0.0"
    rows.put("profile_distance", name, MIDDLE_ROW, FIRST_RING_COLUMN)
    sheet.heading("Thresholds and SINR without the secondary")
    sheet.ring_row("profile_low", "Low threshold (no picture at or below)", "dB", lambda k: c("low_threshold_db"))
    sheet.ring_row("profile_high", "High threshold (adequate viewing above)", "dB", lambda k: c("high_threshold_db"))
    sheet.ring_row("profile_before", "SINR without the secondary", "dB", lambda k: r("sinr_before_db", k))
    location_headings = []
    for location_index in range(len(locations)):
        L = c(f"location_{location_index}")
        sheet.heading(f"Secondary at location {location_index + 1} ({locations[location_index]:g} km by default)")
        location_headings.append(sheet.blocks[-1])
        for index, label in enumerate(tvws.POWER_CASES):
            p, q = f"case{index}", f"profile{location_index}_case{index}"
            sheet.ring_row(f"{q}_interference_dbm", f"Case '{label}': the secondary's signal on the radial", "dBm",
                           lambda k, p=p, L=L: f"{c(p + '_secondary_dbm')}-({c('loss_at_1km')}"
                                               f"+20*LOG10(MAX(ABS({_col(k)}${MIDDLE_ROW}-{L}),{c('distance_floor')})))",
                           "eq. (3) at the distance from the secondary along the radial")
            sheet.ring_row(f"{q}_sinr_db", f"Case '{label}': SINR = S / (I + N)", "dB",
                           lambda k, p=p, q=q: f"{r(p + '_signal_dbm', k)}-10*LOG10(POWER(10,{r(q + '_interference_dbm', k)}/10)"
                                               f"+{c('noise_mw')})")
        base = f"profile{location_index}_case0_sinr_db"
        for index, label in list(enumerate(tvws.POWER_CASES))[1:]:
            q = f"profile{location_index}_case{index}"
            sheet.ring_row(f"{q}_change_db", f"Case '{label}': SINR less the base case's", "dB",
                           lambda k, q=q: f"{r(q + '_sinr_db', k)}-{r(base, k)}",
                           "what tells the cases apart in the charts: where the interference outweighs the noise, "
                           "SINR = S / I, so a change of either power shifts every point by the same dB",
                           number_format=CHANGE_FORMAT)
    sheet.print_setup(location_headings[2::2])  # two locations a page


#: a change of SINR between power cases: a tenth of a dB would show -0.46 dB as -0.5
CHANGE_FORMAT = "0.00"
#: How each curve of the SINR charts is drawn: (colour, width in pt, dash). The three power cases
#: differ in colour, dash and width: 'primary lower' runs half a dB under the base case, so its
#: wide dashes show on either side of the thin base line whichever of the two is drawn on top
CURVE_STYLES = {
    "before": (OKABE_ITO["black"], 1.25, None),
    "case0": (OKABE_ITO["blue"], 1.5, None),
    "case1": (OKABE_ITO["vermillion"], 3.5, "dash"),
    "case2": (OKABE_ITO["bluish green"], 2.25, "sysDot"),
    "low": (OKABE_ITO["grey"], 1.0, "sysDash"),
    "high": (OKABE_ITO["grey"], 1.0, "lgDashDot"),
}
EMU_PER_PT = 12700


def _styled(series: Series, style: str) -> Series:
    colour, width_pt, dash = CURVE_STYLES[style]
    line = series.graphicalProperties.line
    line.solidFill = colour
    line.width = int(width_pt * EMU_PER_PT)
    if dash is not None:
        line.dashStyle = dash
    series.marker.symbol = "none"
    series.smooth = False
    return series


def _title(text: str, size_pt: float) -> Title:
    """A chart title in bold of ``size_pt`` (the default of 14 pt takes two lines of a half-page chart)."""
    font = CharacterProperties(sz=int(size_pt * 100), b=True)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=font), r=[RegularTextRun(rPr=font, t=text)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _radial_chart(title_text: str, y_title: str) -> ScatterChart:
    chart = ScatterChart()
    chart.title = _title(title_text, 11)
    chart.style = 2  # plain: the series carry their own colours
    chart.x_axis.title = "Distance from the primary on the radial through the secondary (km)"
    chart.y_axis.title = y_title
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.x_axis.tickLblPos = chart.y_axis.tickLblPos = "low"
    chart.x_axis.number_format = "0"
    chart.x_axis.majorGridlines = None
    chart.legend.position = "b"
    chart.height, chart.width = CHART_HEIGHT_CM, CHART_WIDTH_CM
    return chart


def _profile_charts(wb: Workbook, rows: _Rows, locations: Sequence[float]) -> list[ScatterChart]:
    """For each location, SINR against distance on the radial, as the paper's Figures 1-3 plot it."""
    ws = wb["Profile"]
    x = Reference(ws, min_col=FIRST_RING_COLUMN, max_col=LAST_RING_COLUMN, min_row=MIDDLE_ROW)

    def series(key: str, title_text: str, style: str) -> Series:
        data = Reference(ws, min_col=FIRST_RING_COLUMN, max_col=LAST_RING_COLUMN, min_row=rows.places[key][1])
        return _styled(Series(data, x, title=title_text), style)

    charts = []
    for location_index in range(len(locations)):
        figure = LOCATION_FIGURES[location_index]
        # titles are fixed text: they name the location input, whose value the user may change
        sinr = _radial_chart(f"SINR, secondary at location {location_index + 1} (as the paper's {figure})", "SINR (dB)")
        sinr.y_axis.number_format = "0"
        sinr.series.append(series("profile_before", "without the secondary", "before"))
        for index, label in enumerate(tvws.POWER_CASES):
            sinr.series.append(series(f"profile{location_index}_case{index}_sinr_db", f"with it: {label}", f"case{index}"))
        sinr.series.append(series("profile_low", "low threshold", "low"))
        sinr.series.append(series("profile_high", "high threshold", "high"))
        charts.append(sinr)
    return charts


# ----------------------------------------------------------------------------- Results
RESULT_COLUMNS = (
    ("location_km", "Secondary location", "km"),
    ("power_case", "Power case", ""),
    ("primary_kw", "Primary power after", "kW"),
    ("secondary_kw", "Secondary power", "kW"),
    ("viewers_before", "Viewers before", "viewers"),
    ("viewers_after", "Viewers after", "viewers"),
    ("viewers_lost", "Viewers lost", "viewers"),
    ("energy_saved", "Primary's energy saved, b Tn (Tp - T'p)", "US$"),
    ("reservation_price_ir", "Reservation price, interference right (eq. 12)", "US$"),
    ("reservation_price_exclusive", "Reservation price, exclusive right (eq. 13)", "US$"),
    ("secondary_operating_cost", "Secondary's cost Cb (eq. 10)", "US$"),
    ("secondary_value", "Secondary's value VS (eq. 14)", "US$"),
    ("surplus_ir", "Surplus VS - max(IS, 0)", "US$"),
    ("trade", "Trade can occur", ""),
    ("ir_within_exclusive", "IS <= IS^E (the paper's claim)", ""),
    ("addin_check", "Add-in cross-check: RESERVATION_PRICE_IR", "US$"),
)


RESULT_COLUMN = {key: index for index, (key, _, _) in enumerate(RESULT_COLUMNS, 1)}


def _result_cell(key: str, row: int) -> str:
    return f"{_col(RESULT_COLUMN[key])}{row}"


def _write_results(wb: Workbook, rows: _Rows, locations: Sequence[float]) -> BarChart:
    ws = wb.create_sheet("Results")
    name = "Results"
    c = lambda key: rows.cell(key, name)  # noqa: E731
    title(ws, "Results - reservation prices, the secondary's value and the trade", SHEET_PURPOSE["Results"])
    row = HEADER_ROW
    block_heading(ws, row, "The secondary's business (single values)", len(RESULT_COLUMNS))
    row += 1
    # the labels span the narrow location and case columns of the table below
    label_end, unit_column, value_column, note_column = 5, 6, 7, 8
    for offset, key in enumerate(("capacity_bps", "customers", "viewers_before_total")):
        rows.put(key, name, row + offset, value_column)
    singles = (
        ("capacity_bps", "Capacity of the channel at the secondary's SINR, C = B log2(1 + SINR)", "bit/s",
         f"{c('bandwidth_hz')}*LOG(1+POWER(10,{c('secondary_sinr_db')}/10),2)", "thesis eq. (1), the paper's capacity"),
        ("customers", "Customers the capacity carries", "customers", f"{c('capacity_bps')}/{c('throughput_per_customer_bps')}",
         "eq. (14) reads C as customers so that r is revenue per customer"),
        ("viewers_before_total", "Viewers before (all rings)", "viewers", f"SUM({rows.ring_range('viewers_before', name)})",
         "eq. (11) summed over the service area"),
    )
    for _key, label, unit, formula, note in singles:
        ws.cell(row, 1, label)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=label_end)
        ws.cell(row, unit_column, unit)
        ws.cell(row, value_column, "=" + formula).number_format = _format(unit)
        ws.cell(row, note_column, note).font = NOTE_FONT
        row += 1
    row += 1
    block_heading(ws, row, "Each location and power case (one row each)", len(RESULT_COLUMNS))
    row += 1
    for column, (_, label, unit) in enumerate(RESULT_COLUMNS, 1):
        cell = ws.cell(row, column, f"{label} ({unit})" if unit else label)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal="left" if column <= 2 else "right")
    ws.row_dimensions[row].height = 80  # five lines: the longest heading in a 12-character column
    row += 1
    first_case_row = row
    for location_index in range(len(locations)):
        for index, label in enumerate(tvws.POWER_CASES):
            q = f"case{index}_location{location_index}"
            rows.put(f"result_{q}", name, row, 1)
            before, after = c("viewers_before_total"), f"SUM({rows.ring_range(q + '_viewers_after', name)})"
            ref = functools.partial(_result_cell, row=row)
            energy, hours = c("energy_cost_per_kwh"), c("duration_h")
            formulas = {
                "location_km": c(f"location_{location_index}"),
                "power_case": f'"{label}"',
                "primary_kw": c(f"case{index}_primary_kw"),
                "secondary_kw": c(f"case{index}_secondary_kw"),
                "viewers_before": before,
                "viewers_after": after,
                "viewers_lost": f"{ref('viewers_before')}-{ref('viewers_after')}",
                "energy_saved": f"{energy}*{hours}*({c('primary_kw')}-{ref('primary_kw')})",
                "reservation_price_ir": f"{ref('viewers_lost')}*{c('income_per_viewer')}-{ref('energy_saved')}",
                "reservation_price_exclusive": f"{ref('viewers_before')}*{c('income_per_viewer')}-{energy}*{hours}*{c('primary_kw')}",
                "secondary_operating_cost": f"{energy}*{ref('secondary_kw')}*{hours}",
                "secondary_value": f"{c('penetration')}*{c('customers')}*{c('revenue_per_customer')}-{ref('secondary_operating_cost')}",
                "surplus_ir": f"{ref('secondary_value')}-MAX({ref('reservation_price_ir')},0)",
                "trade": f"{ref('surplus_ir')}>=0",
                "ir_within_exclusive": f"{ref('reservation_price_ir')}<={ref('reservation_price_exclusive')}",
                "addin_check": addin_call("RESERVATION_PRICE_IR", (ref("viewers_before"), ref("viewers_after"),
                                                                   c("income_per_viewer"), energy, hours, c("primary_kw"),
                                                                   ref("primary_kw"))),
            }
            for column, (key, _, unit) in enumerate(RESULT_COLUMNS, 1):
                cell = ws.cell(row, column, "=" + formulas[key])
                cell.number_format = _format(unit) if unit else "General" if key == "power_case" else BOOLEAN_FORMAT
                cell.alignment = Alignment(horizontal="left" if column <= 2 else "right")
            row += 1
    rows.places["results_first"] = (name, first_case_row, 1)
    rows.places["results_last"] = (name, row - 1, 1)

    row += 1
    block_heading(ws, row, "Advertising lost by region of the SINR before (Table II), US$", len(RESULT_COLUMNS))
    row += 1
    region_header = row
    headers = ["Secondary location (km)", "Power case"] + [f"Region {i}: {text}" for i, text in enumerate(tvws.REGIONS)] + [
        "Energy saved (US$)", "Reservation price, eq. (12) (US$)", "Regions add up"]
    for column, text in enumerate(headers, 1):
        cell = ws.cell(row, column, text)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal="left" if column <= 2 else "right")
    ws.row_dimensions[row].height = 48
    row += 1
    ws.cell(row, 1, "Region index (Rings sheet)").font = NOTE_FONT
    for i in range(len(tvws.REGIONS)):
        ws.cell(row, 3 + i, i).font = CONSTANT_FONT
    index_row = row
    row += 1
    region_range = rows.ring_range("region_before", name)
    before_range = rows.ring_range("viewers_before", name)
    for location_index in range(len(locations)):
        for index in range(len(tvws.POWER_CASES)):
            q = f"case{index}_location{location_index}"
            result_row = rows.places[f"result_{q}"][1]
            ws.cell(row, 1, f"=A{result_row}").alignment = Alignment(horizontal="left")
            ws.cell(row, 2, f"=B{result_row}")
            after_range = rows.ring_range(f"{q}_viewers_after", name)
            for i in range(len(tvws.REGIONS)):
                column = 3 + i
                formula = (f"=SUMPRODUCT(({region_range}={_col(column)}${index_row})*({before_range}-{after_range}))"
                           f"*{c('income_per_viewer')}")
                ws.cell(row, column, formula).number_format = _format("US$")
            ws.cell(row, 6, f"=-{_result_cell('energy_saved', result_row)}").number_format = _format("US$")
            ws.cell(row, 7, f"=SUM(C{row}:F{row})").number_format = _format("US$")
            price = _result_cell("reservation_price_ir", result_row)
            ws.cell(row, 8, f"=ABS(G{row}-{price})<={TOLERANCE_CELL}*MAX(1,ABS({price}))")
            rows.put(f"regions_{q}", name, row, 1)
            row += 1
    rows.places["regions_first"] = (name, region_header + 2, 1)
    rows.places["regions_last"] = (name, row - 1, 1)

    row += 1
    block_heading(ws, row, f"Reservation price by region of the SINR before (as the paper's Figure 4), secondary at location "
                      f"{FIGURE4_LOCATION + 1} ({locations[FIGURE4_LOCATION]:g} km by default), US$", len(RESULT_COLUMNS))
    row += 1
    figure_header = row
    first_value = 3  # the labels span the narrow columns A:B
    ws.cell(row, 1, "Component").font = BOLD
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=first_value - 1)
    for index, label in enumerate(tvws.POWER_CASES):
        ws.cell(row, first_value + index, label).font = BOLD
        ws.cell(row, first_value + index).alignment = Alignment(horizontal="right", vertical="bottom", wrap_text=True)
    ws.row_dimensions[row].height = 32
    row += 1
    low, high = c("low_threshold_db"), c("high_threshold_db")
    components = [f'="SINR before <= "&{low}&" dB"', f'="SINR before "&{low}&"-"&{high}&" dB"',
                  f'="SINR before > "&{high}&" dB"', "Energy saved (less)", "Reservation price (eq. 12)"]
    for offset, component in enumerate(components):
        ws.cell(row, 1, component)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=first_value - 1)
        for index in range(len(tvws.POWER_CASES)):
            source_row = rows.places[f"regions_case{index}_location{FIGURE4_LOCATION}"][1]
            ws.cell(row, first_value + index, f"={_col(3 + offset)}{source_row}").number_format = _format("US$")
        row += 1
    chart = BarChart()
    chart.type = "col"
    chart.title = f"Reservation price by SINR before (as the paper's Figure 4), secondary at location {FIGURE4_LOCATION + 1}"
    chart.y_axis.title = "US$ over the contract"
    chart.x_axis.title = ("Eq. (12): the advertising lost from households by their SINR before the secondary transmits "
                          "(Table II), less the energy saved")
    chart.legend.position = "b"
    chart.y_axis.number_format = "#,##0"
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"
    chart.add_data(Reference(ws, min_col=first_value, max_col=first_value + len(tvws.POWER_CASES) - 1,
                             min_row=figure_header, max_row=row - 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=figure_header + 1, max_row=row - 1))
    for series, style in zip(chart.series, ("case0", "case1", "case2"), strict=True):  # the colours of the SINR charts
        series.graphicalProperties.solidFill = CURVE_STYLES[style][0]
        series.graphicalProperties.line.solidFill = CURVE_STYLES[style][0]
    chart.height, chart.width = 13, 30
    rows.places["figure4_first"] = (name, figure_header + 1, first_value)
    ws.column_dimensions["A"].width = 11
    ws.column_dimensions["B"].width = 15
    for column in range(3, len(RESULT_COLUMNS) + 1):
        ws.column_dimensions[_col(column)].width = 12
    # the cross-check's heading holds the 20-letter function name, which does not wrap
    ws.column_dimensions[_col(RESULT_COLUMN["addin_check"])].width = 22
    ws.freeze_panes = "C4"
    return chart


CHART_HEIGHT_CM, CHART_WIDTH_CM = 13, 16
#: rows a location's chart and the table under it take on the Figures sheet; columns between two charts
FIGURE_ROWS, FIGURE_COLUMNS = 30, 9
FIGURES_FIRST_ROW = 6


def _write_figures(wb: Workbook, rows: _Rows, profiles: list[ScatterChart], figure4: BarChart) -> None:
    ws = wb.create_sheet("Figures")
    title(ws, "Figures - this case on the assumed inputs, drawn as the paper's Figures 1-4 (not a reproduction)",
          "Data: Profile sheet (SINR at the middle of each ring) and Results sheet (Figure 4 block). "
          "The Cover explains how to read them.")
    _paragraph_across(ws, 4, "The three power cases run nearly on top of each other, and not by accident: where the "
                             "interference outweighs the noise, SINR = S / I, so lowering the primary by the reduction "
                             "moves every point by 10 log10(reduced / full power) dB and lowering the secondary by "
                             "10 log10(full / lower power) dB (by default -0.46 dB and +3.52 dB): the table under each "
                             "chart gives the least and the most of each change along the radial (Profile sheet).", 17)
    ws.row_dimensions[4].height = 45
    for index, chart in enumerate(profiles):  # two locations side by side, a pair a printed page
        top = FIGURES_FIRST_ROW + FIGURE_ROWS * (index // 2)
        left = 1 + FIGURE_COLUMNS * (index % 2)
        ws.add_chart(chart, f"{_col(left)}{top}")
        table = top + FIGURE_ROWS - 4
        for offset, text in ((0, f"Location {index + 1}: SINR less the base case's"), (5, "least"), (6, "most")):
            ws.cell(table, left + offset, text).font = BOLD
            ws.cell(table, left + offset).alignment = Alignment(horizontal="left" if offset == 0 else "right")
        for offset, case_index in enumerate(range(1, len(tvws.POWER_CASES)), 1):
            key = f"profile{index}_case{case_index}_change_db"
            ws.cell(table + offset, left, f"Case '{tvws.POWER_CASES[case_index]}'")
            ws.cell(table + offset, left + 4, "dB")
            for column, function in ((5, "MIN"), (6, "MAX")):
                cell = ws.cell(table + offset, left + column, f"={function}({rows.ring_range(key, 'Figures')})")
                cell.number_format = CHANGE_FORMAT
                rows.put(f"{key}_{function.lower()}", "Figures", table + offset, left + column)
        if index % 2 == 1 and index + 1 < len(profiles):
            # a blank row heads the next page: LibreOffice prints the top edge of a chart that starts a page
            # at the foot of the page before
            ws.row_breaks.append(Break(id=top + FIGURE_ROWS - 2))
    figure4_top = FIGURES_FIRST_ROW + FIGURE_ROWS * -(-len(profiles) // 2)
    ws.row_breaks.append(Break(id=figure4_top - 2))  # Figure 4 on a printed page of its own, below a blank row
    ws.add_chart(figure4, f"A{figure4_top}")
    for column in range(1, 19):
        ws.column_dimensions[_col(column)].width = 10
    ws.print_title_rows = "1:3"


# ----------------------------------------------------------------------------- Checks
def _write_checks(wb: Workbook, rows: _Rows, locations: Sequence[float]) -> None:
    ws = wb.create_sheet("Checks")
    name = "Checks"
    c = lambda key: rows.cell(key, name)  # noqa: E731
    title(ws, "Checks")
    ws["A3"], ws["B3"], ws["C3"] = "Tolerance for numerical checks (relative)", "-", TOLERANCE
    ws["C3"].font, ws["C3"].fill = INPUT_FONT, INPUT_FILL
    ws["A4"], ws["B4"] = "Master check (every check passes)", "TRUE/FALSE"
    ws["A4"].font = BOLD
    for column, text in enumerate(("Check", "Unit", "Pass", "Measured", "Notes"), 1):
        cell = ws.cell(7, column, text)
        cell.font, cell.fill = BOLD, HEADER_FILL
    _, first_input, _ = rows.places["in_range"]
    _, last_input, _ = rows.places["in_range_end"]
    def results(key: str) -> str:
        column = _col(RESULT_COLUMN[key])
        return f"Results!${column}${rows.places['results_first'][1]}:${column}${rows.places['results_last'][1]}"

    regions = f"Results!$H${rows.places['regions_first'][1]}:$H${rows.places['regions_last'][1]}"
    share_rows = [rows.ring_range(key, name) for key in rows.places if "_share_" in key]
    checks = (
        ("Inputs outside their valid range (Inputs, column 'In range')", "inputs",
         f"COUNTIF(Inputs!$F${first_input}:$F${last_input},FALSE)", "D{row}=0", ""),
        ("Low threshold below the high threshold", "dB", f"{c('high_threshold_db')}-{c('low_threshold_db')}", "D{row}>0",
         "eq. (11) needs low < high"),
        ("The primary keeps transmitting in the 'primary lower' case", "kW", c("primary_reduced_kw"), "D{row}>0",
         "the reduction must be below the primary's power"),
        ("Households of the rings add up to the service area's", "households",
         f"SUM({rows.ring_range('ring_households', name)})-{c('households')}", f"ABS(D{{row}})<={TOLERANCE_CELL}*{c('households')}", ""),
        ("Cases where viewers after exceed viewers before", "cases",
         f"SUMPRODUCT(--({results('viewers_after')}>{results('viewers_before')}*(1+{TOLERANCE_CELL})))", "D{row}=0", "interference never adds viewers"),
        ("Cases whose advertising losses by region do not add up to the reservation price", "cases",
         f"COUNTIF({regions},FALSE)", "D{row}=0", "Results, Table II block"),
        ("Shares of rings above a threshold outside 0-1", "cells",
         "+".join(f"COUNTIF({r},\"<0\")+COUNTIF({r},\">1\")" for r in share_rows), "D{row}=0", ""),
    )
    row, passes = 8, []
    for label, unit, measure, test, note in checks:
        ws.cell(row, 1, label)
        ws.cell(row, 2, unit)
        ws.cell(row, 4, "=" + measure).number_format = "#,##0.######"
        ws.cell(row, 3, "=" + test.format(row=row))
        ws.cell(row, 5, note)
        passes.append(f"C{row}")
        row += 1
    ws["C4"] = "=AND(" + ",".join(passes) + ")"
    ws["C4"].font = BOLD
    for letter, width in (("A", 80), ("B", 12), ("C", 10), ("D", 16), ("E", 60)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A8"


# ----------------------------------------------------------------------------- Cover
def _write_cover(wb: Workbook, rows: _Rows, locations: Sequence[float]) -> None:
    ws = wb["Cover"]
    title(ws, "xlspectrum - Interference rights: the TV white-space case of Weiss and Cui")
    row = 4
    base = rows.places[f"result_case0_location{FIGURE4_LOCATION}"][1]
    text = (
        "What this is",
        ["M. B. H. Weiss and L. Cui, 'Spectrum Trading with Interference Rights', section IV: a TV broadcaster (the primary) "
         "at the centre of its service area writes an interference right that lets one secondary transmitter add "
         "interference, for a price. Households are spread uniformly over the area; propagation is free space (thesis "
         "eq. (3)), as in the paper's figures.",
         "Change any blue cell on the Inputs sheet and everything recalculates. The paper prints the powers, the channel, "
         "the service radius and the secondary's distances; every other input is a stated assumption with its source.",
         "Viewers are counted ring by ring (Rings sheet): each ring's share above a SINR threshold is exact over bearings, "
         "from the bearing where the interference reaches what the threshold allows. Generated by xlspectrum from the "
         f"same formulas as {tvws.__name__}.case(); a test recalculates this workbook and compares every row."],
    )
    block_heading(ws, row, text[0], 3)
    row += 1
    for line in text[1]:
        paragraph(ws, row, line, chars_per_line=COVER_CHARS_PER_LINE)
        row += 1
    row += 1
    block_heading(ws, row, f"Headline: secondary at location {FIGURE4_LOCATION + 1}, base powers (Results row {base})", 3)
    row += 1
    headline = (("Viewers lost", f"=Results!{_result_cell('viewers_lost', base)}", "viewers", "#,##0"),
                ("Reservation price, interference right (eq. 12)", f"=Results!{_result_cell('reservation_price_ir', base)}", "US$ over the contract", "#,##0"),
                ("Reservation price, exclusive right (eq. 13)", f"=Results!{_result_cell('reservation_price_exclusive', base)}", "US$ over the contract", "#,##0"),
                ("Secondary's value (eq. 14)", f"=Results!{_result_cell('secondary_value', base)}", "US$ over the contract", "#,##0;[Red]-#,##0"),
                ("Trade can occur", f"=Results!{_result_cell('trade', base)}", "the secondary's value covers the reservation price", BOOLEAN_FORMAT),
                ("Checks", f'=IF({MASTER_CHECK},"all OK","FAILED - see Checks")', "every check of the Checks sheet", None))
    for label, formula, note, number_format in headline:
        ws.cell(row, 1, label)
        cell = ws.cell(row, 2, formula)
        cell.font = BOLD
        if number_format:  # none on TRUE/FALSE, or LibreOffice shows 1 and 0
            cell.number_format = number_format
        cell.alignment = Alignment(horizontal="right")
        ws.cell(row, 3, note).font = Font(color="595959")
        row += 1
    row += 1
    block_heading(ws, row, "How to read the charts", 3)
    row += 1
    for line in (
        "The charts are this workbook's own case on the assumed inputs, drawn for the quantities of the paper's Figures 1-4; "
        "the paper prints its figures without values, so none of them is reproduced.",
        "Figures sheet, SINR charts (as the paper's Figures 1-3, one per location; data on Profile): SINR of a receiver "
        "on the straight line from the primary through the secondary, against its distance from the primary. Without the "
        "secondary (black) SINR falls 20 dB per decade of distance; with it, SINR dips towards 0 dB and below at the "
        "secondary's site. Below the low threshold (grey, short dashes) nobody watches; between it and the high threshold "
        "(grey, dash-dot) the partial share watches; above, the full share. Off this radial the interference is weaker, "
        "which the Rings sheet integrates.",
        "The power cases: base solid blue, 'primary lower' dashed vermillion, 'secondary lower' dotted green. They run "
        "within a few dB of each other, parallel wherever the interference outweighs the noise; the table under each chart "
        "gives how far each lower-power case lies from the base case (the note on the Figures sheet says why).",
        "Figures sheet, bar chart (as the paper's Figure 4; data on Results): the advertising the primary loses, split by the region its households were "
        "in before the secondary transmitted (Table II), less the energy it saves, for each power case. With the default "
        "inputs every household starts above the high threshold, so all the loss is in region 2; lower the primary's power "
        "(to 0.05 kW, say) to see the middle region fill. Nobody watched in region 0, so it never loses anything.",
    ):
        paragraph(ws, row, line, chars_per_line=COVER_CHARS_PER_LINE)
        row += 1
    row += 1
    ws.row_breaks.append(Break(id=row - 1))  # the guide to the sheets and the printout on a second page
    block_heading(ws, row, "Sheets", 3)
    row += 1
    for sheet_name in wb.sheetnames:
        _named_line(ws, row, sheet_name, SHEET_PURPOSE.get(sheet_name, ""))
        row += 1
    row += 1
    block_heading(ws, row, f"What prints (A4 landscape, each sheet one page wide; at most {PRINTED_PAGES_AT_MOST} pages "
                            "in all)", 3)
    row += 1
    for sheet_name, text in PRINTOUT.items():
        _named_line(ws, row, sheet_name, text)
        row += 1
    row += 1
    paragraph(ws, row, "House style: inputs in blue on yellow; constants in grey; formulas in black. Each ring row holds one "
                        "formula, the same in every ring column.", chars_per_line=COVER_CHARS_PER_LINE)
    for letter, width in {"A": 62, "B": 20, "C": 70}.items():
        ws.column_dimensions[letter].width = width


#: characters of text a line holds across the Cover's A:C and B:C (their widths count the widest digit)
COVER_CHARS_PER_LINE, COVER_CHARS_PER_LINE_BC = 165, 100


def _named_line(ws: Worksheet, row: int, name: str, text: str) -> None:
    """A bold name in A and its text wrapped across B:C (text running past C would widen the printout)."""
    ws.cell(row, 1, name).font = BOLD
    ws.cell(row, 1).alignment = Alignment(vertical="top")
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    ws.cell(row, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
    # merged cells never grow to fit: a line for each 100 characters of the 90-character-wide B:C
    # (the widths count the widest digit; text averages narrower)
    ws.row_dimensions[row].height = LINE_HEIGHT_PT * max(1, -(-len(text) // COVER_CHARS_PER_LINE_BC)) + 3


# ----------------------------------------------------------------------------- assembly
def build_workbook(overrides: Mapping[str, Any] | None = None,
                   locations_km: Sequence[float] = tvws.LOCATIONS_KM) -> Workbook:
    """The TV white-space case as an openpyxl Workbook of live formulas (inputs from ``overrides``)."""
    return _assemble(overrides, locations_km)[0]


def _assemble(overrides: Mapping[str, Any] | None, locations_km: Sequence[float]) -> tuple[Workbook, _Rows]:
    values = tvws.validate(overrides)
    locations = [float(x) for x in tvws._locations(locations_km)]
    if len(locations) != len(LOCATION_FIGURES):
        raise tvws.OutOfRangeError(f"locations_km={locations_km!r}: the workbook has {len(LOCATION_FIGURES)} locations")
    wb = Workbook()
    wb.active.title = "Cover"
    rows = _Rows()
    _write_inputs(wb, rows, values, locations)
    _write_rings(wb, rows, locations)
    _write_profile(wb, rows, locations)
    figure4 = _write_results(wb, rows, locations)
    _write_figures(wb, rows, _profile_charts(wb, rows, locations), figure4)
    _write_checks(wb, rows, locations)
    add_xlwings_conf(wb)
    _write_cover(wb, rows, locations)
    write_not_computed_count(wb)
    print_setup(wb, max_pages_wide=1)  # its sheets are laid out to print one page wide
    wb["Checks"].page_setup.fitToHeight = 1
    wb["Cover"].print_title_rows = "1:2"  # the status line and the title on its second page too
    stamp(wb, MODEL_MARKER, "TV white-space interference rights (Weiss and Cui, section IV)")
    return wb, rows


@functools.lru_cache(maxsize=1)
def _default_rows() -> _Rows:
    return _assemble(None, tvws.LOCATIONS_KM)[1]


def is_rights_model(path: str | os.PathLike[str]) -> bool:
    """Whether a workbook was generated by xlspectrum as the interference-rights case (by its keywords)."""
    return has_marker(path, MODEL_MARKER, {"Inputs", "Rings", "Checks"})


def read_inputs(path: str | os.PathLike[str]) -> tuple[dict[str, Any], list[float]]:
    """The inputs typed in a generated workbook: (overrides by key, locations in km)."""
    from openpyxl import load_workbook

    rows = _default_rows()
    ws = load_workbook(path)["Inputs"]
    overrides = {key: ws.cell(rows.places[key][1], VALUE_COLUMN).value for key in tvws.ASSUMPTIONS}
    locations = [ws.cell(rows.places[f"location_{i}"][1], VALUE_COLUMN).value for i in range(len(LOCATION_FIGURES))]
    return overrides, locations


def expected_cells(tables: Mapping[str, pd.DataFrame]) -> dict[str, float]:
    """What every compared cell must hold, from the tables of :func:`xlspectrum.models.tvws.case`."""
    rows = _default_rows()
    expected: dict[str, float] = {}
    ring_table = tables["rings"]
    first = ring_table[(ring_table["location_km"] == ring_table["location_km"].iloc[0])
                       & (ring_table["power_case"] == tvws.POWER_CASES[0])]

    def ring_values(key: str, values: Any) -> None:
        sheet, row, _ = rows.places[key]
        for i, value in enumerate(np.asarray(values, dtype=float)):
            expected[f"{sheet}!{_col(FIRST_RING_COLUMN + i)}{row}"] = float(value)

    for key in ("inner_km", "outer_km", "middle_km", "households", "path_loss_db", "signal_before_dbm", "sinr_before_db",
                "region_before", "viewers_before"):
        ring_values("ring_households" if key == "households" else key, first[key])
    locations = list(dict.fromkeys(ring_table["location_km"]))
    profile = tables["profile"]
    for location_index, location in enumerate(locations):
        for index, label in enumerate(tvws.POWER_CASES):
            part = ring_table[(ring_table["location_km"] == location) & (ring_table["power_case"] == label)]
            p, q = f"case{index}", f"case{index}_location{location_index}"
            if location_index == 0:
                ring_values(f"{p}_signal_dbm", part["signal_after_dbm"])
                for which in ("low", "high"):
                    ring_values(f"{p}_allowed_mw_{which}", part[f"allowed_mw_{which}"])
                    ring_values(f"{p}_beyond_km_{which}", part[f"beyond_km_{which}"])
            for which in ("low", "high"):
                ring_values(f"{q}_cosine_{which}", part[f"cosine_{which}"])
                ring_values(f"{q}_share_{which}", part[f"share_{which}"])
            ring_values(f"{q}_viewers_after", part["viewers_after"])
            line = profile[(profile["location_km"] == location) & (profile["power_case"] == label)]
            ring_values(f"profile{location_index}_case{index}_interference_dbm", line["interference_dbm"])
            ring_values(f"profile{location_index}_case{index}_sinr_db", line["sinr_after_db"])
            if index == 0:
                base_sinr = line["sinr_after_db"].to_numpy()
            else:
                key = f"profile{location_index}_case{index}_change_db"
                change = line["sinr_after_db"].to_numpy() - base_sinr
                ring_values(key, change)
                for extreme, value in (("min", change.min()), ("max", change.max())):
                    sheet, row, column = rows.places[f"{key}_{extreme}"]
                    expected[f"{sheet}!{_col(column)}{row}"] = float(value)
    ring_values("profile_before", first["sinr_before_db"])
    summary = tables["summary"]
    columns = {key: i + 1 for i, (key, _, _) in enumerate(RESULT_COLUMNS)}
    regions = tables["regions"]
    for location_index, location in enumerate(locations):
        for index, label in enumerate(tvws.POWER_CASES):
            q = f"case{index}_location{location_index}"
            sheet, row, _ = rows.places[f"result_{q}"]
            record = summary[(summary["location_km"] == location) & (summary["power_case"] == label)].iloc[0]
            for key, column in columns.items():
                if key in record.index and key != "power_case":
                    expected[f"{sheet}!{_col(column)}{row}"] = float(record[key])
            expected[f"{sheet}!{_col(columns['ir_within_exclusive'])}{row}"] = float(
                record["reservation_price_ir"] <= record["reservation_price_exclusive"])
            sheet, row, _ = rows.places[f"regions_{q}"]
            losses = regions[(regions["location_km"] == location) & (regions["power_case"] == label)]
            for i, value in enumerate(losses["advertising_loss"]):
                expected[f"{sheet}!{_col(3 + i)}{row}"] = float(value)
            expected[f"{sheet}!F{row}"] = -float(record["energy_saved"])
            expected[f"{sheet}!G{row}"] = float(record["reservation_price_ir"])
    return expected


def compare_with_case(values: Mapping[str, Any], tables: Mapping[str, pd.DataFrame], rtol: float = 1e-9,
                      atol: float = 1e-6) -> list[str]:
    """Every compared cell of a recalculated workbook against the Python tables; one line per mismatch."""
    mismatches = []
    for address, want in expected_cells(tables).items():
        got = values.get(address)
        if isinstance(got, bool):
            got = float(got)
        if not isinstance(got, (int, float)) or not np.isclose(got, want, rtol=rtol, atol=atol):
            mismatches.append(f"{address}: workbook {got!r}, engine {want!r}")
    return mismatches
