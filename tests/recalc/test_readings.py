"""One truth in every reading: the thesis workbook's Cover and Valuation sheet, recalculated by
LibreOffice and by ``formulas``, show what ``xlspectrum build`` and ``xlspectrum value`` print,
for the default forecast and after the user switches the forecast cell on Inputs."""

import re

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from xlspectrum.models.chapter8 import CROSS_CHECKS, HEADLINE, TABLE11
from xlspectrum.cli import main
from xlspectrum.models.costmodel.printed import PRINTED_SCENARIO, VALUATION_FORECAST
from xlspectrum.recalc import recalculate_formulas, recalculate_libreoffice
from xlspectrum.workbooks.thesis import cell_places, cover_cells, cover_rows, valuation_cell
from conftest import requires_libreoffice

ENGINES = {
    "libreoffice": pytest.param(recalculate_libreoffice, marks=[requires_libreoffice, pytest.mark.libreoffice]),
    "formulas": pytest.param(recalculate_formulas, marks=pytest.mark.slow),
}
FORECASTS = {"default": None, "switched": PRINTED_SCENARIO["demand_forecast"]}


def invoke(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def shown(value):
    """A recalculated cell as the command line prints it."""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, (int, float)):
        return f"{value:,.1f}"
    return value


def build_lines(output):
    """``label: value`` lines and the valuation block (``label  model  thesis``) of ``build``'s summary."""
    scenario = dict(re.findall(r"^  ([^:\n]+?): (.+)$", output, re.MULTILINE))
    valuation = {}
    for label, _ in HEADLINE:
        line = next(line for line in output.splitlines() if line.startswith(f"  {label} "))
        model, thesis = re.findall(r"-?[\d,]+\.\d|not printed", line[len(label) + 2:])
        valuation[label] = (model, thesis)
    return scenario, valuation


def value_table(output, table="Table 11"):
    """The rows of a table of ``value``: method -> the four figures as printed."""
    block = output.split(f"\n{table}")[1].split("\n\n")[0]
    rows = {}
    for method, _, _ in TABLE11:
        line = next((line for line in block.splitlines() if line.startswith(method)), None)
        if line is not None:
            rows[method] = re.findall(r"-?[\d,]+\.\d+|not printed", line[len(method):])
    return rows


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """The default workbook as `xlspectrum build` writes it, and a copy with the forecast cell switched."""
    folder = tmp_path_factory.mktemp("readings")
    default = folder / "default.xlsx"
    output = invoke("build", "-o", str(default))
    switched = folder / "switched.xlsx"
    book = load_workbook(default)
    _, row, _ = cell_places()["demand_forecast"]
    book["Inputs"][f"C{row}"] = FORECASTS["switched"]  # as a user picks it from the drop-down
    book.save(switched)
    other = invoke("build", "-o", str(folder / "other.xlsx"), "--set", f"demand_forecast={FORECASTS['switched']}")
    return {"default": (default, output), "switched": (switched, other)}


@pytest.mark.parametrize("forecast", FORECASTS)
@pytest.mark.parametrize("engine", ENGINES.values(), ids=ENGINES)
def test_cover_and_valuation_sheet_show_what_the_commands_print(workbooks, forecast, engine):
    path, build_output = workbooks[forecast]
    demand = FORECASTS[forecast] or VALUATION_FORECAST
    recalculated = engine(path)
    assert recalculated.problems() == {}
    cells = cover_cells()
    got = lambda address: recalculated.value(*address.split("!"))  # noqa: E731

    # the first line of each command and the Cover name the forecast
    assert build_output.splitlines()[0].endswith(f"demand forecast {demand} ({got(cells['input:demand_forecast'].replace('B', 'C'))})")
    assert got("Cover!A3").startswith(f"Demand forecast: {demand} - ")
    value_output = invoke("value", "--demand", demand)
    assert f"demand forecast {demand} (" in value_output.splitlines()[0]

    scenario, valuation = build_lines(build_output)
    for label, what in cover_rows():
        if what.startswith("valuation:"):
            model, thesis = valuation[label]
            assert (shown(got(cells[f"{what}:model"])), shown(got(cells[f"{what}:thesis"]))) == (model, thesis), label
        else:
            printed = scenario[label]
            cell = shown(got(cells[what]))
            if what == "input:wacc":
                cell = f"{got(cells[what]):.1%}"
            if what == "check:printed":  # the count, then the Cover's note in brackets
                cell = f"{cell} ({got(cells[what].replace('B', 'C'))})"
            assert cell == printed, label

    # the Valuation sheet's Table 11 block is what `value` prints
    table = value_table(value_output)
    for method, value_key, per_key in TABLE11:
        expected = []
        for basis in ("thesis", "model"):
            amount = got(valuation_cell(value_key, basis))
            if isinstance(amount, str):
                expected.append("not printed")
            else:
                expected += [f"{amount / 1e6:,.1f}", f"{got(valuation_cell(per_key, basis)):.3f}"]
        assert table[method] == expected, method
    # the real-options steps too
    for key in ("s", "k", "option", "npv_mmwave", "project"):
        line = next(line for line in value_output.splitlines() if f"({key})" in line or line.strip().startswith(
            {"s": "S:", "k": "K:", "option": "Option value", "npv_mmwave": "NPV", "project": "Project value"}[key]))
        numbers = re.findall(r"-?[\d,]+\.\d+|not printed", line)
        model = got(valuation_cell(key, "model"))
        assert numbers[-1] == f"{model / 1e6:,.1f}", key
    if engine is recalculate_formulas:  # the add-in's functions registered in formulas agree with the native cells
        for key in CROSS_CHECKS:
            sheet, address = valuation_cell(key, "model").split("!")
            native, add_in = recalculated.value(sheet, address), recalculated.value(sheet, f"E{address[1:]}")
            assert add_in == pytest.approx(native, rel=1e-9), key


@requires_libreoffice
@pytest.mark.libreoffice
def test_nz700_scenarios_are_the_same_in_the_workbook_and_the_command(tmp_path):
    from xlspectrum.workbooks import exchange as exchange_workbook
    from xlspectrum.models import nz700

    path = tmp_path / "exchange.xlsx"
    invoke("build", "--model", "exchange", "-o", str(path))
    recalculated = recalculate_libreoffice(path)
    got = lambda address: recalculated.value(*address.replace("'", "").replace("$", "").split("!"))  # noqa: E731
    table = nz700.scenario_table()
    command = invoke("auction", "--example", "nz700")
    headline = exchange_workbook.cover_headline(exchange_workbook.layout())
    for row in table.itertuples():
        for rule, key in (("pay_as_bid", "total"), ("vcg", "total_vcg")):
            if rule not in row.rules.split(", "):
                continue
            for bidder in ("A", "B", "C"):  # the NZ 700 sheet
                assert got(f"NZ 700!{exchange_workbook.nz_cell(row.scenario, bidder, key)}") == pytest.approx(
                    getattr(row, bidder)), (row.scenario, rule, bidder)
            # the Cover names the scenario as the command does and shows the same total
            cover = next(formula for text, pricing, _, formula, _, _ in headline
                         if (text, pricing) == (f"NZ 700: {row.title}", exchange_workbook.NZ_PRICINGS[rule]))
            assert got(cover[1:]) == pytest.approx(row.total)
            line = next(line for line in command.splitlines() if line.startswith(row.title) and f" {rule}" in line)
            assert re.findall(r"[\d,]+\.\d", line)[-4:] == [f"{getattr(row, c) / 1e6:,.1f}" for c in ("A", "B", "C", "total")]
