"""An exchange for interference rights: primaries offer rights at their reservation price, secondaries bid their value.

Three TV broadcasters, each the primary of Weiss and Cui's case (section IV: a 1,000 kW
transmitter; 500,000 viewers, eq. (11)'s 50 % of the 1,000,000 households the case assumes), offer one interference right each: the right to run the
case's 36 kW secondary at 50, 70 or 100 km from the broadcaster for a month.  A right's
reserve price is the primary's reservation price, eq. (12), from the viewers the case
loses at that distance (:func:`xlspectrum.models.tvws.case`).  Secondaries bid their value,
eq. (14), for single rights or packages; a secondary's bids are exclusive.

The paper's own secondary is worth less than any reservation price (no trade).  The
secondaries here are illustrative, not the paper's: larger networks whose value
e C r - C_b beats the reserves, chosen so that the four payment rules differ (VCG is
blocked by the losing coalition of S1 and S2, so the core rules charge more).
"""

from __future__ import annotations

import functools

import pandas as pd

from xlspectrum.models import tvws
from xlspectrum.formulas.interference import reservation_price_ir, secondary_value
from xlspectrum.market.combinatorial import Lot, clear_auction

__all__ = ["BIDS", "LOCATIONS_KM", "bids", "clear", "register"]

#: Distance of each offered right's secondary from its primary [km]
LOCATIONS_KM = (50.0, 70.0, 100.0)
LOT_IDS = tuple(f"IR-{int(d)}" for d in LOCATIONS_KM)
#: Viewers after are typed into the exchange workbook's Register: rounded, so that the last
#: binary digits of one machine's transcendental functions never change the file another builds
VIEWER_DECIMALS = 6
#: (bid, bidder, units of each lot, penetration e, capacity C [customers], revenue r [US$/customer], cost C_b [US$])
BIDS = (
    ("S1 single", "S1", (1, 0, 0), 0.5, 25_000, 30.0, 25_000.0),
    ("S2 pair", "S2", (0, 1, 1), 0.5, 40_000, 32.0, 40_000.0),
    ("S2 single", "S2", (0, 1, 0), 0.5, 20_000, 32.0, 20_000.0),
    ("S3 single", "S3", (0, 0, 1), 0.5, 20_000, 30.0, 20_000.0),
    ("S4 pair", "S4", (1, 1, 0), 0.5, 50_000, 30.0, 50_000.0),
)


@functools.lru_cache(maxsize=1)
def register() -> pd.DataFrame:
    """The lots (one right each) with the eq. (12) inputs of their primary and the reserve it implies [US$]."""
    summary = tvws.case(locations_km=LOCATIONS_KM)["summary"]
    base = summary[summary["power_case"] == "base"].set_index("location_km")
    inputs = tvws.validate(None)
    rows = []
    for k, (lot_id, distance) in enumerate(zip(LOT_IDS, LOCATIONS_KM, strict=True)):
        row = base.loc[distance]
        lot = Lot(lot_id, band=f"TV channel of broadcaster TV-{k + 1}, {inputs['frequency_mhz']:g} MHz",
                  area=f"secondary {distance:g} km from the TV transmitter", window=f"{inputs['duration_h']:g} h (a month)",
                  quantity=1, owner=f"TV-{k + 1}")
        rows.append({**{f: getattr(lot, f) for f in ("lot_id", "band", "area", "window", "owner", "quantity")},
                     "income_per_viewer": inputs["income_per_viewer"], "viewers_before": float(row["viewers_before"]),
                     "viewers_after": round(float(row["viewers_after"]), VIEWER_DECIMALS), "energy_cost_per_kwh": inputs["energy_cost_per_kwh"],
                     "power_before_kw": float(row["primary_kw"]), "power_after_kw": float(row["primary_kw"]),
                     "duration_h": inputs["duration_h"]})
    table = pd.DataFrame(rows).set_index("lot_id")
    table["reserve_price"] = reservation_price_ir(table["viewers_before"], table["viewers_after"], table["income_per_viewer"],
                                                  table["energy_cost_per_kwh"], table["duration_h"], table["power_before_kw"],
                                                  table["power_after_kw"])
    return table


def bids() -> pd.DataFrame:
    """The secondaries' bids: units of each lot, the eq. (14) inputs and the value (floored at 0) [US$]."""
    rows = [{"bid": bid, "bidder": bidder, **dict(zip(LOT_IDS, units, strict=True)), "penetration": e, "capacity": c,
             "revenue_per_unit": r, "operating_cost": cost} for bid, bidder, units, e, c, r, cost in BIDS]
    table = pd.DataFrame(rows).set_index("bid")
    worth = secondary_value(table["penetration"], table["capacity"], table["revenue_per_unit"], table["operating_cost"])
    table["value"] = worth.clip(lower=0.0)  # a secondary never bids a negative amount
    return table


def clear(rule: str = "vcg", bid_table: pd.DataFrame | None = None, lots: pd.DataFrame | None = None) -> pd.DataFrame:
    """Clear the example (or the given tables) by ``rule``: :func:`xlspectrum.market.combinatorial.clear_auction`."""
    bid_table = bids() if bid_table is None else bid_table
    lots = register() if lots is None else lots
    ids = list(lots.index)
    return clear_auction(bid_table[["bidder", "value", *ids]], supply=lots["quantity"].to_dict(),
                         reserve=lots["reserve_price"].to_dict(), rule=rule)
