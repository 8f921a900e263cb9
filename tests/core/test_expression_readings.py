"""The line-item language's two readings cannot disagree: a differential test.

Hypothesis writes random expressions of the language over random inputs; each is
evaluated by numpy (:func:`evaluate`, the engine) and by the ``formulas`` package on the
Excel text :func:`to_excel` writes (the workbook).  Both must give the same number, or
both an error (numpy: NaN or infinity; Excel: #DIV/0!, #NUM!, ...).  Tested apart, the
parser refuses what the two would read differently.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from xlspectrum.core.expressions import FUNCTIONS, CellResolver, ExpressionError, evaluate, parse, to_excel

formulas = pytest.importorskip("formulas")

NAMES = ("a", "b", "c")
CELL_FUNCTIONS = sorted(name for name, f in FUNCTIONS.items() if f.kind == "cell" and f.min_args == f.max_args == 1)


class Cells(CellResolver):
    """a, b, c in A1, B1, C1; rows of years in row 2 onwards (see the row test)."""

    def reference(self, key, column_offset=0):
        return f"{chr(ord('A') + NAMES.index(key))}1"


def excel_value(text: str, values: dict[str, float]) -> float | None:
    """The formula's value by ``formulas``; None for an Excel error (or a complex number,
    which ``formulas`` gives where Excel gives #NUM!, e.g. (-8)^(1/3))."""
    compiled = formulas.Parser().ast("=" + text)[1].compile()
    by_cell = {f"{chr(ord('A') + i)}1": values[name] for i, name in enumerate(NAMES)}
    result = compiled(*(by_cell[cell] for cell in compiled.inputs))
    result = np.ravel(result)[0] if isinstance(result, np.ndarray) else result
    if isinstance(result, (bool, np.bool_)):
        return float(result)
    if isinstance(result, (int, float, np.integer, np.floating)) and not isinstance(result, complex):
        return float(result) if math.isfinite(result) else None
    return None


def numpy_value(text: str, values: dict[str, float]) -> float | None:
    result = float(evaluate(parse(text), values, 1)[0])
    return result if math.isfinite(result) else None


@pytest.fixture(scope="module", autouse=True)
def accurate_normsdist():
    """``formulas`` computes NORMSDIST as 0.5 (1 + erf(x / sqrt 2)), which loses relative
    precision in the lower tail (2.5e-9 at -5.75); Excel's is accurate there.  The
    differential test is about the Excel *form*, so it evaluates NORMSDIST as scipy's ndtr;
    :func:`test_formulas_normsdist_is_the_standard_normal_cdf` ties the two together where
    formulas is accurate."""
    from formulas.functions import wrap_ufunc
    from scipy.special import ndtr

    table = formulas.get_functions()
    saved = table["NORMSDIST"]
    table["NORMSDIST"] = wrap_ufunc(ndtr)
    yield
    table["NORMSDIST"] = saved


def test_formulas_normsdist_is_the_standard_normal_cdf():
    from scipy.special import ndtr

    from xlspectrum.core.expressions import FUNCTIONS as TABLE

    table = formulas.get_functions()
    saved, table["NORMSDIST"] = table["NORMSDIST"], formulas.get_functions()["NORM.S.DIST"]
    try:
        for x in np.linspace(-3, 3, 25):
            compiled = formulas.Parser().ast(f"=NORMSDIST({float(x)!r})")[1].compile()
            assert float(np.ravel(compiled())[0]) == pytest.approx(float(ndtr(x)), rel=1e-12)
    finally:
        table["NORMSDIST"] = saved
    assert TABLE["normal_cdf"].excel(["x"]) == "NORMSDIST(x)"


numbers = st.integers(-40, 40).map(lambda i: i / 4)  # quarters: exact in binary, zeros included
leaves = st.one_of(st.sampled_from(NAMES), st.integers(-3, 5).map(str), st.sampled_from(["0.5", "2.25", "1e20"]))


def comparisons(children):
    return st.tuples(children, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})")


def extend(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda x: f"-{x}"),
        children.map(lambda x: f"+{x}"),
        st.tuples(st.sampled_from(CELL_FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["max", "min"]), st.lists(children, min_size=1, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(children, children).map(lambda t: f"mod({t[0]}, {t[1]})"),
        st.tuples(comparisons(children), children, children).map(lambda t: f"where({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(comparisons(children), children).map(lambda t: f"{t[0]} * {t[1]}"),
    )


expressions = st.recursive(leaves, extend, max_leaves=8)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=expressions, a=numbers, b=numbers, c=numbers)
@example(text="-a ** 2", a=3.0, b=0.0, c=0.0)  # Excel negates before ^
@example(text="a ** b ** c", a=2.0, b=3.0, c=2.0)  # Excel's ^ is left-associative
@example(text="a - (b - c)", a=1.0, b=2.0, c=3.0)
@example(text="where(a / b > 1, 1, 2)", a=1.0, b=0.0, c=0.0)  # IF(#DIV/0!...) is an error
@example(text="+a * -b", a=2.0, b=3.0, c=0.0)
@example(text="normal_cdf(b)", a=0.0, b=-4.25, c=0.0)
@example(text="normal_cdf(a)", a=-5.75, b=0.0, c=0.0)
def test_numpy_and_excel_readings_agree(text, a, b, c):
    values = {"a": a, "b": b, "c": c}
    excel = to_excel(parse(text), Cells())
    expected = excel_value(excel, values)
    got = numpy_value(text, values)
    if expected is None or got is None:
        assert expected is None and got is None, f"{text} -> ={excel}: numpy {got}, Excel {expected}"
    else:
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-300), f"{text} -> ={excel}"


