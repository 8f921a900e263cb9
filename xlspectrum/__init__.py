"""xlspectrum: spectrum valuation and pricing formulas for Python and Excel.

The formulas of Brett Shaw's PhD thesis "Spectrum allocation methods for future
wireless services in cellular networks" (University of Auckland, 2020) as vectorised,
documented functions.  Each docstring cites its equation and units.
"""

from .interference import (
    broadcast_cost,
    interference_shares,
    power_sum_dbm,
    reservation_price_exclusive,
    reservation_price_ir,
    secondary_value,
    shannon_capacity,
    sinr_db,
    thermal_noise_dbm,
    trade_surplus,
    viewers,
)
from .pricing import (
    annualise,
    bnetza_local_fee,
    lsp_price,
    msp_annual_charge,
    ofcom_shared_access_fee,
    shared_spectrum_price,
)
from .propagation import (
    TABLE4_UPLINK,
    cell_range_km,
    cost231_hata,
    fspl,
    max_allowable_path_loss,
    okumura_hata,
    umi_path_loss,
    umi_range_m,
    uplink_budget,
)
from .atmosphere import gaseous_attenuation_db, rain_attenuation_db
from .mmwave import (
    downlink_max_path_loss,
    horns_for_full_circle,
    sites_for_range,
    umi_38901_path_loss,
    umi_38901_range_m,
)
from .sharing import load_symmetry_ratio, sites_for_area, spectrum_sharing_dividend, ssd_from_lsr
from .valuation import (
    benchmark_value,
    black_scholes_option,
    black_scholes_terms,
    deprival_value,
    npv,
    value_per_mhz_pop,
)

__version__ = "0.1.0"

#: Exported names whose modules load on first use (PEP 562): the exchange and the register
#: import a fifth of a second of code that formula users never call.
_LAZY = {
    "Lot": "market", "auction_clear": "market", "clear_auction": "market", "winner_determination": "market",
    "assignment_round": "clock", "clock_auction": "clock",
    "register_history": "register.cells", "register_holder": "register.cells", "register_holdings": "register.cells",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

__all__ = [
    "Lot",
    "annualise",
    "bnetza_local_fee",
    "msp_annual_charge",
    "ofcom_shared_access_fee",
    "assignment_round",
    "auction_clear",
    "clear_auction",
    "clock_auction",
    "winner_determination",
    "TABLE4_UPLINK",
    "broadcast_cost",
    "interference_shares",
    "power_sum_dbm",
    "reservation_price_exclusive",
    "reservation_price_ir",
    "secondary_value",
    "shannon_capacity",
    "sinr_db",
    "thermal_noise_dbm",
    "trade_surplus",
    "viewers",
    "benchmark_value",
    "black_scholes_option",
    "black_scholes_terms",
    "cell_range_km",
    "cost231_hata",
    "deprival_value",
    "fspl",
    "load_symmetry_ratio",
    "lsp_price",
    "max_allowable_path_loss",
    "npv",
    "okumura_hata",
    "shared_spectrum_price",
    "sites_for_area",
    "spectrum_sharing_dividend",
    "ssd_from_lsr",
    "umi_path_loss",
    "umi_range_m",
    "umi_38901_path_loss",
    "umi_38901_range_m",
    "downlink_max_path_loss",
    "sites_for_range",
    "horns_for_full_circle",
    "gaseous_attenuation_db",
    "rain_attenuation_db",
    "uplink_budget",
    "value_per_mhz_pop",
    "register_holdings",
    "register_history",
    "register_holder",
]
