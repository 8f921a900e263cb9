"""Recalculate a workbook without Excel: LibreOffice headless, or the ``formulas`` package.

Both engines return a :class:`Recalculated`: the value of every cell after recalculation,
keyed ``"Sheet!A1"``, and which formula cells hold an Excel error value.
:meth:`Recalculated.problems` lists formula cells left without a value or holding an
error, so callers can fail loudly and name the cells.  A formula that returns the empty
text ``""`` has a value; a text that merely starts with ``#`` is not an error.

LibreOffice runs with a fresh user profile per call (so no dialog, lock or setting of a
desktop profile interferes) configured to recalculate every formula on load and to run
no macro a workbook carries; it writes the recalculated workbook (formulas and cached
values) back to an .xlsx that openpyxl reads.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from openpyxl import load_workbook

from . import libreoffice
from ._validation import check_range

#: How long either engine may take before it is stopped [s].
DEFAULT_TIMEOUT_S = 600.0
#: The time limits allowed [s]: at least a second, at most a day (``--timeout`` gives the same range).
TIMEOUT_LIMITS_S = (1.0, 86_400.0)

# Calc settings: always recalculate Excel 2007+ and ODF files on load; never run macros
# (security level 3 = very high: only macros from trusted locations, of which there are none).
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


class RecalculationError(RuntimeError):
    """The workbook could not be recalculated, or some formula cells did not get a value."""


@dataclass
class Recalculated:
    engine: str
    values: dict[str, Any]
    formula_cells: list[str] = field(default_factory=list)
    #: formula cells whose value is an Excel error (#DIV/0!, #NAME?, ...), by ``Sheet!A1``
    errors: set[str] = field(default_factory=set)
    #: the recalculated workbook as an .xlsx (formulas with cached values), when the engine gives one
    xlsx: bytes | None = None

    def value(self, sheet: str, coordinate: str) -> Any:
        return self.values.get(f"{sheet}!{coordinate}")

    def problems(self) -> dict[str, Any]:
        """Formula cells with no value or an error value, by ``Sheet!A1``."""
        return {
            key: self.values.get(key)
            for key in self.formula_cells
            if key in self.errors or key not in self.values
        }

    def raise_for_problems(self, limit: int = 20) -> None:
        problems = self.problems()
        if problems:
            shown = ", ".join(f"{k}={v!r}" for k, v in list(problems.items())[:limit])
            more = f" and {len(problems) - limit} more" if len(problems) > limit else ""
            raise RecalculationError(f"{len(problems)} formula cells have no value or an error ({self.engine}): {shown}{more}")


def check_workbook_file(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` if it is an .xlsx/.xlsm workbook openpyxl can read; else raise naming what it is."""
    from .files import describe_input

    source = Path(path)
    if source.is_dir():
        raise RecalculationError(f"{source} is a folder, not a workbook")
    if not source.exists():
        raise RecalculationError(f"{source} does not exist")
    wrong = describe_input(source)  # a FIFO or a device: opening it could wait for ever
    if wrong is not None:
        raise RecalculationError(f"{wrong}, not a workbook")
    if source.stat().st_size == 0:
        raise RecalculationError(f"{source} is empty (0 bytes), not a workbook")
    if not zipfile.is_zipfile(source):
        raise RecalculationError(f"{source} is not an .xlsx workbook (not a zip package: truncated, or another format)")
    try:
        with zipfile.ZipFile(source) as package:
            names = set(package.namelist())
            if "mimetype" in names and b"opendocument" in package.read("mimetype"):
                raise RecalculationError(
                    f"{source} is an OpenDocument spreadsheet (.ods); recalc reads Excel workbooks: save it as .xlsx first"
                )
            if "xl/workbook.xml" not in names:
                raise RecalculationError(f"{source} is a zip file but not an Excel workbook (no xl/workbook.xml)")
            bad = package.testzip()
    except zipfile.BadZipFile as exc:
        raise RecalculationError(f"{source} is a damaged workbook ({exc})") from exc
    if bad is not None:
        raise RecalculationError(f"{source} is a damaged workbook: {bad} does not read back")
    return source


