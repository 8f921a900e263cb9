"""Write the Appendix C cost model and the chapter 8 valuations as live Excel formulas (openpyxl).

Every calculation cell is a native Excel formula translated from the line item's
expression (:mod:`~xlspectrum.core.expressions`), so the workbook recalculates in
Excel, LibreOffice and the ``formulas`` package without Python, and agrees with the
engine by construction.  Layout (FAST Standard / ICAEW Financial Modelling Code):

* sheets by purpose: Cover, Inputs, calculation sheets (Demand ... Costs), Outputs, Checks;
* on every time-based sheet: row 2 the years, row 3 years since the first year (t),
  frozen with the label columns; column D is the (empty) opening column that ``prev``
  reads in the first year;
* columns: A line item (the thesis' label), B unit, C value (scalars), E:S 2017-2031,
  T source, U notes; one formula per row, the same in every year column;
* inputs only on the Inputs sheet, in blue on yellow; number formats by unit.
"""

from __future__ import annotations

import datetime
import functools
import io
import os
import re
import zipfile
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from xlspectrum.models.costmodel.checks import CHECKS, TOLERANCE
from xlspectrum.models.costmodel.engine import Model
from xlspectrum.core.expressions import CellResolver, ExpressionError, to_excel
from xlspectrum.models.costmodel.inputs import INPUTS, YEARS, Input
from xlspectrum.models.costmodel.lineitems import BY_KEY, LineItem
from xlspectrum.models.costmodel.networks import MODELS, NETWORK_NOTES, UHF_700
from xlspectrum.models.costmodel.printed import ABSOLUTE_TOLERANCE, COMPARED_NOTE, DEMAND_MEANING, PRINTED, PRINTED_SCENARIO
from xlspectrum.core.files import write_file
from xlspectrum.workbooks.layout import Block, Row, SheetLayout, headed_blocks
from xlspectrum.workbooks.package import (  # noqa: F401 - save_atomically, workbook_bytes: also reachable here
    FIXED_DATE,
    add_xlwings_conf,
    has_marker,
    print_setup,
    save_atomically,
    stamp,
    workbook_bytes,
)
from xlspectrum.workbooks.style import (
    LINE_HEIGHT_PT,
    paragraph,
    BLOCK_FILL,
    BOLD,
    CHECKS_SHEET,
    HEADER_FILL,
    INPUT_FILL,
    INPUT_FONT,
    MASTER_CHECK,
    NOTE_FONT,
    TITLE_FONT,
    TOLERANCE_CELL,
    XLWINGS_CONF_PURPOSE,
    addin_call,
    block_heading,
    input_number_format,
    name_fonts,
    status,
    title,
    write_not_computed_count,
)

#: Document keywords that mark a workbook as xlspectrum's thesis model (recalc compares those).
MODEL_MARKER = "xlspectrum thesis model"

VALUE_COLUMN = 3  # C
OPENING_COLUMN = 4  # D: empty, read by prev() in the first year
FIRST_YEAR_COLUMN = 5  # E
LAST_YEAR_COLUMN = FIRST_YEAR_COLUMN + YEARS - 1  # S
SOURCE_COLUMN = LAST_YEAR_COLUMN + 1  # T
NOTE_COLUMN = SOURCE_COLUMN + 1  # U
MIN_COLUMN, MAX_COLUMN, IN_RANGE_COLUMN = NOTE_COLUMN + 1, NOTE_COLUMN + 2, NOTE_COLUMN + 3  # V:X on Inputs
# row 1 the status line, row 2 the sheet's title (the house style of xlspectrum.workbooks.style)
YEAR_ROW, T_ROW, HEADER_ROW, FIRST_ROW = 3, 4, 5, 7

THIN_TOP = Border(top=Side(style="thin"))

SENSITIVITY_SHEET = "Sensitivity"
#: the sheet-name prefix of each model after the first (others: the model's name in capitals)
SHEET_PREFIXES = {UHF_700.name: "UHF "}
#: Printed figures the model does not reproduce, on purpose (docs/cost-model.md, "Departures").
KNOWN_DEPARTURES = (
    ("Coverage 'eNodeB - Microcell' (10.3.8.2), printed 1,000 in every year",
     "The model computes 17.09, which the printed total (2,499 sites), the site types and the microcell capex all need; "
     "the 1,000 is likely a value randomised for confidentiality (10.3.1). Compared below."),
    ("Operator mobile broadband subscribers (10.3.3), printed 2018-2023",
     "Printed on a 30 % share from 2018, but every printed traffic figure needs a flat 20 %, which the model uses; "
     "the printed subscriber row is not compared."),
)
MONEY_FORMAT = '#,##0;[Red]-#,##0;"-"'
#: what the options of the choice inputs mean (written beside them on Inputs)
OPTION_MEANINGS = {"demand_forecast": DEMAND_MEANING}
#: the Checks sheet's count of the printed Appendix C figures reproduced (below its contract rows)
PRINTED_COUNT_ROW = 6

SHEET_PURPOSE = {
    "Cover": "What the model is, the scenario selected and where it departs from the thesis",
    "Inputs": "Every input of Appendix C and chapter 8 with unit and source; change the blue cells",
    "Demand": "Subscribers, demand forecasts and busy-hour traffic (10.3.3, 10.3.4, 10.3.6, 10.3.8.1)",
    "Coverage": "Coverage network: cell areas, sites, site types, last mile, hubs (10.3.8.2)",
    "Capacity": "Capacity network: traffic by area, sites to meet demand, site types, hubs (10.3.8.3)",
    "Core": "Core dimensioning: SGW, PGW, MME, DTM, HSS, IMS and SMSC (10.3.8.4)",
    "Transmission": "Last mile, hubs and high capacity backhaul (10.3.8.5)",
    "Costs": "Installed base, capital, replacement, depreciation, operating, fixed, indirect and total cost (10.3.8.6)",
    "Revenue": "Revenue by the ARPU model and its present value (section 8.4)",
    "Outputs": "Cost by category, present value of total cost, charts",
    "Valuation": "Chapter 8: discounted cash flow, real options, deprival, benchmarking; thesis inputs beside this model",
    SENSITIVITY_SHEET: "Tornado, Monte Carlo and the thesis' sensitivities, computed by xlspectrum when built (values, charts)",
    CHECKS_SHEET: "Input sanity checks and the printed Appendix C figures against the model",
    "xlwings.conf": XLWINGS_CONF_PURPOSE,
}


def _col(index: int) -> str:
    return get_column_letter(index)


@dataclass
class _Place:
    sheet: str
    row: int
    scalar: bool
    column: int = VALUE_COLUMN


