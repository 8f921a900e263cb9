"""Compliance rules as data: what the regulator sets, what every operation is checked against.

The rules are a JSON document stored in the register (the genesis entry's, then each signed
``rules`` operation's), a list of records with an ``id`` (named in every refusal) and a
``kind``:

``exclusive``
    An exclusive token overlaps no other live token (band, area and time all shared).
``cap``
    ``band_mhz``, ``area_km``, ``max_mhz``: at no place in the area and no time may one
    holder hold more than ``max_mhz`` of spectrum inside the band (paired bands count both
    halves) [MHz].
``protected_receiver``
    ``band_mhz``, ``area_km``, ``window_h``, ``tolerated_dbm_per_mhz``: the interference of
    all the rights that overlap the receiver, added in mW/MHz
    (:func:`xlspectrum.formulas.rights.aggregate_dbm_per_mhz`, Weiss and Cui's aggregation), stays
    within what it tolerates [dBm/MHz].

Conservation (a split or merge covers exactly what it divides or joins) is not a setting: it
holds by construction and every merge is checked against it (:func:`~.tokens.merge_tokens`).
A changed rule applies to the operations after it; holdings it would have refused stay.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from xlspectrum.formulas import rights
from xlspectrum.core.validation import OutOfRangeError, WrongTypeError
from xlspectrum.register.canonical import decimal_text, number, text
from xlspectrum.register.tokens import Token

__all__ = ["DEFAULT_RULES", "KINDS", "Refused", "cap_excess", "parse_rules", "receiver_aggregate", "rules_from_json"]

KINDS = ("exclusive", "cap", "protected_receiver")
#: The rules of a new register unless it is given others
DEFAULT_RULES: dict[str, Any] = {"rules": [{"id": "exclusive", "kind": "exclusive"}]}
#: Slack of the interference comparison [dB], as :func:`xlspectrum.formulas.rights.budget_table`'s
RECEIVER_TOLERANCE_DB = 1e-9


#: Checks that are not compliance rules (who may do what, in which order): a refusal names them in brackets
CHECKS = ("signature", "sequence", "time", "holder", "lease", "regulator", "register")


class Refused(OutOfRangeError):
    """An operation the register does not accept; ``rule`` names the rule (or the check) that refused it."""

    def __init__(self, rule: str, message: str) -> None:
        if not rule:
            shown = f"refused: {message}"
        elif rule in CHECKS:
            shown = f"refused ({rule}): {message}"
        else:
            shown = f"refused by rule {rule}: {message}"
        super().__init__(shown)
        self.rule = rule


def _pair(rule_id: str, name: str, value: Any, low: Decimal | None = None) -> list[Decimal]:
    try:
        start, end = value
    except (TypeError, ValueError):
        raise WrongTypeError(f"rule {rule_id}: {name}={value!r} must be a pair [start, end]") from None
    start, end = number(f"rule {rule_id}: {name} start", start), number(f"rule {rule_id}: {name} end", end)
    if start >= end or (low is not None and start < low):
        raise OutOfRangeError(f"rule {rule_id}: {name}=[{decimal_text(start)}, {decimal_text(end)}] must have "
                              f"{'0 <= ' if low is not None else ''}start < end")
    return [start, end]


def _area(rule_id: str, value: Any) -> list[Decimal]:
    try:
        x0, y0, x1, y1 = value
    except (TypeError, ValueError):
        raise WrongTypeError(f"rule {rule_id}: area_km={value!r} must be [x_min, y_min, x_max, y_max]") from None
    (x0, x1), (y0, y1) = _pair(rule_id, "area_km x", (x0, x1)), _pair(rule_id, "area_km y", (y0, y1))
    return [x0, y0, x1, y1]


def parse_rules(document: Any) -> dict[str, Any]:
    """Check a rules document and return it in canonical form (decimals exact, fields known)."""
    if not isinstance(document, Mapping) or not isinstance(document.get("rules"), list):
        raise WrongTypeError('the rules must be a JSON object {"rules": [...]} with a list of rule records')
    unknown = set(document) - {"rules"}
    if unknown:
        raise WrongTypeError(f"the rules document has unknown field {sorted(unknown)[0]!r}; it holds only \"rules\"")
    parsed, seen = [], set()
    fields = {"exclusive": set(), "cap": {"band_mhz", "area_km", "max_mhz"},
              "protected_receiver": {"band_mhz", "area_km", "window_h", "tolerated_dbm_per_mhz"}}
    for index, record in enumerate(document["rules"], 1):
        if not isinstance(record, Mapping):
            raise WrongTypeError(f"rule {index} must be an object with id and kind")
        rule_id = text(f"rule {index}: id", record.get("id", ""))
        if rule_id in seen:
            raise WrongTypeError(f"rule id {rule_id!r} appears twice; every rule needs its own id")
        seen.add(rule_id)
        kind = record.get("kind")
        if kind not in KINDS:
            raise OutOfRangeError(f"rule {rule_id}: kind={kind!r} must be one of {', '.join(KINDS)}")
        given = set(record) - {"id", "kind"}
        if given != fields[kind]:
            missing, extra = sorted(fields[kind] - given), sorted(given - fields[kind])
            raise WrongTypeError(f"rule {rule_id} ({kind}) " + (f"needs {', '.join(missing)}" if missing else
                                                                f"has unknown field {extra[0]!r}"))
        out: dict[str, Any] = {"id": rule_id, "kind": kind}
        if kind in ("cap", "protected_receiver"):
            out["band_mhz"] = _pair(rule_id, "band_mhz", record["band_mhz"], Decimal(0))
            out["area_km"] = _area(rule_id, record["area_km"])
        if kind == "cap":
            out["max_mhz"] = number(f"rule {rule_id}: max_mhz", record["max_mhz"])
            if out["max_mhz"] < 0:
                raise OutOfRangeError(f"rule {rule_id}: max_mhz={decimal_text(out['max_mhz'])} must be >= 0")
        if kind == "protected_receiver":
            out["window_h"] = _pair(rule_id, "window_h", record["window_h"], Decimal(0))
            out["tolerated_dbm_per_mhz"] = number(f"rule {rule_id}: tolerated_dbm_per_mhz", record["tolerated_dbm_per_mhz"])
            if not -300 <= out["tolerated_dbm_per_mhz"] <= 300:
                raise OutOfRangeError(f"rule {rule_id}: tolerated_dbm_per_mhz must be within -300 to 300 dBm/MHz")
        parsed.append(out)
    return {"rules": parsed}


def rules_from_json(data: str | bytes) -> dict[str, Any]:
    """A rules document from JSON text (numbers read as exact decimals)."""
    try:
        document = json.loads(data, parse_float=Decimal, parse_int=Decimal)
    except (ValueError, UnicodeDecodeError) as error:
        raise WrongTypeError(f"the rules are not valid JSON: {error}") from None
    return parse_rules(document)


@dataclass(frozen=True)
class CapExcess:
    """Where a holder would hold most inside a cap's band: the figure and the place."""

    mhz: Decimal
    x_km: Decimal
    y_km: Decimal
    at_h: Decimal


