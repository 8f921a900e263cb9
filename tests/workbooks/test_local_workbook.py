"""The local licences and 28 GHz coverage workbook: live formulas equal to Python.

Native formulas are the second reading of each price and range; the add-in's functions sit
beside them.  LibreOffice recalculates the workbook, with and without the add-in, and every
compared cell must equal :func:`xlspectrum.workbooks.local.expected_cells`.
"""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import FORMULAE

from xlspectrum.workbooks import local as local_workbook
from xlspectrum.cli import DEFAULT_WORKBOOKS, main
from xlspectrum.core.files import same_package
from xlspectrum.recalc import recalculate_libreoffice
from xlspectrum.hosts.registry import BY_EXCEL_NAME
from xlspectrum.workbooks.package import workbook_bytes
from conftest import requires_addin, requires_libreoffice

COMMITTED = Path(__file__).parents[2] / DEFAULT_WORKBOOKS["local"]
#: The coefficients of the published equations the native formulas write out: eq. (15)
#: (22.7, 36.7, 26), TR 38.901 UMi (32.4, 21, 20, 40, 9.5, 35.3, 22.4, 21.3, 0.3, 1.5, 4, 3E8,
#: 1E9 for GHz), the hexagon (3, 2), months (12), 10 MHz blocks (10, 9 for rounding), 360
#: degrees, km to m (1000), the MSP's 20-year right (20), 0 and 1.
EQUATION_CONSTANTS = {"0", "1", "2", "3", "4", "9", "10", "12", "20", "21", "26", "40", "360", "1000", "0.3", "1.5",
                      "9.5", "21.3", "22.4", "22.7", "32.4", "35.3", "36.7", "1000000000", "300000000"}
#: TR 38.901's ranges of validity (from xlspectrum.formulas.mmwave) and the thesis' printed numbers the
#: informational "Reproduces the thesis" block compares with (3,435, 12,240, 795, 200-300 m)
VALIDITY_AND_PRINTED = {"0.5", "100", "22.5", "5000", "3435", "12240", "795", "200", "300"}
ADDIN_CELLS = 5 * 2 + 8 + 2 + 8 * 2  # prices of both sites, coverage results, air and rain, the two ranges per level


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("local") / "local.xlsx"
    path.write_bytes(workbook_bytes(local_workbook.build_workbook()))
    return path


def formulas_of(book):
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    yield ws.title, cell.coordinate, cell.value


def test_sheets_functions_and_no_typed_numbers(generated):
    book = load_workbook(generated)
    assert book.sheetnames == ["Cover", "Pricing", "Coverage", "Checks", "xlwings.conf"]
    assert book.properties.keywords == local_workbook.MODEL_MARKER
    stripped = re.compile(r'"[^"]*"|\$?[A-Z]{1,3}\$?\d+|[A-Za-z_.]+!|[A-Z][A-Z0-9._]*\(')
    add_in_calls = 0
    for sheet, address, formula in formulas_of(book):
        names = set(re.findall(r"([A-Z][A-Z0-9._]*)\(", formula))
        add_in = names & set(BY_EXCEL_NAME)
        if add_in:
            add_in_calls += 1
            assert formula.startswith("=IFERROR(") and formula.endswith(',"no add-in")'), (sheet, address, formula)
        assert names - add_in <= set(FORMULAE), (sheet, address, names - add_in - set(FORMULAE))
        numbers = set(re.findall(r"\d+(?:\.\d+)?(?:E\d+)?", stripped.sub(" ", formula)))
        allowed = EQUATION_CONSTANTS | (VALIDITY_AND_PRINTED if sheet == "Checks" else set())
        assert numbers <= allowed, (sheet, address, numbers - allowed)
    assert add_in_calls == ADDIN_CELLS


