"""Where a cell goes, decided without openpyxl: named blocks of rows placed down a sheet, and one
address function.

A sheet is a :class:`SheetLayout`: its blocks (each a name and its :class:`Row` s, with the rows
it leaves above itself for a gap, a heading and a header) are placed one under the other from
a first row, so each row's place follows from the blocks above it and a key's address is a
lookup.  A writer asks the layout where a key is (:meth:`SheetLayout.row`,
:meth:`SheetLayout.address`) and writes there; a reader of a built workbook asks the same
layout, so the two cannot disagree.  :func:`cell_address` is the one place an address is
spelled (absolute or not, with the sheet quoted when its name needs it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

__all__ = ["Block", "Row", "SheetLayout", "cell_address", "headed_blocks", "quoted_sheet"]


@dataclass(frozen=True)
class Row:
    """One row of a block: its key, what its label and unit columns say, its number format and
    where its value comes from."""

    key: str
    label: str
    unit: str = ""
    number_format: str = "General"
    source: str = ""


@dataclass(frozen=True)
class Block:
    """Named rows placed together; ``lead`` rows stand between the block above and this one's
    first row (a blank row, a heading and a header take 3)."""

    name: str
    rows: tuple[Row, ...]
    lead: int = 3


def headed_blocks(groups: Iterable[tuple[str, Sequence[Row]]], gap: int = 1) -> list[Block]:
    """Blocks that each stand under a heading row named as the block, ``gap`` blank rows between
    one block and the next heading (the first block's heading is the row above the layout's first
    row; :meth:`SheetLayout.heading_row` finds each)."""
    return [Block(name, tuple(rows), lead=gap + 1) for name, rows in groups]


def quoted_sheet(sheet: str) -> str:
    """A sheet name as a formula reference writes it: quoted when it holds anything but letters,
    digits and underscores (a space, a dot, a dash)."""
    if sheet.replace("_", "").isalnum() and not sheet[0].isdigit():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def cell_address(column: str, row: int, absolute: bool = False, sheet: str | None = None) -> str:
    """The address of ``column`` (letters) and ``row``: ``C7``, ``$C$7``, ``Pricing!$C$7``."""
    address = f"${column}${row}" if absolute else f"{column}{row}"
    return address if sheet is None else f"{quoted_sheet(sheet)}!{address}"


class SheetLayout:
    """The blocks of one sheet, placed down it from ``first_row``: each row's place by key."""

    def __init__(self, sheet: str, first_row: int, blocks: Sequence[Block]) -> None:
        self.sheet = sheet
        self.blocks = tuple(blocks)
        self._first: dict[str, int] = {}
        self._place: dict[str, tuple[str, int]] = {}
        row = first_row
        for index, block in enumerate(self.blocks):
            if index:
                row += block.lead
            if block.name in self._first:
                raise ValueError(f"block {block.name!r} is twice on the {sheet} sheet")
            self._first[block.name] = row
            for offset, item in enumerate(block.rows):
                if item.key in self._place:
                    raise ValueError(f"key {item.key!r} is twice on the {sheet} sheet")
                self._place[item.key] = (block.name, row + offset)
            row += len(block.rows)

    def first_row(self, block: str) -> int:
        """The row of ``block``'s first row."""
        return self._first[block]

    def heading_row(self, block: str) -> int:
        """The row above ``block``'s first row, where a block placed by :func:`headed_blocks` has its heading."""
        return self._first[block] - 1

    def last_row(self) -> int:
        """The row of the last block's last row."""
        last = self.blocks[-1]
        return self._first[last.name] + len(last.rows) - 1

    def block_of(self, key: str) -> str:
        """The name of the block that holds ``key``."""
        return self._place[key][0]

    def row(self, key: str) -> int:
        """The row of ``key`` (:class:`KeyError` when no block holds it)."""
        return self._place[key][1]

    def address(self, key: str, column: str, absolute: bool = True, with_sheet: bool = False) -> str:
        """The address of ``key``'s cell in ``column``."""
        return cell_address(column, self.row(key), absolute, self.sheet if with_sheet else None)

    def rows(self, block: str) -> Iterator[tuple[int, Row]]:
        """``(row, Row)`` of every row of ``block``, top to bottom."""
        first = self._first[block]
        rows = next(b.rows for b in self.blocks if b.name == block)
        return ((first + offset, item) for offset, item in enumerate(rows))

    def __contains__(self, key: Any) -> bool:
        return key in self._place