def cap_excess(rule: Mapping[str, Any], held: Sequence[Token], focus: Iterable[Token]) -> CapExcess | None:
    """The most spectrum [MHz] a holder holds at one place and time inside the rule's band and area, if above its cap.

    Only places inside ``focus`` (the tokens the operation gives the holder) are searched:
    elsewhere the operation changes nothing.  Exact: the maximum of a sum of boxes is
    reached in a cell of the grid their edges make, evaluated at each cell's midpoint.
    """
    band, area, cap = tuple(rule["band_mhz"]), rule["area_km"], rule["max_mhz"]
    counted = [(t, t.mhz_within(band)) for t in held]
    counted = [(t, mhz) for t, mhz in counted if mhz > 0 and t.meets(area, (Decimal(0), Decimal(10) ** 30))]
    if sum((mhz for _, mhz in counted), Decimal(0)) <= cap:
        return None
    worst: CapExcess | None = None
    for target in focus:
        if target.mhz_within(band) <= 0 or not target.meets(area, (Decimal(0), Decimal(10) ** 30)):
            continue
        box = (max(target.area_km[0], area[0]), max(target.area_km[1], area[1]),
               min(target.area_km[2], area[2]), min(target.area_km[3], area[3]))
        near = [(t, mhz) for t, mhz in counted if t.meets(box, target.window_h)]

        def edges(low: Decimal, high: Decimal, values: Iterable[Decimal]) -> list[Decimal]:
            return sorted({low, high, *(v for v in values if low < v < high)})

        xs = edges(box[0], box[2], [v for t, _ in near for v in (t.area_km[0], t.area_km[2])])
        ys = edges(box[1], box[3], [v for t, _ in near for v in (t.area_km[1], t.area_km[3])])
        ts = edges(target.window_h[0], target.window_h[1], [v for t, _ in near for v in t.window_h])
        mids = [[(a + b) / 2 for a, b in zip(axis, axis[1:])] for axis in (xs, ys, ts)]
        total = np.zeros((len(mids[0]), len(mids[1]), len(mids[2])), dtype=object)
        for t, mhz in near:
            inside = [np.array([lo <= m < hi for m in axis_mids]) for axis_mids, (lo, hi) in
                      zip(mids, ((t.area_km[0], t.area_km[2]), (t.area_km[1], t.area_km[3]), t.window_h))]
            mask = inside[0][:, None, None] & inside[1][None, :, None] & inside[2][None, None, :]
            total = total + np.where(mask, mhz, Decimal(0))
        index = np.unravel_index(int(np.argmax(total.astype(float))), total.shape)
        most = total[index]
        if most > cap and (worst is None or most > worst.mhz):
            worst = CapExcess(most, mids[0][index[0]], mids[1][index[1]], mids[2][index[2]])
    return worst


