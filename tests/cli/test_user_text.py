"""User text stays text in every file we write (OWASP's guidance on CSV injection; issue 21, section 2).

A CSV field that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
when a spreadsheet opens the file; an xlsx cell is a formula when its type says so. Every CSV
we write puts a single quote before such a text, and every xlsx we write keeps a text cell
a string cell.
"""

import csv
import io
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from xlspectrum.cli import main
from xlspectrum.core.files import FORMULA_STARTS, csv_text, to_csv
from conftest import requires_libreoffice

#: texts a spreadsheet would run, as the issue lists them and the variants a reviewer tries next
DANGEROUS = ['=1+1', '+1+1', '-1+1', '@SUM(1)', '\t=1+1', '\r=1+1', '=HYPERLINK("http://x","y")',
             '=cmd|\' /C calc\'!A0', '+HYPERLINK("http://x","y")', '-2+3+cmd|\' /C calc\'!A0', '@HYPERLINK("http://x")',
             '\uff1d1+1', '=', '-', '+', '@', '-3', '+1.5e3']
#: texts that stay as they are
HARMLESS = ["Telecom", "a=b", " x", "5", "0.05", "'=quoted already", "x\r=1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_text_a_spreadsheet_would_run_gets_a_quote(text):
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_texts_and_plain_numbers_are_unchanged(text):
    assert csv_text(text) == text


def fields(text):
    return [field for row in csv.reader(io.StringIO(text)) for field in row]


def assert_no_formula(text):
    """No text field of the CSV ``text`` starts a formula (a number written as a number may be negative)."""
    for field in fields(text):
        if field.startswith(FORMULA_STARTS):
            float(field)  # a number, e.g. -0.05 in a column of numbers


def test_auction_csv_keeps_bidder_and_lot_names_text(tmp_path):
    lots = ["=A", "@B", "+C"]
    path = tmp_path / "bids.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["bidder", "value", *lots])
        for number, name in enumerate(DANGEROUS):
            wanted = [1 if number % 3 == i else 0 for i in range(3)]
            writer.writerow([name, 10 + number, *wanted])
    run = CliRunner().invoke(main, ["auction", str(path), "--format", "csv"])
    assert run.exit_code == 0, run.output
    assert_no_formula(run.stdout)
    read = list(csv.reader(io.StringIO(run.stdout)))
    assert all(csv_text(name) == name for name in read[0])
    assert sorted(row[0] for row in read[1:]) == sorted(csv_text(name) for name in DANGEROUS)


@pytest.mark.parametrize("command", [["inputs"], ["value"], ["rights"], ["auction", "--example", "nz700"]])
def test_every_csv_output_has_no_field_a_spreadsheet_would_run(command):
    run = CliRunner().invoke(main, [*command, "--format", "csv"])
    assert run.exit_code == 0, run.output
    assert_no_formula(run.stdout)


def test_a_table_escapes_text_cells_and_names_and_leaves_numbers():
    import pandas as pd

    table = pd.DataFrame({"=name": ["=1+1", "ok"], "value": [-1.5, 2.0]})
    assert fields(to_csv(table)) == ["'=name", "value", "'=1+1", "-1.5", "ok", "2.0"]


def text_workbook(path):
    """Text cells that read like formulas, and formulas whose value is such a text."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Texts"
    for row, text in enumerate(DANGEROUS, 1):
        if "\r" in text or "\t" in text:
            continue  # openpyxl writes these as they are; the cells below cover them by formula
        ws.cell(row, 1).value = text
        ws.cell(row, 1).data_type = "s"  # a text cell, as a user types '=1+1
        ws.cell(row, 2).value = '="' + text.replace('"', '""') + '"'  # a formula whose value is the text
    ws.cell(1, 3).value = "=1+1"
    wb.save(path)
    return path


def assert_texts_stay_text(saved, formulas_kept):
    """Column A stays text cells; column B is its formula (LibreOffice) or a text cell of its value (values only)."""
    formulas = load_workbook(saved)["Texts"]
    values = load_workbook(saved, data_only=True)["Texts"]
    for row, text in enumerate(DANGEROUS, 1):
        if "\r" in text or "\t" in text:
            continue
        typed = formulas.cell(row, 1)
        assert typed.data_type == "s" and typed.value == text, (typed.coordinate, typed.value, typed.data_type)
        computed = formulas.cell(row, 2)
        if formulas_kept:
            assert computed.data_type == "f" and values.cell(row, 2).value == text, (computed.coordinate, computed.value)
        else:
            assert computed.data_type == "s" and computed.value == text, (computed.coordinate, computed.value)


@pytest.mark.parametrize("engine", ["formulas", pytest.param("libreoffice", marks=[pytest.mark.slow, pytest.mark.libreoffice,
                                                                                    requires_libreoffice])])
def test_recalc_output_keeps_every_text_cell_text(tmp_path, engine):
    source = text_workbook(tmp_path / "texts.xlsx")
    saved = tmp_path / "out.xlsx"
    run = CliRunner().invoke(main, ["recalc", str(source), "--engine", engine, "--output", str(saved)])
    assert run.exit_code == 0, run.output
    assert_texts_stay_text(saved, formulas_kept=engine == "libreoffice")
    if engine == "formulas":  # the values-only copy: no formula at all, so no <f> element
        with zipfile.ZipFile(saved) as package:
            assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")


def test_a_text_cell_that_reads_like_a_formula_is_not_counted_as_one(tmp_path):
    from xlspectrum.recalc import recalculate

    source = text_workbook(tmp_path / "texts.xlsx")
    result = recalculate(source, "formulas")
    texts = sum(1 for text in DANGEROUS if "\r" not in text and "\t" not in text)
    assert len(result.formula_cells) == texts + 1  # column B and C1, never column A
    assert all(not key.startswith("Texts!A") for key in result.formula_cells)


def test_auction_refuses_a_column_named_twice_naming_it(tmp_path):
    path = tmp_path / "bids.csv"
    path.write_text("bidder,value,A,B,A\nx,5,1,0,1\n")
    run = CliRunner().invoke(main, ["auction", str(path)])
    assert run.exit_code == 1 and "the column 'A' appears twice" in run.stderr and run.stderr.count("\n") == 1, run.stderr


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_an_input_that_is_not_a_file_is_said_to_be_what_it_is(tmp_path, kind):
    import os

    path = tmp_path / "in.csv"
    if kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    what = "a folder" if kind == "folder" else "a FIFO (named pipe)"
    run = CliRunner().invoke(main, ["auction", str(path)])
    assert run.exit_code == 1 and f"is {what}, not a file" in run.stderr, run.stderr
    if kind == "fifo":
        workbook = tmp_path / "in.xlsx"
        os.mkfifo(workbook)
        run = CliRunner().invoke(main, ["recalc", str(workbook), "--engine", "formulas"])
        assert run.exit_code == 1 and "is a FIFO (named pipe), not a file, not a workbook" in run.stderr, run.stderr
