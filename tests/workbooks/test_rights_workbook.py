"""The interference-rights workbook: conventions, lint, staleness, and equality with the Python engine."""

import re
from pathlib import Path

import formulas
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.formula.translate import Translator
from openpyxl.utils import FORMULAE

from test_workbook import all_formulas
from xlspectrum.formulas import interference
from xlspectrum.workbooks import rights as rights_workbook
from xlspectrum.models import tvws
from xlspectrum.cli import DEFAULT_WORKBOOKS, main
from xlspectrum.core.files import same_package
from xlspectrum.recalc import recalculate_formulas, recalculate_libreoffice
from xlspectrum.workbooks.package import workbook_bytes
from conftest import requires_libreoffice

ROOT = Path(__file__).parents[2]
COMMITTED = ROOT / DEFAULT_WORKBOOKS["interference"]
#: decibel arithmetic (10 log10 of power, 20 log10 of distance, dBW to dBm), halves, kW to mW
UNIVERSAL_CONSTANTS = {"0", "1", "2", "10", "20", "30", "1000000"}
#: a case where households start in every region of Table II and the locations move
SPREAD = ({"primary_kw": 0.05, "primary_reduction_kw": 0.01, "noise_figure_db": 12.0, "households": 250_000.0,
           "income_per_viewer": 3.0}, (20.0, 45.0, 60.0, 130.0))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("rights") / "rights.xlsx"
    path.write_bytes(workbook_bytes(rights_workbook.build_workbook()))
    return path


@pytest.fixture(scope="module")
def book(generated):
    return load_workbook(generated)


def test_sheets_by_purpose(book):
    assert book.sheetnames == ["Cover", "Inputs", "Rings", "Profile", "Results", "Figures", "Checks", "xlwings.conf"]
    assert (book["xlwings.conf"]["A1"].value, book["xlwings.conf"]["B1"].value) == ("UDF Modules", "xlspectrum.excel")
    assert book.properties.keywords == rights_workbook.MODEL_MARKER


def test_every_function_is_a_known_excel_function_and_no_number_is_typed(book):
    from xlspectrum.hosts.registry import BY_EXCEL_NAME

    known = set(FORMULAE) | {n.removeprefix("_XLFN.") for n in formulas.get_functions() if n.startswith("_XLFN.")}
    stripped = re.compile(r'"[^"]*"|\$?[A-Z]{1,3}\$?\d+|[A-Za-z_.]+!|[A-Z][A-Z0-9.]*\(')
    used = set()
    for sheet, address, formula in all_formulas(book):
        names = set(re.findall(r"([A-Z][A-Z0-9._]*)\(", formula))
        add_in = names & set(BY_EXCEL_NAME)
        assert not add_in or formula.startswith("=IFERROR("), (sheet, address, formula)
        used |= names - add_in
        numbers = set(re.findall(r"\d+(?:\.\d+)?(?:E[-+]?\d+)?", stripped.sub(" ", formula)))
        assert numbers <= UNIVERSAL_CONSTANTS, (sheet, address, formula, numbers - UNIVERSAL_CONSTANTS)
    assert {"LOG10", "POWER", "ACOS", "SUMPRODUCT"} <= used <= known, used - known


def test_one_formula_per_ring_row(book):
    rows = rights_workbook._default_rows()
    checked = 0
    for key, (sheet, row, column) in rows.places.items():
        if column != rights_workbook.FIRST_RING_COLUMN or sheet not in ("Rings", "Profile"):
            continue
        ws = book[sheet]
        first = ws.cell(row, column)
        for other in range(column + 1, rights_workbook.LAST_RING_COLUMN + 1):
            cell = ws.cell(row, other)
            assert Translator(first.value, origin=first.coordinate).translate_formula(cell.coordinate) == cell.value, key
        checked += 1
    assert checked > 90


def test_inputs_styled_with_ranges_and_sources(book):
    ws = book["Inputs"]
    rows = rights_workbook._default_rows()
    for key, item in tvws.ASSUMPTIONS.items():
        row = rows.places[key][1]
        assert ws.cell(row, 3).value == pytest.approx(item.value), key
        assert ws.cell(row, 3).font.color.rgb.endswith("0000FF")
        assert (ws.cell(row, 4).value, ws.cell(row, 5).value) == (item.low, item.high)
        assert ws.cell(row, 7).value == item.source and ws.cell(row, 8).value == key
    assert len(ws.data_validations.dataValidation) == len(tvws.ASSUMPTIONS) + len(tvws.LOCATIONS_KM)
    # no typed number outside Inputs except the Checks tolerance and Table II's region labels
    for sheet in ("Rings", "Profile"):
        for row in book[sheet].iter_rows():
            for cell in row:
                assert not isinstance(cell.value, (int, float)), (sheet, cell.coordinate)


