"""Spreadsheet functions that read a register: a holder's tokens, a token's history, who holds a frequency.

They open the register read-only and need no extra for a SQLite file (the standard
library's ``sqlite3``); they read the holdings as stored (``xlspectrum register verify``
checks them against the log).  Each returns a table with a header row, which spills.
"""

from __future__ import annotations

import json
import numbers
from decimal import Decimal
from typing import Any

import numpy as np

from xlspectrum.core.validation import OutOfRangeError, WrongTypeError, check_range
from xlspectrum.register.core import Register
from xlspectrum.register.tokens import Token

__all__ = ["register_history", "register_holder", "register_holdings"]

HOLDINGS_HEADER = ["token", "band low [MHz]", "band high [MHz]", "paired offset [MHz]", "MHz", "x min [km]", "y min [km]",
                   "x max [km]", "y max [km]", "start [h]", "end [h]", "user", "licences"]


def _name(name: str, value: Any) -> str:
    """A text argument: a name as typed (numbers as written); empty, logical or not finite refused."""
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise WrongTypeError(f"{name} is a range of {value.size} cells; give one cell")
        value = value.ravel()[0]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise WrongTypeError(f"{name} is empty; give a text")
    if isinstance(value, (bool, np.bool_)):
        raise WrongTypeError(f"{name}={value!r} is a logical value; give a text")
    if isinstance(value, numbers.Real):
        try:
            number = float(value)
        except OverflowError:
            number = float("inf")
        if not np.isfinite(number):
            raise OutOfRangeError(f"{name}={str(value)[:20]} is not a text or a finite number")
        return f"{number:g}"
    if not isinstance(value, str):
        raise WrongTypeError(f"{name} must be a text, not {type(value).__name__}")
    return value.strip()


def _open(register: Any) -> Register:
    location = _name("register", register)
    if isinstance(register, numbers.Real) and not isinstance(register, bool):
        raise WrongTypeError(f"register={location} must be the path of a register file or a postgresql:// URL")
    try:
        return Register.open(location, read_only=True)
    except (WrongTypeError, OutOfRangeError) as error:
        raise WrongTypeError(f"register={location!r}: {error}") from None


def _number(value: Decimal | None) -> Any:
    return "" if value is None else float(value)


def _one(name: str, value: Any, *args: Any, **kwargs: Any) -> float:
    """One number (one cell), checked by :func:`check_range` under ``name``."""
    array = check_range(name, value, *args, **kwargs)
    if array.size != 1:
        raise WrongTypeError(f"{name} is a range of {array.size} cells; give one cell")
    return float(array.ravel()[0])


def _at(at_h: Any) -> float | None:
    if at_h is None:
        return None
    return _one("at_h", at_h, 0, unit="h")


def register_holdings(register: Any, holder: Any, at_h: Any = None) -> np.ndarray:
    """The live tokens a party holds: one row each with band [MHz], area [km], window [h], user and licences.

    Parameters
    ----------
    register : path of the register file (or a ``postgresql://`` URL).
    holder : the party's name.
    at_h : a time [h from the register's epoch]: only the tokens valid then, and ``user``
        is who uses each then (a lessee during a lease); default all, user the holder.

    Returns
    -------
    ndarray of objects, shape (1 + tokens, 13)
        A header row, then one row per token: id, band low, band high, paired offset,
        MHz held (both halves of a paired band), x min, y min, x max, y max [km], start,
        end [h], user, licences.
    """
    who = _name("holder", holder)
    when = _at(at_h)
    with _open(register) as reg:
        if who not in set(reg.parties()["party"]):
            raise WrongTypeError(f"holder={who!r} is not a party of this register")
        table = reg.holdings(who, when)
    if table.empty:
        raise OutOfRangeError(f"holder={who!r} holds no live token" + (f" at {when:g} h" if when is not None else ""))
    rows = [HOLDINGS_HEADER]
    for r in table.itertuples():
        rows.append([r.token, float(r.band_low_mhz), float(r.band_high_mhz), float(r.paired_offset_mhz), float(r.mhz),
                     float(r.x_min_km), float(r.y_min_km), float(r.x_max_km), float(r.y_max_km), float(r.start_h),
                     float(r.end_h), r.user, r.licences])
    return np.array(rows, dtype=object)


def register_history(register: Any, token: Any) -> np.ndarray:
    """Every entry of the log that touched a token: entry number, time [h], operation, signer, role, detail.

    Parameters
    ----------
    register : path of the register file (or a ``postgresql://`` URL).
    token : the token's id, or a unique prefix of at least 8 hex digits.

    Returns
    -------
    ndarray of objects, shape (1 + entries, 6)
        A header row, then one row per entry in log order.
    """
    wanted = _name("token", token)
    with _open(register) as reg:
        try:
            table = reg.history(wanted)
        except WrongTypeError as error:
            message = str(error)
            raise WrongTypeError(message if message.startswith("token=") else f"token={wanted!r}: {message}") from None
    rows = [["entry", "at [h]", "operation", "signer", "role", "detail"]]
    rows += [[float(r.entry), float(r.at_h), r.op, r.signer, r.role, r.detail] for r in table.itertuples()]
    return np.array(rows, dtype=object)


def register_holder(register: Any, frequency_mhz: Any, x_km: Any, y_km: Any, at_h: Any) -> np.ndarray:
    """Who holds and who uses a frequency at a place and a time: one row per live token covering it.

    Parameters
    ----------
    register : path of the register file (or a ``postgresql://`` URL).
    frequency_mhz : the frequency [MHz].
    x_km, y_km : the place in the register's grid [km].
    at_h : the time [h from the register's epoch].

    Returns
    -------
    ndarray of objects, shape (1 + tokens, 3)
        A header row (holder, user, token), then one row per token whose band, area and
        window contain the point (lower edges in, upper edges out); user is the lessee
        during a lease.
    """
    f = _one("frequency_mhz", frequency_mhz, 0, low_inclusive=False, unit="MHz")
    x, y = _one("x_km", x_km, unit="km"), _one("y_km", y_km, unit="km")
    when = _at(at_h)
    with _open(register) as reg:
        table = reg.holders_at(f, x, y, when)
    if table.empty:
        raise OutOfRangeError(f"no live token covers frequency_mhz={f:g} at x_km={x:g}, y_km={y:g}, at_h={when:g}")
    rows = [["holder", "user", "token"]] + [[r.holder, r.user, r.token] for r in table.itertuples()]
    return np.array(rows, dtype=object)
