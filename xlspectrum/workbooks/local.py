"""Write local licence prices and 28 GHz coverage as a live-formula workbook.

* Pricing: one rural site and one campus priced under New Zealand's Licensed Spectrum Park
  (thesis eq. (2), section 4.4.5) and Managed Spectrum Park (section 4.5.15), Germany's
  BNetzA local licence and Ofcom's Shared Access licence, each as a native formula with the
  add-in's function beside it, then side by side in NZ$ a year;
* Coverage: the thesis' 28 GHz downlink budget (section 6.2) turned into a range by eq. (15)
  and by TR 38.901 UMi, at the chosen cell edge and at each level of Figure 26, the sites an
  area needs (eq. (8)), the pico radius this gives the cost model, and the air and rain
  losses over the range (ITU-R P.676, P.838, add-in only);
* Checks, with the master check shown on every sheet.

Cells that call the add-in show "no add-in" where it is not, and their agreement
checks read "n/a"; everything else is native and recalculates in Excel and LibreOffice.
"""

from __future__ import annotations

import math
import os
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.styles import Alignment
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from xlspectrum.formulas import atmosphere, mmwave, pricing, propagation
from xlspectrum.workbooks import style
from xlspectrum.workbooks.style import (
    NOTE_FONT,
    OKABE_ITO,
    TOLERANCE_CELL,
    write_checks_sheet,
)
from xlspectrum.workbooks.layout import Block, Row, SheetLayout, cell_address
from xlspectrum.workbooks.package import add_xlwings_conf, has_marker, print_setup, stamp
from xlspectrum.workbooks.style import BOLD, TITLE_FONT, addin, block_heading

MODEL_MARKER = "xlspectrum local licences and 28 GHz coverage"
TOLERANCE = 1e-9
NOT_LOADED = f'"{style.NOT_LOADED}"'  # as a formula's text
#: a TRUE/FALSE result shown as TRUE/FALSE in Excel and LibreOffice alike
AGREE_FORMAT = '"TRUE";"TRUE";"FALSE"'
SITES = ("rural", "campus")
SITE_TITLES = {"rural": "Rural site", "campus": "Campus"}
SHEET_PURPOSE = {
    "Cover": "What the workbook does, its headline results and how to read it",
    "Pricing": "One rural site and one campus priced by NZ LSP and MSP, BNetzA and Ofcom; change the blue cells",
    "Coverage": "The 28 GHz downlink budget as a range and a site count under eq. (15) and TR 38.901",
    "Checks": "Integrity checks, agreement with the add-in and the master check",
    "xlwings.conf": style.XLWINGS_CONF_PURPOSE,
}
#: What each sheet prints (the Cover's "What prints" block)
PRINTOUT = {
    "Cover, Checks": "a page each",
    "Pricing": "two pages: the inputs and rules; the prices",
    "Coverage": "two pages: the budget and the results at the chosen edge; each level of Figure 26 and its chart",
    "xlwings.conf": "hidden, so it does not print (Format > Sheet > Show to see it)",
}
#: The most pages the whole workbook prints (a LibreOffice test renders it and counts them)
PRINTED_PAGES_AT_MOST = 6
#: a header row of one line of text, of two and of three
HEADER_ONE_LINE, HEADER_TWO_LINES, HEADER_THREE_LINES = 18, 32, 46
#: where the add-in's cells and their agreement sit: right-aligned, so "no add-in" and "n/a" read as
#: the value of their own column, not as a label of the column to their right
RIGHT = Alignment(horizontal="right")
#: text beside a right-aligned number, set off from it
INDENTED = Alignment(horizontal="left", indent=1)


_row = Row  # key, label, unit, number format, source: the shared layout's row


# ----------------------------------------------------------------------------- Pricing layout
#: Inputs of each site (a column each): key -> (row, rural, campus)
SITE_INPUTS = (
    (_row("bandwidth_mhz", "Bandwidth", "MHz", "0.0", "thesis 4.4.5 (the two LSP examples)"), 5.0, 10.0),
    (_row("population", "Population covered", "people", "#,##0", "thesis 4.4.5"), 10_000.0, 20_000.0),
    (_row("term_years", "Term of the licence", "years", "0", "thesis 4.4.5: the years left of the 700 MHz rights"), 18.0, 18.0),
    (_row("years_since_auction", "Years since the auction (LSP indexation)", "years", "0",
          "thesis 4.4.5: licences sold after the first year are indexed"), 0.0, 0.0),
    (_row("transmitters", "Base transmitters", "transmitters", "0", "illustrative"), 1.0, 3.0),
    (_row("area_population", "Population of the licence area's territorial authorities (MSP a)", "people", "#,##0",
          "illustrative: a small district, as in thesis 4.5.15"), 10_000.0, 20_000.0),
    (_row("settlement_km2", "Settlement and traffic area (BNetzA a1)", "km2", "0.00", "illustrative"), 2.0, 0.1),
    (_row("other_km2", "Other area (BNetzA a2)", "km2", "0.00",
          "illustrative: 2 + 63 km2 is a 5 km macro cell (2.6 r2)"), 63.0, 0.5),
)
COMMON_INPUTS = (
    (_row("reserve_price", "Reserve price of a 700 MHz lot", "NZ$", "#,##0", "thesis 4.4.5 and 4.5.8"), 22e6),
    (_row("lot_bandwidth_mhz", "Bandwidth of a 700 MHz lot", "MHz", "0", "thesis 4.4.5"), 5.0),
    (_row("national_covered_population", "People the national networks cover", "people", "#,##0",
          "thesis 4.4.5: 94 % of 4.43 M"), 4_164_200.0),
    (_row("lsp_overhead", "LSP administration overhead", "NZ$/year", "#,##0", "thesis 4.4.5"), 500.0),
    (_row("indexation_rate", "LSP indexation rate", "per year", "0.0%",
          "thesis 4.4.5 names the adjustment, not a rate"), 0.0),
    (_row("national_population", "Census population of New Zealand (MSP b)", "people", "#,##0",
          "illustrative: about 4.7 M"), 4.7e6),
    (_row("cpi_factor", "CPI now over CPI on 1 January 2008 (MSP d)", "-", "0.000", "set to the current ratio"), 1.0),
    (_row("msp_admin_fee", "MSP licence administration fee", "NZ$/year", "#,##0", "thesis 4.5.15"), 150.0),
    (_row("discount_rate", "Discount rate to spread one-off fees over the term", "per year", "0.0%",
          "the cost model's WACC (thesis 10.3.5)"), 0.09),
    (_row("nzd_per_eur", "Exchange rate", "NZ$/EUR", "0.00", "assumed: enter the rate of your pricing date"), 1.90),
    (_row("nzd_per_gbp", "Exchange rate", "NZ$/GBP", "0.00", "assumed: enter the rate of your pricing date"), 2.20),
    (_row("supplementary_revenue", "Supplementary-round revenue an LSP set-aside forgoes", "NZ$", "#,##0",
          "thesis 4.5.11"), 83e6),
)
#: The regulators' rules, written from :mod:`xlspectrum.formulas.pricing` (black: rules, not inputs)
RULES = (
    (_row("msp_per_transmitter", "MSP management charge per base transmitter", "NZ$/year", "#,##0", "thesis 4.5.15"),
     pricing.MSP_CHARGE_PER_TRANSMITTER),
    (_row("msp_cap", "MSP management charge, at most", "NZ$/year", "#,##0", "thesis 4.5.15"), pricing.MSP_CHARGE_CAP),
    (_row("msp_c", "MSP c: Auction No. 9's average price per MHz of a 20-year right", "NZ$/MHz", "#,##0",
          "thesis 4.5.15"), pricing.MSP_AUCTION9_PRICE_PER_MHZ),
    (_row("bnetza_base", "BNetzA base fee", "EUR", "#,##0", "FGebV B.10.3"), pricing.BNETZA_BASE_FEE_EUR),
    (_row("bnetza_rate", "BNetzA rate per MHz, year and km2", "EUR", "0.00", "FGebV B.10.3"),
     pricing.BNETZA_EUR_PER_MHZ_YEAR_KM2),
    (_row("bnetza_weight", "BNetzA weight of settlement and traffic area", "-", "0", "FGebV B.10.3"),
     pricing.BNETZA_SETTLEMENT_WEIGHT),
    (_row("bnetza_min_mhz", "BNetzA least bandwidth assigned", "MHz", "0", "10-100 MHz, in 10 MHz steps (assumed)"),
     pricing.BNETZA_BANDWIDTH_MHZ[0]),
    (_row("bnetza_max_mhz", "BNetzA most bandwidth assigned", "MHz", "0", "the band is 3.7-3.8 GHz"),
     pricing.BNETZA_BANDWIDTH_MHZ[1]),
    (_row("ofcom_fee", "Ofcom low-power fee per 10 MHz begun", "GBP/year", "#,##0", "Ofcom Shared Access guidance 2019"),
     pricing.OFCOM_LOW_POWER_GBP_PER_10MHZ_YEAR),
)
PRICES = (
    _row("lsp", "LSP price, thesis eq. (2), indexed", "NZ$/year", "#,##0", "LSP_PRICE"),
    _row("msp", "Managed Spectrum Park charge", "NZ$/year", "#,##0", "MSP_CHARGE"),
    _row("bnetza_bandwidth", "BNetzA bandwidth assigned", "MHz", "0", ""),
    _row("bnetza_fee", "BNetzA fee for the term (one-off)", "EUR", "#,##0", "BNETZA_LOCAL_FEE"),
    _row("bnetza_year", "BNetzA fee spread over the term (annuity)", "EUR/year", "#,##0", "ANNUALISE"),
    _row("ofcom", "Ofcom Shared Access fee", "GBP/year", "#,##0", "OFCOM_SHARED_ACCESS_FEE"),
)
SIDE_BY_SIDE = (
    _row("lsp_nzd", "NZ Licensed Spectrum Park (eq. (2))", "NZ$/year", "#,##0", ""),
    _row("msp_nzd", "NZ Managed Spectrum Park", "NZ$/year", "#,##0", ""),
    _row("bnetza_nzd", "Germany, BNetzA local licence (annuity)", "NZ$/year", "#,##0", ""),
    _row("ofcom_nzd", "UK, Ofcom Shared Access (low power)", "NZ$/year", "#,##0", ""),
    _row("lsp_over_msp", "LSP price over the MSP charge", "times", "0.0", ""),
    _row("licence_years", "Years of this LSP licence the forgone supplementary revenue buys", "years", "#,##0", ""),
)

