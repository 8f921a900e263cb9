"""The generated workbook: structure, conventions, formula lint, staleness and build safety."""

import re
from pathlib import Path

import formulas
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.formula.translate import Translator
from openpyxl.utils import FORMULAE

from xlspectrum.models.chapter8 import UHF
from xlspectrum.cli import DEFAULT_WORKBOOK, main
from xlspectrum.models.costmodel import INPUTS, ITEMS
from xlspectrum.workbooks.thesis import (
    FIRST_YEAR_COLUMN,
    LAST_YEAR_COLUMN,
    build_workbook,
    cell_places,
    read_inputs,
    save_atomically,
)

ROOT = Path(__file__).parents[2]
COMMITTED = ROOT / DEFAULT_WORKBOOK
#: numbers a formula may contain: universal constants (design.md convention 5): the square of
#: A = 2.6 r2, months, minutes, bits, seconds, per-100 and per-million scales
UNIVERSAL_CONSTANTS = {"0", "1", "2", "8", "12", "60", "100", "3600", "1000000"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "model.xlsx"
    save_atomically(build_workbook(), path)
    return path


@pytest.fixture(scope="module")
def book(generated):
    return load_workbook(generated)


def all_formulas(book):
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    yield ws.title, cell.coordinate, cell.value


def test_sheets_by_purpose(book):
    model = ["Demand", "Coverage", "Capacity", "Core", "Transmission", "Costs", "Revenue", "Outputs"]
    assert book.sheetnames == (["Cover", "Inputs", *model, "Valuation", "Sensitivity", "Checks", "UHF Inputs"]
                               + [f"UHF {name}" for name in model] + ["xlwings.conf"])


def test_xlwings_conf_points_at_the_excel_module(book):
    ws = book["xlwings.conf"]
    assert (ws["A1"].value, ws["B1"].value) == ("UDF Modules", "xlspectrum.excel")


def test_every_function_is_a_known_excel_function(book):
    from xlspectrum.hosts.registry import BY_EXCEL_NAME

    known = set(FORMULAE) | {n.removeprefix("_XLFN.") for n in formulas.get_functions() if n.startswith("_XLFN.")}
    used = set()
    for sheet, address, formula in all_formulas(book):
        names = set(re.findall(r"([A-Z][A-Z0-9._]*)\(", formula.replace("_xlfn.", "")))
        add_in = names & set(BY_EXCEL_NAME)
        # the add-in's functions appear only as cross-checks that fall back to text without the add-in
        assert not add_in or formula.startswith("=IFERROR("), (sheet, address, formula)
        used |= names - add_in
    assert used and used <= known, used - known


def test_no_numbers_typed_in_formulas(book):
    stripped = re.compile(r'"[^"]*"|\$?[A-Z]{1,3}\$?\d+|[A-Za-z_.]+!|[A-Z][A-Z0-9.]*\(')
    for sheet, address, formula in all_formulas(book):
        numbers = set(re.findall(r"\d+(?:\.\d+)?(?:E[-+]?\d+)?", stripped.sub(" ", formula)))
        assert numbers <= UNIVERSAL_CONSTANTS, (sheet, address, formula, numbers - UNIVERSAL_CONSTANTS)


@pytest.mark.parametrize("instance", ["", UHF])
def test_one_formula_per_row_across_the_years(book, instance):
    places = cell_places(instance)
    for item in ITEMS:
        if item.scalar:
            continue
        sheet, row, _ = places[item.key]
        ws = book[sheet]
        first = ws.cell(row, FIRST_YEAR_COLUMN)
        for column in range(FIRST_YEAR_COLUMN + 1, LAST_YEAR_COLUMN + 1):
            cell = ws.cell(row, column)
            assert Translator(first.value, origin=first.coordinate).translate_formula(cell.coordinate) == cell.value, item.key


def test_every_line_item_has_label_unit_and_the_thesis_label(book):
    places = cell_places()
    for item in ITEMS:
        sheet, row, _ = places[item.key]
        ws = book[sheet]
        assert ws.cell(row, 1).value == item.label and ws.cell(row, 2).value == item.unit


def test_inputs_are_styled_and_carry_their_source(book):
    ws = book["Inputs"]
    places = cell_places()
    for key, item in INPUTS.items():
        _, row, scalar = places[key]
        cell = ws.cell(row, 3 if scalar else FIRST_YEAR_COLUMN)
        assert cell.font.color.rgb.endswith("0000FF") and cell.fill.fgColor.rgb.endswith("FFF2CC"), key
        assert ws.cell(row, LAST_YEAR_COLUMN + 1).value == item.source


def test_calculation_sheets_hold_no_typed_values(book):
    for name in [n for n in book.sheetnames if n.removeprefix("UHF ") in
                 ("Demand", "Coverage", "Capacity", "Core", "Transmission", "Costs", "Revenue", "Outputs", "Valuation")]:
        ws = book[name]
        for row in ws.iter_rows(min_row=5, min_col=3, max_col=LAST_YEAR_COLUMN):
            for cell in row:
                assert cell.value is None or isinstance(cell.value, str), (name, cell.coordinate, cell.value)


def test_timeline_frozen_and_years(book):
    for name in ("Inputs", "Demand", "Costs", "Outputs"):
        assert book[name].freeze_panes == "E6"
    assert book["Inputs"]["F3"].value == "=E3+1" and book["Demand"]["E3"].value == "=Inputs!E3"


def test_demand_selector_has_a_dropdown(book):
    ws = book["Inputs"]
    _, row, _ = cell_places()["demand_forecast"]
    validations = [dv for dv in ws.data_validations.dataValidation if f"C{row}" in str(dv.sqref).split()]
    assert validations and validations[0].type == "list"


def test_charts_present(book):
    titles = [c.title.tx.rich.p[0].r[0].t for c in book["Outputs"]._charts]
    assert any("Figure 38" in t for t in titles) and any("Cost by category" in t for t in titles)
    assert [c.title.tx.rich.p[0].r[0].t for c in book["Valuation"]._charts] == ["Valuation of 28 GHz spectrum by method (NZ$)"]


def test_uhf_inputs_link_to_inputs_except_the_network_overrides(book):
    from xlspectrum.models.chapter8 import UHF_OVERRIDES

    ws, main_places, uhf_places = book["UHF Inputs"], cell_places(), cell_places(UHF)
    for key, item in INPUTS.items():
        _, row, scalar = uhf_places[key]
        value = ws.cell(row, 3 if scalar else FIRST_YEAR_COLUMN).value
        if key in UHF_OVERRIDES:
            assert value == UHF_OVERRIDES[key], key
        else:
            assert value == f"=Inputs!{'C' if scalar else 'E'}{main_places[key][1]}", key


def test_valuation_sheet_has_both_columns_and_add_in_cross_checks(book):
    from xlspectrum.models.chapter8 import CROSS_CHECKS
    from xlspectrum.workbooks.thesis import valuation_cell

    ws = book["Valuation"]
    assert (ws["C5"].value, ws["D5"].value) == ("Thesis inputs", "This model")
    for key, (function, _) in CROSS_CHECKS.items():
        row = valuation_cell(key, "model").split("!")[1][1:]
        assert ws[f"E{row}"].value.startswith(f"=IFERROR({function}(")


def test_committed_default_workbook_is_not_stale(generated):
    assert COMMITTED.exists(), "run `xlspectrum build` to generate the default workbook"
    from xlspectrum.core.files import same_package

    # byte for byte in what the package holds, so `xlspectrum build` leaves the committed file alone
    assert same_package(COMMITTED.read_bytes(), Path(generated).read_bytes()), "regenerate with `xlspectrum build --force`"


def test_read_inputs_round_trips(tmp_path):
    path = save_atomically(build_workbook({"demand_forecast": "usage", "population": 5e6}), tmp_path / "x.xlsx")
    read = read_inputs(path)
    assert read["demand_forecast"] == "usage" and read["population"] == 5e6
    assert read["rollout"][:6] == pytest.approx([0.05, 0.2, 0.25, 0.25, 0.2, 0.05])


@pytest.mark.slow
def test_build_never_overwrites_a_changed_file(tmp_path):
    runner = CliRunner()
    target = tmp_path / "m.xlsx"
    assert runner.invoke(main, ["build", "-o", str(target)]).exit_code == 0
    # rebuilding the same content is allowed (the README's main command is re-runnable)
    assert runner.invoke(main, ["build", "-o", str(target)]).exit_code == 0
    book = load_workbook(target)
    book["Inputs"]["C5"] = "my own edit"
    book.save(target)
    before = target.read_bytes()
    refused = runner.invoke(main, ["build", "-o", str(target), "--set", "demand_forecast=usage"])
    assert refused.exit_code != 0 and "--force" in refused.output
    assert target.read_bytes() == before
    forced = runner.invoke(main, ["build", "-o", str(target), "--force", "--set", "demand_forecast=usage"])
    assert forced.exit_code == 0 and "usage" in forced.output
    assert [p.name for p in tmp_path.iterdir()] == ["m.xlsx"]  # no temporary file left behind


def test_build_rejects_bad_settings(tmp_path):
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "x.xlsx"), "--set", "demand_forecast=lots"])
    assert result.exit_code != 0 and "demand_forecast='lots' must be one of" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def _three_models():
    from xlspectrum.models.costmodel import APPENDIX_C, UHF_700

    wide = APPENDIX_C.with_overrides(name="wide", label="800 MHz carrier network", carrier_bandwidth_mhz=800)
    return (APPENDIX_C, UHF_700, wide)


