"""Cost of the Excel layer over the bare numpy formula, as a ratio measured in one run.

    python benchmarks/bench_excel_layer.py [n]

Times COST231 on a column of n distances (default 1,000,000) three ways:
the numpy expression written inline (baseline), ``xlspectrum.cost231_hata`` (validation
and broadcasting), and ``xlspectrum.hosts.xlwings_classic.COST231`` (Excel coercion from a 2-D list and
back), and the conversion floor: the nested list to an array and back, which any Excel
function on that range must do.  Prints the best of 5 runs of each and its ratio to the
baseline and to the floor.

The garbage collector stays on, as xlwings leaves it (``timeit`` turns it off, which
hid the cost of collections triggered by millions of list and float objects).
"""

from __future__ import annotations

import gc
import sys
import time

import numpy as np

import xlspectrum
from xlspectrum.hosts import xlwings_classic as excel


def main(n: int = 1_000_000) -> None:
    d = np.linspace(1, 20, n)
    column = d[:, np.newaxis].tolist()
    log_f, log_hb, hm = np.log10(1800.0), np.log10(30.0), 1.5

    def baseline():
        a = (1.1 * log_f - 0.7) * hm - (1.56 * log_f - 0.8)
        return 46.3 + 33.9 * log_f - 13.82 * log_hb - a + (44.9 - 6.55 * log_hb) * np.log10(d)

    cases = {
        "numpy inline (baseline)": baseline,
        "xlspectrum.cost231_hata": lambda: xlspectrum.cost231_hata(1800, d, 30, 1.5),
        "conversion floor (list -> array -> list)": lambda: np.array(column, dtype=float).tolist(),
        "conversion floor, collector paused": lambda: paused(lambda: np.array(column, dtype=float).tolist()),
        "excel.COST231 (2-D list in and out)": lambda: excel.COST231(1800, column, 30, 1.5),
    }
    gc.enable()
    best = {name: best_of(fn, 5) for name, fn in cases.items()}
    # the Excel layer pauses the collector for its call: the fair floor pauses it too
    base, floor = best["numpy inline (baseline)"], best["conversion floor, collector paused"]
    print(f"COST231 over {n:,} distances, best of 5, garbage collector on (ratios to the floor: to the floor with "
          "the collector paused, as the Excel layer pauses it; goal x1.3)")
    for name, seconds in best.items():
        print(f"  {name:42} {seconds * 1e3:9.1f} ms   x{seconds / base:7.1f} baseline   x{seconds / floor:5.2f} floor")


def paused(function):
    """``function()`` with the garbage collector paused, as :func:`xlspectrum.hosts.marshal.call_excel_function` runs."""
    gc.disable()
    try:
        return function()
    finally:
        gc.enable()


def best_of(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