def test_charts(book):
    charts = book["Figures"]._charts
    assert len(charts) == len(tvws.LOCATIONS_KM) + 1
    assert sum(len(chart.series) for chart in charts[:-1]) == 6 * len(tvws.LOCATIONS_KM)
    assert len(charts[-1].series) == len(tvws.POWER_CASES)


def test_build_is_reproducible_and_the_committed_workbook_is_not_stale(generated):
    assert workbook_bytes(rights_workbook.build_workbook()) == generated.read_bytes()
    assert COMMITTED.exists(), "run `xlspectrum build --model interference`"
    assert same_package(COMMITTED.read_bytes(), generated.read_bytes()), \
        "regenerate with `xlspectrum build --model interference --force`"


def test_read_inputs_round_trips(tmp_path):
    overrides, locations = SPREAD
    path = tmp_path / "spread.xlsx"
    path.write_bytes(workbook_bytes(rights_workbook.build_workbook(overrides, locations)))
    read, read_locations = rights_workbook.read_inputs(path)
    assert read == pytest.approx(tvws.validate(overrides)) and read_locations == list(locations)


def test_build_command_and_its_errors(tmp_path):
    runner = CliRunner()
    target = tmp_path / "ir.xlsx"
    built = runner.invoke(main, ["build", "--model", "interference", "-o", str(target), "--set", "income_per_viewer=2"])
    assert built.exit_code == 0, built.output + built.stderr
    assert "income_per_viewer=2.0" in built.output and "reservation_price_ir" in built.output
    again = runner.invoke(main, ["build", "--model", "interference", "-o", str(target)])
    assert again.exit_code != 0 and "--force" in again.stderr  # a different build never replaces it silently
    bad = runner.invoke(main, ["build", "--model", "interference", "-o", str(target), "--set", "penetration=2"])
    assert bad.exit_code != 0 and bad.stderr.count("\n") == 1 and "penetration=2.0 must be from 0 to 1" in bad.stderr
    unknown = runner.invoke(main, ["build", "--model", "interference", "-o", str(target), "--set", "wacc=0.1"])
    assert unknown.exit_code != 0 and "unknown input 'wacc'" in unknown.stderr


@settings(max_examples=60, deadline=None)
@given(radius=st.floats(0.5, 150), location=st.floats(1, 150), primary_kw=st.floats(0.1, 2000),
       secondary_kw=st.floats(0.01, 100), threshold=st.floats(0, 40), model=st.sampled_from(tvws.PATH_LOSS_MODELS))
def test_exact_share_equals_counting_bearings(radius, location, primary_kw, secondary_kw, threshold, model):
    """The closed form of the share of a ring above a threshold against a fine count over bearings."""
    frequency, noise_dbm = 569.0, float(interference.thermal_noise_dbm(6e6, 7.0))
    path_loss = tvws.path_loss_model(model, frequency, 300.0, extrapolate=True)
    signal = tvws.dbm_from_kw(primary_kw) - path_loss.loss_db(radius)
    exact = tvws.crossing(threshold, np.array([signal]), 10 ** (noise_dbm / 10), float(tvws.dbm_from_kw(secondary_kw)),
                          location, np.array([radius]), path_loss)["share"][0]
    theta = (np.arange(20_000) + 0.5) * 2 * np.pi / 20_000
    distance = np.sqrt(radius**2 + location**2 - 2 * radius * location * np.cos(theta))
    # the model's own loss, no 10 m floor: the closed form integrates right up to the secondary
    loss = path_loss.loss_at_1km_db + path_loss.slope_db_per_decade * np.log10(distance)
    counted = np.mean(interference.sinr_db(signal, tvws.dbm_from_kw(secondary_kw) - loss, noise_dbm) > threshold)
    assert exact == pytest.approx(counted, abs=2e-4)


