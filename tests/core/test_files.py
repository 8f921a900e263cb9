"""Nothing the user made is lost: builds never replace a different file, and are atomic."""

import os
import re
import signal
import threading
import time

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName

from xlspectrum.cli import main
from xlspectrum.core.files import MARKER, OutputError, _removed_on_termination, exclusive, same_package, write_file


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("build") / "model.xlsx"
    result = CliRunner().invoke(main, ["build", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def edit_comment(ws):
    ws["A1"].comment = Comment("mine", "me")


def edit_fill(ws):
    ws["A6"].fill = PatternFill("solid", fgColor="FF0000")


def edit_number_format(ws):
    ws["C8"].number_format = "0.000"


def edit_width(ws):
    ws.column_dimensions["A"].width = 12


def edit_tab_colour(ws):
    ws.sheet_properties.tabColor = "00FF00"


def edit_removed_validation(ws):
    ws.data_validations.dataValidation = ws.data_validations.dataValidation[1:]


def edit_value(ws):
    ws["A1"] = "My copy"


EDITS = [edit_comment, edit_fill, edit_number_format, edit_width, edit_tab_colour, edit_removed_validation, edit_value]


@pytest.mark.parametrize("edit", EDITS + ["defined name"], ids=lambda e: getattr(e, "__name__", e))
def test_build_refuses_to_replace_an_edited_workbook(built, tmp_path, edit):
    path = tmp_path / "model.xlsx"
    book = load_workbook(built)
    if edit == "defined name":
        book.defined_names["my_total"] = DefinedName("my_total", attr_text="Inputs!$C$8")
    else:
        edit(book["Inputs"])
    book.save(path)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["build", "-o", str(path)])
    assert result.exit_code != 0 and "exists and differs" in result.stderr
    assert path.read_bytes() == before
    forced = CliRunner().invoke(main, ["build", "-o", str(path), "--force"])
    assert forced.exit_code == 0 and same_package(path.read_bytes(), built.read_bytes())


def test_the_same_build_gives_the_same_bytes_and_leaves_the_file_alone(built, tmp_path):
    path = tmp_path / "model.xlsx"
    path.write_bytes(built.read_bytes())
    os.utime(path, (1_000_000_000, 1_000_000_000))
    result = CliRunner().invoke(main, ["build", "-o", str(path)])
    assert result.exit_code == 0 and "Up to date" in result.output
    assert path.stat().st_mtime == 1_000_000_000
    second = tmp_path / "again.xlsx"
    CliRunner().invoke(main, ["build", "-o", str(second)])
    assert second.read_bytes() == built.read_bytes()


def test_a_second_writer_waits_for_nobody_and_replaces_nothing(tmp_path):
    target = tmp_path / "model.xlsx"
    target.write_bytes(b"first")
    with exclusive(target):
        with pytest.raises(OutputError, match="being written by another xlspectrum command"):
            write_file(target, b"second", force=True)
    assert target.read_bytes() == b"first"
    assert write_file(target, b"second", force=True) and target.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.xlsx"]


def test_two_builds_at_once_never_replace_each_others_different_file(tmp_path):
    target = tmp_path / "model.xlsx"
    outcomes = []

    def write(content):
        try:
            outcomes.append(("wrote", write_file(target, content)))
        except OutputError as error:
            outcomes.append(("refused", str(error)))

    threads = [threading.Thread(target=write, args=(bytes([i]) * 100_000,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    written = [o for o in outcomes if o[0] == "wrote"]
    assert len(written) == 1  # one wins; every other is refused, never silently replacing it
    assert len(set(target.read_bytes())) == 1


def test_temporary_files_of_a_killed_build_are_removed(tmp_path):
    """A writer killed with SIGKILL leaves its lock file naming its temporary file: the next writer removes that file."""
    import subprocess
    import sys

    target = tmp_path / "model.xlsx"
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "import xlspectrum.core.files as files\n"
        "def killed(self, data):\n"
        "    open(self, 'wb').write(data[:10])\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "Path.write_bytes = killed\n"
        "files.write_file(sys.argv[1], b'x' * 1000)\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, timeout=60)
    assert run.returncode == -signal.SIGKILL, run.stderr
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(left) == 2 and any(name.endswith(".lock") for name in left), left  # the lock and half a file
    write_file(target, b"content")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.xlsx"] and target.read_bytes() == b"content"


@pytest.mark.parametrize("name", [
    ".model.xlsx.backup.tmp", ".model.xlsx.99999.tmp", ".model.xlsx.1.tmp", ".model.xlsx.lock",
    f".model.xlsx.{MARKER}-1-0123456789abcdef.tmp",  # our form, but no lock file recorded it
])
def test_a_users_file_named_like_a_temporary_file_is_kept(tmp_path, name):
    target = tmp_path / "model.xlsx"
    mine = tmp_path / name
    mine.write_bytes(b"mine")
    write_file(target, b"content")
    write_file(target, b"other", force=True)
    assert mine.read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["model.xlsx", name])


def test_a_target_name_with_pattern_characters_touches_no_other_builds_files(tmp_path):
    """`-o 'local[AB].xlsx'` as a glob also matches `.localA.xlsx...`: nothing of that other file is touched."""
    other = tmp_path / f".localA.xlsx.{MARKER}-777-0123456789abcdef.tmp"
    other.write_bytes(b"another build's half-written file")
    other_lock = tmp_path / f".localA.xlsx.{MARKER}.lock"
    other_lock.write_text(f"{MARKER} {other.name}\n")
    for name in ("local[AB].xlsx", "local*.xlsx", "local?.xlsx"):
        write_file(tmp_path / name, b"content")
    assert other.read_bytes() == b"another build's half-written file" and other_lock.exists()


def test_a_lock_file_naming_anything_else_removes_nothing(tmp_path):
    """A lock file whose recorded name is not our temporary file of this target (edited, or a path) is ignored."""
    target = tmp_path / "model.xlsx"
    keep = [tmp_path / "precious.xlsx", tmp_path / ".model.xlsx.backup.tmp"]
    for path in keep:
        path.write_bytes(b"mine")
    for recorded in ("precious.xlsx", ".model.xlsx.backup.tmp", f"../{tmp_path.name}/precious.xlsx",
                     f".other.xlsx.{MARKER}-1-0123456789abcdef.tmp"):
        (tmp_path / f".model.xlsx.{MARKER}.lock").write_text(f"{MARKER} {recorded}\n")
        write_file(target, recorded.encode(), force=True)
    assert all(path.read_bytes() == b"mine" for path in keep)


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_build_refuses_anything_but_a_regular_file_or_a_new_path_in_one_line(tmp_path, kind):
    if kind == "fifo":
        target = tmp_path / "pipe.xlsx"
        os.mkfifo(target)
        expected = "is a FIFO (named pipe), not a regular file"
    elif kind == "device":
        target = "/dev/full"
        expected = "/dev/full is a device, not a regular file"
    else:
        target = tmp_path
        expected = "is a folder; give a file name"
    for model in ("thesis", "interference", "exchange", "local"):
        run = subprocess_cli(["build", "--model", model, "-o", str(target)])
        assert run.returncode == 1, (model, run.stderr)
        assert run.stderr.count("\n") == 1 and expected in run.stderr and run.stdout.count("Wrote") == 0, run.stderr
    with pytest.raises(OutputError, match=re.escape(expected)):
        write_file(target, b"x", force=True)


def subprocess_cli(arguments, timeout=120):
    """The command in a process of its own, with a time limit: a hang fails the test instead of stalling it."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "xlspectrum.cli", *arguments], capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "1e9", "ten"])
def test_recalc_timeout_out_of_range_is_one_line_naming_the_option(built, value):
    run = CliRunner().invoke(main, ["recalc", str(built), "--engine", "formulas", "--timeout", value])
    assert run.exit_code == 2
    line = run.output.strip()
    assert "\n" not in line and "--timeout" in line and "from 1 to 86,400" in line, line
    assert "convert" not in line and "Overflow" not in line, line


def test_sigterm_removes_the_temporary_file(tmp_path):
    temporary = tmp_path / f".model.xlsx.{MARKER}-1-0123456789abcdef.tmp"
    temporary.write_bytes(b"partial")
    with pytest.raises(SystemExit):
        with _removed_on_termination(temporary):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
    assert not temporary.exists()


def test_the_cli_and_the_library_allow_the_same_time_limits():
    from xlspectrum import cli, recalc

    assert (cli.recalculate._SECONDS.low, cli.recalculate._SECONDS.high) == recalc.TIMEOUT_LIMITS_S


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 0.5, 1e9])
def test_recalculate_refuses_a_time_limit_out_of_range(built, value):
    from xlspectrum.recalc import recalculate

    for engine in ("formulas", "libreoffice"):
        with pytest.raises(ValueError, match="timeout"):
            recalculate(built, engine, timeout=value)
