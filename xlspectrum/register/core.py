"""The register: an append-only, hash-chained log of signed operations and the holdings it implies.

Every operation (``init``, ``enrol``, ``rules``, ``issue``, ``transfer``, ``split``, ``merge``,
``lease``, ``revoke``, ``settle``) is a payload signed by the party that makes it (Ed25519).
The payload names the register (its id, the hash of its first entry), the signer, the
signer's next sequence number and the time of the operation [h from the register's epoch],
so a signature is good for one operation in one register, once, in order.  An accepted
operation becomes entry ``seq`` of the log, ``{seq, prev, payload, signature}`` hashed with
SHA-256; ``prev`` is the hash of the entry before, so changing, removing or reordering any
entry breaks the chain from there on (the idea of certificate transparency logs and git).

The holdings (tokens, holders, leases, payments) are derived tables updated in the same
transaction as the entry: :meth:`Register.verify` replays the whole log from nothing, with
every signature and rule checked again, and compares; :meth:`Register.rebuild` rewrites the
derived tables from the log alone.
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable, Mapping, Sequence

import pandas as pd

from xlspectrum.core.validation import OutOfRangeError, WrongTypeError, XlSpectrumError
from xlspectrum.register import keys as keylib
from xlspectrum.register.canonical import canonical_bytes, decimal_text, number, parse_canonical, sha256_hex, text
from xlspectrum.register.rules import DEFAULT_RULES, Refused, cap_excess, parse_rules, receiver_exceeded
from xlspectrum.register.storage import DERIVED, SCHEMA_VERSION, SQLiteStore, Store, StoreError, Tx, open_store, with_retries
from xlspectrum.register.tokens import DIMENSIONS, Token, merge_tokens

__all__ = ["OPERATIONS", "Receipt", "Register", "RegisterError", "SequenceRefused", "VerificationError", "VerifyReport",
           "entry_hash"]

OPERATIONS = ("init", "enrol", "rules", "issue", "transfer", "split", "merge", "lease", "revoke", "settle")
#: Operations only the regulator may sign
REGULATOR_OPERATIONS = ("init", "enrol", "rules", "issue", "revoke")
#: The previous-hash of the first entry
GENESIS_PREV = "0" * 64
#: How far ahead of the register's clock an operation may be dated [h]
MAX_FUTURE_H = Decimal(1)
#: Decimals of an operation time taken from the clock [h] (a millionth of an hour: 3.6 ms)
CLOCK_DECIMALS = Decimal("0.000001")
#: Statuses of a token: live, split or merged into others (it can come back by the merge that undoes it), revoked
STATUSES = ("active", "retired", "revoked")


class RegisterError(WrongTypeError):
    """A register that cannot be used as asked."""


class SequenceRefused(Refused):
    """A sequence number that is not the signer's next: a replay or an operation out of order."""


class VerificationError(RegisterError):
    """The log or the holdings fail verification; ``entry`` is the first bad entry (None: a derived table)."""

    def __init__(self, message: str, entry: int | None = None) -> None:
        super().__init__(message)
        self.entry = entry


def entry_hash(seq: int, prev: str, payload: str, signature: str) -> str:
    """SHA-256 of an entry's canonical form: its number, the previous hash, the payload text and the signature."""
    return sha256_hex(canonical_bytes({"seq": seq, "prev": prev, "payload": payload, "signature": signature}))


def _payload_text(payload: Mapping[str, Any]) -> str:
    return canonical_bytes(payload).decode("utf-8")


@functools.lru_cache(maxsize=4096)
def _token_of(content: str) -> Token:
    """The token of a stored content text (tokens are immutable: parsed and checked once)."""
    return Token.from_content(json.loads(content))


@functools.lru_cache(maxsize=64)
def _parsed_rules(document: str) -> list[dict[str, Any]]:
    """The rules of a stored rules document (parsed once per text: every operation reads them)."""
    return parse_rules(json.loads(document))["rules"]


def _epoch(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise WrongTypeError(f"epoch={value!r} must be a date or time in ISO 8601, e.g. 2014-01-01") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)


