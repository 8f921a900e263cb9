"""Write the spectrum rights exchange as a live-formula workbook.

* Register: the lots on offer (owner, right, area, window, units), which are the "spectrum
  tokens" of the white paper on a tokenized spectrum sale (without its blockchain or token
  sale; README, Sources), with the inputs of each primary's reservation price, eq. (12) of
  Weiss and Cui;
* Bids: the secondaries' package bids with the inputs of their value, eq. (14);
* NZ inputs: New Zealand's 700 MHz auction (thesis section 4.5.8): rules, the bids of
  Table 3 and Table 3 as printed;
* Clearing: reserves and bid values as native formulas (the add-in's functions beside
  them), ``AUCTION_CLEAR`` for each payment rule side by side, and native checks of
  every result: supply respected, one winning bid per bidder, payments between the
  reserve and the bid, losers pay nothing, the same winners under every rule, revenue;
* NZ 700: Table 3 and the counterfactuals of sections 4.5.9-4.5.11 as live formulas,
  with what VCG pricing would have charged for the supplementary lot;
* Checks, with the master check shown on every sheet.

Cells that call the add-in show "no add-in" where it is not, and their checks
read "n/a"; everything else is native and recalculates in Excel and LibreOffice.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from xlspectrum.models import nz700, rights_market
from xlspectrum.market.combinatorial import PAYMENT_RULES
from xlspectrum.workbooks import style
from xlspectrum.workbooks.style import (
    NOTE_FONT,
    TOLERANCE_CELL,
    write_checks_sheet,
)
from xlspectrum.workbooks.layout import Block, Row, SheetLayout, cell_address
from xlspectrum.workbooks.package import add_xlwings_conf, has_marker, print_setup, stamp
from xlspectrum.workbooks.style import BOLD, TITLE_FONT, addin, block_heading

#: Document keywords that mark a workbook as xlspectrum's exchange
MODEL_MARKER = "xlspectrum spectrum rights exchange"
#: Relative tolerance of the numerical checks
TOLERANCE = 1e-9
US_DOLLARS = "#,##0;[Red]-#,##0"
WON_FORMAT = '"won";"won";"lost"'
NOT_LOADED = f'"{style.NOT_LOADED}"'  # as a formula's text
RULE_TEXT = {
    "pay_as_bid": "Pay as bid",
    "vcg": "VCG",
    "core_vcg_nearest": "Core, nearest VCG",
    "core_bid_nearest": "Core, nearest the bids",
}
SHEET_PURPOSE = {
    "Cover": "What the exchange is, its headline results and how to read it",
    "Register": "The lots on offer (the white paper's spectrum tokens) and the inputs of each reserve price; change the blue cells",
    "Bids": "The secondaries' package bids and the inputs of their values; change the blue cells",
    "NZ inputs": "New Zealand's 700 MHz auction: rules, bids and Table 3 as printed (thesis 4.5.8)",
    "Clearing": "Reserves, values and AUCTION_CLEAR under every payment rule, checked by native formulas",
    "NZ 700": "Table 3 and the LSP counterfactuals as live formulas, and what VCG would have charged",
    "Checks": "Integrity checks and the master check",
    "xlwings.conf": style.XLWINGS_CONF_PURPOSE,
}

REGISTER_COLUMNS = (  # key, header, unit, number format
    ("lot_id", "Lot", "", "General"),
    ("band", "Right (band, block)", "", "General"),
    ("area", "Area", "", "General"),
    ("window", "Time window", "", "General"),
    ("owner", "Owner (primary)", "", "General"),
    ("quantity", "Units offered", "units", "0"),
    ("income_per_viewer", "Income per viewer a", "US$", "#,##0.00"),
    ("viewers_before", "Viewers before N_v", "viewers", "#,##0"),
    ("viewers_after", "Viewers after N'_v", "viewers", "#,##0"),
    ("energy_cost_per_kwh", "Energy cost b", "US$/kWh", "0.000"),
    ("power_before_kw", "Power before T_p", "kW", "#,##0"),
    ("power_after_kw", "Power after T'_p", "kW", "#,##0"),
    ("duration_h", "Duration T_n", "h", "#,##0"),
)
BID_INPUTS = (
    ("penetration", "Penetration e", "-", "0%"),
    ("capacity", "Capacity C", "customers", "#,##0"),
    ("revenue_per_unit", "Revenue per customer r", "US$", "#,##0.00"),
    ("operating_cost", "Operating cost C_b", "US$", US_DOLLARS),
)
FIRST_ROW = 6  # first data row of the Register, Bids and Clearing tables


def _col(index: int) -> str:
    return get_column_letter(index)










def _labelled(label: str, unit: str) -> str:
    return f"{label} [{unit}]" if unit else label


# ----------------------------------------------------------------------------- input sheets
def _write_register(wb: Workbook, lots: pd.DataFrame) -> None:
    ws = wb.create_sheet("Register")
    style.title(ws, "Register - interference rights on offer (the white paper's spectrum tokens)",
           "Each lot is one right: the case's 36 kW secondary may transmit at the stated distance from the broadcaster for "
           "the window. The primary's eq. (12) inputs set its reserve; viewers after come from the TV white-space case.")
    style.header(ws, FIRST_ROW - 1, [_labelled(label, unit) for _, label, unit, _ in REGISTER_COLUMNS] + ["Source"])
    for r, (lot_id, lot) in enumerate(lots.iterrows(), FIRST_ROW):
        for c, (key, _, _, number_format) in enumerate(REGISTER_COLUMNS, 1):
            style.input_cell(ws.cell(r, c), lot_id if key == "lot_id" else lot[key], number_format)
        ws.cell(r, len(REGISTER_COLUMNS) + 1,
                f"Weiss and Cui, section IV; viewers after: {rights_market.tvws.__name__}.case(), base power case").font = NOTE_FONT
    widths = [9, 34, 34, 16, 14, 10, 11, 12, 12, 10, 10, 10, 10, 60]
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[_col(c)].width = width
    ws.freeze_panes = f"B{FIRST_ROW}"


def _write_bids(wb: Workbook, lots: pd.DataFrame, bids: pd.DataFrame) -> None:
    ws = wb.create_sheet("Bids")
    style.title(ws, "Bids - secondaries' package bids (all or nothing; a bidder wins at most one of its bids)",
           "Illustrative secondaries (the paper's own is worth less than any reserve): a bid's value is eq. (14), "
           "e C r - C_b, floored at 0 on the Clearing sheet.")
    lot_ids = list(lots.index)
    labels = ["Bid", "Bidder", *[f"{lot} [units]" for lot in lot_ids], *[_labelled(label, unit) for _, label, unit, _ in BID_INPUTS]]
    style.header(ws, FIRST_ROW - 1, labels + ["Source"])
    for r, (bid_id, bid) in enumerate(bids.iterrows(), FIRST_ROW):
        style.input_cell(ws.cell(r, 1), bid_id)
        style.input_cell(ws.cell(r, 2), bid["bidder"])
        for c, lot in enumerate(lot_ids, 3):
            style.input_cell(ws.cell(r, c), int(bid[lot]), "0")
        for c, (key, _, _, number_format) in enumerate(BID_INPUTS, 3 + len(lot_ids)):
            style.input_cell(ws.cell(r, c), float(bid[key]), number_format)
        ws.cell(r, 3 + len(lot_ids) + len(BID_INPUTS), f"illustrative ({rights_market.__name__})").font = NOTE_FONT
    for c, width in enumerate([12, 9, 10, 10, 10, 12, 13, 14, 14, 36], 1):
        ws.column_dimensions[_col(c)].width = width
    ws.freeze_panes = f"C{FIRST_ROW}"


NZ_RULES = (  # key, label, unit, value, number format, source
    ("lots", "Lots offered", "lots", 9, "0", "section 4.5.8: 45 MHz paired in 9 blocks"),
    ("lot_mhz", "Bandwidth of a lot (paired)", "MHz", 5, "0", "section 4.5.8: 2 x 5 MHz"),
    ("reserve", "Reserve price of a lot", "NZ$", nz700.LOT_RESERVE_NZD, "#,##0", "section 4.5.8: NZ$ 22 M plus tax"),
    ("cap_mhz", "Acquisition limit in the clock round (paired)", "MHz", 15, "0", "section 4.5.8"),
    ("set_aside", "Lots set aside for an LSP before the auction (counterfactual)", "lots", 1, "0", "section 4.5.9: 5 MHz"),
)
NZ_BIDDERS = ("A", "B", "C")
NZ_BID_COLUMNS = (  # key, label, unit, format
    ("clock", "Clock demand at the reserve", "lots", "0"),
    ("supplementary_lots", "Lots in the supplementary bid", "lots", "0"),
    ("supplementary", "Supplementary bid", "NZ$", "#,##0"),
    ("assignment", "Assignment bid", "NZ$", "#,##0"),
    ("blocking", "Extra clock lots to block an LSP (counterfactual)", "lots", "0"),
)
NZ_BIDS = {"A": (3, 1, 83e6, 9.1e6, 0), "B": (3, 1, 0.0, 2e6, 0), "C": (2, 1, 0.0, 0.0, 1)}
PRINTED_COLUMNS = ("clock", "supplementary", "assignment", "total", "lots")
#: The NZ inputs sheet: the rules from row 6, a row per bidder, then Table 3 as printed (a row per
#: bidder and the total)
NZ_INPUTS = SheetLayout("NZ inputs", 6, (
    Block("rules", tuple(Row(key, label, unit, number_format, source) for key, label, unit, _, number_format, source in NZ_RULES)),
    Block("bids", tuple(Row(f"bidder_{bidder}", bidder) for bidder in NZ_BIDDERS)),
    Block("printed", tuple(Row(f"printed_{label}", label) for label in (*NZ_BIDDERS, "Total"))),
))
NZ_RULES_ROW, NZ_BIDS_ROW, NZ_PRINTED_ROW = (NZ_INPUTS.first_row(block.name) for block in NZ_INPUTS.blocks)


def _nz(key: str) -> str:
    """Absolute reference to an NZ rule value."""
    return NZ_INPUTS.address(key, "C", with_sheet=True)


def _nz_bid_column(key: str) -> str:
    return _col(2 + [k for k, *_ in NZ_BID_COLUMNS].index(key))


def _nz_bid(key: str, bidder: str) -> str:
    return NZ_INPUTS.address(f"bidder_{bidder}", _nz_bid_column(key), with_sheet=True)


def _nz_bid_range(key: str) -> str:
    column = _nz_bid_column(key)
    first, last = (NZ_INPUTS.row(f"bidder_{bidder}") for bidder in (NZ_BIDDERS[0], NZ_BIDDERS[-1]))
    return f"{cell_address(column, first, True, NZ_INPUTS.sheet)}:{cell_address(column, last, True)}"


def _nz_printed(key: str, row_label: str) -> str:
    return NZ_INPUTS.address(f"printed_{row_label}", _col(2 + PRINTED_COLUMNS.index(key)), with_sheet=True)


def _write_nz_inputs(wb: Workbook) -> None:
    ws = wb.create_sheet("NZ inputs")
    style.title(ws, "NZ inputs - New Zealand's 700 MHz combinatorial clock auction (thesis section 4.5.8, Tables 2-3)",
           "The thesis prints bids and payments, not valuations. Change the blue cells to explore other outcomes.")
    block_heading(ws, NZ_RULES_ROW - 1, "Auction rules", 7)
    for r, (_, label, unit, value, number_format, source) in enumerate(NZ_RULES, NZ_RULES_ROW):
        ws.cell(r, 1, label)
        ws.cell(r, 2, unit)
        style.input_cell(ws.cell(r, 3), value, number_format)
        ws.cell(r, 4, source).font = NOTE_FONT
    block_heading(ws, NZ_BIDS_ROW - 2, "Bids (section 4.5.8; Table 3)", 7)
    style.header(ws, NZ_BIDS_ROW - 1, ["Bidder", *[_labelled(label, unit) for _, label, unit, _ in NZ_BID_COLUMNS], "Source"])
    for r, bidder in enumerate(NZ_BIDDERS, NZ_BIDS_ROW):
        style.input_cell(ws.cell(r, 1), bidder)
        for c, ((_, _, _, number_format), value) in enumerate(zip(NZ_BID_COLUMNS, NZ_BIDS[bidder], strict=True), 2):
            style.input_cell(ws.cell(r, c), value, number_format)
        ws.cell(r, 2 + len(NZ_BID_COLUMNS), "section 4.5.8 and Table 3; blocking: section 4.5.10").font = NOTE_FONT
    block_heading(ws, NZ_PRINTED_ROW - 2, "Table 3 as printed (for the checks)", 7)
    style.header(ws, NZ_PRINTED_ROW - 1, ["Bidder", "Clock [NZ$]", "Supplementary [NZ$]", "Assignment [NZ$]", "Total [NZ$]",
                                     "Lots [lots]", "Note"])
    for r, bidder in enumerate((*NZ_BIDDERS, "Total"), NZ_PRINTED_ROW):
        clock, _, supplementary, _, assignment, total, lots = nz700.PRINTED_TABLE3[bidder]
        ws.cell(r, 1, bidder)
        for c, (value, number_format) in enumerate(zip((clock, supplementary, assignment, total, lots),
                                                       ("#,##0",) * 4 + ("0",), strict=True), 2):
            style.input_cell(ws.cell(r, c), value, number_format)
    ws.cell(NZ_PRINTED_ROW + 3, 7, "printed NZ$ 270 M; the columns add to 270.1 M").font = NOTE_FONT
    for c, width in enumerate([52, 14, 16, 16, 16, 18, 44], 1):
        ws.column_dimensions[_col(c)].width = width


# ----------------------------------------------------------------------------- Clearing
class _ClearingLayout:
    """Where the Clearing sheet's blocks sit, from the number of lots and bids."""

    def __init__(self, lots: int, bids: int) -> None:
        self.lots, self.bids = lots, bids
        # block 1 a row per lot; blocks 2 and 3 a row per bid (after a gap, a note, a heading and a
        # header); the checks a row each, a column per rule; block 4, the result when built, below
        self.sheet = SheetLayout("Clearing", FIRST_ROW, (
            Block("lots", tuple(Row(f"lot_{i}", "") for i in range(lots))),
            Block("bids", tuple(Row(f"bid_{i}", "") for i in range(bids)), lead=4),
            Block("checks", tuple(Row(key, label) for key, label in CHECKS_PER_RULE)),
        ))
        self.lot_row, self.bid_row, self.check_row = (self.sheet.first_row(b) for b in ("lots", "bids", "checks"))
        self.bid_heading, self.check_heading = self.bid_row - 2, self.check_row - 2
        self.built_heading = self.sheet.last_row() + 2
        self.quantity_column = 3  # C.. : units of each lot in each bid
        self.value_column = self.quantity_column + lots
        self.value_addin_column = self.value_column + 1
        self.bid_reserve_column = self.value_column + 2
        self.first_rule_column = self.value_column + 4

    def rule_columns(self, rule: str) -> tuple[int, int]:
        won = self.first_rule_column + 2 * PAYMENT_RULES.index(rule)
        return won, won + 1

    def bid_range(self, column: int) -> str:
        return f"{cell_address(_col(column), self.bid_row, True)}:{cell_address(_col(column), self.bid_row + self.bids - 1, True)}"

    def lot_range(self, column: int) -> str:
        return f"{cell_address(_col(column), self.lot_row, True)}:{cell_address(_col(column), self.lot_row + self.lots - 1, True)}"


