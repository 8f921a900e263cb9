"""Worked examples, recomputed by the library: the thesis' own figures and independent checks.

Each example names where its figure comes from, the figure, and the call that reproduces
it.  ``origin`` says whose number it is: ``"thesis"`` for a figure the thesis prints,
``"independent"`` for a value computed by hand from the published formula or published as
another library's test value (a check of the formula, not a claim about the thesis).  ``xlspectrum examples`` prints them; the test
suite checks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from xlspectrum.formulas import mmwave, pricing, propagation, sharing, valuation
from xlspectrum.models.costmodel.inputs import INPUTS

#: New Zealand population used throughout chapter 8 (thesis section 8.3; Appendix C 10.3.3).
NZ_POPULATION = INPUTS["population"].default
#: 28 GHz holding valued in chapter 8: 2 x 500 MHz.
MMWAVE_BANDWIDTH_MHZ = INPUTS["mmwave_bandwidth_mhz"].default
#: NZ 700 MHz auction of section 4.4.5: reserve per lot, lot size, share of 4.43 M people, term.
NZ_700_RESERVE_NZD = 22e6
NZ_700_LOT_MHZ = 5.0
NZ_700_POPULATION = 0.94 * 4.43e6
NZ_700_TERM_YEARS = 18.0
#: Table 9 of the thesis (section 8.5).
TABLE9 = {
    "underlying_value": INPUTS["thesis_revenue_pv"].default,
    "exercise_price": INPUTS["thesis_cost_pv_mmwave"].default,
    "years": INPUTS["option_years"].default,
    "risk_free_rate": INPUTS["risk_free_rate"].default,
    "volatility": INPUTS["volatility"].default,
}


@dataclass(frozen=True)
class WorkedExample:
    what: str
    where: str
    printed: float
    printed_text: str
    compute: Callable[[], float]
    #: how many decimals the figure has (it reproduces when rounded to them)
    decimals: int
    #: "thesis" (printed in the thesis) or "independent" (a hand calculation, another library's test value)
    origin: str = "thesis"
    #: inputs the source does not print and that were inferred to reproduce the figure
    inferred: str = ""


def _table4_range() -> float:
    mapl = propagation.max_allowable_path_loss()
    # Table 4's 134.8 dB "fixed" term is COST-231 at 1800 MHz, hb 30 m, hm 2 m (134.76 dB)
    return propagation.cell_range_km(mapl, 1800, 30, 2)


EXAMPLES: tuple[WorkedExample, ...] = (
    WorkedExample("LSP licence, rural site: 5 MHz, 10,000 people", "section 4.4.5, eq. (2)", 3435, "NZ$ 3,435 per year",
                  lambda: pricing.lsp_price(NZ_700_RESERVE_NZD, NZ_700_LOT_MHZ, NZ_700_POPULATION, 5, 10_000, NZ_700_TERM_YEARS, 500), 0),
    WorkedExample("LSP licence, campus site: 10 MHz, 20,000 people", "section 4.4.5, eq. (2)", 12240, "NZ$ 12,240 per year",
                  lambda: pricing.lsp_price(NZ_700_RESERVE_NZD, NZ_700_LOT_MHZ, NZ_700_POPULATION, 10, 20_000, NZ_700_TERM_YEARS, 500), 0),
    WorkedExample("COST-231 Hata, 1800 MHz, 1 km, hb 30 m, hm 1.5 m", "COST 231 report; eq. (6)",
                  136.20, "136.20 dB (hand calculation)", lambda: propagation.cost231_hata(1800, 1, 30, 1.5), 2,
                  origin="independent"),
    WorkedExample("Uplink maximum allowable path loss", "Table 4", 136.2, "136.2 dB", propagation.max_allowable_path_loss, 1),
    WorkedExample("COST-231 fixed term at 1800 MHz, hb 30 m, hm 2 m", "Table 4", 134.8, "134.8 dB",
                  lambda: propagation.cost231_hata_terms(1800, 30, 2)[0].item(), 1,
                  inferred="antenna heights hb 30 m, hm 2 m (Table 4 does not print them)"),
    WorkedExample("COST-231 distance term, hb 30 m", "Table 4", 35.2, "35.2 dB per decade",
                  lambda: propagation.cost231_hata_terms(1800, 30, 2)[1].item(), 1,
                  inferred="base-station height hb 30 m"),
    WorkedExample("Maximum allowable cell range", "Table 4", 1.1, "1.1 km", _table4_range, 1,
                  inferred="antenna heights hb 30 m, hm 2 m"),
    WorkedExample("SSD with LSR 0.75 (SSD_sym = 0 in 2016)", "section 5.3, eq. (11)", 0.25, "25 %",
                  lambda: sharing.ssd_from_lsr(0.75, 0.0), 2,
                  inferred="SSD_sym = 0, back-solved from the text's readings (LSR 0.7 gives ~30 %, 0.75 gives 25 %)"),
    WorkedExample("Real-option d1", "section 8.5, eq. (19)", 0.379, "0.379",
                  lambda: valuation.black_scholes_terms(**TABLE9)["d1"], 3),
    WorkedExample("Real-option d2", "section 8.5, eq. (20)", -0.461, "-0.461",
                  lambda: valuation.black_scholes_terms(**TABLE9)["d2"], 3),
    WorkedExample("Real-option value (Table 9)", "section 8.5, eq. (18)", 326, "NZ$ 326 M",
                  lambda: valuation.black_scholes_option(**TABLE9) / 1e6, 0),
    WorkedExample("Real-option value, sigma 50 %", "section 8.5", 429.6, "NZ$ 429.6 M",
                  lambda: valuation.black_scholes_option(**{**TABLE9, "volatility": 0.5}) / 1e6, 1),
    WorkedExample("Deprival value, Cisco VNI: 734 M - 1,289 M", "section 8.6, Table 10", -555, "NZ$ -555 M",
                  lambda: valuation.deprival_value(734e6, 1_289e6) / 1e6, 0),
    WorkedExample("Deprival value per MHz per pop", "Table 11", -0.117, "-0.11 (printed), -0.117",
                  lambda: valuation.value_per_mhz_pop(-555e6, MMWAVE_BANDWIDTH_MHZ, NZ_POPULATION), 3),
    WorkedExample("Benchmark value at 0.09 NZ$/MHz/pop", "section 8.3", 427, "NZ$ 427 M",
                  lambda: valuation.benchmark_value(0.09, MMWAVE_BANDWIDTH_MHZ, NZ_POPULATION) / 1e6, 0),
    WorkedExample("NPV per MHz per pop, 700 MHz network (304 M, 2 x 20 MHz)", "Table 8", 1.60, "1.60",
                  lambda: valuation.value_per_mhz_pop(304e6, 40, NZ_POPULATION), 2),
    WorkedExample("Pico coverage sites, 100 km2 at 0.22 km (eq. (8))", "Appendix C 10.3.8.2", 795, "795 sites",
                  lambda: mmwave.sites_for_range(100, 220), 0),
    WorkedExample("28 GHz range, 152 dB budget, eq. (15) inverted", "section 6.2, eq. (15)",
                  314.7, "314.7 m (hand calculation)",
                  lambda: propagation.umi_range_m(mmwave.downlink_max_path_loss(), 28, extrapolate=True), 1,
                  origin="independent"),
    WorkedExample("TR 38.901 UMi NLOS, 5 GHz, 100 m, 10 m / 1.5 m", "ns-3 test vectors", 107.94,
                  "107.94 dB (ns-3)", lambda: mmwave.umi_38901_path_loss(100, 5), 2, origin="independent"),
    WorkedExample("Hata suburban, 869 MHz, 2 km, 30 m / 1 m", "ns-3 test vectors", 128.03,
                  "128.03 dB (ns-3)", lambda: propagation.okumura_hata(869, 2, 30, 1, environment="suburban"), 2,
                  origin="independent"),
)