def _epoch_text(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(name: str, value: Any) -> Decimal:
    result = number(name, value)
    if result < 0:
        raise OutOfRangeError(f"{name}={decimal_text(result)} h must be >= 0 (hours from the register's epoch)")
    return result


@dataclass(frozen=True)
class Receipt:
    """What an accepted operation became: entry ``seq`` with ``hash``, and the tokens it created."""

    seq: int
    hash: str
    tokens: tuple[str, ...] = ()

    @property
    def token(self) -> str:
        if len(self.tokens) != 1:
            raise WrongTypeError(f"entry {self.seq} created {len(self.tokens)} tokens, not one")
        return self.tokens[0]


@dataclass(frozen=True)
class VerifyReport:
    """A verified register: its entries, its head and its live tokens."""

    entries: int
    head_seq: int
    head_hash: str
    active_tokens: int

    def __str__(self) -> str:
        return (f"register verified: {self.entries} entries, hash chain and signatures good, every operation "
                f"re-checked and the holdings rebuilt equal ({self.active_tokens} live tokens); "
                f"head entry {self.head_seq} sha256:{self.head_hash}")


# ----------------------------------------------------------------------------------------- state
class _State:
    """The derived tables seen through one transaction (the live register's or a replay's)."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self._meta: dict[str, str] | None = None

    def meta(self, key: str) -> str | None:
        if self._meta is None:
            self._meta = dict(self.tx.rows("SELECT key, value FROM meta"))
        return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        self.tx.run("INSERT INTO meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = :value",
                    {"key": key, "value": value})
        if self._meta is not None:
            self._meta[key] = value

    def rules(self) -> list[dict[str, Any]]:
        return _parsed_rules(self.meta("rules") or _payload_text(DEFAULT_RULES))

    def party(self, name: str) -> tuple[str, int] | None:
        rows = self.tx.rows("SELECT public_key, next_seq FROM parties WHERE name = :name", {"name": name})
        return (rows[0][0], int(rows[0][1])) if rows else None

    def party_of_key(self, public_key: str) -> str | None:
        rows = self.tx.rows("SELECT name FROM parties WHERE public_key = :key", {"key": public_key})
        return rows[0][0] if rows else None

    def token(self, token_id: str) -> tuple[Token, str, str, int] | None:
        rows = self.tx.rows("SELECT content, holder, status, since_seq FROM tokens WHERE id = :id", {"id": token_id})
        if not rows:
            return None
        content, holder, status, since = rows[0]
        return _token_of(content), holder, status, int(since)

    def put_token(self, token: Token, holder: str, status: str, seq: int) -> None:
        span_lo = float(token.band_mhz[0])
        span_hi = float(token.band_mhz[1] + token.paired_offset_mhz)
        params = {"id": token.id, "content": _payload_text(token.content()), "holder": holder, "status": status,
                  "band_lo": span_lo, "band_hi": float(token.band_mhz[1]),
                  "paired": float(token.paired_offset_mhz), "x0": float(token.area_km[0]), "y0": float(token.area_km[1]),
                  "x1": float(token.area_km[2]), "y1": float(token.area_km[3]), "t0": float(token.window_h[0]),
                  "t1": float(token.window_h[1]), "span_lo": span_lo, "span_hi": span_hi, "seq": seq}
        self.tx.run("INSERT INTO tokens (id, content, holder, status, band_lo, band_hi, paired, x0, y0, x1, y1, t0, t1, "
                    "span_lo, span_hi, since_seq) VALUES (:id, :content, :holder, :status, :band_lo, :band_hi, :paired, "
                    ":x0, :y0, :x1, :y1, :t0, :t1, :span_lo, :span_hi, :seq) ON CONFLICT (id) DO UPDATE SET "
                    "holder = :holder, status = :status, since_seq = :seq", params)
        widest = span_hi - span_lo
        if widest > float(self.meta("widest_span_mhz") or 0):
            self.set_meta("widest_span_mhz", repr(widest))

    def move(self, token_id: str, holder: str, status: str, seq: int) -> None:
        """A token already stored changes holder or status."""
        self.tx.run("UPDATE tokens SET holder = :holder, status = :status, since_seq = :seq WHERE id = :id",
                    {"id": token_id, "holder": holder, "status": status, "seq": seq})

    def put_new(self, token: Token, holder: str, seq: int) -> None:
        """A token made by a split or merge: new, or one that was split or merged before coming back."""
        found = self.token(token.id)
        if found is not None and found[2] != "retired":
            raise Refused("", f"token {token.id[:12]} would exist twice (it is {found[2]} already)")
        self.put_token(token, holder, "active", seq)

    def touch(self, token_id: str, seq: int, role: str) -> None:
        self.tx.run("INSERT INTO token_entries (token_id, seq, role) VALUES (:id, :seq, :role)",
                    {"id": token_id, "seq": seq, "role": role})

    def near(self, token: Token, *, limited: bool = False) -> list[tuple[Token, str]]:
        """Live tokens that share band, area and time with ``token``, with their holders."""
        low = float(token.band_mhz[0])
        high = float(token.band_mhz[1] + token.paired_offset_mhz)
        slack = 1e-9 * max(1.0, high)
        widest = float(self.meta("widest_span_mhz") or 0)
        params = {"x0": float(token.area_km[0]) - 1e-9, "y0": float(token.area_km[1]) - 1e-9,
                  "x1": float(token.area_km[2]) + 1e-9, "y1": float(token.area_km[3]) + 1e-9,
                  "t0": float(token.window_h[0]) - 1e-9, "t1": float(token.window_h[1]) + 1e-9,
                  "from": low - widest - slack, "lo": low - slack, "hi": high + slack}
        rows = self.tx.rows("SELECT content, holder FROM tokens WHERE status = 'active' AND span_lo > :from "
                            "AND span_lo < :hi AND span_hi > :lo AND x0 < :x1 AND x1 > :x0 AND y0 < :y1 AND y1 > :y0 "
                            "AND t0 < :t1 AND t1 > :t0", params)
        found = [(_token_of(content), who) for content, who in rows]
        return [(t, who) for t, who in found if t.overlaps(token) and (not limited or t.limit_dbm_per_mhz is not None)]

    def held_by(self, holder: str) -> list[Token]:
        rows = self.tx.rows("SELECT content FROM tokens WHERE status = 'active' AND holder = :holder", {"holder": holder})
        return [_token_of(content) for (content,) in rows]

    def open_lease(self, token_id: str, at_h: Decimal) -> tuple[str, Decimal, Decimal] | None:
        """A lease of the token that has not ended at ``at_h`` (under way or to come)."""
        rows = self.tx.rows("SELECT lessee, start_h, end_h FROM leases WHERE token_id = :id AND end_r >= :at",
                            {"id": token_id, "at": float(at_h) - 1e-6})
        for lessee, start, end in sorted(rows, key=lambda r: Decimal(r[1])):
            if Decimal(end) > at_h:
                return lessee, Decimal(start), Decimal(end)
        return None


def _token_state(state: _State, token_id: Any, signer: str, at_h: Decimal, what: str) -> Token:
    """A live token the signer holds and has not leased out; else the refusal saying why not."""
    if not isinstance(token_id, str):
        raise Refused("", f"token={token_id!r} must be a token id")
    found = state.token(token_id)
    if found is None:
        raise Refused("", f"there is no token {token_id[:12]} in this register")
    token, holder, status, since = found
    if status == "revoked":
        raise Refused("", f"token {token_id[:12]} was revoked (entry {since}); it cannot be {what}")
    if status == "retired":
        raise Refused("", f"token {token_id[:12]} was split or merged into others (entry {since}); it cannot be {what}")
    if holder != signer:
        raise Refused("holder", f"{signer} does not hold token {token_id[:12]} ({holder} does), so {signer} cannot have it {what}")
    lease = state.open_lease(token_id, at_h)
    if lease is not None:
        lessee, start, end = lease
        raise Refused("lease", f"token {token_id[:12]} is leased out to {lessee} from {decimal_text(start)} to "
                               f"{decimal_text(end)} h; it cannot be {what} before the lease ends")
    return token


def _party(state: _State, name: Any, role: str) -> str:
    if not isinstance(name, str) or state.party(name) is None:
        raise Refused("", f"{role} {name!r} is not enrolled in this register (the regulator enrols parties)")
    return name


def _check_caps(state: _State, rules: Sequence[Mapping[str, Any]], holder: str, received: Sequence[Token]) -> None:
    caps = [r for r in rules if r["kind"] == "cap"]
    if not caps or not received or holder == state.meta("regulator"):
        return  # the regulator holds what is not assigned: caps are for the holders it assigns to
    held = state.held_by(holder)
    have = {t.id for t in held}
    held += [t for t in received if t.id not in have]
    for rule in caps:
        excess = cap_excess(rule, held, received)
        if excess is not None:
            raise Refused(rule["id"], f"{holder} would hold {decimal_text(excess.mhz)} MHz of "
                                      f"{decimal_text(rule['band_mhz'][0])}-{decimal_text(rule['band_mhz'][1])} MHz at "
                                      f"x {decimal_text(excess.x_km)} km, y {decimal_text(excess.y_km)} km, "
                                      f"{decimal_text(excess.at_h)} h, above the cap of {decimal_text(rule['max_mhz'])} MHz")


def _check_new_rights(state: _State, rules: Sequence[Mapping[str, Any]], token: Token) -> None:
    """Rules for a right that did not exist before (an issue): exclusivity and protected receivers."""
    if any(r["kind"] == "exclusive" for r in rules):
        rule = next(r for r in rules if r["kind"] == "exclusive")
        for other, who in state.near(token):
            if token.exclusive or other.exclusive:
                which = "it is exclusive" if token.exclusive else f"{other.id[:12]} is exclusive"
                raise Refused(rule["id"], f"the new token ({token.describe()}) overlaps token {other.id[:12]} of {who} "
                                          f"({other.describe()}) and {which}")
    for rule in (r for r in rules if r["kind"] == "protected_receiver"):
        if token.limit_dbm_per_mhz is None:
            break
        receiver_box = Token(band_mhz=tuple(rule["band_mhz"]), area_km=tuple(rule["area_km"]),
                             window_h=tuple(rule["window_h"]), licences=("receiver",))
        if not token.overlaps(receiver_box):
            continue
        others = [t for t, _ in state.near(receiver_box, limited=True)]
        problem = receiver_exceeded(rule, [*others, token])
        if problem:
            raise Refused(rule["id"], problem)


# ----------------------------------------------------------------------------------------- apply
def _apply(state: _State, seq: int, payload_text: str, signature: str | None, *, now_h: Decimal | None) -> tuple[str, ...]:
    """Check one signed operation against the state and apply it as entry ``seq``; return the tokens it created.

    ``now_h`` is the register's clock [h] for a live operation (None when replaying the log,
    where each entry is checked at its own time).
    """
    try:
        payload = parse_canonical(payload_text)
    except ValueError:
        raise Refused("", "the payload is not JSON") from None
    if not isinstance(payload, dict):
        raise Refused("", "the payload must be a JSON object")
    if _payload_text(payload) != payload_text:
        raise Refused("", "the payload is not in canonical form (sorted keys, no spaces, decimals as texts)")
    op, signer = payload.get("op"), payload.get("signer")
    if op not in OPERATIONS:
        raise Refused("", f"op={op!r} must be one of {', '.join(OPERATIONS)}")
    if not signature:
        raise Refused("signature", f"the {op} operation carries no signature; every operation is signed by its maker")
    register_id = state.meta("register_id")
    if op == "init":
        if register_id is not None:
            raise Refused("", "this register has its first entry already; init comes once")
        public_key = payload.get("public_key")
        signer_key = public_key if isinstance(public_key, str) else ""
        next_seq = 1
    else:
        if register_id is None:
            raise Refused("", "the register has no first entry (init)")
        if payload.get("register") != register_id:
            raise Refused("register", f"the operation is for register {str(payload.get('register'))[:12]}, not this one "
                                      f"({register_id[:12]})")
        known = state.party(signer) if isinstance(signer, str) else None
        if known is None:
            raise Refused("signature", f"signer {signer!r} is not enrolled in this register")
        signer_key, next_seq = known
    if not keylib.signature_valid(signer_key, payload_text.encode("utf-8"), signature):
        raise Refused("signature", f"the signature does not verify against {signer}'s public key (wrong key, or the "
                                   "operation was changed after signing)")
    given_seq = payload.get("seq")
    if not isinstance(given_seq, int) or isinstance(given_seq, bool):
        raise Refused("sequence", f"seq={given_seq!r} must be a whole number")
    if given_seq != next_seq:
        kind = "a replay" if given_seq < next_seq else "out of order"
        raise SequenceRefused("sequence", f"{signer}'s operation has sequence number {given_seq} but the next is "
                                          f"{next_seq}: {kind}")
    at_h = _time("at_h", payload.get("at_h"))
    head_at = state.meta("head_at_h")
    if head_at is not None and at_h < Decimal(head_at):
        raise Refused("time", f"the operation is dated {decimal_text(at_h)} h, before the last entry's "
                              f"{head_at} h: the log runs forward in time")
    if now_h is not None and at_h > now_h + MAX_FUTURE_H:
        raise Refused("time", f"the operation is dated {decimal_text(at_h)} h, more than {decimal_text(MAX_FUTURE_H)} h "
                              f"after the register's clock ({decimal_text(now_h)} h)")
    regulator = state.meta("regulator")
    if op in REGULATOR_OPERATIONS and op != "init" and signer != regulator:
        raise Refused("regulator", f"only the regulator ({regulator}) may {op}; {signer} signed it")
    rules = state.rules() if op != "init" else []
    created: tuple[str, ...] = ()

    if op == "init":
        name = text("regulator", signer)
        epoch = _epoch_text(_epoch(payload.get("epoch")))
        if epoch != payload.get("epoch"):
            raise Refused("", f"epoch={payload.get('epoch')!r} must be written as {epoch}")
        document = parse_rules(payload.get("rules", DEFAULT_RULES))
        register_id = entry_hash(seq, GENESIS_PREV, payload_text, signature)
        for key, value in (("register_id", register_id), ("regulator", name), ("epoch", epoch),
                           ("rules", _payload_text(document)), ("schema", SCHEMA_VERSION)):
            state.set_meta(key, value)
        state.tx.run("INSERT INTO parties (name, public_key, next_seq, enrolled_seq) VALUES (:n, :k, 1, :s)",
                     {"n": name, "k": signer_key, "s": seq})
    elif op == "enrol":
        name = text("party", payload.get("party"))
        key = payload.get("public_key")
        try:
            keylib.public_key_from_hex(key if isinstance(key, str) else "")
        except XlSpectrumError as error:
            raise Refused("", str(error)) from None
        owner = state.party_of_key(key)
        if owner is not None and owner != name:
            raise Refused("", f"that public key is {owner}'s already; every party needs its own key")
        if state.party(name) is None:
            state.tx.run("INSERT INTO parties (name, public_key, next_seq, enrolled_seq) VALUES (:n, :k, 1, :s)",
                         {"n": name, "k": key, "s": seq})
        else:  # a new key for a party (key rotation); its sequence numbers go on
            state.tx.run("UPDATE parties SET public_key = :k, enrolled_seq = :s WHERE name = :n", {"n": name, "k": key, "s": seq})
    elif op == "rules":
        try:
            document = parse_rules(payload.get("rules"))
        except XlSpectrumError as error:
            raise Refused("", str(error)) from None
        state.set_meta("rules", _payload_text(document))
    elif op == "issue":
        holder = _party(state, payload.get("holder"), "holder")
        try:
            token = Token.from_content(payload.get("token"))
        except (XlSpectrumError, KeyError, TypeError) as error:
            raise Refused("", f"the token is not valid: {error}") from None
        if token.window_h[1] <= at_h:
            raise Refused("", f"the token's window {decimal_text(token.window_h[0])}-{decimal_text(token.window_h[1])} h "
                              f"has ended by the time of issue, {decimal_text(at_h)} h")
        if state.token(token.id) is not None:
            raise Refused("", f"token {token.id[:12]} exists already in this register")
        for licence in token.licences:
            if state.tx.rows("SELECT seq FROM licences WHERE name = :n", {"n": licence}):
                raise Refused("", f"licence {licence!r} was issued already; every issue needs a licence name of its own")
        _check_new_rights(state, rules, token)
        _check_caps(state, rules, holder, [token])
        for licence in token.licences:
            state.tx.run("INSERT INTO licences (name, seq) VALUES (:n, :s)", {"n": licence, "s": seq})
        state.put_token(token, holder, "active", seq)
        state.touch(token.id, seq, "issued")
        created = (token.id,)
    elif op in ("transfer", "settle"):
        if op == "transfer":
            moves = [{"token": payload.get("token"), "to": payload.get("to")}]
            price = payload.get("price")
            payments = [] if price is None else [{"payer": payload.get("to"), "payee": signer, **price,
                                                  "reference": f"price of token {str(payload.get('token'))[:12]}"}]
        else:
            moves, payments = payload.get("transfers"), payload.get("payments")
            if not isinstance(moves, list) or not isinstance(payments, list):
                raise Refused("", "a settlement needs lists of transfers and payments")
        seen: set[str] = set()
        received: dict[str, list[Token]] = {}
        for move in moves:
            if not isinstance(move, dict):
                raise Refused("", "every transfer must be {token, to}")
            token = _token_state(state, move.get("token"), signer, at_h, "transferred")
            if token.id in seen:
                raise Refused("", f"token {token.id[:12]} is transferred twice in one operation")
            seen.add(token.id)
            to = _party(state, move.get("to"), "recipient")
            if to == signer:
                raise Refused("", f"{signer} holds token {token.id[:12]} already")
            received.setdefault(to, []).append(token)
        for to, tokens in received.items():
            _check_caps(state, rules, to, tokens)
        for to, tokens in received.items():
            for token in tokens:
                state.move(token.id, to, "active", seq)
                state.touch(token.id, seq, "transferred" if op == "transfer" else "settled")
        for line, pay in enumerate(payments, 1):
            if not isinstance(pay, dict) or set(pay) != {"payer", "payee", "amount", "currency", "reference"}:
                raise Refused("", "every payment must be {payer, payee, amount, currency, reference}")
            amount = number("payment amount", pay["amount"])
            if amount < 0:
                raise Refused("", f"payment amount {decimal_text(amount)} must be >= 0")
            _party(state, pay["payer"], "payer")
            _party(state, pay["payee"], "payee")
            state.tx.run("INSERT INTO payments (seq, line, payer, payee, amount, currency, reference) VALUES "
                         "(:seq, :line, :payer, :payee, :amount, :currency, :reference)",
                         {"seq": seq, "line": line, "payer": pay["payer"], "payee": pay["payee"],
                          "amount": decimal_text(amount), "currency": text("currency", pay["currency"]),
                          "reference": text("reference", pay["reference"], empty=True)})
    elif op == "split":
        token = _token_state(state, payload.get("token"), signer, at_h, "split")
        try:
            parts = token.split(payload.get("dimension"), payload.get("at"))
        except XlSpectrumError as error:
            raise Refused("", str(error)) from None
        state.move(token.id, signer, "retired", seq)
        state.touch(token.id, seq, "split")
        for part in parts:
            state.put_new(part, signer, seq)
            state.touch(part.id, seq, "split from")
        created = tuple(p.id for p in parts)
    elif op == "merge":
        ids = payload.get("tokens")
        if not isinstance(ids, list):
            raise Refused("", "tokens must be a list of token ids")
        parts = [_token_state(state, token_id, signer, at_h, "merged") for token_id in ids]
        try:
            merged = merge_tokens(parts)
        except XlSpectrumError as error:
            raise Refused("conservation" if "conservation" in str(error) else "", str(error).removeprefix("conservation: ")) from None
        for part in parts:
            state.move(part.id, signer, "retired", seq)
            state.touch(part.id, seq, "merged")
        state.put_new(merged, signer, seq)
        state.touch(merged.id, seq, "merged from")
        created = (merged.id,)
    elif op == "lease":
        token = _token_state(state, payload.get("token"), signer, at_h, "leased")
        lessee = _party(state, payload.get("to"), "lessee")
        if lessee == signer:
            raise Refused("", f"{signer} holds token {token.id[:12]}; a lease goes to another party")
        window = payload.get("window_h")
        if not isinstance(window, list) or len(window) != 2:
            raise Refused("", "window_h must be [start, end]")
        start, end = _time("lease start", window[0]), _time("lease end", window[1])
        if start >= end:
            raise Refused("", f"the lease window {decimal_text(start)}-{decimal_text(end)} h must have start < end")
        if start < at_h:
            raise Refused("", f"the lease starts at {decimal_text(start)} h, before the operation's time "
                              f"{decimal_text(at_h)} h: a lease cannot start in the past")
        if start < token.window_h[0] or end > token.window_h[1]:
            raise Refused("", f"the lease {decimal_text(start)}-{decimal_text(end)} h is outside the token's window "
                              f"{decimal_text(token.window_h[0])}-{decimal_text(token.window_h[1])} h")
        state.tx.run("INSERT INTO leases (token_id, seq, lessee, start_h, end_h, start_r, end_r) VALUES "
                     "(:id, :seq, :lessee, :start, :end, :start_r, :end_r)",
                     {"id": token.id, "seq": seq, "lessee": lessee, "start": decimal_text(start), "end": decimal_text(end),
                      "start_r": float(start), "end_r": float(end)})
        state.touch(token.id, seq, "leased")
    elif op == "revoke":
        token_id = payload.get("token")
        found = state.token(token_id) if isinstance(token_id, str) else None
        if found is None:
            raise Refused("", f"there is no token {str(token_id)[:12]} in this register")
        token, holder, status, since = found
        if status != "active":
            raise Refused("", f"token {token_id[:12]} is not live ({status} at entry {since}); revoke its live parts")
        text("reason", payload.get("reason", ""), empty=True)
        state.move(token.id, holder, "revoked", seq)
        state.touch(token.id, seq, "revoked")
    if op != "init":
        state.tx.run("UPDATE parties SET next_seq = next_seq + 1 WHERE name = :n", {"n": signer})
    else:
        state.tx.run("UPDATE parties SET next_seq = 2 WHERE name = :n", {"n": signer})
    state.set_meta("head_at_h", decimal_text(at_h))
    return created


def _append(state: _State, payload_text: str, signature: str | None, *, now_h: Decimal | None,
            expect_seq: int | None = None) -> Receipt:
    """Apply one operation and write its entry after the head."""
    head_seq = int(state.meta("head_seq") or 0)
    head_hash = state.meta("head_hash") or GENESIS_PREV
    seq = head_seq + 1
    if expect_seq is not None and expect_seq != seq:
        raise VerificationError(f"entry {expect_seq} is missing: the log goes from entry {head_seq} to {expect_seq}",
                                entry=seq)
    created = _apply(state, seq, payload_text, signature, now_h=now_h)
    digest = entry_hash(seq, head_hash, payload_text, signature or "")
    state.tx.run("INSERT INTO entries (seq, prev_hash, payload, signature, hash) VALUES (:seq, :prev, :payload, :sig, :hash)",
                 {"seq": seq, "prev": head_hash, "payload": payload_text, "sig": signature or "", "hash": digest})
    state.set_meta("head_seq", str(seq))
    state.set_meta("head_hash", digest)
    return Receipt(seq, digest, created)


# ----------------------------------------------------------------------------------------- the API
class Register:
    """A register of spectrum rights held as tokens, in SQLite or PostgreSQL.

    Open one with :meth:`create` or :meth:`open`.  Operations take the signer's Ed25519
    private key (read with :func:`xlspectrum.register.read_private_key`); the key is used to
    sign and forgotten, and the signer is the party enrolled with its public key.  Every
    operation takes ``at_h``, its time [h from the epoch] (default: the register's clock).

    Parameters
    ----------
    store : where the register lives (:func:`~xlspectrum.register.storage.open_store`).
    clock : returns the current time (UTC datetime); default the system clock.
    """

    def __init__(self, store: Store, clock: Callable[[], datetime.datetime] | None = None) -> None:
        self.store = store
        self.clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self._meta: dict[str, str] = {}

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, location: Any, *, regulator: str, key: Any, epoch: Any = "2014-01-01", rules: Any = None,
               at_h: Any = 0, clock: Callable[[], datetime.datetime] | None = None) -> "Register":
        """A new register whose first entry (signed by the regulator's key) sets its epoch and rules.

        Parameters
        ----------
        location : a new SQLite file's path, or a ``postgresql://`` URL of an empty database.
        regulator : the regulator's name; it issues and revokes tokens and enrols parties.
        key : the regulator's Ed25519 private key.
        epoch : the time the register's hours count from (ISO 8601, UTC).
        rules : the rules document (:mod:`~xlspectrum.register.rules`); default exclusivity only.
        at_h : the time of the first entry [h from the epoch].
        """
        store = open_store(location, create=True)
        store.create_schema()
        register = cls(store, clock)
        if store.is_register():
            raise RegisterError(f"{store.location} holds a register already; init creates a new one")
        payload = {"op": "init", "signer": text("regulator", regulator), "public_key": keylib.public_key_hex(key),
                   "epoch": _epoch_text(_epoch(epoch)), "rules": parse_rules(rules or DEFAULT_RULES), "seq": 1,
                   "at_h": _time("at_h", at_h), "nonce": _nonce()}
        register.submit(payload, keylib.sign(key, canonical_bytes(payload)))
        return register

    @classmethod
    def open(cls, location: Any, *, read_only: bool = False,
             clock: Callable[[], datetime.datetime] | None = None) -> "Register":
        """An existing register (a SQLite file's path or a ``postgresql://`` URL)."""
        store = open_store(location, read_only=read_only)
        if not store.is_register():
            raise RegisterError(f"{store.location} is not an xlspectrum register (no first entry)")
        return cls(store, clock)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Register":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ facts
    def _fact(self, key: str) -> str:
        if key not in self._meta:
            with self.store.read() as tx:
                value = _State(tx).meta(key)
            if value is None:
                raise RegisterError(f"{self.store.location} has no {key}")
            self._meta[key] = value
        return self._meta[key]

    @property
    def id(self) -> str:
        """The register's id: the hash of its first entry."""
        return self._fact("register_id")

    @property
    def regulator(self) -> str:
        return self._fact("regulator")

    @property
    def epoch(self) -> datetime.datetime:
        return _epoch(self._fact("epoch"))

    def now_h(self) -> Decimal:
        """The register's clock in hours from its epoch [h]."""
        seconds = Decimal(str((self.clock() - self.epoch).total_seconds()))
        return (seconds / 3600).quantize(CLOCK_DECIMALS)

    def rules(self) -> dict[str, Any]:
        """The rules in force (the document, decimals as texts)."""
        with self.store.read() as tx:
            return json.loads(_State(tx).meta("rules") or "{}")

    # ------------------------------------------------------------------ submitting
    def submit(self, payload: Mapping[str, Any], signature: str | None) -> Receipt:
        """Append one signed operation (a payload and its signature, hex), or raise :class:`Refused`."""
        text_ = _payload_text(payload)

        def attempt() -> Receipt:
            now = self._now_or_none()  # before the transaction: it reads the epoch
            with self.store.write() as tx:
                return _append(_State(tx), text_, signature, now_h=now)

        return with_retries(attempt)

    def submit_many(self, signed: Iterable[tuple[Mapping[str, Any], str | None]]) -> list[Receipt]:
        """Append several signed operations in one transaction: all of them, in order, or none."""
        texts = [(_payload_text(payload), signature) for payload, signature in signed]

        def attempt() -> list[Receipt]:
            now = self._now_or_none()
            with self.store.write() as tx:
                state = _State(tx)
                return [_append(state, text_, signature, now_h=now) for text_, signature in texts]

        return with_retries(attempt)

    def _now_or_none(self) -> Decimal | None:
        try:
            return self.now_h()
        except RegisterError:  # the first entry: no epoch yet, the entry itself sets it
            return None

    def prepare(self, op: str, signer: str, at_h: Any = None, **fields: Any) -> dict[str, Any]:
        """The payload a signer signs: the operation with this register's id and the signer's next sequence number."""
        with self.store.read() as tx:
            state = _State(tx)
            found = state.party(signer)
            head_at = Decimal(state.meta("head_at_h") or 0)
        if found is None:
            raise Refused("", f"signer {signer!r} is not enrolled in this register")
        when = max(self.now_h(), head_at) if at_h is None else _time("at_h", at_h)
        return {"op": op, "register": self.id, "signer": signer, "seq": found[1], "at_h": when, **fields}

    def signer_of(self, key: Any) -> str:
        """The party enrolled with this key's public key."""
        public = keylib.public_key_hex(key)
        with self.store.read() as tx:
            name = _State(tx).party_of_key(public)
        if name is None:
            raise Refused("signature", f"no party of this register is enrolled with the public key {public[:16]}...")
        return name

    def _signed(self, key: Any, op: str, at_h: Any, **fields: Any) -> Receipt:
        """Prepare, sign and submit; prepared and signed again when another writer won a race in between."""
        signer = self.signer_of(key)
        for attempt in range(50):
            payload = self.prepare(op, signer, at_h, **fields)
            try:
                return self.submit(payload, keylib.sign(key, canonical_bytes(payload)))
            except Refused as refusal:
                # another writer took the sequence number, or (dated by the clock) committed a later time
                lost_race = isinstance(refusal, SequenceRefused) or (at_h is None and refusal.rule == "time")
                if not lost_race or attempt == 49:
                    raise
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ operations
    def enrol(self, party: str, public_key: str, *, key: Any, at_h: Any = None) -> Receipt:
        """Enrol a party with its public key (hex), or give an enrolled party a new key (regulator)."""
        return self._signed(key, "enrol", at_h, party=text("party", party), public_key=public_key)

    def set_rules(self, rules: Mapping[str, Any], *, key: Any, at_h: Any = None) -> Receipt:
        """Replace the rules (regulator); they apply to every operation after this one."""
        return self._signed(key, "rules", at_h, rules=parse_rules(rules))

    def issue(self, token: Token, holder: str, *, key: Any, at_h: Any = None) -> Receipt:
        """Issue a new right to ``holder`` (regulator)."""
        if not isinstance(token, Token):
            raise WrongTypeError("token must be a Token")
        return self._signed(key, "issue", at_h, token=token.content(), holder=holder)

    def transfer(self, token_id: str, to: str, *, key: Any, at_h: Any = None, price: Any = None,
                 currency: str = "NZD") -> Receipt:
        """Transfer a token to another party, with the price paid recorded when given [currency]."""
        fields: dict[str, Any] = {"token": self.resolve(token_id), "to": to}
        if price is not None:
            amount = number("price", price)
            if amount < 0:
                raise OutOfRangeError(f"price={decimal_text(amount)} must be >= 0")
            fields["price"] = {"amount": amount, "currency": text("currency", currency)}
        return self._signed(key, "transfer", at_h, **fields)

    def split(self, token_id: str, dimension: str, at: Any, *, key: Any, at_h: Any = None) -> Receipt:
        """Split a token in two at ``at`` along ``dimension`` (band [MHz], x or y [km], time [h])."""
        if dimension not in DIMENSIONS:
            raise OutOfRangeError(f"dimension={dimension!r} must be one of {', '.join(DIMENSIONS)}")
        return self._signed(key, "split", at_h, token=self.resolve(token_id), dimension=dimension, at=number("at", at))

    def merge(self, token_ids: Sequence[str], *, key: Any, at_h: Any = None) -> Receipt:
        """Merge adjacent tokens of the same terms into one."""
        return self._signed(key, "merge", at_h, tokens=[self.resolve(t) for t in token_ids])

    def lease(self, token_id: str, to: str, window_h: Sequence[Any], *, key: Any, at_h: Any = None) -> Receipt:
        """Lease a token to ``to`` for ``window_h`` [h]: the lessee uses it then, and it returns by itself at the end."""
        start, end = (_time("lease start", v) for v in window_h)
        return self._signed(key, "lease", at_h, token=self.resolve(token_id), to=to, window_h=[start, end])

    def revoke(self, token_id: str, *, key: Any, reason: str = "", at_h: Any = None) -> Receipt:
        """Revoke a live token (regulator)."""
        return self._signed(key, "revoke", at_h, token=self.resolve(token_id), reason=text("reason", reason, empty=True))

    def settle(self, settlement: Any, *, key: Any, at_h: Any = None) -> Receipt:
        """Settle an auction in one entry: every winner receives its tokens and every payment is recorded, or nothing is.

        ``settlement`` is a :class:`~xlspectrum.register.settlement.Settlement`; the signer
        must hold every token it transfers (the regulator for a primary auction).
        """
        return self._signed(key, "settle", at_h, transfers=[{"token": self.resolve(t), "to": to}
                                                            for t, to in settlement.transfers],
                            payments=[p.record() for p in settlement.payments], reference=settlement.reference)

    # ------------------------------------------------------------------ reading
    def resolve(self, token: str) -> str:
        """The full id of a token given by its id or a unique prefix of at least 8 hex digits."""
        if not isinstance(token, str) or not token.strip():
            raise WrongTypeError(f"token={token!r} must be a token id")
        token = token.strip().lower()
        if len(token) == 64:
            return token
        if len(token) < 8 or any(c not in "0123456789abcdef" for c in token):
            raise WrongTypeError(f"token={token!r} must be a token id or a prefix of at least 8 hex digits")
        with self.store.read() as tx:
            rows = tx.rows("SELECT id FROM tokens WHERE id >= :low AND id < :high ORDER BY id LIMIT 2",
                           {"low": token, "high": token + "g"})
        if not rows:
            raise WrongTypeError(f"token={token!r}: no token of this register starts with it")
        if len(rows) > 1:
            raise WrongTypeError(f"token={token!r} is the start of more than one token id: give more digits")
        return rows[0][0]

    def token(self, token_id: str) -> Token:
        with self.store.read() as tx:
            found = _State(tx).token(self.resolve(token_id))
        if found is None:
            raise WrongTypeError(f"there is no token {token_id[:12]} in this register")
        return found[0]

    def holdings(self, holder: str | None = None, at_h: Any = None, *, status: str = "active") -> pd.DataFrame:
        """The tokens (live by default), one row each: holder, user at ``at_h`` (a lessee) and the right's terms.

        With ``at_h`` [h], only the tokens whose window contains it, and ``user`` is who uses
        each then (the lessee during a lease, else the holder).
        """
        if status not in STATUSES:
            raise OutOfRangeError(f"status={status!r} must be one of {', '.join(STATUSES)}")
        when = None if at_h is None else _time("at_h", at_h)
        clauses, params = ["status = :status"], {"status": status}
        if holder is not None:
            clauses.append("holder = :holder")
            params["holder"] = holder
        if when is not None:
            clauses += ["t0 <= :at", "t1 > :at"]
            params["at"] = float(when)
        sql = (f"SELECT id, content, holder, since_seq FROM tokens WHERE {' AND '.join(clauses)} "
               "ORDER BY band_lo, y0, x0, t0, id")
        with self.store.read() as tx:
            rows = tx.rows(sql, params)
            leases = tx.rows("SELECT token_id, lessee, start_h, end_h FROM leases")
        lessees: dict[str, list[tuple[Decimal, Decimal, str]]] = {}
        for token_id, lessee, start, end in leases:
            lessees.setdefault(token_id, []).append((Decimal(start), Decimal(end), lessee))
        records = []
        for token_id, content, who, since in rows:
            token = Token.from_content(json.loads(content))
            if when is not None and not token.window_h[0] <= when < token.window_h[1]:
                continue
            user = who
            if when is not None:
                user = next((lessee for start, end, lessee in lessees.get(token_id, ()) if start <= when < end), who)
            records.append(_token_record(token_id, token, who, user, int(since)))
        return pd.DataFrame.from_records(records, columns=HOLDING_COLUMNS)

    def holders_at(self, frequency_mhz: Any, x_km: Any, y_km: Any, at_h: Any) -> pd.DataFrame:
        """Who holds (and who uses) the spectrum at a frequency [MHz], a place [km] and a time [h]."""
        f, x, y = number("frequency_mhz", frequency_mhz), number("x_km", x_km), number("y_km", y_km)
        when = _time("at_h", at_h)
        table = self.holdings(at_h=when)
        with self.store.read() as tx:
            contents = dict(tx.rows("SELECT id, content FROM tokens WHERE status = 'active'"))
        keep = [Token.from_content(json.loads(contents[t])).covers(f, x, y, when) for t in table["token"]]
        return table[keep].reset_index(drop=True)

    def history(self, token_id: str) -> pd.DataFrame:
        """Every entry that touched the token: number, time [h], operation, signer, the token's role in it."""
        token_id = self.resolve(token_id)
        with self.store.read() as tx:
            rows = tx.rows("SELECT e.seq, e.payload, t.role FROM token_entries t JOIN entries e ON e.seq = t.seq "
                           "WHERE t.token_id = :id ORDER BY e.seq, t.role", {"id": token_id})
        if not rows:
            raise WrongTypeError(f"there is no token {token_id[:12]} in this register")
        records = []
        for seq, payload, role in rows:
            data = json.loads(payload)
            records.append({"entry": int(seq), "at_h": data["at_h"], "op": data["op"], "signer": data["signer"],
                            "role": role, "detail": _detail(data)})
        return pd.DataFrame.from_records(records, columns=["entry", "at_h", "op", "signer", "role", "detail"])

    def payments(self) -> pd.DataFrame:
        """Every payment recorded (settlements and priced transfers) [currency]."""
        with self.store.read() as tx:
            rows = tx.rows("SELECT seq, line, payer, payee, amount, currency, reference FROM payments ORDER BY seq, line")
        return pd.DataFrame.from_records(rows, columns=["entry", "line", "payer", "payee", "amount", "currency", "reference"])

    def parties(self) -> pd.DataFrame:
        with self.store.read() as tx:
            rows = tx.rows("SELECT name, public_key, next_seq FROM parties ORDER BY name")
        return pd.DataFrame.from_records(rows, columns=["party", "public_key", "next_seq"])

    def entries(self) -> int:
        with self.store.read() as tx:
            return int(_State(tx).meta("head_seq") or 0)

    # ------------------------------------------------------------------ verifying
    def _replay(self, head: str | None = None) -> tuple[SQLiteStore, VerifyReport]:
        """Replay the whole log into a register in memory, checking chain, signatures and rules."""
        replay = SQLiteStore(":memory:")
        replay.create_schema()
        expected_prev, count, seen_head = GENESIS_PREV, 0, head is None
        with self.store.read() as tx, replay.write() as rtx:
            state = _State(rtx)
            for seq, prev, payload, signature, digest in tx.stream(
                    "SELECT seq, prev_hash, payload, signature, hash FROM entries ORDER BY seq"):
                seq = int(seq)
                if seq != count + 1:
                    what = f"entry {count + 1} is missing (the log goes from entry {count} to {seq})" if seq > count + 1 \
                        else f"entry {seq} appears out of place"
                    raise VerificationError(what, entry=count + 1)
                if prev != expected_prev:
                    raise VerificationError(f"entry {seq}: its previous-hash does not match entry {seq - 1}'s hash "
                                            "(an entry before it was changed, removed or moved)", entry=seq)
                if entry_hash(seq, prev, payload, signature) != digest:
                    raise VerificationError(f"entry {seq}: its hash does not match its content (the entry was changed)",
                                            entry=seq)
                try:
                    _append(state, payload, signature, now_h=None, expect_seq=seq)
                except VerificationError:
                    raise
                except (WrongTypeError, OutOfRangeError) as refusal:
                    raise VerificationError(f"entry {seq}: the log holds an operation the register refuses: {refusal}",
                                            entry=seq) from None
                seen_head = seen_head or digest == head
                expected_prev, count = digest, seq
            stored_head = tx.rows("SELECT value FROM meta WHERE key = 'head_seq'")
            stored_seq = int(stored_head[0][0]) if stored_head else 0
            if stored_seq != count:
                raise VerificationError(f"the register's head is entry {stored_seq} but the log ends at entry {count}: "
                                        f"entr{'y' if stored_seq - count == 1 else 'ies'} after {count} "
                                        f"{'is' if stored_seq - count == 1 else 'are'} missing", entry=count + 1)
            if not seen_head:
                raise VerificationError(f"the log holds no entry with the hash {head} you expected: it was rewritten "
                                        "or cut short since", entry=None)
            active = rtx.rows("SELECT COUNT(*) FROM tokens WHERE status = 'active'")[0][0]
        return replay, VerifyReport(count, count, expected_prev, int(active))

    def verify(self, head: str | None = None) -> VerifyReport:
        """Check the whole register; raise :class:`VerificationError` naming the first bad entry.

        Checks that the entries are numbered 1, 2, ... with no gap, each carries the hash
        of the one before and hashes to what it says, each signature verifies and each
        operation is accepted again by the rules of its time, and that the stored holdings
        equal the ones rebuilt from the log alone.  ``head``: a head hash published
        earlier (``sha256:...`` or hex): the log must still contain it (a rewrite or a cut
        since is detected).
        """
        if head is not None:
            head = head.removeprefix("sha256:").lower()
        replay, report = self._replay(head)
        try:
            with self.store.read() as tx, replay.read() as rtx:
                for table, key in DERIVED.items():
                    stored = tx.stream(f"SELECT * FROM {table} ORDER BY {self.store.order_by(key)}")
                    rebuilt = rtx.stream(f"SELECT * FROM {table} ORDER BY {replay.order_by(key)}")
                    for row, want in _zip_longest(stored, rebuilt):
                        if _normal(row) != _normal(want):
                            raise VerificationError(f"the {table} table differs from the log: it holds {_row(row)} where "
                                                    f"the log gives {_row(want)} (run `xlspectrum register rebuild`)")
        finally:
            replay.close()
        return report

    def rebuild(self) -> VerifyReport:
        """Rewrite every derived table from the log alone (after checking the log)."""
        replay, report = self._replay()
        try:
            with replay.read() as rtx:
                copies = {table: rtx.rows(f"SELECT * FROM {table}") for table in DERIVED}
            with self.store.write() as tx:
                for table, rows in copies.items():
                    tx.run(f"DELETE FROM {table}")
                    if rows:
                        marks = ", ".join(f":c{i}" for i in range(len(rows[0])))
                        tx.run_many(f"INSERT INTO {table} VALUES ({marks})",
                                    [{f"c{i}": v for i, v in enumerate(row)} for row in rows])
        finally:
            replay.close()
        self._meta.clear()
        return report


HOLDING_COLUMNS = ["token", "holder", "user", "band_low_mhz", "band_high_mhz", "paired_offset_mhz", "mhz",
                   "x_min_km", "y_min_km", "x_max_km", "y_max_km", "start_h", "end_h", "limit_dbm_per_mhz", "exclusive",
                   "area_name", "licences", "since_entry"]


def _token_record(token_id: str, token: Token, holder: str, user: str, since: int) -> dict[str, Any]:
    x0, y0, x1, y1 = token.area_km
    return {"token": token_id, "holder": holder, "user": user, "band_low_mhz": token.band_mhz[0],
            "band_high_mhz": token.band_mhz[1], "paired_offset_mhz": token.paired_offset_mhz, "mhz": token.mhz,
            "x_min_km": x0, "y_min_km": y0, "x_max_km": x1, "y_max_km": y1, "start_h": token.window_h[0],
            "end_h": token.window_h[1], "limit_dbm_per_mhz": token.limit_dbm_per_mhz, "exclusive": token.exclusive,
            "area_name": token.area_name, "licences": "; ".join(token.licences), "since_entry": since}


def _detail(payload: Mapping[str, Any]) -> str:
    op = payload["op"]
    if op == "transfer":
        price = payload.get("price")
        return f"to {payload['to']}" + (f" for {price['amount']} {price['currency']}" if price else "")
    if op == "split":
        return f"at {payload['dimension']} {payload['at']}"
    if op == "lease":
        return f"to {payload['to']} for {payload['window_h'][0]}-{payload['window_h'][1]} h"
    if op == "issue":
        return f"to {payload['holder']}"
    if op == "settle":
        return payload.get("reference", "")
    if op == "revoke":
        return payload.get("reason", "")
    if op == "merge":
        return f"{len(payload['tokens'])} tokens"
    return ""


def _normal(row: tuple | None) -> tuple | None:
    if row is None:
        return None
    return tuple(float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in row)


def _row(row: tuple | None) -> str:
    if row is None:
        return "nothing"
    shown = ", ".join(str(v)[:40] for v in row[:4])
    return f"({shown}{', ...' if len(row) > 4 else ''})"


def _zip_longest(a: Iterable[tuple], b: Iterable[tuple]):
    from itertools import zip_longest

    return zip_longest(a, b)


def _nonce() -> str:
    import secrets

    return secrets.token_hex(16)
