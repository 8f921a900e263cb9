"""New Zealand's 700 MHz combinatorial clock auction (thesis section 4.5.8, Tables 2-3) and its counterfactuals.

Nine 2 x 5 MHz lots (703-748 MHz paired with 758-803 MHz), a reserve of NZ$ 22 M a lot,
an acquisition limit of 15 MHz (three lots) per bidder in the clock round, bidders A, B
and C.  The clock ended in its first round at the reserve with A and B demanding three
lots and C two; A bought the ninth lot in the supplementary round for NZ$ 83 M more; in
the assignment round A added NZ$ 9.1 M and B NZ$ 2 M for their blocks.

The thesis prints bids and payments, not valuations.  The value tables below are the
least values consistent with what was printed: each bidder values the bundle it bid for
at what it bid, and the fourth lot is worth to A the NZ$ 83 M it offered.  A truthful
proxy that values a bundle at exactly its price still demands it (the tie rule of
:func:`xlspectrum.market.clock.clock_auction`).  Table 3's revenue follows when each phase is
paid as bid: the clock lots at the clock price, the supplementary lot at A's bid, and
the assignment bids in full (rule ``"pay_as_bid"``).  Under VCG or core pricing nobody
else wanted the ninth lot, so A would have paid its NZ$ 22 M reserve, and no assignment
bid competed with another, so the assignment round would have raised nothing.

Counterfactuals (sections 4.5.9-4.5.12):

``"lsp_set_aside"``
    5 MHz (block 9) set aside for a Licensed Spectrum Park before the auction: demand
    equals supply in the first clock round, no supplementary round is needed, and revenue
    falls by the NZ$ 83 M of the supplementary bid.
``"c_blocks_lsp"``
    The regulator announces that unsold spectrum goes to a Licensed Spectrum Park after
    the auction; C demands a third lot at the reserve to block the park (a NZ$ 22 M
    blocking value), all nine lots sell in the clock round and C pays NZ$ 22 M more.

In both counterfactuals A again offers NZ$ 9.1 M for the bottom of the band and B NZ$ 2 M
for the blocks directly above A (the thesis does not print assignment bids for them).
"""

from __future__ import annotations

import pandas as pd

from xlspectrum.market.clock import ClockAuctionResult, clock_auction
from xlspectrum.core.validation import OutOfRangeError
from xlspectrum.market.combinatorial import PAYMENT_RULES, Lot

__all__ = ["BLOCKS", "LOT_RESERVE_NZD", "PRINTED_TABLE3", "SCENARIOS", "SCENARIO_TITLES", "lots", "rule_comparison", "run",
           "scenario_table"]

#: NZ$ per 2 x 5 MHz lot, section 4.5.8
LOT_RESERVE_NZD = 22e6
#: Acquisition limit in the clock round: 15 MHz paired = 3 lots of 5 MHz
CAP_LOTS = 3
#: Table 2: block number to (lower, upper) paired frequencies [MHz]
BLOCKS = {n: (f"{698 + 5 * n}-{703 + 5 * n}", f"{753 + 5 * n}-{758 + 5 * n}") for n in range(1, 10)}
#: Table 3 as printed [NZ$]: (clock, clock lots, supplementary, supplementary lots, assignment, total, lots)
PRINTED_TABLE3 = {
    "A": (66e6, 3, 83e6, 1, 9.1e6, 158.1e6, 4),
    "B": (66e6, 3, 0.0, 0, 2e6, 68e6, 3),
    "C": (44e6, 2, 0.0, 0, 0.0, 44e6, 2),
    # the printed total is NZ$ 270 M, its columns add to 270.1 M (176 + 83 + 11.1)
    "Total": (176e6, 8, 83e6, 1, 11.1e6, 270e6, 9),
}
#: The scenarios of :func:`run`, each with the title every reading shows (the command, the
#: exchange workbook's NZ 700 sheet and Cover, the docs)
SCENARIO_TITLES = {
    "printed": "As held (section 4.5.8, Tables 2-3)",
    "lsp_set_aside": "5 MHz set aside for an LSP before the auction (section 4.5.11)",
    "c_blocks_lsp": "Unsold spectrum to an LSP after the auction, C blocks it (section 4.5.10)",
}
SCENARIOS = tuple(SCENARIO_TITLES)
_CATEGORY = "700MHz"


