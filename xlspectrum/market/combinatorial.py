"""A spectrum rights exchange: lots, bids, winner determination and payment rules.

Spectrum rights are traded as lots (one tradable unit of a right: a block of a band, in an
area, for a time window, offered by its owner with a reserve price).  Bidders place
all-or-nothing package bids; a bidder's bids are exclusive (XOR: it wins at most one).
:func:`clear_auction` finds the allocation of greatest value (winner determination, a
mixed-integer programme solved by HiGHS, one model kept and modified between solves) and prices it by one of four
rules: pay-as-bid, VCG, or the minimum-revenue core point nearest to the VCG payments
or to the bids, found by core constraint generation.

The seller is modelled as a bidder that values each unit it keeps at its reserve price:
winner determination keeps a unit unless bids beat its reserve, and every payment rule
charges a winner at least the reserve of the units it takes.

References
----------
[1] W. Vickrey (1961); E. Clarke (1971); T. Groves (1973): the VCG mechanism.

[2] R. W. Day and S. Raghavan, "Fair payments for efficient allocations in public sector
    combinatorial auctions", Management Science 53(9), 2007: core constraint generation.

[3] R. W. Day and P. Cramton, "Quadratic core-selecting payment rules for combinatorial
    auctions", Operations Research 60(3), 2012: the minimum-revenue core point nearest VCG.

[4] B. Shaw, PhD thesis (University of Auckland, 2020), section 4.5: New Zealand's 700 MHz
    combinatorial clock auction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from xlspectrum.core.validation import MissingExtraError, OutOfRangeError, WrongTypeError, check_range, one_of

__all__ = ["PAYMENT_RULES", "Lot", "auction_clear", "clear_auction", "lot_table", "winner_determination"]

#: The payment rules of :func:`clear_auction`
PAYMENT_RULES = ("pay_as_bid", "vcg", "core_vcg_nearest", "core_bid_nearest")
#: Relative tolerance of the core constraints (a fraction of the largest bid)
CORE_TOLERANCE = 1e-9
#: Most rounds of core constraint generation before giving up
MAX_CORE_ROUNDS = 500


@dataclass(frozen=True)
class Lot:
    """One tradable unit of a right: a block of a band, in an area, for a time window.

    Parameters
    ----------
    lot_id : the lot's name, as its column in the bids table.
    band : band or block, e.g. ``"700 MHz A1"``.
    area : where the right applies.
    window : the time window, e.g. ``"2026-2046"``.
    quantity : units offered [units], a whole number >= 1.
    owner : who offers it.
    reserve_price : least price per unit the owner accepts [currency/unit], >= 0.
    """

    lot_id: str
    band: str = ""
    area: str = ""
    window: str = ""
    quantity: int = 1
    owner: str = ""
    reserve_price: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.lot_id, str) or not self.lot_id.strip():
            raise WrongTypeError(f"lot_id={self.lot_id!r} must be a non-empty text")
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, (int, np.integer)) or self.quantity < 1:
            raise OutOfRangeError(f"quantity={self.quantity!r} of lot {self.lot_id!r} must be a whole number >= 1")
        price = self.reserve_price
        if isinstance(price, bool) or not isinstance(price, (int, float, np.number)) or not np.isfinite(price) or price < 0:
            raise OutOfRangeError(f"reserve_price={price!r} of lot {self.lot_id!r} must be a finite number >= 0")


def lot_table(lots: Iterable[Lot]) -> pd.DataFrame:
    """Lots as a table indexed by lot id (the ``supply`` and ``reserve`` of :func:`clear_auction`).

    Parameters
    ----------
    lots : iterable of Lot
        The lots, each with its own ``lot_id``.

    Returns
    -------
    DataFrame
        One row per lot, indexed by ``lot_id``, with the other fields of :class:`Lot` as columns.
    """
    rows = list(lots)
    ids = [lot.lot_id for lot in rows]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise WrongTypeError(f"lot ids must be unique: {', '.join(duplicated)} appear more than once")
    return pd.DataFrame([vars(lot) for lot in rows]).set_index("lot_id")


#: Largest value a bid, or a lot's reserve times its supply, may have [currency]: 2**43, about 8.8e12,
#: the largest magnitude at which a double still holds a cent with room for the sums of a clearing
VALUE_LIMIT = float(2**43)
#: Most bids one clearing takes (the programme has one column per bid; beyond this winner
#: determination alone takes minutes and VCG one solve per winner)
MAX_BIDS = 20_000


class AuctionSizeError(OutOfRangeError):
    """An auction beyond what the exchange clears exactly or in bounded time and memory."""


class SolverError(OutOfRangeError):
    """HiGHS did not reach an optimum; the message names the auction's size and what failed."""


