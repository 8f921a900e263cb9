"""The line-item expression language: parsing, numpy evaluation and Excel translation."""

import numpy as np
import pytest

from xlspectrum.core.expressions import (
    CellResolver,
    ExpressionError,
    cohort_sum,
    evaluate,
    excel_roundup,
    parse,
    to_excel,
)


class Resolver(CellResolver):
    def reference(self, key, column_offset=0):
        return {"a": "Inputs!$C$5", "b": f"{chr(ord('E') + column_offset)}10", "c": f"{chr(ord('E') + column_offset)}11"}[key]

    def row_range(self, key):
        return "$E$10:$S$10"

    def year_index_reference(self):
        return "E$3"

    def year_index_range(self):
        return "$E$3:$S$3"


@pytest.mark.parametrize(
    "text, excel",
    [
        ("a * (b + c)", "Inputs!$C$5*(E10+E11)"),
        ("a - (b - c)", "Inputs!$C$5-(E10-E11)"),
        ("(a - b) - c", "Inputs!$C$5-E10-E11"),
        ("a / (b * c)", "Inputs!$C$5/(E10*E11)"),
        ("(1 + a) ** b", "(1+Inputs!$C$5)^E10"),
        ("-a ** 2", "-(Inputs!$C$5^2)"),  # Excel negates before ^: keep Python's meaning
        ("roundup(b / c)", "ROUNDUP(E10/E11,0)"),
        ("max(0, b - c)", "MAX(0,E10-E11)"),
        ('where(a == "none", 0, b)', 'IF(Inputs!$C$5="none",0,E10)'),
        ("prev(b) + c", "D10+E11"),
        ("mod(b, a) == 0", "MOD(E10,Inputs!$C$5)=0"),
        ("cohort_sum(b, a)", "SUMPRODUCT($E$10:$S$10,(MOD(E$3-$E$3:$S$3,Inputs!$C$5)=0)*($E$3:$S$3<E$3))"),
        ("total(b)", "SUM($E$10:$S$10)"),
        ("0.35 * b", "0.35*E10"),
    ],
)
def test_translation(text, excel):
    assert to_excel(parse(text), Resolver()) == excel


def test_unary_minus_before_power_keeps_python_meaning():
    # Python: -2**2 == -4; Excel: =-2^2 is 4, so the translation brackets the power
    assert evaluate(parse("-a ** 2"), {"a": 2.0}, 1)[0] == -4
    assert to_excel(parse("-a ** 2"), Resolver()) == "-(Inputs!$C$5^2)"


def test_no_unary_minus_before_power_in_model():
    import ast

    from xlspectrum.models.costmodel import ITEMS

    for item in ITEMS:
        for node in ast.walk(item.expression.tree):
            if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.BinOp):
                assert not isinstance(node.operand.op, ast.Pow), item.key


def test_evaluation_matches_numpy():
    values = {"a": 2.0, "b": np.array([1.0, 2.0, 3.0]), "c": np.array([4.0, 5.0, 6.0])}
    assert evaluate(parse("a * (b + c)"), values, 3).tolist() == [10, 14, 18]
    assert evaluate(parse("prev(b) + c"), values, 3).tolist() == [4, 6, 8]
    assert evaluate(parse("max(0, b - c)"), values, 3).tolist() == [0, 0, 0]
    assert evaluate(parse("total(b)"), values, 3).tolist() == [6, 6, 6]


def test_roundup_like_excel():
    assert excel_roundup(np.array([0.1, 1.0, 433.24, -1.2, 0.0])).tolist() == [1, 1, 434, -2, 0]
    # a product that lands a hair above an integer in binary is still that integer, as in Excel
    assert excel_roundup(0.1 * 3 / 0.3) == 1
    assert excel_roundup(2.0000000000000004) == 2


def test_cohort_sum_chains_over_lives():
    new = np.array([10.0, 0, 0, 5, 0, 0, 0, 0])
    assert cohort_sum(new, 3).tolist() == [0, 0, 0, 10, 0, 0, 15, 0]
    with pytest.raises(ExpressionError):
        cohort_sum(new, 0)


@pytest.mark.parametrize("text", ["a +", "open(b)", "a[0]", "lambda: 1", "a if b else c"])
def test_bad_expressions_are_refused(text):
    with pytest.raises(ExpressionError):
        parse(text)


def test_circular_and_unknown_line_items_are_refused():
    # evaluation_order takes the items it sorts: no module state to patch
    from xlspectrum.models.costmodel.engine import evaluation_order
    from xlspectrum.models.costmodel.lineitems import LineItem

    loop = [LineItem("x1", "S", "B", "x1", "-", "x2 + 1"), LineItem("x2", "S", "B", "x2", "-", "x1 + 1")]
    with pytest.raises(ExpressionError, match="circular line items: x1 -> x2 -> x1"):
        evaluation_order(loop)
    with pytest.raises(ExpressionError, match=r"unknown names \['nothing'\]"):
        evaluation_order([LineItem("x3", "S", "B", "x3", "-", "nothing * 2")])
    with pytest.raises(ExpressionError, match="itself in the same year"):
        evaluation_order([LineItem("x4", "S", "B", "x4", "-", "x4 + 1")])
    with pytest.raises(ExpressionError, match="defined twice"):
        evaluation_order([LineItem("x5", "S", "B", "x5", "-", "1"), LineItem("x5", "S", "B", "x5", "-", "2")])
    assert [i.key for i in evaluation_order(list(reversed(loop[:1])) + [LineItem("x2", "S", "B", "x2", "-", "t")])] == ["x2", "x1"]


def test_a_single_value_line_item_may_use_rows_only_through_total():
    from xlspectrum.models.costmodel.engine import evaluation_order
    from xlspectrum.models.costmodel.lineitems import LineItem

    row = LineItem("row", "S", "B", "row", "-", "t * 2")
    assert evaluation_order([row, LineItem("sum", "S", "B", "sum", "-", "total(row) * wacc", scalar=True)])
    with pytest.raises(ExpressionError, match=r"declared a single value but uses the rows \['row'\]"):
        evaluation_order([row, LineItem("bad", "S", "B", "bad", "-", "row * 2", scalar=True)])
    with pytest.raises(ExpressionError, match=r"rows \['t'\]"):
        evaluation_order([LineItem("bad", "S", "B", "bad", "-", "t + 1", scalar=True)])
