"""The solvers print nothing: every command and Python call that clears an auction writes only our own output.

``highspy.Highs()`` prints HiGHS's banner ("Running HiGHS ... Copyright") from C code, so these
tests capture standard output at the file-descriptor level: ``capfd`` in this process, and the
real stdout of the commands run as processes.
"""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from xlspectrum.market import combinatorial as market
from xlspectrum.models import nz700, rights_market
from xlspectrum.market.clock import clock_auction

ROOT = Path(__file__).resolve().parents[2]
#: What HiGHS (or any solver) prints when its output is on
SOLVER_TEXTS = ("HiGHS", "Copyright", "THIRD_PARTY_NOTICES", "licence", "Presolv", "Solving report")

LOCAL_GLOBAL = pd.DataFrame({"bidder": ["A", "B", "AB"], "value": [8.0, 6.0, 10.0], "x": [1, 0, 1], "y": [0, 1, 1]})


def _no_solver_text(text: str) -> None:
    found = [line for line in text.splitlines() if any(word in line for word in SOLVER_TEXTS)]
    assert not found, found


def _command(*arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from xlspectrum.cli import main; main()", *arguments],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


def test_highs_constructor_prints_nothing(capfd):
    """The banner comes from highspy.Highs()'s constructor: the solver the exchange makes prints nothing."""
    solver = market.quiet_highs()
    assert solver.getOptionValue("output_flag")[-1] is False
    assert capfd.readouterr().out == ""


@pytest.mark.parametrize("rule", market.PAYMENT_RULES)
def test_python_calls_print_nothing(capfd, rule):
    market.clear_auction(LOCAL_GLOBAL, rule=rule)
    market.winner_determination(LOCAL_GLOBAL)
    market.auction_clear(["A", "B", "AB"], [8, 6, 10], [[1, 0], [0, 1], [1, 1]], rule=rule)
    rights_market.clear(rule)
    nz700.run("printed", rule)
    values = pd.DataFrame({"bidder": ["a", "a", "b"], "value": [10.0, 18.0, 9.0], "X": [1, 2, 1]})
    clock_auction(values, {"X": 2}, {"X": 1.0}, rule=rule)
    assert capfd.readouterr().out == ""


@pytest.fixture(scope="module")
def bids_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("quiet") / "bids.csv"
    LOCAL_GLOBAL.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("rule", market.PAYMENT_RULES)
def test_auction_command_prints_only_its_output(bids_csv, rule):
    table = _command("auction", str(bids_csv), "--rule", rule, cwd=bids_csv.parent)
    assert table.returncode == 0, table.stderr
    _no_solver_text(table.stdout)
    assert table.stdout.startswith("3 bids from 3 bidders on 2 lots")
    csv_run = _command("auction", str(bids_csv), "--rule", rule, "--format", "csv", cwd=bids_csv.parent)
    assert csv_run.returncode == 0, csv_run.stderr
    rows = list(csv.reader(io.StringIO(csv_run.stdout)))
    assert rows[0] == ["bidder", "value", "won", "payment"] and len(rows) == 4 and all(len(r) == 4 for r in rows)


@pytest.mark.parametrize("output_format", ["table", "csv"])
def test_auction_example_prints_only_its_output(tmp_path, output_format):
    run = _command("auction", "--example", "nz700", "--format", output_format, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    _no_solver_text(run.stdout)
    if output_format == "csv":
        table = pd.read_csv(io.StringIO(run.stdout))
        assert list(table.columns[:3]) == ["scenario", "rule", "bidder"]
    else:
        assert run.stdout.startswith("New Zealand 700 MHz combinatorial clock auction")


@pytest.mark.slow
def test_build_and_recalc_of_the_exchange_workbook_print_only_their_output(tmp_path):
    built = _command("build", "--model", "exchange", "-o", str(tmp_path / "exchange.xlsx"), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    _no_solver_text(built.stdout)
    recalc = _command("recalc", str(ROOT / "workbooks" / "xlspectrum_exchange.xlsx"), "--engine", "formulas", cwd=tmp_path)
    assert recalc.returncode == 0, recalc.stdout + recalc.stderr
    _no_solver_text(recalc.stdout)
    assert "agrees with the Python engine" in recalc.stdout
