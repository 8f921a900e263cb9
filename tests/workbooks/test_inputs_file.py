"""Bring your own inputs (issue 26): templates out, templates and edited workbooks in, the round trip proven."""

import csv
import io
import os
import re

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from xlspectrum.models import tvws
from xlspectrum.models.chapter8 import UHF
from xlspectrum.cli import main
from xlspectrum.models.costmodel.inputs import INPUTS, YEARS
from xlspectrum.workbooks.inputs_file import (COLUMNS, InputsFileError, read_inputs, template_csv, template_fields,
                                    template_workbook)
from xlspectrum.workbooks.thesis import FIRST_YEAR_COLUMN, VALUE_COLUMN, cell_places

from conftest import requires_libreoffice

#: the edits a user makes in the thesis workbook: a rate, a population, a year of a series, the forecast
THESIS_EDITS = {"wacc": 0.1, "population": 5_000_000, "rollout": [0.05, 0.2, 0.3, 0.2, 0.2, 0.05],
                "demand_forecast": "ten_x_linear"}
THESIS_SETS = ["--set", "wacc=0.1", "--set", "population=5000000", "--set", "rollout=0.05 0.2 0.3 0.2 0.2 0.05",
               "--set", "demand_forecast=ten_x_linear"]
RIGHTS_EDITS = {"income_per_viewer": 2.0, "secondary_kw": 20.0}
RIGHTS_SETS = ["--set", "income_per_viewer=2", "--set", "secondary_kw=20"]


