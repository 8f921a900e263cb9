"""The shared sheet layout: blocks placed down a sheet, addresses by key, one address function."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlspectrum.workbooks import local
from xlspectrum.workbooks.layout import Block, Row, SheetLayout, cell_address, quoted_sheet


def test_blocks_are_placed_one_under_the_other_with_their_lead():
    layout = SheetLayout("Pricing", 7, (Block("a", (Row("x", "X"), Row("y", "Y"))), Block("b", (Row("z", "Z"),), lead=2)))
    assert (layout.row("x"), layout.row("y"), layout.row("z")) == (7, 8, 11)
    assert layout.first_row("b") == 11 and layout.last_row() == 11 and layout.block_of("z") == "b"
    assert layout.address("y", "C") == "$C$8" and layout.address("y", "D", absolute=False, with_sheet=True) == "Pricing!D8"
    assert list(layout.rows("a")) == [(7, Row("x", "X")), (8, Row("y", "Y"))]
    with pytest.raises(KeyError):
        layout.row("w")


def test_a_key_or_block_given_twice_is_refused():
    with pytest.raises(ValueError, match="key 'x' is twice on the S sheet"):
        SheetLayout("S", 1, (Block("a", (Row("x", "X"),)), Block("b", (Row("x", "X"),))))
    with pytest.raises(ValueError, match="block 'a' is twice"):
        SheetLayout("S", 1, (Block("a", ()), Block("a", ())))


def test_sheet_names_are_quoted_when_a_formula_needs_it():
    assert cell_address("C", 7, True, "Checks") == "Checks!$C$7"
    assert cell_address("C", 7, False, "UHF Inputs") == "'UHF Inputs'!C7"
    assert quoted_sheet("xlwings.conf") == "'xlwings.conf'" and quoted_sheet("NZ's") == "'NZ''s'"


@given(st.integers(1, 50), st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), min_size=1, max_size=8))
def test_every_row_has_one_place_and_blocks_never_overlap(first, shape):
    blocks = [Block(f"b{i}", tuple(Row(f"k{i}_{j}", "") for j in range(size)), lead) for i, (size, lead) in enumerate(shape)]
    layout = SheetLayout("S", first, blocks)
    rows = [layout.row(row.key) for block in blocks for row in block.rows]
    assert rows == sorted(rows) and len(set(rows)) == len(rows)
    assert all(row >= first for row in rows)


def test_the_local_workbook_places_its_cells_through_the_layout():
    assert local.pricing_cell("lsp", "campus") == local.PRICING.address("lsp", "D")
    assert local.pricing_cell("reserve_price") == "$C$" + str(local.PRICING.row("reserve_price"))
    assert local.coverage_cell("mapl", absolute=False) == f"C{local.COVERAGE.row('mapl')}"
    assert local.level_cell("level", 0) == f"C{local.LEVELS.first_row('levels')}"


def test_the_exchange_workbook_places_its_blocks_through_the_layout():
    from xlspectrum.workbooks import exchange

    assert exchange._nz("reserve") == f"'NZ inputs'!$C${exchange.NZ_INPUTS.row('reserve')}"
    clearing = exchange._ClearingLayout(lots=3, bids=5)
    assert (clearing.lot_row, clearing.bid_row, clearing.check_row) == (6, 13, 21)  # lots + 4, bids + 3
    assert clearing.bid_range(3) == "$C$13:$C$17" and clearing.built_heading == clearing.sheet.last_row() + 2