class _Layout(CellResolver):
    """Where each input and line item lives; resolves references for one target cell."""

    def __init__(self, sheet_prefix: str = "") -> None:
        self.sheet_prefix = sheet_prefix
        self.places: dict[str, _Place] = {}
        self.option_ranges: dict[str, str] = {}
        #: what each option of a choice input means, the column beside ``option_ranges``
        self.option_meanings: dict[str, str] = {}
        #: the Cover's figures by what they show (see :func:`cover_rows`), as ``Cover!B9``
        self.cover: dict[str, str] = {}
        #: the Inputs sheet's column of in-range flags, as a range
        self.in_range_column = ""
        #: other model instances, referred to as "<name>__<key>"
        self.others: dict[str, _Layout] = {}
        #: the shared layout of each sheet this instance places cells on, by sheet name
        self.sheets: dict[str, SheetLayout] = {}
        self.sheet = ""
        self.column = FIRST_YEAR_COLUMN

    def at(self, sheet: str, column: int) -> "_Layout":
        self.sheet, self.column = sheet, column
        for other in self.others.values():
            other.at(sheet, column)
        return self

    def _prefix(self, sheet: str) -> str:
        if sheet == self.sheet:
            return ""
        return f"'{sheet}'!" if " " in sheet else f"{sheet}!"

    def _other(self, key: str) -> tuple["_Layout", str] | None:
        if "__" in key:
            name, inner = key.split("__", 1)
            return self.others[name], inner
        return None

    def reference(self, key: str, column_offset: int = 0) -> str:
        other = self._other(key)
        if other is not None:
            return other[0].reference(other[1], column_offset)
        column = self.column + column_offset
        if key == "year":
            return f"{_col(column)}${YEAR_ROW}"
        if key == "t":
            return f"{_col(column)}${T_ROW}"
        place = self.places[key]
        if place.scalar:
            if column_offset:
                raise ExpressionError(f"prev() of the single value {key!r} has no earlier year")
            return f"{self._prefix(place.sheet)}${_col(place.column)}${place.row}"
        if column < OPENING_COLUMN:
            raise ExpressionError(f"{key!r} referenced before the opening column")
        return f"{self._prefix(place.sheet)}{_col(column)}{place.row}"

    def row_range(self, key: str) -> str:
        other = self._other(key)
        if other is not None:
            return other[0].row_range(other[1])
        place = self.places[key]
        return f"{self._prefix(place.sheet)}${_col(FIRST_YEAR_COLUMN)}${place.row}:${_col(LAST_YEAR_COLUMN)}${place.row}"

    def year_index_reference(self) -> str:
        return f"{_col(self.column)}${T_ROW}"

    def year_index_range(self) -> str:
        return f"${_col(FIRST_YEAR_COLUMN)}${T_ROW}:${_col(LAST_YEAR_COLUMN)}${T_ROW}"


def _timeline(ws: Worksheet, heading: str, first_year_cell: str | None, source_header: str = "Line-item key") -> None:
    title(ws, heading)
    ws.cell(YEAR_ROW, 1, "Year").font = BOLD
    ws.cell(T_ROW, 1, "Years since the first year (t)")
    for i in range(YEARS):
        column = FIRST_YEAR_COLUMN + i
        letter = _col(column)
        if first_year_cell is not None:  # the Inputs sheet anchors the timeline
            formula = f"={first_year_cell}" if i == 0 else f"={_col(column - 1)}{YEAR_ROW}+1"
        else:
            formula = f"=Inputs!{letter}{YEAR_ROW}"
        ws.cell(YEAR_ROW, column, formula).font = BOLD
        ws.cell(T_ROW, column, f"={letter}{YEAR_ROW}-${_col(FIRST_YEAR_COLUMN)}${YEAR_ROW}")
    headers = {1: "Line item", 2: "Unit", VALUE_COLUMN: "Value", SOURCE_COLUMN: source_header, NOTE_COLUMN: "Notes"}
    for column, text in headers.items():
        cell = ws.cell(HEADER_ROW, column, text)
        cell.font = BOLD
    for column in range(1, NOTE_COLUMN + 1):
        ws.cell(HEADER_ROW, column).fill = HEADER_FILL
    ws.freeze_panes = ws.cell(FIRST_ROW - 1, FIRST_YEAR_COLUMN)
    ws.column_dimensions["A"].width = 58
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 16
    ws.column_dimensions["D"].width = 3
    for column in range(FIRST_YEAR_COLUMN, LAST_YEAR_COLUMN + 1):
        ws.column_dimensions[_col(column)].width = 14
    ws.column_dimensions[_col(SOURCE_COLUMN)].width = 34
    ws.column_dimensions[_col(NOTE_COLUMN)].width = 80


def _block_heading(ws: Worksheet, row: int, text: str, last_column: int = NOTE_COLUMN) -> None:
    block_heading(ws, row, text, last_column)


OPTIONS_HEADING = "Options of the choice inputs"


def _place_inputs(layout: _Layout, model: Model, with_options: bool) -> SheetLayout:
    """The Inputs sheet's rows (a block per section, then the options of each choice input when
    ``with_options``), their places in ``layout`` and the ranges the checks and drop-downs read."""
    name = f"{layout.sheet_prefix}Inputs"
    inputs = list(model.inputs.values())
    sections = [(section, [Row(i.key, i.label, i.unit, input_number_format(i.unit), i.source)
                           for i in inputs if i.section == section])
                for section in dict.fromkeys(i.section for i in inputs)]
    blocks = headed_blocks(sections)
    choices = [i for i in inputs if i.kind == "choice"] if with_options else []
    for index, item in enumerate(choices):  # the options heading once, a blank row between choices
        rows = tuple(Row(f"{item.key}={option}", f"Option for: {item.label}") for option in item.options)
        blocks.append(Block(f"options:{item.key}", rows, lead=2 if index == 0 else 1))
    sheet = SheetLayout(name, FIRST_ROW + 1, blocks)
    layout.sheets[name] = sheet
    for item in inputs:
        layout.places[item.key] = _Place(name, sheet.row(item.key), scalar=item.kind != "series")
    last_input = sheet.rows(sections[-1][0])
    # the flags' column runs to the blank row under the last section's heading gap (as built since 0.1)
    last = max(row for row, _ in last_input) + 2
    layout.in_range_column = f"{_quoted(name)}!${_col(IN_RANGE_COLUMN)}${FIRST_ROW}:${_col(IN_RANGE_COLUMN)}${last}"
    for item in choices:
        rows = [row for row, _ in sheet.rows(f"options:{item.key}")]
        layout.option_ranges[item.key] = f"Inputs!${_col(VALUE_COLUMN)}${rows[0]}:${_col(VALUE_COLUMN)}${rows[-1]}"
        layout.option_meanings[item.key] = f"Inputs!${_col(NOTE_COLUMN)}${rows[0]}:${_col(NOTE_COLUMN)}${rows[-1]}"
    return sheet


