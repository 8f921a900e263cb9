"""The house style the generated workbooks share: status line, titles, headers, inputs, Checks sheet.

Each workbook (exchange, local licences and coverage) keeps its master check in
``Checks!C4`` and its numerical tolerance in ``Checks!C3``, shows the master check on the
first row of every sheet, and marks inputs blue on yellow (``../design`` FAST conventions).
"""

from __future__ import annotations

from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from .workbook import BOLD, HEADER_FILL, INPUT_FILL, INPUT_FONT, TITLE_FONT

MASTER_CHECK = "Checks!$C$4"
TOLERANCE_CELL = "Checks!$C$3"
NOTE_FONT = Font(italic=True, color="595959")


def status(ws: Worksheet, column: int = 1) -> None:
    """The master check, shown on a sheet's first row."""
    ws.cell(1, column, f'=IF({MASTER_CHECK},"Checks: all OK","Checks: FAILED - see the Checks sheet")').font = BOLD


def title(ws: Worksheet, text: str, note: str) -> None:
    """Status on row 1, the sheet's title on row 2 and what it is for on row 3."""
    status(ws)
    ws["A2"] = text
    ws["A2"].font = TITLE_FONT
    ws["A3"] = note
    ws["A3"].font = NOTE_FONT


def header(ws: Worksheet, row: int, labels: Sequence[str], height: float = 45) -> None:
    """A grey, bold, wrapped header row."""
    for column, label in enumerate(labels, 1):
        cell = ws.cell(row, column, label)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[row].height = height


def input_cell(cell: Any, value: Any, number_format: str = "General") -> None:
    """An input: blue on yellow."""
    cell.value = value
    cell.fill = INPUT_FILL
    cell.font = INPUT_FONT
    cell.number_format = number_format


def write_checks_sheet(wb: Workbook, checks: Sequence[tuple[str, str]], reproductions: Sequence[tuple[str, str]],
                       tolerance: float, reproduction_heading: str, label_width: float = 80) -> None:
    """The Checks sheet: tolerance, the master check over ``checks``, then informational ``reproductions``."""
    ws = wb.create_sheet("Checks")
    status(ws)
    ws["A2"] = "Checks - the master check is TRUE when no check below is FALSE"
    ws["A2"].font = TITLE_FONT
    ws["A3"], ws["B3"] = "Tolerance of the numerical checks (relative)", "-"
    input_cell(ws["C3"], tolerance, "0.0E+00")
    ws["A4"], ws["B4"] = "Master check", "TRUE/FALSE"
    ws["A4"].font = BOLD
    first = 6
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
