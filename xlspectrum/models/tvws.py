"""The TV white-space case study of Weiss and Cui, section IV, as tidy tables.

A broadcaster (the primary) at the centre of a 100 km service area, households spread
uniformly over it; one secondary transmitter on a radial at 50, 70, 79 or 100 km (the
locations of the paper's Figures 1-4); free-space propagation as in the paper; powers
1,000 kW (primary) and 36 kW (secondary), with the paper's variants (primary 100 kW
lower; secondary at 16 kW).  For each case: viewers before and after (eq. (11)), the primary's reservation
price under an interference right (eq. (12)) and an exclusive right (eq. (13)), the
secondary's value (eq. (14)) and whether a trade can occur.

How viewers are counted.  The service area is cut into rings around the primary (100 by
default); the households of a ring sit at its middle radius r.  Without the secondary,
the SINR of a ring depends on r only.  With it, the interference depends on the distance
d to the secondary, which grows with the bearing theta measured from the line to the
secondary: d^2 = r^2 + L^2 - 2 r L cos(theta).  SINR is above a threshold T exactly where
the interference is below ``S / T - N`` (in mW), i.e. beyond a distance d* found by
inverting the path loss, i.e. at bearings beyond theta* = arccos((r^2 + L^2 - d*^2) /
(2 r L)).  The share of the ring above T is therefore ``1 - theta* / pi``: exact over
bearings (no 10 m floor is needed: a receiver next to the secondary is simply below T),
one formula per ring, and the same formula in the generated workbook.  The profile
along the radial evaluates points, so it takes receivers closer than 10 m to a
transmitter to be 10 m away.

The paper prints no frequency, noise figure, household count, income per viewer,
energy price, contract length or secondary business figures: each is an input of
:data:`ASSUMPTIONS` with its source, and :func:`sensitivity` shows how the result moves
with the ones that matter.  The tables are this case's own, not the paper's figures (which
print no values).  Departures from the paper, listed in docs/interference-rights.md
("Departures from the source"): eq. (11)'s C read as households and 27 dB as partial
viewing; eq. (14)'s C as customers and C_b as the secondary's energy cost; a fixed
penetration e; a 720 h contract; the exclusive right with the primary switched off.

References
----------
[1] M. B. H. Weiss and L. Cui, "Spectrum Trading with Interference Rights", section IV,
    eqs. (10)-(14), Table II, Figures 1-4.

[2] B. Shaw, PhD thesis (University of Auckland, 2020), section 5.2.1, eq. (3) (free space).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from xlspectrum.formulas import interference
from xlspectrum.core.validation import OutOfRangeError, WrongTypeError
from xlspectrum.formulas.propagation import FSPL_CONSTANT_DB


@dataclass(frozen=True)
class Assumption:
    label: str
    value: float
    unit: str
    low: float
    high: float
    source: str


#: Every input of the case: label, default, unit, valid range and where it comes from.
ASSUMPTIONS: dict[str, Assumption] = {
    "service_radius_km": Assumption("Service area radius", 100.0, "km", 1.0, 500.0,
                                    "paper, section IV (Figures 1-3)"),
    "primary_kw": Assumption("Primary (broadcaster) power", 1000.0, "kW", 0.001, 10_000.0,
                             "paper, section IV (Figure 4)"),
    "primary_reduction_kw": Assumption("Primary power reduction (variant)", 100.0, "kW", 0.0, 10_000.0,
                                       "paper, section IV (Figure 4, blue lines)"),
    "secondary_kw": Assumption("Secondary power", 36.0, "kW", 0.001, 10_000.0, "paper, section IV (Figure 4)"),
    "secondary_low_kw": Assumption("Secondary power (quieter variant)", 16.0, "kW", 0.001, 10_000.0,
                                   "paper, section IV (Figure 4, green lines)"),
    "frequency_mhz": Assumption("Channel centre frequency", 569.0, "MHz", 30.0, 3000.0,
                                "assumed: US UHF TV channel 30 (566-572 MHz); the paper gives none"),
    "bandwidth_hz": Assumption("Channel bandwidth", 6e6, "Hz", 1e3, 1e9, "paper: a 6 MHz channel"),
    "noise_figure_db": Assumption("Receiver noise figure", 7.0, "dB", 0.0, 30.0,
                                  "assumed: FCC OET Bulletin 69 planning factor for UHF receivers"),
    "low_threshold_db": Assumption("SINR below which no one watches", 15.0, "dB", -20.0, 60.0,
                                   "paper, eq. (11): threshold of visibility (its reference [8])"),
    "high_threshold_db": Assumption("SINR above which viewing is adequate", 27.0, "dB", -20.0, 60.0,
                                    "paper, eq. (11): ATSC's minimum for adequate viewing"),
    "partial_share": Assumption("Share of households watching between the thresholds", 0.3, "-", 0.0, 1.0,
                                "paper, eq. (11)"),
    "full_share": Assumption("Share of households watching above the upper threshold", 0.5, "-", 0.0, 1.0,
                             "paper, eq. (11)"),
    "households": Assumption("Households in the service area", 1_000_000.0, "households", 1.0, 1e9,
                             "assumed: a large US market within 100 km"),
    "income_per_viewer": Assumption("Advertising income per viewer", 1.0, "US$", 0.0, 1e6,
                                    "assumed: income per viewer over the contract (a month)"),
    "energy_cost_per_kwh": Assumption("Energy cost", 0.12, "US$/kWh", 0.0, 10.0,
                                      "assumed: US commercial electricity, about 12 US cents/kWh (EIA)"),
    "duration_h": Assumption("Contract duration", 720.0, "h", 1.0, 876_000.0,
                             "assumed: a 30-day contract (a departure: the paper's run from seconds to hours)"),
    "secondary_sinr_db": Assumption("SINR of the secondary's customers", 10.0, "dB", -20.0, 60.0,
                                    "assumed: SINR the secondary's own customers see"),
    "throughput_per_customer_bps": Assumption("Throughput sold per customer", 1e6, "bit/s", 1e3, 1e10,
                                              "assumed: 1 Mbit/s sold per customer"),
    "penetration": Assumption("Secondary's penetration e", 0.3, "-", 0.0, 1.0,
                              "assumed: share of that capacity sold, fixed (a departure: eq. (14)'s e rises with SINR)"),
    "revenue_per_customer": Assumption("Secondary's revenue per customer", 30.0, "US$", 0.0, 1e6,
                                       "assumed: revenue per customer over the contract"),
}
#: The secondary's distances from the primary in the paper's figures [km]
LOCATIONS_KM = (50.0, 70.0, 79.0, 100.0)
#: Valid range of a location [km]
LOCATION_RANGE_KM = (0.1, 1000.0)
#: The paper's power cases, in order: base, primary lower, secondary lower (see :func:`power_cases`)
POWER_CASES = ("base", "primary lower", "secondary lower")
#: Region labels of Table II by the SINR before the secondary transmits
REGIONS = ("SINR <= low", "low < SINR <= high", "SINR > high")
#: Distance below which a receiver is taken to be at the transmitter, so free space stays finite [km]
DISTANCE_FLOOR_KM = 0.01
#: Rings of the default integration over the service area
RINGS = 100


def validate(overrides: Mapping[str, Any] | None) -> dict[str, float]:
    """The case's inputs: the defaults of :data:`ASSUMPTIONS` with ``overrides``, checked."""
    values = {key: item.value for key, item in ASSUMPTIONS.items()}
    for key, value in (overrides or {}).items():
        if key not in ASSUMPTIONS:
            raise WrongTypeError(f"unknown input {key!r}; the case's inputs are {', '.join(ASSUMPTIONS)}")
        item = ASSUMPTIONS[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
            raise WrongTypeError(f"{key}={value!r} must be a finite number ({item.unit})")
        if not item.low <= value <= item.high:
            raise OutOfRangeError(f"{key}={value!r} must be from {item.low:g} to {item.high:g} {item.unit}")
        values[key] = float(value)
    if values["low_threshold_db"] >= values["high_threshold_db"]:
        raise OutOfRangeError(f"low_threshold_db={values['low_threshold_db']:g} must be below "
                              f"high_threshold_db={values['high_threshold_db']:g}")
    if values["primary_reduction_kw"] >= values["primary_kw"]:
        raise OutOfRangeError(f"primary_reduction_kw={values['primary_reduction_kw']:g} must be below "
                              f"primary_kw={values['primary_kw']:g} (the primary keeps transmitting)")
    return values


def _locations(locations_km: Sequence[float]) -> np.ndarray:
    locations = np.asarray(locations_km, dtype=float)
    low, high = LOCATION_RANGE_KM
    if locations.ndim != 1 or locations.size == 0:
        raise WrongTypeError(f"locations_km={locations_km!r} must be a list of distances [km]")
    bad = ~np.isfinite(locations) | (locations < low) | (locations > high)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise OutOfRangeError(f"locations_km[{first}]={float(locations[first])!r} must be from {low:g} to {high:g} km")
    return locations


def power_cases(inputs: Mapping[str, float]) -> list[tuple[str, float, float]]:
    """(label, primary power after [kW], secondary power [kW]) for each of :data:`POWER_CASES`."""
    return [
        (POWER_CASES[0], inputs["primary_kw"], inputs["secondary_kw"]),
        (POWER_CASES[1], inputs["primary_kw"] - inputs["primary_reduction_kw"], inputs["secondary_kw"]),
        (POWER_CASES[2], inputs["primary_kw"], inputs["secondary_low_kw"]),
    ]


def dbm_from_kw(power_kw: Any) -> Any:
    """Power [dBm] of a power [kW]: 10 log10(P 1e6)."""
    return 10.0 * np.log10(np.asarray(power_kw, dtype=float) * 1e6)


@dataclass(frozen=True)
class PathLoss:
    """A path loss that is linear in log distance: ``L(d) = loss_at_1km_db + slope_db_per_decade log10(d)``."""

    name: str
    loss_at_1km_db: float
    slope_db_per_decade: float

    def loss_db(self, distance_km: Any) -> np.ndarray:
        """Loss [dB] at ``distance_km``, distances below 10 m taken as 10 m (points at a transmitter)."""
        d = np.maximum(np.asarray(distance_km, dtype=float), DISTANCE_FLOOR_KM)
        return self.loss_at_1km_db + self.slope_db_per_decade * np.log10(d)

    def distance_km(self, loss_db: Any) -> np.ndarray:
        """The distance [km] at which the loss is ``loss_db`` (the inverse, without the floor)."""
        return 10.0 ** ((np.asarray(loss_db, dtype=float) - self.loss_at_1km_db) / self.slope_db_per_decade)


#: Path-loss models the case can use by name; all are linear in log distance, so the
#: bearing of a threshold crossing has a closed form
PATH_LOSS_MODELS = ("free_space", "okumura_hata", "cost231_hata")


def path_loss_model(name: str, frequency_mhz: float, max_distance_km: float, base_height_m: float = 30.0,
                    mobile_height_m: float = 10.0, *, extrapolate: bool = False) -> PathLoss:
    """One of :data:`PATH_LOSS_MODELS` at a frequency, checked against its range of validity.

    Parameters
    ----------
    name : ``"free_space"`` (thesis eq. (3), the paper's choice), ``"okumura_hata"`` (eq. (4))
        or ``"cost231_hata"`` (eq. (6)), the latter two for an urban area.
    frequency_mhz : channel frequency [MHz].
    max_distance_km : the largest transmitter-receiver distance the case needs [km].
    base_height_m, mobile_height_m : antenna heights of the empirical models [m]
        (defaults: a 30 m mast, a 10 m rooftop TV aerial).
    extrapolate : apply an empirical model outside its 1-20 km even so.

    Returns
    -------
    PathLoss
        The model's loss at 1 km [dB] and its slope [dB per decade of distance].
    """
    from xlspectrum.formulas import propagation

    if name == "free_space":
        return PathLoss(name, FSPL_CONSTANT_DB + 20.0 * np.log10(frequency_mhz), 20.0)
    if name not in PATH_LOSS_MODELS:
        raise WrongTypeError(f"path_loss={name!r} must be one of {', '.join(PATH_LOSS_MODELS)}")
    low, high = propagation.HATA_DISTANCE_KM
    if not extrapolate:
        # rings next to each transmitter are closer than 1 km, and the far side is max_distance_km away
        raise OutOfRangeError(
            f"path_loss={name!r} is valid from {low:g} to {high:g} km, but the case needs distances from 0 to "
            f"{max_distance_km:g} km (receivers next to each transmitter and across the service area): use "
            f"'free_space' as the paper does, or extrapolate=True to apply it outside its range")
    model = propagation.okumura_hata if name == "okumura_hata" else propagation.cost231_hata
    at_1km, at_10km = (float(model(frequency_mhz, d, base_height_m, mobile_height_m, extrapolate=True)) for d in (1.0, 10.0))
    return PathLoss(name, at_1km, at_10km - at_1km)


def free_space_loss_db(distance_km: Any, frequency_mhz: float) -> np.ndarray:
    """Free-space loss [dB] (eq. (3) of [2]) with distances below 10 m taken as 10 m."""
    return path_loss_model("free_space", frequency_mhz, 0.0).loss_db(distance_km)


def crossing(threshold_db: float, signal_dbm: np.ndarray, noise_mw: float, secondary_dbm: float,
             location_km: float, radius_km: np.ndarray, path_loss: PathLoss) -> dict[str, np.ndarray]:
    """Where the SINR on circles around the primary crosses a threshold, with one secondary.

    Parameters
    ----------
    threshold_db : SINR threshold T [dB].
    signal_dbm : the primary's signal on each circle [dBm].
    noise_mw : receiver noise N [mW].
    secondary_dbm : the secondary's transmit power [dBm].
    location_km : distance L of the secondary from the primary [km].
    radius_km : radius r of each circle [km], > 0.
    path_loss : the propagation model (:func:`path_loss_model`; free space is eq. (3) of [2]).

    Returns
    -------
    dict of ndarray
        ``allowed_mw``: the interference that keeps SINR at T, ``S / T - N`` [mW];
        ``beyond_km``: the distance d* from the secondary beyond which SINR > T [km] (0 where
        no interference is allowed); ``cosine``: cos(theta*) of the bearing where d = d*
        [-]; ``share``: the share of the circle where SINR > T, ``1 - theta* / pi`` [-].
    """
    allowed_mw = 10.0 ** (signal_dbm / 10.0) / 10.0 ** (threshold_db / 10.0) - noise_mw
    with np.errstate(divide="ignore", invalid="ignore"):
        beyond_km = np.where(allowed_mw > 0, path_loss.distance_km(secondary_dbm - 10.0 * np.log10(allowed_mw)), 0.0)
    cosine = (radius_km**2 + location_km**2 - beyond_km**2) / (2.0 * radius_km * location_km)
    share = np.where(allowed_mw > 0, 1.0 - np.arccos(np.clip(cosine, -1.0, 1.0)) / np.pi, 0.0)
    return {"allowed_mw": allowed_mw, "beyond_km": beyond_km, "cosine": cosine, "share": share}


def case(overrides: Mapping[str, Any] | None = None, rings: int = RINGS,
         locations_km: Sequence[float] = LOCATIONS_KM, path_loss: str = "free_space", *,
         base_height_m: float = 30.0, mobile_height_m: float = 10.0, extrapolate: bool = False) -> dict[str, pd.DataFrame]:
    """The whole case study as tidy tables.

    Parameters
    ----------
    overrides : inputs to change from :data:`ASSUMPTIONS` (key to value in its unit).
    rings : number of rings the service area is cut into [-], 1-10,000.
    locations_km : distances of the secondary from the primary [km].
    path_loss : ``"free_space"`` (the paper's), ``"okumura_hata"`` or ``"cost231_hata"``
        (:func:`path_loss_model`: the empirical models are valid for 1-20 km only, which
        a service area with receivers next to each transmitter never is, so they need
        ``extrapolate=True``, with ``base_height_m`` and ``mobile_height_m`` [m]).

    Returns
    -------
    dict of DataFrame
        ``rings``: households, SINR and viewers before, region of Table II, and for each
        location and power case the crossings of both thresholds (:func:`crossing`) and the
        viewers after, by ring; ``profile``: SINR along the radial
        through the secondary at the rings' middles, before and after (Figures 1-3);
        ``regions``: the advertising loss by region of the SINR before (Figure 4);
        ``summary``: one row per location and power case with viewers, energy saved,
        reservation prices (eqs. (12), (13)), the secondary's value (eq. (14)), the
        surplus and whether a trade can occur.
    """
    inputs = validate(overrides)
    if isinstance(rings, bool) or not isinstance(rings, (int, np.integer)) or not 1 <= rings <= 10_000:
        raise OutOfRangeError(f"rings={rings!r} must be a whole number from 1 to 10,000")
    locations = _locations(locations_km)
    radius, frequency = inputs["service_radius_km"], inputs["frequency_mhz"]
    edges = np.linspace(0.0, radius, rings + 1)
    middles = (edges[:-1] + edges[1:]) / 2
    households = inputs["households"] * (edges[1:] ** 2 - edges[:-1] ** 2) / radius**2
    noise_dbm = float(interference.thermal_noise_dbm(inputs["bandwidth_hz"], inputs["noise_figure_db"]))
    noise_mw = 10.0 ** (noise_dbm / 10.0)
    low, high = inputs["low_threshold_db"], inputs["high_threshold_db"]
    partial, full = inputs["partial_share"], inputs["full_share"]
    model = path_loss_model(path_loss, frequency, radius + float(locations.max()), base_height_m, mobile_height_m,
                            extrapolate=extrapolate)
    loss = model.loss_db(middles)
    sinr_before = dbm_from_kw(inputs["primary_kw"]) - loss - noise_dbm
    viewers_before = interference.viewers(sinr_before, households, low, high, partial, full)
    region = interference.sinr_region(sinr_before, low, high)
    ring_table = pd.DataFrame({"ring": np.arange(1, rings + 1), "inner_km": edges[:-1], "outer_km": edges[1:],
                               "middle_km": middles, "households": households, "path_loss_db": loss,
                               "signal_before_dbm": sinr_before + noise_dbm, "sinr_before_db": sinr_before,
                               "region_before": region, "viewers_before": viewers_before})
    cases = power_cases(inputs)
    ring_rows, profiles, regions, summary = [], [], [], []
    capacity_bps = interference.shannon_capacity(inputs["bandwidth_hz"], inputs["secondary_sinr_db"])
    customers = capacity_bps / inputs["throughput_per_customer_bps"]
    for location in locations:
        for label, primary_kw, secondary_kw in cases:
            signal = dbm_from_kw(primary_kw) - loss
            secondary_dbm = float(dbm_from_kw(secondary_kw))
            at_low = crossing(low, signal, noise_mw, secondary_dbm, location, middles, model)
            at_high = crossing(high, signal, noise_mw, secondary_dbm, location, middles, model)
            above_low, above_high = at_low["share"], at_high["share"]
            viewers_after = households * (partial * (above_low - above_high) + full * above_high)
            columns = {"location_km": location, "power_case": label, "ring": ring_table["ring"], "signal_after_dbm": signal}
            columns |= {f"{name}_low": values for name, values in at_low.items()}
            columns |= {f"{name}_high": values for name, values in at_high.items()}
            ring_rows.append(pd.DataFrame(columns | {"viewers_after": viewers_after}))
            interfering = secondary_dbm - model.loss_db(np.abs(middles - location))
            profiles.append(pd.DataFrame({"location_km": location, "power_case": label, "distance_km": middles,
                                          "sinr_before_db": sinr_before, "interference_dbm": interfering,
                                          "sinr_after_db": interference.sinr_db(signal, interfering, noise_dbm)}))
            lost = viewers_before - viewers_after
            for index, name in enumerate(REGIONS):
                regions.append({"location_km": location, "power_case": label, "region": name,
                                "viewers_lost": float(lost[region == index].sum()),
                                "advertising_loss": float(lost[region == index].sum()) * inputs["income_per_viewer"]})
            total_before, total_after = float(viewers_before.sum()), float(viewers_after.sum())
            energy_saved = interference.broadcast_cost(inputs["energy_cost_per_kwh"],
                                                       inputs["primary_kw"] - primary_kw, inputs["duration_h"])
            price_ir = interference.reservation_price_ir(total_before, total_after, inputs["income_per_viewer"],
                                                         inputs["energy_cost_per_kwh"], inputs["duration_h"],
                                                         inputs["primary_kw"], primary_kw)
            # under an exclusive right the primary vacates the channel and stops broadcasting
            price_exclusive = interference.reservation_price_exclusive(
                total_before, inputs["income_per_viewer"], inputs["energy_cost_per_kwh"], inputs["duration_h"],
                inputs["primary_kw"], 0.0)
            operating = interference.broadcast_cost(inputs["energy_cost_per_kwh"], secondary_kw, inputs["duration_h"])
            value = interference.secondary_value(inputs["penetration"], customers, inputs["revenue_per_customer"],
                                                 operating)
            # a negative reservation price means the primary would accept any price: it asks at least 0
            surplus = interference.trade_surplus(value, max(price_ir, 0.0))
            summary.append({"location_km": location, "power_case": label, "primary_kw": primary_kw,
                            "secondary_kw": secondary_kw, "viewers_before": total_before, "viewers_after": total_after,
                            "viewers_lost": total_before - total_after, "energy_saved": energy_saved,
                            "reservation_price_ir": price_ir, "reservation_price_exclusive": price_exclusive,
                            "secondary_capacity_bps": capacity_bps, "secondary_customers": customers,
                            "secondary_operating_cost": operating, "secondary_value": value,
                            "surplus_ir": surplus, "trade": bool(surplus >= 0)})
    after = pd.concat(ring_rows, ignore_index=True)
    return {"rings": ring_table.merge(after, on="ring").sort_values(["location_km", "power_case", "ring"], kind="stable",
                                                                    key=_case_order).reset_index(drop=True),
            "profile": pd.concat(profiles, ignore_index=True), "regions": pd.DataFrame(regions),
            "summary": pd.DataFrame(summary)}


def _case_order(column: pd.Series) -> pd.Series:
    return column.map(POWER_CASES.index) if column.name == "power_case" else column


def sensitivity(inputs: tuple[str, ...] = ("income_per_viewer", "households", "energy_cost_per_kwh",
                                           "revenue_per_customer", "noise_figure_db", "frequency_mhz"),
                factors: tuple[float, ...] = (0.5, 2.0), location_km: float = 70.0) -> pd.DataFrame:
    """How the base case at one location moves when each input is scaled, one at a time.

    Returns
    -------
    DataFrame
        One row per input and factor: the input's value, the viewers lost, the reservation
        price (eq. (12)), the secondary's value (eq. (14)), the surplus and the trade,
        beside the base case's surplus.
    """
    def base_row(overrides: Mapping[str, float]) -> pd.Series:
        summary = case(overrides, locations_km=(location_km,))["summary"]
        return summary[summary["power_case"] == POWER_CASES[0]].iloc[0]

    base = base_row({})
    rows = []
    for key in inputs:
        if key not in ASSUMPTIONS:
            raise WrongTypeError(f"unknown input {key!r}; the case's inputs are {', '.join(ASSUMPTIONS)}")
        for factor in factors:
            changed = ASSUMPTIONS[key].value * factor
            row = base_row({key: changed})
            rows.append({"input": key, "factor": factor, "value": changed, "viewers_lost": row["viewers_lost"],
                         "reservation_price_ir": row["reservation_price_ir"], "secondary_value": row["secondary_value"],
                         "surplus_ir": row["surplus_ir"], "trade": row["trade"], "base_surplus_ir": base["surplus_ir"]})
    return pd.DataFrame(rows)
