"""Office.js (xlwings Lite, xlwings Server): the declarations and calls, from the same registry.

xlwings' Office.js code (``xlwings.pro``) is under the PolyForm Noncommercial licence,
which does not allow the commercial use a regulator's or an operator's test run would
be; so this suite does not run ``custom_functions_meta``/``custom_functions_call``. It
tests the declarations xlspectrum makes and the calls as Office.js delivers them
(matrices, omitted arguments as None), with recorders in place of xlwings' decorators.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Literal, get_args, get_origin

import pytest

from xlspectrum import excel, officejs
from xlspectrum.registry import FUNCTIONS

from test_excel import GOOD_CALLS, approx, as_numbers

ROOT = Path(__file__).resolve().parents[1]


def test_every_function_is_declared_under_the_namespace():
    declared = {d["id"]: d for d in officejs.declarations()}
    assert set(declared) == {spec.excel_name for spec in FUNCTIONS}
    for spec in FUNCTIONS:
        d = declared[spec.excel_name]
        assert d["name"] == f"XLSPECTRUM.{spec.excel_name}"
        assert re.fullmatch(r"[A-Za-z0-9_.]{1,128}", d["name"])
        assert 0 < len(d["description"]) <= 255
        assert [a["name"] for a in d["arguments"]] == [a.name for a in spec.arguments]
        assert all(0 < len(a["description"]) <= 255 for a in d["arguments"])
    kind = next(a for a in declared["BLACK_SCHOLES_OPTION"]["arguments"] if a["name"] == "kind")
    assert kind["choices"] == ("call", "put") and kind["optional"]


def test_the_module_applies_xlwings_declarations():
    recorded = {"func": [], "arg": []}

    def func(**options):
        def decorate(f):
            recorded["func"].append((f.__name__, options))
            return f
        return decorate

    def arg(name, **options):
        def decorate(f):
            recorded["arg"].append((f.__name__, name, options))
            return f
        return decorate

    spec = next(s for s in FUNCTIONS if s.excel_name == "BLACK_SCHOLES_OPTION")
    function = officejs._make(spec, (func, arg))
    assert recorded["func"] == [("BLACK_SCHOLES_OPTION", {"namespace": "XLSPECTRUM"})]
    options = {name: o for _, name, o in recorded["arg"]}
    assert options["underlying_value"] == {"ndim": 2, "err_to_str": True, "doc": spec.arguments[0].help}
    assert "ndim" not in options["kind"]  # a drop-down, not a range
    hint = function.__annotations__["kind"]
    assert get_origin(hint) is Literal and get_args(hint) == ("call", "put")


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.excel_name)
def test_calls_as_office_js_sends_them_equal_the_classic_cells(spec):
    args, expected = GOOD_CALLS[spec.excel_name]
    matrices = [a if isinstance(a, list) else [[a]] for a in args]
    omitted = [None] * (len(spec.arguments) - len(args))
    result = getattr(officejs, spec.excel_name)(*matrices, *omitted)
    assert as_numbers(result) == approx(expected)
    assert result == getattr(excel, spec.excel_name)(*args)
    bad = getattr(officejs, spec.excel_name)(*([[["text"]]] + matrices[1:]), *omitted) if args else None
    if bad is not None:
        assert bad.startswith("#VALUE! ") and spec.arguments[0].name in bad


def test_the_library_installs_without_cli_recalc_or_classic_xlwings():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = " ".join(project["dependencies"])
    for optional in ("xlwings", "click", "formulas"):
        assert optional not in base
    blocked = "import sys\nfor m in ('xlwings', 'click', 'formulas'): sys.modules[m] = None\n"
    code = blocked + (
        "import xlspectrum, xlspectrum.officejs as o, xlspectrum.excel as e\n"
        "from xlspectrum.costmodel import run\n"
        "print(round(o.COST231([[1800]], [[1]], [[30]], [[1.5]]), 2), round(run().pv_total_cost / 1e6, 1))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["136.2", "1287.2"]


def test_the_command_says_which_extra_it_needs():
    code = "import sys\nsys.modules['click'] = None\nfrom xlspectrum._entry import main\nmain()\n"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and run.stderr.strip().startswith("error: the command line needs")
    assert 'pip install "xlspectrum[full]"' in run.stderr and "Traceback" not in run.stderr
