"""The one registry of Excel functions: Excel name, Python function, help, source.

The xlwings layer (:mod:`xlspectrum.excel`), the ``formulas`` registration used for
headless evaluation and ``xlspectrum functions`` are all generated from
:data:`FUNCTIONS`, so a function's Excel name, argument order and help text live here
only.  Argument order is the Python function's: positional parameters first, then the
keyword-only switches (``extrapolate``, ``kind``) as optional trailing Excel arguments.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

from xlspectrum.formulas import atmosphere, interference, mmwave, pricing, propagation, sharing, valuation
from xlspectrum.market import combinatorial as market
from xlspectrum.core.validation import one_of
from xlspectrum.register import cells as register_cells

CATEGORY = "xlspectrum"

#: Help for each argument name, shared by every function that takes it (units in brackets).
ARGUMENT_HELP: dict[str, str] = {
    "distance_km": "Distance from the base station [km]",
    "distance_m": "Distance from the base station [m], 10-2000",
    "frequency_mhz": "Carrier frequency [MHz]",
    "frequency_ghz": "Carrier frequency [GHz]",
    "base_height_m": "Base-station antenna height [m], 30-200",
    "mobile_height_m": "Mobile antenna height [m], 1-10",
    "metropolitan": "TRUE for a metropolitan centre (Cm = 3 dB); FALSE (default) for medium cities and suburbs",
    "extrapolate": "TRUE to allow inputs beyond the model's range of validity (default FALSE)",
    "tx_power_dbm": "UE transmit power [dBm] (Table 4: 23)",
    "tx_antenna_gain_dbi": "Transmit antenna gain [dBi] (Table 4: 0)",
    "body_loss_db": "Body loss [dB] (Table 4: 0)",
    "noise_figure_db": "Receiver noise figure [dB] (Table 4: 2)",
    "noise_bandwidth_khz": "Noise bandwidth [kHz] (180 = one LTE resource block, -121.4 dBm)",
    "sinr_db": "Required SINR [dB] (Table 4: 3.9)",
    "interference_margin_db": "Interference margin [dB] (Table 4: 1)",
    "cable_loss_db": "Cable loss [dB] (Table 4: 3)",
    "rx_antenna_gain_dbi": "Receive antenna gain [dBi] (Table 4: 18)",
    "fast_fading_margin_db": "Fast fading margin [dB] (Table 4: 0)",
    "soft_handover_gain_db": "Soft handover gain [dB] (Table 4: 0)",
    "coverage_reliability": "Coverage reliability, fraction (Table 4: 0.9)",
    "shadowing_mean_db": "Mean shadowing plus penetration loss [dB] (Table 4: 10.6)",
    "shadowing_sigma_db": "Standard deviation of shadowing [dB] (Table 4: 4.5)",
    "max_path_loss_db": "Maximum allowable path loss [dB]",
    "profile_1": "Operator 1 traffic per sample (a column of numbers)",
    "profile_2": "Operator 2 traffic at the same samples (same size as profile_1)",
    "isd_no_sharing_km": "Inter-site distance without sharing [km]",
    "isd_sharing_km": "Inter-site distance with sharing [km]",
    "load_symmetry": "Load symmetry ratio (LSR), 0-1",
    "ssd_symmetric": "Spectrum sharing dividend with symmetric loads (LSR = 1), fraction",
    "area_km2": "Area to cover [km2]",
    "isd_km": "Inter-site distance [km]",
    "reserve_price": "Auction reserve price of the lot [NZ$]",
    "cost": "Price paid for the spectrum [NZ$]",
    "bandwidth_mhz": "Bandwidth [MHz]",
    "population": "Population covered [people]",
    "lsp_bandwidth_mhz": "Bandwidth of the LSP licence [MHz]",
    "lsp_population": "Population covered by the LSP site [people]",
    "shared_bandwidth_mhz": "Bandwidth shared [MHz]",
    "covered_population": "Population covered by the shared spectrum [people]",
    "term_years": "Term of the management right or sharing [years]",
    "overhead": "Administration overhead [NZ$] (default 0)",
    "rate": "Discount rate per period, fraction (e.g. 0.09)",
    "cashflows": "Cash flows, first at t = 0 (a row or column)",
    "underlying_value": "S: present value of the project's cash flows [NZ$]",
    "exercise_price": "K: present value of the investment cost [NZ$]",
    "years": "t: life of the option [years]",
    "risk_free_rate": "r: risk-free rate, continuously compounded, fraction",
    "volatility": "sigma: project uncertainty, fraction (e.g. 0.376)",
    "kind": '"call" (default, option to defer) or "put"',
    "cost_pv_without": "PV of cost of the network without the spectrum [NZ$]",
    "cost_pv_with": "PV of cost of the network with the spectrum [NZ$]",
    "value": "Value of the spectrum [NZ$]",
    "price_per_mhz_pop": "Benchmark price [NZ$ per MHz per pop]",
    "bandwidth_hz": "Bandwidth [Hz] (a US TV channel: 6000000)",
    "levels_dbm": "Power of each interferer [dBm] (a range: all are added in mW)",
    "signal_dbm": "Wanted signal at the receiver [dBm]",
    "interference_dbm": "Total interference at the receiver [dBm]",
    "noise_dbm": "Noise at the receiver [dBm] (THERMAL_NOISE_DBM)",
    "households": "Households C in the area [households]",
    "low_db": "SINR at or below which nobody watches [dB] (the paper's reference [8]: 15)",
    "high_db": "SINR above which the full share watches [dB] (ATSC's adequate viewing: 27)",
    "partial_share": "Share of households watching between the thresholds (paper: 0.3)",
    "full_share": "Share of households watching above the upper threshold (paper: 0.5)",
    "viewers_before": "Viewers N_v before the secondary transmits [viewers]",
    "viewers_after": "Viewers N'_v with the secondary transmitting [viewers]",
    "income_per_viewer": "Advertising income a per viewer over the contract [currency]",
    "energy_cost_per_kwh": "Cost of energy b [currency per kWh]",
    "duration_h": "Duration of the contract T_n [h]",
    "power_before_kw": "Primary's transmitter power T_p [kW]",
    "power_after_kw": "Primary's power while the secondary transmits T'_p [kW], <= T_p",
    "power_kw": "Transmitter power T_p [kW]",
    "penetration": "Share e of the capacity the secondary sells, 0-1",
    "capacity": "Capacity C, in the units revenue_per_unit is priced in (e.g. customers)",
    "revenue_per_unit": "Revenue r per unit of capacity over the contract [currency]",
    "operating_cost": "Secondary's operating cost C_b over the contract [currency]",
    "willingness_to_pay": "Secondary's value V_S (SECONDARY_VALUE) [currency]",
    "reservation_price": "Primary's reservation price I_S (RESERVATION_PRICE_IR) [currency]",
    "budget_dbm": "Interference the protected receiver tolerates [dBm]",
    "requests_dbm": "Interference each request would add at full power [dBm] (a range, one per request)",
    "method": '"continuous" (default: equal shares that use the whole budget) or "winnforum" (the WInnForum '
              'reference implementation: below the share, power lowered in 1 dB steps)',
    "years_since_auction": "Years since the auction, for a licence sold after the first year [years] (default 0)",
    "indexation_rate": "Yearly rate that indexes the spectrum part to the year of sale, fraction (default 0)",
    "transmitters": "Base transmitters under the licence (NZ$ 200 each, at most NZ$ 1,000)",
    "area_population": "a: census population of the licence area's territorial authorities [people]",
    "national_population": "b: census population of New Zealand [people]",
    "cpi_factor": "d: CPI now over the CPI of 1 January 2008 (default 1)",
    "administration_fee": "Licence administration fee [NZ$/year] (default 150)",
    "settlement_km2": "a1: settlement and traffic area of the licence area [km2]",
    "other_km2": "a2: other area of the licence area [km2]",
    "price": "Lump sum to spread over the years [currency]",
    "timing": '"end" (default: payments at the end of each year) or "start" (in advance)',
    "bidders": "Bidder of each bid (a column); a bidder's bids are exclusive: it wins at most one",
    "values": "Value of each bid [currency] (a column, same rows as bidders)",
    "quantities": "Units of each lot each bid wants: one row per bid, one column per lot, 0 where none",
    "supply": "Units offered of each lot (a row, one per lot column; default 1 each)",
    "reserve": "Reserve price per unit of each lot [currency] (a row or one number; default 0)",
    "rule": '"vcg" (default), "pay_as_bid", "core_vcg_nearest" or "core_bid_nearest"',
    "environment": '"urban" (default, small/medium city), "large_city", "suburban" or "open"',
    "los": "TRUE for line of sight; FALSE (default) for non line of sight",
    "signal_threshold_dbm": "Least received signal counted as covered [dBm] (Figure 26: -70 to -105; default -105)",
    "wall_loss_db": "Wall loss [dB] (28 GHz: 40-80; default 0)",
    "foliage_loss_db": "Foliage loss [dB] (28 GHz: up to 23; default 0)",
    "other_loss_db": "Any other loss, e.g. gaseous or rain attenuation [dB] (default 0)",
    "range_m": "Cell range, the radius of a hexagonal cell [m]",
    "beamwidth_deg": "3 dB beam width of each antenna [degrees] (thesis horn: 26.25)",
    "path_length_km": "Path length [km]",
    "temperature_c": "Air temperature [degrees C] (Figure 23: 20)",
    "pressure_hpa": "Dry-air pressure [hPa] (sea level: 1013.25)",
    "water_vapour_g_m3": "Water-vapour density [g/m3] (Figure 23: 7.5)",
    "rain_rate_mm_h": "Rain rate [mm/h]",
    "polarisation_tilt_deg": "Polarisation tilt from horizontal [degrees] (0 horizontal, 90 vertical; default 45)",
    "elevation_deg": "Path elevation [degrees] (default 0, horizontal)",
    "register": "Path of the register file (SQLite), or a postgresql:// URL",
    "holder": "The party's name, as enrolled in the register",
    "token": "The token's id, or a unique prefix of at least 8 hex digits",
    "at_h": "Time [h from the register's epoch]; default: every token, the holder as user",
    "x_km": "Place: x in the register's grid [km]",
    "y_km": "Place: y in the register's grid [km]",
}

#: Arguments whose value is one of a few texts, by name: the lists the formulas check, read here once.
#: Office.js shows them as drop-downs; elsewhere the argument's help names them (a test checks);
#: a text that is none of them gets the same one line in every host (:meth:`ExcelArgument.choice`).
CHOICES: dict[str, tuple[str, ...]] = {
    "kind": valuation.OPTION_KINDS,
    "rule": market.PAYMENT_RULES,
    "timing": pricing.ANNUITY_TIMINGS,
    "environment": propagation.HATA_ENVIRONMENTS,
    "method": interference.INTERFERENCE_SHARE_METHODS,
}

#: Where one function's argument means something else than ARGUMENT_HELP says, by function.
ARGUMENT_HELP_BY_FUNCTION: dict[str, dict[str, str]] = {
    "SHANNON_CAPACITY": {"sinr_db": "Signal to interference plus noise ratio [dB]"},
    "VIEWERS": {"sinr_db": "SINR at the households' receivers [dB]"},
    "THERMAL_NOISE_DBM": {"noise_figure_db": "Receiver noise figure [dB] (default 0)"},
    "BNETZA_LOCAL_FEE": {"bandwidth_mhz": "B: bandwidth assigned [MHz], 10-100",
                         "years": "t: term of the assignment [years], charged by started month"},
    "OFCOM_SHARED_ACCESS_FEE": {"bandwidth_mhz": "Bandwidth licensed [MHz] (each 10 MHz begun is charged)",
                                "years": "Years licensed [years] (default 1)"},
    "ANNUALISE": {"years": "Number of yearly payments [years]", "rate": "Discount rate per year, fraction (e.g. 0.05)"},
    "MSP_CHARGE": {"bandwidth_mhz": "Bandwidth licensed [MHz]"},
    "DOWNLINK_BUDGET": {"tx_power_dbm": "Base-station transmit power [dBm] (thesis 28 GHz: 30)",
                        "tx_antenna_gain_dbi": "Base-station antenna gain [dBi] (thesis horn: 17)",
                        "rx_antenna_gain_dbi": "Mobile antenna gain [dBi] (default 0)",
                        "cable_loss_db": "Cable loss [dB] (default 0)",
                        "body_loss_db": "Body loss [dB] (28 GHz: 20-35; default 0)"},
    "UMI_38901": {"distance_m": "Ground distance from the base station [m], 10-5000",
                  "frequency_ghz": "Carrier frequency [GHz], 0.5-100",
                  "base_height_m": "Base-station antenna height [m] (the report fixes 10)",
                  "mobile_height_m": "Mobile antenna height [m], 1.5-22.5 (default 1.5)"},
    "UMI_38901_RANGE": {"frequency_ghz": "Carrier frequency [GHz], 0.5-100",
                        "base_height_m": "Base-station antenna height [m] (the report fixes 10)",
                        "mobile_height_m": "Mobile antenna height [m], 1.5-22.5 (default 1.5)"},
    "UMI_RANGE": {"frequency_ghz": "Carrier frequency [GHz] (2-6; the thesis' 28 needs extrapolate=TRUE)"},
    "SITES_FOR_RANGE": {"area_km2": "Area to cover [km2]"},
    "GASEOUS_ATTENUATION": {"frequency_ghz": "Frequency [GHz], 1-1000"},
    "REGISTER_HOLDER": {"frequency_mhz": "The frequency to look up [MHz]", "at_h": "Time [h from the register's epoch]"},
    "RAIN_ATTENUATION": {"frequency_ghz": "Frequency [GHz], 1-1000"},
}


@dataclass(frozen=True)
class ExcelArgument:
    """One argument of an add-in function, as every host shows it.

    Parameters
    ----------
    name : str
        The Python parameter's name, which the hosts show.
    help : str
        What the argument is, its unit in square brackets where it has one.
    default : object
        The Python default, or ``inspect.Parameter.empty`` for a required argument.
    choices : tuple of str, optional
        The texts the argument accepts (:data:`CHOICES`), None for any other argument.
    """

    name: str
    help: str
    default: Any = inspect.Parameter.empty
    #: the texts the argument accepts (:data:`CHOICES`), None for any other argument
    choices: tuple[str, ...] | None = None

    @property
    def optional(self) -> bool:
        return self.default is not inspect.Parameter.empty

    def choice(self, value: Any) -> str:
        """A cell's value for a choice argument: the choice it names (case and spaces ignored).

        Parameters
        ----------
        value : object
            The cell's value.

        Returns
        -------
        str
            The choice, as the Python function takes it (lower case, ``_`` for spaces and
            hyphens); the text itself for an argument without choices.

        Raises
        ------
        WrongTypeError
            ``name='value' must be one of 'a', 'b'``: the one line every host shows.
        """
        text = " ".join(str(value).split()).lower()
        if self.choices and text not in self.choices:
            text = text.replace("-", "_").replace(" ", "_")  # "large city", "pay-as-bid"
        return one_of(self.name, text, self.choices, given=value) if self.choices else text

    @property
    def full_help(self) -> str:
        """The help, with the default of an optional argument unless the help already gives it."""
        if not self.optional or "default" in self.help.lower():
            return self.help
        shown = str(self.default).upper() if isinstance(self.default, bool) else repr(self.default)
        return f"{self.help} (default {shown})"


@dataclass(frozen=True)
class ExcelFunction:
    """One add-in function: its Excel name, the Python function it calls and its help.

    Parameters
    ----------
    excel_name : str
        The function's name in the spreadsheet.
    python : callable
        The Python function it calls; its parameters are the arguments
        (:attr:`arguments`, with help from :data:`ARGUMENT_HELP`).
    help : str
        What the function returns, its unit in square brackets where it has one.
    source : str
        The equation, table or standard it implements.
    series_arguments : tuple of str
        Arguments read as one series of samples (a row or column), not element-wise.
    """

    excel_name: str
    python: Callable[..., Any]
    help: str
    source: str
    #: arguments read as one series of samples (a row or column), not element-wise
    series_arguments: tuple[str, ...] = ()
    arguments: tuple[ExcelArgument, ...] = field(init=False)

    def __post_init__(self) -> None:
        parameters = inspect.signature(self.python).parameters.values()
        ordered = [p for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD] + [
            p for p in parameters if p.kind is p.KEYWORD_ONLY
        ]
        overrides = ARGUMENT_HELP_BY_FUNCTION.get(self.excel_name, {})
        object.__setattr__(
            self,
            "arguments",
            tuple(ExcelArgument(p.name, overrides.get(p.name, ARGUMENT_HELP[p.name]), p.default, CHOICES.get(p.name))
                  for p in ordered),
        )

    @property
    def python_name(self) -> str:
        return self.python.__name__

    @property
    def keyword_only(self) -> tuple[str, ...]:
        parameters = inspect.signature(self.python).parameters.values()
        return tuple(p.name for p in parameters if p.kind is p.KEYWORD_ONLY)

    @property
    def description(self) -> str:
        """The one-line description every host shows: the help and the source."""
        return f"{self.help}. Source: {self.source}."

    def excel_signature(self) -> str:
        parts = [f"[{a.name}]" if a.optional else a.name for a in self.arguments]
        return f"{self.excel_name}({', '.join(parts)})"


FUNCTIONS: tuple[ExcelFunction, ...] = (
    ExcelFunction("FSPL", propagation.fspl, "Free-space path loss [dB]", "thesis eq. (3), section 5.2.1"),
    ExcelFunction("HATA", propagation.okumura_hata,
                  "Okumura-Hata path loss: urban small/medium city (default), large city, suburban or open [dB]",
                  "thesis eqs. (4), (5), section 5.2.1; Hata (1980) for the other areas"),
    ExcelFunction("COST231", propagation.cost231_hata, "COST-231 Hata path loss [dB]", "thesis eqs. (5), (6), section 5.2.1"),
    ExcelFunction("UMI_PATH_LOSS", propagation.umi_path_loss, "3GPP urban micro (UMi) path loss, d in m, f in GHz [dB]", "thesis eqs. (7), (15), sections 5.2.1, 6.2"),
    ExcelFunction("UMI_RANGE", propagation.umi_range_m, "Range at which the UMi loss of eq. (15) reaches a maximum path loss [m]",
                  "thesis eq. (15) inverted, section 6.2"),
    ExcelFunction("UMI_38901", mmwave.umi_38901_path_loss,
                  "3GPP TR 38.901 urban micro street canyon path loss, LOS or NLOS, 0.5-100 GHz [dB]",
                  "3GPP TR 38.901 Table 7.4.1-1; beside thesis eq. (15), section 6.2"),
    ExcelFunction("UMI_38901_RANGE", mmwave.umi_38901_range_m,
                  "Ground range at which TR 38.901 UMi loss reaches a maximum path loss [m]",
                  "3GPP TR 38.901 Table 7.4.1-1, inverted"),
    ExcelFunction("DOWNLINK_BUDGET", mmwave.downlink_max_path_loss,
                  "Maximum allowable path loss of a downlink budget; defaults are the thesis' 28 GHz site [dB]",
                  "thesis section 6.2, Figures 24, 26; losses of section 6.1"),
    ExcelFunction("SITES_FOR_RANGE", mmwave.sites_for_range, "Sites to cover an area with hexagonal cells of a given range",
                  "thesis eq. (8), section 5.2.2, with ISD = sqrt(3) x range"),
    ExcelFunction("HORNS_FOR_360", mmwave.horns_for_full_circle, "Antennas of a given beam width to cover all 360 degrees",
                  "thesis section 6.2, Figure 27"),
    ExcelFunction("GASEOUS_ATTENUATION", atmosphere.gaseous_attenuation_db,
                  "Oxygen and water-vapour attenuation on a horizontal path, ITU-R P.676 [dB] (needs the itu extra)",
                  "ITU-R P.676-12 Annex 1; thesis Figure 23, section 6.1"),
    ExcelFunction("RAIN_ATTENUATION", atmosphere.rain_attenuation_db,
                  "Rain attenuation k R^alpha on a path of uniform rain, ITU-R P.838 [dB] (needs the itu extra)",
                  "ITU-R P.838-3; thesis section 6.1"),
    ExcelFunction("LINK_BUDGET", propagation.max_allowable_path_loss, "Maximum allowable path loss of an uplink budget; defaults are Table 4 [dB]", "thesis Table 4, section 5.2.2"),
    ExcelFunction("CELL_RANGE", propagation.cell_range_km, "Cell range from a maximum path loss by inverted COST-231 Hata [km]", "thesis Table 4 with eq. (6)"),
    ExcelFunction("LSR", sharing.load_symmetry_ratio, "Load symmetry ratio of two traffic profiles", "thesis eq. (12), section 5.2.2"),
    ExcelFunction("SSD", sharing.spectrum_sharing_dividend, "Spectrum sharing dividend from inter-site distances (fraction of sites saved)", "thesis eq. (9), section 5.2.2"),
    ExcelFunction("SSD_FROM_LSR", sharing.ssd_from_lsr, "Spectrum sharing dividend for asymmetric loads", "thesis eq. (11), section 5.2.2"),
    ExcelFunction("SITES_FOR_AREA", sharing.sites_for_area, "Base stations to cover an area on a hexagonal grid", "thesis eq. (8), section 5.2.2"),
    ExcelFunction("LSP_PRICE", pricing.lsp_price, "Annual price of a Licensed Spectrum Park licence [NZ$/year]", "thesis eq. (2), section 4.4.5"),
    ExcelFunction("MSP_CHARGE", pricing.msp_annual_charge,
                  "Annual charge of a NZ Managed Spectrum Park licence: management, resource rental, admin fee [NZ$/year]",
                  "thesis section 4.5.15"),
    ExcelFunction("BNETZA_LOCAL_FEE", pricing.bnetza_local_fee,
                  "BNetzA fee for a local 3.7-3.8 GHz licence, 1000 + B t 5 (6 a1 + a2) [EUR]",
                  "FGebV B.10.3 (BGBl. I 2019 p. 1580); beside thesis section 4.4.5"),
    ExcelFunction("OFCOM_SHARED_ACCESS_FEE", pricing.ofcom_shared_access_fee,
                  "Ofcom low-power Shared Access licence fee, GBP 80 a year per 10 MHz [GBP]",
                  "Ofcom Shared Access licence guidance (2019); beside thesis section 4.4.5"),
    ExcelFunction("ANNUALISE", pricing.annualise, "Level yearly payment worth a lump sum: an annuity [currency/year]",
                  "the annuity formula Ofcom uses to annualise auction prices; beside thesis section 4.4.5"),
    ExcelFunction("SHARED_SPECTRUM_PRICE", pricing.shared_spectrum_price, "Cost-based price of shared spectrum [NZ$/year when the term is in years]", "thesis eq. (13), section 5.4"),
    ExcelFunction(
        "NPV_T0", valuation.npv,
        "Net present value with the FIRST flow at t = 0 (Excel's NPV discounts it one period)",
        "thesis eq. (16), section 8.4", series_arguments=("cashflows",),
    ),
    ExcelFunction("BLACK_SCHOLES_OPTION", valuation.black_scholes_option, "Real-option value by Black-Scholes [NZ$]", "thesis eqs. (18)-(20), section 8.5, Table 9"),
    ExcelFunction("DEPRIVAL", valuation.deprival_value, "Value of spectrum by the deprival method: PV cost without - PV cost with [NZ$]", "thesis section 8.6, Table 10"),
    ExcelFunction("VALUE_PER_MHZ_POP", valuation.value_per_mhz_pop, "Value per MHz per head of population [NZ$/MHz/pop]", "thesis section 8.3, Table 11"),
    ExcelFunction("BENCHMARK_VALUE", valuation.benchmark_value, "Value of spectrum from a benchmark price per MHz per pop [NZ$]", "thesis section 8.3"),
    ExcelFunction("SHANNON_CAPACITY", interference.shannon_capacity, "Channel capacity B log2(1 + SINR) [bit/s]", "thesis eq. (1), section 3.2; Weiss and Cui, section IV"),
    ExcelFunction("THERMAL_NOISE_DBM", interference.thermal_noise_dbm, "Thermal noise kTB at 290 K plus noise figure [dBm]", "kTB, ITU-R P.372; thesis Table 4"),
    ExcelFunction("POWER_SUM_DBM", interference.power_sum_dbm, "Total of several powers, added in mW [dBm]", "Weiss and Cui, section IV",
                  series_arguments=("levels_dbm",)),
    ExcelFunction("SINR", interference.sinr_db, "Signal to interference plus noise ratio S/(I+N) [dB]", "Weiss and Cui, section IV"),
    ExcelFunction("VIEWERS", interference.viewers, "TV viewers by SINR: none <= 15 dB, partial to 27 dB, full above [viewers]", "Weiss and Cui, eq. (11)"),
    ExcelFunction("BROADCAST_COST", interference.broadcast_cost, "Cost of broadcasting b Tp Tn [currency]", "Weiss and Cui, eq. (10)"),
    ExcelFunction("RESERVATION_PRICE_IR", interference.reservation_price_ir,
                  "Least price a primary accepts for an interference right [currency]", "Weiss and Cui, eq. (12)"),
    ExcelFunction("RESERVATION_PRICE_EXCLUSIVE", interference.reservation_price_exclusive,
                  "Least price a primary accepts to vacate the channel [currency]", "Weiss and Cui, eq. (13)"),
    ExcelFunction("SECONDARY_VALUE", interference.secondary_value, "Secondary user's value e C r - C_b [currency]", "Weiss and Cui, eq. (14)"),
    ExcelFunction("TRADE_SURPLUS", interference.trade_surplus, "Surplus V_S - I_S; a trade can occur when >= 0 [currency]", "Weiss and Cui, section IV"),
    ExcelFunction("INTERFERENCE_SHARE", interference.interference_shares,
                  "Share an interference budget among requests by the CBRS iterative allocation, continuous or WInnForum's steps [dBm]",
                  "WINNF-TS-0112 R2-SGN-16 (IAP); WInnForum reference implementation, iap.py",
                  series_arguments=("requests_dbm",)),
    ExcelFunction("AUCTION_CLEAR", market.auction_clear,
                  "Clear a package auction: per bid, won (1/0) and payment [currency], by VCG, core or pay-as-bid",
                  "thesis section 4.5.7 (package auctions); VCG and core payments of Day and Cramton (2012)"),
    ExcelFunction("REGISTER_HOLDINGS", register_cells.register_holdings,
                  "A party's live tokens in a register: id, band [MHz], area [km], window [h], user, licences",
                  "the white paper's spectrum tokens (section 3.2); Weiss and Cui's right C_n"),
    ExcelFunction("REGISTER_HISTORY", register_cells.register_history,
                  "Every log entry that touched a token: entry, time [h], operation, signer, role, detail",
                  "the white paper's immutable record (section 3.2)"),
    ExcelFunction("REGISTER_HOLDER", register_cells.register_holder,
                  "Who holds and who uses a frequency at a place and time (a lessee during a lease)",
                  "the white paper's spectrum tokens (section 3.2)"),
)

#: The Python name of each function the user asked for by its Excel name, where they differ
#: from the Excel name the add-in uses (a collision with an Excel built-in).
RENAMED_FOR_BUILTINS = {"NPV": "NPV_T0"}

BY_EXCEL_NAME = {f.excel_name: f for f in FUNCTIONS}


def reference_table() -> list[dict[str, str]]:
    """One row per Excel function: name, Python name, arguments with units, source.

    Returns
    -------
    list of dict
        ``excel`` (the signature), ``python``, ``what``, ``source`` and ``arguments``, all text.
    """
    return [
        {
            "excel": f.excel_signature(),
            "python": f"xlspectrum.{f.python_name}",
            "what": f.help,
            "source": f.source,
            "arguments": "; ".join(f"{a.name}: {a.help}" for a in f.arguments),
        }
        for f in FUNCTIONS
    ]


def reference_markdown() -> str:
    """The function reference (``docs/functions.md``), written from this registry so it cannot drift.

    Returns
    -------
    str
        The page, in Markdown.
    """
    lines = [
        "# Function reference",
        "",
        "Written by `xlspectrum functions --format markdown` from the function registry",
        "(`xlspectrum/hosts/registry.py`), which every spreadsheet host uses; a test keeps this page",
        "equal to it. Arguments in brackets are optional; an empty cell in an optional argument",
        "means its default. Each Python docstring gives the equation, the units and the range of",
        "validity.",
        "",
        "| Excel | Python (`xlspectrum.`) | what [unit] | source |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{spec.excel_signature()}` | `{spec.python_name}` | {spec.help} | {spec.source} |" for spec in FUNCTIONS]
    for spec in FUNCTIONS:
        lines += ["", f"## {spec.excel_name}", "", f"`{spec.excel_signature()}`: {spec.description}", ""]
        for argument in spec.arguments:
            lines.append(f"- `{argument.name}`: {argument.full_help}")
    return "\n".join(lines) + "\n"
