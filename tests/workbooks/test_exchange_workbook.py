"""The exchange: the rights-market example by hand, the workbook's conventions, and LibreOffice equal to Python."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import FORMULAE
from openpyxl.worksheet.formula import ArrayFormula

from xlspectrum.workbooks import exchange as exchange_workbook
from xlspectrum.models import rights_market
from xlspectrum.cli import DEFAULT_WORKBOOKS, main
from xlspectrum.core.files import same_package
from xlspectrum.recalc import (
    recalculate_libreoffice,
    values_only_workbook,
)
from xlspectrum.hosts.registry import BY_EXCEL_NAME
from xlspectrum.workbooks.package import workbook_bytes
from conftest import requires_addin, requires_libreoffice

ROOT = Path(__file__).parents[2]
COMMITTED = ROOT / DEFAULT_WORKBOOKS["exchange"]


def test_rights_market_by_hand():
    """Reserves 309,091 / 285,665 / 251,827 (eq. (12) on the TV white-space case); S4's pair (700,000) and S3 (280,000)
    beat S1 + S2's pair (950,000) and S4 + the unsold IR-100 (951,827): welfare 980,000."""
    reserves = rights_market.register()["reserve_price"]
    assert reserves.round().tolist() == [309_091, 285_665, 251_827]
    vcg = rights_market.clear("vcg")
    assert vcg["won"].tolist() == [False, False, False, True, True] and vcg.attrs["welfare"] == pytest.approx(980_000)
    # VCG: S4 pays 950,000 - 280,000; S3 pays 951,827 - 700,000, its lot's reserve
    assert vcg["payment"].tolist()[3:] == pytest.approx([reserves["IR-100"], 670_000])
    # S1 and S2 would pay the seller 950,000 > 921,827: the core lifts revenue to 950,000
    core = rights_market.clear("core_vcg_nearest")
    gap = (950_000 - vcg.attrs["revenue"]) / 2
    assert core["payment"].tolist()[3:] == pytest.approx([reserves["IR-100"] + gap, 670_000 + gap])
    nearest_bids = rights_market.clear("core_bid_nearest")
    assert nearest_bids["payment"].tolist()[3:] == pytest.approx([265_000, 685_000], rel=1e-7)  # HiGHS QP tolerance
    assert rights_market.clear("pay_as_bid").attrs["revenue"] == 980_000


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("exchange") / "exchange.xlsx"
    path.write_bytes(workbook_bytes(exchange_workbook.build_workbook()))
    return path


def formulas_of(book):
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value.text if isinstance(cell.value, ArrayFormula) else cell.value
                if isinstance(text, str) and text.startswith("="):
                    yield ws.title, cell.coordinate, text


def test_sheets_functions_and_no_typed_numbers(generated):
    book = load_workbook(generated)
    assert book.sheetnames == ["Cover", "Register", "Bids", "NZ inputs", "Clearing", "NZ 700", "Checks", "xlwings.conf"]
    assert book.properties.keywords == exchange_workbook.MODEL_MARKER
    known = set(FORMULAE)
    stripped = re.compile(r'"[^"]*"|\$?[A-Z]{1,3}\$?\d+|\'[^\']+\'!|[A-Za-z_.]+!|[A-Z][A-Z0-9.]*\(')
    add_in_calls = 0
    for sheet, address, formula in formulas_of(book):
        names = set(re.findall(r"([A-Z][A-Z0-9._]*)\(", formula))
        add_in = names & set(BY_EXCEL_NAME)
        if add_in:  # every add-in call says so where the add-in is not loaded
            add_in_calls += 1
            assert "IFERROR(" in formula and formula.endswith(',"no add-in")') or \
                formula.endswith('"no add-in"),"no round")'), (sheet, address, formula)
        assert names - add_in <= known, (sheet, address, names - add_in - known)
        numbers = set(re.findall(r"\d+(?:\.\d+)?", stripped.sub(" ", formula)))
        assert numbers <= {"0", "1", "2", "1000000"}, (sheet, address, formula, numbers)
    assert add_in_calls == 3 + 5 + 4 + 3  # reserves, values, four rules, the NZ supplementary round of each scenario


def test_inputs_match_the_python_examples(generated):
    lots, bids = exchange_workbook.read_tables(generated)
    assert lots["reserve_price"].tolist() == pytest.approx(rights_market.register()["reserve_price"].tolist())
    assert bids["value"].tolist() == rights_market.bids()["value"].tolist()
    assert exchange_workbook.nz_inputs_are_defaults(generated)


