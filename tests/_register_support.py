"""Shared by the register's tests: keys from fixed seeds, small registers, and the example the host tests read."""

from __future__ import annotations

import datetime
import hashlib
import os
import tempfile
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric import ed25519

from xlspectrum.register import Register, Token, public_key_hex

PARTIES = ("RSM", "A", "B", "C", "D")
#: A fixed clock for tests: 2014-01-01 plus a day, so an operation may be dated up to 25 h
CLOCK = lambda: datetime.datetime(2014, 1, 2, tzinfo=datetime.timezone.utc)  # noqa: E731


def key(name: str) -> ed25519.Ed25519PrivateKey:
    """A party's test key, the same in every run and every process (never do this with a real key)."""
    return ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"xlspectrum test key {name}".encode()).digest())


def new_register(location, *, rules=None, parties=PARTIES[1:], clock=CLOCK) -> Register:
    """A register with the regulator RSM and the parties enrolled (entries 1 to 1 + len(parties))."""
    reg = Register.create(location, regulator="RSM", key=key("RSM"), epoch="2014-01-01", rules=rules, clock=clock)
    for name in parties:
        reg.enrol(name, public_key_hex(key(name)), key=key("RSM"), at_h=0)
    return reg


def box(low, high, *, area=(0, 0, 10, 10), window=(0, 100), licence=None, **terms) -> Token:
    return Token(band_mhz=(low, high), area_km=area, window_h=window, licences=(licence or f"L {low}-{high}",), **terms)


def example_register() -> str:
    """The register the spreadsheet functions' worked examples read (built once per process).

    Entries: 1 init, 2-3 enrol A and B, 4 issue 700-705 MHz to A, 5 issue 705-710 MHz to
    B, 6 A leases its token to B for 10-20 h.
    """
    global _EXAMPLE
    if _EXAMPLE is None:
        path = os.path.join(tempfile.mkdtemp(prefix="xlspectrum-register-example-"), "example.sqlite")
        reg = new_register(path, parties=("A", "B"))
        first = reg.issue(box(700, 705, licence="L1", area_name="Town"), "A", key=key("RSM"), at_h=0).token
        reg.issue(box(705, 710, licence="L2", area_name="Town"), "B", key=key("RSM"), at_h=0)
        reg.lease(first, "B", (10, 20), key=key("A"), at_h=1)
        reg.close()
        _EXAMPLE = path
    return _EXAMPLE


_EXAMPLE = None
EXAMPLE_TOKEN_A = box(700, 705, licence="L1", area_name="Town").id
D = Decimal