def test_the_native_formulas_take_their_coefficients_from_the_formula_modules(monkeypatch):
    """Eq. (15)'s and TR 38.901's coefficients in the native cells are the formula modules'
    constants (changed there, they change in the workbook), not numbers typed again."""
    from xlspectrum.formulas import mmwave, propagation

    def formulas():
        return "\n".join(f for _, _, f in formulas_of(local_workbook.build_workbook()))

    before = formulas()
    monkeypatch.setattr(propagation, "UMI_EQ15_INTERCEPT_DB", 22.75)
    monkeypatch.setattr(mmwave, "UMI38901_NLOS_SLOPE_DB", 35.25)
    after = formulas()
    assert "22.75" not in before and "35.25" not in before
    assert after.count("22.75") == len(re.findall(r"(?<![\d.])22\.7(?!\d)", before)) == 11
    assert "/35.25)" in after and "/35.3)" not in after


def test_the_regulators_rules_come_from_the_pricing_module(generated):
    from xlspectrum.formulas import pricing

    sheet = load_workbook(generated)["Pricing"]
    assert sheet[local_workbook.pricing_cell("msp_c", absolute=False)].value == pricing.MSP_AUCTION9_PRICE_PER_MHZ
    assert sheet[local_workbook.pricing_cell("ofcom_fee", absolute=False)].value == pricing.OFCOM_LOW_POWER_GBP_PER_10MHZ_YEAR
    assert sheet[local_workbook.pricing_cell("bnetza_weight", absolute=False)].value == pricing.BNETZA_SETTLEMENT_WEIGHT


def test_inputs_read_back_and_python_reproduces_the_thesis(generated):
    inputs = local_workbook.read_inputs(generated)
    assert inputs == local_workbook.default_inputs()
    expected = local_workbook.expected_cells(inputs)
    lsp = lambda site: expected[f"Pricing!{local_workbook.pricing_cell('lsp', site, absolute=False)}"]  # noqa: E731
    assert round(lsp("rural")) == 3435 and round(lsp("campus")) == 12240  # thesis 4.4.5
    sites = expected[f"Coverage!{local_workbook.coverage_cell('sites_printed', absolute=False)}"]
    assert round(sites) == 795  # Appendix C's pico sites


def test_build_is_reproducible_and_the_committed_workbook_is_not_stale(generated):
    assert workbook_bytes(local_workbook.build_workbook()) == generated.read_bytes()
    assert COMMITTED.exists(), "run `xlspectrum build --model local`"
    assert same_package(COMMITTED.read_bytes(), generated.read_bytes()), "regenerate with `xlspectrum build --model local --force`"


