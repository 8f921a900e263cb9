"""A workbook calling the add-in's functions, evaluated headlessly by ``formulas``."""

import openpyxl
import pytest

import xlspectrum
from xlspectrum.hosts.formulas_engine import calculate


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "functions.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Functions"
    ws["A1"], ws["A2"], ws["A3"] = 0, 110, 121
    ws["B1"] = 0.1
    cells = {
        "C1": "=FSPL(1, 1000)",
        "C2": "=COST231(1800, 1, 30, 1.5)",
        "C3": "=COST231(1800, 1, 30, 1.5, TRUE)",
        "C4": "=NPV_T0(B1, A1:A3)",
        "C5": "=LSP_PRICE(22000000, 5, 0.94*4430000, 10, 20000, 18, 500)",
        "C6": "=BLACK_SCHOLES_OPTION(1038, 1289, 5, 0.0364, 0.376)",
        "C7": "=DEPRIVAL(734, 1289)",
        "C8": "=BENCHMARK_VALUE(0.09, 1000, 4746100)",
        "C9": "=LINK_BUDGET()",
        "C10": "=FSPL(-1, 1000)",
        "C11": "=FSPL(D1, 1000)",
        "C12": "=C6 - 251",
        "C13": "=NPV(B1, A1:A3)",
    }
    for address, formula in cells.items():
        ws[address] = formula
    wb.save(path)
    return calculate(path)[0]


def test_functions_evaluate_as_in_python(evaluated):
    v = {k.split("!")[1]: val for k, val in evaluated.items()}
    assert v["C1"] == pytest.approx(92.42)
    assert v["C2"] == pytest.approx(xlspectrum.cost231_hata(1800, 1, 30, 1.5))
    assert v["C3"] == pytest.approx(v["C2"] + 3)
    assert v["C4"] == pytest.approx(200.0)
    assert round(v["C5"]) == 12240
    assert round(v["C6"]) == 326
    assert v["C7"] == -555
    assert round(v["C8"] / 1e6) == 427
    assert round(v["C9"], 1) == 136.2
    assert round(v["C12"]) == 75


def test_builtin_npv_discounts_the_first_flow_but_ours_does_not(evaluated):
    v = {k.split("!")[1]: val for k, val in evaluated.items()}
    assert v["C13"] == pytest.approx(v["C4"] / 1.1)


def test_errors_reach_the_cell_as_one_line(evaluated):
    v = {k.split("!")[1]: val for k, val in evaluated.items()}
    assert v["C10"].startswith("#NUM! distance_km=-1")
    assert v["C11"].startswith("#VALUE! distance_km is empty")
