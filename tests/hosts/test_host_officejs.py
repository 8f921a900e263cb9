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

import numpy as np
import pytest

from xlspectrum.hosts import xlwings_classic as excel, officejs
from xlspectrum.hosts.registry import BY_EXCEL_NAME, CHOICES, FUNCTIONS

from _host_cases import WRONG_CHOICE, empty_middle_calls, wrong_choice_calls, wrong_choice_text
from test_excel import GOOD_CALLS, approx, as_numbers

ROOT = Path(__file__).resolve().parents[2]


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
        "from xlspectrum.models.costmodel import run\n"
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


SIMULATED_LITE = """
import sys, types
import numpy, pandas, scipy  # imported as on any platform, before Pyodide's name is set
sys.platform = "emscripten"
{xlwings}
try:
    import xlspectrum.officejs as o
except ImportError as error:
    print("FAILED", type(error).__name__, error)
else:
    print("REGISTERED", len(o.__all__), o.COST231.registered)
"""
FAKE_XLWINGS = """
fake = types.ModuleType("xlwings")
fake.__version__ = {version!r}
lite = types.ModuleType("xlwings_somewhere_new")
def func(**options):
    def decorate(f):
        f.registered = options
        return f
    return decorate
def arg(name, **options):
    return lambda f: f
func.__module__ = arg.__module__ = {module!r}
fake.func, fake.arg = func, arg
sys.modules["xlwings"] = fake
"""


