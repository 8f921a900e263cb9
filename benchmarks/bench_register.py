"""The register at scale: 100,000 tokens and 1,000,000 log entries in SQLite, `holdings` and `verify` timed.

Builds a register through the public API (every operation signed with Ed25519, checked and
appended; submitted in batches of ``--batch`` operations a transaction): the regulator
issues ``--tokens`` tokens to ``--holders`` holders, then holders transfer tokens to one
another until the log has ``--entries`` entries.  Then times, each as a ratio to a
baseline measured in the same run on the same file:

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
from xlspectrum.register.keys import SIGNATURE_DOMAIN, sign


def key(name: str) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"bench {name}".encode()).digest())


def token(k: int) -> Token:
    """Token k: one of 100 one-MHz bands in one of 1,000 areas (10 x 10 km cells of a 10 x 100 grid)."""
    cell, band = divmod(k, 100)
    x, y = divmod(cell, 100)
    return Token(band_mhz=(Decimal(3400 + band), Decimal(3401 + band)), area_km=(10 * x, 10 * y, 10 * x + 10, 10 * y + 10),
                 window_h=(0, 87660), licences=(f"bench {k}",), area_name=f"cell {cell}")


def build(path: str, tokens: int, entries: int, holders: int, batch: int) -> Register:
    reg = Register.create(path, regulator="RSM", key=key("RSM"), epoch="2014-01-01")
    names = [f"H{h:03d}" for h in range(holders)]
    keys = {name: key(name) for name in ["RSM", *names]}
    reg.submit_many([_signed(reg, keys["RSM"], {"op": "enrol", "signer": "RSM", "seq": 2 + h, "party": name,
                                                "public_key": public_key_hex(keys[name])})
                     for h, name in enumerate(names)])
    seq = {name: 1 for name in names}
    seq["RSM"] = 2 + holders
    holder_of: list[str] = []
    pending, started = [], time.perf_counter()
    ids = []

    def flush() -> None:
        reg.submit_many(pending)
        pending.clear()

    for k in range(tokens):
        right = token(k)
        owner = names[k % holders]
        pending.append(_signed(reg, keys["RSM"], {"op": "issue", "signer": "RSM", "seq": seq["RSM"],
                                                  "token": right.content(), "holder": owner}))
        seq["RSM"] += 1
        holder_of.append(owner)
        ids.append(right.id)
        if len(pending) == batch:
            flush()
    flush()
    done = 1 + holders + tokens
    k = 0
    while done < entries:
        index = (k * 7919) % tokens  # a different token each time, all of them in turn
        giver = holder_of[index]
        taker = names[(names.index(giver) + 1 + k % (holders - 1)) % holders]
        pending.append(_signed(reg, keys[giver], {"op": "transfer", "signer": giver, "seq": seq[giver],
                                                  "token": ids[index], "to": taker}))
        seq[giver] += 1
        holder_of[index] = taker
        done += 1
        k += 1
        if len(pending) == batch:
            flush()
            if done % 100_000 < batch:
                print(f"  {done:,} entries, {time.perf_counter() - started:,.0f} s", flush=True)
    flush()
    return reg


def _signed(reg: Register, private: ed25519.Ed25519PrivateKey, fields: dict) -> tuple[dict, str]:
    payload = {"register": reg.id, "at_h": Decimal(1), **fields}
    return payload, sign(private, canonical_bytes(payload))


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
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--keep", default=None, help="Build into this file and keep it (default: a temporary file).")
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-register-")
    path = options.keep or os.path.join(folder, "register.sqlite")
    print(f"building {options.tokens:,} tokens and {options.entries:,} entries in {path}")
    start = time.perf_counter()
    reg = build(path, options.tokens, options.entries, options.holders, options.batch)
    built = time.perf_counter() - start
    print(f"built in {built:,.0f} s ({built / options.entries * 1e6:,.0f} us an entry, signing and checking included); "
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