CHECKS_PER_RULE = (
    ("loaded", "Add-in computed every bid"),
    ("revenue", "Revenue [US$]"),
    ("welfare", "Welfare: winning values plus the reserve of unsold units [US$]"),
    ("supply", "Units sold of each lot <= units offered"),
    ("one_win", "At most one winning bid per bidder"),
    ("between", "Each winner pays between its reserve and its bid"),
    ("losers", "Losing bids pay nothing"),
    ("same_winners", "Same winning bids as VCG"),
    ("above_vcg", "Revenue >= VCG revenue"),
)


def _write_clearing(wb: Workbook, lots: pd.DataFrame, bids: pd.DataFrame) -> _ClearingLayout:
    ws = wb.create_sheet("Clearing")
    layout = _ClearingLayout(len(lots), len(bids))
    style.title(ws, "Clearing - the rights market under every payment rule",
           None)
    last = layout.first_rule_column + 2 * len(PAYMENT_RULES) - 1
    _wrapped(ws, 3, 1, last, "Reserves and values are native formulas, checked by the add-in's RESERVATION_PRICE_IR and "
             "SECONDARY_VALUE; AUCTION_CLEAR (the add-in) clears the bids; native formulas below check every result. "
             f"Without the add-in those cells read '{style.NOT_LOADED}', their checks 'n/a', and block 4 shows the "
             "result computed when the workbook was built.", 200, NOTE_FONT)
    # block 1: reserve of each lot, eq. (12)
    block_heading(ws, layout.lot_row - 2, "1. Reserve price of each lot: the primary's reservation price, eq. (12)", last)
    style.header(ws, layout.lot_row - 1, ["Lot", "Owner", "Units offered [units]", "Reserve [US$]", "Add-in check [US$]",
                                     "Agree"])
    columns = {key: _col(c) for c, (key, *_) in enumerate(REGISTER_COLUMNS, 1)}
    for k in range(len(lots)):
        r, source = layout.lot_row + k, FIRST_ROW + k

        def reg(key: str, source: int = source) -> str:
            return f"Register!${columns[key]}{source}"

        ws.cell(r, 1, f"={reg('lot_id')}")
        ws.cell(r, 2, f"={reg('owner')}")
        ws.cell(r, 3, f"={reg('quantity')}").number_format = "0"
        ws.cell(r, 4, f"={reg('income_per_viewer')}*({reg('viewers_before')}-{reg('viewers_after')})"
                      f"-{reg('energy_cost_per_kwh')}*({reg('power_before_kw')}-{reg('power_after_kw')})*{reg('duration_h')}"
                ).number_format = US_DOLLARS
        price = addin("RESERVATION_PRICE_IR", reg("viewers_before"), reg("viewers_after"), reg("income_per_viewer"),
                      reg("energy_cost_per_kwh"), reg("duration_h"), reg("power_before_kw"), reg("power_after_kw"))
        ws.cell(r, 5, f"=IFERROR({price},{NOT_LOADED})").number_format = US_DOLLARS
        ws.cell(r, 6, f'=IF(ISNUMBER(E{r}),ABS(E{r}-D{r})<={TOLERANCE_CELL}*MAX(1,ABS(D{r})),"n/a")')
    # block 2: bids and their values, eq. (14)
    lot_ids = list(lots.index)
    block_heading(ws, layout.bid_heading, "2. Bids: the secondary's value, eq. (14), floored at 0", last)
    style.header(ws, layout.bid_row - 1, ["Bid", "Bidder", *[f"{lot} [units]" for lot in lot_ids], "Value [US$]",
                                     "Add-in check [US$]", "Reserve of the bid [US$]", "Agree",
                                     *[what for _ in PAYMENT_RULES for what in ("Won", "Payment [US$]")]])
    for rule in PAYMENT_RULES:  # the rule's name above its pair of columns
        won, paid = layout.rule_columns(rule)
        ws.cell(layout.bid_heading, won, RULE_TEXT[rule]).font = BOLD
        ws.merge_cells(start_row=layout.bid_heading, start_column=won, end_row=layout.bid_heading, end_column=paid)
        ws.cell(layout.bid_heading, won).alignment = Alignment(horizontal="center")
    bid_columns = {key: _col(3 + len(lot_ids) + i) for i, (key, *_) in enumerate(BID_INPUTS)}
    reserve_column = layout.lot_range(4)
    for k in range(len(bids)):
        r, source = layout.bid_row + k, FIRST_ROW + k
        ws.cell(r, 1, f"=Bids!$A{source}")
        ws.cell(r, 2, f"=Bids!$B{source}")
        for j in range(len(lot_ids)):
            ws.cell(r, layout.quantity_column + j, f"=Bids!{_col(3 + j)}{source}").number_format = "0"
        e, c, rev, cost = (f"Bids!${bid_columns[key]}{source}" for key, *_ in BID_INPUTS)
        ws.cell(r, layout.value_column, f"=MAX(0,{e}*{c}*{rev}-{cost})").number_format = US_DOLLARS
        ws.cell(r, layout.value_addin_column,
                f"=IFERROR(MAX(0,{addin('SECONDARY_VALUE', e, c, rev, cost)}),{NOT_LOADED})").number_format = US_DOLLARS
        quantities = f"${_col(layout.quantity_column)}{r}:${_col(layout.value_column - 1)}{r}"
        ws.cell(r, layout.bid_reserve_column, f"=MMULT({quantities},{reserve_column})").number_format = US_DOLLARS
        value, from_addin = f"{_col(layout.value_column)}{r}", f"{_col(layout.value_addin_column)}{r}"
        ws.cell(r, layout.bid_reserve_column + 1,
                f'=IF(ISNUMBER({from_addin}),ABS({from_addin}-{value})<={TOLERANCE_CELL}*MAX(1,ABS({value})),"n/a")')
    # block 3: AUCTION_CLEAR for each rule, side by side
    bidders, values = layout.bid_range(2), layout.bid_range(layout.value_column)
    quantities = (f"${_col(layout.quantity_column)}${layout.bid_row}:"
                  f"${_col(layout.value_column - 1)}${layout.bid_row + layout.bids - 1}")
    supply = layout.lot_range(3)
    for rule in PAYMENT_RULES:
        won, paid = layout.rule_columns(rule)
        first, last_cell = f"{_col(won)}{layout.bid_row}", f"{_col(paid)}{layout.bid_row + layout.bids - 1}"
        clear = addin("AUCTION_CLEAR", bidders, values, quantities, supply, reserve_column, f'"{rule}"')
        ws[first] = ArrayFormula(f"{first}:{last_cell}", f"=IFERROR({clear},{NOT_LOADED})")
        for k in range(layout.bids):
            ws.cell(layout.bid_row + k, won).number_format = WON_FORMAT
            ws.cell(layout.bid_row + k, paid).number_format = US_DOLLARS
    # block 4: native checks of each rule's result
    block_heading(ws, layout.check_heading, "3. Checks of each rule's result (native formulas)", last)
    ws.cell(layout.check_row - 1, 1, "Check").font = BOLD
    for rule in PAYMENT_RULES:
        won, _ = layout.rule_columns(rule)
        ws.cell(layout.check_row - 1, won, RULE_TEXT[rule]).font = BOLD
    tol = TOLERANCE_CELL
    bid_reserve = layout.bid_range(layout.bid_reserve_column)
    vcg_won, _ = layout.rule_columns("vcg")
    for i, (key, label) in enumerate(CHECKS_PER_RULE):
        r = layout.check_row + i
        ws.cell(r, 1, label)
        for rule in PAYMENT_RULES:
            won_column, paid_column = layout.rule_columns(rule)
            won, paid = layout.bid_range(won_column), layout.bid_range(paid_column)
            loaded = f"${_col(won_column)}${layout.check_row}"
            supply_terms = ",".join(
                f"SUMPRODUCT({won},{layout.bid_range(layout.quantity_column + j)})<=$C${layout.lot_row + j}" for j in range(layout.lots))
            formula = {
                "loaded": f"=COUNT({won})+COUNT({paid})=2*ROWS({won})",
                "revenue": f"SUM({paid})",
                "welfare": f"SUMPRODUCT({won},{values})+SUMPRODUCT({supply},{reserve_column})-SUMPRODUCT({won},{bid_reserve})",
                "supply": f"AND({supply_terms})",
                "one_win": f"SUMPRODUCT((COUNTIFS({bidders},{bidders},{won},1)>1)*1)=0",
                "between": f"SUMPRODUCT({won}*(({paid}<{bid_reserve}-{tol}*{bid_reserve})+({paid}>{values}+{tol}*{values})))=0",
                "losers": f"SUMPRODUCT((1-{won})*ABS({paid}))=0",
                "same_winners": f"SUMPRODUCT(ABS({won}-{layout.bid_range(vcg_won)}))=0",
                "above_vcg": f"SUM({paid})>=SUM({layout.bid_range(vcg_won + 1)})*(1-{tol})",
            }[key]
            if key == "loaded":
                ws.cell(r, won_column, formula)
            else:
                cell = ws.cell(r, won_column, f'=IF({loaded},{formula},"n/a")')
                if key in ("revenue", "welfare"):  # booleans keep the General format: LibreOffice then shows TRUE/FALSE
                    cell.number_format = US_DOLLARS
    _write_built_clearing(ws, layout, lots, bids, last)
    widths = {1: 34, 2: 8, layout.value_column + 3: 8}
    for c in range(1, last + 1):
        ws.column_dimensions[_col(c)].width = widths.get(c, 9 if c < layout.value_column else 12)
    ws.freeze_panes = "C5"
    return layout


