"""Price discovery: the combinatorial clock auction (CCA) with truthful proxy bidders.

Lots of a band are grouped into categories of identical lots.  In each clock round the
auctioneer announces a price per lot of each category; every bidder demands the bundle
that maximises its value minus its price (a truthful proxy reading a value table), within
the acquisition limits (spectrum caps) and the activity rule.  Prices rise by a stated
increment on every category whose demand exceeds its supply, and the clock stops when no
category is over-demanded.  A supplementary round, winner determination over the clock and
supplementary bids, payments by a chosen rule and an assignment round for specific blocks
follow.  Two supplementary designs are offered:

``"cca"``
    The standard CCA (UK 2013, Canada 2014, Ausubel and Baranov 2017): every clock bid
    stands as a package bid at its round's prices, bidders add sealed package bids (the
    value, capped by the relative cap for packages above their final clock eligibility),
    and one winner determination over all the bids fixes the allocation and, by the
    payment rule, the prices.
``"unsold"``
    New Zealand's 700 MHz design (thesis section 4.5.8): the clock allocation is final and
    paid at the final clock prices; only the lots left unsold are offered in the
    supplementary round, with the final clock price as reserve and no acquisition limit
    unless one is given, and bidders bid for extra lots on top of their clock bundle.

References
----------
[1] L. M. Ausubel and O. Baranov, "A practical guide to the combinatorial clock auction",
    Economic Journal 127(605), 2017: clock rounds, eligibility-point activity rule,
    relative cap, supplementary round.

[2] P. Cramton, "Spectrum auction design", Review of Industrial Organization 42(2), 2013.

[3] B. Shaw, PhD thesis (University of Auckland, 2020), sections 4.5.7-4.5.13: the CCA,
    New Zealand's 700 MHz auction (Tables 2-3) and its Licensed Spectrum Park counterfactuals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xlspectrum.core.validation import OutOfRangeError, WrongTypeError
from xlspectrum.market.combinatorial import PAYMENT_RULES, _number, _validate, clear_auction

__all__ = ["SUPPLEMENTARY_DESIGNS", "ClockAuctionResult", "assignment_round", "clock_auction"]

#: The supplementary-round designs of :func:`clock_auction`
SUPPLEMENTARY_DESIGNS = ("cca", "unsold")
#: Surpluses closer than this fraction of the largest value count as a tie
TIE_TOLERANCE = 1e-9


@dataclass
class ClockAuctionResult:
    """Everything a clock auction produced, as tidy tables.

    Attributes
    ----------
    rounds : one row per clock round and category: ``round``, ``category``, ``price``
        [currency/lot], ``demand``, ``supply``, ``excess_demand`` [lots].
    clock_bids : one row per clock round and bidder: ``round``, ``bidder``, the lots of
        each category demanded, ``points`` (eligibility points) and ``amount`` (the bundle
        at that round's prices) [currency].
    supplementary_bids : the sealed bids of the supplementary round: ``bidder``,
        ``value`` (the amount bid) [currency] and the lots of each category.
    allocation : one row per bidder: lots won of each category, ``lots`` (all categories)
        and the payment of each phase [currency]: ``clock`` and ``supplementary`` (design
        ``"unsold"``) or ``principal`` (design ``"cca"``), then ``assignment`` and ``total``.
    assignment : one row per bidder and category placed in the assignment round (see
        :func:`assignment_round`), or an empty table when no blocks were given.
    rule, design : the payment rule and supplementary design used.
    final_prices : category to the last clock price [currency/lot].
    """

    rounds: pd.DataFrame
    clock_bids: pd.DataFrame
    supplementary_bids: pd.DataFrame
    allocation: pd.DataFrame
    assignment: pd.DataFrame
    rule: str
    design: str
    final_prices: dict[str, float] = field(default_factory=dict)

    @property
    def revenue(self) -> float:
        """All payments of all phases [currency]."""
        return float(self.allocation["total"].sum())

    def revenue_table(self) -> pd.DataFrame:
        """Payments by bidder and phase with lots won, plus a ``Total`` row: the shape of thesis Table 3.

        Returns
        -------
        DataFrame
            Indexed by bidder (and ``Total``): the payment of each phase and ``total``
            [currency], the lots won.
        """
        phases = [c for c in ("clock", "supplementary", "principal", "assignment") if c in self.allocation]
        table = self.allocation.set_index("bidder")[[*phases, "total", "lots"]].copy()
        if "clock" in phases:
            table.insert(1, "clock_lots", self.allocation.set_index("bidder")["clock_lots"])
            table.insert(3, "supplementary_lots", self.allocation.set_index("bidder")["supplementary_lots"])
        table.loc["Total"] = table.sum()
        return table


def _prepare_values(values: pd.DataFrame, supply: Mapping[str, Any], reserve: Mapping[str, Any] | None):
    if isinstance(values, pd.DataFrame) and values.empty:
        raise WrongTypeError("values has no rows: give each bidder at least one bundle and its value")
    table = _validate(values, supply, reserve)
    return table


def _limits(name: str, limits: Mapping[str, Any] | None, categories: list[str], supply: np.ndarray) -> np.ndarray:
    """Per-category acquisition limits [lots] (default: the whole supply)."""
    limits = {} if limits is None else dict(limits)
    unknown = [c for c in limits if c not in categories]
    if unknown:
        raise OutOfRangeError(f"{name} names unknown category {unknown[0]!r}; the categories are {', '.join(categories)}")
    out = supply.astype(float).copy()
    for k, category in enumerate(categories):
        if category in limits and limits[category] is not None:
            cap = _number(f"{name}[{category!r}]", limits[category])
            if cap < 0 or not cap.is_integer():
                raise OutOfRangeError(f"{name}[{category!r}]={cap:g} must be a whole number of lots >= 0")
            out[k] = cap
    return out


def _points(name: str, points: Mapping[str, Any] | None, categories: list[str]) -> np.ndarray:
    points = {} if points is None else dict(points)
    unknown = [c for c in points if c not in categories]
    if unknown:
        raise OutOfRangeError(f"{name} names unknown category {unknown[0]!r}; the categories are {', '.join(categories)}")
    out = np.ones(len(categories))
    for k, category in enumerate(categories):
        if category in points:
            out[k] = _number(f"{name}[{category!r}]", points[category])
            if out[k] <= 0:
                raise OutOfRangeError(f"{name}[{category!r}]={out[k]:g} must be > 0")
    return out


def _choose(surplus: np.ndarray, size: np.ndarray, previous: int, tolerance: float) -> int:
    """The bundle a truthful proxy demands among ``surplus`` (index -1 is the empty bundle).

    Ties within ``tolerance`` go to the bundle demanded last round, then to the most
    eligibility points (a proxy that values a lot at exactly its price still buys it),
    then to the first listed.
    """
    best = surplus.max()
    tied = np.flatnonzero(surplus >= best - tolerance)
    if previous in tied:
        return previous
    largest = tied[size[tied] == size[tied].max()]
    return int(largest[0])


def clock_auction(values: pd.DataFrame, supply: Mapping[str, Any], reserve: Mapping[str, Any], *,
                  caps: Mapping[str, Any] | None = None, increment: float = 0.05, increment_floor: float = 0.0,
                  points: Mapping[str, Any] | None = None, design: str = "cca",
                  supplementary_caps: Mapping[str, Any] | None = None, rule: str = "vcg",
                  blocks: Mapping[str, Sequence[Any]] | None = None, assignment_bids: pd.DataFrame | None = None,
                  assignment_rule: str | None = None, allowed_first_blocks: Mapping[Any, Sequence[Any]] | None = None,
                  max_rounds: int = 1000) -> ClockAuctionResult:
    """Run a combinatorial clock auction with truthful proxy bidders [1], [2], [3].

    Parameters
    ----------
    values : DataFrame with columns ``bidder``, ``value`` [currency] and one column per
        category holding the lots of that category in the bundle: each row is a bundle
        the bidder values and its value; a bidder's rows are alternatives (it wants at most
        one), and a bundle not listed is worth the best listed bundle it contains.
    supply : category to lots offered [lots], whole numbers >= 1.
    reserve : category to reserve price [currency/lot], >= 0: the first clock price.
    caps : category to a bidder's acquisition limit in the clock rounds [lots]
        (default none: the whole supply).
    increment : the price rise on an over-demanded category, a fraction of its price
        (default 0.05, i.e. 5 % a round), >= 0.
    increment_floor : the least price rise [currency/lot] (default 0): needed for a
        category whose reserve is 0.
    points : category to eligibility points per lot (default 1).  Activity rule: a
        bidder may not demand more points than it demanded the round before.
    design : ``"cca"`` or ``"unsold"`` (see the module notes).
    supplementary_caps : acquisition limits in the supplementary round [lots]; default
        ``caps`` for ``"cca"``, none for ``"unsold"``.
    rule : payment rule of the principal stage (:data:`xlspectrum.market.combinatorial.PAYMENT_RULES`);
        under ``"unsold"`` it prices the supplementary round (clock lots are paid at the
        final clock prices).
    blocks : category to the ordered labels of its specific blocks, for the assignment
        round (default: no assignment round).
    assignment_bids : DataFrame ``bidder``, ``category``, ``first_block``, ``value``
        [currency]: what a bidder adds to be placed from that block on.
    assignment_rule : payment rule of the assignment round (default ``rule``).
    allowed_first_blocks : bidder to the blocks it may be placed from (a regulator's
        restriction, e.g. one end of the band); default anywhere.
    max_rounds : most clock rounds before the auction stops with an error.

    Returns
    -------
    ClockAuctionResult
        The rounds, clock and supplementary bids, allocation with payments by phase
        [currency], the assignment and :meth:`~ClockAuctionResult.revenue_table`.

    Raises
    ------
    OutOfRangeError
        For a bad input (naming it and its valid range), or when the clock does not stop
        within ``max_rounds``.
    """
    if design not in SUPPLEMENTARY_DESIGNS:
        raise OutOfRangeError(f"design={design!r} must be one of {', '.join(SUPPLEMENTARY_DESIGNS)}")
    if rule not in PAYMENT_RULES:
        raise OutOfRangeError(f"rule={rule!r} must be one of {', '.join(PAYMENT_RULES)}")
    table = _prepare_values(values, supply, reserve)
    if np.any(table.reserve < 0):  # pragma: no cover - _validate refuses it
        raise OutOfRangeError("reserve must be >= 0")
    increment = _number("increment", increment)
    increment_floor = _number("increment_floor", increment_floor)
    if increment < 0:
        raise OutOfRangeError(f"increment={increment:g} must be >= 0 (a fraction of the price, 0.05 = 5 %)")
    if increment_floor < 0:
        raise OutOfRangeError(f"increment_floor={increment_floor:g} must be >= 0")
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, (int, np.integer)) or max_rounds < 1:
        raise OutOfRangeError(f"max_rounds={max_rounds!r} must be a whole number >= 1")
    categories = table.lots
    cap = _limits("caps", caps, categories, table.supply)
    supplementary_cap = (cap if design == "cca" else table.supply.astype(float)) if supplementary_caps is None \
        else _limits("supplementary_caps", supplementary_caps, categories, table.supply)
    weight = _points("points", points, categories)
    scale = max(float(table.values.max()), 1.0)
    tolerance = TIE_TOLERANCE * scale

    bundles_of = [np.flatnonzero(table.bidder_of == b) for b in range(len(table.bidders))]
    prices = table.reserve.astype(float).copy()
    eligibility = np.full(len(table.bidders), np.inf)
    previous = np.full(len(table.bidders), -1)  # the option each bidder chose last round (the last is the empty bundle)
    round_rows, bid_rows, history = [], [], []
    for round_number in range(1, max_rounds + 1):
        demand = np.zeros((len(table.bidders), len(categories)))
        chosen = np.full(len(table.bidders), -1)
        for b, rows in enumerate(bundles_of):
            quantities = np.vstack([table.quantities[rows], np.zeros(len(categories))])
            worth = np.concatenate([table.values[rows], [0.0]])
            size = quantities @ weight
            feasible = np.all(quantities <= cap, axis=1) & (size <= eligibility[b] + 1e-12)
            surplus = np.where(feasible, worth - quantities @ prices, -np.inf)
            choice = _choose(surplus, size, previous[b], tolerance)
            chosen[b] = choice
            demand[b] = quantities[choice]
            bid_rows.append({"round": round_number, "bidder": table.bidders[b],
                             **dict(zip(categories, quantities[choice].astype(int), strict=True)),
                             "points": float(size[choice]), "amount": float(quantities[choice] @ prices)})
        total = demand.sum(axis=0)
        excess = total - table.supply
        for k, category in enumerate(categories):
            round_rows.append({"round": round_number, "category": category, "price": float(prices[k]),
                               "demand": int(total[k]), "supply": int(table.supply[k]), "excess_demand": int(excess[k])})
        history.append((prices.copy(), demand.copy(), demand @ weight))
        if np.all(excess <= 0):
            break
        step = np.maximum(prices * increment, increment_floor)
        stuck = (excess > 0) & (step <= 0)
        if stuck.any():
            category = categories[int(np.flatnonzero(stuck)[0])]
            raise OutOfRangeError(f"category {category!r} is over-demanded at price {prices[stuck][0]:g} but the price "
                                  "cannot rise: give increment > 0 and a reserve > 0, or increment_floor > 0")
        prices = prices + np.where(excess > 0, step, 0.0)
        eligibility = demand @ weight
        previous = chosen
    else:
        raise OutOfRangeError(f"the clock did not stop within max_rounds={max_rounds}: raise it or the increment")

    rounds = pd.DataFrame(round_rows)
    clock_bids = pd.DataFrame(bid_rows)
    final_prices, final_demand, _ = history[-1]
    if design == "cca":
        supplementary, allocation = _principal_cca(table, values, history, cap, supplementary_cap, weight, rule)
    else:
        supplementary, allocation = _principal_unsold(table, final_prices, final_demand, supplementary_cap, rule)
    assignment = pd.DataFrame(columns=["bidder", "category", "blocks", "first_block", "last_block", "bid", "payment"])
    allocation["assignment"] = 0.0
    if blocks is not None:
        parts = []
        for category, labels in dict(blocks).items():
            if category not in categories:
                raise OutOfRangeError(f"blocks names unknown category {category!r}; the categories are {', '.join(categories)}")
            won = dict(zip(allocation["bidder"], allocation[category], strict=True))
            bids = None
            if assignment_bids is not None:
                bids = assignment_bids[assignment_bids["category"] == category].drop(columns="category")
            parts.append(assignment_round(won, labels, bids, rule=assignment_rule or rule,
                                          allowed_first_blocks=allowed_first_blocks).assign(category=category))
        assignment = pd.concat(parts, ignore_index=True)[assignment.columns]
        paid = assignment.groupby("bidder")["payment"].sum()
        allocation["assignment"] = allocation["bidder"].map(paid).fillna(0.0).astype(float)
    phases = [c for c in ("clock", "supplementary", "principal", "assignment") if c in allocation]
    allocation["total"] = allocation[phases].sum(axis=1)
    return ClockAuctionResult(rounds, clock_bids, supplementary, allocation, assignment, rule, design,
                              dict(zip(categories, map(float, final_prices), strict=True)))


def _free_disposal_value(table, b: int, bundle: np.ndarray) -> float:
    """What bidder ``b`` values ``bundle`` at: its best listed bundle contained in it (0 if none)."""
    rows = np.flatnonzero(table.bidder_of == b)
    inside = rows[np.all(table.quantities[rows] <= bundle + 1e-9, axis=1)]
    return float(table.values[inside].max()) if inside.size else 0.0


def _bids_frame(rows: list[dict], categories: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["bidder", "value", *categories])


def _capped_bid(table, history, weight, b: int, bundle: np.ndarray, memo: dict[tuple, float]) -> float:
    """A truthful supplementary bid: the value, under the relative cap when the bundle exceeds final eligibility [1].

    The cap is the bid for the package demanded in the last round the bidder was eligible
    for ``bundle``, plus the price difference at that round's prices; eligibility in round
    t is what the bidder demanded in round t - 1 (unlimited in round 1).
    """
    key = tuple(bundle.astype(int))
    if key not in memo:
        value = _free_disposal_value(table, b, bundle)
        size = float(bundle @ weight)
        if size > history[-1][2][b] + 1e-12:
            eligible_at = [np.inf] + [h[2][b] for h in history[:-1]]
            last = max(t for t, e in enumerate(eligible_at) if e + 1e-12 >= size)
            prices_t, demand_t, _ = history[last]
            anchor = demand_t[b]
            anchor_bid = _capped_bid(table, history, weight, b, anchor, memo) if anchor.any() else 0.0
            value = min(value, anchor_bid + float((bundle - anchor) @ prices_t))
        memo[key] = value
    return memo[key]


def _principal_cca(table, values: pd.DataFrame, history, cap, supplementary_cap, weight, rule):
    """Clock bids plus capped truthful supplementary bids; one clearing over all of them [1]."""
    categories = table.lots
    sealed = []
    for b, bidder in enumerate(table.bidders):
        memo: dict[tuple, float] = {}
        rows = np.flatnonzero(table.bidder_of == b)
        for r in rows:
            bundle = table.quantities[r]
            if np.all(bundle <= supplementary_cap) and bundle.any():
                sealed.append({"bidder": bidder, "value": _capped_bid(table, history, weight, b, bundle, memo),
                               **dict(zip(categories, bundle.astype(int), strict=True))})
    supplementary = _bids_frame(sealed, categories)
    clock_rows = []
    for prices_t, demand_t, _ in history:
        for b, bidder in enumerate(table.bidders):
            if demand_t[b].any():
                clock_rows.append({"bidder": bidder, "value": float(demand_t[b] @ prices_t),
                                   **dict(zip(categories, demand_t[b].astype(int), strict=True))})
    every = pd.concat([_bids_frame(clock_rows, categories), supplementary], ignore_index=True)
    if every.empty:
        allocation = pd.DataFrame({"bidder": table.bidders, **{c: 0 for c in categories}, "lots": 0, "principal": 0.0})
        return supplementary, allocation
    # a bidder's best amount for each package (XOR bids: duplicates add nothing)
    every = every.groupby(["bidder", *categories], sort=False, as_index=False)["value"].max()[["bidder", "value", *categories]]
    cleared = clear_auction(every, supply=dict(zip(categories, table.supply, strict=True)),
                            reserve=dict(zip(categories, table.reserve, strict=True)), rule=rule)
    won = every[cleared["won"].to_numpy()]
    allocation = pd.DataFrame({"bidder": table.bidders})
    for category in categories:
        allocation[category] = allocation["bidder"].map(dict(zip(won["bidder"], won[category], strict=True))).fillna(0).astype(int)
    allocation["lots"] = allocation[categories].sum(axis=1)
    paid = dict(zip(cleared["bidder"][cleared["won"]], cleared["payment"][cleared["won"]], strict=True))
    allocation["principal"] = allocation["bidder"].map(paid).fillna(0.0).astype(float)
    return supplementary, allocation


def _principal_unsold(table, final_prices, final_demand, supplementary_cap, rule):
    """Clock bundles paid at the final prices; the unsold lots sold in a supplementary round [3]."""
    categories = table.lots
    unsold = table.supply - final_demand.sum(axis=0)
    allocation = pd.DataFrame({"bidder": table.bidders})
    for k, category in enumerate(categories):
        allocation[category] = final_demand[:, k].astype(int)
    allocation["clock_lots"] = final_demand.sum(axis=1).astype(int)
    allocation["clock"] = final_demand @ final_prices
    sealed = []
    offered = np.flatnonzero(unsold > 0)
    if offered.size:
        for b, bidder in enumerate(table.bidders):
            base = final_demand[b]
            base_value = _free_disposal_value(table, b, base)
            extras = {tuple(np.maximum(q - base, 0).astype(int)) for q in table.quantities[table.bidder_of == b]}
            for extra in sorted(extras):
                extra = np.array(extra, dtype=float)
                if not extra.any() or np.any(extra > unsold) or np.any(base + extra > supplementary_cap):
                    continue
                gain = _free_disposal_value(table, b, base + extra) - base_value
                if gain > 0:
                    sealed.append({"bidder": bidder, "value": gain, **dict(zip(categories, extra.astype(int), strict=True))})
    supplementary = _bids_frame(sealed, categories)
    allocation["supplementary_lots"] = 0
    allocation["supplementary"] = 0.0
    if not supplementary.empty:
        lots = [categories[k] for k in offered]
        offered_bids = supplementary[["bidder", "value", *lots]]
        offered_bids = offered_bids[offered_bids[lots].sum(axis=1) > 0]
        cleared = clear_auction(offered_bids, supply={c: unsold[categories.index(c)] for c in lots},
                                reserve={c: final_prices[categories.index(c)] for c in lots}, rule=rule)
        won = offered_bids[cleared["won"].to_numpy()]
        for category in lots:
            extra = allocation["bidder"].map(dict(zip(won["bidder"], won[category], strict=True))).fillna(0).astype(int)
            allocation[category] += extra
            allocation["supplementary_lots"] += extra
        paid = dict(zip(cleared["bidder"][cleared["won"]], cleared["payment"][cleared["won"]], strict=True))
        allocation["supplementary"] = allocation["bidder"].map(paid).fillna(0.0).astype(float)
    allocation["lots"] = allocation[categories].sum(axis=1)
    return supplementary, allocation


def assignment_round(won: Mapping[Any, int], blocks: Sequence[Any], bids: pd.DataFrame | None = None, *,
                     rule: str = "pay_as_bid", allowed_first_blocks: Mapping[Any, Sequence[Any]] | None = None) -> pd.DataFrame:
    """Place each winner's lots in contiguous specific blocks: the assignment round of a CCA [1], [3].

    Every bidder that won lots is placed in a run of adjacent blocks of the size it won; the
    placement maximises the sum of the assignment bids, and the bids are priced by ``rule``.
    Blocks nobody won stay unassigned.

    Parameters
    ----------
    won : bidder to the number of blocks it won [lots] (0 = not placed).
    blocks : the block labels in band order.
    bids : DataFrame ``bidder``, ``first_block``, ``value`` [currency]: what the bidder
        adds to be placed from ``first_block`` on (default: no bids, every placement worth 0).
    rule : payment rule (:data:`xlspectrum.market.combinatorial.PAYMENT_RULES`); ``"pay_as_bid"``
        charges the winning assignment bid, the others the cost of the placement to the
        others (VCG or the core), never more than the bidder's own assignment bid: a
        winner cannot decline to be placed, so it is never charged above what it offered.
    allowed_first_blocks : bidder to the blocks it may be placed from (default anywhere).

    Returns
    -------
    DataFrame
        One row per placed bidder: ``bidder``, ``blocks`` ("4-7"), ``first_block``,
        ``last_block``, ``bid`` and ``payment`` [currency].
    """
    if rule not in PAYMENT_RULES:
        raise OutOfRangeError(f"assignment rule={rule!r} must be one of {', '.join(PAYMENT_RULES)}")
    labels = list(blocks)
    if len(set(map(str, labels))) != len(labels) or not labels:
        raise WrongTypeError("blocks must be a non-empty list of distinct block labels")
    placed = {bidder: int(_number(f"won[{bidder!r}]", n)) for bidder, n in won.items() if n}
    if sum(placed.values()) > len(labels):
        raise OutOfRangeError(f"the winners hold {sum(placed.values())} lots but there are only {len(labels)} blocks")
    offers: dict[tuple[Any, Any], float] = {}
    if bids is not None and not bids.empty:
        for column in ("bidder", "first_block", "value"):
            if column not in bids:
                raise WrongTypeError(f"assignment bids have no column {column!r}; they need bidder, first_block and value")
        for _, row in bids.iterrows():
            if row["bidder"] not in placed:
                raise OutOfRangeError(f"assignment bid of {row['bidder']!r}, which won no lots to place")
            if row["first_block"] not in labels:
                raise OutOfRangeError(f"assignment bid of {row['bidder']!r} starts at unknown block {row['first_block']!r}")
            amount = _number(f"assignment bid of {row['bidder']!r}", row["value"])
            if amount < 0:
                raise OutOfRangeError(f"assignment bid of {row['bidder']!r}={amount:g} must be >= 0")
            offers[(row["bidder"], row["first_block"])] = amount
    if not placed:
        return pd.DataFrame(columns=["bidder", "blocks", "first_block", "last_block", "bid", "payment"])
    allowed = {} if allowed_first_blocks is None else dict(allowed_first_blocks)
    # every bidder must be placed: each placement carries a premium larger than all bids together,
    # which cancels out of the VCG and core payments (every coalition places all its members)
    premium = 1.0 + 2.0 * sum(offers.values())
    rows = []
    for bidder, size in placed.items():
        for start in range(len(labels) - size + 1):
            first = labels[start]
            if bidder in allowed and first not in list(allowed[bidder]):
                continue
            rows.append({"bidder": bidder, "value": offers.get((bidder, first), 0.0) + premium,
                         **{str(label): int(start <= i < start + size) for i, label in enumerate(labels)},
                         "_first": first, "_last": labels[start + size - 1], "_bid": offers.get((bidder, first), 0.0)})
    frame = pd.DataFrame(rows)
    lots = [str(label) for label in labels]
    cleared = clear_auction(frame[["bidder", "value", *lots]], rule=rule)
    winners = frame[cleared["won"].to_numpy()]
    missing = [b for b in placed if b not in set(winners["bidder"])]
    if missing:
        raise OutOfRangeError(f"no assignment places {missing[0]!r} in {placed[missing[0]]} adjacent blocks "
                              "within the allowed first blocks")
    # a winner must be placed somewhere, so it never pays more than it bid for its placement
    payment = np.minimum(cleared["payment"][cleared["won"]].to_numpy(), winners["_bid"].to_numpy())
    out = pd.DataFrame({"bidder": winners["bidder"].to_numpy(),
                        "blocks": [f"{a}-{z}" if a != z else f"{a}" for a, z in zip(winners["_first"], winners["_last"], strict=True)],
                        "first_block": winners["_first"].to_numpy(), "last_block": winners["_last"].to_numpy(),
                        "bid": winners["_bid"].to_numpy(), "payment": np.round(payment, 6) + 0.0})
    order = {label: i for i, label in enumerate(labels)}
    return out.sort_values("first_block", key=lambda s: s.map(order)).reset_index(drop=True)
