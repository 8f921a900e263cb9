"""xlspectrum: spectrum valuation and pricing formulas for Python and Excel.

The formulas of Brett Shaw's PhD thesis "Spectrum allocation methods for future
wireless services in cellular networks" (University of Auckland, 2020) as vectorised,
documented functions.  Each docstring cites its equation and units.
"""

from xlspectrum import _moved

#: the version, written here only (pyproject.toml reads it; the add-in and workbooks print it)
__version__ = "0.1.0"

_moved.install()  # the flat layout's module paths (xlspectrum.excel above all) keep working

#: Every exported name and the module it lives in, loaded on first use (PEP 562): a command or
#: a host imports only the formulas it calls (the start-up of issue 25).
_LAZY = {
    **dict.fromkeys((
        'broadcast_cost', 'interference_shares', 'power_sum_dbm', 'reservation_price_exclusive',
        'reservation_price_ir', 'secondary_value', 'shannon_capacity', 'sinr_db',
        'thermal_noise_dbm', 'trade_surplus', 'viewers'),
        "formulas.interference"),
    **dict.fromkeys((
        'annualise', 'bnetza_local_fee', 'lsp_price', 'msp_annual_charge',
        'ofcom_shared_access_fee', 'shared_spectrum_price'),
        "formulas.pricing"),
    **dict.fromkeys((
        'TABLE4_UPLINK', 'cell_range_km', 'cost231_hata', 'fspl', 'max_allowable_path_loss',
        'okumura_hata', 'umi_path_loss', 'umi_range_m', 'uplink_budget'),
        "formulas.propagation"),
    **dict.fromkeys((
        'gaseous_attenuation_db', 'rain_attenuation_db'),
        "formulas.atmosphere"),
    **dict.fromkeys((
        'downlink_max_path_loss', 'horns_for_full_circle', 'sites_for_range', 'umi_38901_path_loss',
        'umi_38901_range_m'),
        "formulas.mmwave"),
    **dict.fromkeys((
        'load_symmetry_ratio', 'sites_for_area', 'spectrum_sharing_dividend', 'ssd_from_lsr'),
        "formulas.sharing"),
    **dict.fromkeys((
        'benchmark_value', 'black_scholes_option', 'black_scholes_terms', 'deprival_value', 'npv',
        'value_per_mhz_pop'),
        "formulas.valuation"),
    "Lot": "market.combinatorial", "auction_clear": "market.combinatorial", "clear_auction": "market.combinatorial",
    "winner_determination": "market.combinatorial",
    "assignment_round": "market.clock", "clock_auction": "market.clock",
    "register_history": "register.cells", "register_holder": "register.cells", "register_holdings": "register.cells",
}


def __getattr__(name: str):
    import importlib
    import importlib.util

    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        value = importlib.import_module(f".{name}", __name__)  # xlspectrum.models without importing it first
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


#: the public names, one list: the lazy table above
__all__ = list(_LAZY)
