"""The exchange is exact across scales, refuses what it cannot clear exactly, and stores bids sparsely (issue 21)."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlspectrum.market import combinatorial as market
from xlspectrum.market.combinatorial import VALUE_LIMIT, AuctionSizeError, clear_auction

from test_market import instances

SCALES = [10.0 ** k for k in range(-6, 16)]


def test_values_the_solver_would_read_as_infinite_are_refused_naming_row_value_and_limit():
    """Issue 21's case: HiGHS reads 1.1e20 as infinite; it gave z both lots and charged z more than its bid."""
    bids = pd.DataFrame({"bidder": ["x", "y", "z"], "value": [6e19, 6e19, 1.1e20], "A": [1, 0, 1], "B": [0, 1, 1]})
    with pytest.raises(AuctionSizeError, match=r"value of bid 0=6e\+19 is above the exchange's limit of 8,796,093,022,208"):
        clear_auction(bids, rule="vcg")
    with pytest.raises(AuctionSizeError, match=r"reserve\['A'\]=1e\+13 times its supply of 1 is 1e\+13"):
        clear_auction(bids.assign(value=[6.0, 6.0, 11.0]), reserve={"A": 1e13})


def test_a_national_auction_in_currency_units_is_exact_to_the_cent():
    bids = pd.DataFrame({"bidder": ["x", "y", "z"], "value": [3_000_000_000_000.01, 2_999_999_999_999.99, 5_000_000_000_000.00],
                         "A": [1, 0, 1], "B": [0, 1, 1]})
    result = clear_auction(bids, rule="vcg")
    assert result["won"].tolist() == [True, True, False]
    # VCG by hand: each pays z's bid minus the other's; to the cent
    assert [round(p, 2) for p in result["payment"]] == [2_000_000_000_000.01, 1_999_999_999_999.99, 0.0]
    assert result.attrs["welfare"] == 6_000_000_000_000.00


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from(SCALES), st.sampled_from(["vcg", "core_vcg_nearest"]))
def test_results_scale_with_the_values(instance, scale, rule):
    """Values times 1e-6 ... 1e15: the same allocation and payments times the scale, or a refusal naming the limit."""
    bids, supply, reserve = instance
    base = clear_auction(bids, supply, reserve, rule=rule)
    scaled_bids = bids.assign(value=bids["value"] * scale)
    scaled_reserve = None if reserve is None else {lot: price * scale for lot, price in reserve.items()}
    largest = max(scaled_bids["value"].max(), max((p * supply[lot] for lot, p in (scaled_reserve or {}).items()), default=0))
    if largest > VALUE_LIMIT:
        with pytest.raises(AuctionSizeError, match="above the exchange's limit"):
            clear_auction(scaled_bids, supply, scaled_reserve, rule=rule)
        return
    scaled = clear_auction(scaled_bids, supply, scaled_reserve, rule=rule)
    assert scaled.attrs["welfare"] == pytest.approx(base.attrs["welfare"] * scale, rel=1e-12, abs=1e-300)
    if (scaled["won"] == base["won"]).all():
        # VCG payments are exact sums; a core point is HiGHS's QP answer, within its tolerance of the largest value
        tolerance = 1e-9 * scale * 40 if rule == "vcg" else 1e-7 * largest
        assert scaled["payment"].to_numpy() == pytest.approx(base["payment"].to_numpy() * scale, rel=1e-9, abs=tolerance)
    else:  # two allocations of equal welfare (integer values tie often): both efficient, each priced by its own rule
        assert scaled.attrs["welfare"] == pytest.approx(base.attrs["welfare"] * scale, rel=1e-12)


def test_bids_are_stored_sparsely():
    rng = np.random.default_rng(0)
    n, lots = 5_000, 200
    dense = np.zeros((n, lots), dtype=int)
    dense[np.arange(n), rng.integers(0, lots, n)] = 1
    table = pd.DataFrame(dense, columns=[f"l{k}" for k in range(lots)])
    bids = pd.concat([pd.DataFrame({"bidder": [f"b{i // 5}" for i in range(n)], "value": rng.uniform(1, 9, n)}), table], axis=1)
    auction = market._validate(bids, None, None)
    assert auction.matrix.nnz == n and auction.matrix.format == "csr"


def test_an_auction_beyond_the_documented_size_is_refused_in_one_line(tmp_path):
    path = tmp_path / "many.csv"
    rows = market.MAX_BIDS * 5  # the 100,000-row CSV of issue 21
    pd.DataFrame({"bidder": [f"b{i}" for i in range(rows)], "value": 1.0, "A": 1, "B": 0}).to_csv(path, index=False)
    run = subprocess.run([sys.executable, "-c", "from xlspectrum.cli import main; main()", "auction", str(path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode != 0 and run.stdout == "" and run.stderr.count("\n") == 1, run.stderr
    assert "bids has 100,000 rows, above the exchange's limit of 20,000 bids" in run.stderr


@pytest.mark.slow
def test_a_thousand_bidders_are_cleared_by_winner_determination():
    rng = np.random.default_rng(3)
    n, lots = 10_000, 30
    quantities = np.zeros((n, lots), dtype=int)
    for i in range(n):
        quantities[i, rng.choice(lots, rng.integers(2, 6), replace=False)] = 1
    bids = pd.concat([pd.DataFrame({"bidder": [f"b{i // 10}" for i in range(n)], "value": rng.uniform(10, 60, n).round(2)}),
                      pd.DataFrame(quantities, columns=[f"l{k}" for k in range(lots)])], axis=1)
    won = market.winner_determination(bids)
    assert won.groupby(bids["bidder"]).sum().max() <= 1 and won.attrs["welfare"] > 0
