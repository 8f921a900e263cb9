"""A spectrum rights exchange: lots, bids, winner determination and payment rules.

Spectrum rights are traded as lots (one tradable unit of a right: a block of a band, in an
area, for a time window, offered by its owner with a reserve price).  Bidders place
all-or-nothing package bids; a bidder's bids are exclusive (XOR: it wins at most one).
:func:`clear_auction` finds the allocation of greatest value (winner determination, a
mixed-integer programme solved by HiGHS through scipy) and prices it by one of four
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

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ._validation import OutOfRangeError, WrongTypeError, check_range

__all__ = ["PAYMENT_RULES", "Lot", "auction_clear", "clear_auction", "lot_table", "winner_determination"]

#: The payment rules of :func:`clear_auction`
PAYMENT_RULES = ("pay_as_bid", "vcg", "core_vcg_nearest", "core_bid_nearest")
#: Relative tolerance of the core constraints (a fraction of the largest bid)
CORE_TOLERANCE = 1e-9
#: Payments are rounded to this many decimals of the currency (the solvers stop within ~1e-8 of the optimum)
PAYMENT_DECIMALS = 6
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
    """Lots as a table indexed by lot id (the ``supply`` and ``reserve`` of :func:`clear_auction`)."""
    rows = list(lots)
    ids = [lot.lot_id for lot in rows]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise WrongTypeError(f"lot ids must be unique: {', '.join(duplicated)} appear more than once")
    return pd.DataFrame([vars(lot) for lot in rows]).set_index("lot_id")


@dataclass
class _Auction:
    """Validated bids as arrays: bid i of bidder ``bidder_of[i]`` wants ``quantities[i]`` for ``values[i]``."""

    bids: pd.DataFrame
    lots: list[str]
    values: np.ndarray
    quantities: np.ndarray  # bids x lots
    bidders: list[Any]
    bidder_of: np.ndarray  # bid -> bidder index
    supply: np.ndarray
    reserve: np.ndarray


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not np.isfinite(value):
        raise WrongTypeError(f"{name}={value!r} must be a finite number")
    return float(value)


def _validate(bids: pd.DataFrame, supply: Mapping[str, Any] | None, reserve: Mapping[str, Any] | None) -> _Auction:
    if not isinstance(bids, pd.DataFrame):
        raise WrongTypeError("bids must be a pandas DataFrame with columns bidder, value and one column per lot")
    missing = [c for c in ("bidder", "value") if c not in bids.columns]
    if missing:
        raise WrongTypeError(f"bids has no column {', '.join(missing)}; it needs bidder, value and one column per lot")
    if bids.empty:
        raise WrongTypeError("bids has no rows: there is nothing to clear")
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
    for lot in lots:
        price = _number(f"reserve[{lot!r}]", reserve.get(lot, 0.0))
        if price < 0:
            raise OutOfRangeError(f"reserve[{lot!r}]={price:g} must be >= 0")
        reserve_prices.append(price)
    values = np.empty(len(bids))
    quantities = np.empty((len(bids), len(lots)))
    for i, (label, row) in enumerate(bids.iterrows()):
        values[i] = _number(f"value of bid {label!r}", row["value"])
        if values[i] < 0:
            raise OutOfRangeError(f"value of bid {label!r}={values[i]:g} must be >= 0")
        for k, lot in enumerate(lots):
            wanted = _number(f"quantity of lot {lot!r} in bid {label!r}", row[lot])
            if wanted < 0 or not wanted.is_integer():
                raise OutOfRangeError(f"quantity of lot {lot!r} in bid {label!r}={wanted:g} must be a whole number >= 0")
            if wanted > supply_units[k]:
                raise OutOfRangeError(f"bid {label!r} wants {wanted:g} of lot {lot!r}, above its supply of {supply_units[k]:g}")
            quantities[i, k] = wanted
        if not quantities[i].any():
            raise OutOfRangeError(f"bid {label!r} of bidder {row['bidder']!r} asks for no lot: every bid wants at least one unit")
    if bids["bidder"].isna().any():
        raise WrongTypeError("every bid needs a bidder (the bidder column has an empty cell)")
    bidders = list(dict.fromkeys(bids["bidder"]))
    index = {bidder: i for i, bidder in enumerate(bidders)}
    return _Auction(bids, lots, values, quantities, bidders, np.array([index[b] for b in bids["bidder"]]),
                    np.array(supply_units), np.array(reserve_prices))


@dataclass
class _Allocation:
    accepted: np.ndarray  # bool per bid
    kept: np.ndarray  # units per lot the seller keeps
    welfare: float  # value of the accepted bids plus the reserve value of the kept units


def _solve(auction: _Auction, values: np.ndarray, excluded: np.ndarray | None = None) -> _Allocation:
    """Winner determination: maximise sum(values * x) + reserve value of kept units (a MIP, HiGHS)."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # imported here: it costs every Excel session 0.3 s

    n_bids, n_lots = auction.quantities.shape
    usable = np.ones(n_bids, bool) if excluded is None else ~excluded
    cost = -np.concatenate([np.where(usable, values, 0.0), auction.reserve])
    # each lot: units sold + units kept = supply; each bidder: at most one bid (XOR)
    lot_rows = np.hstack([auction.quantities.T, np.eye(n_lots)])
    bidder_rows = np.zeros((len(auction.bidders), n_bids + n_lots))
    bidder_rows[auction.bidder_of, np.arange(n_bids)] = 1.0
    upper = np.concatenate([np.where(usable, 1.0, 0.0), auction.supply])
    result = milp(cost, integrality=np.ones(n_bids + n_lots),
                  bounds=Bounds(np.zeros(n_bids + n_lots), upper),
                  constraints=[LinearConstraint(lot_rows, auction.supply, auction.supply),
                               LinearConstraint(bidder_rows, 0.0, 1.0)],
                  options={"mip_rel_gap": 0.0})
    if not result.success:  # the all-kept allocation is always feasible, so this is the solver failing
        raise RuntimeError(f"winner determination failed: {result.message}")
    x = np.round(result.x).astype(int)
    accepted = x[:n_bids].astype(bool)
    kept = x[n_bids:].astype(float)
    welfare = float(auction.values[accepted].sum() + auction.reserve @ kept)
    return _Allocation(accepted, kept, welfare)