def _write_built_clearing(ws: Any, layout: _ClearingLayout, lots: pd.DataFrame, bids: pd.DataFrame, last: int) -> None:
    """Block 4: each rule's result as xlspectrum computed it when the workbook was built (values), in the
    columns of block 2, so that a reader without the add-in still sees who wins and pays what."""
    heading = layout.built_heading
    block_heading(ws, heading, "4. Computed by xlspectrum when this workbook was built (values, not formulas: the "
                                "live cells above need the add-in; rebuild after editing the inputs)", last)
    ws.cell(heading + 1, 1, "Bid").font = BOLD
    for rule in PAYMENT_RULES:
        result = rights_market.clear(rule, bids, lots)
        won_column, paid_column = layout.rule_columns(rule)
        ws.cell(heading + 1, won_column, RULE_TEXT[rule]).font = BOLD
        for k, (bid, row) in enumerate(result.iterrows()):
            r = heading + 2 + k
            ws.cell(r, 1, bid)
            ws.cell(r, won_column, int(row["won"])).number_format = WON_FORMAT
            ws.cell(r, paid_column, _built(row["payment"])).number_format = US_DOLLARS
        for offset, key in enumerate(("revenue", "welfare")):
            r = heading + 2 + layout.bids + offset
            ws.cell(r, 1, f"{key.capitalize()} [US$]")
            ws.cell(r, won_column, _built(result.attrs[key])).number_format = US_DOLLARS