@requires_libreoffice
@pytest.mark.libreoffice
@pytest.mark.parametrize("case", ["default", "spread"])
def test_libreoffice_equals_the_engine_every_row(tmp_path, case):
    overrides, locations = SPREAD if case == "spread" else ({}, tvws.LOCATIONS_KM)
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(workbook_bytes(rights_workbook.build_workbook(overrides, locations)))
    recalculated = recalculate_libreoffice(path)
    recalculated.raise_for_problems()  # no error cell, every formula with a value
    assert recalculated.value("Checks", "C4") is True
    tables = tvws.case(overrides, locations_km=locations)
    assert rights_workbook.compare_with_case(recalculated.values, tables) == []
    if case == "spread":  # households start in every region of Table II
        assert set(tables["rings"]["region_before"]) == {0, 1, 2}
        loss = tables["regions"].groupby("region")["advertising_loss"].max()
        # Table II: nothing to lose where nobody watched; losses in the other two regions
        assert loss[tvws.REGIONS[0]] == 0 and loss[tvws.REGIONS[1]] > 0 and loss[tvws.REGIONS[2]] > 0


@requires_libreoffice
@pytest.mark.libreoffice
def test_an_input_out_of_range_fails_the_master_check(tmp_path):
    path = tmp_path / "edited.xlsx"
    path.write_bytes(workbook_bytes(rights_workbook.build_workbook()))
    book = load_workbook(path)
    book["Inputs"].cell(rights_workbook._default_rows().places["penetration"][1], 3).value = 1.5
    book.save(path)
    recalculated = recalculate_libreoffice(path)
    assert recalculated.value("Checks", "C4") is False
    cover = load_workbook(path)["Cover"]
    row = next(r for r in range(1, 40) if cover.cell(r, 1).value == "Checks")
    assert recalculated.value("Cover", f"B{row}") == "FAILED - see Checks"


@requires_libreoffice
@pytest.mark.libreoffice
def test_recalc_command_compares_the_case(tmp_path):
    path = tmp_path / "ir.xlsx"
    path.write_bytes(workbook_bytes(rights_workbook.build_workbook({"households": 2e6})))
    result = CliRunner().invoke(main, ["recalc", str(path)])
    assert result.exit_code == 0, result.output + result.stderr
    # LibreOffice without the add-in: the status line counts the cross-check cells it leaves
    assert "master check: OK; add-in not loaded: 12 live cells not computed" in result.output
    assert "agrees with the Python engine" in result.output


@pytest.mark.slow
def test_formulas_engine_equals_the_engine_and_the_add_in(tmp_path):
    path = tmp_path / "ir.xlsx"
    path.write_bytes(workbook_bytes(rights_workbook.build_workbook()))
    recalculated = recalculate_formulas(path)
    recalculated.raise_for_problems()
    assert rights_workbook.compare_with_case(recalculated.values, tvws.case()) == []
    rows = rights_workbook._default_rows()
    for key, (sheet, row, _) in rows.places.items():
        if key.startswith("result_"):  # the add-in's RESERVATION_PRICE_IR beside the native eq. (12)
            assert recalculated.value(sheet, f"P{row}") == pytest.approx(recalculated.value(sheet, f"I{row}"), rel=1e-12)


# ------------------------------------------------------------------ how it reads and prints
def _unit_of(ws, cell):
    """The unit a cell's number is in: its row's column B on Inputs, Rings and Profile."""
    return ws.cell(cell.row, 2).value


def test_every_number_format_matches_its_unit(book):
    """A percentage format only where the unit is %; every ring and input cell in its unit's format."""
    checked = 0
    for sheet in ("Inputs", "Rings", "Profile"):
        ws = book[sheet]
        for row in ws.iter_rows(min_row=rights_workbook.FIRST_ROW, min_col=rights_workbook.VALUE_COLUMN,
                                max_col=rights_workbook.LAST_RING_COLUMN):
            for cell in row:
                if cell.value is None or (sheet == "Inputs" and cell.column > 5):  # Inputs: value, min, max
                    continue
                unit = _unit_of(ws, cell)
                assert ("%" in cell.number_format) == (unit == "%"), (sheet, cell.coordinate, unit, cell.number_format)
                allowed = {rights_workbook._format(unit)}
                if sheet == "Inputs" and ws.cell(cell.row, 8).value in rights_workbook.CONSTANTS:
                    allowed = {"0.0000", "0.00"}  # the grey constants, to the digits of their sources
                if sheet == "Profile" and "less the base case" in (ws.cell(cell.row, 1).value or ""):
                    allowed = {rights_workbook.CHANGE_FORMAT}
                assert cell.number_format in allowed, (sheet, cell.coordinate, unit, cell.number_format)
                checked += 1
    assert checked > 10_000
    rows = rights_workbook._default_rows()
    for key in rows.places:
        if "_cosine_" in key:  # a cosine is a pure number: 49.999, never "4999.9 %"
            sheet, row, column = rows.places[key]
            assert book[sheet].cell(row, 2).value == "-" and book[sheet].cell(row, column).number_format == "0.000"
    results = book["Results"]
    first = rows.places["results_first"][1]
    for column, (key, _, unit) in enumerate(rights_workbook.RESULT_COLUMNS, 1):
        assert "%" not in results.cell(first, column).number_format, key  # no share among the results


