"""The local licence workbook's inputs in and out (issue 26, local kind): a template, and an edited workbook read back."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from xlspectrum.workbooks import local as local_workbook
from xlspectrum.cli import DEFAULT_WORKBOOKS, main
from xlspectrum.workbooks.inputs_file import InputsFileError, local_inputs, read_inputs, template_csv, template_workbook
from xlspectrum.workbooks.package import workbook_bytes

from conftest import requires_libreoffice

COMMITTED = Path(__file__).parents[2] / DEFAULT_WORKBOOKS["local"]
#: a user's edits: the rural site's population, the discount rate, the 28 GHz horn's gain, one signal level
EDITS = {"population": [12_000.0, 20_000.0], "discount_rate": 0.1, "tx_antenna_gain_dbi": 20.0,
         "signal_level_dbm": [-70.0, -75.0, -80.0, -85.0, -90.0, -95.0, -100.0, -110.0]}


def invoke(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output + (result.stderr if result.stderr_bytes else "")
    return result


@pytest.fixture
def edited(tmp_path):
    """The local workbook as built, with :data:`EDITS` typed into its blue cells."""
    book = load_workbook(COMMITTED)
    book["Pricing"][local_workbook.pricing_cell("population", "rural", absolute=False)].value = 12_000
    book["Pricing"][local_workbook.pricing_cell("discount_rate", absolute=False)].value = 0.1
    book["Coverage"][local_workbook.coverage_cell("tx_antenna_gain_dbi", absolute=False)].value = 20
    book["Coverage"][local_workbook.level_cell("level", 7)].value = -110
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


assert len(local_workbook.default_inputs()["levels"]) == 8 and local_workbook.default_inputs()["levels"][7] == -105


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_the_template_reads_back_as_the_defaults_and_builds_the_committed_workbook(tmp_path, form):
    path = tmp_path / f"t.{form}"
    invoke("inputs", "--model", "local", "-o", path)
    assert read_inputs(path, "local").overrides == {}
    invoke("build", "--model", "local", "--inputs", path, "-o", tmp_path / "b.xlsx")
    assert (tmp_path / "b.xlsx").read_bytes() == COMMITTED.read_bytes()


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_edits_written_to_a_template_read_back_the_same(tmp_path, form):
    path = tmp_path / f"t.{form}"
    path.write_bytes(template_csv("local", EDITS) if form == "csv" else template_workbook("local", EDITS))
    assert read_inputs(path, "local").overrides == EDITS


def test_an_edited_workbook_gives_its_edits_with_their_cells(edited):
    read = read_inputs(edited)
    assert read.kind == "local" and read.overrides == EDITS
    row = int(local_workbook.pricing_cell("population", "rural", absolute=False)[1:])
    assert read.sources["population"] == f"edited.xlsx, Pricing!C{row}:D{row}"
    assert read.sources["discount_rate"] == f"edited.xlsx, Pricing!{local_workbook.pricing_cell('discount_rate', absolute=False)}"


def test_build_from_the_edited_workbook_is_byte_identical_to_a_build_of_the_same_inputs(edited, tmp_path):
    output = invoke("build", "--model", "local", "--inputs", edited, "-o", tmp_path / "new.xlsx").output
    assert "tx_antenna_gain_dbi = 20 (from edited.xlsx, Coverage!" in output and "at a -105 dBm edge" in output
    assert (tmp_path / "new.xlsx").read_bytes() == workbook_bytes(local_workbook.build_workbook(local_inputs(EDITS)))
    assert (tmp_path / "new.xlsx").read_bytes() != COMMITTED.read_bytes()


@requires_libreoffice
@pytest.mark.slow
@pytest.mark.libreoffice
def test_the_edited_workbook_recalculated_shows_what_python_computes_from_the_read_inputs(edited):
    from xlspectrum.recalc import recalculate_libreoffice

    recalculated = recalculate_libreoffice(edited)
    recalculated.raise_for_problems()
    expected = local_workbook.expected_cells(local_inputs(read_inputs(edited).overrides))
    mismatches, _, _ = local_workbook.compare(recalculated.values, expected)
    assert mismatches == []
    default = local_workbook.expected_cells()
    assert expected[f"Pricing!{local_workbook.pricing_cell('lsp', 'rural', absolute=False)}"] != default[
        f"Pricing!{local_workbook.pricing_cell('lsp', 'rural', absolute=False)}"]


def write(path, text):
    path.write_text("key,position,value\n" + text)
    return path


@pytest.mark.parametrize("text, message", [
    ("population,1,many\npopulation,2,20000\n", "row 2: population='many' is not a number"),
    ("population,,1000\n", "population is a series: give one row per position"),
    ("population,1,1000\n", "population needs positions 1-2, one each (the 2 sites (1 = rural, 2 = campus))"),
    ("signal_level_dbm,1,-70\n", "signal_level_dbm needs positions 1-8"),
    ("wacc,,0.1\n", "row 2: unknown input 'wacc': it is an input of the thesis model"),
    ("discount_rate,,inf\n", "discount_rate='inf' must be a finite number"),
    ("term_years,1,0\nterm_years,2,18\n", "bad.csv: "),
])
def test_a_bad_file_is_refused_naming_the_row(tmp_path, text, message):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(InputsFileError, match=re.escape(message)):
        read_inputs(path, "local")
    result = invoke("build", "--model", "local", "--inputs", path, "-o", tmp_path / "out.xlsx", ok=False)
    assert result.exit_code == 1 and result.stderr.startswith("error: --inputs bad.csv") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "out.xlsx").exists()


def test_a_bad_cell_of_an_edited_workbook_is_named(tmp_path):
    book = load_workbook(COMMITTED)
    address = local_workbook.coverage_cell("tx_power_dbm", absolute=False)
    book["Coverage"][address].value = "loud"
    book.save(tmp_path / "bad.xlsx")
    result = invoke("build", "--model", "local", "--inputs", tmp_path / "bad.xlsx", "-o", tmp_path / "o.xlsx", ok=False)
    assert f"bad.xlsx, Coverage!{address}: tx_power_dbm='loud' is not a number" in result.stderr
