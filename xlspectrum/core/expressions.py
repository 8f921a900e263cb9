"""The expression language of cost-model line items: one text, two readings.

Every line item's rule is written once, as a small expression in Python syntax over the
keys of inputs and other line items.  This module reads that text into an AST and gives
it two meanings:

* :func:`evaluate` computes it with numpy over all model years at once (the engine),
  and over a leading scenario axis when inputs are arrays of scenarios;
* :func:`to_excel` writes it as a native Excel formula for one year column (the
  workbook), using the same references and functions.

Both readings come from one table, :data:`FUNCTIONS`: each function's name, its number of
arguments, its numpy implementation and its Excel form.  The parser refuses what has no
faithful Excel form (see :func:`parse`), and a hypothesis test generates random
expressions and checks that numpy and the ``formulas`` evaluation of the Excel text
agree.  The workbook is recalculated headlessly to prove the same for every line item.

Functions of the language (and what they become in Excel):

==========================  ====================================================
``roundup(x)``              ``ROUNDUP(x, 0)`` (away from zero, after rounding to 15
                            significant digits as Excel does)
``max(a, b, ...)``          ``MAX(a, b, ...)``
``min(a, b, ...)``          ``MIN(a, b, ...)``
``where(c, a, b)``          ``IF(c, a, b)``
``mod(a, b)``               ``MOD(a, b)`` (the sign of ``b``)
``prev(x)``                 ``x`` one column to the left (0 before the first year)
``cohort_sum(x, life)``     ``sum of x(t - k*life), k = 1, 2, ...``: a ``SUMPRODUCT`` over
                            the row of ``x`` (units bought ``life`` years ago, again and again)
``total(x)``                ``SUM`` of the row of ``x`` over all years (a single value)
``ln(x)``, ``sqrt(x)``,     ``LN``, ``SQRT``, ``EXP``, ``ABS``
``exp(x)``, ``abs(x)``
``normal_cdf(x)``           ``NORMSDIST(x)``, the standard normal distribution
==========================  ====================================================

Operators: ``+ - * / **`` and unary ``-`` and ``+``; one comparison at a time (``==``
becomes ``=``, ``!=`` ``<>``).  A comparison is 1 or 0 in numpy and TRUE or FALSE in
Excel, so it may only be a condition (the whole expression or the first argument of
``where``) or an operand of arithmetic, where both readings agree.  String literals
compare with choice inputs (``rule == "none"``).
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from xlspectrum.core.normal import ndtr


class ExpressionError(ValueError):
    """A line-item expression that cannot be read or evaluated."""


# ---------------------------------------------------------------------------------------
# numpy implementations that need more than one numpy call


def _has_infinity(value: Any) -> bool:
    if isinstance(value, float):
        return value in (np.inf, -np.inf)
    return not isinstance(value, str) and bool(np.isinf(value).any())


def _errors_stay_errors(operation: Callable[..., Any]) -> Callable[..., Any]:
    """Where Excel shows an error (#DIV/0!, #NUM!), numpy gives an infinity or NaN.  NaN
    stays NaN through every step, and an infinity through + - * and the functions that
    keep it infinite; but some steps turn an infinity back into a number (1/inf is 0,
    exp(-inf) 0, min(inf, 1) 1, inf > 1 TRUE).  Those steps are wrapped here: an
    infinite argument gives NaN, as Excel's error would propagate.  The engine refuses
    any line item that is not finite, so an error never reaches a result."""

    def guarded(*args: Any) -> Any:
        result = operation(*args)
        if not any(_has_infinity(a) for a in args):
            return result
        infinite = functools.reduce(np.logical_or, [np.isinf(a) for a in args if not isinstance(a, str)])
        return np.where(infinite, np.nan, result)

    guarded.__name__ = getattr(operation, "__name__", "guarded")
    return guarded


def _significant(x: np.ndarray, digits: int = 15) -> np.ndarray:
    """Round to 15 significant digits, as Excel and LibreOffice do before ROUNDUP."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        magnitude = np.where(x == 0, 0, np.floor(np.log10(np.abs(np.where(x == 0, 1, x)))))
        scale = 10.0 ** (digits - 1 - magnitude)
        return np.where(x == 0, 0.0, np.round(x * scale) / scale)


def excel_roundup(x: Any) -> np.ndarray:
    """``ROUNDUP(x, 0)``: away from zero, after rounding to 15 significant digits."""
    x = _significant(x)
    return np.sign(x) * np.ceil(np.abs(x))


def _whole_lives(life: Any) -> np.ndarray:
    lives = np.asarray(life, dtype=float)
    bad = ~(np.isfinite(lives) & (lives >= 1) & (lives == np.round(lives)))
    if bad.any():
        raise ExpressionError(f"an asset life must be a whole number of years, at least 1; got {lives[bad].ravel()[0]:g}")
    return lives.astype(int)


def cohort_sum(series: np.ndarray, life: Any) -> np.ndarray:
    """``sum_k series[t - k*life]`` for k >= 1: what was bought 1, 2, ... lives ago.

    ``life`` is a whole number of years (Excel's ``MOD`` test needs one), a single value
    or one per scenario (shape ``(N, 1)`` against ``series`` of shape ``(N, years)``).
    """
    series = np.asarray(series, dtype=float)
    lives = _whole_lives(life)
    if lives.size == 1:
        life_years, years = int(lives.ravel()[0]), series.shape[-1]
        if life_years >= years:
            return np.zeros(series.shape)
        # bought a life ago, then blocks of one life: a running sum down each column of blocks
        blocks = -(-years // life_years)
        lagged = np.zeros(series.shape[:-1] + (blocks * life_years,))
        lagged[..., life_years:years] = series[..., :years - life_years]
        stacked = lagged.reshape(series.shape[:-1] + (blocks, life_years))
        return np.add.accumulate(stacked, axis=-2).reshape(lagged.shape)[..., :years]
    lead = np.broadcast_shapes(series.shape[:-1], lives.shape[:-1])
    series = np.broadcast_to(series, lead + series.shape[-1:])
    out = np.zeros(series.shape)
    per_row = np.broadcast_to(lives, lead + (1,))[..., 0]
    for life_years in np.unique(per_row):
        rows = per_row == life_years
        out[rows] = cohort_sum(series[rows], life_years)
    return out


def _previous_year(series: np.ndarray) -> np.ndarray:
    return np.concatenate((np.zeros(series.shape[:-1] + (1,)), series[..., :-1]), axis=-1)


def _total(series: np.ndarray) -> np.ndarray:
    # keepdims: a single value per scenario, broadcast over the years like any other
    return series.sum(axis=-1, keepdims=True)


def _where(condition: Any, if_true: Any, if_false: Any) -> np.ndarray:
    condition = np.asarray(condition, dtype=float)
    chosen = np.where(condition != 0, if_true, if_false)
    # IF(#NUM!, ...) is an error in Excel, not the FALSE branch
    error = ~np.isfinite(condition)
    return np.where(error, np.nan, chosen) if error.any() else chosen


# ---------------------------------------------------------------------------------------
# The one table of the language


@dataclass(frozen=True)
class Function:
    """One function of the language: both of its readings.

    ``kind`` is ``"cell"`` (computed year by year from its arguments), ``"row"`` (its
    first argument is a whole row of years of a line item, written as a range) or
    ``"shift"`` (``prev``: the same row one column to the left).
    """

    name: str
    min_args: int
    max_args: int | None
    kind: str
    numpy: Callable[..., Any]
    #: the Excel text from the arguments' Excel texts (for "row": the row range, then the
    #: arguments, then this column's year index and the row of year indices)
    excel: Callable[..., str] | None
    meaning: str


def _excel_call(name: str) -> Callable[[Sequence[str]], str]:
    return lambda args: f"{name}({','.join(args)})"


FUNCTIONS: dict[str, Function] = {f.name: f for f in (
    Function("roundup", 1, 1, "cell", excel_roundup, lambda a: f"ROUNDUP({a[0]},0)", "round away from zero"),
    Function("max", 1, None, "cell", _errors_stay_errors(lambda *a: functools.reduce(np.maximum, a)),
             _excel_call("MAX"), "largest"),
    Function("min", 1, None, "cell", _errors_stay_errors(lambda *a: functools.reduce(np.minimum, a)),
             _excel_call("MIN"), "smallest"),
    Function("where", 3, 3, "cell", _where, lambda a: f"IF({a[0]},{a[1]},{a[2]})", "if c then a else b"),
    Function("mod", 2, 2, "cell", _errors_stay_errors(np.mod), _excel_call("MOD"), "remainder with the sign of the divisor"),
    Function("ln", 1, 1, "cell", np.log, _excel_call("LN"), "natural logarithm"),
    Function("sqrt", 1, 1, "cell", np.sqrt, _excel_call("SQRT"), "square root"),
    Function("exp", 1, 1, "cell", _errors_stay_errors(np.exp), _excel_call("EXP"), "e to the power"),
    Function("abs", 1, 1, "cell", np.abs, _excel_call("ABS"), "absolute value"),
    Function("normal_cdf", 1, 1, "cell", _errors_stay_errors(ndtr), _excel_call("NORMSDIST"), "standard normal distribution"),
    Function("prev", 1, 1, "shift", _previous_year, None, "last year's value, 0 before the first year"),
    Function("cohort_sum", 2, 2, "row", cohort_sum,
             lambda row, a, here, every: f"SUMPRODUCT({row},(MOD({here}-{every},{a[1]})=0)*({every}<{here}))",
             "sum of the row 1, 2, ... lives ago"),
    Function("total", 1, 1, "row", _total, lambda row, a, here, every: f"SUM({row})", "sum over all years"),
)}

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
    ast.Div: _errors_stay_errors(np.divide), ast.Pow: _errors_stay_errors(np.power),
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: np.equal, ast.NotEq: np.not_equal, ast.Lt: np.less, ast.LtE: np.less_equal,
    ast.Gt: np.greater, ast.GtE: np.greater_equal,
}
_EXCEL_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
_EXCEL_COMPARE = {ast.Eq: "=", ast.NotEq: "<>", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
# Excel precedence: ^ above * / above + - above comparisons (unary minus handled apart)
_PRECEDENCE = {ast.Pow: 4, ast.Mult: 3, ast.Div: 3, ast.Add: 2, ast.Sub: 2}


# ---------------------------------------------------------------------------------------
# Parsing: what the two readings agree on


@dataclass(frozen=True)
class Expression:
    text: str
    tree: ast.expr
    _compiled: Callable[[Mapping[str, Any], int], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", _compile(self.tree, self.text))

    @property
    def names(self) -> set[str]:
        """Keys referenced anywhere in the expression."""
        return {n.id for n in ast.walk(self.tree) if isinstance(n, ast.Name)} - set(FUNCTIONS)

    @property
    def same_year_names(self) -> set[str]:
        """Keys needed for the same year (not only through ``prev``)."""
        found: set[str] = set()

        def visit(node: ast.AST) -> None:
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "prev":
                return
            if isinstance(node, ast.Name) and node.id not in FUNCTIONS:
                found.add(node.id)
            for child in ast.iter_child_nodes(node):
                visit(child)

        visit(self.tree)
        return found

    @property
    def is_condition(self) -> bool:
        """A comparison at the top: TRUE/FALSE in Excel, 1/0 in numpy."""
        return isinstance(self.tree, ast.Compare)


def _refuse(text: str, problem: str) -> ExpressionError:
    return ExpressionError(f"{problem} in {text!r}")


def _check(node: ast.AST, text: str, logical_allowed: bool) -> None:
    """Refuse what has no faithful Excel form; ``logical_allowed``: may a comparison stand here."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float, str)):
            raise _refuse(text, f"the constant {node.value!r} is not allowed (numbers and quoted text only)")
        if isinstance(node.value, str):
            raise _refuse(text, f"the text {node.value!r} may only be compared with a choice input (== or !=)")
        return
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise _refuse(text, f"{node.id!r} is a function: call it with brackets")
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise _refuse(text, f"the operator {type(node.op).__name__} ('not', '~') has no Excel form: "
                                "use where(c, 0, 1) for 'not c'")
        _check(node.operand, text, True)
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise _refuse(text, f"the operator {type(node.op).__name__} is not in the language (+ - * / ** only)")
        _check(node.left, text, True)
        _check(node.right, text, True)
        return
    if isinstance(node, ast.Compare):
        if len(node.ops) > 1:
            raise _refuse(text, "a chained comparison (1 < a < 3) is an AND in Python but not in Excel: "
                                "write (1 < a) * (a < 3)")
        if not logical_allowed:
            raise _refuse(text, "a comparison may only be a condition or an operand of arithmetic "
                                "(Excel's MAX, MIN and comparisons treat TRUE/FALSE unlike 1/0): write (a < b) * 1")
        left, right = node.left, node.comparators[0]
        texts = [isinstance(n, ast.Constant) and isinstance(n.value, str) for n in (left, right)]
        if any(texts):
            if not isinstance(node.ops[0], (ast.Eq, ast.NotEq)) or all(texts):
                raise _refuse(text, "text may only be compared with a choice input, by == or !=")
        for operand, is_text in zip((left, right), texts):
            if isinstance(operand, ast.Compare):
                raise _refuse(text, "a comparison of a comparison differs in Excel (TRUE > any number): "
                                    "compare numbers")
            if not is_text:
                _check(operand, text, False)
        return
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", None)
        if name not in FUNCTIONS:
            raise _refuse(text, f"unknown function {name!r} (the language has {', '.join(sorted(FUNCTIONS))})")
        function = FUNCTIONS[name]
        if node.keywords:
            raise _refuse(text, f"{name}() takes no keyword arguments")
        count = len(node.args)
        if count < function.min_args or (function.max_args is not None and count > function.max_args):
            expected = (f"{function.min_args}" if function.min_args == function.max_args
                        else f"at least {function.min_args}" if function.max_args is None
                        else f"{function.min_args} to {function.max_args}")
            noun = "argument" if expected in ("1", "at least 1") else "arguments"
            raise _refuse(text, f"{name}() takes {expected} {noun}, got {count}")
        if function.kind == "row" and not isinstance(node.args[0], ast.Name):
            raise _refuse(text, f"{name}() takes a line-item key as its first argument (a row of years)")
        for position, argument in enumerate(node.args):
            _check(argument, text, name == "where" and position == 0)
        return
    raise _refuse(text, f"{type(node).__name__} is not allowed")


def parse(text: str) -> Expression:
    """Read an expression; refuse what numpy and Excel would read differently.

    Refused, with a message that says what to write instead: unknown functions, a wrong
    number of arguments, ``not``/``~``, chained comparisons, a comparison anywhere but a
    condition or an operand of arithmetic, text other than a choice compared by ``==`` or
    ``!=``, ``True``/``False`` constants, and any Python syntax beyond the operators.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read expression {text!r}: {exc.msg}") from exc
    _check(tree, text, True)
    return Expression(text, tree)


# ---------------------------------------------------------------------------------------
# numpy reading: each expression compiled once into nested closures

Compiled = Callable[[Mapping[str, Any], int], Any]


def _over_years(value: Any, years: int) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if array.shape[-1:] == (years,):
        return array
    return np.broadcast_to(array, np.broadcast_shapes(array.shape, (years,)))


def _compare(op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
    if isinstance(left, str) or isinstance(right, str):
        return float(op(np.asarray(left), np.asarray(right)))
    result = op(left, right)
    result = result.astype(float) if isinstance(result, np.ndarray) else float(result)
    error = ~(np.isfinite(left) & np.isfinite(right))
    return np.where(error, np.nan, result) if np.any(error) else result


def _compile(node: ast.AST, text: str) -> Compiled:
    if isinstance(node, ast.Constant):
        constant = node.value if isinstance(node.value, str) else float(node.value)
        return lambda values, years: constant
    if isinstance(node, ast.Name):
        key = node.id

        def name(values: Mapping[str, Any], years: int) -> Any:
            try:
                return values[key]
            except KeyError:
                raise ExpressionError(f"{key!r} is not defined (in {text!r})") from None

        return name
    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand, text)
        if isinstance(node.op, ast.UAdd):
            return operand
        return lambda values, years: np.negative(operand(values, years))
    if isinstance(node, ast.BinOp):
        operator, left, right = _BINARY[type(node.op)], _compile(node.left, text), _compile(node.right, text)
        return lambda values, years: operator(left(values, years), right(values, years))
    if isinstance(node, ast.Compare):
        comparison = _COMPARE[type(node.ops[0])]
        left, right = _compile(node.left, text), _compile(node.comparators[0], text)
        return lambda values, years: _compare(comparison, left(values, years), right(values, years))
    if isinstance(node, ast.Call):
        function = FUNCTIONS[node.func.id]
        arguments = [_compile(a, text) for a in node.args]
        implementation = function.numpy
        if function.kind == "cell":
            if len(arguments) == 1:
                only = arguments[0]
                return lambda values, years: implementation(only(values, years))
            return lambda values, years: implementation(*(a(values, years) for a in arguments))
        series, rest = arguments[0], arguments[1:]
        return lambda values, years: implementation(_over_years(series(values, years), years),
                                                    *(a(values, years) for a in rest))
    raise _refuse(text, f"cannot evaluate {type(node).__name__}")  # pragma: no cover - parse refuses it first


def evaluate(expression: Expression, values: Mapping[str, Any], years: int) -> np.ndarray:
    """Evaluate over all years: names resolve to scalars, arrays of length ``years``, or
    arrays with a leading scenario axis (``(N, 1)`` for a number, ``(N, years)`` for a row).

    Returns a float array of shape ``(years,)``, or ``(N, years)`` with scenarios; NaN or
    an infinity where Excel would show an error.
    """
    with np.errstate(all="ignore"):
        return evaluate_quietly(expression, values, years)


def evaluate_quietly(expression: Expression, values: Mapping[str, Any], years: int) -> np.ndarray:
    """:func:`evaluate` for callers that already silence numpy's floating-point warnings
    (the engine, once around a whole run)."""
    result = np.asarray(expression._compiled(values, years), dtype=float)
    if result.shape[-1:] == (years,):
        return result
    return np.broadcast_to(result, np.broadcast_shapes(result.shape, (years,))).copy()


# ---------------------------------------------------------------------------------------
# Excel reading


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
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value)).upper()


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
            if isinstance(node.op, ast.UAdd):
                return emit(node.operand, parent_precedence, column_offset)
            # Excel negates before ^ (=-2^2 is 4): bracket any operator below the minus
            return "-" + emit(node.operand, 5, column_offset)
        if isinstance(node, ast.BinOp):
            precedence = _PRECEDENCE[type(node.op)]
            # Excel's ^ is left-associative and Python's ** right-associative, and the right
            # operand of - and / needs brackets at equal precedence: bracket the right side
            left = emit(node.left, precedence, column_offset)
            right = emit(node.right, precedence + 1, column_offset)
            text = f"{left}{_EXCEL_BINARY[type(node.op)]}{right}"
            return f"({text})" if precedence < parent_precedence else text
        if isinstance(node, ast.Compare):
            text = (emit(node.left, 2, column_offset) + _EXCEL_COMPARE[type(node.ops[0])]
                    + emit(node.comparators[0], 2, column_offset))
            return f"({text})" if parent_precedence > 0 else text
        if isinstance(node, ast.Call):
            function = FUNCTIONS[node.func.id]
            if function.kind == "shift":
                return emit(node.args[0], parent_precedence, column_offset - 1)
            if function.kind == "row":
                row = resolver.row_range(node.args[0].id)
                args = [row] + [emit(a, 0, column_offset) for a in node.args[1:]]
                return function.excel(row, args, resolver.year_index_reference(), resolver.year_index_range())
            return function.excel([emit(a, 0, column_offset) for a in node.args])
        raise ExpressionError(f"cannot write {ast.dump(node)} as Excel")  # pragma: no cover - parse refuses it

    return emit(expression.tree)