def test_the_power_cases_are_drawn_apart(book):
    from _printing import chart_series_styles, colour_of

    charts = book["Figures"]._charts
    for chart in charts[:-1]:
        styles = chart_series_styles(chart)
        titles = [series.tx.v for series in chart.series]
        assert len(set(styles)) == len(styles), styles  # no two curves alike
        cases = [styles[titles.index(f"with it: {label}")] for label in tvws.POWER_CASES]
        assert len({colour for colour, _, _ in cases}) == len(cases)  # three colours
        assert len({dash for _, dash, _ in cases}) == len(cases)  # and three dashes, for a grey printout
        # 'primary lower' lies half a dB under the base case: wider, so it shows on both sides of it
        widths = {series.tx.v: series.graphicalProperties.line.width for series in chart.series}
        assert widths["with it: primary lower"] > widths["with it: base"]
    bar = charts[-1]
    assert len({colour_of(series.graphicalProperties.solidFill) for series in bar.series}) == len(tvws.POWER_CASES)


def test_the_figures_say_why_the_cases_lie_close_and_by_how_much(book):
    ws = book["Figures"]
    texts = [cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert any("not by accident" in text and "SINR = S / I" in text for text in texts)
    rows = rights_workbook._default_rows()
    for location in range(len(tvws.LOCATIONS_KM)):
        for case in range(1, len(tvws.POWER_CASES)):
            for extreme in ("min", "max"):
                sheet, row, column = rows.places[f"profile{location}_case{case}_change_db_{extreme}"]
                assert sheet == "Figures" and ws.cell(row, column).value.startswith(f"={extreme.upper()}(Profile!")


def test_print_settings(book):
    """A4 landscape, one page wide, titles repeated; Rings and Profile print their labels and first rings."""
    from _printing import print_area_columns

    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert (ws.page_setup.orientation, int(ws.page_setup.paperSize)) == ("landscape", int(ws.PAPERSIZE_A4)), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.print_title_rows, ws.title  # the status line and the title on every page
    for sheet in ("Rings", "Profile"):
        ws = book[sheet]
        assert print_area_columns(ws) == (1, rights_workbook.FIRST_RING_COLUMN + rights_workbook.PRINTED_RINGS - 1)
        assert ws.print_title_rows == f"$1:${rights_workbook.HEADER_ROW}"  # ring numbers and distances too
        assert ws.row_breaks.brk, sheet  # a block a page
    assert book["xlwings.conf"].sheet_state == "hidden"  # it holds no figure: not a page of its own
    cover = [cell.value for row in book["Cover"].iter_rows() for cell in row if isinstance(cell.value, str)]
    assert any(f"at most {rights_workbook.PRINTED_PAGES_AT_MOST} pages" in text for text in cover)
    assert all(text in cover for text in rights_workbook.PRINTOUT.values())


def test_what_the_reader_sees_fits(book):
    from _printing import addin_cells_that_do_not_fit, unstyled_fonts

    assert unstyled_fonts(book) == []
    assert addin_cells_that_do_not_fit(book) == []


def test_the_documented_cell_count_is_the_compared_one():
    prose = "\n".join(path.read_text() for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    count = len(rights_workbook.expected_cells(tvws.case()))
    assert f"compares {count:,} cells" in prose


@requires_libreoffice
@pytest.mark.libreoffice
def test_the_printout_has_at_most_the_pages_the_cover_states(generated):
    from _printing import printed_pages

    # before issue 20 it printed 60 pages, 39 of them the Rings sheet
    assert printed_pages(generated) <= rights_workbook.PRINTED_PAGES_AT_MOST
