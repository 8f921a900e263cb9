"""Canonical serialisation: one byte string per value, so a hash or a signature means one thing.

Sorted-key JSON without whitespace, UTF-8, with every quantity an exact decimal written as
a JSON string in its shortest plain form (``"703"``, ``"705.5"``, ``"-110"``: no exponent, no
trailing zeros, no ``-0``), whole counters as JSON integers, text NFC-normalised.  Floats
never enter: a binary float has no single decimal reading, and two machines printing it
differently would give one right two ids.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from .._validation import OutOfRangeError, WrongTypeError

__all__ = ["canonical_bytes", "decimal_text", "number", "sha256_hex", "text"]


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


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise WrongTypeError("canonical JSON keys must be text")
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    raise WrongTypeError(f"{type(value).__name__} has no canonical form (floats are not allowed: use Decimal)")


def canonical_bytes(value: Any) -> bytes:
    """Sorted-key, whitespace-free UTF-8 JSON of ``value`` with decimals as exact texts."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