#: The Pricing sheet's blocks, placed down it from row 7 (a blank row, a heading and a header between blocks)
PRICING = SheetLayout("Pricing", 7, (
    Block("sites", tuple(item for item, *_ in SITE_INPUTS)),
    Block("common", tuple(item for item, _ in COMMON_INPUTS)),
    Block("rules", tuple(item for item, _ in RULES)),
    Block("prices", PRICES),
    Block("side_by_side", SIDE_BY_SIDE),
))
#: the blocks with a column per site (the others have one value, in column C)
PER_SITE_BLOCKS = frozenset({"sites", "prices", "side_by_side"})
PRICING_SITE_ROW, PRICING_COMMON_ROW, PRICING_RULES_ROW, PRICING_PRICES_ROW, PRICING_SIDE_ROW = (
    PRICING.first_row(block.name) for block in PRICING.blocks)
SITE_COLUMN = {"rural": "C", "campus": "D"}
ADDIN_COLUMN = {"rural": "E", "campus": "F"}
AGREE_COLUMN = "G"
PRICING_NOTE_COLUMN = "H"


def pricing_cell(key: str, site: str | None = None, absolute: bool = True) -> str:
    """Address on the Pricing sheet of an input, rule, price or side-by-side row (per site)."""
    column = SITE_COLUMN[site] if PRICING.block_of(key) in PER_SITE_BLOCKS else "C"
    return PRICING.address(key, column, absolute)


def _p(key: str, site: str | None = None) -> str:
    return pricing_cell(key, site)


def _native_price(key: str, site: str) -> str:
    s = lambda k: _p(k, site)  # noqa: E731 - a site's input
    if key == "lsp":
        spectrum = f"{_p('reserve_price')}/({_p('lot_bandwidth_mhz')}*{_p('national_covered_population')})" \
                   f"*{s('bandwidth_mhz')}*{s('population')}/{s('term_years')}"
        return f"=({spectrum})*(1+{_p('indexation_rate')})^{s('years_since_auction')}+{_p('lsp_overhead')}"
    if key == "msp":
        return (f"=MIN({_p('msp_per_transmitter')}*{s('transmitters')},{_p('msp_cap')})"
                f"+{s('area_population')}/{_p('national_population')}*{_p('msp_c')}/20*{_p('cpi_factor')}*{s('bandwidth_mhz')}"
                f"+{_p('msp_admin_fee')}")
    if key == "bnetza_bandwidth":
        return f"=MAX({_p('bnetza_min_mhz')},10*ROUNDUP(ROUND({s('bandwidth_mhz')}/10,9),0))"
    if key == "bnetza_fee":
        return (f"={_p('bnetza_base')}+{s('bnetza_bandwidth')}*ROUNDUP(ROUND({s('term_years')}*12,9),0)/12"
                f"*{_p('bnetza_rate')}*({_p('bnetza_weight')}*{s('settlement_km2')}+{s('other_km2')})")
    if key == "bnetza_year":
        r, t = _p("discount_rate"), s("term_years")
        return f"=IF({r}=0,{s('bnetza_fee')}/{t},{s('bnetza_fee')}*{r}/(1-(1+{r})^(-{t})))"
    if key == "ofcom":
        return f"={_p('ofcom_fee')}*ROUNDUP(ROUND({s('bandwidth_mhz')}/10,9),0)"
    raise KeyError(key)


def _addin_price(key: str, site: str) -> str | None:
    s = lambda k: _p(k, site)  # noqa: E731
    calls = {
        "lsp": addin("LSP_PRICE", _p("reserve_price"), _p("lot_bandwidth_mhz"), _p("national_covered_population"),
                     s("bandwidth_mhz"), s("population"), s("term_years"), _p("lsp_overhead"), s("years_since_auction"),
                     _p("indexation_rate")),
        "msp": addin("MSP_CHARGE", s("transmitters"), s("area_population"), _p("national_population"), s("bandwidth_mhz"),
                     _p("cpi_factor"), _p("msp_admin_fee")),
        "bnetza_fee": addin("BNETZA_LOCAL_FEE", s("bnetza_bandwidth"), s("term_years"), s("settlement_km2"), s("other_km2")),
        "bnetza_year": addin("ANNUALISE", s("bnetza_fee"), _p("discount_rate"), s("term_years")),
        "ofcom": addin("OFCOM_SHARED_ACCESS_FEE", s("bandwidth_mhz")),
    }
    return f"=IFERROR({calls[key]},{NOT_LOADED})" if key in calls else None


def _side_by_side(key: str, site: str) -> str:
    s = lambda k: _p(k, site)  # noqa: E731
    return {
        "lsp_nzd": f"={s('lsp')}",
        "msp_nzd": f"={s('msp')}",
        "bnetza_nzd": f"={s('bnetza_year')}*{_p('nzd_per_eur')}",
        "ofcom_nzd": f"={s('ofcom')}*{_p('nzd_per_gbp')}",
        "lsp_over_msp": f"={s('lsp')}/{s('msp')}",
        "licence_years": f"={_p('supplementary_revenue')}/{s('lsp')}",
    }[key]


def _agree(native: str, from_addin: str) -> str:
    return f'=IF(ISNUMBER({from_addin}),ABS({from_addin}-{native})<={TOLERANCE_CELL}*MAX(1,ABS({native})),"n/a")'


# ----------------------------------------------------------------------------- helpers








def _label(ws: Worksheet, row: int, item: Row) -> None:
    ws.cell(row, 1, item.label)
    ws.cell(row, 2, item.unit)


