"""Nothing the user made is lost: builds never replace a different file, and are atomic."""

import os
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
from xlspectrum.files import OutputError, _removed_on_termination, exclusive, same_package, write_file


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
    target = tmp_path / "model.xlsx"
    stale = tmp_path / ".model.xlsx.99999.tmp"
    stale.write_bytes(b"half a workbook")
    write_file(target, b"content")
    assert not stale.exists() and target.read_bytes() == b"content"


def test_sigterm_removes_the_temporary_file(tmp_path):
    temporary = tmp_path / ".model.xlsx.1.tmp"
    temporary.write_bytes(b"partial")
    with pytest.raises(SystemExit):
        with _removed_on_termination(temporary):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
    assert not temporary.exists()