def invoke(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output + (result.stderr if result.stderr_bytes else "")
    return result


def without_sources(output):
    """A command's output without the lines that say where the inputs came from (the one expected difference)."""
    lines = output.splitlines()
    kept = [line for line in lines if not line.startswith(("Inputs from ", "  ")) or " (from " not in line and
            not line.startswith("Inputs from ")]
    return [line for line in kept if not line.startswith("Inputs changed from the defaults")]


def edited_thesis_workbook(path, edits=THESIS_EDITS):
    """The default thesis workbook with ``edits`` typed into its Inputs sheet, as a user would."""
    invoke("build", "-o", path)
    book = load_workbook(path)
    places = cell_places()
    for key, value in edits.items():
        sheet, row, _ = places[key]
        if isinstance(value, list):
            for year in range(YEARS):
                book[sheet].cell(row, FIRST_YEAR_COLUMN + year).value = value[year] if year < len(value) else 0
        else:
            book[sheet].cell(row, VALUE_COLUMN).value = value
    book.save(path)
    return path


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    return edited_thesis_workbook(tmp_path_factory.mktemp("edited") / "edited.xlsx")


# ------------------------------------------------------------------------------------ templates
@pytest.mark.parametrize("kind", ["thesis", "interference"])
@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_template_as_written_reads_back_as_the_defaults(tmp_path, kind, form):
    path = tmp_path / f"template.{form}"
    invoke("inputs", "--model", kind, "-o", path)
    read = read_inputs(path, kind)
    assert read.overrides == {} and read.locations_km is None


def test_the_template_lists_every_input_once_and_each_series_year(tmp_path):
    rows = list(csv.DictReader(io.StringIO(template_csv("thesis").decode())))
    assert tuple(rows[0]) == COLUMNS
    series = [item for item in INPUTS.values() if item.kind == "series"]
    assert len(rows) == len(INPUTS) - len(series) + YEARS * len(series)
    assert {row["key"] for row in rows} == set(INPUTS)
    for item in series:
        assert [int(row["position"]) for row in rows if row["key"] == item.key] == list(range(1, YEARS + 1))


def test_the_xlsx_template_is_styled_and_validated(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_workbook("thesis"))
    ws = load_workbook(path)["Inputs"]
    assert [c.value for c in ws[4]][:len(COLUMNS)] == list(COLUMNS)
    forecast = next(row for row in ws.iter_rows(min_row=5) if row[0].value == "demand_forecast")
    assert forecast[2].font.color.rgb.endswith("0000FF")  # typed input: blue
    validations = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    assert any(forecast[2].coordinate in sqref and v.type == "list" for sqref, v in validations.items())
    wacc = next(row for row in ws.iter_rows(min_row=5) if row[0].value == "wacc")
    assert wacc[2].number_format == "0.0%"
    assert any(wacc[2].coordinate in sqref and v.type == "decimal" for sqref, v in validations.items())
    assert template_workbook("thesis") == template_workbook("thesis")  # reproducible


def test_inputs_lists_on_the_terminal_and_refuses_what_it_cannot_write(tmp_path):
    assert "service_radius_km" in invoke("inputs", "--model", "interference").output
    result = invoke("inputs", "--format", "xlsx", ok=False)
    assert result.exit_code != 0 and "needs -o FILE.xlsx" in result.stderr
    result = invoke("inputs", "-o", tmp_path / "x.txt", ok=False)
    assert result.exit_code != 0 and ".csv or .xlsx" in result.stderr
    (tmp_path / "mine.csv").write_text("mine\n")
    result = invoke("inputs", "-o", tmp_path / "mine.csv", ok=False)
    assert result.exit_code != 0 and (tmp_path / "mine.csv").read_text() == "mine\n"  # never overwritten unasked


# --------------------------------------------------------------------- random edits round trip
def _edits(kind):
    if kind == "thesis":
        numbers = [item for item in INPUTS.values() if item.kind == "number" and not item.whole and item.key != "first_year"]
        return st.dictionaries(st.sampled_from([item.key for item in numbers]),
                               st.floats(0, 1), min_size=1, max_size=5).map(
            lambda picked: {key: INPUTS[key].low + fraction * (INPUTS[key].high - INPUTS[key].low)
                            for key, fraction in picked.items()})
    keys = [key for key in tvws.ASSUMPTIONS if key not in ("primary_reduction_kw", "low_threshold_db", "high_threshold_db")]
    return st.dictionaries(st.sampled_from(keys), st.floats(0, 1), min_size=1, max_size=4).map(
        lambda picked: {key: tvws.ASSUMPTIONS[key].low + f * (tvws.ASSUMPTIONS[key].high - tvws.ASSUMPTIONS[key].low)
                        for key, f in picked.items()})


@pytest.mark.parametrize("kind", ["thesis", "interference"])
@pytest.mark.parametrize("form", ["csv", "xlsx"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_valid_edits_written_to_a_template_read_back_the_same(tmp_path, kind, form, data):
    edits = data.draw(_edits(kind))
    try:
        template_fields(kind, edits)
    except ValueError:  # an edit that breaks a check across inputs is refused before any file is written
        return
    path = tmp_path / f"edited.{form}"
    path.write_bytes(template_csv(kind, edits) if form == "csv" else template_workbook(kind, edits))
    read = read_inputs(path, kind)
    default = {key: (INPUTS[key].default if kind == "thesis" else tvws.ASSUMPTIONS[key].value) for key in edits}
    assert read.overrides == pytest.approx({k: v for k, v in edits.items() if v != default[k]}, rel=1e-15)


# ------------------------------------------------------------------------ an edited workbook
def test_an_edited_workbook_gives_its_edits_with_their_cells(edited):
    read = read_inputs(edited)
    assert read.kind == "thesis"
    assert set(read.overrides) == set(THESIS_EDITS)
    assert read.overrides["wacc"] == 0.1 and read.overrides["demand_forecast"] == "ten_x_linear"
    assert read.overrides["rollout"] == THESIS_EDITS["rollout"]  # as --set gives it: no trailing zero years
    sheet, row, _ = cell_places()["wacc"]
    assert read.sources["wacc"] == f"edited.xlsx, {sheet}!C{row}"
    assert read.sources["rollout"] == f"edited.xlsx, {sheet}!E{cell_places()['rollout'][1]}:S{cell_places()['rollout'][1]}"


def test_value_with_the_edited_workbook_prints_what_the_same_set_prints(edited):
    from_file = invoke("value", "--inputs", edited).output
    from_set = invoke("value", *THESIS_SETS).output
    assert without_sources(from_file) == without_sources(from_set)
    for key in THESIS_EDITS:
        assert re.search(rf"^  {key} = .* \(from edited\.xlsx, Inputs!", from_file, re.MULTILINE), key
    csv_file = invoke("value", "--inputs", edited, "--format", "csv").output
    assert csv_file == invoke("value", *THESIS_SETS, "--format", "csv").output  # csv stays parseable


def test_set_applies_on_top_of_the_file(edited):
    output = invoke("value", "--inputs", edited, "--set", "wacc=0.11").output
    assert without_sources(output) == without_sources(invoke("value", *THESIS_SETS[2:], "--set", "wacc=0.11").output)
    assert "wacc = 0.1 (from" not in output


def test_build_from_the_edited_workbook_is_byte_identical_to_build_with_set(edited, tmp_path):
    invoke("build", "--inputs", edited, "-o", tmp_path / "from_file.xlsx")
    invoke("build", *THESIS_SETS, "-o", tmp_path / "from_set.xlsx")
    assert (tmp_path / "from_file.xlsx").read_bytes() == (tmp_path / "from_set.xlsx").read_bytes()


def test_sensitivity_reads_the_file_too(edited):
    args = ["--samples", "20", "--format", "csv"]
    assert invoke("sensitivity", "--inputs", edited, *args).output == invoke("sensitivity", *THESIS_SETS, *args).output


def test_the_interference_case_round_trips_through_its_workbook(tmp_path):
    path = tmp_path / "rights.xlsx"
    invoke("build", "--model", "interference", "-o", path)
    from xlspectrum.workbooks.rights import _default_rows

    book = load_workbook(path)
    for key, value in RIGHTS_EDITS.items():
        book["Inputs"].cell(_default_rows().places[key][1], 3).value = value
    book["Inputs"].cell(_default_rows().places["location_3"][1], 3).value = 90
    book.save(path)
    read = read_inputs(path)
    assert read.kind == "interference" and read.overrides == RIGHTS_EDITS and read.locations_km == [50, 70, 79, 90]
    from_file = invoke("rights", "--inputs", path, "--format", "csv").output
    assert from_file == tvws.case(RIGHTS_EDITS, locations_km=[50, 70, 79, 90])["summary"].to_csv(index=False)
    invoke("build", "--model", "interference", "--inputs", path, "-o", tmp_path / "again.xlsx")
    assert read_inputs(tmp_path / "again.xlsx").overrides == RIGHTS_EDITS


@requires_libreoffice
@pytest.mark.libreoffice
def test_the_edited_workbook_recalculated_shows_what_value_prints(edited):
    """The round trip: edits typed in the workbook, LibreOffice's figures, and `value --inputs` agree."""
    from xlspectrum.models.chapter8 import value
    from xlspectrum.recalc import recalculate_libreoffice
    from xlspectrum.workbooks.thesis import valuation_cell

    recalculated = recalculate_libreoffice(edited)
    assert recalculated.problems() == {}
    valuation = value(read_inputs(edited).overrides)
    output = invoke("value", "--inputs", edited).output
    for key in ("npv_mmwave", "option", "project", "deprival"):
        try:
            cell = valuation_cell(key, "model")
        except KeyError:
            continue
        got = recalculated.value(*cell.split("!"))
        assert got == pytest.approx(valuation.get(key, "model"), rel=1e-9), key
        assert f"{got / 1e6:,.1f}" in output, key


# ------------------------------------------------------------------------------------- refusals
def write_csv(path, rows, header=("key", "position", "value")):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("rows, header, message", [
    ([("wacc", "", "0.1"), ("wacc", "", "0.2")], None, "row 3: wacc is given again (first at row 2)"),
    ([("wac", "", "0.1")], None, "row 2: unknown input 'wac' (did you mean wacc?)"),
    ([("service_radius_km", "", "10")], None, "it is an input of the interference model"),
    ([("wacc", "", "0.1")], ("key", "value"), "no 'position' column"),
    ([("wacc", "", "0.1", "x")], ("key", "position", "value", "colour"), "unknown column 'colour'"),
    ([("wacc", "", "0.1", "0.2")], ("key", "position", "value", "value"), "column 'value' appears twice"),
    ([("wacc", "", "9")], None, "row 2: wacc=9 is outside its valid range"),
    ([("wacc", "", "ten")], None, "row 2: wacc='ten' is not a number"),
    ([("wacc", "", "")], None, "row 2: wacc has no value"),
    ([("wacc", "1", "0.1")], None, "row 2: wacc is one value: leave its position empty"),
    ([("rollout", "", "0.1")], None, "rollout is a series: give one row per position"),
    ([("rollout", "1", "0.1")], None, "rollout has no value for model year 2"),
    ([("rollout", "x", "0.1")], None, "position 'x' of rollout is not a whole number"),
    ([("demand_forecast", "", "fast")], None, "demand_forecast='fast' must be one of"),
    ([("include_depreciation_in_total", "", "maybe")], None, "must be TRUE or FALSE"),
])
def test_a_bad_file_is_refused_naming_the_row(tmp_path, rows, header, message):
    path = write_csv(tmp_path / "bad.csv", rows, header or ("key", "position", "value"))
    with pytest.raises(InputsFileError, match=re.escape(message)):
        read_inputs(path)
    result = invoke("value", "--inputs", path, ok=False)
    assert result.exit_code == 1 and result.stderr.startswith("error: --inputs bad.csv") and "Traceback" not in result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_bad_cell_of_an_edited_workbook_is_named(tmp_path):
    path = edited_thesis_workbook(tmp_path / "bad.xlsx", {"wacc": "nine", "population": 5e6})
    sheet, row, _ = cell_places()["wacc"]
    with pytest.raises(InputsFileError, match=re.escape(f"bad.xlsx, {sheet}!C{row}: wacc='nine' is not a number")):
        read_inputs(path)


def test_an_edit_of_the_700_mhz_networks_own_inputs_is_refused(tmp_path):
    path = edited_thesis_workbook(tmp_path / "uhf.xlsx", {})
    key = next(iter(__import__("xlspectrum.models.costmodel.networks", fromlist=["UHF_OVERRIDES"]).UHF_OVERRIDES))
    sheet, row, _ = cell_places(UHF)[key]
    book = load_workbook(path)
    book[sheet].cell(row, VALUE_COLUMN).value = 123
    book.save(path)
    with pytest.raises(InputsFileError, match="700 MHz-only network's own inputs are fixed"):
        read_inputs(path)


def test_what_is_not_a_file_of_inputs_is_said_to_be_what_it_is(tmp_path):
    with pytest.raises(InputsFileError, match="is a folder"):
        read_inputs(tmp_path)
    with pytest.raises(InputsFileError, match="no such file"):
        read_inputs(tmp_path / "missing.csv")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputsFileError, match="give a .csv or .xlsx"):
        read_inputs(tmp_path / "notes.txt")
    (tmp_path / "broken.xlsx").write_bytes(b"PK not really")
    with pytest.raises(InputsFileError, match="not an xlsx workbook that can be read"):
        read_inputs(tmp_path / "broken.xlsx")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.csv")
        with pytest.raises(InputsFileError, match="not a regular file"):
            read_inputs(tmp_path / "pipe.csv")


def test_a_template_of_one_model_given_for_the_other_is_refused(tmp_path):
    path = tmp_path / "rights.xlsx"
    path.write_bytes(template_workbook("interference"))
    with pytest.raises(InputsFileError, match="holds the interference model's inputs, not the thesis model's"):
        read_inputs(path, "thesis")
    result = invoke("value", "--inputs", path, ok=False)
    assert result.exit_code == 1 and "interference model's inputs" in result.stderr


def test_the_exchange_and_local_builds_take_inputs_but_not_set(tmp_path):
    result = invoke("build", "--model", "local", "--inputs", tmp_path / "x.csv", "-o", tmp_path / "l.xlsx", ok=False)
    assert result.exit_code == 1 and "x.csv: no such file" in result.stderr
    for model in ("exchange", "local"):
        result = invoke("build", "--model", model, "--set", "a=1", "-o", tmp_path / "l.xlsx", ok=False)
        assert result.exit_code == 2 and "--set is for the thesis and interference models" in result.output


def test_series_years_written_are_the_series_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(template_csv("thesis", {"rollout": [0.1, 0.2, 0.3, 0.2, 0.1, 0.1]}))
    read = read_inputs(path)
    assert np.allclose(read.overrides["rollout"], [0.1, 0.2, 0.3, 0.2, 0.1, 0.1])