def test_the_generator_writes_a_list_of_models():
    models = _three_models()
    book = build_workbook(models=models)
    model_sheets = ["Demand", "Coverage", "Capacity", "Core", "Transmission", "Costs", "Revenue", "Outputs"]
    assert book.sheetnames[-10:] == ["WIDE Inputs"] + [f"WIDE {name}" for name in model_sheets] + ["xlwings.conf"]
    places, main = cell_places("wide", models), cell_places("", models)
    ws = book["WIDE Inputs"]
    carrier, wacc = places["carrier_bandwidth_mhz"][1], places["wacc"][1]
    assert ws[f"C{carrier}"].value == 800 and ws[f"C{carrier}"].font.color.rgb == "000000FF"  # typed: blue
    assert ws[f"C{wacc}"].value == f"=Inputs!C{main['wacc'][1]}"  # the rest linked to the main Inputs
    assert ws["A2"].value == "WIDE Inputs (800 MHz carrier network)"
    cover = [row for row in book["Cover"].iter_rows(values_only=True) if row[0] == "WIDE Inputs"]
    assert cover and cover[0][1].startswith("800 MHz carrier network: every input")
    # the main model's sheets are the same with or without the third
    default = build_workbook()
    for name in ("Inputs", "Costs", "Valuation"):
        assert [[c.value for c in r] for r in book[name].iter_rows()] == [[c.value for c in r] for r in default[name].iter_rows()]