def _values(scenario: str) -> pd.DataFrame:
    reserve = LOT_RESERVE_NZD
    rows = [("A", 3 * reserve, 3), ("A", 3 * reserve + 83e6, 4), ("B", 3 * reserve, 3), ("C", 2 * reserve, 2)]
    if scenario == "c_blocks_lsp":
        rows.append(("C", 3 * reserve, 3))  # the third lot is worth its reserve to C: it keeps the park out
    return pd.DataFrame(rows, columns=["bidder", "value", _CATEGORY])


def lots(scenario: str = "printed") -> list[Lot]:
    """The lots on offer (the register): one per 2 x 5 MHz block, 18-year management rights."""
    count = 8 if scenario == "lsp_set_aside" else 9
    return [Lot(f"block {n}", band=f"700 MHz {BLOCKS[n][0]} / {BLOCKS[n][1]} MHz", area="New Zealand",
                window="18 years", owner="Crown (RSM)", reserve_price=LOT_RESERVE_NZD) for n in range(1, count + 1)]


def run(scenario: str = "printed", rule: str = "pay_as_bid") -> ClockAuctionResult:
    """The auction of Tables 2-3 (``"printed"``) or a counterfactual, priced by ``rule``.

    Parameters
    ----------
    scenario : one of :data:`SCENARIOS`.
    rule : payment rule of the supplementary and assignment rounds
        (:data:`xlspectrum.market.combinatorial.PAYMENT_RULES`); ``"pay_as_bid"`` is the rule Table 3 implies.

    Returns
    -------
    ClockAuctionResult
        Its :meth:`~xlspectrum.market.clock.ClockAuctionResult.revenue_table` is Table 3 [NZ$].
    """
    if scenario not in SCENARIOS:
        raise OutOfRangeError(f"scenario={scenario!r} must be one of {', '.join(SCENARIOS)}")
    if rule not in PAYMENT_RULES:
        raise OutOfRangeError(f"rule={rule!r} must be one of {', '.join(PAYMENT_RULES)}")
    count = 8 if scenario == "lsp_set_aside" else 9
    above_a = 5 if scenario == "printed" else 4  # A holds 1-4 in the printed case, 1-3 otherwise
    assignment_bids = pd.DataFrame({"bidder": ["A", "B"], "category": [_CATEGORY] * 2,
                                    "first_block": [1, above_a], "value": [9.1e6, 2e6]})
    return clock_auction(_values(scenario), supply={_CATEGORY: count}, reserve={_CATEGORY: LOT_RESERVE_NZD},
                         caps={_CATEGORY: CAP_LOTS}, design="unsold", rule=rule,
                         blocks={_CATEGORY: list(range(1, count + 1))}, assignment_bids=assignment_bids)


def rule_comparison() -> pd.DataFrame:
    """Revenue [NZ$] of every scenario under every payment rule, with A, B and C's totals."""
    rows = []
    for scenario in SCENARIOS:
        for rule in PAYMENT_RULES:
            table = run(scenario, rule).revenue_table()
            rows.append({"scenario": scenario, "rule": rule, **table["total"].rename(lambda b: f"total_{b}").to_dict(),
                         "supplementary": table.loc["Total", "supplementary"], "assignment": table.loc["Total", "assignment"]})
    return pd.DataFrame(rows)


def scenario_table() -> pd.DataFrame:
    """Every scenario under every rule, rules that charge the same in one row: scenario (its
    title), rules, what A, B and C pay in all and the revenue [NZ$].

    The rule prices the supplementary and the assignment rounds; the clock lots are paid at
    the clock price under every rule.
    """
    comparison = rule_comparison()
    totals = ["total_A", "total_B", "total_C", "total_Total"]
    rows = []
    for scenario in SCENARIOS:
        part = comparison[comparison["scenario"] == scenario]
        for amounts, group in part.groupby(totals, sort=False):
            rows.append({"scenario": scenario, "title": SCENARIO_TITLES[scenario], "rules": ", ".join(group["rule"]),
                         **dict(zip(("A", "B", "C", "total"), amounts, strict=True))})
    return pd.DataFrame(rows)