def _write_inputs(wb: Workbook, layout: _Layout, model: Model, values: Mapping[str, Any],
                  linked_to: _Layout | None = None, typed: Mapping[str, str] | None = None) -> None:
    """The Inputs sheet of ``model``; with ``linked_to``, a copy whose cells link to that sheet except ``typed``."""
    name = f"{layout.sheet_prefix}Inputs"
    sheet = layout.sheets[name]
    ws = wb.create_sheet(name)
    inputs = model.inputs
    typed = typed or {}
    for block in sheet.blocks:
        if block.name.startswith("options:"):
            continue
        _block_heading(ws, sheet.heading_row(block.name), block.name)
        for row, placed in sheet.rows(block.name):
            item = inputs[placed.key]
            ws.cell(row, 1, placed.label)
            ws.cell(row, 2, placed.unit)
            ws.cell(row, SOURCE_COLUMN, placed.source)
            ws.cell(row, NOTE_COLUMN, typed.get(item.key, item.note))
            value = values[item.key]
            columns = range(FIRST_YEAR_COLUMN, LAST_YEAR_COLUMN + 1) if item.kind == "series" else [VALUE_COLUMN]
            linked = linked_to is not None and item.key not in typed
            for i, column in enumerate(columns):
                if linked:
                    source = linked_to.places[item.key]
                    cell = ws.cell(row, column, f"={source.sheet}!{_col(column)}{source.row}")
                else:
                    typed_value = np.asarray(value, dtype=float)[i] if item.kind == "series" else value
                    if isinstance(typed_value, (float, np.floating)):
                        typed_value = int(typed_value) if float(typed_value).is_integer() else float(typed_value)
                    cell = ws.cell(row, column, typed_value)
                    cell.font, cell.fill = INPUT_FONT, INPUT_FILL
                cell.number_format = placed.number_format
            if item.low is not None and item.high is not None:
                _write_valid_range(ws, row, item, columns, typed_here=not linked)
    if linked_to is not None:
        _timeline(ws, f"{name} ({model.label})", None, source_header="Thesis source")
        ws.cell(FIRST_ROW - 1, 1, f"Linked to the Inputs sheet except the blue cells, which define the {model.label}"
                ).font = NOTE_FONT
        _range_headers(ws)
        return
    # the lists behind the choice inputs (data validation and the Checks sheet read them)
    choices = [i for i in inputs.values() if i.kind == "choice"]
    _block_heading(ws, sheet.heading_row(f"options:{choices[0].key}"), OPTIONS_HEADING)
    for item in choices:
        for (row, _), option in zip(sheet.rows(f"options:{item.key}"), item.options):
            ws.cell(row, 1, f"Option for: {item.label}")
            ws.cell(row, VALUE_COLUMN, option)
            ws.cell(row, NOTE_COLUMN, OPTION_MEANINGS.get(item.key, {}).get(option, ""))
        validation = DataValidation(type="list", formula1=layout.option_ranges[item.key], allow_blank=False,
                                    showErrorMessage=True, errorTitle="Not an option",
                                    error=f"Choose one of: {', '.join(item.options)}")
        ws.add_data_validation(validation)
        validation.add(ws.cell(layout.places[item.key].row, VALUE_COLUMN))
    first_year_row = sheet.row("first_year")
    _timeline(ws, "Inputs", f"${_col(VALUE_COLUMN)}${first_year_row}", source_header="Thesis source")
    ws.cell(FIRST_ROW - 1, 1, SHEET_PURPOSE["Inputs"]).font = NOTE_FONT
    _range_headers(ws)


def _quoted(sheet: str) -> str:
    return f"'{sheet}'" if " " in sheet else sheet


def _write_valid_range(ws: Worksheet, row: int, item: Input, columns: Any, typed_here: bool) -> None:
    """Min, max and an in-range flag beside an input; data validation on its typed cells."""
    ws.cell(row, MIN_COLUMN, item.low).number_format = input_number_format(item.unit)
    ws.cell(row, MAX_COLUMN, item.high).number_format = input_number_format(item.unit)
    first, last = _col(columns[0]), _col(columns[-1])
    low, high = f"${_col(MIN_COLUMN)}{row}", f"${_col(MAX_COLUMN)}{row}"
    if len(columns) == 1:
        flag = f"=AND(ISNUMBER({first}{row}),{first}{row}>={low},{first}{row}<={high})"
    else:
        cells = f"{first}{row}:{last}{row}"
        flag = f"=AND(COUNT({cells})=COLUMNS({cells}),MIN({cells})>={low},MAX({cells})<={high})"
    ws.cell(row, IN_RANGE_COLUMN, flag)
    if typed_here:
        validation = DataValidation(type="decimal", operator="between", formula1=low, formula2=high, allow_blank=False,
                                    showErrorMessage=True, errorTitle="Outside the valid range",
                                    error=f"{item.label}: enter a number from {item.range_text()}"[:255])
        ws.add_data_validation(validation)
        validation.add(f"{first}{row}:{last}{row}" if len(columns) > 1 else f"{first}{row}")


def _range_headers(ws: Worksheet) -> None:
    for column, text, width in ((MIN_COLUMN, "Valid min", 14), (MAX_COLUMN, "Valid max", 14), (IN_RANGE_COLUMN, "In range", 10)):
        cell = ws.cell(HEADER_ROW, column, text)
        cell.font, cell.fill = BOLD, HEADER_FILL
        ws.column_dimensions[_col(column)].width = width


def _headed_by_block(items: Sequence[Any]) -> list[Block]:
    """A block per run of items with the same ``block`` (its heading), one row per item."""
    return headed_blocks((name, [Row(i.key, i.label, i.unit, i.number_format) for i in group])
                         for name, group in itertools.groupby(items, key=lambda i: i.block))


def _place_calculations(layout: _Layout, model: Model) -> None:
    """The places of ``model``'s line items, a sheet layout per calculation sheet."""
    for model_sheet in model.sheets:
        name = f"{layout.sheet_prefix}{model_sheet}"
        items = [i for i in model.items if i.sheet == model_sheet]
        sheet = layout.sheets[name] = SheetLayout(name, FIRST_ROW + 1, _headed_by_block(items))
        for item in items:
            layout.places[item.key] = _Place(name, sheet.row(item.key), item.scalar)


def _write_calculation_sheets(wb: Workbook, layout: _Layout, model: Model) -> dict[str, Worksheet]:
    sheets = {}
    for model_sheet in model.sheets:
        name = f"{layout.sheet_prefix}{model_sheet}"
        ws = sheets[model_sheet] = wb.create_sheet(name)
        sheet = layout.sheets[name]
        for block in sheet.blocks:
            _block_heading(ws, sheet.heading_row(block.name), block.name)
    return sheets


def _write_item(ws: Worksheet, layout: _Layout, item: LineItem) -> None:
    place = layout.places[item.key]
    row = place.row
    ws.cell(row, 1, item.label)
    ws.cell(row, 2, item.unit)
    ws.cell(row, NOTE_COLUMN, item.note)
    key_cell = ws.cell(row, SOURCE_COLUMN, item.key)
    key_cell.font, key_cell.alignment = Font(color="808080"), Alignment(indent=1)
    columns = [VALUE_COLUMN] if item.scalar else range(FIRST_YEAR_COLUMN, LAST_YEAR_COLUMN + 1)
    for column in columns:
        formula = to_excel(item.expression, layout.at(place.sheet, column))
        cell = ws.cell(row, column, f"={formula}")
        cell.number_format = item.number_format
    if item.key.endswith("_total") or item.key in ("total_cost", "pv_total_cost"):
        for column in range(1, NOTE_COLUMN + 1):
            ws.cell(row, column).border = THIN_TOP
            if column < SOURCE_COLUMN:
                ws.cell(row, column).font = BOLD


