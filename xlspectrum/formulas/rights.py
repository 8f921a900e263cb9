"""Interference rights as records: several rights written on one protected receiver.

A right is C_n = {S_n, P_n, F_n, A_n, T_n} in Weiss and Cui's notation (section II.B): the
interference power density the primary tolerates (S_n), the primary's own power density
in the same electrospace (P_n), the band (F_n), the area (A_n) and the time window (T_n),
with optional probability, technology and penalty terms.  Two rights overlap when their
bands, areas and time windows all intersect; the interference of overlapping rights adds
(in mW, as power densities in dBm/MHz, so rights of different bandwidths compare on the
same footing) and must stay within what the primary tolerates.

Two departures from the paper (docs/interference-rights.md, "Departures from the
source"): several rights sharing one receiver's budget goes beyond it (it grants a right to
a single secondary and leaves sharing among secondaries out, section I); and
``probability`` is a duty-cycle weight on the holder's interference, where the paper's
probability is the chance of affecting the primary's service, used in the price.

Areas are rectangles in a local grid [km] (x from west to east, y from south to north),
time windows are hours from a reference the user chooses [h], bands in MHz.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from xlspectrum.core.validation import OutOfRangeError, WrongTypeError

__all__ = ["InterferenceRight", "overlaps", "aggregate_dbm_per_mhz", "budget_table", "check_budget"]


def _interval(name: str, value: Sequence[float]) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise WrongTypeError(f"{name}={value!r} must be a pair (start, end) of numbers") from None
    if not (np.isfinite(low) and np.isfinite(high)) or low >= high:
        raise OutOfRangeError(f"{name}=({low:g}, {high:g}) must have start < end, both finite")
    return low, high


@dataclass(frozen=True)
class InterferenceRight:
    """One interference right written by a primary.

    Parameters
    ----------
    name : str
        Who holds it (or a contract id).
    band_mhz : tuple of float
        (low, high) edge frequencies [MHz].
    area_km : tuple of float
        (x_min, y_min, x_max, y_max) rectangle [km].
    window_h : tuple of float
        (start, end) [h].
    interference_dbm_per_mhz : float
        Interference the holder may add at the protected receivers [dBm/MHz].
    tolerated_dbm_per_mhz : float
        S_n, total interference the primary tolerates there [dBm/MHz].
    primary_dbm_per_mhz : float
        P_n, the primary's own power density in the right's band and area,
        so the holder knows its SINR (informative). [dBm/MHz]
    probability : float
        Share of the window the holder transmits, 0-1 (scales its interference).
        A departure: the paper's probability is the ex ante chance that the holder affects
        the primary's service, used to set the price (section II.B); no price uses it here.
    technology : str
        The holder's air interface, free text.
    penalty : float
        What the holder pays per breach [currency].
    """

    name: str
    band_mhz: tuple[float, float]
    area_km: tuple[float, float, float, float]
    window_h: tuple[float, float]
    interference_dbm_per_mhz: float
    tolerated_dbm_per_mhz: float
    primary_dbm_per_mhz: float = float("nan")
    probability: float = 1.0
    technology: str = ""
    penalty: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise WrongTypeError(f"name={self.name!r} must be a non-empty text")
        object.__setattr__(self, "band_mhz", _interval(f"{self.name}: band_mhz", self.band_mhz))
        object.__setattr__(self, "window_h", _interval(f"{self.name}: window_h", self.window_h))
        try:
            x0, y0, x1, y1 = (float(v) for v in self.area_km)
        except (TypeError, ValueError):
            raise WrongTypeError(f"{self.name}: area_km={self.area_km!r} must be (x_min, y_min, x_max, y_max)") from None
        _interval(f"{self.name}: area_km x", (x0, x1))
        _interval(f"{self.name}: area_km y", (y0, y1))
        object.__setattr__(self, "area_km", (x0, y0, x1, y1))
        for field_name in ("interference_dbm_per_mhz", "tolerated_dbm_per_mhz"):
            value = float(getattr(self, field_name))
            if not -300 <= value <= 300:
                raise OutOfRangeError(f"{self.name}: {field_name}={value:g} must be within -300 to 300 dBm/MHz")
            object.__setattr__(self, field_name, value)
        if not 0 < float(self.probability) <= 1:
            raise OutOfRangeError(f"{self.name}: probability={self.probability!r} must be > 0 and <= 1")
        if float(self.penalty) < 0:
            raise OutOfRangeError(f"{self.name}: penalty={self.penalty!r} must be >= 0")

    @property
    def expected_mw_per_mhz(self) -> float:
        """Interference power density, weighted by the probability of transmitting [mW/MHz]."""
        return float(self.probability) * 10.0 ** (self.interference_dbm_per_mhz / 10.0)


def _intersect(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def overlaps(a: InterferenceRight, b: InterferenceRight) -> bool:
    """Whether two rights share band, area and time (touching edges do not overlap).

    Parameters
    ----------
    a, b : InterferenceRight
        The two rights.

    Returns
    -------
    bool
        True when band, area and window all overlap.
    """
    return (_intersect(a.band_mhz, b.band_mhz) and _intersect(a.window_h, b.window_h)
            and _intersect((a.area_km[0], a.area_km[2]), (b.area_km[0], b.area_km[2]))
            and _intersect((a.area_km[1], a.area_km[3]), (b.area_km[1], b.area_km[3])))


def aggregate_dbm_per_mhz(rights: Iterable[InterferenceRight]) -> float:
    """Interference of several rights together [dBm/MHz]: densities added in mW/MHz.

    Parameters
    ----------
    rights : iterable of InterferenceRight
        The rights to add up, at least one; each weighted by its ``probability``.

    Returns
    -------
    float
        Aggregate interference density [dBm/MHz].
    """
    total = sum(right.expected_mw_per_mhz for right in rights)
    if total <= 0:
        raise WrongTypeError("no right to add up")
    return 10.0 * np.log10(total)


def budget_table(rights: Sequence[InterferenceRight]) -> pd.DataFrame:
    """For each right: the rights it overlaps, their aggregate and whether it stays within S_n.

    The aggregate of a right is the interference density of it and every right that
    overlaps it; it must not exceed the smallest tolerance among them.

    Parameters
    ----------
    rights : sequence of InterferenceRight
        The rights, each with its own ``name``.

    Returns
    -------
    DataFrame
        One row per right: ``right``, ``overlaps`` (the names it overlaps),
        ``aggregate_dbm_per_mhz`` and ``tolerated_dbm_per_mhz`` [dBm/MHz], ``within_budget``.
    """
    names = [right.name for right in rights]
    if len(set(names)) != len(names):
        raise WrongTypeError("every right needs its own name")
    records = []
    for right in rights:
        group = [other for other in rights if other is right or overlaps(right, other)]
        aggregate = aggregate_dbm_per_mhz(group)
        tolerated = min(other.tolerated_dbm_per_mhz for other in group)
        records.append({"right": right.name, "overlaps": ", ".join(o.name for o in group if o is not right),
                        "aggregate_dbm_per_mhz": aggregate, "tolerated_dbm_per_mhz": tolerated,
                        "within_budget": aggregate <= tolerated + 1e-9})
    return pd.DataFrame(records)


def check_budget(rights: Sequence[InterferenceRight]) -> pd.DataFrame:
    """:func:`budget_table`, raising an error naming every right whose group exceeds S_n.

    Parameters
    ----------
    rights : sequence of InterferenceRight
        The rights, each with its own ``name``.

    Returns
    -------
    DataFrame
        The table of :func:`budget_table`, when every right is within budget.
    """
    table = budget_table(rights)
    over = table[~table["within_budget"]]
    if len(over):
        shown = "; ".join(f"{r.right}: {r.aggregate_dbm_per_mhz:.2f} dBm/MHz > {r.tolerated_dbm_per_mhz:.2f}"
                          for r in over.itertuples())
        raise OutOfRangeError(f"overlapping rights exceed what the primary tolerates: {shown}")
    return table