def winner_determination(bids: pd.DataFrame, supply: Mapping[str, Any] | None = None,
                         reserve: Mapping[str, Any] | None = None) -> pd.Series:
    """Which bids win: the allocation of greatest total value (bids plus the reserve value of unsold units).

    Returns
    -------
    Series of bool
        Indexed like ``bids``; ``attrs["welfare"]`` holds the total value [currency].
    """
    auction = _validate(bids, supply, reserve)
    allocation = _solve(auction, auction.values)
    won = pd.Series(allocation.accepted, index=bids.index, name="won")
    won.attrs["welfare"] = allocation.welfare
    return won


def _vcg(auction: _Auction, allocation: _Allocation) -> np.ndarray:
    """VCG payment per bid [currency]: the welfare the others lose because the bidder is there [1]."""
    payments = np.zeros(len(auction.values))
    for bid in np.flatnonzero(allocation.accepted):
        bidder = auction.bidder_of[bid]
        without = _solve(auction, auction.values, excluded=auction.bidder_of == bidder).welfare
        payments[bid] = without - (allocation.welfare - auction.values[bid])
    return payments


def _core(auction: _Auction, allocation: _Allocation, vcg: np.ndarray, reference: str) -> tuple[np.ndarray, int]:
    """Minimum-revenue core payments nearest a reference point, by core constraint generation [2], [3]."""
    winners = np.flatnonzero(allocation.accepted)
    if winners.size == 0:
        return np.zeros(len(auction.values)), 0
    bids = auction.values[winners]
    low = vcg[winners]
    target = low if reference == "vcg" else bids
    kept_value = float(auction.reserve @ allocation.kept)
    scale = max(float(auction.values.max()), float(auction.reserve @ auction.supply), 1.0)
    tolerance = CORE_TOLERANCE * scale
    rows: list[np.ndarray] = []
    rights: list[float] = []
    payments = low.copy()
    winner_of_bidder = {auction.bidder_of[w]: k for k, w in enumerate(winners)}
    for rounds in range(1, MAX_CORE_ROUNDS + 1):
        # separation: the coalition that could offer the seller most against the current payments
        surplus = np.zeros(len(auction.values))
        for k, w in enumerate(winners):
            surplus[auction.bidder_of == auction.bidder_of[w]] = bids[k] - payments[k]
        blocking = _solve(auction, auction.values - surplus)
        offered = blocking.welfare - float(surplus[blocking.accepted].sum())
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
        payments = _nearest_core_point(np.array(rows), np.array(rights), low, bids, target, tolerance)
    raise RuntimeError(f"core constraint generation did not converge in {MAX_CORE_ROUNDS} rounds")


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
        raise RuntimeError(f"the core is empty under the constraints found: {revenue.message}")
    try:
        return _quadratic_step(rows, rights, low, high, target, float(revenue.fun) + tolerance)
    except _QuadraticStepFailed:
        # HiGHS's active-set QP can stall on degenerate faces; SLSQP from the LP's point solves the
        # same small, strictly convex problem
        return _quadratic_step_slsqp(rows, rights, low, high, target, float(revenue.fun) + tolerance, revenue.x)


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
        raise RuntimeError(f"the quadratic step of core pricing failed in HiGHS and in SLSQP: {result.message}")
    return np.clip(result.x, low, np.maximum(high, low))