@pytest.mark.parametrize("text, why", [
    ("roundup(a, b)", "takes 1 argument, got 2"),
    ("where(a, b)", "takes 3 arguments, got 2"),
    ("max()", "takes at least 1 argument, got 0"),
    ("mod(a)", "takes 2 arguments, got 1"),
    ("1 < a < 3", "chained comparison"),
    ("(a < b) < 3", "comparison of a comparison"),
    ("max(a < b, 0)", "may only be a condition or an operand of arithmetic"),
    ("where(a, b < c, 0)", "may only be a condition"),
    ("not a", "has no Excel form"),
    ("~a", "has no Excel form"),
    ("a + True", "the constant True is not allowed"),
    ('a + "x"', "may only be compared with a choice input"),
    ('a < "x"', "by == or !="),
    ("roundup(x=a)", "takes no keyword arguments"),
    ("total(a * 2)", "line-item key as its first argument"),
    ("a % b", "not in the language"),
    ("open(a)", "unknown function 'open'"),
    ("max + 1", "is a function"),
])
def test_what_the_readings_would_disagree_on_is_refused(text, why):
    with pytest.raises(ExpressionError, match=re.escape(why)):
        parse(text)


def test_unary_plus_stays_a_plus_and_a_comparison_is_one_or_zero():
    assert to_excel(parse("+a - b"), Cells()) == "A1-B1"
    assert to_excel(parse("-(a < b) * c"), Cells()) == "-(A1<B1)*C1"
    assert evaluate(parse("-(a < b) * c"), {"a": 1.0, "b": 2.0, "c": 5.0}, 1)[0] == -5.0
    assert to_excel(parse("a ** b ** c"), Cells()) == "A1^(B1^C1)"


def test_a_line_item_may_not_be_true_or_false():
    from xlspectrum.models.costmodel.lineitems import LineItem

    with pytest.raises(ExpressionError, match="write where"):
        LineItem("flag", "S", "B", "flag", "-", "t > 3")
    assert LineItem("flag", "S", "B", "flag", "-", "where(t > 3, 1, 0)")


class Rows(CellResolver):
    """Row ``r`` of years in columns B..F of row 1 (x) and row 2 (y); A holds the opening 0; the
    year index is row 3."""

    def __init__(self, column: int) -> None:
        self.column = column

    def reference(self, key, column_offset=0):
        if key == "life":
            return "H1"
        return f"{chr(ord('A') + self.column + column_offset)}{ {'x': 1, 'y': 2}[key]}"

    def row_range(self, key):
        return f"$B${ {'x': 1, 'y': 2}[key]}:$F${ {'x': 1, 'y': 2}[key]}"

    def year_index_reference(self):
        return f"{chr(ord('A') + self.column)}$3"

    def year_index_range(self):
        return "$B$3:$F$3"


YEARS = 5
rows = st.lists(numbers, min_size=YEARS, max_size=YEARS)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(text=st.sampled_from([
    "prev(x) + y", "max(y, prev(x))", "prev(x) * 2 - y", "total(x) - y", "cohort_sum(x, life) + y",
    "cohort_sum(y, life) * prev(x)", "where(prev(x) > y, total(y), x)",
]), x=rows, y=rows, life=st.integers(1, 6))
def test_row_functions_agree_column_by_column(text, x, y, life):
    expression = parse(text)
    got = evaluate(expression, {"x": np.array(x), "y": np.array(y), "life": float(life)}, YEARS)
    cells = {"H1": float(life), "A1": 0.0, "A2": 0.0}
    for column in range(1, YEARS + 1):
        letter = chr(ord("A") + column)
        cells[f"{letter}1"], cells[f"{letter}2"], cells[f"{letter}3"] = x[column - 1], y[column - 1], column - 1
    for column in range(1, YEARS + 1):
        compiled = formulas.Parser().ast("=" + to_excel(expression, Rows(column)))[1].compile()
        arguments = []
        for name in compiled.inputs:
            if ":" in name:
                first, last = (part.replace("$", "") for part in name.split(":"))
                arguments.append(np.array([[cells[f"{chr(c)}{first[1:]}"] for c in range(ord(first[0]), ord(last[0]) + 1)]]))
            else:
                arguments.append(cells[name.replace("$", "")])
        expected = np.ravel(compiled(*arguments))[0]
        assert got[column - 1] == pytest.approx(float(expected), rel=1e-12), (text, column)
