"""The clock auction: New Zealand's 700 MHz auction as printed, hand-worked clocks and truthful-proxy properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlspectrum.models import nz700
from xlspectrum.market.clock import assignment_round, clock_auction
from xlspectrum.market.combinatorial import PAYMENT_RULES, OutOfRangeError, winner_determination

M = 1e6


def test_table3_as_printed():
    """Thesis Table 3, row by row, under the rule the table implies: every phase paid as bid."""
    table = nz700.run("printed", "pay_as_bid").revenue_table()
    for bidder, (clock, clock_lots, supplementary, supplementary_lots, assignment, total, lots) in nz700.PRINTED_TABLE3.items():
        row = table.loc[bidder]
        assert row["clock"] == pytest.approx(clock) and row["clock_lots"] == clock_lots
        assert row["supplementary"] == pytest.approx(supplementary) and row["supplementary_lots"] == supplementary_lots
        assert row["assignment"] == pytest.approx(assignment) and row["lots"] == lots
        if bidder != "Total":
            assert row["total"] == pytest.approx(total)
    # the printed grand total is rounded: its own columns add to 176 + 83 + 11.1 = 270.1
    assert table.loc["Total", "total"] == pytest.approx(270.1 * M)
    assert round(table.loc["Total", "total"] / M) == nz700.PRINTED_TABLE3["Total"][5] / M


def test_table2_assignment_and_single_clock_round():
    result = nz700.run("printed")
    assert len(result.rounds) == 1 and result.rounds.loc[0, "price"] == 22 * M
    assert result.rounds.loc[0, ["demand", "supply", "excess_demand"]].tolist() == [8, 9, -1]
    assert result.clock_bids.set_index("bidder")["700MHz"].to_dict() == {"A": 3, "B": 3, "C": 2}
    # A at the bottom of the band, B and C next to each other (section 4.5.13)
    assert result.assignment.set_index("bidder")["blocks"].to_dict() == {"A": "1-4", "B": "5-7", "C": "8-9"}
    assert nz700.BLOCKS[1] == ("703-708", "758-763") and nz700.BLOCKS[9] == ("743-748", "798-803")


def test_counterfactuals():
    printed = nz700.run("printed").revenue_table()
    set_aside = nz700.run("lsp_set_aside").revenue_table()
    blocked = nz700.run("c_blocks_lsp").revenue_table()
    # 4.5.11: no supplementary round, NZ$ 83 M less
    assert set_aside.loc["Total", "supplementary"] == 0 and set_aside.loc["Total", "lots"] == 8
    assert printed.loc["Total", "total"] - set_aside.loc["Total", "total"] == pytest.approx(83 * M)
    # 4.5.10: C blocks the park by taking a third lot at the reserve, NZ$ 22 M more, all nine lots sold in the clock
    assert blocked.loc["C", "total"] - printed.loc["C", "total"] == pytest.approx(22 * M)
    assert blocked.loc["Total", "clock_lots"] == 9 and blocked.loc["Total", "supplementary"] == 0


@pytest.mark.parametrize("rule", ["vcg", "core_vcg_nearest", "core_bid_nearest"])
def test_second_price_rules_on_the_nz_case(rule):
    """Nobody else wanted the ninth lot, so A pays its reserve; no assignment bids competed, so they raise nothing."""
    table = nz700.run("printed", rule).revenue_table()
    assert table.loc["A", "supplementary"] == pytest.approx(22 * M)
    assert table.loc["Total", "assignment"] == 0
    assert table.loc["Total", "total"] == pytest.approx(198 * M)


def test_rule_comparison_table():
    table = nz700.rule_comparison()
    assert len(table) == len(nz700.SCENARIOS) * len(PAYMENT_RULES)
    printed = table[(table["scenario"] == "printed") & (table["rule"] == "pay_as_bid")].iloc[0]
    assert printed["total_Total"] == pytest.approx(270.1 * M) and printed["total_A"] == pytest.approx(158.1 * M)


def test_unit_demand_clock_by_hand():
    """Three bidders worth 10, 20, 30 for one of two lots; reserve 5, +2 a round: 5, 7, 9, 11, stop at 11."""
    values = pd.DataFrame({"bidder": ["a", "b", "c"], "value": [10.0, 20.0, 30.0], "lot": [1, 1, 1]})
    result = clock_auction(values, {"lot": 2}, {"lot": 5}, increment=0, increment_floor=2, rule="vcg")
    assert result.rounds["price"].tolist() == [5, 7, 9, 11]
    assert result.rounds["excess_demand"].tolist() == [1, 1, 1, 0]
    assert result.allocation.set_index("bidder")["lot"].to_dict() == {"a": 0, "b": 1, "c": 1}
    # the losing bidder's supplementary bid of 10 sets both VCG prices; paid as bid, the winners pay their values
    assert result.allocation["principal"].tolist() == [0, 10, 10]
    pay_as_bid = clock_auction(values, {"lot": 2}, {"lot": 5}, increment=0, increment_floor=2, rule="pay_as_bid")
    assert pay_as_bid.allocation["principal"].tolist() == [0, 20, 30]


def test_local_global_clock_by_hand():
    """A wants X (10), B wants Y (10), C wants both (15): C drops at 8 a lot; VCG (5, 5) is blocked by C's 15, core (7.5, 7.5)."""
    values = pd.DataFrame({"bidder": ["A", "B", "C"], "value": [10.0, 10.0, 15.0], "X": [1, 0, 1], "Y": [0, 1, 1]})
    kwargs = {"supply": {"X": 1, "Y": 1}, "reserve": {"X": 1, "Y": 1}, "increment": 0, "increment_floor": 1}
    vcg = clock_auction(values, rule="vcg", **kwargs)
    assert vcg.rounds.query("category == 'X'")["price"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8]
    assert vcg.clock_bids.query("bidder == 'C'")["points"].tolist() == [2] * 7 + [0]
    assert vcg.allocation["principal"].tolist() == [5, 5, 0]
    core = clock_auction(values, rule="core_vcg_nearest", **kwargs)
    assert core.allocation["principal"].tolist() == pytest.approx([7.5, 7.5, 0])