def quiet_highs() -> Any:
    """A ``highspy.Highs`` solver that prints nothing: its output is off before HiGHS is first called.

    ``highspy.Highs()`` enables its callbacks in its constructor, a HiGHS call that prints the
    "Running HiGHS ... Copyright" banner to standard output while ``output_flag`` is still at
    its default (HiGHS's maintainers: the flag must be off before any other HiGHS method,
    ERGO-Code/HiGHS issue 1702).  The solver here is the extension's own class without
    those Python callbacks (this package uses none), with ``output_flag`` off first.
    """
    try:
        import highspy
    except ImportError as error:  # pragma: no cover - the extra is part of full and test
        raise ImportError('the exchange\'s solver needs HiGHS\'s Python interface: pip install "xlspectrum[market]"') from error
    core = getattr(getattr(highspy, "_core", None), "_Highs", None)
    solver = core() if core is not None else highspy.Highs()  # pragma: no branch - older highspy has no callbacks
    solver.setOptionValue("output_flag", False)
    return solver


def _quadratic_step(rows: np.ndarray, rights: np.ndarray, low: np.ndarray, high: np.ndarray, target: np.ndarray,
                    revenue: float) -> np.ndarray:
    """min ||p - target||^2 s.t. rows p >= rights, sum(p) <= revenue, low <= p <= high: HiGHS's QP solver."""
    solver = quiet_highs()
    import highspy

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
        [currency] (0 for a losing bid; rounded to millionths of the currency).  ``attrs`` hold ``welfare`` (value of the winning
        bids plus the reserve value of unsold units), ``revenue`` (the payments), ``rule``,
        ``kept`` (units the seller keeps, by lot) and ``core_rounds`` (constraint-generation
        rounds, core rules only).
    """
    if rule not in PAYMENT_RULES:
        raise OutOfRangeError(f"rule={rule!r} must be one of {', '.join(PAYMENT_RULES)}")
    auction = _validate(bids, supply, reserve)
    allocation = _solve(auction, auction.values)
    rounds = 0
    if rule == "pay_as_bid":
        payments = np.where(allocation.accepted, auction.values, 0.0)
    else:
        payments = _vcg(auction, allocation)
        if rule.startswith("core"):
            payments, rounds = _core(auction, allocation, payments, "vcg" if rule == "core_vcg_nearest" else "bid")
    payments = np.round(np.where(allocation.accepted, payments, 0.0), PAYMENT_DECIMALS) + 0.0  # no -0.0
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
