"""What a generated workbook prints and how it reads: shared by the workbook tests.

* :func:`printed_pages` prints a workbook to PDF with LibreOffice (a fresh profile) and counts
  the pages, as a person printing the whole workbook gets them;
* :func:`unstyled_fonts`, :func:`addin_cells_that_do_not_fit` and :func:`chart_series_styles` read
  the openpyxl workbook for the things a reader sees on the page.
"""

import re
import subprocess
import tempfile
from pathlib import Path

from openpyxl.utils import column_index_from_string, get_column_letter

from xlspectrum.workbooks import style as sheets
from xlspectrum.recalc import soffice_path

#: a page object of a PDF (not the /Pages tree above them)
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![s\w])")


def printed_pages(path: Path, timeout: float = 300) -> int:
    """Pages LibreOffice prints of the workbook at ``path`` (every visible sheet, its print settings)."""
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        subprocess.run([soffice_path(), f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(work), str(path)],
                       check=True, capture_output=True, timeout=timeout)
        return len(PAGE_OBJECT.findall((work / f"{path.stem}.pdf").read_bytes()))


def unstyled_fonts(book) -> list[str]:
    """Cells whose font names no typeface (LibreOffice draws them in its default serif)."""
    return [f"{ws.title}!{cell.coordinate}" for ws in book.worksheets for row in ws.iter_rows() for cell in row
            if cell.has_style and cell.font.name is None]


def column_width(ws, column: int) -> float:
    width = ws.column_dimensions[get_column_letter(column)].width
    return 13.0 if width is None else width  # openpyxl's default width when none is set


def addin_cells_that_do_not_fit(book, text: str = sheets.NOT_LOADED) -> list[str]:
    """Live add-in cells (they show ``text`` without the add-in) whose column is too narrow for it, or
    that are not right-aligned as the numbers they stand for (left, the text reads as the next column's)."""
    wrong = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and "IFERROR(" in cell.value and f'"{text}"' in cell.value):
                    continue
                if column_width(ws, cell.column) < len(text) + 1:
                    wrong.append(f"{ws.title}!{cell.coordinate}: column too narrow for {text!r}")
                if cell.alignment.horizontal != "right":
                    wrong.append(f"{ws.title}!{cell.coordinate}: aligned {cell.alignment.horizontal!r}")
    return wrong


def colour_of(fill) -> str | None:
    """The RGB hex of a chart fill (openpyxl keeps a typed colour as text or as a colour object)."""
    if fill is None or fill.srgbClr is None:
        return None
    return fill.srgbClr if isinstance(fill.srgbClr, str) else fill.srgbClr.val


def chart_series_styles(chart) -> list[tuple[str | None, str | None, str | None]]:
    """(line colour, dash, marker) of each series of ``chart``: what tells its curves apart on paper."""
    styles = []
    for series in chart.series:
        line = series.graphicalProperties.line if series.graphicalProperties is not None else None
        colour = colour_of(line.solidFill) if line is not None else None
        dash = line.prstDash if line is not None else None
        marker = series.marker.symbol if series.marker is not None else None
        styles.append((colour, dash, marker))
    return styles


def print_area_columns(ws) -> tuple[int, int]:
    """First and last column of a sheet's print area."""
    area = ws.print_area.split("!")[-1].replace("$", "")
    first, last = area.split(":")
    return column_index_from_string(re.sub(r"\d", "", first)), column_index_from_string(re.sub(r"\d", "", last))
