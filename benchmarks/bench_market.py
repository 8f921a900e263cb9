"""Winner determination and core pricing on random combinatorial auctions, timed in one run.

    python benchmarks/bench_market.py [seed]

Random instances up to 20 bidders x 30 lots x 10 bids each (2-5 lots a bid, values
additive in the lots with bidder-specific synergies). For each: winner determination
alone (the baseline), VCG and core-VCG-nearest payments, each as a ratio to the
baseline measured on the same instance, with the number of winner-determination solves
and of core constraint-generation rounds. Timed with time.perf_counter and the garbage
collector left as the process has it (timeit would switch it off).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from xlspectrum import market


def instance(rng: np.random.Generator, bidders: int, lots: int, bids_each: int) -> pd.DataFrame:
    worth = rng.uniform(5, 15, size=lots)
    rows = []
    for bidder in range(bidders):
        synergy = rng.uniform(1.0, 1.4)
        for _ in range(bids_each):
            wanted = rng.choice(lots, size=rng.integers(2, min(5, lots) + 1), replace=False)
            value = worth[wanted].sum() * synergy ** (len(wanted) - 1) * rng.uniform(0.8, 1.2)
            row = {"bidder": f"b{bidder}", "value": round(float(value), 2)}
            row.update({f"l{k}": int(k in wanted) for k in range(lots)})
            rows.append(row)
    return pd.DataFrame(rows)


def timed(fn):
    solves = 0
    original = market._solve

    def counting(*args, **kwargs):
        nonlocal solves
        solves += 1
        return original(*args, **kwargs)

    market._solve = counting
    try:
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, solves, result
    finally:
        market._solve = original


def main(seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    print(f"{'bidders x lots x bids':>22} {'WD ms':>8} {'VCG':>8} {'core':>8} {'WD solves (VCG/core)':>22} {'core rounds':>12}")
    for bidders, lots, bids_each in ((5, 8, 3), (10, 15, 5), (15, 20, 8), (20, 30, 10)):
        bids = instance(rng, bidders, lots, bids_each)
        base, _, _ = timed(lambda: market.winner_determination(bids))
        vcg, vcg_solves, _ = timed(lambda: market.clear_auction(bids, rule="vcg"))
        core, core_solves, result = timed(lambda: market.clear_auction(bids, rule="core_vcg_nearest"))
        print(f"{bidders:>8} x {lots:>3} x {bids_each:>3}   {base * 1e3:8.1f} {vcg / base:7.1f}x {core / base:7.1f}x "
              f"{vcg_solves:>10} / {core_solves:<10} {result.attrs['core_rounds']:>12}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