def _write_checks(wb: Workbook, layout: _Layout) -> None:
    ws = wb.create_sheet(CHECKS_SHEET)
    title(ws, "Checks")
    ws["A3"], ws["B3"], ws["C3"] = "Tolerance for numerical checks", "-", TOLERANCE
    ws["C3"].font, ws["C3"].fill = INPUT_FONT, INPUT_FILL
    ws["A4"], ws["B4"] = "Master check (every integrity check passes)", "TRUE/FALSE"
    ws["A4"].font = BOLD
    count = PRINTED_COUNT_ROW
    ws.cell(count, 1, "Printed Appendix C figures reproduced, of those the selected demand forecast is printed for")
    ws.cell(count, 2, "figures")
    header_row = count + 2
    for column, text in enumerate(("Check", "Unit", "Pass", "Model", "Target or printed", "Difference", "Thesis section", "Notes"), 1):
        cell = ws.cell(header_row, column, text)
        cell.font, cell.fill = BOLD, HEADER_FILL
    row = header_row + 1

    def ref(key: str) -> str:
        return layout.at(CHECKS_SHEET, FIRST_YEAR_COLUMN).reference(key)

    pass_cells = []
    ws.cell(row, 1, "Integrity checks (the same checks the Python engine applies)").font = BOLD
    row += 1
    for check in CHECKS:
        ws.cell(row, 1, check.label)
        ws.cell(row, 2, check.unit)
        measure = ws.cell(row, 4, "=" + to_excel(check.expression, layout.at(CHECKS_SHEET, FIRST_YEAR_COLUMN)))
        measure.number_format = "0.0%" if check.unit == "%" else "0.000000"
        ws.cell(row, 5, check.target).number_format = measure.number_format
        ws.cell(row, 3, f"=ABS(D{row}-E{row})<={TOLERANCE_CELL}")
        pass_cells.append(f"C{row}")
        row += 1
    for key in ("demand_forecast", "replacement_rule"):
        ws.cell(row, 1, f"{INPUTS[key].label} is one of the options")
        ws.cell(row, 4, f"={ref(key)}")
        ws.cell(row, 3, f"=ISNUMBER(MATCH({ref(key)},{layout.option_ranges[key]},0))")
        pass_cells.append(f"C{row}")
        row += 1
    ws.cell(row, 1, f"{INPUTS['include_depreciation_in_total'].label} is TRUE or FALSE")
    ws.cell(row, 4, f"={ref('include_depreciation_in_total')}")
    ws.cell(row, 3, f"=ISLOGICAL({ref('include_depreciation_in_total')})")
    pass_cells.append(f"C{row}")
    row += 1
    ws.cell(row, 1, "Inputs outside their valid range (column 'In range' of the Inputs sheets)")
    ws.cell(row, 2, "inputs")
    ranges = [layout.in_range_column] + [other.in_range_column for other in layout.others.values()]
    ws.cell(row, 4, "=" + "+".join(f"COUNTIF({r},FALSE)" for r in ranges))
    ws.cell(row, 3, f"=D{row}=0")
    pass_cells.append(f"C{row}")
    row += 2

    ws.cell(row, 1, "Known departures from the printed figures (documented, not errors)").font = BOLD
    row += 1
    for label, note in KNOWN_DEPARTURES:
        ws.cell(row, 1, label)
        ws.cell(row, 3, "known departure").alignment = Alignment(horizontal="right")
        ws.cell(row, 8, note)
        row += 1
    row += 1
    printed_forecast = PRINTED_SCENARIO["demand_forecast"]
    demand = ref("demand_forecast")
    ws.cell(row, 1, "Printed Appendix C figures against the model (2017-2023)").font = BOLD
    ws.cell(row, 8, f"Pass = within {ABSOLUTE_TOLERANCE:g} unit of the printed figure (the sheet prints whole units and "
                    f"sums rounded parts). Appendix C prints the {printed_forecast} scenario: a figure that moves with "
                    f"demand is compared only when {printed_forecast} is selected on Inputs.")
    row += 1
    ws.cell(row, 1, "Allowed difference from a printed figure")
    ws.cell(row, 2, "units")
    ws.cell(row, 4, ABSOLUTE_TOLERANCE).font = INPUT_FONT
    ws.cell(row, 4).fill = INPUT_FILL
    allowed = f"$D${row}"
    row += 1
    first_printed = row
    for figure in PRINTED:
        item = BY_KEY[figure.key]
        column = FIRST_YEAR_COLUMN + figure.year - int(INPUTS["first_year"].default)
        model_ref = layout.at(CHECKS_SHEET, column).reference(figure.key)
        ws.cell(row, 1, f"{item.label} ({item.sheet}), {figure.year}")
        ws.cell(row, 2, item.unit)
        ws.cell(row, 4, f"={model_ref}").number_format = "#,##0.00"
        ws.cell(row, 5, figure.printed).number_format = "#,##0"
        ws.cell(row, 6, f"=D{row}-E{row}").number_format = "#,##0.00"
        ws.cell(row, 7, figure.source)
        ws.cell(row, 8, figure.note or (f"moves with demand: printed for the {printed_forecast} scenario"
                                         if figure.depends_on_demand else "does not depend on demand"))
        if figure.known_departure:
            ws.cell(row, 3, "known departure")
        elif figure.depends_on_demand:
            ws.cell(row, 3, f'=IF({demand}="{printed_forecast}",ABS(F{row})<={allowed},"{printed_forecast} only")')
        else:
            ws.cell(row, 3, f"=ABS(F{row})<={allowed}")
        row += 1
    statuses = f"C{first_printed}:C{row - 1}"
    ws.cell(count, 3, f"=COUNTIF({statuses},TRUE)")
    ws.cell(count, 4, f'="of "&(COUNTIF({statuses},TRUE)+COUNTIF({statuses},FALSE))&" compared"')
    ws["C4"] = "=AND(" + ",".join(pass_cells) + ")"
    ws["C4"].font = BOLD
    ws.column_dimensions["A"].width = 70
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 16
    for letter in "DEF":
        ws.column_dimensions[letter].width = 18
    ws.column_dimensions["G"].width = 22
    ws.column_dimensions["H"].width = 110
    for cells in ws.iter_rows(min_row=header_row + 1, min_col=4, max_col=4):
        cells[0].alignment = Alignment(horizontal="right")
    ws.freeze_panes = f"A{header_row + 1}"


def cover_cells() -> dict[str, str]:
    """The ``Cover!B9``-style address of each Cover figure, by what it shows (:func:`cover_rows`);
    valuation figures as ``valuation:<row>:model`` and ``valuation:<row>:thesis``."""
    return dict(_default_layout().cover)