def _built(amount: float) -> float:
    """An amount computed at build time, rounded to the cent so that every machine writes the same file."""
    return round(float(amount), 2)


# ----------------------------------------------------------------------------- NZ 700
NZ_SCENARIOS = tuple(nz700.SCENARIO_TITLES.items())
NZ_TABLE_COLUMNS = (  # key, header, format
    ("bidder", "Bidder", "General"),
    ("clock_lots", "Clock lots [lots]", "0"),
    ("clock", "Clock [NZ$]", "#,##0"),
    ("supplementary_lots", "Supplementary lots [lots]", "0"),
    ("supplementary", "Supplementary, as bid [NZ$]", "#,##0"),
    ("assignment", "Assignment, as bid [NZ$]", "#,##0"),
    ("total", "Total, as bid [NZ$]", "#,##0"),
    ("lots", "Lots [lots]", "0"),
    ("mhz", "Spectrum [MHz paired]", "0"),
    ("supplementary_vcg", "Supplementary at VCG [NZ$]", "#,##0"),
    ("assignment_vcg", "Assignment at VCG [NZ$]", "#,##0"),
    ("total_vcg", "Total at VCG [NZ$]", "#,##0"),
    ("addin_won", "Add-in (VCG): won", "General"),
    ("addin_paid", "Add-in (VCG): payment [NZ$]", "#,##0"),
    ("agree", "VCG agrees with the add-in", "General"),
)
NZ_FORMATS = {key: number_format for key, _, number_format in NZ_TABLE_COLUMNS}
NZ_BLOCK_ROWS = 11  # heading, 3 parameter rows, header, 3 bidders, total, gap


