"""Recalculation within bounds: archive size and entry limits, time limits that end every
process they started, and no temporary folder left behind (issue 21, section 3)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import requires_libreoffice
from xlspectrum.hosts import libreoffice
from xlspectrum import recalc
from xlspectrum.cli import main
from xlspectrum.core.files import MAX_ENTRIES, MAX_UNPACKED_MB, ArchiveError, check_archive
from xlspectrum.recalc import RecalculationError, check_workbook_file, run_with_time_limit

WORKBOOKS = sorted((Path(__file__).parents[2] / "workbooks").glob("*.xlsx"))


def _bomb(path: Path, megabytes: int) -> Path:
    """A workbook-shaped package whose one sheet unpacks to ``megabytes`` MB of zeros (about 1 KB a MB packed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(megabytes):
                sheet.write(bytes(1_000_000))
    return path


def _lying_bomb(path: Path, megabytes: int) -> Path:
    """A package whose headers say a part unpacks to 100 bytes, with the CRC of those 100 bytes,
    while its deflate stream unpacks to ``megabytes`` MB: zipfile reads and checks the 100 bytes only."""
    content = bytes(megabytes * 1_000_000)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
        package.writestr("xl/worksheets/sheet1.xml", content)
    data = bytearray(path.read_bytes())
    real_size, real_crc = len(content), zlib.crc32(content)
    small_crc = zlib.crc32(content[:100])
    for signature, crc_at, size_at in ((b"PK\x03\x04", 14, 22), (b"PK\x01\x02", 16, 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if int.from_bytes(data[start + size_at:start + size_at + 4], "little") == real_size:
                assert int.from_bytes(data[start + crc_at:start + crc_at + 4], "little") == real_crc
                data[start + crc_at:start + crc_at + 4] = small_crc.to_bytes(4, "little")
                data[start + size_at:start + size_at + 4] = (100).to_bytes(4, "little")
            start += 4
    path.write_bytes(bytes(data))
    return path


# ------------------------------------------------------------------------------ archive limits

@pytest.mark.parametrize("workbook", WORKBOOKS, ids=lambda p: p.name)
def test_the_committed_workbooks_are_far_inside_the_limits(workbook):
    check_archive(workbook)
    with zipfile.ZipFile(workbook) as package:
        assert sum(part.file_size for part in package.infolist()) < MAX_UNPACKED_MB * 1e6 / 100
        assert len(package.infolist()) < MAX_ENTRIES / 100


def test_a_zip_bomb_is_refused_unopened_naming_its_size_and_the_option(tmp_path):
    bomb = _bomb(tmp_path / "bomb.xlsx", 600)
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(ArchiveError, match=r"unpacks to more than 500 MB \(at least 6\d\d MB\).*--max-unpacked-mb"):
        check_archive(bomb)
    check_archive(bomb, max_unpacked_mb=700)  # raised by the user, the same file passes


def test_headers_that_understate_a_part_do_not_hide_it(tmp_path):
    bomb = _lying_bomb(tmp_path / "liar.xlsx", 30)
    with zipfile.ZipFile(bomb) as package:  # zipfile trusts the headers: it reads 100 bytes and finds them sound
        assert package.testzip() is None
        assert package.getinfo("xl/worksheets/sheet1.xml").file_size == 100
    with pytest.raises(ArchiveError, match="unpacks to more than 10 MB"):
        check_archive(bomb, max_unpacked_mb=10)
    with pytest.raises(ArchiveError, match="damaged workbook: xl/worksheets/sheet1.xml does not read back"):
        check_archive(bomb, max_unpacked_mb=100)


def test_too_many_parts_and_a_damaged_part_are_refused(tmp_path):
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as package:
        for number in range(MAX_ENTRIES + 1):
            package.writestr(f"xl/part{number}.xml", "")
    with pytest.raises(ArchiveError, match=f"holds {MAX_ENTRIES + 1:,} parts, more than the {MAX_ENTRIES:,}"):
        check_archive(many)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(damaged, "w", zipfile.ZIP_STORED) as package:
        package.writestr("xl/workbook.xml", "<workbook>original</workbook>")
    damaged.write_bytes(damaged.read_bytes().replace(b"original", b"ORIGINAL", 1))
    with pytest.raises(ArchiveError, match="damaged workbook: xl/workbook.xml does not read back"):
        check_archive(damaged)


@pytest.mark.parametrize("value", [0.5, float("nan"), float("inf"), -1, "big"])
def test_the_limit_itself_is_checked(tmp_path, value):
    with pytest.raises(ValueError, match="max_unpacked_mb"):
        check_workbook_file(WORKBOOKS[0], max_unpacked_mb=value)


@pytest.mark.parametrize("engine", ["formulas", pytest.param("libreoffice", marks=[requires_libreoffice, pytest.mark.libreoffice])])
def test_recalc_refuses_a_bomb_in_one_line_before_any_engine_starts(tmp_path, engine):
    bomb = _bomb(tmp_path / "bomb.xlsx", 600)
    result = CliRunner().invoke(main, ["recalc", str(bomb), "--engine", engine])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--max-unpacked-mb" in lines[0]
    with pytest.raises(RecalculationError, match="unpacks to more than 500 MB"):
        recalc.recalculate(bomb, engine)
    wrong = CliRunner().invoke(main, ["recalc", str(bomb), "--max-unpacked-mb", "nan"])
    assert wrong.exit_code == 2 and "'--max-unpacked-mb'" in wrong.output and "from 1 to 1,000,000" in wrong.output


# ------------------------------------------------------------------------------ time limits

def _sleep_after_writing_pid(pid_file: str, seconds: float) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(seconds)


def _fail() -> None:
    raise KeyError("a cell the engine could not read")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_the_time_limit_ends_the_child_process(tmp_path):
    pid_file = tmp_path / "pid"
    with pytest.raises(RecalculationError, match="the formulas engine did not finish within 1 s"):
        run_with_time_limit(_sleep_after_writing_pid, (str(pid_file), 300), 1, "the formulas engine")
    assert not recalc._alive(int(pid_file.read_text()))
    assert run_with_time_limit(divmod, (7, 2), 60, "arithmetic") == (3, 1)


def test_a_child_that_fails_or_dies_is_one_line(tmp_path):
    with pytest.raises(RecalculationError, match="^KeyError: 'a cell the engine could not read'$"):
        run_with_time_limit(_fail, (), 60, "the formulas engine")
    with pytest.raises(RecalculationError, match="the formulas engine stopped without a result .exit code -9"):
        run_with_time_limit(_die, (), 60, "the formulas engine")


def test_the_process_group_ends_with_the_launcher(tmp_path):
    """A launcher that leaves a child running (as soffice leaves soffice.bin) loses it at the limit."""
    pid_file = tmp_path / "grandchild"
    script = f"sleep 300 & echo $! > {pid_file}; wait"
    with pytest.raises(subprocess.TimeoutExpired):
        libreoffice.run_process_group(["sh", "-c", script], 1)
    grandchild = int(pid_file.read_text())
    for _ in range(50):
        if not recalc._alive(grandchild):
            break
        time.sleep(0.1)
    assert not recalc._alive(grandchild)


def test_a_killed_runs_folder_and_office_are_removed_by_the_next_run(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    abandoned = Path(tempfile.mkdtemp(prefix=recalc._WORK_PREFIX))
    (abandoned / recalc._WORK_MARKER).write_text(json.dumps({"made_by": "xlspectrum recalc", "pid": dead.pid}))
    office = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)",
                               f"-env:UserInstallation={(abandoned / 'profile').as_uri()}"])
    running = Path(tempfile.mkdtemp(prefix=recalc._WORK_PREFIX))  # another run, still alive: left alone
    (running / recalc._WORK_MARKER).write_text(json.dumps({"made_by": "xlspectrum recalc", "pid": os.getpid()}))
    unmarked = Path(tempfile.mkdtemp(prefix=recalc._WORK_PREFIX))  # not ours beyond doubt: left alone
    needle = (abandoned / "profile").as_uri().encode()
    for _ in range(100):  # the stand-in office shows its profile on its command line once it runs
        if needle in Path(f"/proc/{office.pid}/cmdline").read_bytes():
            break
        time.sleep(0.05)
    try:
        recalc._remove_abandoned_work_folders()
        assert not abandoned.exists()
        assert office.wait(10) == -signal.SIGKILL
        assert running.exists() and unmarked.exists()
    finally:
        office.kill()
        for folder in (abandoned, running, unmarked):
            subprocess.run(["rm", "-rf", str(folder)], check=True)


def _run_then_terminate(arguments: list[str], after: float) -> subprocess.CompletedProcess:
    """Run a command, and ``after`` seconds after it says it started recalculating, SIGTERM it
    (from its own progress line, not a fixed delay: a fast machine finishes a fixed delay's run)."""
    command = [sys.executable, "-c", "from xlspectrum.cli import main; main()", *arguments]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "recalculating" in line or "computing" in line:
            break
    time.sleep(after)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    stopped = subprocess.CompletedProcess(command, process.returncode, out, "".join(seen) + err)
    stopped.pid = process.pid  # type: ignore[attr-defined]
    return stopped


def _orphans() -> list[str]:
    """Processes left running on a work folder that no longer exists (another run's live office,
    on a folder that exists, is not ours to count)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        for match in re.finditer(r"file://(/\S*?" + re.escape(recalc._WORK_PREFIX) + r"[^/\s]+)/profile", line):
            if not Path(match.group(1)).exists():
                found.append(line)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["formulas", pytest.param("libreoffice", marks=[requires_libreoffice, pytest.mark.libreoffice])])
def test_sigterm_stops_a_recalculation_in_one_line_leaving_nothing_behind(engine):
    thesis = next(workbook for workbook in WORKBOOKS if "thesis" in workbook.name)
    stopped = _run_then_terminate(["recalc", str(thesis), "--engine", engine], after=2)
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr
    assert stopped.stderr.strip().splitlines()[-1] == "error: stopped by SIGTERM"
    assert "Traceback" not in stopped.stderr
    time.sleep(1)
    assert _orphans() == []
    left = [folder for folder in Path(tempfile.gettempdir()).glob(recalc._WORK_PREFIX + "*")
            if f'"pid": {stopped.pid}' in _text_or_empty(folder / recalc._WORK_MARKER)]
    assert left == []  # the stopped run's folder is gone (other runs' folders are theirs)


def _text_or_empty(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def test_the_docs_state_the_limits_the_code_applies():
    from xlspectrum.core.files import UNPACKED_MB_LIMITS

    text = " ".join((Path(__file__).parents[2] / "docs" / "hosts.md").read_text(encoding="utf-8").split())
    assert f"unpacks to more than {MAX_UNPACKED_MB:,.0f} MB, or holds more than {MAX_ENTRIES:,} parts" in text
    low, high = UNPACKED_MB_LIMITS
    assert f"from {low:,.0f} MB to {high:,.0f} MB" in text
    sizes = [sum(part.file_size for part in zipfile.ZipFile(w).infolist()) for w in WORKBOOKS]
    parts = [len(zipfile.ZipFile(w).infolist()) for w in WORKBOOKS]
    assert max(sizes) < 2e6 and max(parts) < 60 and "unpack to under 2 MB in under 60 parts" in text


def test_an_inputs_file_that_is_a_zip_bomb_is_refused_unopened(tmp_path):
    from xlspectrum.workbooks.inputs_file import InputsFileError, read_inputs

    bomb = _bomb(tmp_path / "inputs.xlsx", 600)
    with pytest.raises(InputsFileError, match="unpacks to more than 500 MB"):
        read_inputs(bomb)
    result = CliRunner().invoke(main, ["value", "--inputs", str(bomb)])
    assert result.exit_code == 1 and "unpacks to more than 500 MB" in result.output
