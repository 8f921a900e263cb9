"""A spectrum right as a token: band, area, time window, limit, with an id derived from its content.

A token is Weiss and Cui's right C_n = {S_n, P_n, F_n, A_n, T_n} as held in a register: the
band F_n (with an optional paired band at a fixed duplex offset, as the 2 x 5 MHz lots of New
Zealand's 700 MHz auction), the area A_n (a rectangle in a grid the regulator chooses [km],
as in :mod:`xlspectrum.formulas.rights`), the window T_n (hours from the register's epoch [h]), the
interference the holder may add at protected receivers [dBm/MHz] (optional) and whether the
right is exclusive.  ``licences`` names the issues the token descends from (a split copies
them, a merge joins them), so identical rights issued twice stay two tokens.

The holder is not part of the content: a transfer changes who holds a token, not which right
it is, so its id (and its history) stays.  A split gives two tokens that cover exactly what
their parent covered; merging them gives the parent back, id and all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from decimal import Decimal
from typing import Any, Iterable, Sequence

from xlspectrum.core.validation import OutOfRangeError, WrongTypeError
from xlspectrum.register.canonical import canonical_bytes, decimal_text, number, sha256_hex, text

__all__ = ["DIMENSIONS", "TOKEN_SCHEMA", "Token", "merge_tokens"]

#: What a token can be split along: its band [MHz], its area's x or y [km] or its window [h]
DIMENSIONS = ("band", "x", "y", "time")
#: Tag of the canonical form: a change of the token's fields is a new schema, never a silent reinterpretation
TOKEN_SCHEMA = "xlspectrum.token/1"


def _interval(name: str, value: Any, *, low: Decimal | None = None) -> tuple[Decimal, Decimal]:
    try:
        start, end = value
    except (TypeError, ValueError):
        raise WrongTypeError(f"{name}={value!r} must be a pair (start, end)") from None
    start, end = number(f"{name} start", start), number(f"{name} end", end)
    if low is not None and start < low:
        raise OutOfRangeError(f"{name}=({decimal_text(start)}, {decimal_text(end)}) must start at >= {decimal_text(low)}")
    if start >= end:
        raise OutOfRangeError(f"{name}=({decimal_text(start)}, {decimal_text(end)}) must have start < end")
    return start, end


def _shown(pair: Sequence[Decimal]) -> str:
    return "-".join(decimal_text(v) for v in pair)


@dataclass(frozen=True)
class Token:
    """One right held in the register.

    Parameters
    ----------
    band_mhz : (low, high) edge frequencies [MHz], 0 < low < high.
    area_km : (x_min, y_min, x_max, y_max) rectangle [km].
    window_h : (start, end) hours from the register's epoch [h], 0 <= start < end.
    paired_offset_mhz : duplex offset of a paired band [MHz]: the right also covers
        band + offset (0, the default, for an unpaired band; else >= the band's width).
    limit_dbm_per_mhz : interference the holder may add at protected receivers
        [dBm/MHz], -300 to 300, or None (the right is not counted at receivers).
    exclusive : whether no other right may overlap this one.
    area_name : what the area is called (text, informative).
    licences : the issues it descends from (texts), e.g. ``("NZ 700 MHz block 1",)``.
    """

    band_mhz: tuple[Decimal, Decimal]
    area_km: tuple[Decimal, Decimal, Decimal, Decimal]
    window_h: tuple[Decimal, Decimal]
    licences: tuple[str, ...]
    paired_offset_mhz: Decimal = Decimal(0)
    limit_dbm_per_mhz: Decimal | None = None
    exclusive: bool = True
    area_name: str = ""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "band_mhz", _interval("band_mhz", self.band_mhz))
        if self.band_mhz[0] <= 0:
            raise OutOfRangeError(f"band_mhz={_shown(self.band_mhz)} MHz must be above 0 MHz")
        try:
            x0, y0, x1, y1 = self.area_km
        except (TypeError, ValueError):
            raise WrongTypeError(f"area_km={self.area_km!r} must be (x_min, y_min, x_max, y_max)") from None
        (x0, x1), (y0, y1) = _interval("area_km x", (x0, x1)), _interval("area_km y", (y0, y1))
        set_(self, "area_km", (x0, y0, x1, y1))
        set_(self, "window_h", _interval("window_h", self.window_h, low=Decimal(0)))
        offset = number("paired_offset_mhz", self.paired_offset_mhz)
        if offset < 0 or (0 < offset < self.band_mhz[1] - self.band_mhz[0]):
            raise OutOfRangeError(f"paired_offset_mhz={decimal_text(offset)} must be 0 (unpaired) or at least the band's "
                                  f"width of {decimal_text(self.band_mhz[1] - self.band_mhz[0])} MHz")
        set_(self, "paired_offset_mhz", offset)
        if self.limit_dbm_per_mhz is not None:
            limit = number("limit_dbm_per_mhz", self.limit_dbm_per_mhz)
            if not -300 <= limit <= 300:
                raise OutOfRangeError(f"limit_dbm_per_mhz={decimal_text(limit)} must be within -300 to 300 dBm/MHz")
            set_(self, "limit_dbm_per_mhz", limit)
        if not isinstance(self.exclusive, bool):
            raise WrongTypeError(f"exclusive={self.exclusive!r} must be True or False")
        set_(self, "area_name", text("area_name", self.area_name, empty=True))
        licences = (self.licences,) if isinstance(self.licences, str) else tuple(self.licences)
        if not licences:
            raise WrongTypeError("licences is empty; a token needs the licence (issue) it comes from")
        set_(self, "licences", tuple(sorted({text("licence", name) for name in licences})))

    # ------------------------------------------------------------------ content and id
    def content(self) -> dict[str, Any]:
        """The canonical content: what the id is the hash of."""
        return {"schema": TOKEN_SCHEMA, "band_mhz": list(self.band_mhz), "paired_offset_mhz": self.paired_offset_mhz,
                "area_km": list(self.area_km), "area_name": self.area_name, "window_h": list(self.window_h),
                "limit_dbm_per_mhz": self.limit_dbm_per_mhz, "exclusive": self.exclusive, "licences": list(self.licences)}

    @cached_property
    def id(self) -> str:
        """SHA-256 of the canonical content, 64 hex digits."""
        return sha256_hex(canonical_bytes(self.content()))

    @classmethod
    def from_content(cls, content: dict[str, Any]) -> "Token":
        if not isinstance(content, dict) or content.get("schema") != TOKEN_SCHEMA:
            raise WrongTypeError(f"not a token of schema {TOKEN_SCHEMA}")
        return cls(band_mhz=tuple(content["band_mhz"]), area_km=tuple(content["area_km"]),
                   window_h=tuple(content["window_h"]), licences=tuple(content["licences"]),
                   paired_offset_mhz=content["paired_offset_mhz"], limit_dbm_per_mhz=content["limit_dbm_per_mhz"],
                   exclusive=content["exclusive"], area_name=content["area_name"])

    # ------------------------------------------------------------------ geometry
    @property
    def bands(self) -> tuple[tuple[Decimal, Decimal], ...]:
        """The bands covered: the band, and the paired band when there is one [MHz]."""
        low, high = self.band_mhz
        if self.paired_offset_mhz == 0:
            return ((low, high),)
        return ((low, high), (low + self.paired_offset_mhz, high + self.paired_offset_mhz))

    @property
    def mhz(self) -> Decimal:
        """Spectrum held [MHz]: the band's width, twice for a paired band."""
        return (self.band_mhz[1] - self.band_mhz[0]) * len(self.bands)

    def mhz_within(self, band: tuple[Decimal, Decimal]) -> Decimal:
        """Spectrum of this token inside ``band`` [MHz]."""
        return sum((max(Decimal(0), min(high, band[1]) - max(low, band[0])) for low, high in self.bands), Decimal(0))

    def _extent(self) -> Decimal:
        x0, y0, x1, y1 = self.area_km
        return (self.band_mhz[1] - self.band_mhz[0]) * (x1 - x0) * (y1 - y0) * (self.window_h[1] - self.window_h[0])

    def meets(self, area_km: Sequence[Decimal], window_h: Sequence[Decimal]) -> bool:
        """Whether the token's area and window intersect ``area_km`` and ``window_h`` (touching edges do not)."""
        x0, y0, x1, y1 = self.area_km
        return (x0 < area_km[2] and area_km[0] < x1 and y0 < area_km[3] and area_km[1] < y1
                and self.window_h[0] < window_h[1] and window_h[0] < self.window_h[1])

    def overlaps(self, other: "Token") -> bool:
        """Whether two tokens share some band, area and time."""
        bands = any(a[0] < b[1] and b[0] < a[1] for a in self.bands for b in other.bands)
        return bands and self.meets(other.area_km, other.window_h)

    def covers(self, frequency_mhz: Decimal, x_km: Decimal, y_km: Decimal, at_h: Decimal) -> bool:
        """Whether a frequency at a place and time is inside the right (lower edges in, upper edges out)."""
        x0, y0, x1, y1 = self.area_km
        return (any(low <= frequency_mhz < high for low, high in self.bands) and x0 <= x_km < x1 and y0 <= y_km < y1
                and self.window_h[0] <= at_h < self.window_h[1])

    def describe(self) -> str:
        bands = " + ".join(f"{_shown(b)} MHz" for b in self.bands)
        x0, y0, x1, y1 = self.area_km
        return (f"{bands}, x {_shown((x0, x1))} km, y {_shown((y0, y1))} km, {_shown(self.window_h)} h")

    # ------------------------------------------------------------------ split
    def split(self, dimension: str, at: Any) -> tuple["Token", "Token"]:
        """The two tokens on either side of ``at`` along ``dimension`` (band [MHz], x or y [km], time [h]).

        ``at`` must lie strictly inside the token's extent along that dimension; a paired
        band is split at the same place in both halves (``at`` is a frequency of the lower band).
        """
        if dimension not in DIMENSIONS:
            raise OutOfRangeError(f"dimension={dimension!r} must be one of {', '.join(DIMENSIONS)}")
        cut = number("at", at)
        x0, y0, x1, y1 = self.area_km
        if dimension == "band":
            low, high = self.band_mhz
            self._inside(cut, low, high, "band", "MHz")
            return replace(self, band_mhz=(low, cut)), replace(self, band_mhz=(cut, high))
        if dimension == "x":
            self._inside(cut, x0, x1, "area's x", "km")
            return replace(self, area_km=(x0, y0, cut, y1)), replace(self, area_km=(cut, y0, x1, y1))
        if dimension == "y":
            self._inside(cut, y0, y1, "area's y", "km")
            return replace(self, area_km=(x0, y0, x1, cut)), replace(self, area_km=(x0, cut, x1, y1))
        start, end = self.window_h
        self._inside(cut, start, end, "window", "h")
        return replace(self, window_h=(start, cut)), replace(self, window_h=(cut, end))

    @staticmethod
    def _inside(cut: Decimal, low: Decimal, high: Decimal, what: str, unit: str) -> None:
        if not low < cut < high:
            raise OutOfRangeError(f"at={decimal_text(cut)} {unit} is outside the token's {what} "
                                  f"{decimal_text(low)}-{decimal_text(high)} {unit}: a split must cut strictly inside it")


def _same_terms(tokens: Sequence[Token]) -> None:
    first = tokens[0]
    for other in tokens[1:]:
        for field in ("paired_offset_mhz", "limit_dbm_per_mhz", "exclusive", "area_name"):
            if getattr(other, field) != getattr(first, field):
                raise OutOfRangeError(f"conservation: tokens {first.id[:12]} and {other.id[:12]} differ in {field} "
                                      f"({getattr(first, field)!r} and {getattr(other, field)!r}); only tokens of the "
                                      "same terms merge")


def merge_tokens(tokens: Iterable[Token]) -> Token:
    """The one token that covers exactly what ``tokens`` cover (rule ``conservation``).

    The tokens must have the same terms (paired offset, limit, exclusivity, area name),
    must not overlap, and together must fill a box in band x area x time: the box's extent
    equals the sum of theirs, exactly (decimal arithmetic).
    """
    parts = list(tokens)
    if len(parts) < 2:
        raise WrongTypeError(f"merge needs at least two tokens, got {len(parts)}")
    ids = [t.id for t in parts]
    if len(set(ids)) != len(ids):
        raise WrongTypeError("merge names the same token twice")
    _same_terms(parts)
    for i, a in enumerate(parts):
        for b in parts[i + 1:]:
            if a.overlaps(b):
                raise OutOfRangeError(f"conservation: tokens {a.id[:12]} and {b.id[:12]} overlap; a merge joins "
                                      "adjacent tokens only")
    box = replace(parts[0],
                  band_mhz=(min(t.band_mhz[0] for t in parts), max(t.band_mhz[1] for t in parts)),
                  area_km=(min(t.area_km[0] for t in parts), min(t.area_km[1] for t in parts),
                           max(t.area_km[2] for t in parts), max(t.area_km[3] for t in parts)),
                  window_h=(min(t.window_h[0] for t in parts), max(t.window_h[1] for t in parts)),
                  licences=tuple(sorted({name for t in parts for name in t.licences})))
    covered = sum((t._extent() for t in parts), Decimal(0))
    if covered != box._extent():
        raise OutOfRangeError(f"conservation: the tokens cover {decimal_text(covered)} MHz km2 h but the box around them "
                              f"({box.describe()}) is {decimal_text(box._extent())} MHz km2 h: they leave a gap, so "
                              "they do not merge into one token")
    if box.paired_offset_mhz and box.paired_offset_mhz < box.band_mhz[1] - box.band_mhz[0]:
        raise OutOfRangeError(f"conservation: the merged band {_shown(box.band_mhz)} MHz would be wider than its duplex "
                              f"offset of {decimal_text(box.paired_offset_mhz)} MHz")
    return box