@dataclass
class _Auction:
    """Validated bids as arrays: bid i of bidder ``bidder_of[i]`` wants ``matrix[i]`` for ``values[i]``."""

    bids: pd.DataFrame
    lots: list[str]
    values: np.ndarray
    matrix: Any  # scipy.sparse CSR, bids x lots: units wanted
    bidders: list[Any]
    bidder_of: np.ndarray  # bid -> bidder index
    supply: np.ndarray
    reserve: np.ndarray

    @property
    def quantities(self) -> np.ndarray:
        """The units wanted as a dense bids x lots array (the clock auction's few categories)."""
        return self.matrix.toarray()


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not np.isfinite(value):
        raise WrongTypeError(f"{name}={value!r} must be a finite number")
    return float(value)


def _numeric_column(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column as floats (0 where a cell is not a finite number) and the mask of those cells."""
    if column.dtype.kind in "iuf":
        array = column.to_numpy(dtype=float)
        bad = ~np.isfinite(array)
    else:  # text, logical values or a mix: cell by cell
        cells = column.to_numpy(dtype=object)
        bad = np.array([isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, float, np.number)) or not np.isfinite(c)
                        for c in cells], dtype=bool)
        array = np.where(bad, 0.0, np.array([0.0 if b else float(c) for c, b in zip(cells, bad, strict=True)]))
    return np.where(bad, 0.0, array), bad


def _validate(bids: pd.DataFrame, supply: Mapping[str, Any] | None, reserve: Mapping[str, Any] | None) -> _Auction:
    from scipy import sparse

    if not isinstance(bids, pd.DataFrame):
        raise WrongTypeError("bids must be a pandas DataFrame with columns bidder, value and one column per lot")
    missing = [c for c in ("bidder", "value") if c not in bids.columns]
    if missing:
        raise WrongTypeError(f"bids has no column {', '.join(missing)}; it needs bidder, value and one column per lot")
    if bids.empty:
        raise WrongTypeError("bids has no rows: there is nothing to clear")
    if len(bids) > MAX_BIDS:
        raise AuctionSizeError(f"bids has {len(bids):,} rows, above the exchange's limit of {MAX_BIDS:,} bids a clearing "
                               "(xlspectrum.market.combinatorial.MAX_BIDS): split the auction or combine a bidder's bids")
    lots = [c for c in bids.columns if c not in ("bidder", "value")]
    if not lots:
        raise WrongTypeError("bids has no lot columns: add one column per lot holding the quantity each bid wants")
    supply = {lot: 1 for lot in lots} if supply is None else dict(supply)
    reserve = {} if reserve is None else dict(reserve)
    for name, mapping in (("supply", supply), ("reserve", reserve)):
        unknown = [lot for lot in mapping if lot not in lots]
        if unknown:
            raise OutOfRangeError(f"{name} names unknown lot {unknown[0]!r}; the bids' lots are {', '.join(map(str, lots))}")
    supply_units = []
    for lot in lots:
        units = supply.get(lot)
        if units is None:
            raise OutOfRangeError(f"supply has no quantity for lot {lot!r}")
        units = _number(f"supply[{lot!r}]", units)
        if units < 1 or not units.is_integer():
            raise OutOfRangeError(f"supply[{lot!r}]={units:g} must be a whole number >= 1")
        supply_units.append(units)
    reserve_prices = []
    for lot, units in zip(lots, supply_units, strict=True):
        price = _number(f"reserve[{lot!r}]", reserve.get(lot, 0.0))
        if price < 0:
            raise OutOfRangeError(f"reserve[{lot!r}]={price:g} must be >= 0")
        if price * units > VALUE_LIMIT:
            raise AuctionSizeError(f"reserve[{lot!r}]={price:g} times its supply of {units:g} is {price * units:g}, above "
                                   f"the exchange's limit of {VALUE_LIMIT:,.0f} (2**43, where a double still holds a cent): "
                                   "give amounts in a larger unit (thousands, millions)")
        reserve_prices.append(price)
    supply_units = np.array(supply_units)
    # the bid table column by column (a row-by-row loop took minutes and a dense copy per step at 10,000 bids)
    values, bad = _numeric_column(bids["value"])
    bad = bad | (values < 0) | (values > VALUE_LIMIT)
    columns = []
    wanted = np.zeros(len(bids))
    for k, lot in enumerate(lots):
        column, not_number = _numeric_column(bids[lot])
        bad |= not_number | (column < 0) | (column != np.round(column)) | (column > supply_units[k])
        wanted += column != 0
        columns.append(column)
    bad |= wanted == 0
    if bad.any():
        _refuse_first(bids, lots, supply_units, int(np.flatnonzero(bad)[0]))
    if bids["bidder"].isna().any():
        raise WrongTypeError("every bid needs a bidder (the bidder column has an empty cell)")
    rows, cols, data = [], [], []
    for k, column in enumerate(columns):
        nonzero = np.flatnonzero(column)
        rows.append(nonzero)
        cols.append(np.full(nonzero.size, k))
        data.append(column[nonzero])
    matrix = sparse.csr_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                               shape=(len(bids), len(lots)))
    codes, bidders = pd.factorize(bids["bidder"], sort=False)
    return _Auction(bids, lots, values, matrix, list(bidders), np.asarray(codes), supply_units, np.array(reserve_prices))


def _refuse_first(bids: pd.DataFrame, lots: list[str], supply_units: np.ndarray, position: int) -> None:
    """Raise the error of the first bad cell of row ``position`` (value first, then the lots in order)."""
    label = bids.index[position]
    row = {c: (cell.item() if isinstance(cell, np.generic) else cell)
           for c, cell in ((c, bids[c].iloc[position]) for c in ("bidder", "value", *lots))}
    value = _number(f"value of bid {label!r}", row["value"])
    if value < 0:
        raise OutOfRangeError(f"value of bid {label!r}={value:g} must be >= 0")
    if value > VALUE_LIMIT:
        raise AuctionSizeError(f"value of bid {label!r}={value:g} is above the exchange's limit of {VALUE_LIMIT:,.0f} "
                               "(2**43, where a double still holds a cent): give amounts in a larger unit (thousands, millions)")
    for k, lot in enumerate(lots):
        wanted = _number(f"quantity of lot {lot!r} in bid {label!r}", row[lot])
        if wanted < 0 or not wanted.is_integer():
            raise OutOfRangeError(f"quantity of lot {lot!r} in bid {label!r}={wanted:g} must be a whole number >= 0")
        if wanted > supply_units[k]:
            raise OutOfRangeError(f"bid {label!r} wants {wanted:g} of lot {lot!r}, above its supply of {supply_units[k]:g}")
    raise OutOfRangeError(f"bid {label!r} of bidder {row['bidder']!r} asks for no lot: every bid wants at least one unit")


@dataclass
class _Allocation:
    accepted: np.ndarray  # bool per bid
    kept: np.ndarray  # units per lot the seller keeps
    welfare: float  # value of the accepted bids plus the reserve value of the kept units


def _welfare(values: np.ndarray, accepted: np.ndarray, reserve: np.ndarray, kept: np.ndarray) -> float:
    """Value of the accepted bids plus the kept units' reserve value, correctly rounded (math.fsum)."""
    return math.fsum([*values[accepted], *(reserve * kept)])


class _Programme:
    """Winner determination as one HiGHS model, kept and modified between solves.

    Columns: one binary per bid, then the units the seller keeps of each lot; rows: each
    lot's units sold plus kept equal its supply, and each bidder takes at most one bid (XOR).
    The costs are the values divided by a power of two (exact in floating point) that puts
    the largest at most 1, where HiGHS's tolerances are relative to the values: bids of
    1e-6 and of 1e12 give the same programme.  VCG's sub-problems fix the excluded bidder's
    columns at 0; core separation changes the costs.
    """

    def __init__(self, auction: _Auction) -> None:
        highspy = _import_highspy()
        from scipy import sparse

        self.auction = auction
        n_bids, n_lots = auction.matrix.shape
        self.n_bids, self.n_lots = n_bids, n_lots
        largest = max(float(auction.values.max()), float((auction.reserve * auction.supply).max()), 0.0)
        self.scale = 2.0 ** math.ceil(math.log2(largest)) if largest > 0 else 1.0
        n_bidders = len(auction.bidders)
        xor = sparse.csr_matrix((np.ones(n_bids), (auction.bidder_of, np.arange(n_bids))), shape=(n_bidders, n_bids))
        matrix = sparse.vstack([sparse.hstack([auction.matrix.T, sparse.identity(n_lots)]),
                                sparse.hstack([xor, sparse.csr_matrix((n_bidders, n_lots))])], format="csc")
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_bids + n_lots, n_lots + n_bidders
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.concatenate([auction.values, auction.reserve]) / self.scale
        lp.col_lower_ = np.zeros(n_bids + n_lots)
        self.upper = np.concatenate([np.ones(n_bids), auction.supply])
        lp.col_upper_ = self.upper
        lp.row_lower_ = np.concatenate([auction.supply, np.zeros(n_bidders)])
        lp.row_upper_ = np.concatenate([auction.supply, np.ones(n_bidders)])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data.astype(float)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * (n_bids + n_lots)
        self.solver = quiet_highs()
        for option, value in (("mip_rel_gap", 0.0), ("mip_abs_gap", 0.0)):
            self.solver.setOptionValue(option, value)
        self.solver.passModel(lp)
        self.costs = np.concatenate([auction.values, auction.reserve])
        self.bidders_of_bids = [np.flatnonzero(auction.bidder_of == b) for b in range(n_bidders)]
        self._highspy = highspy

    def solve(self, values: np.ndarray | None = None, excluded: int | None = None) -> _Allocation:
        """The allocation of greatest value under ``values`` (default the bids), without bidder ``excluded``.

        The allocation's ``welfare`` is always at the bids' own values.
        """
        values = self.auction.values if values is None else values
        costs = np.concatenate([values, self.auction.reserve])
        if not np.array_equal(costs, self.costs):
            self.solver.changeColsCost(costs.size, np.arange(costs.size, dtype=np.int32), costs / self.scale)
            self.costs = costs
        columns = self.bidders_of_bids[excluded] if excluded is not None else np.empty(0, int)
        if columns.size:
            self.solver.changeColsBounds(columns.size, columns.astype(np.int32), np.zeros(columns.size), np.zeros(columns.size))
        try:
            self.solver.run()
            status = self.solver.getModelStatus()
            if status != self._highspy.HighsModelStatus.kOptimal:
                what = "winner determination" if excluded is None else \
                    f"winner determination without bidder {self.auction.bidders[excluded]!r} (VCG)"
                raise SolverError(f"HiGHS stopped {what} for {self.n_bids:,} bids on {self.n_lots:,} lots with status "
                                  f"{self.solver.modelStatusToString(status)!r}")
            x = np.round(np.asarray(self.solver.getSolution().col_value)).astype(int)
        finally:
            if columns.size:
                self.solver.changeColsBounds(columns.size, columns.astype(np.int32), np.zeros(columns.size),
                                             self.upper[columns])
        accepted = x[:self.n_bids].astype(bool)
        kept = x[self.n_bids:].astype(float)
        return _Allocation(accepted, kept, _welfare(self.auction.values, accepted, self.auction.reserve, kept))


def winner_determination(bids: pd.DataFrame, supply: Mapping[str, Any] | None = None,
                         reserve: Mapping[str, Any] | None = None) -> pd.Series:
    """Which bids win: the allocation of greatest total value (bids plus the reserve value of unsold units).

    Parameters
    ----------
    bids : DataFrame
        One all-or-nothing bid per row, as :func:`clear_auction`: ``bidder``, ``value``
        [currency] and the units wanted of each lot.
    supply : mapping, optional
        Lot to units offered (default 1 each). [units]
    reserve : mapping, optional
        Lot to reserve price per unit (default 0). [currency/unit]

    Returns
    -------
    Series of bool
        Indexed like ``bids``; ``attrs["welfare"]`` holds the total value [currency].
    """
    auction = _validate(bids, supply, reserve)
    allocation = _Programme(auction).solve()
    won = pd.Series(allocation.accepted, index=bids.index, name="won")
    won.attrs["welfare"] = allocation.welfare
    return won


def _vcg(auction: _Auction, programme: _Programme, allocation: _Allocation) -> np.ndarray:
    """VCG payment per bid [currency]: the welfare the others lose because the bidder is there [1].

    Each sub-problem is the auction without one winner; the payment is one correctly rounded sum of the
    values involved, so it is exact for values that are exact in floating point.
    """
    payments = np.zeros(len(auction.values))
    others_kept = list(auction.reserve * allocation.kept)
    for bid in np.flatnonzero(allocation.accepted):
        bidder = int(auction.bidder_of[bid])
        rest = allocation.accepted.copy()
        rest[bid] = False
        # no warm start: HiGHS given the winning allocation without the bidder as a start returned
        # it as optimal where another bidder's equal bid was better (a VCG payment of 0 for 1)
        without = programme.solve(excluded=bidder)
        payment = math.fsum([*auction.values[without.accepted], *(auction.reserve * without.kept),
                             *(-auction.values[rest]), *(-v for v in others_kept)])
        if payment > auction.values[bid] * (1 + 1e-12):  # the others did better without the bidder than with it
            raise SolverError(f"HiGHS's winner determination for {programme.n_bids:,} bids on {programme.n_lots:,} lots "
                              f"was not optimal: without bidder {auction.bidders[bidder]!r} the others get more")
        payments[bid] = max(payment, 0.0)  # the winning allocation without the bid is feasible: never below it
    return payments


def _core(auction: _Auction, programme: _Programme, allocation: _Allocation, vcg: np.ndarray, reference: str) -> tuple[np.ndarray, int]:
    """Minimum-revenue core payments nearest a reference point, by core constraint generation [2], [3]."""
    winners = np.flatnonzero(allocation.accepted)
    if winners.size == 0:
        return np.zeros(len(auction.values)), 0
    bids = auction.values[winners]
    low = vcg[winners]
    target = low if reference == "vcg" else bids
    kept_value = math.fsum(auction.reserve * allocation.kept)
    scale = max(float(auction.values.max()), float(auction.reserve @ auction.supply), 1.0)
    tolerance = CORE_TOLERANCE * scale
    rows: list[np.ndarray] = []
    rights: list[float] = []
    payments = low.copy()
    winner_of_bidder = {auction.bidder_of[w]: k for k, w in enumerate(winners)}
    winner_bids = [programme.bidders_of_bids[auction.bidder_of[w]] for w in winners]
    for rounds in range(1, MAX_CORE_ROUNDS + 1):
        # separation: the coalition that could offer the seller most against the current payments
        surplus = np.zeros(len(auction.values))
        for k, columns in enumerate(winner_bids):
            surplus[columns] = bids[k] - payments[k]
        blocking = programme.solve(auction.values - surplus)
        offered = blocking.welfare - math.fsum(surplus[blocking.accepted])
        if offered <= payments.sum() + kept_value + tolerance:
            return _spread(auction, winners, payments), rounds - 1
        coalition = {winner_of_bidder[b] for b in auction.bidder_of[blocking.accepted] if b in winner_of_bidder}
        outside = np.array([k not in coalition for k in range(winners.size)], dtype=float)
        inside_bids = sum(bids[k] for k in coalition)
        right = blocking.welfare - inside_bids - kept_value
        seen = next((i for i, row in enumerate(rows) if np.array_equal(row, outside)), None)
        if seen is None:
            rows.append(outside)
            rights.append(right)
        else:  # the same coalition again: one row with the stronger right side, not a degenerate twin
            rights[seen] = max(rights[seen], right)
        # solved at the programme's scale (a power of two, exact) so HiGHS's tolerances are relative to the values
        unit = programme.scale
        payments = _nearest_core_point(np.array(rows), np.array(rights) / unit, low / unit, bids / unit, target / unit,
                                       tolerance / unit) * unit
    raise SolverError(f"core constraint generation did not converge in {MAX_CORE_ROUNDS} rounds for "
                      f"{programme.n_bids:,} bids on {programme.n_lots:,} lots")


def _spread(auction: _Auction, winners: np.ndarray, payments: np.ndarray) -> np.ndarray:
    full = np.zeros(len(auction.values))
    full[winners] = payments
    return full


def _nearest_core_point(rows: np.ndarray, rights: np.ndarray, low: np.ndarray, high: np.ndarray, target: np.ndarray,
                        tolerance: float) -> np.ndarray:
    """Least total payment subject to the core rows found so far, then the point of that total nearest ``target``."""
    from scipy.optimize import linprog

    n = low.size
    revenue = linprog(np.ones(n), A_ub=-rows, b_ub=-rights, bounds=list(zip(low, high, strict=True)), method="highs")
    if not revenue.success:
        raise SolverError(f"core pricing: HiGHS found no payments meeting the {len(rights)} core constraints "
                          f"between VCG and the bids of {n} winners ({revenue.message})")
    try:
        point = _quadratic_step(rows, rights, low, high, target, float(revenue.fun) + tolerance)
    except _QuadraticStepFailed:
        # HiGHS's active-set QP can stall on degenerate faces; SLSQP from the LP's point solves the
        # same small, strictly convex problem
        point = _quadratic_step_slsqp(rows, rights, low, high, target, float(revenue.fun) + tolerance, revenue.x)
    return _polish(point, rows, rights, low, high, target, float(revenue.fun), tolerance)


def _polish(point: np.ndarray, rows: np.ndarray, rights: np.ndarray, low: np.ndarray, high: np.ndarray,
            target: np.ndarray, revenue: float, tolerance: float) -> np.ndarray:
    """The solver's core point made exact on its face: the projection of ``target`` onto the active constraints.

    HiGHS's QP stops within its tolerances (about 1e-7 of the scaled values), so 90 came out as
    89.999999.  The constraints binding at its point (core rows, the revenue row, the bounds)
    fix the face it lies on; the nearest point of that face to ``target``, a small least-squares
    problem, is the exact optimum when it is feasible, and is used only then.
    """
    high = np.maximum(high, low)
    near = 1e3 * tolerance + 1e-9
    at_low, at_high = np.abs(point - low) <= near, np.abs(point - high) <= near
    fixed = at_low | at_high
    value = np.where(at_low, low, np.where(at_high, high, point))
    free = ~fixed
    active = [r for r in range(len(rights)) if abs(rows[r] @ point - rights[r]) <= near]
    matrix = [rows[r] for r in active]
    right = [rights[r] for r in active]
    if abs(point.sum() - revenue) <= near:
        matrix.append(np.ones(point.size))
        right.append(revenue)
    if free.any() and matrix:
        a = np.array(matrix)[:, free]
        b = np.array(right) - np.array(matrix)[:, fixed] @ value[fixed]
        multipliers = np.linalg.lstsq(a @ a.T, b - a @ target[free], rcond=None)[0]
        value[free] = target[free] + a.T @ multipliers
    elif free.any():
        value[free] = target[free]
    feasible = (np.all(value >= low - tolerance) and np.all(value <= high + tolerance)
                and np.all(rows @ value >= rights - tolerance) and value.sum() <= revenue + tolerance
                and np.all(np.abs(value - point) <= 1e4 * near))
    return np.clip(value, low, high) if feasible else point


class _QuadraticStepFailed(RuntimeError):
    """HiGHS's QP did not reach an optimum within its iteration limit."""


#: Iterations and seconds HiGHS's QP may take before the SLSQP fallback (the problems have a few
#: dozen variables and solve in milliseconds; the limits only stop a stalled solve)
QP_ITERATION_LIMIT = 10_000
QP_TIME_LIMIT_S = 30.0


def _quadratic_step_slsqp(rows: np.ndarray, rights: np.ndarray, low: np.ndarray, high: np.ndarray, target: np.ndarray,
                          revenue: float, start: np.ndarray) -> np.ndarray:
    """The same quadratic step by scipy's SLSQP, started at a feasible point."""
    from scipy.optimize import minimize

    n = low.size
    constraints = np.vstack([rows, -np.ones(n)])
    rights = np.concatenate([rights, [-revenue]])
    result = minimize(lambda p: float(((p - target) ** 2).sum()), np.clip(start, low, np.maximum(high, low)),
                      jac=lambda p: 2.0 * (p - target), method="SLSQP",
                      bounds=list(zip(low, np.maximum(high, low), strict=True)),
                      constraints=[{"type": "ineq", "fun": lambda p: constraints @ p - rights, "jac": lambda p: constraints}],
                      options={"maxiter": 1000, "ftol": 1e-12})
    if not result.success:
        raise SolverError(f"core pricing: the quadratic step for {n} winners failed in HiGHS and in SLSQP ({result.message})")
    return np.clip(result.x, low, np.maximum(high, low))


def _import_highspy() -> Any:
    """highspy, or the error naming the optional extra that brings it (``#N/A`` in a cell)."""
    try:
        import highspy
    except ImportError:
        raise MissingExtraError('needs HiGHS\'s Python interface of the optional extra "market": '
                                'pip install "xlspectrum[market]"') from None
    return highspy


def quiet_highs() -> Any:
    """A ``highspy.Highs`` solver that prints nothing: its output is off before HiGHS is first called.

    ``highspy.Highs()`` enables its callbacks in its constructor, a HiGHS call that prints the
    "Running HiGHS ... Copyright" banner to standard output while ``output_flag`` is still at
    its default (HiGHS's maintainers: the flag must be off before any other HiGHS method,
    ERGO-Code/HiGHS issue 1702).  The solver here is the extension's own class without
    those Python callbacks (this package uses none), with ``output_flag`` off first.
    """
    highspy = _import_highspy()
    core = getattr(getattr(highspy, "_core", None), "_Highs", None)
    solver = core() if core is not None else highspy.Highs()  # pragma: no branch - older highspy has no callbacks
    solver.setOptionValue("output_flag", False)
    return solver


def _quadratic_step(rows: np.ndarray, rights: np.ndarray, low: np.ndarray, high: np.ndarray, target: np.ndarray,
                    revenue: float) -> np.ndarray:
    """min ||p - target||^2 s.t. rows p >= rights, sum(p) <= revenue, low <= p <= high: HiGHS's QP solver."""
    solver = quiet_highs()
    highspy = _import_highspy()

    n = low.size
    constraints = np.vstack([rows, np.ones(n)])
    lower = np.concatenate([rights, [-highspy.kHighsInf]])
    upper = np.concatenate([np.full(len(rights), highspy.kHighsInf), [revenue]])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, constraints.shape[0]
    lp.col_cost_ = -2.0 * target  # ||p - t||^2 = p'Ip - 2 t'p + const, with HiGHS's 1/2 p'Qp: Q = 2I
    lp.col_lower_, lp.col_upper_ = low, np.maximum(high, low)
    lp.row_lower_, lp.row_upper_ = lower, upper
    columns = constraints.T
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(np.count_nonzero(columns, axis=1))]).astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate([np.flatnonzero(col) for col in columns]).astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate([col[col != 0] for col in columns]).astype(float)
    hessian = highspy.HighsHessian()
    hessian.dim_, hessian.format_ = n, highspy.HessianFormat.kTriangular
    hessian.start_ = np.arange(n + 1, dtype=np.int32)
    hessian.index_ = np.arange(n, dtype=np.int32)
    hessian.value_ = np.full(n, 2.0)
    model = highspy.HighsModel()
    model.lp_, model.hessian_ = lp, hessian
    solver.setOptionValue("qp_iteration_limit", QP_ITERATION_LIMIT)
    solver.setOptionValue("time_limit", QP_TIME_LIMIT_S)
    solver.passModel(model)
    solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise _QuadraticStepFailed(solver.modelStatusToString(solver.getModelStatus()))
    return np.clip(np.array(solver.getSolution().col_value), low, np.maximum(high, low))