def _read_cells(path: Path, data_only: bool) -> Iterator[tuple[str, Any, str]]:
    try:
        book = load_workbook(path, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise RecalculationError(f"{path.name} cannot be read as a workbook: {type(exc).__name__}: {exc}") from exc
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                yield f"{ws.title}!{cell.coordinate}", cell.value, cell.data_type


def _formula_cells(path: Path) -> list[str]:
    """Formula cells, by ``Sheet!A1``: a text cell whose text starts with ``=`` is text, not a formula."""
    return [key for key, value, data_type in _read_cells(path, False)
            if data_type == "f" and isinstance(value, str) and value.startswith("=")]


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _read_libreoffice_output(produced: Path) -> tuple[dict[str, Any], set[str]]:
    values: dict[str, Any] = {}
    errors: set[str] = set()
    for key, value, data_type in _read_cells(produced, True):
        if data_type == "e":
            errors.add(key)
        if value is not None:
            values[key] = value
        elif data_type == "str":  # a formula whose cached value is the empty text ""
            values[key] = ""
    return values, errors


def recalculate_libreoffice(path: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT_S,
                            progress: Callable[[str], None] | None = None, with_addin: bool = False,
                            python_env: str | os.PathLike[str] | None = None) -> Recalculated:
    """Recalculate with LibreOffice headless in a fresh profile; read the values back.

    ``with_addin`` installs xlspectrum's functions (:mod:`xlspectrum.libreoffice`) in that
    profile first, so cells calling ``=COST231(...)`` compute; ``python_env`` is the
    environment LibreOffice's Python uses (default: ``XLSPECTRUM_LO_PYTHON_ENV``).
    """
    timeout = _checked_timeout(timeout)
    source = check_workbook_file(path).resolve()
    soffice = soffice_path()
    if soffice is None:
        raise RecalculationError("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    formula_cells = _formula_cells(source)
    if progress:
        progress(f"LibreOffice: recalculating {len(formula_cells):,} formula cells (time limit {timeout:.0f} s)")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="xlspectrum-lo-") as work:
        profile = Path(work) / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
        environment = [f"-env:UserInstallation={profile.as_uri()}"]
        lo_python_env = None
        if with_addin:
            lo_python_env = _addin_python_env(python_env, source, progress)
            environment = _install_addin(soffice, profile, Path(work), lo_python_env, timeout, progress)
        out = Path(work) / "out"
        out.mkdir()
        # copy under a plain name: soffice names its output after the input
        staged = Path(work) / "in" / "workbook.xlsx"
        staged.parent.mkdir()
        shutil.copyfile(source, staged)
        command = [
            soffice, *environment, "--headless", "--norestore", "--nolockcheck",
            "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(staged),
        ]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                 env=libreoffice.process_environment(work, lo_python_env))
        except subprocess.TimeoutExpired as exc:
            raise RecalculationError(f"LibreOffice did not finish within {timeout:.0f} s") from exc
        produced = out / "workbook.xlsx"
        if run.returncode != 0 or not produced.exists():
            message = " ".join((run.stderr.strip() or run.stdout.strip() or "no output").split())
            raise RecalculationError(f"LibreOffice could not recalculate {source.name} (exit {run.returncode}): {message}")
        values, errors = _read_libreoffice_output(produced)
        xlsx = produced.read_bytes()
    if progress:
        progress(f"LibreOffice: done in {time.monotonic() - started:.1f} s")
    return Recalculated("libreoffice" + (" with the xlspectrum add-in" if with_addin else ""), values, formula_cells,
                        errors, xlsx)


def _checked_timeout(timeout: Any) -> float:
    """``timeout`` as a finite number of seconds within :data:`TIMEOUT_LIMITS_S`, or a ValueError naming it."""
    return float(check_range("timeout", timeout, *TIMEOUT_LIMITS_S, unit="s"))


def _addin_python_env(python_env: Any, workbook: Path | None = None,
                      progress: Callable[[str], None] | None = None) -> Path:
    """The environment of LibreOffice's Python the add-in imports xlspectrum from: ``python_env``,
    else ``XLSPECTRUM_LO_PYTHON_ENV``, else the one made on first use in the cache folder with the
    extras ``workbook``'s functions need (:func:`xlspectrum.libreoffice.cached_python_env`)."""
    try:
        env = libreoffice.python_env(python_env)
        if env is None:
            extras = libreoffice.extras_for_workbook(workbook) if workbook is not None else ()
            env = libreoffice.cached_python_env(extras, progress)
    except libreoffice.AddinError as error:
        raise RecalculationError(str(error)) from error
    return env