def simulate_lite(xlwings_code):
    run = subprocess.run([sys.executable, "-c", SIMULATED_LITE.format(xlwings=xlwings_code)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


@pytest.mark.parametrize("case, xlwings_code, expected", [
    ("no xlwings", "sys.modules['xlwings'] = None",
     f"FAILED OfficeJsSetupError xlspectrum.officejs: xlwings Lite without xlwings; expected xlwings >= "
     f"{officejs.MIN_XLWINGS}"),
    ("only the no-op stand-ins", FAKE_XLWINGS.format(version="0.37.8", module="xlwings"),
     "FAILED OfficeJsSetupError xlspectrum.officejs: xlwings Lite with xlwings 0.37.8, whose xlwings.func does not "
     "register custom functions here"),
    ("too old for drop-downs", FAKE_XLWINGS.format(version="0.33.15", module="xlwings.pro.udfs_officejs"),
     "FAILED OfficeJsSetupError xlspectrum.officejs: xlwings Lite with xlwings 0.33.15; expected xlwings >= 0.35.3"),
])
def test_lite_that_cannot_register_fails_loudly_in_one_line(case, xlwings_code, expected):
    out = simulate_lite(xlwings_code)
    assert out.startswith(expected) and "\n" not in out, out
    assert "requirements.txt" in out


def test_lite_registers_whatever_module_xlwings_keeps_its_decorators_in():
    """The detection no longer depends on xlwings' internal module name (udfs_officejs)."""
    out = simulate_lite(FAKE_XLWINGS.format(version="0.37.8", module="xlwings_somewhere_new"))
    assert out == f"REGISTERED {len(FUNCTIONS)} {{'namespace': 'XLSPECTRUM'}}"


def test_each_function_links_to_its_section_of_the_reference(monkeypatch):
    headings = set(re.findall(r"^## (\S+)$", (ROOT / "docs/functions.md").read_text(), re.M))
    assert all(officejs.help_url(spec) is None for spec in FUNCTIONS)  # no address known: no link
    monkeypatch.setenv(officejs.DOCS_URL_VARIABLE, "https://example.org/xlspectrum/docs/")
    for spec in FUNCTIONS:
        url = officejs.help_url(spec)
        assert url == f"https://example.org/xlspectrum/docs/functions.md#{spec.excel_name.lower()}"
        # GitHub's anchor of "## NAME" is the name in lower case (underscores and digits kept)
        assert spec.excel_name in headings and re.fullmatch(r"[a-z0-9_]+", url.split("#")[1])
    recorded = []
    officejs._make(FUNCTIONS[0], (lambda **o: (recorded.append(o), lambda f: f)[1], lambda name, **o: lambda f: f))
    assert recorded == [{"namespace": "XLSPECTRUM", "help_url": officejs.help_url(FUNCTIONS[0])}]


def test_without_the_extras_pyodide_lacks_the_functions_answer_na():
    """As in Lite without highspy (no wasm build) or itur: one #N/A line naming the extra."""
    code = ("import sys\nfor m in ('highspy', 'itur'): sys.modules[m] = None\n"
            "import json, xlspectrum.officejs as o\n"
            "b, v, q = [['A'], ['B'], ['AB']], [[8.0], [6.0], [10.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]\n"
            "print(json.dumps([o.AUCTION_CLEAR(b, v, q, None, None, 'core_vcg_nearest'), o.AUCTION_CLEAR(b, v, q),\n"
            "                  o.GASEOUS_ATTENUATION([[1]], [[28]]), o.RAIN_ATTENUATION([[1]], [[28]], [[25]])]))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    core, vcg, gaseous, rain = __import__("json").loads(run.stdout)
    for text in (core, vcg):  # the engine keeps one highspy model per clearing: every rule needs the extra
        assert text.startswith("#N/A ") and 'xlspectrum[market]' in text and "\n" not in text and len(text) <= 255
    for text in (gaseous, rain):
        assert text.startswith("#N/A ") and '"itu"' in text


def test_the_extras_named_for_functions_are_the_projects():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert set(excel.EXTRA_BY_FUNCTION.values()) <= set(project["optional-dependencies"])
    for spec in FUNCTIONS:
        if "needs the itu extra" in spec.description:
            assert excel.EXTRA_BY_FUNCTION[spec.excel_name] == "itu"
    hosts = (ROOT / "docs/hosts.md").read_text()
    assert f"xlwings>={officejs.MIN_XLWINGS}" in hosts and f"xlwings >= {officejs.MIN_XLWINGS}" in hosts
    assert "Pyodide (xlwings Lite) provides" not in (ROOT / "pyproject.toml").read_text()


# ------------------------------------------------ the same arguments and choices in every host (issue 23, 5)


def as_office_js(arguments):
    """Arguments as Office.js hands them to xlwings: ranges and numbers as 2-D lists, an empty argument as None
    (xlwings passes a choice argument, declared without ndim, as the text itself)."""
    return [a if isinstance(a, (list, str)) or a is None else [[a]] for a in arguments]


def test_the_empty_middle_cases_are_every_function_with_an_optional_before_another():
    names = [name for name, _, _ in empty_middle_calls()]
    assert {"AUCTION_CLEAR", "LINK_BUDGET", "HATA"} <= set(names) and len(names) >= 10
    for name, arguments, typed in empty_middle_calls():
        spec = BY_EXCEL_NAME[name]
        assert len(arguments) == len(spec.arguments) and None in arguments
        assert arguments[-1] != spec.arguments[-1].default, name


@pytest.mark.parametrize("name, arguments, typed", empty_middle_calls(), ids=lambda v: v if isinstance(v, str) else "")
def test_office_js_empty_optional_arguments_mean_their_defaults(name, arguments, typed):
    """Office.js passes an argument left empty between commas as null: xlwings gives None."""
    got = getattr(officejs, name)(*as_office_js(arguments))
    assert got == excel.call_excel_function(BY_EXCEL_NAME[name], *typed)
    assert not (isinstance(got, str) and got.startswith("#")), got


def test_office_js_a_wrong_choice_gets_the_registrys_one_line():
    name, arguments = wrong_choice_calls()[0]
    got = getattr(officejs, name)(*as_office_js(arguments))
    assert got == wrong_choice_text(name, arguments)


@pytest.mark.parametrize("name, arguments", wrong_choice_calls(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_wrong_choice_is_one_line_naming_every_choice(name, arguments):
    argument = BY_EXCEL_NAME[name].arguments[len(arguments) - 1]
    text = wrong_choice_text(name, arguments)
    assert excel.call_excel_function(BY_EXCEL_NAME[name], *arguments) == text
    assert text == f"#VALUE! {argument.name}={WRONG_CHOICE!r} must be one of {', '.join(map(repr, argument.choices))}"
    assert len(text) <= 255
    # the formula itself says the same to a Python user
    python_arguments = [a.default if v is None else v for a, v in zip(BY_EXCEL_NAME[name].arguments, arguments)]
    keywords = {a.name: v for a, v in zip(BY_EXCEL_NAME[name].arguments, python_arguments)
                if a.name in BY_EXCEL_NAME[name].keyword_only}
    positional = [v for a, v in zip(BY_EXCEL_NAME[name].arguments, python_arguments) if a.name not in keywords]
    with pytest.raises(ValueError) as raised:
        BY_EXCEL_NAME[name].python(*positional, **keywords)
    assert excel.excel_error_text(raised.value) == text


def test_where_there_is_no_drop_down_the_help_lists_the_choices_and_the_default():
    """Classic xlwings and LibreOffice show only the help text: it names every choice, no other, and the default."""
    seen = set()
    for spec in FUNCTIONS:
        for argument in spec.arguments:
            if argument.choices:
                seen.add(argument.name)
                quoted = re.findall(r'"([a-z_]+)"', argument.help)
                assert set(quoted) == set(argument.choices), (spec.excel_name, argument.name, quoted)
                assert re.search(rf'"{argument.default}" \(default', argument.help), (spec.excel_name, argument.help)
    assert seen == set(CHOICES)
