"""LibreOffice Calc: the generated extension computes every function in a real spreadsheet engine.

Needs LibreOffice and a Python environment for LibreOffice's Python with xlspectrum
(``XLSPECTRUM_LO_PYTHON_ENV``; ``.ci/run`` makes ``.ci/lo-venv``). The expected values are
the Python layer's own answers for the same cells (:func:`xlspectrum.hosts.marshal.call_excel_function`).
"""

import math
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from xlspectrum.hosts import xlwings_classic as excel, libreoffice
from xlspectrum.models.chapter8 import CROSS_CHECKS
from xlspectrum.cli import main
from xlspectrum.recalc import recalculate_libreoffice, soffice_path
from xlspectrum.hosts.registry import BY_EXCEL_NAME, FUNCTIONS
from xlspectrum.workbooks.thesis import build_workbook, save_atomically, valuation_cell

from test_excel import GOOD_CALLS
from _host_cases import empty_middle_calls, wrong_choice_calls, wrong_choice_text

ROOT = Path(__file__).resolve().parents[2]

requires_addin = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed"),
    pytest.mark.skipif(not os.environ.get(libreoffice.PYTHON_ENV_VARIABLE),
                       reason=f"{libreoffice.PYTHON_ENV_VARIABLE} is not set (.ci/run makes .ci/lo-venv)"),
]


def test_the_extension_and_basic_module_come_from_the_registry(tmp_path):
    result = CliRunner().invoke(main, ["addin", "libreoffice", "-o", str(tmp_path / "x.oxt"), "--basic", str(tmp_path / "x.bas")])
    assert result.exit_code == 0, result.output + result.stderr
    with zipfile.ZipFile(tmp_path / "x.oxt") as package:
        assert {"META-INF/manifest.xml", "description.xml", "xlspectrum_functions.py"} <= set(package.namelist())
        component = package.read("xlspectrum_functions.py").decode()
    compile(component, "xlspectrum_functions.py", "exec")
    basic = (tmp_path / "x.bas").read_text()
    for spec in FUNCTIONS:
        header = f"Function {spec.excel_name}(" + ", ".join(f"Optional {a.name} As Variant" for a in spec.arguments)
        assert header in basic
    # every function traps every error: an untrapped Basic error hangs headless LibreOffice
    assert basic.count("On Error GoTo failed") == len(FUNCTIONS) + 1


def test_a_python_env_that_is_not_one_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["addin", "libreoffice", "-o", str(tmp_path / "x.oxt"), "--python-env", str(tmp_path)])
    assert result.exit_code != 0 and "is not a virtual environment" in result.stderr