def test_activity_rule_binds_and_the_supplementary_round_repairs_it():
    """a values Z or the pair XY at 20; b values Z at 30.  At round 2 prices XY is a's best bundle, but a
    demanded one point in round 1, so it may not ask for two; its supplementary bid for XY wins it (by hand)."""
    values = pd.DataFrame({"bidder": ["a", "a", "b"], "value": [20.0, 20.0, 30.0],
                           "X": [0, 1, 0], "Y": [0, 1, 0], "Z": [1, 0, 1]})
    ones = {"X": 1, "Y": 1, "Z": 1}
    result = clock_auction(values, ones, ones, increment=0, increment_floor=3, rule="vcg")
    a = result.clock_bids.query("bidder == 'a'")
    assert a["points"].tolist() == [1] * 7 + [0]  # Z until its price passes 20 (1, 4, ..., 19, 22), never XY
    assert (a["X"] == 0).all()
    assert result.rounds.query("category == 'Z'")["price"].tolist() == [1, 4, 7, 10, 13, 16, 19, 22]
    # relative cap for XY: bid(Z) + round-1 prices x (XY - Z) = 20 + 1 = 21, above the value: the value stands
    assert result.supplementary_bids.query("bidder == 'a' and X == 1")["value"].tolist() == [20]
    won = result.allocation.set_index("bidder")
    assert won.loc["a", ["X", "Y", "Z"]].tolist() == [1, 1, 0] and won.loc["b", "Z"] == 1
    # VCG: a pays 32 - 30 = 2 (the reserves of X and Y); b pays 22 - 20 = 2, far below Z's last clock price
    assert won["principal"].tolist() == [2, 2]


def test_relative_cap_limits_a_bid_above_final_eligibility():
    """Values that break revealed preference (a bidder that left the clock) are capped at the last eligible round's prices."""
    values = pd.DataFrame({"bidder": ["a", "b"], "value": [10.0, 30.0], "lot": [2, 2]})
    result = clock_auction(values, {"lot": 2}, {"lot": 1}, increment=0, increment_floor=2, rule="vcg")
    # a leaves at price 7 (14 > 10); its supplementary bid for 2 lots is its value 10, within the cap 0 + 2 x 7
    assert result.supplementary_bids.set_index("bidder").loc["a", "value"] == 10
    assert result.allocation.set_index("bidder").loc["b", "principal"] == 10


def test_bad_input_is_named():
    values = pd.DataFrame({"bidder": ["a"], "value": [10.0], "lot": [1]})
    with pytest.raises(OutOfRangeError, match="design='x'"):
        clock_auction(values, {"lot": 1}, {"lot": 1}, design="x")
    with pytest.raises(OutOfRangeError, match="increment=-0.1"):
        clock_auction(values, {"lot": 1}, {"lot": 1}, increment=-0.1)
    with pytest.raises(OutOfRangeError, match="caps names unknown category 'z'"):
        clock_auction(values, {"lot": 1}, {"lot": 1}, caps={"z": 1})
    two = pd.DataFrame({"bidder": ["a", "b"], "value": [10.0, 10.0], "lot": [1, 1]})
    with pytest.raises(OutOfRangeError, match="cannot rise"):
        clock_auction(two, {"lot": 1}, {"lot": 0})
    with pytest.raises(OutOfRangeError, match="max_rounds=3"):
        clock_auction(two, {"lot": 1}, {"lot": 1}, increment=0.01, max_rounds=3)
    with pytest.raises(OutOfRangeError, match="rule='first'"):
        clock_auction(values, {"lot": 1}, {"lot": 1}, rule="first")