def printed_count_cells() -> tuple[str, str]:
    """The Checks cells that count the printed figures reproduced and compared."""
    return f"{CHECKS_SHEET}!C{PRINTED_COUNT_ROW}", f"{CHECKS_SHEET}!D{PRINTED_COUNT_ROW}"


def _write_charts(sheets: Mapping[str, Worksheet], layout: _Layout, network: str = "") -> None:
    outputs, demand = sheets["Outputs"], sheets["Demand"]
    years = Reference(demand, min_col=FIRST_YEAR_COLUMN, max_col=LAST_YEAR_COLUMN, min_row=YEAR_ROW)
    chart = LineChart()
    chart.title = "Demand forecasts (thesis Figure 38), log scale"
    chart.y_axis.title = "MB per handset data user per month (log scale)"
    chart.x_axis.title = "Year"
    # the aggressive forecast grows 43 %/yr to ~200,000 MB: on a linear axis the others lie flat
    chart.y_axis.scaling.logBase = 10
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.x_axis.tickLblPos = "low"
    for key in ("demand_aggressive", "demand_cisco_vni_linear", "demand_ten_x_linear", "demand_usage"):
        row = layout.places[key].row
        data = Reference(demand, min_col=1, max_col=LAST_YEAR_COLUMN, min_row=row)
        chart.add_data(data, from_rows=True, titles_from_data=True)
    _drop_gap_columns(chart)
    chart.set_categories(years)
    chart.height, chart.width = 9, 22
    last = max(p.row for p in layout.places.values() if p.sheet == outputs.title)
    outputs.add_chart(chart, f"A{last + 3}")

    bars = BarChart()
    bars.type, bars.grouping, bars.overlap = "col", "stacked", 100
    bars.title = f"Cost by category (NZ$){network}"
    bars.y_axis.title = "NZ$"
    bars.y_axis.delete = False
    bars.x_axis.delete = False
    bars.x_axis.tickLblPos = "low"
    for key in ("out_capex_total", "out_replacement_total", "out_depreciation_in_total", "out_opex_total",
                "out_fixed_total", "out_indirect_total"):
        row = layout.places[key].row
        bars.add_data(Reference(outputs, min_col=1, max_col=LAST_YEAR_COLUMN, min_row=row), from_rows=True, titles_from_data=True)
    _drop_gap_columns(bars)
    bars.set_categories(Reference(outputs, min_col=FIRST_YEAR_COLUMN, max_col=LAST_YEAR_COLUMN, min_row=YEAR_ROW))
    bars.height, bars.width = 9, 22
    outputs.add_chart(bars, f"J{last + 3}")


def _drop_gap_columns(chart: Any) -> None:
    """Series are read from column A (title) to S; drop the unit/value/opening columns B:D."""
    for series in chart.series:
        reference = series.val.numRef.f
        sheet, cells = reference.split("!")
        row = cells.split("$")[-1]
        series.val.numRef.f = f"{sheet}!${_col(FIRST_YEAR_COLUMN)}${row}:${_col(LAST_YEAR_COLUMN)}${row}"


COVER_WIDTHS = {"A": 62, "B": 20, "C": 16, "D": 54}
COVER_LAST_COLUMN = len(COVER_WIDTHS)
#: characters of wrapped text per line across the Cover's merged A:D (a little under the width)
COVER_CHARS_PER_LINE = int(sum(COVER_WIDTHS.values()) * 0.95)
MILLIONS_FORMAT = "#,##0.0;[Red]-#,##0.0"


def cover_rows() -> tuple[tuple[str, str], ...]:
    """The Cover's figures as (label, what it shows): ``input:<key>``, ``item:<key>`` (a line item
    or input in NZ$ M where it says so), ``valuation:<row>`` or ``check:<name>``; the order of the Cover."""
    from xlspectrum.models.chapter8 import HEADLINE

    return (
        ("Demand forecast", "input:demand_forecast"),
        ("Replacement rule", "input:replacement_rule"),
        ("Depreciation included in total cost", "input:include_depreciation_in_total"),
        ("WACC", "input:wacc"),
        ("Present value of total cost (NZ$ M, eq. 16, t = 0 in the first year)", "item:pv_total_cost_millions"),
        ("Checks", "check:master"),
        ("Printed Appendix C figures reproduced", "check:printed"),
        *((label, f"valuation:{key}") for label, key in HEADLINE),
    )


COVER_INTRO = (
    "The LTE network cost model of Brett Shaw, 'Spectrum allocation methods for future wireless services in cellular "
    "networks' (PhD thesis, University of Auckland, 2020), Appendix C (section 10.3), rebuilt as live Excel formulas, "
    "with the chapter 8 valuations of 28 GHz spectrum.",
    "Change any blue cell on the Inputs sheet and every table recalculates; the demand forecast is a drop-down there. "
    "Each input carries the thesis section or table it comes from and its valid range; inferred values say so.",
    "Generated by xlspectrum from the same line-item definitions as its Python engine; a test recalculates this "
    "workbook headlessly and compares every line item, every year, with the engine.",
)
COVER_SCENARIO = "Scenario selected"
COVER_VALUATION = "Value of 28 GHz spectrum, NZ$ M (chapter 8; the Valuation sheet has every step)"
COVER_VALUATION_HEADER = "valuation:header"
#: the Cover's first heading (row 1 the status line, row 2 the title, row 3 the scenario line)
COVER_FIRST_HEADING_ROW = 5


def _place_cover(layout: _Layout) -> None:
    """The Cover's first blocks (what it is, the scenario and the valuation figures) and the
    address of each figure (:func:`cover_cells`); the prose below them follows the last block."""
    figures = [Row(what, label) for label, what in cover_rows()]
    scenario = tuple(row for row in figures if not row.key.startswith("valuation:"))
    valuation = (Row(COVER_VALUATION_HEADER, ""), *(row for row in figures if row.key.startswith("valuation:")))
    blocks = headed_blocks((("What this is", [Row(f"intro:{i}", text) for i, text in enumerate(COVER_INTRO)]),
                            (COVER_SCENARIO, scenario), (COVER_VALUATION, valuation)))
    cover = layout.sheets["Cover"] = SheetLayout("Cover", COVER_FIRST_HEADING_ROW + 1, blocks)
    for placed in scenario:
        layout.cover[placed.key] = f"Cover!B{cover.row(placed.key)}"
    for placed in valuation[1:]:
        for column, basis in ((2, "model"), (3, "thesis")):
            layout.cover[f"{placed.key}:{basis}"] = f"Cover!{_col(column)}{cover.row(placed.key)}"


