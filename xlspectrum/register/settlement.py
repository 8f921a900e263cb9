"""Settling the exchange's results into the register: winners receive tokens, payments are recorded.

:func:`from_clear_auction` reads a :func:`xlspectrum.market.combinatorial.clear_auction` result (which bids
won, what each pays) and :func:`from_clock_auction` a
:func:`xlspectrum.market.clock.clock_auction` result (lots won, the assignment round's specific
blocks, payments by phase); each gives a :class:`Settlement`, which
:meth:`~xlspectrum.register.Register.settle` applies as one entry of the log: every token
moves and every payment is recorded, or, if anything is refused (a winner not enrolled, a
token no longer the seller's, a cap), nothing is.

:func:`nz700_tokens` are the nine lots of New Zealand's 700 MHz auction (thesis section
4.5.8, Table 2) as tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Sequence

import pandas as pd

from xlspectrum.models import nz700
from xlspectrum.core.validation import OutOfRangeError, WrongTypeError
from xlspectrum.register.canonical import number, text
from xlspectrum.register.tokens import Token

__all__ = ["NZ_AREA_KM", "NZ700_WINDOW_H", "Payment", "Settlement", "from_clear_auction", "from_clock_auction",
           "nz700_tokens"]

#: A rectangle in New Zealand Transverse Mercator 2000 kilometres (EPSG:2193 easting, northing) that contains
#: the mainland and Stewart Island, rounded out to 100 km: the area of a nationwide lot [km]
NZ_AREA_KM = (Decimal(1000), Decimal(4700), Decimal(2100), Decimal(6200))
#: Hours in 18 years of 365.25 days: the window of the 18-year management rights (nz700's lots) [h]
NZ700_WINDOW_H = (Decimal(0), Decimal(18 * 36525 * 24) / 100)
#: Duplex offset of the 700 MHz lots: 703-748 MHz paired with 758-803 MHz (Table 2) [MHz]
NZ700_DUPLEX_MHZ = Decimal(55)


@dataclass(frozen=True)
class Payment:
    """One payment recorded with a settlement [currency]."""

    payer: str
    payee: str
    amount: Decimal
    currency: str
    reference: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", number("amount", self.amount))
        if self.amount < 0:
            raise OutOfRangeError(f"payment of {self.payer}: amount={self.amount} must be >= 0")

    def record(self) -> dict[str, Any]:
        return {"payer": self.payer, "payee": self.payee, "amount": self.amount, "currency": self.currency,
                "reference": self.reference}


@dataclass(frozen=True)
class Settlement:
    """What one settlement does: tokens to winners (token id, winner) and the payments."""

    transfers: tuple[tuple[str, str], ...]
    payments: tuple[Payment, ...]
    reference: str

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self.transfers, columns=["token", "to"])


def _amount(value: Any) -> Decimal:
    return number("payment", float(value))


def from_clear_auction(bids: pd.DataFrame, result: pd.DataFrame, lot_tokens: Mapping[str, Sequence[str]], *,
                       payee: str, currency: str = "NZD", reference: str = "") -> Settlement:
    """A settlement of :func:`xlspectrum.market.combinatorial.clear_auction`: each winning bid's units, in token order, and its payment.

    Parameters
    ----------
    bids : the bids that were cleared (``bidder``, ``value`` and one column per lot, units wanted).
    result : what :func:`~xlspectrum.market.combinatorial.clear_auction` returned for them.
    lot_tokens : lot to the ids of its tokens, one per unit offered (the seller's).
    payee : who the winners pay (the seller, or the regulator for a primary auction).
    currency, reference : written with every payment.
    """
    if not {"won", "payment", "bidder"} <= set(result.columns) or not result.index.equals(bids.index):
        raise WrongTypeError("result must be clear_auction's result for these bids (same index, columns won and payment)")
    lots = [c for c in bids.columns if c not in ("bidder", "value")]
    unknown = [lot for lot in lots if lot not in lot_tokens]
    if unknown:
        raise OutOfRangeError(f"lot_tokens has no tokens for lot {unknown[0]!r}")
    left = {lot: list(lot_tokens[lot]) for lot in lots}
    rule = result.attrs.get("rule", "")
    reference = reference or f"clear_auction, rule {rule}"
    transfers, payments = [], []
    for label, row in result[result["won"]].iterrows():
        winner = text("bidder", str(row["bidder"]))
        for lot in lots:
            units = int(bids.loc[label, lot])
            if units > len(left[lot]):
                raise OutOfRangeError(f"lot {lot!r} has {len(lot_tokens[lot])} tokens but the winning bids take more")
            transfers += [(token, winner) for token in left[lot][:units]]
            left[lot] = left[lot][units:]
        payments.append(Payment(winner, payee, _amount(row["payment"]), currency, f"{reference}: bid {label}"))
    return Settlement(tuple(transfers), tuple(payments), reference)


def from_clock_auction(result: Any, block_tokens: Mapping[str, Mapping[Any, str]], *, payee: str,
                       currency: str = "NZD", reference: str = "") -> Settlement:
    """A settlement of :func:`xlspectrum.market.clock.clock_auction`: the blocks each winner was assigned, and its payments.

    Parameters
    ----------
    result : a :class:`~xlspectrum.market.clock.ClockAuctionResult`.
    block_tokens : category to (block label to token id), in band order.  Where the
        auction had an assignment round, each winner receives the blocks it was placed
        in; otherwise the category's tokens are handed out in this order.
    payee, currency, reference : as :func:`from_clear_auction`; one payment is recorded
        per bidder and phase (clock, supplementary, principal, assignment) that is not zero.
    """
    allocation = result.allocation
    categories = [c for c in block_tokens]
    missing = [c for c in categories if c not in allocation.columns]
    if missing:
        raise OutOfRangeError(f"block_tokens names category {missing[0]!r}, which the auction did not sell")
    reference = reference or f"clock auction ({result.design}), rule {result.rule}"
    transfers: list[tuple[str, str]] = []
    for category in categories:
        labels = list(block_tokens[category])
        placed = result.assignment[result.assignment["category"] == category] if len(result.assignment) else None
        if placed is not None and len(placed):
            for _, row in placed.iterrows():
                first, last = labels.index(row["first_block"]), labels.index(row["last_block"])
                transfers += [(block_tokens[category][label], text("bidder", str(row["bidder"])))
                              for label in labels[first:last + 1]]
        else:
            queue = list(labels)
            for _, row in allocation.iterrows():
                count = int(row[category])
                transfers += [(block_tokens[category][label], text("bidder", str(row["bidder"]))) for label in queue[:count]]
                queue = queue[count:]
    phases = [c for c in ("clock", "supplementary", "principal", "assignment") if c in allocation.columns]
    payments = []
    for _, row in allocation.iterrows():
        for phase in phases:
            if float(row[phase]) != 0:
                payments.append(Payment(text("bidder", str(row["bidder"])), payee, _amount(row[phase]), currency,
                                        f"{reference}: {phase}"))
    return Settlement(tuple(transfers), tuple(payments), reference)


def nz700_tokens(scenario: str = "printed") -> dict[int, Token]:
    """The lots of New Zealand's 700 MHz auction as tokens, by block number (thesis Table 2).

    Block n is (698 + 5n)-(703 + 5n) MHz paired with 55 MHz above, nationwide
    (:data:`NZ_AREA_KM`), for 18 years from the register's epoch (:data:`NZ700_WINDOW_H`),
    exclusive, licence ``"NZ 700 MHz block n"``; the lots are :func:`xlspectrum.models.nz700.lots`.
    """
    tokens = {}
    for number_, lot in enumerate(nz700.lots(scenario), 1):
        low, high = (Decimal(v) for v in nz700.BLOCKS[number_][0].split("-"))
        tokens[number_] = Token(band_mhz=(low, high), paired_offset_mhz=NZ700_DUPLEX_MHZ, area_km=NZ_AREA_KM,
                                window_h=NZ700_WINDOW_H, exclusive=True, area_name=lot.area,
                                licences=(f"NZ 700 MHz {lot.lot_id}",))
    return tokens