def test_libreoffice_gets_its_own_python_first_on_path(tmp_path, monkeypatch):
    """Another python3 first on PATH breaks LibreOffice's embedded Python (unopkg: std::bad_alloc)."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /somewhere/else/bin\n")
    monkeypatch.setenv("PATH", os.pathsep.join([str(venv / "bin"), "/opt/python/bin", "/usr/bin", "/bin"]))
    for variable in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH"):
        monkeypatch.setenv(variable, str(venv))
    environment = libreoffice.process_environment(tmp_path / "home")
    assert environment["PATH"].split(os.pathsep) == ["/usr/bin", "/opt/python/bin", "/bin"]
    assert not {"VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH"} & set(environment)
    assert environment["HOME"] == str(tmp_path / "home")
    lo_env = tmp_path / "lo-env"
    assert libreoffice.process_environment(tmp_path, lo_env)["PATH"].split(os.pathsep)[0] == str(lo_env / "bin")


@pytest.mark.slow
def test_the_addin_installs_with_another_python3_first_on_path(tmp_path, monkeypatch):
    """The case that failed: a python3 that is not LibreOffice's (here the test's own) first on PATH."""
    import sys

    if os.path.realpath(sys.executable) == os.path.realpath("/usr/bin/python3"):
        pytest.skip("the tests run on LibreOffice's own Python")
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "python3").symlink_to(os.path.realpath(sys.executable))
    monkeypatch.setenv("PATH", f"{shadow}{os.pathsep}{os.environ['PATH']}")
    book = Workbook()
    book.active["A1"] = "=FSPL(1,900)"
    path = tmp_path / "fspl.xlsx"
    book.save(path)
    recalculated = recalculate_libreoffice(path, with_addin=True)
    assert recalculated.value(book.active.title, "A1") == pytest.approx(BY_EXCEL_NAME["FSPL"].python(1, 900))


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_recalc_with_addin_makes_its_python_environment_on_first_use(tmp_path):
    """A user who installed xlspectrum and activated its environment: no --python-env, no variable."""
    import json
    import subprocess
    import sys
    import time

    from openpyxl import load_workbook

    book = Workbook()
    ws = book.active
    ws.title = "Mine"
    ws["A1"], ws["B1"] = 2.5, 1800
    ws["A2"] = "=FSPL(A1,B1)"
    ws["A3"] = '=COST231(B1,A1,30,1.5)'
    bidders, values, quantities = GOOD_CALLS["AUCTION_CLEAR"][0]
    for r, (bidder, value, quantity) in enumerate(zip(bidders, values, quantities), start=10):
        ws.cell(r, 1, bidder[0]), ws.cell(r, 2, value[0]), ws.cell(r, 3, quantity[0]), ws.cell(r, 4, quantity[1])
    ws["E10"], ws["F10"] = 1, 1
    ws["A5"] = '=AUCTION_CLEAR(A10:A12,B10:B12,C10:D12,E10:F10,0,"core_vcg_nearest")'  # the core rule needs highspy
    path = tmp_path / "mine.xlsx"
    book.save(path)
    cache = tmp_path / "cache"
    environment = {key: value for key, value in os.environ.items() if key != libreoffice.PYTHON_ENV_VARIABLE}
    environment.update(XDG_CACHE_HOME=str(cache), VIRTUAL_ENV=sys.prefix,
                       PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    command = [str(Path(sys.executable).parent / "xlspectrum"), "recalc", str(path), "--with-addin"]
    runs = []
    for attempt in (1, 2):
        started = time.monotonic()
        run = subprocess.run([*command, "-o", str(tmp_path / f"out{attempt}.xlsx")], capture_output=True, text=True,
                             env=environment, timeout=1800)
        runs.append((run, time.monotonic() - started))
        assert run.returncode == 0, run.stderr
    created = [line for line in runs[0][0].stderr.splitlines() if "creating its Python environment" in line]
    assert len(created) == 1 and "xlspectrum[market]" in created[0] and str(cache) in created[0], runs[0][0].stderr
    assert "Python environment" not in runs[1][0].stderr  # reused while current: no second set-up
    (folder,) = [p for p in (cache / "xlspectrum").glob("lo-env-*") if p.is_dir()]
    stamp = json.loads((folder / ".xlspectrum-stamp.json").read_text())
    assert stamp["extras"] == ["market"] and stamp["editable"] == "1" and stamp["requirement"] == str(ROOT)
    values = load_workbook(tmp_path / "out2.xlsx", data_only=True)["Mine"]
    assert values["A2"].value == pytest.approx(BY_EXCEL_NAME["FSPL"].python(2.5, 1800), rel=1e-12)
    assert values["A3"].value == pytest.approx(excel.call_excel_function(BY_EXCEL_NAME["COST231"], 1800, 2.5, 30, 1.5))
    assert values["A5"].value == excel.call_excel_function(
        BY_EXCEL_NAME["AUCTION_CLEAR"], bidders, GOOD_CALLS["AUCTION_CLEAR"][0][1], quantities, [[1.0, 1.0]], 0.0,
        "core_vcg_nearest")[0][0]
    print(f"first run {runs[0][1]:.0f} s (creates the environment), second {runs[1][1]:.0f} s (reuses it)")


def test_the_cached_environment_is_overridden_and_named_by_the_rules(tmp_path, monkeypatch):
    """--python-env and the variable win over the cache; the cache follows XDG_CACHE_HOME; extras from the formulas."""
    from xlspectrum.recalc import _addin_python_env

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert libreoffice.cache_folder() == tmp_path / "xdg" / "xlspectrum"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert libreoffice.cache_folder() == Path.home() / ".cache" / "xlspectrum"
    venv = tmp_path / "env"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    monkeypatch.setattr(libreoffice, "cached_python_env", lambda *a, **k: pytest.fail("the cache was used"))
    assert _addin_python_env(venv) == venv
    monkeypatch.setenv(libreoffice.PYTHON_ENV_VARIABLE, str(venv))
    assert _addin_python_env(None) == venv
    book = Workbook()
    book.active["A1"] = '=auction_clear(B1:B2,C1:C2,D1:D2)+GASEOUS_ATTENUATION(28,1)'
    book.active["A2"] = "=FSPL(1,900)"
    book.save(tmp_path / "b.xlsx")
    assert libreoffice.extras_for_workbook(tmp_path / "b.xlsx") == ("itu", "market")


class Sheet:
    """Cells calling each function, with the arguments the Python layer gets for the same cells."""

    def __init__(self):
        self.book = Workbook()
        self.ws = self.book.active
        self.ws.title = "Functions"
        self.row = 1
        self.data_column = 10
        self.cases = []

    def reference(self, values):
        """Write a range of values to the side; return its address and what the layer receives."""
        column = self.data_column
        self.data_column += len(values[0]) + 1
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                self.ws.cell(r + 1, column + c, value)
        first = f"{get_column_letter(column)}1"
        last = f"{get_column_letter(column + len(values[0]) - 1)}{len(values)}"
        return f"{first}:{last}", [list(row) for row in values]

    def literal(self, value, missing=None):
        if value is None:
            return "", missing
        if isinstance(value, bool):
            return ("TRUE" if value else "FALSE"), value
        if isinstance(value, str):
            return f'"{value}"', value
        return repr(float(value)), float(value)

    def add(self, name, args, what, missing=None):
        """A cell calling ``name``; ``missing``: what the function receives for an argument left
        empty between commas (None: its default, as Python and the other hosts)."""
        texts, python = [], []
        for value in args:
            if isinstance(value, list):
                text, received = self.reference(value)
            elif value == "empty cell":
                text, received = "Z999", None
            else:
                text, received = self.literal(value, missing)
            texts.append(text)
            python.append(received)
        while texts and texts[-1] == "" and python[-1] is missing:
            texts.pop(), python.pop()
        formula = f"={name}({','.join(texts)})"
        address = f"A{self.row}"
        expected = excel.call_excel_function(BY_EXCEL_NAME[name], *python)
        if isinstance(expected, list):  # a range result: an array formula over as many cells
            last = f"{get_column_letter(len(expected[0]))}{self.row + len(expected) - 1}"
            self.ws[address] = ArrayFormula(f"{address}:{last}", formula)
            self.row += len(expected)
        else:
            self.ws[address] = formula
            self.row += 1
        self.ws.cell(self.row - 1, 8, what)
        self.cases.append((address, name, what, expected))


#: Calc passes an argument left empty between commas to a Basic function as the number 0
#: (ScInterpreter::ScMacro: GetStackType() reads a missing argument as a double, GetDouble() as 0),
#: so a Basic function cannot tell it from a typed 0: docs/hosts.md says so; the test pins it
BETWEEN_COMMAS = "optionals left empty between commas, last given: Calc passes 0"
WRONG_CHOICE = "a wrong choice"


def build_cases():
    sheet = Sheet()
    for spec in FUNCTIONS:
        args, _ = GOOD_CALLS[spec.excel_name]
        sheet.add(spec.excel_name, list(args), "worked example")
        optional = [a for a in spec.arguments if a.optional]
        if optional and len(args) < len(spec.arguments):
            sheet.add(spec.excel_name, list(args) + ["empty cell"] * (len(spec.arguments) - len(args)), "empty optional cells")
        if args:
            sheet.add(spec.excel_name, ["text"] + list(args)[1:], "text in the first argument")
            sheet.add(spec.excel_name, ["empty cell"] + list(args)[1:], "empty first argument")
    sheet.add("FSPL", [-1, 1000], "out of range")
    sheet.add("COST231", [1800, 25, 30, 1.5], "outside the model's range")
    sheet.add("COST231", [1800, 25, 30, 1.5, None, True], "extrapolate, metropolitan omitted")
    sheet.add("FSPL", [[[1.0], [2.0], [5.0]], 1800], "a range spills")
    sheet.add("COST231", [1800, [[1.0], [2.0], [20.0]], 30, 1.5], "a column of distances spills")
    bidders, values, quantities = GOOD_CALLS["AUCTION_CLEAR"][0]
    sheet.add("AUCTION_CLEAR", [bidders, values, quantities, [[1.0, 1.0]], 5, "core_vcg_nearest"], "core, reserve 5")
    sheet.add("BLACK_SCHOLES_OPTION", [42, 40, 0.5, 0.1, 0.2, "put"], "put (Hull's example)")
    for name, arguments, _ in empty_middle_calls():
        sheet.add(name, ["empty cell" if a is None else a for a in arguments], "optionals as empty cells, last given")
        sheet.add(name, arguments, BETWEEN_COMMAS, missing=0.0)
    name, arguments = wrong_choice_calls()[0]
    sheet.add(name, arguments, WRONG_CHOICE)
    return sheet


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    sheet = build_cases()
    path = tmp_path_factory.mktemp("lo") / "functions.xlsx"
    sheet.book.save(path)
    return sheet, recalculate_libreoffice(path, with_addin=True)


def close(got, want):
    if isinstance(want, float):
        return isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)
    return got == want


CASES = build_cases().cases


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{n}: {w}" for _, n, w, _ in CASES])
def test_every_function_in_calc_equals_python(recalculated, index):
    sheet, result = recalculated
    address, name, what, expected = sheet.cases[index]
    row = int(address[1:])
    if isinstance(expected, list):  # an array formula: one value a cell
        got = [[result.value("Functions", f"{get_column_letter(c + 1)}{row + r}") for c in range(len(expected[0]))]
               for r in range(len(expected))]
        assert all(close(g, w) for got_row, want_row in zip(got, expected) for g, w in zip(got_row, want_row)), (got, expected)
    else:
        assert close(result.value("Functions", address), expected), (result.value("Functions", address), expected)


def test_thesis_workbook_cross_checks_compute_in_libreoffice(tmp_path):
    path = save_atomically(build_workbook({"demand_forecast": "cisco_vni_linear"}), tmp_path / "model.xlsx")
    result = recalculate_libreoffice(path, with_addin=True)
    assert result.problems() == {}
    for key in CROSS_CHECKS:
        sheet, address = valuation_cell(key, "model").split("!")
        native, add_in = result.value(sheet, address), result.value(sheet, f"E{address[1:]}")
        assert isinstance(add_in, (int, float)) and math.isclose(add_in, native, rel_tol=1e-9), (key, add_in, native)


for _test in (test_every_function_in_calc_equals_python, test_thesis_workbook_cross_checks_compute_in_libreoffice,
              test_the_addin_installs_with_another_python3_first_on_path):
    for _mark in requires_addin:
        _test.pytestmark = [*getattr(_test, "pytestmark", []), _mark]


def test_the_cases_in_calc_are_the_registrys():
    """Every function with an optional argument before another, as empty cells (their defaults) and between
    commas (0 in Calc); one wrong choice with the registry's line: all in the one recalculated workbook."""
    names = [name for _, name, what, _ in CASES if what == "optionals as empty cells, last given"]
    assert names == [name for name, _, _ in empty_middle_calls()]
    assert [name for _, name, what, _ in CASES if what == BETWEEN_COMMAS] == names
    ((_, name, _, expected),) = [case for case in CASES if case[2] == WRONG_CHOICE]
    assert expected == wrong_choice_text(*wrong_choice_calls()[0]) and expected.startswith("#VALUE! ")
    by_name = {name: (arguments, typed) for name, arguments, typed in empty_middle_calls()}
    for _, name, what, expected in CASES:
        if what == "optionals as empty cells, last given":
            assert expected == excel.call_excel_function(BY_EXCEL_NAME[name], *by_name[name][1])