def clear_auction(bids: pd.DataFrame, supply: Mapping[str, Any] | None = None, reserve: Mapping[str, Any] | None = None,
                  rule: str = "vcg") -> pd.DataFrame:
    """Clear a combinatorial auction: winner determination, then payments by ``rule``.

    Parameters
    ----------
    bids : DataFrame with columns ``bidder``, ``value`` [currency] and one column per lot
        holding the units wanted (0 where none); each row is one all-or-nothing bid, and a
        bidder's rows are exclusive (it wins at most one).
    supply : lot to units offered [units] (default 1 each).
    reserve : lot to reserve price per unit [currency/unit] (default 0): the seller keeps
        a unit unless bids beat its reserve, and no winner pays less than the reserve of
        what it takes.
    rule : ``"pay_as_bid"``, ``"vcg"`` [1], ``"core_vcg_nearest"`` (the minimum-revenue
        core point nearest the VCG payments [2], [3]) or ``"core_bid_nearest"`` (the
        minimum-revenue core point nearest the bids).

    Returns
    -------
    DataFrame
        Indexed like ``bids``: ``bidder``, ``value``, ``won`` (bool) and ``payment``
        [currency] (0 for a losing bid; VCG payments are correctly rounded sums of the values, core payments the exact projection on the face HiGHS's QP finds).  ``attrs`` hold ``welfare`` (value of the winning
        bids plus the reserve value of unsold units), ``revenue`` (the payments), ``rule``,
        ``kept`` (units the seller keeps, by lot) and ``core_rounds`` (constraint-generation
        rounds, core rules only).
    """
    one_of("rule", rule, PAYMENT_RULES)
    auction = _validate(bids, supply, reserve)
    programme = _Programme(auction)
    allocation = programme.solve()
    rounds = 0
    if rule == "pay_as_bid":
        payments = np.where(allocation.accepted, auction.values, 0.0)
    else:
        payments = _vcg(auction, programme, allocation)
        if rule.startswith("core"):
            payments, rounds = _core(auction, programme, allocation, payments, "vcg" if rule == "core_vcg_nearest" else "bid")
    payments = np.where(allocation.accepted, payments, 0.0) + 0.0  # no -0.0
    result = pd.DataFrame({"bidder": bids["bidder"], "value": auction.values, "won": allocation.accepted,
                           "payment": payments}, index=bids.index)
    result.attrs.update(welfare=allocation.welfare, revenue=float(payments.sum()), rule=rule,
                        kept={lot: int(units) for lot, units in zip(auction.lots, allocation.kept, strict=True)}, core_rounds=rounds)
    return result


