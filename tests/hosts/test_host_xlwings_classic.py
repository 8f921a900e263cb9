"""Classic xlwings (Windows Excel), replayed with xlwings' own code: VBA generation and values.

The replay (``xlwings_classic_replay.py``) runs in a fresh interpreter with the
Windows-only modules stubbed, so what it checks is what *Import Functions* would put in
Excel and what ``call_udf`` would hand back to a cell.  Pinned: xlwings >= 0.30, < 0.38
(the version range whose udfs.py this follows).
"""

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
import xlwings

from xlspectrum.hosts import xlwings_classic as excel
from xlspectrum.hosts.registry import BY_EXCEL_NAME as BY_NAME, CATEGORY, FUNCTIONS

from test_excel import GOOD_CALLS
from _host_cases import empty_middle_calls, wrong_choice_calls, wrong_choice_text

REPLAY = Path(__file__).parents[1] / "xlwings_classic_replay.py"
VBA_KEYWORDS = {
    "and", "as", "boolean", "byref", "byte", "byval", "call", "case", "const", "currency", "date", "declare", "dim", "do",
    "double", "each", "else", "elseif", "empty", "end", "enum", "eqv", "erase", "error", "event", "exit", "false", "for",
    "friend", "function", "get", "global", "gosub", "goto", "if", "imp", "implements", "in", "integer", "is", "let", "like",
    "long", "loop", "lset", "me", "mod", "new", "next", "not", "nothing", "null", "on", "option", "optional", "or",
    "paramarray", "preserve", "private", "public", "raiseevent", "redim", "rem", "resume", "return", "rset", "select", "set",
    "single", "static", "step", "stop", "string", "sub", "then", "to", "true", "type", "typeof", "until", "variant", "wend",
    "while", "with", "xor",
}
MISSING = {"missing": True}
BAD_VALUES = {
    "empty": None, "text": "abc", "logical": True, "nan": float("nan"), "negative": -1e9, "huge": 1e300,
    "error #N/A": {"error": "#N/A"}, "error #DIV/0!": {"error": "#DIV/0!"},
}


def calls():
    """Every worked example and, for each required argument, every kind of bad cell."""
    found = []
    for spec in FUNCTIONS:
        args, _ = GOOD_CALLS[spec.excel_name]
        found.append((spec.excel_name, list(args), "example"))
        found.append((spec.excel_name, list(args) + [MISSING] * (len(spec.arguments) - len(args)), "omitted optionals"))
        for index, argument in enumerate(spec.arguments):
            if argument.optional or index >= len(args):
                continue
            for kind, bad in BAD_VALUES.items():
                bad_args = list(args)
                bad_args[index] = [[1.0], [bad]] if argument.name in ("cashflows", "profile_1", "profile_2") else bad
                found.append((spec.excel_name, bad_args, f"{argument.name} {kind}"))
    found.append(("FSPL", [[[1.0], [2.0], [5.0]], 1800], "a range spills"))
    # Excel passes an argument left empty between commas to the VBA wrapper as Missing
    for name, arguments, _ in empty_middle_calls():
        found.append((name, [MISSING if a is None else a for a in arguments], "optionals left empty, last given"))
    name, arguments = wrong_choice_calls()[0]
    found.append((name, [MISSING if a is None else a for a in arguments], "a wrong choice"))
    return found


CALLS = calls()


@pytest.fixture(scope="module")
def replay():
    payload = json.dumps([[name, args] for name, args, _ in CALLS], allow_nan=True)
    run = subprocess.run([sys.executable, str(REPLAY)], input=payload, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_xlwings_version_is_in_the_pinned_range():
    major, minor = (int(part) for part in xlwings.__version__.split(".")[:2])
    assert (0, 30) <= (major, minor) < (0, 38), xlwings.__version__


def vba_functions(vba):
    return {m.group(1): m.group(2) for m in re.finditer(r"^Function (\w+)\((.*)\)$", vba, re.M)}


def test_every_function_is_in_the_vba_with_its_arguments(replay):
    functions = vba_functions(replay["vba"])
    assert set(functions) == {spec.excel_name for spec in FUNCTIONS}
    for spec in FUNCTIONS:
        expected = ", ".join(("Optional " if a.optional else "") + a.name for a in spec.arguments)
        assert functions[spec.excel_name] == expected


def test_what_excel_receives_fits_its_limits(replay):
    names = {name.lower() for name in replay["meta"]}
    for name, info in replay["meta"].items():
        assert info["category"] == CATEGORY
        assert 0 < len(info["doc"]) <= 255, name
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,254}", name) and name.lower() not in VBA_KEYWORDS
        for argument in info["args"]:
            assert 0 < len(argument["doc"]) <= 255, (name, argument["name"])
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", argument["name"]), argument["name"]
            assert argument["name"].lower() not in VBA_KEYWORDS, argument["name"]
            # VBA ignores case: an argument named like a function of the module shadows it
            assert argument["name"].lower() not in names, (name, argument["name"])


def as_direct(value):
    """The same argument as a direct call receives it (error cells as their text)."""
    if isinstance(value, list):
        return [as_direct(v) if isinstance(v, list) else as_direct(v) for v in value]
    if isinstance(value, dict) and "error" in value:
        return value["error"]
    if isinstance(value, dict) and "missing" in value:
        return None
    return value


def as_cells(value):
    if isinstance(value, list):
        return value
    return [[value]]


@pytest.mark.parametrize("index", range(len(CALLS)), ids=[f"{n}: {what}" for n, _, what in CALLS])
def test_cells_get_what_the_direct_call_returns(replay, index):
    name, args, what = CALLS[index]
    direct = getattr(excel, name)(*[as_direct(a) for a in args])
    got = replay["results"][index]
    expected = as_cells(direct)
    assert len(got) == len(expected) and all(len(r) == len(e) for r, e in zip(got, expected))
    for got_row, expected_row in zip(got, expected):
        for cell, want in zip(got_row, expected_row):
            if isinstance(want, float):
                assert isinstance(cell, float) and math.isclose(cell, want, rel_tol=1e-15), (cell, want)
            else:
                assert cell == want
    if isinstance(direct, str):
        # one cell reads like one value: no "(element 0)" for a single cell
        assert "(element 0)" not in direct and len(direct) <= 255


TYPED = {name: typed for name, _, typed in empty_middle_calls()}


@pytest.mark.parametrize("index", [i for i, (_, _, what) in enumerate(CALLS) if what == "optionals left empty, last given"],
                         ids=lambda i: CALLS[i][0])
def test_an_empty_optional_argument_means_its_default(replay, index):
    name, _, _ = CALLS[index]
    typed = excel.call_excel_function(BY_NAME[name], *TYPED[name])
    assert replay["results"][index] == as_cells(typed)
    assert not (isinstance(typed, str) and typed.startswith("#")), typed


def test_a_wrong_choice_gets_the_registrys_one_line(replay):
    (index,) = [i for i, (_, _, what) in enumerate(CALLS) if what == "a wrong choice"]
    name, arguments = wrong_choice_calls()[0]
    assert replay["results"][index] == [[wrong_choice_text(name, arguments)]]