def test_models_must_name_the_network_the_valuation_uses():
    from xlspectrum.models.costmodel import APPENDIX_C, UHF_700

    with pytest.raises(ValueError, match="'uhf_700'"):
        build_workbook(models=(APPENDIX_C,))
    with pytest.raises(ValueError, match="distinct names"):
        build_workbook(models=(APPENDIX_C, UHF_700, UHF_700))


def test_a_cell_address_needs_no_workbook():
    """cell_places and cover_cells are a lookup in the shared layout (no workbook is built):
    the same places as the whole build, every instance, and the Cover's figures too."""
    import openpyxl

    from xlspectrum.models.costmodel.networks import MODELS
    from xlspectrum.workbooks import thesis

    def places(layout):
        return {key: (p.sheet, p.row, p.column, p.scalar) for key, p in layout.places.items()}

    full = thesis._assemble(None, MODELS)[1]
    built = openpyxl.Workbook
    try:
        openpyxl.Workbook = thesis.Workbook = None  # placing must not touch openpyxl
        light = thesis._place(MODELS)
    finally:
        openpyxl.Workbook = thesis.Workbook = built
    assert places(light) == places(full)
    assert light.cover == full.cover and len(full.cover) > 10
    assert {name: places(layout) for name, layout in light.others.items()} == \
        {name: places(layout) for name, layout in full.others.items()}