def receiver_aggregate(rule: Mapping[str, Any], tokens: Sequence[Token]) -> tuple[float, int] | None:
    """Interference of the tokens with a limit that overlap the receiver [dBm/MHz] and their count (None if none)."""
    receiver = rights.InterferenceRight(name=rule["id"], band_mhz=tuple(map(float, rule["band_mhz"])),
                                        area_km=tuple(map(float, rule["area_km"])),
                                        window_h=tuple(map(float, rule["window_h"])),
                                        interference_dbm_per_mhz=-300.0,
                                        tolerated_dbm_per_mhz=float(rule["tolerated_dbm_per_mhz"]))
    group = []
    for token in tokens:
        if token.limit_dbm_per_mhz is None:
            continue
        for band in token.bands:  # a paired token counts once, by the half that overlaps
            right = rights.InterferenceRight(name=token.id, band_mhz=tuple(map(float, band)),
                                             area_km=tuple(map(float, token.area_km)),
                                             window_h=tuple(map(float, token.window_h)),
                                             interference_dbm_per_mhz=float(token.limit_dbm_per_mhz),
                                             tolerated_dbm_per_mhz=receiver.tolerated_dbm_per_mhz)
            if rights.overlaps(receiver, right):
                group.append(right)
                break
    if not group:
        return None
    return rights.aggregate_dbm_per_mhz(group), len(group)


def receiver_exceeded(rule: Mapping[str, Any], tokens: Sequence[Token]) -> str | None:
    """The refusal text when the tokens' aggregate exceeds what the receiver tolerates, else None."""
    found = receiver_aggregate(rule, tokens)
    if found is None:
        return None
    aggregate, count = found
    tolerated = float(rule["tolerated_dbm_per_mhz"])
    if aggregate <= tolerated + RECEIVER_TOLERANCE_DB:
        return None
    return (f"the {count} rights overlapping protected receiver {rule['id']} would add {aggregate:.2f} dBm/MHz there, "
            f"above the {tolerated:g} dBm/MHz it tolerates")
