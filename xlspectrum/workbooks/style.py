"""The house style every generated workbook shares: status line, titles, headers, inputs, Checks.

Conventions (FAST Standard, ICAEW Financial Modelling Code), the same in all four workbooks:

* every sheet shows the status line in :data:`STATUS_CELL` (A1) and its title in A2;
* the Checks sheet holds the numerical tolerance in :data:`TOLERANCE_CELL` (C3), the master
  check in :data:`MASTER_CHECK` (C4) and, in :data:`NOT_COMPUTED_CELL` (C5), how many live
  cells that call the add-in have no value because the add-in is not loaded;
* inputs are blue on yellow, headers grey and bold, block headings light blue.

The status line tells the three states apart: every check passes; every check passes but
some live cells need the add-in; a check fails.
"""

from __future__ import annotations

from copy import copy
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

INPUT_FONT = Font(color="0000FF")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
BLOCK_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
NOTE_FONT = Font(italic=True, color="595959")
#: the font of the workbook's default style, given to every font that names none
FONT_NAME = "Calibri"
#: colours a reader with any common colour vision tells apart (Okabe and Ito, "Color Universal Design", 2002)
OKABE_ITO = {"black": "000000", "orange": "E69F00", "sky blue": "56B4E9", "bluish green": "009E73",
             "yellow": "F0E442", "blue": "0072B2", "vermillion": "D55E00", "reddish purple": "CC79A7",
             "grey": "7F7F7F"}

CHECKS_SHEET = "Checks"
TOLERANCE_CELL = f"{CHECKS_SHEET}!$C$3"
MASTER_CHECK = f"{CHECKS_SHEET}!$C$4"
NOT_COMPUTED_CELL = f"{CHECKS_SHEET}!$C$5"
#: the first row of a Checks sheet below its three contract rows
CHECKS_FIRST_FREE_ROW = 6
STATUS_CELL = "A1"
TITLE_CELL = "A2"
#: what the xlwings.conf sheet is for, as every Cover lists it
XLWINGS_CONF_PURPOSE = "Points the xlwings add-in at xlspectrum.excel (UDF Modules); hidden: unhide it to edit"
#: what a live cell that calls the add-in shows where the add-in is not loaded
NOT_LOADED = "no add-in"
#: the status line's three states (the parts the recalculation report reads back)
STATUS_OK = "Checks: all OK"
STATUS_NOT_COMPUTED = "Checks: OK; add-in not loaded:"
STATUS_FAILED = "Checks: FAILED - see the Checks sheet"


def status_formula() -> str:
    """The status line: all OK, OK with live add-in cells not computed, or FAILED."""
    return (f'=IF({MASTER_CHECK},IF({NOT_COMPUTED_CELL}=0,"{STATUS_OK}","{STATUS_NOT_COMPUTED} "&{NOT_COMPUTED_CELL}'
            f'&" live cells not computed"),"{STATUS_FAILED}")')


def status(ws: Worksheet) -> None:
    """The status line in :data:`STATUS_CELL`."""
    ws[STATUS_CELL] = status_formula()
    ws[STATUS_CELL].font = BOLD


def title(ws: Worksheet, text: str, note: str | None = None) -> None:
    """Status on row 1, the sheet's title on row 2 and (``note``) what it is for on row 3."""
    status(ws)
    ws[TITLE_CELL] = text
    ws[TITLE_CELL].font = TITLE_FONT
    if note is not None:
        ws["A3"] = note
        ws["A3"].font = NOTE_FONT


def block_heading(ws: Worksheet, row: int, text: str, last_column: int) -> None:
    """A block's heading: bold text on a light blue band from column A to ``last_column``."""
    ws.cell(row, 1, text).font = BOLD
    for column in range(1, last_column + 1):
        ws.cell(row, column).fill = BLOCK_FILL


def header(ws: Worksheet, row: int, labels: Sequence[str], height: float = 45) -> None:
    """A grey, bold, wrapped header row."""
    for column, label in enumerate(labels, 1):
        cell = ws.cell(row, column, label)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[row].height = height


def input_number_format(unit: str) -> str:
    """The number format of an input shown in ``unit``: percentages as %, money and counts with
    thousands separators, the rest as typed."""
    if unit.startswith("%"):
        return "0.0%"
    if unit in ("NZ$", "NZ$/unit", "people", "subscribers"):
        return "#,##0"
    return "General"


def input_cell(cell: Any, value: Any, number_format: str = "General") -> None:
    """An input: blue on yellow."""
    cell.value = value
    cell.fill = INPUT_FILL
    cell.font = INPUT_FONT
    cell.number_format = number_format


def name_fonts(wb: Workbook, name: str = FONT_NAME) -> None:
    """Give every styled cell whose font names no typeface the workbook's own (:data:`FONT_NAME`).

    A font without a name (``Font(bold=True)``) is drawn in the application's default typeface:
    LibreOffice prints such titles, headings and bold figures in a serif beside the Calibri of
    every other cell.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.has_style and cell.font.name is None:
                    font = copy(cell.font)
                    font.name = name
                    cell.font = font


def extra_needed(value: Any) -> str | None:
    """The optional extra a cell's text says it needs (``#N/A needs ... the optional extra "itu" ...``), or None."""
    if isinstance(value, str) and value.startswith("#N/A") and 'optional extra "' in value:
        return value.split('optional extra "', 1)[1].split('"', 1)[0]
    return None