def test_assignment_round():
    # C bids 5 to sit at the bottom; A is restricted to the ends; B has no preference
    bids = pd.DataFrame({"bidder": ["C", "A"], "first_block": [1, 6], "value": [5.0, 1.0]})
    result = assignment_round({"A": 2, "B": 3, "C": 2}, [1, 2, 3, 4, 5, 6, 7], bids, rule="pay_as_bid",
                              allowed_first_blocks={"A": [1, 6]})
    assert result.set_index("bidder")["blocks"].to_dict() == {"C": "1-2", "B": "3-5", "A": "6-7"}
    assert result["payment"].sum() == 6
    # the bids do not compete (C and A both get their wish), so the second-price rules charge nothing
    assert assignment_round({"A": 2, "B": 3, "C": 2}, [1, 2, 3, 4, 5, 6, 7], bids, rule="vcg",
                            allowed_first_blocks={"A": [1, 6]})["payment"].sum() == 0
    # two bidders competing for the bottom: the winner pays the loser's bid under VCG
    rivals = pd.DataFrame({"bidder": ["A", "B"], "first_block": [1, 1], "value": [4.0, 3.0]})
    vcg = assignment_round({"A": 1, "B": 1}, ["lo", "hi"], rivals.assign(first_block="lo"), rule="vcg")
    assert vcg.set_index("bidder")["payment"].to_dict() == {"A": 3.0, "B": 0.0}
    with pytest.raises(OutOfRangeError, match="no assignment places 'A'"):
        assignment_round({"A": 2, "B": 1}, [1, 2, 3], allowed_first_blocks={"A": [3]})
    with pytest.raises(OutOfRangeError, match="only 2 blocks"):
        assignment_round({"A": 2, "B": 1}, [1, 2])


@st.composite
def single_category(draw):
    supply = draw(st.integers(1, 4))
    rows = []
    for bidder in range(draw(st.integers(1, 4))):
        sizes = sorted(draw(st.sets(st.integers(1, supply), min_size=1, max_size=supply)))
        marginals = draw(st.lists(st.integers(1, 40), min_size=len(sizes), max_size=len(sizes)))
        total = 0
        for size, marginal in zip(sizes, marginals):
            total += marginal
            rows.append((f"b{bidder}", float(total), size))
    reserve = draw(st.integers(0, 10))
    cap = draw(st.integers(1, supply))
    return pd.DataFrame(rows, columns=["bidder", "value", "lot"]), supply, float(reserve), cap


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(single_category())
def test_truthful_cca_properties(case):
    """Ausubel and Baranov (2017): truthful bids satisfy every relative cap, and the CCA allocation is efficient."""
    values, supply, reserve, cap = case
    result = clock_auction(values, {"lot": supply}, {"lot": reserve}, caps={"lot": cap}, increment=0.1,
                           increment_floor=1, rule="vcg")
    rounds = result.rounds
    assert rounds["price"].is_monotonic_increasing
    rises = np.diff(rounds["price"].to_numpy()) > 0
    assert np.array_equal(rises, rounds["excess_demand"].to_numpy()[:-1] > 0)  # prices rise only on excess demand
    assert rounds["excess_demand"].iloc[-1] <= 0
    for _, bids in result.clock_bids.groupby("bidder"):
        assert bids["points"].is_monotonic_decreasing  # activity rule
        assert (bids["lot"] <= cap).all()
    # the relative cap never binds a truthful bidder: every supplementary bid is the value itself
    merged = result.supplementary_bids.merge(values, on=["bidder", "lot"], suffixes=("_bid", ""))
    assert np.allclose(merged["value_bid"], merged["value"])
    # efficiency: the CCA's allocation is worth as much as the best allocation of the true values within the caps
    within = values[values["lot"] <= cap]
    if len(within):
        best = winner_determination(within, {"lot": supply}, {"lot": reserve}).attrs["welfare"]
        won = result.allocation.set_index("bidder")["lot"]
        worth = sum(within[(within["bidder"] == b) & (within["lot"] == q)]["value"].max() for b, q in won.items() if q)
        assert worth + reserve * (supply - won.sum()) == pytest.approx(best)
    # payments lie between the reserve of the lots won and the bidder's value
    for _, row in result.allocation.iterrows():
        if row["lot"]:
            value = values[(values["bidder"] == row["bidder"]) & (values["lot"] == row["lot"])]["value"].max()
            assert reserve * row["lot"] - 1e-6 <= row["principal"] <= value + 1e-6