def _nz_column(key: str) -> int:
    return 1 + [k for k, *_ in NZ_TABLE_COLUMNS].index(key)


def nz_block_row(scenario: str) -> int:
    """First row of a scenario's block on the NZ 700 sheet."""
    return 5 + NZ_BLOCK_ROWS * [s for s, _ in NZ_SCENARIOS].index(scenario)


def nz_cell(scenario: str, bidder: str, key: str) -> str:
    """Address (``NZ 700`` sheet) of a Table 3 cell of a scenario: bidder A, B, C or Total."""
    row = nz_block_row(scenario) + 5 + (*NZ_BIDDERS, "Total").index(bidder)
    return f"{_col(_nz_column(key))}{row}"


def _write_nz700(wb: Workbook) -> None:
    ws = wb.create_sheet("NZ 700")
    style.title(ws, "NZ 700 - Table 3 and its counterfactuals as live formulas",
           "The clock ends in its first round at the reserve when demand <= lots offered; unsold lots go to the highest "
           "supplementary bids at or above the reserve. Pay-as-bid reproduces Table 3; VCG charges the reserve for the "
           "supplementary lot and nothing for assignment bids no other bid competes with. The counterfactuals keep A's "
           "and B's assignment bids.")
    last = len(NZ_TABLE_COLUMNS)
    reserve, cap_lots = _nz("reserve"), f"ROUNDDOWN({_nz('cap_mhz')}/{_nz('lot_mhz')},0)"
    for scenario, title in NZ_SCENARIOS:
        top = nz_block_row(scenario)
        block_heading(ws, top, title, last)
        offered = {"lsp_set_aside": f"={_nz('lots')}-{_nz('set_aside')}"}.get(scenario, f"={_nz('lots')}")
        first, total_row = top + 5, top + 8
        demand = f"$B${first}:$B${first + 2}"
        ws.cell(top + 1, 1, "Lots offered [lots]")
        ws.cell(top + 1, 2, offered).number_format = "0"
        ws.cell(top + 2, 1, "Clock ends in round 1 at the reserve (demand <= lots offered)")
        ws.cell(top + 2, 2, f"=SUM({demand})<=$B${top + 1}")
        ws.cell(top + 3, 1, "Unsold after the clock round, offered in the supplementary round [lots]")
        ws.cell(top + 3, 2, f"=$B${top + 1}-SUM({demand})").number_format = "0"
        style.header(ws, top + 4, [header for _, header, _ in NZ_TABLE_COLUMNS])
        unsold = f"$B${top + 3}"
        bids_range = _nz_bid_range("supplementary")
        for i, bidder in enumerate(NZ_BIDDERS):
            r = first + i
            extra = f"+{_nz_bid('blocking', bidder)}" if scenario == "c_blocks_lsp" else ""
            bid = _nz_bid("supplementary", bidder)
            cells = {
                "bidder": f"='NZ inputs'!$A${NZ_BIDS_ROW + i}",
                "clock_lots": f"=MIN({_nz_bid('clock', bidder)}{extra},{cap_lots})",
                "clock": f"=B{r}*{reserve}",
                "supplementary_lots": f'=IF(AND({unsold}>0,{bid}>0,{bid}>={reserve},COUNTIF({bids_range},">"&{bid})<{unsold}),'
                                      f"{_nz_bid('supplementary_lots', bidder)},0)",
                "supplementary": f"=IF(D{r}>0,{bid},0)",
                "assignment": f"=IF(B{r}+D{r}>0,{_nz_bid('assignment', bidder)},0)",
                "total": f"=C{r}+E{r}+F{r}",
                "lots": f"=B{r}+D{r}",
                "mhz": f"=H{r}*{_nz('lot_mhz')}",
                "supplementary_vcg": f"=IF(D{r}>0,D{r}*MAX({reserve},IF({unsold}+1<=COUNT({bids_range}),"
                                     f"LARGE({bids_range},{unsold}+1),0)),0)",
                # no two assignment bids here compete for the same blocks, so VCG charges nothing for them
                "assignment_vcg": f"=F{r}*0",
                "total_vcg": f"=C{r}+J{r}+K{r}",
                "agree": f'=IF(ISNUMBER(N{r}),ABS(N{r}-J{r})<={TOLERANCE_CELL}*MAX(1,J{r}),"n/a")',
            }
            for key, formula in cells.items():
                cell = ws.cell(r, _nz_column(key), formula)
                cell.number_format = NZ_FORMATS[key]
        # the add-in clears the supplementary round (one bid per bidder) when there is one
        won, paid = _nz_column("addin_won"), _nz_column("addin_paid")
        area = f"{_col(won)}{first}:{_col(paid)}{first + 2}"
        names = f"$A${first}:$A${first + 2}"
        clear = addin("AUCTION_CLEAR", names, bids_range, _nz_bid_range("supplementary_lots"), unsold, reserve, '"vcg"')
        ws[f"{_col(won)}{first}"] = ArrayFormula(area, f'=IF({unsold}>=1,IFERROR({clear},{NOT_LOADED}),"no round")')
        for r in range(first, first + 3):
            ws.cell(r, won).number_format = WON_FORMAT
            ws.cell(r, paid).number_format = "#,##0"
        ws.cell(total_row, 1, "Total").font = BOLD
        for key in ("clock_lots", "clock", "supplementary_lots", "supplementary", "assignment", "total", "lots", "mhz",
                    "supplementary_vcg", "assignment_vcg", "total_vcg"):
            column = _col(_nz_column(key))
            cell = ws.cell(total_row, _nz_column(key), f"=SUM({column}{first}:{column}{first + 2})")
            cell.number_format = NZ_FORMATS[key]
            cell.font = BOLD
    # what the counterfactuals change
    summary = nz_block_row(NZ_SCENARIOS[-1][0]) + NZ_BLOCK_ROWS
    block_heading(ws, summary, "What the counterfactuals change (sections 4.5.10-4.5.11)", last)
    lines = (
        ("LSP set aside: revenue against the auction as held [NZ$]",
         f"={nz_cell('lsp_set_aside', 'Total', 'total')}-{nz_cell('printed', 'Total', 'total')}"),
        ("C blocks the LSP: what C pays more [NZ$]", f"={nz_cell('c_blocks_lsp', 'C', 'total')}-{nz_cell('printed', 'C', 'total')}"),
        ("As held: what VCG would have charged less, supplementary lot and assignment bids [NZ$]",
         f"={nz_cell('printed', 'Total', 'total')}-{nz_cell('printed', 'Total', 'total_vcg')}"),
    )
    for i, (label, formula) in enumerate(lines, 1):
        ws.cell(summary + i, 1, label)
        ws.cell(summary + i, 7, formula).number_format = "#,##0;[Red]-#,##0"
    ws.column_dimensions["A"].width = 58
    for c in range(2, last + 1):
        ws.column_dimensions[_col(c)].width = 15


