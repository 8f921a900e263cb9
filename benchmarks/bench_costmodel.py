"""Speed of the cost-model engine, as ratios measured in one run.

    python benchmarks/bench_costmodel.py [--scenarios N] [--baseline REV]

1. One run of the Appendix C model with the demand step changed, timed here and with the
   engine at git revision ``REV`` (default ``f3c1efe``, the engine before the Model object)
   checked out in a temporary worktree and timed in a subprocess.  Also: every line item
   evaluated (nothing reused), and a run that changes only the WACC (most reused).
2. Scenarios: N scenarios (default 10,000) of three inputs in one run, against one
   scenario; the peak memory of the N-scenario run (tracemalloc); 10 N scenarios against N,
   keeping every line item and keeping only the present value (``outputs=``), with peaks.
3. Import: ``import xlspectrum.excel`` against ``import numpy, pandas`` in fresh
   interpreters (median of 5).

Times are the best of several repeats with the garbage collector as the interpreter
leaves it (on).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

REPOSITORY = Path(__file__).resolve().parent.parent
# the same code is timed here and in the baseline's interpreter
ONE_RUN = """
import time
from xlspectrum.models.costmodel import run
run()
best = float("inf")
for i in range(30):
    start = time.perf_counter()
    run(ten_x_step=5740.0 + i + 1)
    best = min(best, time.perf_counter() - start)
print(best)
"""


def best_of(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def baseline_run_seconds(revision: str) -> float | None:
    with tempfile.TemporaryDirectory() as folder:
        worktree = Path(folder) / "baseline"
        made = subprocess.run(["git", "-C", str(REPOSITORY), "worktree", "add", "--detach", str(worktree), revision],
                              capture_output=True, text=True)
        if made.returncode:
            print(f"  (baseline {revision} not available: {made.stderr.strip().splitlines()[-1]})")
            return None
        try:
            out = subprocess.run([sys.executable, "-c", ONE_RUN], capture_output=True, text=True, check=True,
                                 cwd=worktree, env={"PYTHONPATH": str(worktree), "PATH": ""})
            return float(out.stdout.split()[-1])
        finally:
            subprocess.run(["git", "-C", str(REPOSITORY), "worktree", "remove", "--force", str(worktree)],
                           capture_output=True)


def import_seconds(statement: str) -> float:
    times = []
    for _ in range(5):
        code = f"import time; s = time.perf_counter(); {statement}; print(time.perf_counter() - s)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=10_000)
    parser.add_argument("--baseline", default="f3c1efe")
    args = parser.parse_args()

    from xlspectrum.models.costmodel import APPENDIX_C

    print("1. One run of the Appendix C model (best of 30)")
    full = float(subprocess.run([sys.executable, "-c", ONE_RUN], capture_output=True, text=True, check=True,
                                cwd=REPOSITORY).stdout.split()[-1])
    old = baseline_run_seconds(args.baseline)
    APPENDIX_C.run()
    wacc_only = best_of(lambda: APPENDIX_C.run(wacc=0.1), 30)
    defaults = APPENDIX_C.resolve()
    nothing_reused = best_of(lambda: APPENDIX_C._evaluate(defaults, None, reuse=None), 30)
    print(f"  demand changed, this engine           {full * 1e3:8.2f} ms")
    if old is not None:
        print(f"  demand changed, engine at {args.baseline}      {old * 1e3:8.2f} ms   "
              f"this engine is x{old / full:.1f} faster (target: x2)")
    print(f"  every line item evaluated             {nothing_reused * 1e3:8.2f} ms"
          + ("" if old is None else f"   x{old / nothing_reused:.1f} faster"))
    print(f"  WACC changed (the rest reused)        {wacc_only * 1e3:8.2f} ms")

    n = args.scenarios
    rng = np.random.default_rng(2026)

    def draw(count: int) -> dict[str, np.ndarray]:
        return {"ten_x_step": rng.uniform(4000, 8000, count), "wacc": rng.uniform(0.05, 0.12, count),
                "cost_enb_pico": rng.uniform(40_000, 90_000, count)}

    def peak_of(action) -> float:
        tracemalloc.start()
        action()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    arrays, tenfold = draw(n), draw(10 * n)
    single = {key: float(values[0]) for key, values in arrays.items()}
    one = best_of(lambda: APPENDIX_C.run(single), 10)
    many = best_of(lambda: APPENDIX_C.run(arrays), 3)
    peak = peak_of(lambda: APPENDIX_C.run(arrays))
    many_pv = best_of(lambda: APPENDIX_C.run(arrays, outputs=["pv_total_cost"]), 3)
    tenfold_all = best_of(lambda: APPENDIX_C.run(tenfold), 1)
    tenfold_peak = peak_of(lambda: APPENDIX_C.run(tenfold))
    tenfold_pv = best_of(lambda: APPENDIX_C.run(tenfold, outputs=["pv_total_cost"]), 2)
    tenfold_pv_peak = peak_of(lambda: APPENDIX_C.run(tenfold, outputs=["pv_total_cost"]))
    print("\n2. Scenarios (ten_x_step, wacc, cost_enb_pico varied)")
    print(f"  1 scenario                        {one * 1e3:8.2f} ms")
    print(f"  {n:,} scenarios in one run       {many * 1e3:8.1f} ms   x{many / one:.0f} the time of one "
          f"(target: within x60); {n * one:.1f} s as separate runs; peak {peak / 1e6:.0f} MB")
    print(f"  {10 * n:,} scenarios, every item  {tenfold_all * 1e3:8.1f} ms   x{tenfold_all / many:.1f} the time of "
          f"{n:,}; peak {tenfold_peak / 1e6:.0f} MB")
    print(f"  {10 * n:,} scenarios, outputs=pv  {tenfold_pv * 1e3:8.1f} ms   x{tenfold_pv / many_pv:.1f} the time of "
          f"{n:,} (x{tenfold_pv / many:.1f} of {n:,} with every item; target: within x10, peak under 1 GB); "
          f"peak {tenfold_pv_peak / 1e6:.0f} MB")

    bare = import_seconds("import numpy, pandas")
    ours = import_seconds("import xlspectrum.excel")
    print("\n3. Import, median of 5 fresh interpreters")
    print(f"  import numpy, pandas              {bare * 1e3:8.0f} ms")
    print(f"  import xlspectrum.excel           {ours * 1e3:8.0f} ms   x{ours / bare:.2f}")


if __name__ == "__main__":
    main()
