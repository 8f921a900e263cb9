"""Headless evaluation with the ``formulas`` package, our Excel functions registered.

``formulas`` computes Excel built-ins itself; this module adds every function of the
registry under its Excel name, calling the same code path as the xlwings add-in
(:func:`xlspectrum.hosts.marshal.call_excel_function`), so a workbook that uses ``=COST231(...)``
evaluates without Excel and gives what the add-in would show.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from openpyxl.utils import get_column_letter, range_boundaries

from xlspectrum.hosts.marshal import call_excel_function
from xlspectrum.hosts.registry import FUNCTIONS, ExcelFunction


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
    if isinstance(value, str) and type(value) is not str:  # formulas' XlError is a str subclass
        return str(value)
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
    arrays = _array_formula_ranges(path)
    for key, cell in solution.items():
        reference = str(key)
        if "!" not in reference:
            continue
        sheet = reference.split("]")[1].split("!")[0].strip("'").upper()
        address = reference.split("!")[1]
        raw = getattr(cell, "value", cell)
        if ":" in address:  # a range: only an array formula's own range fills its cells
            if (sheet, address) not in arrays:
                continue
            low_column, low_row, high_column, high_row = range_boundaries(address)
            grid = np.asarray(raw, dtype=object).reshape(high_row - low_row + 1, high_column - low_column + 1)
            cells = {f"{sheet}!{get_column_letter(low_column + j)}{low_row + i}": grid[i, j]
                     for i in range(grid.shape[0]) for j in range(grid.shape[1])}
        else:
            cells = {f"{sheet}!{address}": np.asarray(raw, dtype=object).ravel()[0] if isinstance(raw, np.ndarray) else raw}
        for name, item in cells.items():
            if isinstance(item, XlError):
                errors.add(name)
            values[name] = _plain_cell(item)
    return values, errors


def _array_formula_ranges(path: Path) -> set[tuple[str, str]]:
    """(upper-case sheet, ``A1:B2``) of every array formula in the workbook."""
    from openpyxl import load_workbook
    from openpyxl.worksheet.formula import ArrayFormula

    book = load_workbook(path)
    try:
        return {(ws.title.upper(), cell.value.ref.replace("$", "")) for ws in book.worksheets for row in ws.iter_rows()
                for cell in row if isinstance(cell.value, ArrayFormula) and ":" in cell.value.ref}
    finally:
        book.close()