# ----------------------------------------------------------------------------- Checks and Cover
def _checks(layout: _ClearingLayout) -> list[tuple[str, str]]:
    lot_range = f"Clearing!{layout.lot_range(6)}"
    bid_range = f"Clearing!{layout.bid_range(layout.bid_reserve_column + 1)}"
    first_check = f"Clearing!${_col(layout.first_rule_column)}${layout.check_row + 3}"
    # one sheet name before the range only: `formulas` reads no Sheet!A1:Sheet!B2
    last_check = f"${_col(layout.first_rule_column + 2 * len(PAYMENT_RULES) - 2)}${layout.check_row + len(CHECKS_PER_RULE) - 1}"
    out = [
        ("Reserves agree with the add-in's RESERVATION_PRICE_IR (or it is not loaded)", f"=COUNTIF({lot_range},FALSE)=0"),
        ("Bid values agree with the add-in's SECONDARY_VALUE (or it is not loaded)", f"=COUNTIF({bid_range},FALSE)=0"),
        ("Every rule's result passes its checks (or the add-in is not loaded)",
         f"=COUNTIF({first_check}:{last_check},FALSE)=0"),
        ("Register: units offered are whole numbers >= 1",
         f"=SUMPRODUCT((Clearing!{layout.lot_range(3)}<1)+(Clearing!{layout.lot_range(3)}<>INT(Clearing!{layout.lot_range(3)})))=0"),
    ]
    for scenario, _ in NZ_SCENARIOS:
        top = nz_block_row(scenario)
        out.append((f"NZ 700 {scenario}: the clock ends in round 1 (demand <= lots offered)", f"='NZ 700'!$B${top + 2}"))
        out.append((f"NZ 700 {scenario}: lots sold <= lots offered",
                    f"='NZ 700'!{nz_cell(scenario, 'Total', 'lots')}<='NZ 700'!$B${top + 1}"))
        first = nz_block_row(scenario) + 5
        out.append((f"NZ 700 {scenario}: VCG agrees with the add-in (or n/a)",
                    f"=COUNTIF('NZ 700'!${_col(_nz_column('agree'))}${first}:${_col(_nz_column('agree'))}${first + 2},FALSE)=0"))
    return out


def _reproductions() -> list[tuple[str, str]]:
    """Whether the NZ sheet still reproduces the thesis: TRUE with the printed inputs, FALSE once they are edited."""
    out = []
    for bidder in NZ_BIDDERS:
        out.append((f"NZ 700 as held: bidder {bidder}'s total equals Table 3",
                    f"=ABS('NZ 700'!{nz_cell('printed', bidder, 'total')}-{_nz_printed('total', bidder)})<=1"))
    out.append(("NZ 700 as held: the total rounds to Table 3's NZ$ 270 M",
                f"=ROUND('NZ 700'!{nz_cell('printed', 'Total', 'total')}/1000000,0)*1000000={_nz_printed('total', 'Total')}"))
    out.append(("NZ 700 LSP set aside: revenue falls by A's supplementary bid (4.5.11: NZ$ 83 M)",
                f"=ABS('NZ 700'!{nz_cell('printed', 'Total', 'total')}-'NZ 700'!{nz_cell('lsp_set_aside', 'Total', 'total')}"
                f"-{_nz_bid('supplementary', 'A')})<=1"))
    out.append(("NZ 700 C blocks the LSP: C pays one reserve more (4.5.10: NZ$ 22 M)",
                f"=ABS('NZ 700'!{nz_cell('c_blocks_lsp', 'C', 'total')}-'NZ 700'!{nz_cell('printed', 'C', 'total')}"
                f"-{_nz('reserve')})<=1"))
    return out


def _write_checks(wb: Workbook, layout: _ClearingLayout) -> None:
    write_checks_sheet(wb, _checks(layout), _reproductions(), TOLERANCE,
                       "Reproduces the thesis (information, not in the master check: FALSE once the NZ inputs are edited)",
                       label_width=80)


COVER_COLUMNS = 6
COVER_WIDTHS = (76, 30, 6, 14, 14, 10)