def test_build_command(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--model", "local", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 0, result.output + result.stderr
    assert "3,435" in result.output and "12,240" in result.output
    assert "range 315 m by eq. (15), 628 m by TR 38.901 NLOS" in result.output
    refused = runner.invoke(main, ["build", "--model", "local", "-o", str(tmp_path / "y.xlsx"), "--set", "a=1"])
    assert refused.exit_code != 0 and "--set is for the thesis and interference models" in refused.stderr


@requires_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_without_the_add_in(generated):
    recalculated = recalculate_libreoffice(generated)
    recalculated.raise_for_problems()
    assert recalculated.value("Checks", "C4") is True
    mismatches, not_loaded, _ = local_workbook.compare(recalculated.values, local_workbook.expected_cells())
    assert mismatches == [] and not_loaded == ADDIN_CELLS


@requires_libreoffice
@requires_addin
@pytest.mark.libreoffice
def test_libreoffice_with_the_add_in_equals_python(generated):
    pytest.importorskip("itur")
    recalculated = recalculate_libreoffice(generated, with_addin=True)
    recalculated.raise_for_problems()
    assert recalculated.value("Checks", "C4") is True
    expected = local_workbook.expected_cells()
    mismatches, not_loaded, _ = local_workbook.compare(recalculated.values, expected)
    assert mismatches == [] and not_loaded == 0 and len(expected) == 119
    for row in range(6, 30):  # the thesis' own numbers, informational block
        label = recalculated.value("Checks", f"A{row}")
        if isinstance(label, str) and label.startswith(("LSP, rural", "LSP, campus", "Pico sites")):
            assert recalculated.value("Checks", f"C{row}") is True, label


@requires_libreoffice
@requires_addin
@pytest.mark.libreoffice
def test_edited_inputs_recalculate_equal_to_python(generated, tmp_path):
    """A 40 MHz campus licence bought two years after the auction at 3 % indexation; a 10 dB wall at a -95 dBm edge."""
    path = tmp_path / "edited.xlsx"
    book = load_workbook(generated)
    pricing_sheet, coverage = book["Pricing"], book["Coverage"]
    pricing_sheet[local_workbook.pricing_cell("bandwidth_mhz", "campus", absolute=False)].value = 40
    pricing_sheet[local_workbook.pricing_cell("years_since_auction", "campus", absolute=False)].value = 2
    pricing_sheet[local_workbook.pricing_cell("indexation_rate", absolute=False)].value = 0.03
    coverage[local_workbook.coverage_cell("wall_loss_db", absolute=False)].value = 10
    coverage[local_workbook.coverage_cell("signal_threshold_dbm", absolute=False)].value = -95
    book.save(path)
    result = CliRunner().invoke(main, ["recalc", str(path), "--with-addin"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "Every compared cell" in result.output and "agrees with Python" in result.output
    inputs = local_workbook.read_inputs(path)
    expected = local_workbook.expected_cells(inputs)
    recalculated = recalculate_libreoffice(path, with_addin=True)
    mismatches, _, _ = local_workbook.compare(recalculated.values, expected)
    assert mismatches == []
    assert recalculated.value("Pricing", local_workbook.pricing_cell("bnetza_bandwidth", "campus", absolute=False)) == 40
    # a district larger than the country fails the master check, named on the Checks sheet
    book = load_workbook(path)
    book["Pricing"][local_workbook.pricing_cell("area_population", "rural", absolute=False)].value = 5e6
    book.save(path)
    failed = recalculate_libreoffice(path)
    assert failed.value("Checks", "C4") is False
    result = CliRunner().invoke(main, ["recalc", str(path)])
    assert result.exit_code != 0 and "area_population=5e+06 must be <= national_population" in result.stderr


# ------------------------------------------------------------------ how it reads and prints
def test_the_range_chart_reads_as_its_table(generated):
    """The chart's levels run left to right as the table's columns (-70 ... -105 dBm), its curves in two
    colours a reader tells apart (not two greens), with different markers and dashes."""
    from _printing import chart_series_styles

    from xlspectrum.formulas import mmwave
    from xlspectrum.workbooks import style as sheets

    ws = load_workbook(generated)["Coverage"]
    (chart,) = ws._charts
    level_row = local_workbook.LEVELS.row("level")
    categories = chart.series[0].cat.numRef.f
    assert categories == f"'Coverage'!$C${level_row}:$J${level_row}"  # the table's row, in its column order
    assert [ws.cell(level_row, column).value for column in range(3, 11)] == list(mmwave.SIGNAL_LEVELS_DBM)
    assert chart.x_axis.scaling.orientation == "minMax" and not chart.y_axis.delete
    styles = chart_series_styles(chart)
    assert len({colour for colour, _, _ in styles}) == len({marker for _, _, marker in styles}) == len(styles) == 2
    assert {colour for colour, _, _ in styles} <= set(sheets.OKABE_ITO.values())


def test_print_settings_and_what_the_reader_sees(generated):
    from _printing import addin_cells_that_do_not_fit, column_width, unstyled_fonts

    book = load_workbook(generated)
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1, ws.title
    assert book["Checks"].page_setup.fitToHeight == 1  # one page
    assert book["xlwings.conf"].sheet_state == "hidden"
    assert unstyled_fonts(book) == []
    assert addin_cells_that_do_not_fit(book) == []
    coverage = book["Coverage"]
    assert column_width(coverage, 4) >= len(local_workbook.NOT_COMPUTED_ITU) + 1  # the air and rain cells when built
    cover = [cell.value for row in book["Cover"].iter_rows() for cell in row if isinstance(cell.value, str)]
    assert any(f"at most {local_workbook.PRINTED_PAGES_AT_MOST} pages" in text for text in cover)
    assert all(text in cover for text in local_workbook.PRINTOUT.values())


@requires_libreoffice
@pytest.mark.libreoffice
def test_the_printout_has_at_most_the_pages_the_cover_states(generated):
    from _printing import printed_pages

    assert printed_pages(generated) <= local_workbook.PRINTED_PAGES_AT_MOST  # 8 before issue 20 (xlwings.conf one)
