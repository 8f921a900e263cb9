"""A register of spectrum rights as tokens: a tamper-evident, hash-chained log with trades, splits and rules.

The white paper's tokens, marketplace, immutable record and "smart contracts" as plain
software: rights are tokens (:class:`Token`) whose ids are hashes of their content; every
operation is an Ed25519-signed entry of an append-only log whose entries carry the hash of
the one before (:class:`Register`); compliance rules are data the regulator sets
(:mod:`~xlspectrum.register.rules`); auction results settle in one atomic entry
(:mod:`~xlspectrum.register.settlement`).  SQLite by default, PostgreSQL optional.

Reading needs nothing beyond the base install; signing and verifying need the ``register``
extra (``cryptography``), PostgreSQL the ``postgres`` extra.
"""

from xlspectrum.register.cells import register_history, register_holder, register_holdings
from xlspectrum.register.core import OPERATIONS, Receipt, Register, RegisterError, SequenceRefused, VerificationError, VerifyReport
from xlspectrum.register.keys import public_key_hex, read_private_key, read_public_key, write_key_pair
from xlspectrum.register.rules import DEFAULT_RULES, Refused, parse_rules, rules_from_json
from xlspectrum.register.settlement import NZ_AREA_KM, NZ700_WINDOW_H, Payment, Settlement, from_clear_auction, from_clock_auction, nz700_tokens
from xlspectrum.register.tokens import DIMENSIONS, Token, merge_tokens

__all__ = ["DEFAULT_RULES", "DIMENSIONS", "NZ_AREA_KM", "NZ700_WINDOW_H", "OPERATIONS", "Payment", "Receipt", "Refused",
           "Register", "RegisterError", "SequenceRefused", "Settlement", "Token", "VerificationError", "VerifyReport",
           "from_clear_auction", "from_clock_auction", "merge_tokens", "nz700_tokens", "parse_rules", "public_key_hex",
           "read_private_key", "read_public_key", "register_history", "register_holder", "register_holdings",
           "rules_from_json", "write_key_pair"]