def cover_headline(layout: _ClearingLayout, lots: pd.DataFrame | None = None,
                   bids: pd.DataFrame | None = None) -> list[tuple[str, str, str, str, float | None, str]]:
    """The Cover's headline: what, pricing, unit, live formula, the value when built (for the cells
    that need the add-in) and the sheet it comes from; the NZ 700 rows are
    :func:`xlspectrum.models.nz700.scenario_table`'s scenarios, titled as every reading titles them.
    ``lots`` and ``bids`` are the workbook's (default: the built-in example's)."""
    vcg_won, _ = layout.rule_columns("vcg")
    core_won, _ = layout.rule_columns("core_vcg_nearest")
    vcg, core = rights_market.clear("vcg", bids, lots), rights_market.clear("core_vcg_nearest", bids, lots)
    out = [
        ("Rights market: revenue", RULE_TEXT["vcg"], "US$", f"=Clearing!{_col(vcg_won)}{layout.check_row + 1}",
         vcg.attrs["revenue"], "Clearing"),
        ("Rights market: revenue", RULE_TEXT["core_vcg_nearest"], "US$",
         f"=Clearing!{_col(core_won)}{layout.check_row + 1}", core.attrs["revenue"], "Clearing"),
        ("Rights market: welfare (winning values plus unsold reserves)", RULE_TEXT["vcg"], "US$",
         f"=Clearing!{_col(vcg_won)}{layout.check_row + 2}", vcg.attrs["welfare"], "Clearing"),
    ]
    for scenario, title in NZ_SCENARIOS:
        out.append((f"NZ 700: {title}", NZ_PRICINGS["pay_as_bid"], "NZ$",
                    f"='NZ 700'!{nz_cell(scenario, 'Total', 'total')}", None, "NZ 700"))
        out.append((f"NZ 700: {title}", NZ_PRICINGS["vcg"], "NZ$",
                    f"='NZ 700'!{nz_cell(scenario, 'Total', 'total_vcg')}", None, "NZ 700"))
    return out


#: how the NZ 700 sheet prices the supplementary and assignment rounds (the clock lots cost the clock price)
NZ_PRICINGS = {"pay_as_bid": "every phase as bid (Table 3)", "vcg": "supplementary, assignment at VCG"}