def _write_cover(wb: Workbook, layout: _Layout, prefixes: Mapping[str, str]) -> None:
    """The Cover sheet; ``prefixes`` maps the sheet prefix of each further model to its label."""
    ws = wb["Cover"]
    ref = lambda key: layout.at("Cover", 2).reference(key)  # noqa: E731
    demand = ref("demand_forecast")
    printed_forecast = PRINTED_SCENARIO["demand_forecast"]
    options = layout.option_ranges["demand_forecast"]
    meaning = f"INDEX({layout.option_meanings['demand_forecast']},MATCH({demand},{options},0))"
    reproduced, compared = printed_count_cells()
    scenario_notes = {
        "input:demand_forecast": f"={meaning}",
        "item:pv_total_cost_millions": "the 28 GHz + 700 MHz network (Appendix C sheets)",
        "check:master": "every integrity check of the Checks sheet",
        "check:printed": f'=IF({demand}="{printed_forecast}","{COMPARED_NOTE[True]}","{COMPARED_NOTE[False]}")',
    }
    formulas = {
        "check:master": f'=IF({MASTER_CHECK},"all OK","FAILED - see Checks")',
        "check:printed": f'={reproduced}&" "&{compared}',
    }
    title(ws, "xlspectrum - Appendix C LTE network cost model (2017-2031) and chapter 8 valuations")
    ws["A3"] = f'="Demand forecast: "&{demand}&" - "&{meaning}'
    ws["A3"].font = BOLD

    def heading(text: str) -> None:
        nonlocal row
        _block_heading(ws, row, text, last_column=COVER_LAST_COLUMN)
        row += 1

    def cover_paragraph(text: str) -> None:
        nonlocal row
        paragraph(ws, row, text, last_column=COVER_LAST_COLUMN, chars_per_line=COVER_CHARS_PER_LINE)
        row += 1

    cover = layout.sheets["Cover"]
    for block in cover.blocks:
        _block_heading(ws, cover.heading_row(block.name), block.name, last_column=COVER_LAST_COLUMN)
    for row, text in cover.rows("What this is"):
        paragraph(ws, row, text.label, last_column=COVER_LAST_COLUMN, chars_per_line=COVER_CHARS_PER_LINE)
    for row, placed in cover.rows(COVER_SCENARIO):
        what = placed.key
        kind, key = what.split(":")
        ws.cell(row, 1, placed.label)
        value = ws.cell(row, 2, formulas[what] if what in formulas else f"={ref(key)}")
        value.font, value.alignment = BOLD, Alignment(horizontal="right")
        value.number_format = {"input:wacc": "0.0%", "item:pv_total_cost_millions": MILLIONS_FORMAT}.get(what, "General")
        if what in scenario_notes:
            cell = ws.cell(row, 3, scenario_notes[what])
            cell.font = Font(color="595959")
            cell.alignment = Alignment(indent=1)
    for row, placed in cover.rows(COVER_VALUATION):
        if placed.key == COVER_VALUATION_HEADER:
            for column, text in ((2, "This model"), (3, "Thesis")):
                cell = ws.cell(row, column, text)
                cell.font, cell.alignment = BOLD, Alignment(horizontal="right")
            continue
        key = placed.key.split(":")[1]
        ws.cell(row, 1, placed.label)
        for column, basis in ((2, "model"), (3, "thesis")):
            cell_ref = layout.at("Cover", column).reference(f"{key}_{basis}")
            formula = f"={cell_ref}/1000000" if basis == "model" else f'=IF(ISNUMBER({cell_ref}),{cell_ref}/1000000,"not printed")'
            cell = ws.cell(row, column, formula)
            cell.number_format, cell.alignment = MILLIONS_FORMAT, Alignment(horizontal="right")
            cell.font = BOLD if basis == "model" else Font()
    row = cover.last_row() + 1
    ws.cell(row, 1, "Thesis figures are printed for cisco_vni_linear (Tables 8-11) and, for the costs and the deprival "
                    "value, ten_x_linear (Table 10); 'not printed' otherwise.").font = NOTE_FONT
    row += 2
    heading("What the defaults do, and why")
    for text in (
        "The default is the thesis' valuation case: 28 GHz + 700 MHz network (1,000 MHz carrier, pico radius 0.22 km) "
        "under the Cisco VNI linear demand of Tables 8-11, WACC 9 %. Select ten_x_linear on Inputs for the scenario "
        "Appendix C prints: it reproduces the printed 2017-2023 figures (see Checks).",
        "Replacement rule 'none' (default): no asset is re-bought inside 2017-2031. This matches thesis Table 10 within "
        "1 %: about 1,287 M against 1,289 M (Cisco VNI) and 1,962 M against 1,979 M (10 x Cisco VNI). "
        "'units_at_current_cost' and 'capex_nominal' re-buy at the end of each life and raise the present value by 8-14 %; "
        "the printed years cannot tell which rule the thesis used (the first replacement would fall in 2025).",
        "Total cost keeps the sheet's definition: it adds that year's depreciation to capex, so capital is counted "
        "twice. Set 'Include depreciation in total cost' to FALSE to leave it out.",
        "Years 2024-2031 are not printed: they extend the rules (spectral efficiency +2 %/yr, subscribers +5 %/yr, "
        "unit costs -5 %/yr, demand by its closed form).",
    ):
        cover_paragraph(text)
    row += 1
    heading("Where the model departs from the printed figures")
    for text in (
        "1. Coverage 'eNodeB - Microcell' is printed as 1,000 (10.3.8.2). The model computes 17.09, which the printed "
        "total (2,499 sites), the site types and the microcell capex all need; the 1,000 is likely one of the values the "
        "thesis randomised for confidentiality (10.3.1). The Checks sheet shows it as a known departure.",
        "2. Operator mobile-broadband subscribers (10.3.3) are printed on a 30 % share from 2018, but every printed "
        "traffic figure needs a flat 20 %, which the model uses: the printed 2018-2023 subscriber row is not reproduced.",
        "Inputs lost from the printed tables or contradicted by the printed rows are inferred from the results (hub cost "
        "350,000, roll-out 5/20/25/25/20/5 %, non-conversation time 0.1 min, 35 % opex): see the notes on Inputs.",
        "The 700 MHz-only network (the UHF sheets) is not printed: it is this model with a 2 x 20 MHz carrier and the "
        "28 GHz pico layer served by 700 MHz micro cells (the blue cells of UHF Inputs); its present value is within 2 % "
        "of Table 10's 734 M and 2,264 M.",
    ):
        cover_paragraph(text)
    row += 1
    heading("Sheets")
    for name in wb.sheetnames:
        ws.cell(row, 1, name).font = BOLD
        prefix = next((p for p in prefixes if name.startswith(p)), "")
        purpose = SHEET_PURPOSE.get(name.removeprefix(prefix), "")
        text = f"{prefixes[prefix]}: {purpose[0].lower()}{purpose[1:]}" if prefix else purpose
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=COVER_LAST_COLUMN)
        ws.cell(row, 2, text)
        row += 1
    row += 1
    cover_paragraph("House style: inputs in blue on yellow; formulas in black; totals with a rule above. Each calculation "
              "row holds one formula, the same in every year column. Printed, every sheet is readable (about 7.5 pt): "
              "the wide time-based sheets run several A4 pages across with their label columns repeated. The UHF "
              "sheets repeat the model for the 700 MHz-only network; for the headline print Cover, Inputs, Outputs, "
              "Valuation, Sensitivity and Checks.")
    for letter, width in COVER_WIDTHS.items():
        ws.column_dimensions[letter].width = width


