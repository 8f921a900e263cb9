"""Canonical serialisation: one byte string per value, so a hash or a signature means one thing.

Sorted-key JSON without whitespace, UTF-8, with every quantity an exact decimal written as
a JSON string in its shortest plain form (``"703"``, ``"705.5"``, ``"-110"``: no exponent, no
trailing zeros, no ``-0``), whole counters as JSON integers, text NFC-normalised.  Floats
never enter: a binary float has no single decimal reading, and two machines printing it
differently would give one right two ids.  Text is compared as the bytes given (the token's
texts are NFC-normalised when a :class:`~xlspectrum.register.tokens.Token` is made).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from xlspectrum.core.validation import OutOfRangeError, WrongTypeError

__all__ = ["canonical_bytes", "decimal_text", "number", "parse_canonical", "sha256_hex", "text"]


def number(name: str, value: Any) -> Decimal:
    """``value`` as an exact, finite decimal: an int, a Decimal, a decimal text or a float (read as it prints).

    A float is read by its shortest round-trip text (``0.1`` is 0.1, not 0.1000000000000000055...),
    the number the user typed.
    """
    if isinstance(value, bool) or value is None:
        raise WrongTypeError(f"{name}={value!r} must be a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise WrongTypeError(f"{name}={value!r} is not a number") from None
    else:
        try:
            result = Decimal(repr(float(value)))  # numpy scalars
        except (TypeError, ValueError):
            raise WrongTypeError(f"{name}={value!r} must be a number") from None
    if not result.is_finite():
        raise OutOfRangeError(f"{name}={value!r} must be a finite number")
    return result


def decimal_text(value: Decimal) -> str:
    """The one text of a decimal: plain digits, no exponent, no trailing zeros, no ``-0``."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def text(name: str, value: Any, *, empty: bool = False) -> str:
    """A user's text (a name, a reason), NFC-normalised so that one name is one byte string."""
    if not isinstance(value, str):
        raise WrongTypeError(f"{name}={value!r} must be text")
    value = unicodedata.normalize("NFC", value)
    if not empty and not value.strip():
        raise WrongTypeError(f"{name} is empty; give a text")
    if len(value) > 1000:
        raise OutOfRangeError(f"{name} is {len(value)} characters long; at most 1000")
    return value


def _decimal(value: Any) -> str:
    if isinstance(value, Decimal):
        return decimal_text(value)
    raise WrongTypeError(f"{type(value).__name__} has no canonical form (numbers are Decimal or int)")


def canonical_bytes(value: Any) -> bytes:
    """Sorted-key, whitespace-free UTF-8 JSON of ``value`` with decimals as exact texts.

    Quantities must be :class:`~decimal.Decimal` (they become texts); a float would become
    a JSON number, which :func:`parse_canonical` reads back as a decimal and so as a
    different text: a payload holding one is refused as not canonical.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
                      default=_decimal).encode("utf-8")


def parse_canonical(text_: str) -> Any:
    """JSON as the register reads a payload: any JSON number as an exact decimal (floats never appear)."""
    return json.loads(text_, parse_float=Decimal)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