def _bidder_names(bidders: Any) -> list[str]:
    """Bidder cells as names: text as given, numbers as written (1.0 -> "1"); empty, logical or NaN refused."""
    cells = np.asarray(bidders, dtype=object).ravel()
    names = []
    for k, cell in enumerate(cells, start=1):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            raise WrongTypeError(f"bidders has an empty cell (bid {k}); every bid needs a bidder")
        if isinstance(cell, (bool, np.bool_)):
            raise WrongTypeError(f"bidders={cell!r} (bid {k}) is a logical value; a bidder is a name or a number")
        if isinstance(cell, (int, float, np.number)):
            if not np.isfinite(cell):
                raise OutOfRangeError(f"bidders={cell!r} (bid {k}) is not a name or a finite number")
            cell = f"{float(cell):g}"
        names.append(str(cell).strip())
    return names


def _per_lot(name: str, value: Any, lots: int, low: float) -> np.ndarray:
    array = check_range(name, value, low).ravel()
    if array.size == 1:
        return np.full(lots, float(array[0]))
    if array.size != lots:
        raise WrongTypeError(f"{name} has {array.size} cells but quantities has {lots} lot columns: give one per lot")
    return array


def auction_clear(bidders: Any, values: Any, quantities: Any, supply: Any = None, reserve: Any = None,
                  rule: str = "vcg") -> np.ndarray:
    """Clear a combinatorial auction given as spreadsheet ranges: :func:`clear_auction` for a cell.

    Parameters
    ----------
    bidders : the bidder of each bid (a column); a bidder's bids are exclusive.
    values : the value of each bid [currency], >= 0, in the same rows.
    quantities : units of each lot each bid wants [units], one row per bid and one
        column per lot, whole numbers >= 0.
    supply : units offered of each lot [units] (a row, one per lot column, or one number
        for all; default 1 each).
    reserve : reserve price per unit of each lot [currency/unit] (a row or one number;
        default 0).
    rule : payment rule, one of :data:`PAYMENT_RULES` (default ``"vcg"``).

    Returns
    -------
    ndarray, shape (bids, 2)
        Column 1: 1 for a winning bid, 0 for a losing one; column 2: the payment
        [currency], 0 for a losing bid.

    References
    ----------
    As :func:`clear_auction`: Vickrey-Clarke-Groves; Day and Raghavan (2007); Day and Cramton (2012).
    """
    names = _bidder_names(bidders)
    amounts = check_range("values", values, 0).ravel()
    wanted = check_range("quantities", quantities, 0)
    if amounts.size != len(names):
        raise WrongTypeError(f"values has {amounts.size} cells but bidders has {len(names)}: give one bidder and one value per bid")
    if wanted.ndim < 2:
        wanted = wanted.reshape(1, -1) if len(names) == 1 else wanted.reshape(-1, 1)
    if wanted.ndim != 2 or wanted.shape[0] != len(names):
        raise WrongTypeError(f"quantities has {wanted.shape[0]} rows but bidders has {len(names)}: one row per bid, "
                             "one column per lot")
    fractional = wanted != np.round(wanted)
    if fractional.any():
        row, column = (int(i) for i in np.argwhere(fractional)[0])
        raise OutOfRangeError(f"quantities={wanted[row, column]:g} (bid {row + 1}, lot {column + 1}) must be a whole number of units")
    lots = [f"lot {k}" for k in range(1, wanted.shape[1] + 1)]
    units = np.ones(len(lots)) if supply is None else _per_lot("supply", supply, len(lots), 1)
    if np.any(units != np.round(units)):
        raise OutOfRangeError(f"supply={units[units != np.round(units)][0]:g} must be a whole number of units >= 1")
    prices = np.zeros(len(lots)) if reserve is None else _per_lot("reserve", reserve, len(lots), 0)
    rule = str(rule).strip().lower()
    bids = pd.DataFrame(wanted, columns=lots, index=range(1, len(names) + 1))
    bids.insert(0, "value", amounts)
    bids.insert(0, "bidder", names)
    result = clear_auction(bids, dict(zip(lots, units, strict=True)), dict(zip(lots, prices, strict=True)), rule=rule)
    return np.column_stack([result["won"].to_numpy(float), result["payment"].to_numpy(float)])
