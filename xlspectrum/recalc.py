"""Recalculate a workbook without Excel: LibreOffice headless, or the ``formulas`` package.

Both engines return a :class:`Recalculated`: the value of every cell after recalculation,
keyed ``"Sheet!A1"``.  :meth:`Recalculated.problems` lists formula cells left without a
value or holding an Excel error, so callers can fail loudly and name the cells.

LibreOffice runs with a fresh user profile per call (so no dialog, lock or setting of a
desktop profile interferes) configured to recalculate every formula on load, then writes
the recalculated values back to an .xlsx that openpyxl reads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

EXCEL_ERRORS = ("#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#N/A", "#NULL!", "Err:", "#SPILL!", "#CALC!")

# Calc setting "Recalculation on file load" for Excel 2007+ files: 0 = always recalculate
_RECALC_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class RecalculationError(RuntimeError):
    """The workbook could not be recalculated, or some formula cells did not get a value."""


@dataclass
class Recalculated:
    engine: str
    values: dict[str, Any]
    formula_cells: list[str] = field(default_factory=list)

    def value(self, sheet: str, coordinate: str) -> Any:
        return self.values.get(f"{sheet}!{coordinate}")

    def problems(self) -> dict[str, Any]:
        """Formula cells with no value or an error value, by ``Sheet!A1``."""
        found = {}
        for key in self.formula_cells:
            value = self.values.get(key)
            if value is None or (isinstance(value, str) and value.startswith(EXCEL_ERRORS)):
                found[key] = value
        return found

    def raise_for_problems(self, limit: int = 20) -> None:
        problems = self.problems()
        if problems:
            shown = ", ".join(f"{k}={v!r}" for k, v in list(problems.items())[:limit])
            more = f" and {len(problems) - limit} more" if len(problems) > limit else ""
            raise RecalculationError(f"{len(problems)} formula cells have no value or an error ({self.engine}): {shown}{more}")


def _formula_cells(path: Path) -> list[str]:
    book = load_workbook(path)
    return [
        f"{ws.title}!{c.coordinate}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculate_libreoffice(path: str | os.PathLike[str], timeout: float = 600) -> Recalculated:
    """Recalculate with LibreOffice headless in a fresh profile; read the values back."""
    source = Path(path).resolve()
    soffice = soffice_path()
    if soffice is None:
        raise RecalculationError("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory(prefix="xlspectrum-lo-") as work:
        profile = Path(work) / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ON_LOAD, encoding="utf-8")
        out = Path(work) / "out"
        out.mkdir()
        command = [
            soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
            "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source),
        ]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env={**os.environ, "HOME": work})
        except subprocess.TimeoutExpired as exc:
            raise RecalculationError(f"LibreOffice did not finish within {timeout:.0f} s") from exc
        produced = out / (source.stem + ".xlsx")
        if run.returncode != 0 or not produced.exists():
            raise RecalculationError(f"LibreOffice failed (exit {run.returncode}): {run.stderr.strip() or run.stdout.strip()}")
        book = load_workbook(produced, data_only=True)
        values = {
            f"{ws.title}!{c.coordinate}": c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None
        }
    return Recalculated("libreoffice", values, _formula_cells(source))


def recalculate_formulas(path: str | os.PathLike[str]) -> Recalculated:
    """Recalculate with the ``formulas`` package, the add-in's functions registered."""
    from .formulas_engine import calculate

    source = Path(path).resolve()
    book = load_workbook(source)
    titles = {ws.title.upper(): ws.title for ws in book.worksheets}
    values = {}
    for key, value in calculate(source).items():
        sheet, coordinate = key.split("!", 1)
        values[f"{titles.get(sheet, sheet)}!{coordinate}"] = value
    return Recalculated("formulas", values, _formula_cells(source))


def recalculate(path: str | os.PathLike[str], engine: str = "auto") -> Recalculated:
    """Recalculate with ``engine`` = ``libreoffice``, ``formulas`` or ``auto`` (LibreOffice when installed)."""
    if engine == "auto":
        engine = "libreoffice" if soffice_path() else "formulas"
    if engine == "libreoffice":
        return recalculate_libreoffice(path)
    if engine == "formulas":
        return recalculate_formulas(path)
    raise ValueError(f"engine={engine!r} must be 'libreoffice', 'formulas' or 'auto'")