def sheet_prefix(model: Model, main: Model) -> str:
    """What the sheets of ``model`` are called before Inputs, Demand, ...: nothing for the main model."""
    if model is main:
        return ""
    return SHEET_PREFIXES.get(model.name, f"{model.name.upper()} ")


def _place(models: Sequence[Model]) -> _Layout:
    """Every keyed cell's place in the workbook of ``models`` (inputs, line items, valuation rows,
    the Cover's figures), from their definitions alone: no workbook is built."""
    from xlspectrum.models.chapter8 import UHF

    names = [model.name for model in models]
    if len(set(names)) != len(names) or UHF not in names[1:]:
        raise ValueError(f"models={names}: give distinct names, the main network first and {UHF!r} (the 700 MHz-only "
                         "network the Valuation sheet's deprival value uses) among the others")
    main, *others = models
    layout = _Layout()
    _place_inputs(layout, main, with_options=True)
    _place_calculations(layout, main)
    for model in others:
        own = layout.others[model.name] = _Layout(sheet_prefix=sheet_prefix(model, main))
        _place_inputs(own, model, with_options=False)
        _place_calculations(own, model)
    _place_valuation(layout)
    _place_cover(layout)
    return layout


def _assemble(overrides: Mapping[str, Any] | None, models: Sequence[Model] = MODELS) -> tuple[Workbook, _Layout]:
    """The workbook of ``models``: the first on Inputs, Demand, ..., Outputs with the Valuation,
    Sensitivity and Checks sheets; each other model on its own prefixed sheets, its inputs linked
    to the first model's except those it overrides (typed, in blue), which its formulas and
    the valuation reach as ``<model name>__<key>``.  Cells go where :func:`_place` puts them."""
    layout = _place(models)
    main, *others = models
    values = main.resolve(overrides)
    wb = Workbook()
    wb.active.title = "Cover"
    _write_inputs(wb, layout, main, values)
    instances = [(main, layout, _write_calculation_sheets(wb, layout, main))]
    valuation = wb.create_sheet("Valuation")
    for model in others:
        own = layout.others[model.name]
        notes = NETWORK_NOTES.get(model.name, {})
        typed = {key: f"{model.label}: {notes.get(key, 'this network defines it')}" for key in model.overridden}
        _write_inputs(wb, own, model, {**values, **model.overridden}, linked_to=layout, typed=typed)
        instances.append((model, own, _write_calculation_sheets(wb, own, model)))
    for model, instance, sheets in instances:
        label = "" if model is main else f" ({model.label})"
        for name, ws in sheets.items():
            _timeline(ws, f"{ws.title}{label}", None)
            ws.cell(FIRST_ROW - 1, 1, SHEET_PURPOSE[name]).font = NOTE_FONT
        for item in model.items:
            _write_item(sheets[item.sheet], instance, item)
    _write_valuation(valuation, layout)
    _write_checks(wb, layout)
    _write_sensitivity(wb, layout, overrides)
    # outputs, then checks: Valuation, Sensitivity, Checks
    for name, after in ((SENSITIVITY_SHEET, "Valuation"), (CHECKS_SHEET, SENSITIVITY_SHEET)):
        wb.move_sheet(name, offset=wb.sheetnames.index(after) + 1 - wb.sheetnames.index(name))
    for model, instance, sheets in instances:
        _write_charts(sheets, instance, network="" if model is main else f", {model.label}")
    add_xlwings_conf(wb)
    _write_cover(wb, layout, {sheet_prefix(model, main): model.label for model in others})
    write_not_computed_count(wb)
    print_setup(wb)
    stamp(wb, MODEL_MARKER)
    return wb, layout


def _write_sensitivity(wb: Workbook, layout: _Layout, overrides: Mapping[str, Any] | None) -> None:
    # imported here: reading a cell's place in this workbook needs no Monte Carlo machinery
    from xlspectrum.workbooks.sensitivity_sheet import write_sensitivity

    write_sensitivity(wb, lambda key: layout.at(SENSITIVITY_SHEET, 1).reference(key), overrides)


def build_workbook(overrides: Mapping[str, Any] | None = None, models: Sequence[Model] = MODELS) -> Workbook:
    """The cost models and valuations as an openpyxl Workbook of live formulas, inputs from ``overrides``.

    ``models``: the first is laid out on Inputs, Demand, ..., Outputs; each other on its own
    sheets (``UHF Inputs`` ... for the 700 MHz-only network, ``<NAME> Inputs`` ... otherwise).
    The 700 MHz-only network must be among them: the Valuation sheet's deprival value uses it.
    """
    return _assemble(overrides, tuple(models))[0]


VALUATION_COLUMNS = {"thesis": VALUE_COLUMN, "model": OPENING_COLUMN}
CROSS_CHECK_COLUMN = FIRST_YEAR_COLUMN
VALUATION_NOTE_COLUMN = FIRST_YEAR_COLUMN + 1


def _place_valuation(layout: _Layout) -> None:
    """The Valuation rows' places: a block per chapter 8 step, each row's thesis and model cells."""
    from xlspectrum.models.chapter8 import ROWS

    sheet = layout.sheets["Valuation"] = SheetLayout("Valuation", FIRST_ROW + 1, _headed_by_block(ROWS))
    for item in ROWS:
        for basis, column in VALUATION_COLUMNS.items():
            layout.places[item.cell_key(basis)] = _Place("Valuation", sheet.row(item.key), scalar=True, column=column)


