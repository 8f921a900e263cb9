"""Floor 2: the mechanisms of the spectrum rights exchange, pure of any case: combinatorial
winner determination with pay-as-bid, VCG and core-selecting payments
(:mod:`~xlspectrum.market.combinatorial`) and clock auctions (:mod:`~xlspectrum.market.clock`).

The names of :mod:`~xlspectrum.market.combinatorial` are also reachable here
(``from xlspectrum.market import clear_auction``), as they were before the package took its folders.
"""

from xlspectrum.market.combinatorial import PAYMENT_RULES, Lot, auction_clear, clear_auction, lot_table, winner_determination

__all__ = ["PAYMENT_RULES", "Lot", "auction_clear", "clear_auction", "lot_table", "winner_determination"]