@requires_libreoffice
@pytest.mark.libreoffice
def test_the_printed_inputs_reproduce_the_thesis(generated):
    recalculated = recalculate_libreoffice(generated)
    checks = load_workbook(generated)["Checks"]
    rows = [r for r in range(1, 60) if (checks.cell(r, 1).value or "").startswith("NZ 700 as held: bidder")]
    labels = [checks.cell(r, 1).value for r in range(rows[0], rows[0] + 6)]
    assert len(labels) == 6 and all(recalculated.value("Checks", f"C{r}") is True for r in range(rows[0], rows[0] + 6)), labels


def test_build_is_reproducible_and_the_committed_workbook_is_not_stale(generated):
    assert workbook_bytes(exchange_workbook.build_workbook()) == generated.read_bytes()
    assert COMMITTED.exists(), "run `xlspectrum build --model exchange`"
    assert same_package(COMMITTED.read_bytes(), generated.read_bytes()), "regenerate with `xlspectrum build --model exchange --force`"


def test_build_command(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--model", "exchange", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 0, result.output + result.stderr
    assert "core_vcg_nearest" in result.output and "950,000" in result.output
    refused = runner.invoke(main, ["build", "--model", "exchange", "-o", str(tmp_path / "y.xlsx"), "--set", "a=1"])
    assert refused.exit_code != 0 and "--set is for the thesis and interference models" in refused.stderr


@requires_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_without_the_add_in(generated, tmp_path):
    recalculated = recalculate_libreoffice(generated)
    recalculated.raise_for_problems()
    assert recalculated.value("Checks", "C4") is True
    lots, bids = exchange_workbook.read_tables(generated)
    mismatches, not_loaded, _ = exchange_workbook.compare(recalculated.values, exchange_workbook.expected_cells(lots, bids))
    assert mismatches == [] and not_loaded == 4 * 2 * len(bids) + 4 * 2  # the rule columns and their totals
    grid = exchange_workbook.layout()
    assert recalculated.value("Clearing", f"{exchange_workbook._col(grid.first_rule_column)}{grid.bid_row}") == "no add-in"


@requires_libreoffice
@requires_addin
@pytest.mark.libreoffice
def test_libreoffice_with_the_add_in_equals_python_every_rule(generated, tmp_path):
    recalculated = recalculate_libreoffice(generated, with_addin=True)
    recalculated.raise_for_problems()
    assert recalculated.value("Checks", "C4") is True
    lots, bids = exchange_workbook.read_tables(generated)
    expected = exchange_workbook.expected_cells(lots, bids)
    mismatches, not_loaded, _ = exchange_workbook.compare(recalculated.values, expected)
    assert mismatches == [] and not_loaded == 0 and len(expected) == 181
    # the values-only copy keeps every cell an array formula fills
    values = tmp_path / "values.xlsx"
    values.write_bytes(values_only_workbook(generated, recalculated))
    grid = exchange_workbook.layout()
    _, paid = grid.rule_columns("core_vcg_nearest")
    sheet = load_workbook(values)["Clearing"]
    assert sheet.cell(grid.bid_row + 4, paid).value == pytest.approx(rights_market.clear("core_vcg_nearest")["payment"].iloc[4])


@requires_libreoffice
@requires_addin
@pytest.mark.libreoffice
def test_edited_bids_and_nz_inputs_recalculate_equal_to_python(generated, tmp_path):
    """S1 doubles its customers (S1 + S2 now win) and B bids NZ$ 90 M for the ninth lot (B wins it; A's 83 M sets VCG)."""
    path = tmp_path / "edited.xlsx"
    book = load_workbook(generated)
    book["Bids"]["G6"].value = 50_000
    nz = book["NZ inputs"]
    nz.cell(exchange_workbook.NZ_BIDS_ROW + 1, 4).value = 90e6
    book.save(path)
    result = CliRunner().invoke(main, ["recalc", str(path), "--with-addin"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "NZ inputs edited" in result.output
    recalculated = recalculate_libreoffice(path, with_addin=True)
    lots, bids = exchange_workbook.read_tables(path)
    assert rights_market.clear("vcg", bids, lots)["won"].tolist()[:2] == [True, True]
    mismatches, _, _ = exchange_workbook.compare(recalculated.values, exchange_workbook.expected_cells(lots, bids, nz=False))
    assert mismatches == []
    # NZ: B takes the ninth lot at its bid; under VCG it pays A's 83 M, the highest losing bid
    b = exchange_workbook.nz_cell("printed", "B", "supplementary")
    b_vcg = exchange_workbook.nz_cell("printed", "B", "supplementary_vcg")
    assert recalculated.value("NZ 700", b) == 90e6 and recalculated.value("NZ 700", b_vcg) == 83e6
    assert recalculated.value("Checks", "C4") is True
    checks = load_workbook(path)["Checks"]
    row = next(r for r in range(1, 60) if (checks.cell(r, 1).value or "").startswith("NZ 700 as held: bidder B"))
    assert recalculated.value("Checks", f"C{row}") is False  # no longer Table 3, and the sheet says so
