"""The expression language of cost-model line items: one text, two readings.

Every line item's rule is written once, as a small expression in Python syntax over the
keys of inputs and other line items.  This module reads that text into an AST and gives
it two meanings:

* :func:`evaluate` computes it with numpy over all model years at once (the engine);
* :func:`to_excel` writes it as a native Excel formula for one year column (the
  workbook), using the same references and functions.

So the generated workbook and the Python engine cannot drift apart by construction, and
the test suite recalculates the workbook headlessly to prove they agree.

Functions of the language (and what they become in Excel):

==========================  ====================================================
``roundup(x)``              ``ROUNDUP(x, 0)`` (away from zero)
``max(a, b, ...)``          ``MAX(a, b, ...)``
``min(a, b, ...)``          ``MIN(a, b, ...)``
``where(c, a, b)``          ``IF(c, a, b)``
``mod(a, b)``               ``MOD(a, b)``
``prev(x)``                 ``x`` one column to the left (0 before the first year)
``cohort_sum(x, life)``     ``sum of x(t - k*life), k = 1, 2, ...``: a ``SUMPRODUCT`` over
                            the row of ``x`` (units bought ``life`` years ago, again and again)
``total(x)``                ``SUM`` of the row of ``x`` over all years (a single value)
``ln(x)``, ``sqrt(x)``,     ``LN``, ``SQRT``, ``EXP``
``exp(x)``, ``abs(x)``      ``EXP``, ``ABS``
``normal_cdf(x)``           ``NORMSDIST(x)``, the standard normal distribution
==========================  ====================================================

Operators: ``+ - * / **``, comparisons (``==`` becomes ``=``), ``and``/``or`` are not
used.  String literals compare with choice inputs (``rule == "none"``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

FUNCTIONS = {"roundup", "max", "min", "where", "mod", "prev", "cohort_sum", "total", "ln", "sqrt", "exp", "abs", "normal_cdf"}


class ExpressionError(ValueError):
    """A line-item expression that cannot be read or evaluated."""


@dataclass(frozen=True)
class Expression:
    text: str
    tree: ast.expr

    @property
    def names(self) -> set[str]:
        """Keys referenced anywhere in the expression."""
        return {n.id for n in ast.walk(self.tree) if isinstance(n, ast.Name)} - FUNCTIONS

    @property
    def same_year_names(self) -> set[str]:
        """Keys needed for the same year (not only through ``prev`` or ``cohort_sum``)."""
        found: set[str] = set()

        def visit(node: ast.AST) -> None:
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "prev":
                for extra in node.args[1:]:
                    visit(extra)
                return
            if isinstance(node, ast.Name) and node.id not in FUNCTIONS:
                found.add(node.id)
            for child in ast.iter_child_nodes(node):
                visit(child)

        visit(self.tree)
        return found


def parse(text: str) -> Expression:
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read expression {text!r}: {exc.msg}") from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None)
            if name not in FUNCTIONS:
                raise ExpressionError(f"unknown function {name!r} in {text!r}")
        elif not isinstance(
            node,
            (ast.BinOp, ast.UnaryOp, ast.Compare, ast.Name, ast.Constant, ast.Load, ast.operator,
             ast.unaryop, ast.cmpop),
        ):
            raise ExpressionError(f"{type(node).__name__} is not allowed in {text!r}")
    return Expression(text, tree)


# ---------------------------------------------------------------------------------------
# numpy reading


def _significant(x: np.ndarray, digits: int = 15) -> np.ndarray:
    """Round to 15 significant digits, as Excel and LibreOffice do before ROUNDUP."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.where(x == 0, 0, np.floor(np.log10(np.abs(np.where(x == 0, 1, x)))))
        scale = 10.0 ** (digits - 1 - magnitude)
        return np.where(x == 0, 0.0, np.round(x * scale) / scale)


def excel_roundup(x: Any) -> np.ndarray:
    """``ROUNDUP(x, 0)``: away from zero, after rounding to 15 significant digits."""
    x = _significant(x)
    return np.sign(x) * np.ceil(np.abs(x))


def cohort_sum(series: np.ndarray, life: float) -> np.ndarray:
    """``sum_k series[t - k*life]`` for k >= 1: what was bought 1, 2, ... lives ago."""
    life_years = int(round(float(life)))
    if life_years < 1:
        raise ExpressionError(f"an asset life must be at least 1 year, got {life}")
    out = np.zeros_like(series, dtype=float)
    for t in range(series.shape[-1]):
        lagged = np.arange(t - life_years, -1, -life_years)
        out[..., t] = series[..., lagged].sum(axis=-1)
    return out


_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: lambda a, b: np.equal(a, b) if not isinstance(a, str) else np.asarray(a == b),
    ast.NotEq: lambda a, b: np.not_equal(a, b) if not isinstance(a, str) else np.asarray(a != b),
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
}


