"""Headless evaluation with the ``formulas`` package, our Excel functions registered.

``formulas`` computes Excel built-ins itself; this module adds every function of the
registry under its Excel name, calling the same code path as the xlwings add-in
(:func:`xlspectrum.excel.call_excel_function`), so a workbook that uses ``=COST231(...)``
evaluates without Excel and gives what the add-in would show.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .excel import call_excel_function
from .registry import FUNCTIONS, ExcelFunction


def _plain(value: Any) -> Any:
    """A ``formulas`` argument (a Ranges object or a scalar) as an Excel-style value."""
    value = getattr(value, "value", value)
    if isinstance(value, np.ndarray):
        rows = [[_plain_cell(v) for v in row] for row in np.atleast_2d(value).tolist()]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
    return _plain_cell(value)


def _plain_cell(value: Any) -> Any:
    """Empty cells become ``None`` and error values their text, as xlwings passes them."""
    import schedula

    if value is schedula.EMPTY:
        return None
    if isinstance(value, (bool, int, float, str, type(None))):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _formulas_function(spec: ExcelFunction):
    def evaluate(*args: Any) -> Any:
        result = call_excel_function(spec, *(_plain(a) for a in args))
        return np.asarray(result, dtype=object) if isinstance(result, list) else result

    evaluate.__name__ = spec.excel_name
    return evaluate


def register_functions() -> None:
    """Add the registry's functions to ``formulas``' table of Excel functions (idempotent)."""
    import formulas

    table = formulas.get_functions()
    for spec in FUNCTIONS:
        table[spec.excel_name] = _formulas_function(spec)


def calculate(path: str | Path) -> tuple[dict[str, Any], set[str]]:
    """Evaluate every formula of a workbook.

    Returns ``(values, errors)``: values keyed ``SHEET!A1`` with the sheet name
    upper-cased (as ``formulas`` reports it) as Python scalars, ``None`` for empty cells
    and error values as their text; ``errors`` holds the keys whose value is an Excel
    error (so a text that merely reads like one is not taken for an error).
    """
    import formulas
    from formulas.tokens.operand import XlError

    register_functions()
    path = Path(path)
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    values: dict[str, Any] = {}
    errors: set[str] = set()
    for key, cell in solution.items():
        reference = str(key)
        if "!" not in reference or ":" in reference.split("!")[1]:
            continue
        sheet = reference.split("]")[1].split("!")[0].strip("'")
        address = reference.split("!")[1]
        raw = getattr(cell, "value", cell)
        raw = np.asarray(raw, dtype=object).ravel()[0] if isinstance(raw, np.ndarray) else raw
        name = f"{sheet.upper()}!{address}"
        if isinstance(raw, XlError):
            errors.add(name)
        values[name] = _plain_cell(raw)
    return values, errors
