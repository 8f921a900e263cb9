"""The exchange's speed on random combinatorial auctions, as ratios to baselines measured in the same run.

    python benchmarks/bench_market.py [--seeds 5] [--bidders 10,20,50,100] [--clock 16,32,64] [--output FILE]

Sealed-bid auctions: ``bidders`` x 30 lots x 10 bids a bidder (2-5 lots a bid, values
additive in the lots with a bidder-specific synergy), one instance per seed (seeds
printed). For each instance, timed in one process, one after the other:

- ``highspy``: the winner-determination programme built from the bid table's arrays and
  solved directly with ``highspy`` (the floor: the solver and nothing around it);
- ``WD``: :func:`xlspectrum.market.combinatorial.winner_determination` (validation included);
- ``VCG`` and ``core``: :func:`xlspectrum.market.combinatorial.clear_auction` with rules ``vcg`` and
  ``core_vcg_nearest``.

Each table gives the minimum and the median over the seeds of the times [s], and the
median over the seeds of each instance's ratio (WD to highspy, VCG and core to WD).

Clock auctions: ``n`` bidders with five bundles each over three categories of 10 lots
(standard CCA design), run with ``pay_as_bid`` (clock rounds and one winner
determination), ``vcg`` and ``core_vcg_nearest``; the pricing time is the rule's time
minus the ``pay_as_bid`` time.

Timed with time.perf_counter and the garbage collector left as the process has it.
``--output`` also writes the tables (markdown) to a file; docs/exchange.md quotes that file.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import statistics
import sys
import time

import numpy as np
import pandas as pd

from xlspectrum.market import clock, combinatorial as market

LOTS = 30
BIDS_EACH = 10


def instance(seed: int, bidders: int, lots: int = LOTS, bids_each: int = BIDS_EACH) -> pd.DataFrame:
    """A random sealed-bid auction: ``bidders`` x ``bids_each`` package bids on ``lots`` lots."""
    rng = np.random.default_rng(seed)
    worth = rng.uniform(5, 15, size=lots)
    columns = {f"l{k}": np.zeros(bidders * bids_each, dtype=int) for k in range(lots)}
    names, values = [], []
    for bidder in range(bidders):
        synergy = rng.uniform(1.0, 1.4)
        for _ in range(bids_each):
            wanted = rng.choice(lots, size=rng.integers(2, min(5, lots) + 1), replace=False)
            value = worth[wanted].sum() * synergy ** (len(wanted) - 1) * rng.uniform(0.8, 1.2)
            for k in wanted:
                columns[f"l{k}"][len(values)] = 1
            names.append(f"b{bidder}")
            values.append(round(float(value), 2))
    return pd.DataFrame({"bidder": names, "value": values, **columns})


def direct_highspy(bids: pd.DataFrame) -> float:
    """The winner-determination programme of :mod:`xlspectrum.market.combinatorial` solved directly by highspy: its welfare."""
    import highspy
    from scipy import sparse

    lots = [c for c in bids.columns if c not in ("bidder", "value")]
    quantities = sparse.csc_matrix(bids[lots].to_numpy(dtype=float))
    values = bids["value"].to_numpy(dtype=float)
    _, bidder_of = np.unique(bids["bidder"].to_numpy(), return_inverse=True)
    n_bids, n_lots = quantities.shape
    supply = np.ones(n_lots)
    # columns: the bids, then the units kept of each lot; rows: one per lot (= supply), one per bidder (<= 1)
    matrix = sparse.vstack([sparse.hstack([quantities.T, sparse.identity(n_lots)]),
                            sparse.hstack([sparse.csr_matrix((np.ones(n_bids), (bidder_of, np.arange(n_bids))),
                                                             shape=(bidder_of.max() + 1, n_bids)),
                                           sparse.csr_matrix((bidder_of.max() + 1, n_lots))])]).tocsc()
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("mip_rel_gap", 0.0)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.concatenate([values, np.zeros(n_lots)])
    lp.col_lower_ = np.zeros(matrix.shape[1])
    lp.col_upper_ = np.concatenate([np.ones(n_bids), supply])
    lp.row_lower_ = np.concatenate([supply, np.zeros(matrix.shape[0] - n_lots)])
    lp.row_upper_ = np.concatenate([supply, np.ones(matrix.shape[0] - n_lots)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * matrix.shape[1]
    solver.passModel(lp)
    solver.run()
    return float(solver.getInfo().objective_function_value)


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def sealed(sizes: list[int], seeds: list[int]) -> list[str]:
    lines = [f"Sealed bids: bidders x {LOTS} lots x {BIDS_EACH} bids a bidder; seeds {', '.join(map(str, seeds))}; "
             "times [s] min / median over the seeds; ratios: median of each seed's ratio.", "",
             "| bidders | highspy | WD | VCG | core | WD / highspy | VCG / WD | core / WD | core rounds (max) |",
             "|---|---|---|---|---|---|---|---|---|"]
    warm = instance(0, 5)  # imports and first-call costs, untimed
    direct_highspy(warm), market.clear_auction(warm, rule="core_vcg_nearest")
    for bidders in sizes:
        rows = []
        for seed in seeds:
            bids = instance(seed, bidders)
            direct, welfare = timed(lambda: direct_highspy(bids))
            wd, won = timed(lambda: market.winner_determination(bids))
            if abs(won.attrs["welfare"] - welfare) > 1e-6 * max(1.0, abs(welfare)):
                raise SystemExit(f"seed {seed}, {bidders} bidders: winner determination {won.attrs['welfare']} "
                                 f"!= direct highspy {welfare}")
            vcg, _ = timed(lambda: market.clear_auction(bids, rule="vcg"))
            core, result = timed(lambda: market.clear_auction(bids, rule="core_vcg_nearest"))
            rows.append((direct, wd, vcg, core, result.attrs["core_rounds"]))
            print(f"  {bidders} bidders seed {seed}: highspy {direct:.3f} s, WD {wd:.3f} s, VCG {vcg:.3f} s, "
                  f"core {core:.3f} s, {result.attrs['core_rounds']} core rounds", file=sys.stderr, flush=True)
        cols = list(zip(*rows, strict=True))

        def span(values):
            return f"{min(values):.3f} / {statistics.median(values):.3f}"

        ratio = [statistics.median(a / b for a, b in zip(cols[i], cols[j], strict=True)) for i, j in ((1, 0), (2, 1), (3, 1))]
        lines.append(f"| {bidders} | {span(cols[0])} | {span(cols[1])} | {span(cols[2])} | {span(cols[3])} | "
                     f"{ratio[0]:.2f}x | {ratio[1]:.2f}x | {ratio[2]:.2f}x | {max(cols[4])} |")
    return lines


def clock_values(seed: int, bidders: int) -> pd.DataFrame:
    """Random value tables: five bundles a bidder over three categories of lots."""
    rng = np.random.default_rng(seed)
    worth = rng.uniform(8, 12, size=3)
    rows = []
    for bidder in range(bidders):
        taste = rng.uniform(0.7, 1.3, size=3)
        for _ in range(5):
            bundle = rng.integers(0, 4, size=3)
            if not bundle.any():
                bundle[rng.integers(3)] = 1
            value = float(bundle @ (worth * taste) * rng.uniform(0.9, 1.1) * 1.05 ** (bundle.sum() - 1))
            rows.append({"bidder": f"b{bidder}", "value": round(value, 2), "X": int(bundle[0]), "Y": int(bundle[1]),
                         "Z": int(bundle[2])})
    return pd.DataFrame(rows)


def clock_table(sizes: list[int], seeds: list[int]) -> list[str]:
    lines = [f"Clock auctions: bidders x 5 bundles over 3 categories of 10 lots, standard CCA; seeds "
             f"{', '.join(map(str, seeds))}; median times [s] over the seeds.", "",
             "| bidders | clock + WD (pay as bid) | VCG | core | VCG pricing / WD run | core pricing / WD run |",
             "|---|---|---|---|---|---|"]
    supply = {c: 10 for c in "XYZ"}
    reserve = {c: 5.0 for c in "XYZ"}
    for bidders in sizes:
        rows = []
        for seed in seeds:
            values = clock_values(seed, bidders)
            times = [timed(lambda rule=rule: clock.clock_auction(values, supply, reserve, increment=0.1, rule=rule))[0]
                     for rule in ("pay_as_bid", "vcg", "core_vcg_nearest")]
            rows.append(times)
            print(f"  clock {bidders} bidders seed {seed}: " + ", ".join(f"{t:.3f} s" for t in times), file=sys.stderr,
                  flush=True)
        base, vcg, core = (statistics.median(c) for c in zip(*rows, strict=True))
        lines.append(f"| {bidders} | {base:.3f} | {vcg:.3f} | {core:.3f} | {(vcg - base) / base:.2f}x | "
                     f"{(core - base) / base:.2f}x |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="instances per size (seeds 1..N)")
    parser.add_argument("--bidders", default="10,20,50,100", help="sealed-bid sizes, comma separated")
    parser.add_argument("--clock", default="16,32,64", help="clock-auction sizes, comma separated")
    parser.add_argument("--output", default=None, help="also write the tables (markdown) to this file")
    args = parser.parse_args(argv)
    seeds = list(range(1, args.seeds + 1))
    import highspy

    header = [f"Measured {datetime.date.today().isoformat()} on {platform.node() or 'this machine'} "
              f"({platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
              f"highspy {getattr(highspy, '__version__', '?')}, {_cores()} cores).", ""]
    lines = header + sealed([int(s) for s in args.bidders.split(",") if s], seeds) + [""] \
        + clock_table([int(s) for s in args.clock.split(",") if s], seeds)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


if __name__ == "__main__":
    main()