def _write_valuation(ws: Worksheet, layout: _Layout) -> None:
    """Chapter 8 on one sheet: each row's thesis-inputs and this-model formulas side by side."""
    from xlspectrum.models.chapter8 import BASIS_LABELS, CROSS_CHECKS, NOT_PRINTED, ROWS, TABLE11

    title(ws, "Valuation - chapter 8: the value of the 28 GHz spectrum four ways")
    demand = layout.at("Valuation", VALUE_COLUMN).reference("demand_forecast")
    shift = layout.at("Valuation", VALUE_COLUMN).reference("forecast_shift_years")
    ws["A3"] = (f'="This model: demand forecast "&{demand}&", brought forward "&{shift}&" years. The thesis\' Tables 8, 9 '
                'and 11 use cisco_vni_linear, Table 12 brings it forward 5 years."')
    ws["A3"].font = BOLD
    headers = ("Line item", "Unit", BASIS_LABELS["thesis"].capitalize(), BASIS_LABELS["model"].capitalize(),
               "Add-in cross-check (this model)", "Notes")
    for column, text in enumerate(headers, 1):
        cell = ws.cell(HEADER_ROW, column, text)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal="right" if 3 <= column <= 5 else "left")
    ws.row_dimensions[HEADER_ROW].height = 2 * LINE_HEIGHT_PT
    sheet = layout.sheets["Valuation"]
    for block in sheet.blocks:
        _block_heading(ws, sheet.heading_row(block.name), block.name)
    for item in ROWS:
        place = layout.places[item.cell_key("thesis")]
        ws.cell(place.row, 1, item.label)
        ws.cell(place.row, 2, item.unit)
        ws.cell(place.row, VALUATION_NOTE_COLUMN, item.note).alignment = Alignment(indent=1)
        for basis, expression in item.expressions.items():
            resolver = layout.at("Valuation", VALUATION_COLUMNS[basis])
            formula = to_excel(expression, resolver)
            condition = item.thesis_condition if basis == "thesis" else None
            if condition is not None:
                formula = f'IF({to_excel(condition, resolver)},{formula},"{NOT_PRINTED}")'
            cell = ws.cell(place.row, VALUATION_COLUMNS[basis], "=" + formula)
            cell.number_format = item.number_format
            cell.alignment = Alignment(horizontal="right")
        if item.key in CROSS_CHECKS:
            function, arguments = CROSS_CHECKS[item.key]
            resolver = layout.at("Valuation", CROSS_CHECK_COLUMN)
            parts = [resolver.row_range(a[4:]) if a.startswith("row:") else resolver.reference(a) for a in arguments]
            cell = ws.cell(place.row, CROSS_CHECK_COLUMN, "=" + addin_call(function, parts))
            cell.number_format = item.number_format
            cell.alignment = Alignment(horizontal="right")
    row = sheet.last_row() + 2  # a blank row after the last valuation row
    _block_heading(ws, row, "Results in the layout of thesis Table 11 (the value of 28 GHz spectrum, NZ$)")
    row += 1
    for column, text in enumerate(("Method", "", "Thesis inputs", "This model", "Thesis NZ$/MHz/pop", "This model NZ$/MHz/pop"), 1):
        ws.cell(row, column, text).font = BOLD
        ws.cell(row, column).alignment = Alignment(horizontal="right" if 3 <= column <= 5 else "left", indent=int(column == 6))
    row += 1
    first_result = row
    for method, value_key, per_key in TABLE11:
        ws.cell(row, 1, method)
        ws.cell(row, 2, "NZ$")
        resolver = layout.at("Valuation", VALUE_COLUMN)
        for column, key in ((VALUE_COLUMN, f"{value_key}_thesis"), (OPENING_COLUMN, f"{value_key}_model"),
                            (FIRST_YEAR_COLUMN, f"{per_key}_thesis"), (FIRST_YEAR_COLUMN + 1, f"{per_key}_model")):
            cell = ws.cell(row, column, "=" + resolver.reference(key))
            cell.number_format = MONEY_FORMAT if column <= OPENING_COLUMN else "0.00"
            # the last column is the wide notes column: keep its number beside the others
            cell.alignment = Alignment(horizontal="left" if column == FIRST_YEAR_COLUMN + 1 else "right", indent=1)
        row += 1
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Valuation of 28 GHz spectrum by method (NZ$)"
    chart.add_data(Reference(ws, min_col=VALUE_COLUMN, max_col=OPENING_COLUMN, min_row=first_result - 1, max_row=row - 1),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first_result, max_row=row - 1))
    chart.y_axis.title = "NZ$"
    chart.x_axis.tickLblPos = "low"  # method names beside the axis, not on the bars (values go negative)
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, f"A{row + 2}")
    ws.column_dimensions["A"].width = 70
    ws.column_dimensions["B"].width = 14
    for letter, width in (("C", 30), ("D", 20), ("E", 30)):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["F"].width = 100
    ws.freeze_panes = ws.cell(FIRST_ROW - 1, VALUE_COLUMN)


@functools.lru_cache(maxsize=4)
def _default_layout(models: tuple[Model, ...] = MODELS) -> _Layout:
    return _place(models)


def cell_places(instance: str = "", models: Sequence[Model] = MODELS) -> dict[str, tuple[str, int, bool]]:
    """Sheet, row and single-value flag of every input and line item of a model instance.

    ``instance`` is ``""`` for the first model (the 28 GHz + 700 MHz network) or another
    model's name (:data:`xlspectrum.models.chapter8.UHF` for the 700 MHz-only network); the main instance also lists the Valuation cells (``<row>_thesis``, ``<row>_model``).
    """
    layout = _default_layout(tuple(models))
    if instance:
        layout = layout.others[instance]
    return {key: (p.sheet, p.row, p.scalar) for key, p in layout.places.items()}


def valuation_cell(key: str, basis: str) -> str:
    """The ``Sheet!A1`` address of a valuation row's thesis or model cell."""
    place = _default_layout().places[f"{key}_{basis}"]
    return f"{place.sheet}!{_col(place.column)}{place.row}"


def is_thesis_model(path: str | os.PathLike[str]) -> bool:
    """Whether a workbook was generated by xlspectrum as the thesis model (by its keywords)."""
    return has_marker(path, MODEL_MARKER, {"Inputs", "Checks"})


def compare_with_engine(values: Mapping[str, Any], result: Any, rtol: float = 1e-9, atol: float = 1e-6,
                        instance: str = "", models: Sequence[Model] = MODELS) -> list[str]:
    """Every line item, every year, of recalculated workbook ``values`` against ``result``.

    ``values`` maps ``"Sheet!A1"`` to the recalculated value; ``result`` is a
    :class:`~xlspectrum.models.costmodel.CostModelResult` of the model ``instance`` (see
    :func:`cell_places`).  Returns one line per mismatch.
    """
    mismatches = []
    for key, (sheet, row, scalar) in cell_places(instance, models).items():
        if key not in result.model.by_key:
            continue
        expected = np.asarray(result[key], dtype=float)
        columns = [VALUE_COLUMN] if scalar else range(FIRST_YEAR_COLUMN, LAST_YEAR_COLUMN + 1)
        for i, column in enumerate(columns):
            address = f"{sheet}!{_col(column)}{row}"
            got = values.get(address)
            want = float(expected[i])
            if not isinstance(got, (int, float)) or isinstance(got, bool) or not np.isclose(got, want, rtol=rtol, atol=atol):
                year = int(result.years[i])
                mismatches.append(f"{key} ({address}, {year}): workbook {got!r}, engine {want!r}")
    return mismatches


def read_inputs(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The input values typed in a generated workbook, as engine overrides by key."""
    from openpyxl import load_workbook

    ws = load_workbook(path)["Inputs"]  # the 700 MHz network's inputs follow these, except its overrides
    places = cell_places()
    overrides: dict[str, Any] = {}
    for key, item in INPUTS.items():
        _, row, _ = places[key]
        if item.kind == "series":
            overrides[key] = [ws.cell(row, FIRST_YEAR_COLUMN + i).value or 0.0 for i in range(YEARS)]
        else:
            overrides[key] = ws.cell(row, VALUE_COLUMN).value
    return overrides
