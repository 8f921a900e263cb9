"""Cost of the Excel layer over the bare numpy formula, as a ratio measured in one run.

    python benchmarks/bench_excel_layer.py [n]

Times COST231 on a column of n distances (default 1,000,000) three ways:
the numpy expression written inline (baseline), ``xlspectrum.cost231_hata`` (validation
and broadcasting), and ``xlspectrum.excel.COST231`` (Excel coercion from a 2-D list and
back).  Prints the best of 5 runs of each and its ratio to the baseline.
"""

from __future__ import annotations

import sys
import timeit

import numpy as np

import xlspectrum
from xlspectrum import excel


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
        "excel.COST231 (2-D list in and out)": lambda: excel.COST231(1800, column, 30, 1.5),
    }
    best = {name: min(timeit.repeat(fn, number=1, repeat=5)) for name, fn in cases.items()}
    base = best["numpy inline (baseline)"]
    print(f"COST231 over {n:,} distances, best of 5")
    for name, seconds in best.items():
        print(f"  {name:40} {seconds * 1e3:9.1f} ms   x{seconds / base:7.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
