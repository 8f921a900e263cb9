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
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from openpyxl import load_workbook

from xlspectrum.hosts import libreoffice
from xlspectrum.core.validation import check_range
from xlspectrum.core.files import MAX_UNPACKED_MB, UNPACKED_MB_LIMITS, exit_on_termination

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


def check_workbook_file(path: str | os.PathLike[str], max_unpacked_mb: float = MAX_UNPACKED_MB) -> Path:
    """Return ``path`` if it is an .xlsx/.xlsm workbook openpyxl can read; else raise naming what it is.

    A package that would unpack beyond ``max_unpacked_mb`` [MB], or holds more parts than a
    workbook does, is refused before any engine opens it (:func:`xlspectrum.core.files.check_archive`).
    """
    from xlspectrum.core.files import ArchiveError, check_archive, describe_input

    max_unpacked_mb = float(check_range("max_unpacked_mb", max_unpacked_mb, *UNPACKED_MB_LIMITS, unit="MB"))
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
        # sizes first: reading even the mimetype part of a crafted package could unpack without bound
        check_archive(source, max_unpacked_mb)
        if "mimetype" in names:
            with zipfile.ZipFile(source) as package:
                if b"opendocument" in package.read("mimetype"):
                    raise RecalculationError(
                        f"{source} is an OpenDocument spreadsheet (.ods); recalc reads Excel workbooks: save it as .xlsx first")
        if "xl/workbook.xml" not in names:
            raise RecalculationError(f"{source} is a zip file but not an Excel workbook (no xl/workbook.xml)")
    except zipfile.BadZipFile as exc:
        raise RecalculationError(f"{source} is a damaged workbook ({exc})") from exc
    except ArchiveError as error:
        raise RecalculationError(str(error)) from error
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
                            python_env: str | os.PathLike[str] | None = None,
                            max_unpacked_mb: float = MAX_UNPACKED_MB) -> Recalculated:
    """Recalculate with LibreOffice headless in a fresh profile; read the values back.

    ``with_addin`` installs xlspectrum's functions (:mod:`xlspectrum.hosts.libreoffice`) in that
    profile first, so cells calling ``=COST231(...)`` compute; ``python_env`` is the
    environment LibreOffice's Python uses (default: ``XLSPECTRUM_LO_PYTHON_ENV``). At the time
    limit, or on SIGTERM/SIGHUP/Ctrl-C, LibreOffice's whole process group is ended and the
    run's temporary folder removed; a folder a killed run left behind is removed by the next run.
    """
    timeout = _checked_timeout(timeout)
    source = check_workbook_file(path, max_unpacked_mb).resolve()
    soffice = soffice_path()
    if soffice is None:
        raise RecalculationError("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    formula_cells = _formula_cells(source)
    if progress:
        progress(f"LibreOffice: recalculating {len(formula_cells):,} formula cells (time limit {timeout:.0f} s)")
    started = time.monotonic()
    with exit_on_termination(), _work_folder() as work:
        profile = fresh_profile(work)
        environment = libreoffice.profile_environment(profile)[:1]
        lo_python_env = None
        if with_addin:
            lo_python_env = _addin_python_env(python_env, source, progress)
            environment = _install_addin(soffice, profile, work, lo_python_env, timeout, progress)
        # copy under a plain name: soffice names its output after the input
        staged = work / "in" / "workbook.xlsx"
        staged.parent.mkdir()
        shutil.copyfile(source, staged)
        run, produced = convert_to_xlsx(soffice, environment, staged, timeout, libreoffice.process_environment(work, lo_python_env))
        if run.returncode != 0 or not produced.exists():
            message = " ".join((run.stderr.strip() or run.stdout.strip() or "no output").split())
            raise RecalculationError(f"LibreOffice could not recalculate {source.name} (exit {run.returncode}): {message}")
        values, errors = _read_libreoffice_output(produced)
        xlsx = produced.read_bytes()
    if progress:
        progress(f"LibreOffice: done in {time.monotonic() - started:.1f} s")
    return Recalculated("libreoffice" + (" with the xlspectrum add-in" if with_addin else ""), values, formula_cells,
                        errors, xlsx)


def fresh_profile(work: Path, settings: str = _PROFILE_SETTINGS) -> Path:
    """A new LibreOffice user profile in ``work``, holding ``settings`` (a registrymodifications.xcu text)."""
    profile = work / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(settings, encoding="utf-8")
    return profile


def convert_to_xlsx(soffice: str, environment: list[str], staged: Path, timeout: float,
                    env: dict[str, str]) -> tuple[subprocess.CompletedProcess, Path]:
    """Have LibreOffice open ``staged`` headless (recalculating as the profile says) and save it as an .xlsx
    in a folder beside it; return the run and the path the output has when it succeeded.

    LibreOffice opens a file it converts hidden and, as observed on 7.4, runs none of its macros
    whatever the profile allows; the profile's macro settings (:data:`_PROFILE_SETTINGS`) stop them
    in a load that would (tests/recalc/test_macros.py shows both, with a macro that does run as control).
    """
    out = staged.parent.parent / "out"
    out.mkdir(exist_ok=True)
    command = [soffice, *environment, "--headless", "--norestore", "--nolockcheck",
               "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(staged)]
    try:
        run = libreoffice.run_process_group(command, timeout, env)
    except subprocess.TimeoutExpired as exc:
        raise RecalculationError(f"LibreOffice did not finish within {timeout:.0f} s") from exc
    return run, out / (staged.stem + ".xlsx")


#: Our temporary folders start with this; :data:`_WORK_MARKER` inside one says it is ours beyond doubt.
_WORK_PREFIX = "xlspectrum-lo-"
#: The file in each work folder that names the run (process id) that made it.
_WORK_MARKER = "xlspectrum-recalc-run.json"


@contextlib.contextmanager
def _work_folder() -> Iterator[Path]:
    """A temporary folder for one LibreOffice run, marked as ours, removed when the block ends."""
    _remove_abandoned_work_folders()
    with tempfile.TemporaryDirectory(prefix=_WORK_PREFIX) as work:
        (Path(work) / _WORK_MARKER).write_text(json.dumps({"made_by": "xlspectrum recalc", "pid": os.getpid()}),
                                               encoding="utf-8")
        yield Path(work)


def _remove_abandoned_work_folders() -> None:
    """Remove the work folders of runs that were killed (SIGKILL leaves no chance to clean up), after
    ending any LibreOffice still running on their profile; a folder counts only if it holds our
    marker and the process it names is gone."""
    for folder in Path(tempfile.gettempdir()).glob(_WORK_PREFIX + "*"):
        try:
            record = json.loads((folder / _WORK_MARKER).read_text(encoding="utf-8"))
            pid = int(record["pid"]) if record.get("made_by") == "xlspectrum recalc" else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
        if pid is None or _alive(pid):
            continue
        _end_processes_using(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, killed but not yet reaped by its parent, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _end_processes_using(folder: Path) -> None:
    """Kill the processes (Linux: read from /proc) whose command line names ``folder``'s profile."""
    needle = (folder / "profile").as_uri().encode()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (entry / "cmdline").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue


def _checked_timeout(timeout: Any) -> float:
    """``timeout`` as a finite number of seconds within :data:`TIMEOUT_LIMITS_S`, or a ValueError naming it."""
    return float(check_range("timeout", timeout, *TIMEOUT_LIMITS_S, unit="s"))


def _addin_python_env(python_env: Any, workbook: Path | None = None,
                      progress: Callable[[str], None] | None = None) -> Path:
    """The environment of LibreOffice's Python the add-in imports xlspectrum from: ``python_env``,
    else ``XLSPECTRUM_LO_PYTHON_ENV``, else the one made on first use in the cache folder with the
    extras ``workbook``'s functions need (:func:`xlspectrum.hosts.libreoffice.cached_python_env`)."""
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
    """Start the fresh profile once, then add the extension to it (its start-up job puts the Basic module
    in the profile's Standard library when LibreOffice next starts)."""
    environment = libreoffice.profile_environment(profile)
    if progress:
        progress(f"LibreOffice: installing the xlspectrum functions in a fresh profile (Python from {env})")
    try:
        # the first start lays out the profile
        libreoffice.run_process_group([soffice, *environment, "--headless", "--norestore", "--terminate_after_init"],
                                      timeout, libreoffice.process_environment(work, env))
        oxt = work / "xlspectrum.oxt"
        oxt.write_bytes(libreoffice.extension_bytes())
        libreoffice.install_into_profile(profile, oxt, timeout, env)
    except subprocess.TimeoutExpired as exc:
        raise RecalculationError(f"LibreOffice did not start within {timeout:.0f} s") from exc
    except libreoffice.AddinError as error:
        raise RecalculationError(str(error)) from error
    return environment


def run_with_time_limit(function: Callable[..., Any], args: tuple, seconds: float, what: str) -> Any:
    """``function(*args)`` computed in a child process, ended at ``seconds`` [s] whatever it is doing
    (a signal-based limit cannot stop a C extension mid-call, nor run outside the main thread).

    Raises :class:`RecalculationError` naming ``what`` at the time limit, when the child dies
    (out of memory, killed) or with the text of the error it raised.
    """
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, function, args), daemon=True)
    with exit_on_termination():
        child.start()
        sender.close()
        try:
            if not receiver.poll(seconds):
                raise RecalculationError(f"{what} did not finish within {seconds:.0f} s")
            try:
                outcome, payload = receiver.recv()
            except EOFError:
                child.join(5)
                raise RecalculationError(f"{what} stopped without a result (exit code {child.exitcode}: out of memory or killed)") from None
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            receiver.close()
    if outcome != "value":
        raise RecalculationError(payload)
    return payload


def _child(sender: Any, function: Callable[..., Any], args: tuple) -> None:
    try:
        outcome = ("value", function(*args))
    except RecalculationError as error:
        outcome = ("error", str(error))
    except BaseException as error:  # noqa: BLE001 - reported to the parent as one line
        outcome = ("error", f"{type(error).__name__}: {error}")
    try:
        try:
            sender.send(outcome)
        except Exception as error:  # noqa: BLE001 - a value that cannot be pickled: say so rather than vanish
            sender.send(("error", f"the result could not be passed back ({type(error).__name__}: {error})"))
    finally:
        sender.close()
        os._exit(0)  # a forked child must not run the parent's exit handlers (pytest's, atexit's)


def _calculate_or_explain(source: Path) -> Any:
    from xlspectrum.hosts.formulas_engine import calculate

    try:
        return calculate(source)
    except RecalculationError:
        raise
    except Exception as exc:  # formulas raises many kinds on formulas it cannot read
        raise RecalculationError(f"the formulas engine could not evaluate {source.name}: {type(exc).__name__}: {exc}") from exc


def recalculate_formulas(path: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT_S,
                         progress: Callable[[str], None] | None = None,
                         max_unpacked_mb: float = MAX_UNPACKED_MB) -> Recalculated:
    """Recalculate with the ``formulas`` package, the add-in's functions registered, in a child
    process that is ended at the time limit (:func:`run_with_time_limit`).

    ``progress`` receives a line at each stage (reading, computing, done) with the time
    taken; ``formulas`` reports nothing finer, so no percentage is invented.
    """
    timeout = _checked_timeout(timeout)
    source = check_workbook_file(path, max_unpacked_mb).resolve()
    formula_cells = _formula_cells(source)
    titles = {key.split("!")[0].upper(): key.split("!")[0] for key in formula_cells}
    if progress:
        progress(f"formulas: reading and computing {len(formula_cells):,} formula cells "
                 f"(about 4 ms a cell on a 2-core machine; time limit {timeout:.0f} s)")
    started = time.monotonic()
    computed, error_keys = run_with_time_limit(_calculate_or_explain, (source,), timeout, "the formulas engine")
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
                python_env: str | os.PathLike[str] | None = None,
                max_unpacked_mb: float = MAX_UNPACKED_MB) -> Recalculated:
    """Recalculate with ``engine`` = ``libreoffice``, ``formulas`` or ``auto`` (LibreOffice when installed).

    ``with_addin`` (LibreOffice) installs xlspectrum's functions in the run's profile; the
    ``formulas`` engine always has them registered. ``max_unpacked_mb`` [MB] is the largest size
    the workbook may unpack to (:func:`check_workbook_file`).
    """
    if engine == "auto":
        engine = "libreoffice" if soffice_path() else "formulas"
    if engine == "libreoffice":
        return recalculate_libreoffice(path, timeout, progress, with_addin, python_env, max_unpacked_mb)
    if engine == "formulas":
        return recalculate_formulas(path, timeout, progress, max_unpacked_mb)
    raise ValueError(f"engine={engine!r} must be 'libreoffice', 'formulas' or 'auto'")


def values_only_workbook(path: str | os.PathLike[str], recalculated: Recalculated) -> bytes:
    """The workbook at ``path`` with each formula replaced by its recalculated value (for ``formulas``).

    Text stays text: a text cell is left as it is, and a formula whose value is a text that
    starts with ``=`` (``=HYPERLINK(...)``) becomes a string cell, never a live formula.
    """
    import io

    from openpyxl.worksheet.formula import ArrayFormula

    from xlspectrum.core.files import text_cell

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