# ----------------------------------------------------------------------------- Pricing sheet
def _write_pricing(wb: Workbook, inputs: dict[str, Any]) -> None:
    ws = wb.create_sheet("Pricing")
    style.title(ws, "Pricing - one rural site and one campus under four local-licence regimes",
           "Each price is a native formula (columns C-D) with the add-in's function beside it (E-F). Currencies as stated; "
           "the last block converts to NZ$ a year at the rates you enter.")
    last = 8
    block_heading(ws, PRICING_SITE_ROW - 2, "Sites (inputs)", last)
    style.header(ws, PRICING_SITE_ROW - 1, ["Input", "Unit", SITE_TITLES["rural"], SITE_TITLES["campus"], "", "", "", "Source"],
            HEADER_ONE_LINE)
    for row, (item, _, _) in enumerate(SITE_INPUTS, PRICING_SITE_ROW):
        _label(ws, row, item)
        style.input_cell(ws[f"C{row}"], inputs["sites"]["rural"][item.key], item.number_format)
        style.input_cell(ws[f"D{row}"], inputs["sites"]["campus"][item.key], item.number_format)
        ws[f"H{row}"] = item.source
        ws[f"H{row}"].font = NOTE_FONT
    block_heading(ws, PRICING_COMMON_ROW - 2, "Regime inputs (both sites)", last)
    style.header(ws, PRICING_COMMON_ROW - 1, ["Input", "Unit", "Value", "", "", "", "", "Source"], HEADER_ONE_LINE)
    for row, (item, _) in enumerate(COMMON_INPUTS, PRICING_COMMON_ROW):
        _label(ws, row, item)
        style.input_cell(ws[f"C{row}"], inputs["common"][item.key], item.number_format)
        ws[f"H{row}"] = item.source
        ws[f"H{row}"].font = NOTE_FONT
    block_heading(ws, PRICING_RULES_ROW - 2, f"The regulators' rules (from {pricing.__name__}; update when a regulator does)", last)
    style.header(ws, PRICING_RULES_ROW - 1, ["Rule", "Unit", "Value", "", "", "", "", "Source"], HEADER_ONE_LINE)
    for row, (item, value) in enumerate(RULES, PRICING_RULES_ROW):
        _label(ws, row, item)
        ws[f"C{row}"] = value
        ws[f"C{row}"].number_format = item.number_format
        ws[f"H{row}"] = item.source
        ws[f"H{row}"].font = NOTE_FONT
    block_heading(ws, PRICING_PRICES_ROW - 2, "Prices, each in the regulator's currency", last)
    style.header(ws, PRICING_PRICES_ROW - 1, ["Price", "Unit", SITE_TITLES["rural"], SITE_TITLES["campus"],
                                         f"{SITE_TITLES['rural']}: add-in", f"{SITE_TITLES['campus']}: add-in",
                                         "Add-in agrees", "Add-in function"], HEADER_TWO_LINES)
    for row, item in enumerate(PRICES, PRICING_PRICES_ROW):
        _label(ws, row, item)
        for site in SITES:
            ws[f"{SITE_COLUMN[site]}{row}"] = _native_price(item.key, site)
            ws[f"{SITE_COLUMN[site]}{row}"].number_format = item.number_format
            call = _addin_price(item.key, site)
            if call:
                ws[f"{ADDIN_COLUMN[site]}{row}"] = call
                ws[f"{ADDIN_COLUMN[site]}{row}"].number_format = item.number_format
                ws[f"{ADDIN_COLUMN[site]}{row}"].alignment = RIGHT
        if _addin_price(item.key, "rural"):
            checks = [_agree(f"{SITE_COLUMN[site]}{row}", f"{ADDIN_COLUMN[site]}{row}")[1:] for site in SITES]
            ws[f"G{row}"] = f'=IF(AND(ISNUMBER(E{row}),ISNUMBER(F{row})),AND({",".join(checks)}),"n/a")'
            ws[f"G{row}"].number_format = AGREE_FORMAT
            ws[f"G{row}"].alignment = RIGHT
        ws[f"H{row}"] = item.source or "10 MHz steps from 10 MHz (assumed)"
        ws[f"H{row}"].font = NOTE_FONT
    block_heading(ws, PRICING_SIDE_ROW - 2, "Side by side, NZ$ a year", last)
    style.header(ws, PRICING_SIDE_ROW - 1, ["Regime", "Unit", SITE_TITLES["rural"], SITE_TITLES["campus"], "", "", "", "Note"],
            HEADER_ONE_LINE)
    for row, item in enumerate(SIDE_BY_SIDE, PRICING_SIDE_ROW):
        _label(ws, row, item)
        for site in SITES:
            ws[f"{SITE_COLUMN[site]}{row}"] = _side_by_side(item.key, site)
            ws[f"{SITE_COLUMN[site]}{row}"].number_format = item.number_format
    ws[f"H{PRICING_SIDE_ROW + 2}"] = "one-off fee as a level payment over the term at the discount rate"
    ws[f"H{PRICING_SIDE_ROW + 5}"] = "thesis 4.5.11: NZ$ 83 M over the LSP price"
    for row in (PRICING_SIDE_ROW + 2, PRICING_SIDE_ROW + 5):
        ws[f"H{row}"].font = NOTE_FONT
    for row in (PRICING_SITE_ROW, PRICING_COMMON_ROW, PRICING_RULES_ROW, PRICING_PRICES_ROW, PRICING_SIDE_ROW):
        for column in "CDEFG":  # headings over numbers stand right, as the numbers do
            ws[f"{column}{row - 1}"].alignment = Alignment(wrap_text=True, vertical="top", horizontal="right")
    header_rows = {row - 1 for row in (PRICING_SITE_ROW, PRICING_COMMON_ROW, PRICING_RULES_ROW, PRICING_PRICES_ROW,
                                       PRICING_SIDE_ROW)}
    for row in sorted(set(range(PRICING_SITE_ROW, PRICING_SIDE_ROW + len(SIDE_BY_SIDE))) - header_rows):
        if ws[f"H{row}"].value:  # set off from the TRUE/FALSE or the number to its left
            ws[f"H{row}"].alignment = Alignment(horizontal="left", vertical="top", wrap_text=False, indent=1)
    for column, width in zip("ABCDEFGH", (62, 12, 14, 14, 17, 17, 10, 52), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "C5"
    ws.row_breaks.append(Break(id=PRICING_PRICES_ROW - 3))


# ----------------------------------------------------------------------------- Coverage layout
BUDGET_INPUTS = (
    (_row("frequency_ghz", "Carrier frequency", "GHz", "0.0", "thesis 6.2"), 28.0),
    (_row("tx_power_dbm", "Transmit power", "dBm", "0.0", "thesis 6.2"), 30.0),
    (_row("tx_antenna_gain_dbi", "Base-station antenna gain (horn)", "dBi", "0.0", "thesis 6.2, Figure 27"), 17.0),
    (_row("rx_antenna_gain_dbi", "Mobile antenna gain", "dBi", "0.0", "assumed"), 0.0),
    (_row("cable_loss_db", "Cable loss", "dB", "0.0", "assumed"), 0.0),
    (_row("wall_loss_db", "Wall loss", "dB", "0.0", "thesis 6.1: 40-80 dB at 28 GHz"), 0.0),
    (_row("foliage_loss_db", "Foliage loss", "dB", "0.0", "thesis 6.1: up to 23 dB"), 0.0),
    (_row("body_loss_db", "Body loss", "dB", "0.0", "thesis 6.1: 20-35 dB"), 0.0),
    (_row("other_loss_db", "Other loss (e.g. the air and rain below)", "dB", "0.00", "assumed"), 0.0),
    (_row("signal_threshold_dbm", "Cell-edge signal for the site count", "dBm", "0.0",
          "Figure 26: -70 to -105 dBm"), -105.0),
    (_row("beamwidth_deg", "Horn beam width (3 dB)", "degrees", "0.00", "thesis 6.2"), 26.25),
    (_row("base_height_m", "Base-station height (TR 38.901 UMi)", "m", "0.0", "TR 38.901 Table 7.4.1-1"), 10.0),
    (_row("mobile_height_m", "Mobile height (TR 38.901 UMi)", "m", "0.0", "TR 38.901: 1.5-22.5 m"), 1.5),
    (_row("area_km2", "Area the pico layer covers", "km2", "#,##0", "Appendix C: 50 urban + 50 suburban km2"), 100.0),
    (_row("printed_radius_km", "Pico cell radius as printed", "km", "0.00", "Appendix C"), mmwave.PRINTED_PICO_RADIUS_KM),
    (_row("printed_range_m", "Cell radius the thesis quotes at 28 GHz", "m", "0", "thesis 6.1: reference [120]'s 220 m"), 220.0),
    (_row("rain_rate_mm_h", "Rain rate for the rain loss", "mm/h", "0.0", "illustrative: heavy rain"), 25.0),
)
RESULTS = (
    _row("mapl", "Maximum allowable path loss at the cell edge", "dB", "0.0", "DOWNLINK_BUDGET"),
    _row("range_eq15", "Range by eq. (15), the thesis' UMi", "m", "#,##0", "UMI_RANGE"),
    _row("range_38901_nlos", "Range by TR 38.901 UMi, NLOS", "m", "#,##0", "UMI_38901_RANGE"),
    _row("range_38901_los", "Range by TR 38.901 UMi, LOS", "m", "#,##0",
         "UMI_38901_RANGE; beyond 5,000 m the report does not apply"),
    _row("ratio", "TR 38.901 NLOS range over eq. (15)'s", "times", "0.00", ""),
    _row("sites_printed", "Sites for the area at the printed radius (hexagons)", "sites", "#,##0", "SITES_FOR_RANGE"),
    _row("sites_eq15", "Sites for the area by eq. (15)", "sites", "#,##0", "SITES_FOR_RANGE"),
    _row("sites_38901", "Sites for the area by TR 38.901 NLOS", "sites", "#,##0", "SITES_FOR_RANGE"),
    _row("pico_radius_km", "Pico radius for the cost model, by eq. (15)", "km", "0.000",
         "xlspectrum build --pico-radius eq15 --edge-dbm ..."),
    _row("horns", "Horns for all 360 degrees", "antennas", "0", "HORNS_FOR_360"),
    _row("edge_for_printed", "Cell-edge signal at which eq. (15) gives the quoted radius", "dBm", "0.0", ""),
    _row("gaseous_db", "Air (ITU-R P.676, Figure 23's conditions) over the eq. (15) range", "dB", "0.000",
         "GASEOUS_ATTENUATION, add-in only"),
    _row("rain_db", "Rain (ITU-R P.838) over the eq. (15) range", "dB", "0.00", "RAIN_ATTENUATION, add-in only"),
)
LEVEL_ROWS = (  # one row per quantity, one column per level of Figure 26
    _row("level", "Signal level (Figure 26)", "dBm", "0", ""),
    _row("mapl", "Path loss allowed", "dB", "0.0", ""),
    _row("range_eq15", "Range by eq. (15)", "m", "#,##0", ""),
    _row("range_38901_nlos", "Range by TR 38.901 UMi, NLOS", "m", "#,##0", ""),
    _row("range_38901_los", "Range by TR 38.901 UMi, LOS", "m", "#,##0", ""),
    _row("density_eq15", "Sites per km2 by eq. (15)", "sites/km2", "#,##0.0", ""),
    _row("density_38901", "Sites per km2 by TR 38.901 NLOS", "sites/km2", "#,##0.0", ""),
    _row("addin_eq15", "Add-in: UMI_RANGE", "m", "#,##0", ""),
    _row("addin_38901", "Add-in: UMI_38901_RANGE, NLOS", "m", "#,##0", ""),
    _row("agree", "Add-in agrees", "", AGREE_FORMAT, ""),
)
#: results only the add-in computes (ITU-R P.676 and P.838 through ITU-Rpy): the Coverage sheet
#: shows the value when built beside the live cell
ADDIN_ONLY = ("gaseous_db", "rain_db")
#: decimals of a value written when built, so that every machine writes the same file
BUILT_DECIMALS = 6
#: what the build-time cell of an air or rain loss reads when the building Python lacks the extra (fits its column)
NOT_COMPUTED_ITU = "needs extra itu"
#: The Coverage sheet's budget and results, from row 7; values in column C
COVERAGE = SheetLayout("Coverage", 7, (Block("budget", tuple(item for item, _ in BUDGET_INPUTS)), Block("results", RESULTS)))
#: the table of Figure 26's levels (one row per quantity, a column per level; its keys repeat the
#: results'), a layout of its own two rows under the results
LEVELS = SheetLayout("Coverage", COVERAGE.last_row() + 3, (Block("levels", LEVEL_ROWS),))
COVERAGE_INPUT_ROW, COVERAGE_RESULT_ROW = COVERAGE.first_row("budget"), COVERAGE.first_row("results")
COVERAGE_LEVEL_ROW = LEVELS.first_row("levels")
RESULT_ADDIN_COLUMN = "D"
RESULT_AGREE_COLUMN = "E"


def coverage_cell(key: str, absolute: bool = True) -> str:
    """Address on the Coverage sheet of a budget input or a result (column C)."""
    return COVERAGE.address(key, "C", absolute)


def level_cell(key: str, level_index: int) -> str:
    """Address on the Coverage sheet of a quantity at the ``level_index``-th level of Figure 26."""
    return cell_address("CDEFGHIJ"[level_index], LEVELS.row(key))


def _c(key: str) -> str:
    return coverage_cell(key)


def _breakpoint() -> str:
    # TR 38.901's constants from xlspectrum.formulas.mmwave, written as plain decimals: `formulas` reads no 1E9
    he, c = _decimal(mmwave.UMI38901_ENVIRONMENT_HEIGHT_M), _decimal(mmwave.SPEED_OF_LIGHT_38901)
    return (f"(4*({_c('base_height_m')}-{he})*({_c('mobile_height_m')}-{he})*{_c('frequency_ghz')}*1000000000/{c})")


def _decimal(number: float) -> str:
    """A number as Excel, LibreOffice and ``formulas`` all read it: no exponent, the shortest
    digits that give the same float (22.7, not 22.699999999999999)."""
    text = repr(float(number))
    if "e" in text or "E" in text:
        text = f"{number:.15f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    if float(text) != number:
        raise ValueError(f"{number!r} has no short decimal form")
    return text


def _height_difference() -> str:
    return f"({_c('base_height_m')}-{_c('mobile_height_m')})"


def _range_38901(mapl: str, los: bool) -> str:
    """TR 38.901 UMi inverted as one native formula (see :func:`xlspectrum.umi_38901_range_m`): the
    rule again, on purpose, beside the add-in's UMI_38901_RANGE as an independent check, with the
    report's coefficients from :mod:`xlspectrum.formulas.mmwave`."""
    m = mmwave
    f, hm, hd = _c("frequency_ghz"), _c("mobile_height_m"), _height_difference()
    bp = _breakpoint()
    free = f"{mapl}-{_decimal(m.UMI38901_LOS_INTERCEPT_DB)}-{_decimal(m.UMI38901_LOS_FREQUENCY_SLOPE_DB)}*LOG10({f})"
    before = f"10^(({free})/{_decimal(m.UMI38901_LOS_SLOPE_BEFORE_DB)})"
    after = (f"10^(({free}+{_decimal(m.UMI38901_LOS_BREAKPOINT_DB)}*LOG10({bp}^2+{hd}^2))"
             f"/{_decimal(m.UMI38901_LOS_SLOPE_AFTER_DB)})")
    d3_los = f"IF({before}<=SQRT({bp}^2+{hd}^2),{before},{after})"
    nlos = (f"10^(({mapl}-{_decimal(m.UMI38901_NLOS_INTERCEPT_DB)}-{_decimal(m.UMI38901_NLOS_FREQUENCY_SLOPE_DB)}*LOG10({f})"
            f"+{_decimal(m.UMI38901_NLOS_HEIGHT_DB_PER_M)}*({hm}-{_decimal(m.UMI38901_NLOS_REFERENCE_HEIGHT_M)}))"
            f"/{_decimal(m.UMI38901_NLOS_SLOPE_DB)})")
    d3 = d3_los if los else f"MIN({d3_los},{nlos})"
    return f"SQRT(({d3})^2-{hd}^2)"


def _eq15_loss(distance_m: str, frequency_ghz: str) -> str:
    """Eq. (15) as a native formula, with the coefficients of :mod:`xlspectrum.formulas.propagation`."""
    p = propagation
    return (f"{_decimal(p.UMI_EQ15_INTERCEPT_DB)}+{_decimal(p.UMI_EQ15_DISTANCE_SLOPE_DB)}*LOG10({distance_m})"
            f"+{_decimal(p.UMI_EQ15_FREQUENCY_SLOPE_DB)}*LOG10({frequency_ghz})")


def _range_eq15(mapl: str) -> str:
    """Eq. (15) inverted as a native formula (the add-in's UMI_RANGE beside it checks it)."""
    p = propagation
    return (f"10^(({mapl}-{_decimal(p.UMI_EQ15_INTERCEPT_DB)}-{_decimal(p.UMI_EQ15_FREQUENCY_SLOPE_DB)}"
            f"*LOG10({_c('frequency_ghz')}))/{_decimal(p.UMI_EQ15_DISTANCE_SLOPE_DB)})")


def _mapl(threshold: str) -> str:
    losses = "+".join(_c(k) for k in ("cable_loss_db", "wall_loss_db", "foliage_loss_db", "body_loss_db", "other_loss_db"))
    return f"{_c('tx_power_dbm')}+{_c('tx_antenna_gain_dbi')}+{_c('rx_antenna_gain_dbi')}-({losses})-{threshold}"


def _sites(range_m: str) -> str:
    return f"{_c('area_km2')}/(3*SQRT(3)/2*({range_m}/1000)^2)"


def _native_result(key: str) -> str:
    mapl = _c("mapl")
    return {
        "mapl": f"={_mapl(_c('signal_threshold_dbm'))}",
        "range_eq15": f"={_range_eq15(mapl)}",
        "range_38901_nlos": f"={_range_38901(mapl, False)}",
        "range_38901_los": f"={_range_38901(mapl, True)}",
        "ratio": f"={_c('range_38901_nlos')}/{_c('range_eq15')}",
        "sites_printed": f"={_sites(_c('printed_radius_km') + '*1000')}",
        "sites_eq15": f"={_sites(_c('range_eq15'))}",
        "sites_38901": f"={_sites(_c('range_38901_nlos'))}",
        "pico_radius_km": f"={_c('range_eq15')}/1000",
        "horns": f"=ROUNDUP(ROUND(360/{_c('beamwidth_deg')},9),0)",
        "edge_for_printed": f"={_mapl('0')}-({_eq15_loss(_c('printed_range_m'), _c('frequency_ghz'))})",
        "gaseous_db": f"=IFERROR({addin('GASEOUS_ATTENUATION', _c('range_eq15') + '/1000', _c('frequency_ghz'))},{NOT_LOADED})",
        "rain_db": f"=IFERROR({addin('RAIN_ATTENUATION', _c('range_eq15') + '/1000', _c('frequency_ghz'), _c('rain_rate_mm_h'))},"
                   f"{NOT_LOADED})",
    }[key]


def _addin_result(key: str) -> str | None:
    mapl, f = _c("mapl"), _c("frequency_ghz")
    hb, hm = _c("base_height_m"), _c("mobile_height_m")
    calls = {
        "mapl": addin("DOWNLINK_BUDGET", _c("tx_power_dbm"), _c("tx_antenna_gain_dbi"), _c("signal_threshold_dbm"),
                      _c("rx_antenna_gain_dbi"), _c("cable_loss_db"), _c("wall_loss_db"), _c("foliage_loss_db"),
                      _c("body_loss_db"), _c("other_loss_db")),
        "range_eq15": addin("UMI_RANGE", mapl, f, True),
        "range_38901_nlos": addin("UMI_38901_RANGE", mapl, f, False, hb, hm, True),
        "range_38901_los": addin("UMI_38901_RANGE", mapl, f, True, hb, hm, True),
        "sites_printed": addin("SITES_FOR_RANGE", _c("area_km2"), _c("printed_radius_km") + "*1000"),
        "sites_eq15": addin("SITES_FOR_RANGE", _c("area_km2"), _c("range_eq15")),
        "sites_38901": addin("SITES_FOR_RANGE", _c("area_km2"), _c("range_38901_nlos")),
        "horns": addin("HORNS_FOR_360", _c("beamwidth_deg")),
    }
    return f"=IFERROR({calls[key]},{NOT_LOADED})" if key in calls else None


def _write_coverage(wb: Workbook, inputs: dict[str, Any]) -> None:
    ws = wb.create_sheet("Coverage")
    style.title(ws, "Coverage - the 28 GHz downlink budget as a range and a site count (thesis 6.2)",
           "Eq. (15) is the model the thesis uses (TR 36.814 UMi, fitted at 2-6 GHz); TR 38.901 is 3GPP's current one "
           "for 0.5-100 GHz. Ranges are ground distances from the site; sites are hexagons whose radius is the range.")
    last = 10
    block_heading(ws, COVERAGE_INPUT_ROW - 2, "Downlink budget and area (inputs)", last)
    style.header(ws, COVERAGE_INPUT_ROW - 1, ["Input", "Unit", "Value", "", "", "Source", "", "", "", ""], HEADER_ONE_LINE)
    for row, (item, _) in enumerate(BUDGET_INPUTS, COVERAGE_INPUT_ROW):
        _label(ws, row, item)
        style.input_cell(ws[f"C{row}"], inputs["budget"][item.key], item.number_format)
        ws[f"F{row}"] = item.source
        ws[f"F{row}"].font = NOTE_FONT
    built = {key: round(value, BUILT_DECIMALS) for key, value in _coverage_results(inputs["budget"]).items()
             if key in ADDIN_ONLY}
    block_heading(ws, COVERAGE_RESULT_ROW - 2, "At the chosen cell edge", last)
    style.header(ws, COVERAGE_RESULT_ROW - 1, ["Result", "Unit", "Value", "Add-in (air, rain: when built)", "Add-in agrees",
                                          "Add-in function / note", "", "", "", ""], HEADER_THREE_LINES)
    for column in "CDE":
        ws[f"{column}{COVERAGE_RESULT_ROW - 1}"].alignment = Alignment(wrap_text=True, vertical="top", horizontal="right")
    for row, item in enumerate(RESULTS, COVERAGE_RESULT_ROW):
        _label(ws, row, item)
        ws[f"C{row}"] = _native_result(item.key)
        ws[f"C{row}"].number_format = item.number_format
        ws[f"C{row}"].alignment = RIGHT  # the air and rain cells read "no add-in" without it
        if item.key in ADDIN_ONLY:  # no native formula: the value when built beside the live cell
            ws[f"D{row}"] = built[item.key] if item.key in built else NOT_COMPUTED_ITU
            ws[f"D{row}"].number_format = item.number_format
            ws[f"D{row}"].alignment = RIGHT
            ws[f"F{row}"] = f"{item.source}; D: xlspectrum's value when this workbook was built"
            ws[f"F{row}"].font = NOTE_FONT
            continue
        call = _addin_result(item.key)
        if call:
            ws[f"D{row}"] = call
            ws[f"D{row}"].number_format = item.number_format
            ws[f"E{row}"] = _agree(f"C{row}", f"D{row}")
            ws[f"E{row}"].number_format = AGREE_FORMAT
            ws[f"D{row}"].alignment = ws[f"E{row}"].alignment = RIGHT
        ws[f"F{row}"] = item.source
        ws[f"F{row}"].font = NOTE_FONT
    block_heading(ws, COVERAGE_LEVEL_ROW - 1, "At each signal level of Figure 26 (the coverage legend)", last)
    for row, item in enumerate(LEVEL_ROWS, COVERAGE_LEVEL_ROW):
        _label(ws, row, item)
    for i, level in enumerate(inputs["levels"]):
        cell = {item.key: level_cell(item.key, i) for item in LEVEL_ROWS}
        style.input_cell(ws[cell["level"]], level, "0")
        ws[cell["mapl"]] = f"={_mapl(cell['level'])}"
        ws[cell["range_eq15"]] = f"={_range_eq15(cell['mapl'])}"
        ws[cell["range_38901_nlos"]] = f"={_range_38901(cell['mapl'], False)}"
        ws[cell["range_38901_los"]] = f"={_range_38901(cell['mapl'], True)}"
        ws[cell["density_eq15"]] = f"=1/(3*SQRT(3)/2*({cell['range_eq15']}/1000)^2)"
        ws[cell["density_38901"]] = f"=1/(3*SQRT(3)/2*({cell['range_38901_nlos']}/1000)^2)"
        ws[cell["addin_eq15"]] = f"=IFERROR({addin('UMI_RANGE', cell['mapl'], _c('frequency_ghz'), True)},{NOT_LOADED})"
        nlos_call = addin("UMI_38901_RANGE", cell["mapl"], _c("frequency_ghz"), False, _c("base_height_m"),
                          _c("mobile_height_m"), True)
        ws[cell["addin_38901"]] = f"=IFERROR({nlos_call},{NOT_LOADED})"
        eq15 = _agree(cell["range_eq15"], cell["addin_eq15"])[1:]
        nlos = _agree(cell["range_38901_nlos"], cell["addin_38901"])[1:]
        ws[cell["agree"]] = (f'=IF(AND(ISNUMBER({cell["addin_eq15"]}),ISNUMBER({cell["addin_38901"]})),AND({eq15},{nlos}),'
                             '"n/a")')
        for item in LEVEL_ROWS[1:]:
            ws[level_cell(item.key, i)].number_format = item.number_format
            ws[level_cell(item.key, i)].alignment = RIGHT
    _range_chart(ws)
    ws[f"C{COVERAGE_INPUT_ROW - 1}"].alignment = Alignment(vertical="top", horizontal="right")
    for row in [*range(COVERAGE_INPUT_ROW, COVERAGE_INPUT_ROW + len(BUDGET_INPUTS)),
                *range(COVERAGE_RESULT_ROW, COVERAGE_RESULT_ROW + len(RESULTS))]:
        if ws[f"F{row}"].value:  # set off from the TRUE/FALSE or the number to its left
            ws[f"F{row}"].alignment = INDENTED
    for column, width in zip("ABCDEFGHIJ", (58, 10, 12, 16, 14, 14, 14, 14, 14, 14), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "C5"
    ws.row_breaks.append(Break(id=COVERAGE_LEVEL_ROW - 2))


#: How each range curve is drawn: (colour, marker, dash); two hues of one colour would not be told apart
RANGE_STYLES = {"range_eq15": (OKABE_ITO["blue"], "circle", None),
                "range_38901_nlos": (OKABE_ITO["vermillion"], "triangle", "dash")}


def _range_chart(ws: Worksheet) -> None:
    """Range at each level of the table, read in the table's order: the strongest edge (-70 dBm) at the left.

    A line chart over the levels as categories, not a scatter chart with its signal axis
    reversed: LibreOffice then draws the range axis on the right whatever the file asks.
    Figure 26's levels are 5 dB apart, so equal spacing is the true scale.
    """
    chart = LineChart()
    chart.title = "28 GHz range at each level of Figure 26 (the LOS range, up to km, is in the table)"
    chart.style = 2  # plain: the series carry their own colours
    chart.x_axis.title = "Cell-edge signal [dBm], strongest at the left as in the table"
    chart.y_axis.title = "Range [m]"
    last_column = 2 + len(mmwave.SIGNAL_LEVELS_DBM)
    level_row = LEVELS.row("level")
    for key, title in (("range_eq15", "Eq. (15), the thesis' model"), ("range_38901_nlos", "TR 38.901 UMi NLOS")):
        row = LEVELS.row(key)
        series = Series(Reference(ws, min_col=3, max_col=last_column, min_row=row), title=title)
        colour, marker, dash = RANGE_STYLES[key]
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 2 * 12700  # 2 pt
        if dash is not None:
            series.graphicalProperties.line.dashStyle = dash
        series.marker.symbol, series.marker.size = marker, 7
        series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.marker.graphicalProperties.line.solidFill = colour
        series.smooth = False
        chart.series.append(series)
    chart.set_categories(Reference(ws, min_col=3, max_col=last_column, min_row=level_row))
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.x_axis.tickLblPos = chart.y_axis.tickLblPos = "low"
    chart.x_axis.number_format = chart.y_axis.number_format = "#,##0"
    chart.legend.position = "b"
    chart.height, chart.width = 10, 23  # from column B to J: the levels stand under their columns of the table
    ws.add_chart(chart, f"B{COVERAGE_LEVEL_ROW + len(LEVEL_ROWS) + 1}")


# ----------------------------------------------------------------------------- Checks and Cover
def _checks() -> list[tuple[str, str]]:
    price_rows = f"Pricing!$G${PRICING_PRICES_ROW}:$G${PRICING_PRICES_ROW + len(PRICES) - 1}"
    result_rows = f"Coverage!$E${COVERAGE_RESULT_ROW}:$E${COVERAGE_RESULT_ROW + len(RESULTS) - 1}"
    last_level = len(mmwave.SIGNAL_LEVELS_DBM) - 1
    level_agree = f"Coverage!{level_cell('agree', 0)}:{level_cell('agree', last_level)}"
    site = lambda key, s: f"Pricing!{pricing_cell(key, s)}"  # noqa: E731
    out = [
        ("Pricing: every price agrees with the add-in (or it is not loaded)", f"=COUNTIF({price_rows},FALSE)=0"),
        ("Coverage: every result agrees with the add-in (or it is not loaded)", f"=COUNTIF({result_rows},FALSE)=0"),
        ("Coverage: every level's ranges agree with the add-in (or it is not loaded)", f"=COUNTIF({level_agree},FALSE)=0"),
    ]
    for s in SITES:
        name = SITE_TITLES[s]
        out += [
            (f"{name}: bandwidth, people, term > 0 and years since the auction >= 0",
             f"=AND({site('bandwidth_mhz', s)}>0,{site('population', s)}>=0,{site('term_years', s)}>0,"
             f"{site('years_since_auction', s)}>=0)"),
            (f"{name}: transmitters a whole number >= 0",
             f"=AND({site('transmitters', s)}>=0,{site('transmitters', s)}=INT({site('transmitters', s)}))"),
            (f"{name}: MSP area population <= the national population",
             f"=AND({site('area_population', s)}>=0,{site('area_population', s)}<=Pricing!{pricing_cell('national_population')})"),
            (f"{name}: BNetzA bandwidth within 10-100 MHz and areas >= 0",
             f"=AND({site('bnetza_bandwidth', s)}<=Pricing!{pricing_cell('bnetza_max_mhz')},{site('settlement_km2', s)}>=0,"
             f"{site('other_km2', s)}>=0)"),
        ]
    cov = lambda key: f"Coverage!{coverage_cell(key)}"  # noqa: E731
    loss_rows = ("cable_loss_db", "wall_loss_db", "foliage_loss_db", "body_loss_db", "other_loss_db")
    (f_low, f_high), (hm_low, hm_high) = mmwave.UMI38901_FREQUENCY_GHZ, mmwave.UMI38901_MOBILE_HEIGHT_M
    d_low, d_high = mmwave.UMI38901_DISTANCE_M
    out += [
        ("Coverage: losses >= 0", f"=AND({','.join(cov(k) + '>=0' for k in loss_rows)})"),
        ("Coverage: frequency within TR 38.901's 0.5-100 GHz",
         f"=AND({cov('frequency_ghz')}>={f_low:g},{cov('frequency_ghz')}<={f_high:g})"),
        ("Coverage: mobile height within TR 38.901's 1.5-22.5 m and the mast above it",
         f"=AND({cov('mobile_height_m')}>={hm_low:g},{cov('mobile_height_m')}<={hm_high:g},"
         f"{cov('base_height_m')}>{cov('mobile_height_m')})"),
        ("Coverage: the TR 38.901 NLOS range (the one the sites use) within the report's 10-5000 m",
         f"=AND({cov('range_38901_nlos')}>={d_low:g},{cov('range_38901_nlos')}<={d_high:g})"),
        ("Coverage: eq. (15) at the computed range gives back the budget (inversion)",
         f"=ABS({_eq15_loss(cov('range_eq15'), cov('frequency_ghz'))}-{cov('mapl')})"
         f"<={TOLERANCE_CELL}*{cov('mapl')}"),
        ("Coverage: beam width within 0-360 degrees", f"=AND({cov('beamwidth_deg')}>0,{cov('beamwidth_deg')}<=360)"),
    ]
    return out


def _reproductions() -> list[tuple[str, str]]:
    lsp = lambda s: f"Pricing!{pricing_cell('lsp', s)}"  # noqa: E731
    cov = lambda key: f"Coverage!{coverage_cell(key)}"  # noqa: E731
    ranges = [f"Coverage!{level_cell('range_eq15', i)}" for i in range(len(mmwave.SIGNAL_LEVELS_DBM))]
    return [
        ("LSP, rural site: NZ$ 3,435 a year (thesis 4.4.5)", f"=ROUND({lsp('rural')},0)=3435"),
        ("LSP, campus: NZ$ 12,240 a year (thesis 4.4.5)", f"=ROUND({lsp('campus')},0)=12240"),
        ("Pico sites at the printed 0.22 km over 100 km2 round to Appendix C's 795", f"=ROUND({cov('sites_printed')},0)=795"),
        ("Eq. (15) puts Figure 26's -100 dBm edge inside the thesis' 200-300 m (section 6.7)",
         f"=AND({ranges[6]}>200,{ranges[6]}<300)"),
    ]


def _write_checks(wb: Workbook) -> None:
    write_checks_sheet(wb, _checks(), _reproductions(), TOLERANCE,
                       "Reproduces the thesis (information, not in the master check: FALSE once inputs are edited)",
                       label_width=84)


def _print_checks(ws: Worksheet) -> None:
    """The Checks sheet on one page, its header rows as tall as their one line."""
    ws.page_setup.fitToHeight = 1
    for row in range(style.CHECKS_FIRST_FREE_ROW, ws.max_row + 1):
        if ws.cell(row, 3).value == "Result":  # the header rows of style.write_checks_sheet
            ws.row_dimensions[row].height = HEADER_ONE_LINE
            ws.cell(row, 3).alignment = Alignment(vertical="top", horizontal="right")  # over TRUE/FALSE


def _write_cover(wb: Workbook) -> None:
    ws = wb["Cover"]
    style.title(ws, "xlspectrum - local licence prices and 28 GHz coverage")
    lines = [
        "Pricing: what one rural site and one campus would pay for local spectrum in New Zealand (the thesis' Licensed "
        "Spectrum Park, eq. (2), against the Managed Spectrum Park charge, sections 4.4.5 and 4.5.15), Germany (BNetzA) "
        "and the UK (Ofcom).",
        "Coverage: the thesis' 28 GHz site (30 dBm into a 17 dBi horn, section 6.2) as a range and a site count, under "
        "the UMi model the thesis uses (eq. (15)) and 3GPP's current TR 38.901.",
    ]
    for i, line in enumerate(lines, 4):
        ws.cell(i, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=4)
        ws.row_dimensions[i].height = 32
    row = 7
    block_heading(ws, row, "Headline results", 4)
    style.header(ws, row + 1, ["Result", "Unit", "Value", "Where"], HEADER_ONE_LINE)
    ws[f"C{row + 1}"].alignment = Alignment(horizontal="right", vertical="top")
    ws[f"D{row + 1}"].alignment = Alignment(horizontal="left", vertical="top", indent=1)
    headline = [
        ("LSP price, rural site", "NZ$/year", f"=Pricing!{pricing_cell('lsp', 'rural')}", "#,##0", "Pricing"),
        ("LSP price, campus", "NZ$/year", f"=Pricing!{pricing_cell('lsp', 'campus')}", "#,##0", "Pricing"),
        ("MSP charge, rural site", "NZ$/year", f"=Pricing!{pricing_cell('msp', 'rural')}", "#,##0", "Pricing"),
        ("BNetzA fee, campus (one-off for the term)", "EUR", f"=Pricing!{pricing_cell('bnetza_fee', 'campus')}", "#,##0",
         "Pricing"),
        ("Ofcom fee, campus", "GBP/year", f"=Pricing!{pricing_cell('ofcom', 'campus')}", "#,##0", "Pricing"),
        ("28 GHz path loss allowed at the cell edge", "dB", f"=Coverage!{coverage_cell('mapl')}", "0.0", "Coverage"),
        ("Range by eq. (15)", "m", f"=Coverage!{coverage_cell('range_eq15')}", "#,##0", "Coverage"),
        ("Range by TR 38.901 UMi NLOS", "m", f"=Coverage!{coverage_cell('range_38901_nlos')}", "#,##0", "Coverage"),
        ("Sites for the area by eq. (15)", "sites", f"=Coverage!{coverage_cell('sites_eq15')}", "#,##0", "Coverage"),
        ("Sites for the area by TR 38.901 NLOS", "sites", f"=Coverage!{coverage_cell('sites_38901')}", "#,##0", "Coverage"),
    ]
    for i, (label, unit, formula, number_format, where) in enumerate(headline, row + 2):
        ws.cell(i, 1, label)
        ws.cell(i, 2, unit)
        ws.cell(i, 3, formula).number_format = number_format
        ws.cell(i, 4, where).alignment = INDENTED
    row = row + 3 + len(headline)
    block_heading(ws, row, "Sheets", 4)
    for i, (name, purpose) in enumerate(SHEET_PURPOSE.items(), row + 1):
        ws.cell(i, 1, name).font = BOLD
        ws.cell(i, 2, purpose)
        ws.merge_cells(start_row=i, start_column=2, end_row=i, end_column=4)
    row = row + 2 + len(SHEET_PURPOSE)
    block_heading(ws, row, f"What prints (A4 landscape, each sheet one page wide; at most {PRINTED_PAGES_AT_MOST} pages "
                            "in all)", 4)
    for i, (name, text) in enumerate(PRINTOUT.items(), row + 1):
        ws.cell(i, 1, name).font = BOLD
        ws.cell(i, 2, text)
        ws.merge_cells(start_row=i, start_column=2, end_row=i, end_column=4)
    row = row + 2 + len(PRINTOUT)
    block_heading(ws, row, "House style", 4)
    house_style = [("Blue on yellow", "an input: change it"), ("Black", "a formula or a regulator's rule: do not overwrite"),
             ("'no add-in'", "a cell that needs the xlspectrum add-in (xlwings, xlwings Lite or the LibreOffice "
                                     "extension); its agreement check reads n/a")]
    for i, (what, meaning) in enumerate(house_style, row + 1):
        ws.cell(i, 1, what)
        ws.cell(i, 2, meaning)
        ws.merge_cells(start_row=i, start_column=2, end_row=i, end_column=4)
    style.input_cell(ws.cell(row + 1, 1), "Blue on yellow")
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 16
    ws.column_dimensions["D"].width = 70


def build_workbook(inputs: dict[str, Any] | None = None) -> Workbook:
    """Local licence prices and 28 GHz coverage as an openpyxl Workbook of live formulas.

    ``inputs`` are the blue cells, as :func:`default_inputs` gives them (the default) and
    :func:`read_inputs` reads them back.
    """
    inputs = default_inputs() if inputs is None else inputs
    wb = Workbook()
    wb.active.title = "Cover"
    _write_pricing(wb, inputs)
    _write_coverage(wb, inputs)
    _write_checks(wb)
    add_xlwings_conf(wb)
    _write_cover(wb)
    style.write_not_computed_count(wb)
    print_setup(wb)
    _print_checks(wb[style.CHECKS_SHEET])
    stamp(wb, MODEL_MARKER, "Local licence prices and 28 GHz coverage")
    return wb


def is_local_model(path: str | os.PathLike[str]) -> bool:
    """Whether a workbook was generated by xlspectrum as the local licences and coverage model."""
    return has_marker(path, MODEL_MARKER, {"Pricing", "Coverage", "Checks"})


# ----------------------------------------------------------------------------- Python's answers
def read_inputs(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The blue cells of a generated workbook: ``{"sites": {site: {key: value}}, "common": {...}, "budget": {...}, "levels": [...]}``."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    pricing_ws, coverage_ws = book["Pricing"], book["Coverage"]
    sites = {s: {item.key: pricing_ws[pricing_cell(item.key, s, absolute=False)].value for item, *_ in SITE_INPUTS}
             for s in SITES}
    common = {item.key: pricing_ws[pricing_cell(item.key, absolute=False)].value for item, _ in COMMON_INPUTS}
    budget = {item.key: coverage_ws[coverage_cell(item.key, absolute=False)].value for item, _ in BUDGET_INPUTS}
    levels = [coverage_ws[level_cell("level", i)].value for i in range(len(mmwave.SIGNAL_LEVELS_DBM))]
    return {"sites": sites, "common": common, "budget": budget, "levels": levels}


def default_inputs() -> dict[str, Any]:
    """The inputs the workbook is built with."""
    return {
        "sites": {s: {item.key: (rural if s == "rural" else campus) for item, rural, campus in SITE_INPUTS} for s in SITES},
        "common": {item.key: value for item, value in COMMON_INPUTS},
        "budget": {item.key: value for item, value in BUDGET_INPUTS},
        "levels": list(mmwave.SIGNAL_LEVELS_DBM),
    }


def _site_prices(site: dict[str, float], common: dict[str, float]) -> dict[str, float]:
    lsp = pricing.lsp_price(common["reserve_price"], common["lot_bandwidth_mhz"], common["national_covered_population"],
                            site["bandwidth_mhz"], site["population"], site["term_years"], common["lsp_overhead"],
                            site["years_since_auction"], common["indexation_rate"])
    msp = pricing.msp_annual_charge(site["transmitters"], site["area_population"], common["national_population"],
                                    site["bandwidth_mhz"], common["cpi_factor"], common["msp_admin_fee"])
    bandwidth = max(pricing.BNETZA_BANDWIDTH_MHZ[0], 10.0 * math.ceil(round(site["bandwidth_mhz"] / 10.0, 9)))
    fee = pricing.bnetza_local_fee(bandwidth, site["term_years"], site["settlement_km2"], site["other_km2"])
    per_year = pricing.annualise(fee, common["discount_rate"], site["term_years"])
    ofcom = pricing.ofcom_shared_access_fee(site["bandwidth_mhz"])
    return {
        "lsp": lsp, "msp": msp, "bnetza_bandwidth": bandwidth, "bnetza_fee": fee, "bnetza_year": per_year, "ofcom": ofcom,
        "lsp_nzd": lsp, "msp_nzd": msp, "bnetza_nzd": per_year * common["nzd_per_eur"],
        "ofcom_nzd": ofcom * common["nzd_per_gbp"], "lsp_over_msp": lsp / msp,
        "licence_years": common["supplementary_revenue"] / lsp,
    }


_BUDGET_ROWS = ("tx_power_dbm", "tx_antenna_gain_dbi", "rx_antenna_gain_dbi", "cable_loss_db", "wall_loss_db",
                "foliage_loss_db", "body_loss_db", "other_loss_db")


def _ranges(budget: dict[str, float], threshold_dbm: float) -> dict[str, float]:
    """The budget to a cell edge and the ranges it gives under eq. (15) and TR 38.901 (NLOS, LOS)."""
    f, hb, hm = budget["frequency_ghz"], budget["base_height_m"], budget["mobile_height_m"]
    mapl = float(mmwave.downlink_max_path_loss(signal_threshold_dbm=threshold_dbm, **{k: budget[k] for k in _BUDGET_ROWS}))
    return {
        "mapl": mapl,
        "range_eq15": float(propagation.umi_range_m(mapl, f, extrapolate=True)),
        "range_38901_nlos": float(mmwave.umi_38901_range_m(mapl, f, False, hb, hm, extrapolate=True)),
        "range_38901_los": float(mmwave.umi_38901_range_m(mapl, f, True, hb, hm, extrapolate=True)),
    }


def _coverage_results(budget: dict[str, float]) -> dict[str, float]:
    out = _ranges(budget, budget["signal_threshold_dbm"])
    eq15, nlos, area, f = out["range_eq15"], out["range_38901_nlos"], budget["area_km2"], budget["frequency_ghz"]
    budget_to_zero_dbm = float(mmwave.downlink_max_path_loss(signal_threshold_dbm=0.0, **{k: budget[k] for k in _BUDGET_ROWS}))
    out.update({
        "ratio": nlos / eq15,
        "sites_printed": float(mmwave.sites_for_range(area, budget["printed_radius_km"] * 1000)),
        "sites_eq15": float(mmwave.sites_for_range(area, eq15)), "sites_38901": float(mmwave.sites_for_range(area, nlos)),
        "pico_radius_km": eq15 / 1000, "horns": float(mmwave.horns_for_full_circle(budget["beamwidth_deg"])),
        "edge_for_printed": budget_to_zero_dbm - float(propagation.umi_path_loss(budget["printed_range_m"], f, extrapolate=True)),
    })
    try:
        out["gaseous_db"] = float(atmosphere.gaseous_attenuation_db(eq15 / 1000, f))
        out["rain_db"] = float(atmosphere.rain_attenuation_db(eq15 / 1000, f, budget["rain_rate_mm_h"]))
    except atmosphere.MissingExtraError:
        pass  # without the itu extra Python has no answer to compare these two cells with
    return out


def expected_cells(inputs: dict[str, Any] | None = None) -> dict[str, float]:
    """What the compared cells must hold, from xlspectrum's Python functions on ``inputs`` (default: the built-in ones)."""
    inputs = default_inputs() if inputs is None else inputs
    expected: dict[str, float] = {}
    for s in SITES:
        for key, value in _site_prices(inputs["sites"][s], inputs["common"]).items():
            expected[f"Pricing!{pricing_cell(key, s, absolute=False)}"] = float(value)
            if _addin_price(key, s):
                column = ADDIN_COLUMN[s]
                expected[f"Pricing!{column}{pricing_cell(key, s, absolute=False)[1:]}"] = float(value)
    for key, value in _coverage_results(inputs["budget"]).items():
        expected[f"Coverage!{coverage_cell(key, absolute=False)}"] = value
        if _addin_result(key):
            expected[f"Coverage!D{coverage_cell(key, absolute=False)[1:]}"] = value
    for i, level in enumerate(inputs["levels"]):
        at_level = _ranges(inputs["budget"], level)
        at_level.update({
            "density_eq15": float(mmwave.sites_for_range(1.0, at_level["range_eq15"])),
            "density_38901": float(mmwave.sites_for_range(1.0, at_level["range_38901_nlos"])),
            "addin_eq15": at_level["range_eq15"], "addin_38901": at_level["range_38901_nlos"],
        })
        for key, value in at_level.items():
            expected[f"Coverage!{level_cell(key, i)}"] = value
    return expected


def compare(values: dict[str, Any], expected: dict[str, float], rtol: float = 1e-7,
            atol: float = 1e-6) -> tuple[list[str], int, dict[str, int]]:
    """Compare a recalculated workbook with Python: (mismatch lines, add-in cells not computed because
    the add-in is not loaded, cells not computed because the add-in lacks an optional extra, by extra)."""
    mismatches, not_loaded, needs_extra = [], 0, {}
    for address, want in expected.items():
        got = values.get(address)
        if got in (style.NOT_LOADED,):  # a cell that needs the add-in, or a check of such a cell
            not_loaded += 1
            continue
        extra = style.extra_needed(got)
        if extra is not None:
            needs_extra[extra] = needs_extra.get(extra, 0) + 1
            continue
        if isinstance(got, bool):
            got = float(got)
        if not isinstance(got, (int, float)) or abs(got - want) > atol + rtol * abs(want):
            mismatches.append(f"{address}: workbook {got!r}, Python {want!r}")
    return mismatches, not_loaded, needs_extra