"""Start-up: what a user waits for before xlspectrum does anything, as ratios to a baseline.

    python benchmarks/bench_startup.py [--repeats N] [--repository PATH]

Each measure runs in fresh interpreters, interleaved with its baseline (so a busy machine
slows both alike), ``N`` times (default 9); min and median of each are printed, and the
ratio of the medians. The package imported is the one in ``--repository`` (default: this
checkout), so two checkouts can be compared on the same machine in the same minute.

| measure                    | baseline                          | goal (issue 25) |
| -------------------------- | --------------------------------- | --------------- |
| ``import xlspectrum``      | ``import numpy, pandas``          | within 1.15x    |
| the first formula called   | ``import numpy, pandas``          | within 1.15x    |
| ``import xlspectrum.excel``| ``import numpy, pandas, xlwings`` | within 1.1x     |
| ``xlspectrum --help``      | ``import numpy, pandas``          | within 1.3x     |
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent

MEASURES = [
    ("import xlspectrum", "import xlspectrum", "import numpy, pandas", 1.15),
    # the package loads its modules on first use: the first formula is where the import is paid
    ("first formula (fspl)", "import xlspectrum; xlspectrum.fspl(1, 900)", "import numpy, pandas", 1.15),
    ("import xlspectrum.excel", "import xlspectrum.excel", "import numpy, pandas, xlwings", 1.1),
    ("xlspectrum --help", "import sys; sys.argv[1:] = ['--help']\nfrom xlspectrum.cli import main\ntry:\n main()\n"
     "except SystemExit:\n pass", "import numpy, pandas", 1.3),
]


def seconds(code: str, repository: Path) -> float:
    """Wall time of a fresh interpreter running ``code`` with ``repository`` first on the path [s]."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=repository, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(code: str, baseline: str, repository: Path, repeats: int) -> tuple[list[float], list[float]]:
    ours, base = [], []
    seconds(code, repository)  # the first run fills the file cache for both
    for _ in range(repeats):
        base.append(seconds(baseline, repository))
        ours.append(seconds(code, repository))
    return ours, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--repository", type=Path, default=REPOSITORY)
    args = parser.parse_args()
    print(f"Start-up of {args.repository}, {args.repeats} fresh interpreters each, interleaved with the baseline")
    print(f"{'measure':26} {'min':>8} {'median':>8}   {'baseline':32} {'min':>8} {'median':>8}   ratio  goal")
    for name, code, baseline, goal in MEASURES:
        ours, base = measure(code, baseline, args.repository, args.repeats)
        ratio = statistics.median(ours) / statistics.median(base)
        print(f"{name:26} {min(ours) * 1e3:6.0f}ms {statistics.median(ours) * 1e3:6.0f}ms   {baseline:32} "
              f"{min(base) * 1e3:6.0f}ms {statistics.median(base) * 1e3:6.0f}ms   {ratio:4.2f}x  {goal:.2f}x "
              f"{'met' if ratio <= goal else 'not met'}")


if __name__ == "__main__":
    main()
