"""The register's holdings as files: CSV, and an xlsx sheet in the house style of the generated workbooks.

Text a user gave (holder names, area names, licences) stays text in both: in CSV a value
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a
single quote, as OWASP's guidance on CSV injection says, so no spreadsheet reads it as a
formula; in xlsx it is written as a string cell, never a formula.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pandas as pd
from openpyxl import Workbook

from xlspectrum.workbooks import style
from xlspectrum.core.files import FORMULA_STARTS, csv_text, ooxml_text, text_cell
from xlspectrum.register.canonical import decimal_text
from xlspectrum.workbooks.package import FIXED_DATE

__all__ = ["FORMULA_STARTS", "csv_text", "holdings_csv", "holdings_xlsx", "ooxml_text"]

#: The columns written, with their headers
COLUMNS = {"token": "token", "holder": "holder", "user": "user at the time", "band_low_mhz": "band low [MHz]",
           "band_high_mhz": "band high [MHz]", "paired_offset_mhz": "paired offset [MHz]", "mhz": "spectrum [MHz]",
           "x_min_km": "x min [km]", "y_min_km": "y min [km]", "x_max_km": "x max [km]", "y_max_km": "y max [km]",
           "start_h": "start [h]", "end_h": "end [h]", "limit_dbm_per_mhz": "limit [dBm/MHz]", "exclusive": "exclusive",
           "area_name": "area", "licences": "licences", "since_entry": "since entry"}
TEXT_COLUMNS = ("token", "holder", "user", "area_name", "licences")


def _csv_cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if column in TEXT_COLUMNS:
        return csv_text(str(value))
    return str(value)


def holdings_csv(table: pd.DataFrame) -> bytes:
    """The holdings as CSV (UTF-8, exact decimals, texts that cannot become formulas)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180's CRLF: a field holding a CR or LF is then quoted
    writer.writerow(COLUMNS.values())
    for record in table.to_dict("records"):
        writer.writerow(_csv_cell(column, record[column]) for column in COLUMNS)
    return buffer.getvalue().encode("utf-8")


def holdings_xlsx(table: pd.DataFrame, *, register_id: str, head_seq: int, head_hash: str, at_h: Any = None) -> bytes:
    """The holdings as an xlsx workbook: a Holdings sheet and the Checks sheet, in the house style."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Holdings"
    when = "" if at_h is None else f" valid at {decimal_text(Decimal(str(at_h)))} h"
    style.title(ws, "Holdings of the register", f"Register {register_id[:16]}..., as of entry {head_seq} "
                                                  f"(sha256:{head_hash}); live tokens{when}. Values, not formulas: "
                                                  "`xlspectrum register verify` checks them against the log.")
    first = 6
    style.header(ws, first - 1, list(COLUMNS.values()))
    for r, record in enumerate(table.to_dict("records"), first):
        for c, column in enumerate(COLUMNS, 1):
            value = record[column]
            cell = ws.cell(r, c)
            if value is None:
                continue
            if isinstance(value, Decimal):
                cell.value = float(value)
            elif isinstance(value, (bool, int, float)):
                cell.value = value
            else:
                text_cell(cell, ooxml_text(str(value)))  # a string cell even when it starts with "=": never a formula
    for c, width in enumerate([66, 14, 14] + [11] * 12 + [14, 24, 28, 10], 1):
        ws.column_dimensions[ws.cell(first, c).column_letter].width = width
    ws.freeze_panes = ws.cell(first, 2)
    last = first + len(table) - 1
    count = f"COUNTA(Holdings!$A${first}:$A${max(last, first)})"
    checks = [(f"Tokens listed equal the register's live tokens ({len(table)})", f"={count}={len(table)}")]
    mhz = sum((Decimal(str(v)) for v in table["mhz"]), Decimal(0))
    reproductions = [(f"Spectrum listed [MHz] (the register: {decimal_text(mhz)})",
                      f"=SUM(Holdings!$G${first}:$G${max(last, first)})")]
    style.write_checks_sheet(wb, checks, reproductions, 1e-9, "Figures")
    wb.properties.created = wb.properties.modified = FIXED_DATE
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