def _wrapped(ws: Any, row: int, first: int, last: int, text: str, chars: int, font: Any = None) -> None:
    """Text merged across columns ``first``-``last``, wrapped, the row tall enough for it."""
    ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = ws.cell(row, first, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if font is not None:
        cell.font = font
    ws.row_dimensions[row].height = 15 * max(1, -(-len(text) // chars)) + 2


def _write_cover(wb: Workbook, layout: _ClearingLayout, lots: pd.DataFrame, bids: pd.DataFrame) -> None:
    ws = wb["Cover"]
    style.title(ws, "xlspectrum - a spectrum rights exchange")
    width = sum(COVER_WIDTHS)
    lines = [
        "Spectrum rights as tradable lots, cleared by a combinatorial auction whose payment rule you choose: pay as bid, "
        "VCG, or the core point nearest the VCG payments or the bids (Day and Cramton 2012).",
        "Rights market: three broadcasters offer interference rights at their reservation price (Weiss and Cui eq. (12)); "
        "secondaries bid their value (eq. (14)) for single rights or pairs.",
        "NZ 700: New Zealand's 700 MHz combinatorial clock auction as the thesis prints it (section 4.5.8, Tables 2-3), "
        "the Licensed Spectrum Park counterfactuals and what VCG would have charged.",
    ]
    for i, line in enumerate(lines, 4):
        _wrapped(ws, i, 1, COVER_COLUMNS, line, int(width * 0.95))
    row = 8
    block_heading(ws, row, "Headline results", COVER_COLUMNS)
    style.header(ws, row + 1, ["Result", "Pricing", "Unit", "Value", "When built", "Where"], height=18)
    headline = cover_headline(layout, lots, bids)
    for i, (label, pricing, unit, formula, built, where) in enumerate(headline, row + 2):
        ws.cell(i, 1, label)
        ws.cell(i, 2, pricing)
        ws.cell(i, 3, unit)
        ws.cell(i, 4, formula).number_format = US_DOLLARS
        ws.cell(i, 4).alignment = Alignment(horizontal="right")
        if built is not None:
            ws.cell(i, 5, _built(built)).number_format = US_DOLLARS
        ws.cell(i, 6, where).alignment = Alignment(indent=1)
    note = row + 2 + len(headline)
    _wrapped(ws, note, 1, COVER_COLUMNS, "When built: the value xlspectrum computed when it wrote this workbook, for the "
             "cells that need the add-in (AUCTION_CLEAR); it does not follow edits. 'n/a' in Value: the add-in is not "
             "loaded.", int(width * 0.95), NOTE_FONT)
    row = note + 2
    block_heading(ws, row, "Sheets", COVER_COLUMNS)
    purpose_chars = int(sum(COVER_WIDTHS[1:]) * 0.95)
    for i, (name, purpose) in enumerate(SHEET_PURPOSE.items(), row + 1):
        ws.cell(i, 1, name).font = BOLD
        ws.cell(i, 1).alignment = Alignment(vertical="top")
        _wrapped(ws, i, 2, COVER_COLUMNS, purpose, purpose_chars)
    row = row + 2 + len(SHEET_PURPOSE)
    block_heading(ws, row, "House style", COVER_COLUMNS)
    house_style = [("Blue on yellow", "an input: change it"), ("Black", "a formula: do not overwrite"),
             (f"'{style.NOT_LOADED}'", "a cell that needs the xlspectrum add-in (xlwings, xlwings Lite or the "
                                        "LibreOffice extension)"),
             ("won / lost", "AUCTION_CLEAR's first column: 1 = the bid wins, 0 = it loses")]
    for i, (what, meaning) in enumerate(house_style, row + 1):
        ws.cell(i, 1, what)
        _wrapped(ws, i, 2, COVER_COLUMNS, meaning, purpose_chars)
    style.input_cell(ws.cell(row + 1, 1), "Blue on yellow")
    for letter, column_width in zip("ABCDEF", COVER_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = column_width


def build_workbook(lots: pd.DataFrame | None = None, bids: pd.DataFrame | None = None) -> Workbook:
    """The exchange as an openpyxl Workbook of live formulas.

    ``lots`` and ``bids`` are the Register's and the Bids sheet's tables as
    :func:`xlspectrum.models.rights_market.register` and :func:`~xlspectrum.models.rights_market.bids` give
    them (default: the built-in example), e.g. from :func:`xlspectrum.workbooks.inputs_file.read_exchange`.
    """
    lots = rights_market.register() if lots is None else lots
    bids = rights_market.bids() if bids is None else bids
    wb = Workbook()
    wb.active.title = "Cover"
    _write_register(wb, lots)
    _write_bids(wb, lots, bids)
    _write_nz_inputs(wb)
    layout = _write_clearing(wb, lots, bids)
    _write_nz700(wb)
    _write_checks(wb, layout)
    add_xlwings_conf(wb)
    _write_cover(wb, layout, lots, bids)
    style.write_not_computed_count(wb)
    print_setup(wb)
    stamp(wb, MODEL_MARKER, "Spectrum rights exchange")
    return wb


def layout() -> _ClearingLayout:
    """Where the built-in example's Clearing blocks sit."""
    return _ClearingLayout(len(rights_market.register()), len(rights_market.bids()))


def is_exchange_model(path: str | os.PathLike[str]) -> bool:
    """Whether a workbook was generated by xlspectrum as the exchange (by its keywords)."""
    return has_marker(path, MODEL_MARKER, {"Clearing", "NZ 700", "Checks"})


def read_tables(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lots (Register) and bids (Bids) typed in a generated exchange workbook, as :mod:`rights_market` tables."""
    from openpyxl import load_workbook

    from xlspectrum.formulas.interference import reservation_price_ir, secondary_value

    book = load_workbook(path)
    register, bid_sheet = book["Register"], book["Bids"]
    lot_rows = []
    for r in range(FIRST_ROW, register.max_row + 1):
        if register.cell(r, 1).value is None:
            break
        lot_rows.append({key: register.cell(r, c).value for c, (key, *_) in enumerate(REGISTER_COLUMNS, 1)})
    lots = pd.DataFrame(lot_rows).set_index("lot_id")
    lots["reserve_price"] = reservation_price_ir(lots["viewers_before"], lots["viewers_after"], lots["income_per_viewer"],
                                                 lots["energy_cost_per_kwh"], lots["duration_h"], lots["power_before_kw"],
                                                 lots["power_after_kw"])
    lot_ids = list(lots.index)
    bid_rows = []
    for r in range(FIRST_ROW, bid_sheet.max_row + 1):
        if bid_sheet.cell(r, 1).value is None:
            break
        record = {"bid": bid_sheet.cell(r, 1).value, "bidder": bid_sheet.cell(r, 2).value}
        record.update({lot: bid_sheet.cell(r, 3 + j).value for j, lot in enumerate(lot_ids)})
        record.update({key: bid_sheet.cell(r, 3 + len(lot_ids) + i).value for i, (key, *_) in enumerate(BID_INPUTS)})
        bid_rows.append(record)
    bids = pd.DataFrame(bid_rows).set_index("bid")
    bids["value"] = secondary_value(bids["penetration"], bids["capacity"], bids["revenue_per_unit"],
                                    bids["operating_cost"]).clip(lower=0.0)
    return lots, bids


def nz_inputs_are_defaults(path: str | os.PathLike[str]) -> bool:
    from openpyxl import load_workbook

    ws = load_workbook(path)["NZ inputs"]
    rules = all(ws.cell(NZ_RULES_ROW + i, 3).value == value for i, (_, _, _, value, _, _) in enumerate(NZ_RULES))
    bids = all(ws.cell(NZ_BIDS_ROW + i, 2 + j).value == value for i, bidder in enumerate(NZ_BIDDERS)
               for j, value in enumerate(NZ_BIDS[bidder]))
    return rules and bids


def expected_cells(lots: pd.DataFrame, bids: pd.DataFrame, nz: bool = True) -> dict[str, float]:
    """What the compared cells must hold: reserves, values and every rule's clearing from
    :func:`xlspectrum.market.combinatorial.clear_auction`, and (``nz``) Table 3 of each scenario from :mod:`xlspectrum.models.nz700`."""
    grid = _ClearingLayout(len(lots), len(bids))
    expected: dict[str, float] = {}
    for k, price in enumerate(lots["reserve_price"]):
        expected[f"Clearing!D{grid.lot_row + k}"] = float(price)
    lot_ids = list(lots.index)
    for k, (_, bid) in enumerate(bids.iterrows()):
        r = grid.bid_row + k
        expected[f"Clearing!{_col(grid.value_column)}{r}"] = float(bid["value"])
        expected[f"Clearing!{_col(grid.bid_reserve_column)}{r}"] = float(sum(bid[lot] * lots.loc[lot, "reserve_price"]
                                                                             for lot in lot_ids))
    for rule in PAYMENT_RULES:
        result = rights_market.clear(rule, bids, lots)
        won_column, paid_column = grid.rule_columns(rule)
        for k, (won, paid) in enumerate(zip(result["won"], result["payment"], strict=True)):
            expected[f"Clearing!{_col(won_column)}{grid.bid_row + k}"] = float(won)
            expected[f"Clearing!{_col(paid_column)}{grid.bid_row + k}"] = float(paid)
        expected[f"Clearing!{_col(won_column)}{grid.check_row + 1}"] = result.attrs["revenue"]
        expected[f"Clearing!{_col(won_column)}{grid.check_row + 2}"] = result.attrs["welfare"]
    if nz:
        for scenario, _ in NZ_SCENARIOS:
            as_bid = nz700.run(scenario, "pay_as_bid").revenue_table()
            vcg = nz700.run(scenario, "vcg").revenue_table()
            for bidder in (*NZ_BIDDERS, "Total"):
                for key in ("clock_lots", "clock", "supplementary_lots", "supplementary", "lots"):
                    expected[f"NZ 700!{nz_cell(scenario, bidder, key)}"] = float(as_bid.loc[bidder, key])
                expected[f"NZ 700!{nz_cell(scenario, bidder, 'assignment')}"] = float(as_bid.loc[bidder, "assignment"])
                expected[f"NZ 700!{nz_cell(scenario, bidder, 'total')}"] = float(as_bid.loc[bidder, "total"])
                expected[f"NZ 700!{nz_cell(scenario, bidder, 'supplementary_vcg')}"] = float(vcg.loc[bidder, "supplementary"])
                expected[f"NZ 700!{nz_cell(scenario, bidder, 'assignment_vcg')}"] = float(vcg.loc[bidder, "assignment"])
                expected[f"NZ 700!{nz_cell(scenario, bidder, 'total_vcg')}"] = float(vcg.loc[bidder, "total"])
    return expected


def compare(values: dict[str, Any], expected: dict[str, float], rtol: float = 1e-7,
            atol: float = 1e-3) -> tuple[list[str], int, dict[str, int]]:
    """Compare a recalculated workbook with Python: (mismatch lines, add-in cells not computed because
    the add-in is not loaded, cells not computed because the add-in lacks an optional extra, by extra)."""
    mismatches, not_loaded, needs_extra = [], 0, {}
    for address, want in expected.items():
        got = values.get(address)
        if got in (style.NOT_LOADED, "n/a"):  # a cell that needs the add-in, or a check of such a cell
            not_loaded += 1
            continue
        extra = style.extra_needed(got)
        if extra is not None:
            needs_extra[extra] = needs_extra.get(extra, 0) + 1
            continue
        if isinstance(got, bool):
            got = float(got)
        if not isinstance(got, (int, float)) or abs(got - want) > atol + rtol * abs(want):
            mismatches.append(f"{address}: workbook {got!r}, engine {want!r}")
    return mismatches, not_loaded, needs_extra