def evaluate(expression: Expression, values: Mapping[str, Any], years: int) -> np.ndarray:
    """Evaluate over all years: names resolve to arrays of length ``years`` or scalars."""

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise ExpressionError(f"{node.id!r} is not defined (in {expression.text!r})")
            return values[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = ev(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            result = None
            for op, comparator in zip(node.ops, node.comparators):
                right = ev(comparator)
                step = _COMPARE[type(op)](left, right)
                result = step if result is None else np.logical_and(result, step)
                left = right
            return result
        if isinstance(node, ast.Call):
            name = node.func.id
            if name == "prev":
                series = np.broadcast_to(np.asarray(ev(node.args[0]), dtype=float), (years,))
                return np.concatenate(([0.0], series[:-1]))
            if name == "cohort_sum":
                series = np.broadcast_to(np.asarray(ev(node.args[0]), dtype=float), (years,))
                return cohort_sum(series, ev(node.args[1]))
            if name == "total":
                series = np.broadcast_to(np.asarray(ev(node.args[0]), dtype=float), (years,))
                return series.sum()
            args = [ev(a) for a in node.args]
            if name == "roundup":
                return excel_roundup(args[0])
            if name == "max":
                return np.maximum.reduce(np.broadcast_arrays(*map(np.asarray, args)))
            if name == "min":
                return np.minimum.reduce(np.broadcast_arrays(*map(np.asarray, args)))
            if name == "where":
                return np.where(args[0], args[1], args[2])
            if name == "mod":
                return np.mod(args[0], args[1])
            if name == "ln":
                return np.log(args[0])
            if name == "sqrt":
                return np.sqrt(args[0])
            if name == "exp":
                return np.exp(args[0])
            if name == "abs":
                return np.abs(args[0])
            if name == "normal_cdf":
                from scipy.special import ndtr

                return ndtr(args[0])
        raise ExpressionError(f"cannot evaluate {ast.dump(node)} in {expression.text!r}")

    with np.errstate(divide="ignore", invalid="ignore"):
        result = ev(expression.tree)
    return np.broadcast_to(np.asarray(result, dtype=float), (years,)).copy()


# ---------------------------------------------------------------------------------------
# Excel reading

_EXCEL_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
_EXCEL_COMPARE = {ast.Eq: "=", ast.NotEq: "<>", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
# Excel precedence: ^ above * / above + - above comparisons (unary minus handled apart)
_PRECEDENCE = {ast.Pow: 4, ast.Mult: 3, ast.Div: 3, ast.Add: 2, ast.Sub: 2}


class CellResolver:
    """How :func:`to_excel` turns a key into a cell reference (implemented by the writer)."""

    def reference(self, key: str, column_offset: int = 0) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def row_range(self, key: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def year_index_reference(self) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def year_index_range(self) -> str:  # pragma: no cover - interface
        raise NotImplementedError


def _number(value: float) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def to_excel(expression: Expression, resolver: CellResolver) -> str:
    """The expression as an Excel formula (without the leading ``=``) for one year column."""

    def emit(node: ast.AST, parent_precedence: int = 0, column_offset: int = 0) -> str:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return '"' + node.value.replace('"', '""') + '"'
            return _number(node.value)
        if isinstance(node, ast.Name):
            return resolver.reference(node.id, column_offset)
        if isinstance(node, ast.UnaryOp):
            return "-" + emit(node.operand, 5, column_offset)
        if isinstance(node, ast.BinOp):
            precedence = _PRECEDENCE[type(node.op)]
            # left-associative: the right operand of - and / needs brackets at equal precedence
            left = emit(node.left, precedence, column_offset)
            right = emit(node.right, precedence + 1, column_offset)
            text = f"{left}{_EXCEL_BINARY[type(node.op)]}{right}"
            return f"({text})" if precedence < parent_precedence else text
        if isinstance(node, ast.Compare):
            parts = [emit(node.left, 2, column_offset)]
            for op, comparator in zip(node.ops, node.comparators):
                parts.append(_EXCEL_COMPARE[type(op)] + emit(comparator, 2, column_offset))
            text = "".join(parts)
            return f"({text})" if parent_precedence > 0 else text
        if isinstance(node, ast.Call):
            name = node.func.id
            if name == "prev":
                return emit(node.args[0], parent_precedence, column_offset - 1)
            if name == "cohort_sum":
                series, life = node.args
                if not isinstance(series, ast.Name):
                    raise ExpressionError("cohort_sum takes a line-item key as its first argument")
                life_text = emit(life, 0, column_offset)
                here, every = resolver.year_index_reference(), resolver.year_index_range()
                return (
                    f"SUMPRODUCT({resolver.row_range(series.id)},"
                    f"(MOD({here}-{every},{life_text})=0)*({every}<{here}))"
                )
            if name == "total":
                if not isinstance(node.args[0], ast.Name):
                    raise ExpressionError("total takes a line-item key")
                return f"SUM({resolver.row_range(node.args[0].id)})"
            args = [emit(a, 0, column_offset) for a in node.args]
            if name == "roundup":
                return f"ROUNDUP({args[0]},0)"
            if name == "where":
                return f"IF({args[0]},{args[1]},{args[2]})"
            if name == "normal_cdf":
                return f"NORMSDIST({args[0]})"
            return f"{name.upper()}({','.join(args)})"
        raise ExpressionError(f"cannot write {ast.dump(node)} as Excel")

    return emit(expression.tree)
