"""The TV white-space case study of Weiss and Cui, section IV, as tidy tables.

A broadcaster (the primary) at the centre of a 100 km service area, households spread
uniformly over it; one secondary transmitter on a radial at 50, 70, 79 or 100 km; free-
space propagation as in the paper; powers 1,000 kW (primary) and 36 kW (secondary), with
the paper's variants (primary 100 kW lower; secondary at 16 kW).  For each case:
viewers before and after (eq. (11), integrated over rings and bearings), the primary's
reservation price under an interference right (eq. (12)) and an exclusive right
(eq. (13)), the secondary's value (eq. (14)) and whether a trade can occur.

The paper prints no frequency, noise figure, household count, income per viewer,
energy price, contract length or secondary business figures: each is an input of
:data:`ASSUMPTIONS` with its source, and :func:`sensitivity` shows how the result moves
with the ones that matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import interference
from ._validation import OutOfRangeError, WrongTypeError
from .propagation import fspl


@dataclass(frozen=True)
class Assumption:
    value: float
    unit: str
    source: str


#: Every input of the case, its unit and where it comes from (the paper, or an assumption and its basis).
ASSUMPTIONS: dict[str, Assumption] = {
    "service_radius_km": Assumption(100.0, "km", "paper, section IV (Figures 1-3)"),
    "primary_kw": Assumption(1000.0, "kW", "paper, section IV (Figure 4)"),
    "secondary_kw": Assumption(36.0, "kW", "paper, section IV (Figure 4)"),
    "frequency_mhz": Assumption(569.0, "MHz", "assumed: US UHF TV channel 30 (566-572 MHz); the paper gives none"),
    "bandwidth_hz": Assumption(6e6, "Hz", "paper: a 6 MHz channel"),
    "noise_figure_db": Assumption(7.0, "dB", "assumed: FCC OET Bulletin 69 planning factor for UHF receivers"),
    "households": Assumption(1_000_000.0, "households", "assumed: a large US market within 100 km"),
    "income_per_viewer": Assumption(1.0, "US$", "assumed: advertising income per viewer over the contract (a month)"),
    "energy_cost_per_kwh": Assumption(0.12, "US$/kWh", "assumed: US commercial electricity, about 12 US cents/kWh (EIA)"),
    "duration_h": Assumption(720.0, "h", "assumed: a 30-day contract"),
    "secondary_sinr_db": Assumption(10.0, "dB", "assumed: SINR the secondary's own customers see"),
    "throughput_per_customer_bps": Assumption(1e6, "bit/s", "assumed: 1 Mbit/s sold per customer"),
    "penetration": Assumption(0.3, "-", "assumed: share of that capacity sold"),
    "revenue_per_customer": Assumption(30.0, "US$", "assumed: revenue per customer over the contract"),
}
#: The secondary's distances from the primary in the paper's figures [km]
LOCATIONS_KM = (50.0, 70.0, 79.0, 100.0)
#: The paper's power cases: (label, primary kW offset, secondary kW) relative to the base
POWER_CASES = (
    ("base: primary 1,000 kW, secondary 36 kW", 0.0, None),
    ("primary 100 kW lower", -100.0, None),
    ("secondary at 16 kW", 0.0, 16.0),
)


def _inputs(overrides: Mapping[str, Any] | None) -> dict[str, float]:
    values = {key: item.value for key, item in ASSUMPTIONS.items()}
    for key, value in (overrides or {}).items():
        if key not in ASSUMPTIONS:
            raise WrongTypeError(f"unknown input {key!r}; the case's inputs are {', '.join(ASSUMPTIONS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
            raise WrongTypeError(f"{key}={value!r} must be a finite number ({ASSUMPTIONS[key].unit})")
        if value < 0 or (value == 0 and key not in ("secondary_sinr_db",)):
            raise OutOfRangeError(f"{key}={value!r} must be > 0 ({ASSUMPTIONS[key].unit})")
        values[key] = float(value)
    if values["penetration"] > 1:
        raise OutOfRangeError(f"penetration={values['penetration']!r} must be <= 1")
    return values


def _dbm(kw: float) -> float:
    return 10.0 * np.log10(kw * 1e6)


def _received_dbm(power_kw: float, distance_km: np.ndarray, frequency_mhz: float) -> np.ndarray:
    # free space, isotropic antennas, as the paper's Figures 1-3; 10 m floor so the loss stays finite
    return _dbm(power_kw) - fspl(np.maximum(distance_km, 0.01), frequency_mhz)


def sinr_field(inputs: Mapping[str, float], location_km: float, primary_kw: float, secondary_kw: float | None,
               radius_km: np.ndarray, bearing_rad: np.ndarray) -> np.ndarray:
    """SINR [dB] at points (radius from the primary, bearing from the line to the secondary)."""
    noise = interference.thermal_noise_dbm(inputs["bandwidth_hz"], inputs["noise_figure_db"])
    signal = _received_dbm(primary_kw, radius_km, inputs["frequency_mhz"])
    if secondary_kw is None:
        return signal - noise
    to_secondary = np.sqrt(radius_km**2 + location_km**2 - 2 * radius_km * location_km * np.cos(bearing_rad))
    interfering = _received_dbm(secondary_kw, to_secondary, inputs["frequency_mhz"])
    return interference.sinr_db(signal, interfering, noise)


def case(overrides: Mapping[str, Any] | None = None, rings: int = 100, bearings: int = 360) -> dict[str, pd.DataFrame]:
    """The whole case study: ``profile`` (SINR along the radial through the secondary),
    ``rings`` (viewers by ring) and ``summary`` (prices and the trade, one row per location and power case).
    """
    inputs = _inputs(overrides)
    radius = inputs["service_radius_km"]
    edges = np.linspace(0.0, radius, rings + 1)
    middles = (edges[:-1] + edges[1:]) / 2
    households_per_ring = inputs["households"] * (edges[1:] ** 2 - edges[:-1] ** 2) / radius**2
    theta = (np.arange(bearings) + 0.5) * 2 * np.pi / bearings
    r_grid, theta_grid = np.meshgrid(middles, theta, indexing="ij")
    profile_km = np.linspace(1.0, radius, 100)
    profiles, ring_rows, summary = [], [], []
    for location in LOCATIONS_KM:
        for label, primary_offset, secondary in POWER_CASES:
            primary_kw = inputs["primary_kw"] + primary_offset
            secondary_kw = inputs["secondary_kw"] if secondary is None else secondary
            before = sinr_field(inputs, location, inputs["primary_kw"], None, r_grid, theta_grid)
            after = sinr_field(inputs, location, primary_kw, secondary_kw, r_grid, theta_grid)
            per_point = households_per_ring[:, None] / bearings
            viewers_before = interference.viewers(before, per_point).sum(axis=1)
            viewers_after = interference.viewers(after, per_point).sum(axis=1)
            for i in range(rings):
                ring_rows.append({"location_km": location, "power_case": label, "ring_inner_km": edges[i],
                                  "ring_outer_km": edges[i + 1], "households": households_per_ring[i],
                                  "viewers_before": viewers_before[i], "viewers_after": viewers_after[i]})
            radial = sinr_field(inputs, location, primary_kw, secondary_kw, profile_km, np.zeros_like(profile_km))
            radial_before = sinr_field(inputs, location, inputs["primary_kw"], None, profile_km, np.zeros_like(profile_km))
            profiles.append(pd.DataFrame({"location_km": location, "power_case": label, "distance_km": profile_km,
                                          "sinr_before_db": radial_before, "sinr_after_db": radial}))
            total_before, total_after = float(viewers_before.sum()), float(viewers_after.sum())
            price_ir = interference.reservation_price_ir(total_before, total_after, inputs["income_per_viewer"],
                                                         inputs["energy_cost_per_kwh"], inputs["duration_h"],
                                                         inputs["primary_kw"], primary_kw)
            price_exclusive = interference.reservation_price_exclusive(
                total_before, inputs["income_per_viewer"], inputs["energy_cost_per_kwh"], inputs["duration_h"],
                inputs["primary_kw"], 0.0)
            customers = interference.shannon_capacity(inputs["bandwidth_hz"], inputs["secondary_sinr_db"]) \
                / inputs["throughput_per_customer_bps"]
            operating = interference.broadcast_cost(inputs["energy_cost_per_kwh"], secondary_kw, inputs["duration_h"])
            value = interference.secondary_value(inputs["penetration"], customers, inputs["revenue_per_customer"], operating)
            surplus = interference.trade_surplus(value, max(price_ir, 0.0))
            summary.append({"location_km": location, "power_case": label, "primary_kw": primary_kw,
                            "secondary_kw": secondary_kw, "viewers_before": total_before, "viewers_after": total_after,
                            "viewers_lost": total_before - total_after, "reservation_price_ir": price_ir,
                            "reservation_price_exclusive": price_exclusive, "secondary_value": value,
                            "surplus_ir": surplus, "trade": bool(surplus >= 0)})
    return {"profile": pd.concat(profiles, ignore_index=True), "rings": pd.DataFrame(ring_rows),
            "summary": pd.DataFrame(summary)}


def sensitivity(inputs: tuple[str, ...] = ("income_per_viewer", "households", "energy_cost_per_kwh", "revenue_per_customer"),
                factors: tuple[float, ...] = (0.5, 2.0), location_km: float = 70.0) -> pd.DataFrame:
    """How the base case at one location moves when each input is scaled (one at a time)."""
    base = case()["summary"]
    base = base[(base["location_km"] == location_km) & (base["power_case"] == POWER_CASES[0][0])].iloc[0]
    rows = []
    for key in inputs:
        for factor in factors:
            result = case({key: ASSUMPTIONS[key].value * factor}, rings=50, bearings=180)["summary"]
            row = result[(result["location_km"] == location_km) & (result["power_case"] == POWER_CASES[0][0])].iloc[0]
            rows.append({"input": key, "factor": factor, "value": ASSUMPTIONS[key].value * factor,
                         "reservation_price_ir": row["reservation_price_ir"], "secondary_value": row["secondary_value"],
                         "surplus_ir": row["surplus_ir"], "trade": row["trade"],
                         "base_surplus_ir": base["surplus_ir"]})
    return pd.DataFrame(rows)
