"""The register at scale: 100,000 tokens and 1,000,000 log entries in SQLite, `holdings` and `verify` timed.

Builds a register whose log has the regulator issue ``--tokens`` tokens to ``--holders``
holders and then holders transfer tokens to one another until it has ``--entries`` entries,
every entry signed with Ed25519 and chained; the log is written as it is and the holdings
rebuilt from it (``Register.rebuild``, which checks every entry as ``verify`` does).  Then
times, each as a ratio to a baseline measured in the same run on the same file:

* ``holdings`` (every live token as a table) against ``SELECT COUNT(*) FROM tokens`` and
  against reading every row of the tokens table (the floor of any listing);
* ``verify`` (replay of the whole log: chain, signatures, every operation re-checked, the
  holdings rebuilt and compared) against a bare loop that SHA-256-hashes every stored
  entry, and against hashing plus one Ed25519 verification per entry (the floor of
  checking signatures).

    python benchmarks/bench_register.py                       # 100,000 tokens, 1,000,000 entries
    python benchmarks/bench_register.py --tokens 1000 --entries 10000 --keep /tmp/r.sqlite
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import tempfile
import time
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric import ed25519

from xlspectrum.register import Register, Token, public_key_hex
from xlspectrum.register.canonical import canonical_bytes
from xlspectrum.register.core import entry_hash
from xlspectrum.register.keys import SIGNATURE_DOMAIN, sign


def key(name: str) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"bench {name}".encode()).digest())


def token(k: int) -> Token:
    """Token k: one of 100 one-MHz bands in one of 1,000 areas (10 x 10 km cells of a 10 x 100 grid)."""
    cell, band = divmod(k, 100)
    x, y = divmod(cell, 100)
    return Token(band_mhz=(Decimal(3400 + band), Decimal(3401 + band)), area_km=(10 * x, 10 * y, 10 * x + 10, 10 * y + 10),
                 window_h=(0, 87660), licences=(f"bench {k}",), area_name=f"cell {cell}")


def build(path: str, tokens: int, entries: int, holders: int) -> tuple[Register, float]:
    """A register of ``entries`` entries: the log written as signed entries, then :meth:`Register.rebuild` from it.

    Only the first entry goes through :meth:`Register.create`; the others are signed and
    chained here and inserted as the log alone, and ``rebuild`` derives every table from
    that log, checking each entry (chain, signature, the operation against the rules) as
    ``verify`` does: a log the register would refuse does not build.  Returns the register
    and the seconds ``rebuild`` took.
    """
    reg = Register.create(path, regulator="RSM", key=key("RSM"), epoch="2014-01-01")
    names = [f"H{h:03d}" for h in range(holders)]
    keys = {name: key(name) for name in ["RSM", *names]}
    seq = {name: 1 for name in names}
    seq["RSM"] = 2
    connection = sqlite3.connect(path)
    prev = connection.execute("SELECT hash FROM entries WHERE seq = 1").fetchone()[0]
    number, rows = 1, []
    started = time.perf_counter()

    def append(signer: str, fields: dict) -> None:
        nonlocal number, prev
        payload = {"register": reg.id, "at_h": Decimal(1), "signer": signer, "seq": seq[signer], **fields}
        seq[signer] += 1
        text = canonical_bytes(payload).decode()
        signature = sign(keys[signer], text.encode())
        number += 1
        prev_hash, prev = prev, entry_hash(number, prev, text, signature)
        rows.append((number, prev_hash, text, signature, prev))
        if len(rows) == 10_000:
            connection.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", rows)
            rows.clear()

    for name in names:
        append("RSM", {"op": "enrol", "party": name, "public_key": public_key_hex(keys[name])})
    holder_of, ids = [], []
    for k in range(tokens):
        right = token(k)
        holder_of.append(names[k % holders])
        ids.append(right.id)
        append("RSM", {"op": "issue", "token": right.content(), "holder": holder_of[-1]})
    k = 0
    while number < entries:
        index = (k * 7919) % tokens  # every token in turn, in a scattered order
        giver = holder_of[index]
        taker = names[(names.index(giver) + 1 + k % (holders - 1)) % holders]
        append(giver, {"op": "transfer", "token": ids[index], "to": taker})
        holder_of[index] = taker
        k += 1
    connection.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", rows)
    connection.executemany("UPDATE meta SET value = ? WHERE key = ?", [(str(number), "head_seq"), (prev, "head_hash")])
    connection.commit()
    connection.close()
    print(f"  signed and chained {number:,} entries in {time.perf_counter() - started:,.0f} s", flush=True)
    return reg, timed(reg.rebuild)


def timed(function, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--holders", type=int, default=100)
    parser.add_argument("--keep", default=None, help="Build into this file and keep it (default: a temporary file).")
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-register-")
    path = options.keep or os.path.join(folder, "register.sqlite")
    print(f"building {options.tokens:,} tokens and {options.entries:,} entries in {path}")
    reg, rebuilt = build(path, options.tokens, options.entries, options.holders)
    print(f"rebuild from the log: {rebuilt:,.0f} s ({rebuilt / options.entries * 1e6:,.0f} us an entry); "
          f"file {os.path.getsize(path) / 2**20:,.0f} MiB")

    connection = sqlite3.connect(path)
    count = timed(lambda: connection.execute("SELECT COUNT(*) FROM tokens").fetchone(), 3)
    rows = timed(lambda: connection.execute("SELECT * FROM tokens").fetchall(), 3)
    holdings = timed(lambda: reg.holdings(), 3)
    live = len(reg.holdings())
    print(f"holdings ({live:,} live tokens): {holdings:.3f} s = {holdings / count:,.0f}x SELECT COUNT(*) "
          f"({count * 1e3:.1f} ms), {holdings / rows:.1f}x reading every row ({rows:.3f} s)")
    one = timed(lambda: reg.holdings("H001"), 3)
    print(f"holdings of one holder ({len(reg.holdings('H001')):,} tokens): {one:.3f} s = {one / count:,.1f}x SELECT COUNT(*)")

    stored = connection.execute("SELECT seq, prev_hash, payload, signature, hash FROM entries ORDER BY seq").fetchall()
    public = {name: ed25519.Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex(key(name))))
              for name in ["RSM", *[f"H{h:03d}" for h in range(options.holders)]]}
    signers = [payload.split('"signer":"', 1)[1].split('"', 1)[0] for _, _, payload, _, _ in stored]

    def hash_loop() -> None:
        for seq, prev, payload, signature, _ in stored:
            hashlib.sha256(f"{seq}{prev}{payload}{signature}".encode()).digest()

    def hash_and_signature_loop() -> None:
        for (seq, prev, payload, signature, _), signer in zip(stored, signers):
            hashlib.sha256(f"{seq}{prev}{payload}{signature}".encode()).digest()
            public[signer].verify(bytes.fromhex(signature), SIGNATURE_DOMAIN + payload.encode())

    bare = timed(hash_loop)
    floor = timed(hash_and_signature_loop)
    verify = timed(reg.verify)
    print(f"verify ({len(stored):,} entries): {verify:,.1f} s = {verify / bare:,.0f}x a bare SHA-256 loop over the entries "
          f"({bare:.2f} s), {verify / floor:.1f}x hashing plus one Ed25519 verification an entry ({floor:.1f} s)")
    connection.close()
    reg.close()
    if not options.keep:
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


if __name__ == "__main__":
    main()