def _install_addin(soffice: str, profile: Path, work: Path, env: Path, timeout: float,
                   progress: Callable[[str], None] | None) -> list[str]:
    """Start the fresh profile once, then add the Basic module and the extension to it."""
    environment = libreoffice.profile_environment(profile)
    if progress:
        progress(f"LibreOffice: installing the xlspectrum functions in a fresh profile (Python from {env})")
    try:
        # the first start lays out the profile (it would overwrite a Basic library written before it)
        subprocess.run([soffice, *environment, "--headless", "--norestore", "--terminate_after_init"],
                       capture_output=True, text=True, timeout=timeout, env=libreoffice.process_environment(work, env))
        oxt = work / "xlspectrum.oxt"
        oxt.write_bytes(libreoffice.extension_bytes(env))
        libreoffice.install_into_profile(profile, oxt, timeout, env)
    except subprocess.TimeoutExpired as exc:
        raise RecalculationError(f"LibreOffice did not start within {timeout:.0f} s") from exc
    except libreoffice.AddinError as error:
        raise RecalculationError(str(error)) from error
    return environment


@contextlib.contextmanager
def _time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise RecalculationError after ``seconds`` (POSIX, main thread; elsewhere no limit)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise RecalculationError(f"{what} did not finish within {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def recalculate_formulas(path: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT_S,
                         progress: Callable[[str], None] | None = None) -> Recalculated:
    """Recalculate with the ``formulas`` package, the add-in's functions registered.

    ``progress`` receives a line at each stage (reading, computing, done) with the time
    taken; ``formulas`` reports nothing finer, so no percentage is invented.
    """
    from .formulas_engine import calculate

    timeout = _checked_timeout(timeout)
    source = check_workbook_file(path).resolve()
    formula_cells = _formula_cells(source)
    titles = {key.split("!")[0].upper(): key.split("!")[0] for key in formula_cells}
    if progress:
        progress(f"formulas: reading and computing {len(formula_cells):,} formula cells "
                 f"(about 4 ms a cell on a 2-core machine; time limit {timeout:.0f} s)")
    started = time.monotonic()
    with _time_limit(timeout, "the formulas engine"):
        try:
            computed, error_keys = calculate(source)
        except RecalculationError:
            raise
        except Exception as exc:  # formulas raises many kinds on formulas it cannot read
            raise RecalculationError(f"the formulas engine could not evaluate {source.name}: {type(exc).__name__}: {exc}") from exc
    values: dict[str, Any] = {}
    errors: set[str] = set()
    for key, value in computed.items():
        sheet, coordinate = key.split("!", 1)
        name = f"{titles.get(sheet, sheet)}!{coordinate}"
        if key in error_keys:
            errors.add(name)
        if value is not None:
            values[name] = value
    if progress:
        progress(f"formulas: done in {time.monotonic() - started:.1f} s")
    return Recalculated("formulas", values, formula_cells, errors)


def recalculate(path: str | os.PathLike[str], engine: str = "auto", timeout: float = DEFAULT_TIMEOUT_S,
                progress: Callable[[str], None] | None = None, with_addin: bool = False,
                python_env: str | os.PathLike[str] | None = None) -> Recalculated:
    """Recalculate with ``engine`` = ``libreoffice``, ``formulas`` or ``auto`` (LibreOffice when installed).

    ``with_addin`` (LibreOffice) installs xlspectrum's functions in the run's profile; the
    ``formulas`` engine always has them registered.
    """
    if engine == "auto":
        engine = "libreoffice" if soffice_path() else "formulas"
    if engine == "libreoffice":
        return recalculate_libreoffice(path, timeout, progress, with_addin, python_env)
    if engine == "formulas":
        return recalculate_formulas(path, timeout, progress)
    raise ValueError(f"engine={engine!r} must be 'libreoffice', 'formulas' or 'auto'")


def values_only_workbook(path: str | os.PathLike[str], recalculated: Recalculated) -> bytes:
    """The workbook at ``path`` with each formula replaced by its recalculated value (for ``formulas``).

    Text stays text: a text cell is left as it is, and a formula whose value is a text that
    starts with ``=`` (``=HYPERLINK(...)``) becomes a string cell, never a live formula.
    """
    import io

    from openpyxl.worksheet.formula import ArrayFormula

    from .files import text_cell

    def put(cell: Any, value: Any) -> None:
        if isinstance(value, str):
            text_cell(cell, value)
        else:
            cell.value = value

    book = load_workbook(path)
    for ws in book.worksheets:
        arrays = []
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, ArrayFormula):
                    arrays.append(cell.value.ref)
                elif cell.data_type == "f" and isinstance(cell.value, str) and cell.value.startswith("="):
                    put(cell, recalculated.values.get(f"{ws.title}!{cell.coordinate}"))
        for ref in arrays:  # every cell an array formula fills gets its own value
            for row in ws[ref]:
                for cell in row:
                    put(cell, recalculated.values.get(f"{ws.title}!{cell.coordinate}"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
