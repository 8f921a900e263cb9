"""How a workbook becomes a file: document properties that mark it, print set-up, the xlwings
configuration sheet, and bytes that are identical for identical workbooks (atomic, locked writes)."""

from __future__ import annotations

import datetime
import io
import os
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from xlspectrum.core.files import write_file
from xlspectrum.workbooks.style import name_fonts

__all__ = ["FIXED_DATE", "PAGE_WIDTH_CHARACTERS", "add_xlwings_conf", "has_marker", "print_setup", "save_atomically",
           "stamp", "workbook_bytes"]

#: Document date of every generated workbook (the thesis' year), so builds are reproducible.
FIXED_DATE = datetime.datetime(2020, 1, 1)


#: characters of column width an A4 landscape page prints at a readable scale (about 7.5 pt)
PAGE_WIDTH_CHARACTERS = 210


def print_setup(wb: Workbook, max_pages_wide: int = 6) -> None:
    """Landscape A4, as many pages wide as a readable scale needs up to ``max_pages_wide`` (the
    label columns repeated on each), the header rows repeated, every font named: printouts and
    PDFs a person can read."""
    name_fonts(wb)
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        pages = 1
        if ws.title != "Cover":
            widths = [ws.column_dimensions[get_column_letter(c)].width or 13 for c in range(1, ws.max_column + 1)]
            labels = sum(widths[:2])
            while sum(widths) + (pages - 1) * labels > pages * PAGE_WIDTH_CHARACTERS and pages < max_pages_wide:
                pages += 1
            if pages > 1:
                ws.print_title_cols = "A:B"
        ws.page_setup.fitToWidth = pages
        if ws.freeze_panes and ws.title != "Cover":
            last_header = int("".join(ch for ch in ws.freeze_panes if ch.isdigit())) - 1
            if last_header >= 1:
                ws.print_title_rows = f"1:{last_header}"


def add_xlwings_conf(wb: Workbook) -> None:
    """The sheet that points the xlwings add-in at xlspectrum's functions (keys in A, values in B, no header)."""
    conf = wb.create_sheet("xlwings.conf")
    conf["A1"], conf["B1"] = "UDF Modules", "xlspectrum.excel"
    # hidden: xlwings still reads it, and it neither clutters the tabs nor prints as a page
    conf.sheet_state = "hidden"


def stamp(wb: Workbook, marker: str, title: str | None = None) -> None:
    """Document properties that mark a generated workbook, and recalculation on open."""
    # fixed document dates, so the same model always gives the same file content
    wb.properties.created = wb.properties.modified = FIXED_DATE
    wb.properties.creator = "xlspectrum"
    if title is not None:
        wb.properties.title = title
    wb.properties.keywords = marker
    wb.calculation.fullCalcOnLoad = True


def has_marker(path: str | os.PathLike[str], marker: str, sheets: set[str]) -> bool:
    """Whether a workbook carries ``marker`` in its keywords and has ``sheets`` (a model xlspectrum built)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return (book.properties.keywords or "") == marker and sheets <= set(book.sheetnames)
    finally:
        book.close()


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx file of ``wb``, byte-identical for identical workbooks.

    openpyxl stamps the save time into the document properties and every zip entry;
    both are replaced by :data:`FIXED_DATE`, so building the same model twice gives the
    same bytes (and the committed workbook stays clean in git).
    """
    raw = io.BytesIO()
    wb.save(raw)
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    return out.getvalue()


def save_atomically(wb: Workbook, path: str | os.PathLike[str], *, force: bool = True) -> Path:
    """Write ``wb`` to ``path`` through :func:`xlspectrum.core.files.write_file` (atomic, locked)."""
    write_file(path, workbook_bytes(wb), force=force)
    return Path(path)