def addin(name: str, *arguments: Any) -> str:
    """The formula text (without ``=``) of a call of the add-in's function ``name``.

    Every writer calls the add-in through this one node: the name and the number of arguments
    are checked against the function registry when the workbook is built, so a renamed
    function or a lost argument fails the build instead of leaving a workbook calling nothing.
    ``arguments`` are formula texts (cell references, expressions) or booleans (``TRUE``/``FALSE``).
    """
    from xlspectrum.hosts.registry import BY_EXCEL_NAME

    spec = BY_EXCEL_NAME.get(name)
    if spec is None:
        raise ValueError(f"{name} is not a function of the xlspectrum add-in")
    required = sum(not a.optional for a in spec.arguments)
    if not required <= len(arguments) <= len(spec.arguments):
        raise ValueError(f"{name} takes {required} to {len(spec.arguments)} arguments, not {len(arguments)}")
    texts = [("TRUE" if value else "FALSE") if isinstance(value, bool) else str(value) for value in arguments]
    return f"{name}({','.join(texts)})"


def addin_call(name: str, arguments: Sequence[str]) -> str:
    """:func:`addin`, or :data:`NOT_LOADED` where the add-in is not loaded (``IFERROR``)."""
    return f'IFERROR({addin(name, *arguments)},"{NOT_LOADED}")'


def write_not_computed_count(wb: Workbook) -> None:
    """Fill :data:`NOT_COMPUTED_CELL`: how many live cells show :data:`NOT_LOADED`, counted over the
    block of each sheet that holds the cells calling the add-in."""
    marker = f'"{NOT_LOADED}"'
    parts = []
    for ws in wb.worksheets:
        found = []
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, ArrayFormula) and marker in (cell.value.text or ""):
                    low, high = cell.value.ref.split(":") if ":" in cell.value.ref else (cell.value.ref,) * 2
                    found += [coordinate_to_tuple(low), coordinate_to_tuple(high)]
                elif isinstance(cell.value, str) and cell.value.startswith("=") and marker in cell.value:
                    found.append((cell.row, cell.column))
        if not found:
            continue
        rows, columns = zip(*found)
        sheet = ws.title if ws.title.isalnum() else f"'{ws.title}'"
        cells = (f"{sheet}!${get_column_letter(min(columns))}${min(rows)}:"
                 f"${get_column_letter(max(columns))}${max(rows)}")
        parts.append(f'COUNTIF({cells},"{NOT_LOADED}")')
    checks = wb[CHECKS_SHEET]
    checks["A5"], checks["B5"] = "Live cells the add-in computes, left without a value (add-in not loaded)", "cells"
    checks["C5"] = "=" + ("+".join(parts) or "0")


def write_checks_sheet(wb: Workbook, checks: Sequence[tuple[str, str]], reproductions: Sequence[tuple[str, str]],
                       tolerance: float, reproduction_heading: str, label_width: float = 80) -> None:
    """The Checks sheet: tolerance, the master check over ``checks``, then informational ``reproductions``."""
    ws = wb.create_sheet(CHECKS_SHEET)
    title(ws, "Checks - the master check is TRUE when no check below is FALSE")
    ws["A3"], ws["B3"] = "Tolerance of the numerical checks (relative)", "-"
    input_cell(ws["C3"], tolerance, "0.0E+00")
    ws["A4"], ws["B4"] = "Master check", "TRUE/FALSE"
    ws["A4"].font = BOLD
    first = CHECKS_FIRST_FREE_ROW + 2
    ws["C4"] = f"=COUNTIF($C${first}:$C${first + len(checks) - 1},FALSE)=0"
    ws["C4"].font = BOLD
    header(ws, first - 1, ["Check", "", "Result"])
    for i, (label, formula) in enumerate(checks):
        ws.cell(first + i, 1, label)
        ws.cell(first + i, 3, formula)
    below = first + len(checks) + 1
    header(ws, below, [reproduction_heading, "", "Result"])
    for i, (label, formula) in enumerate(reproductions, below + 1):
        ws.cell(i, 1, label)
        ws.cell(i, 3, formula)
    ws.column_dimensions["A"].width = label_width
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 12


LINE_HEIGHT_PT = 15


def paragraph(ws: Worksheet, row: int, text: str, font: Font | None = None, last_column: int = 3,
               chars_per_line: int = 144) -> None:
    """Text wrapped across A to ``last_column``, the row tall enough for every line (merged cells never auto-fit)."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    cell = ws.cell(row, 1, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if font is not None:
        cell.font = font
    lines = max(1, -(-len(text) // chars_per_line))
    ws.row_dimensions[row].height = LINE_HEIGHT_PT * lines + 3
