"""Interference rights: pricing a secondary user's bounded interference (Weiss and Cui).

A licence holder (the primary) may write an *interference right*: a contract that lets a
secondary user add a bounded amount of interference to its receivers for a time, for a
price.  These functions give the radio quantities that decide what the interference
costs the primary (noise, SINR, capacity, viewers by SINR) and the prices of the paper's
TV white-space case: the primary's reservation price under an interference right and
under an exclusive right, the secondary's value, and the surplus of a trade.

Powers in dBm, levels of several transmitters added in mW; bandwidths in Hz; SINR in dB;
money in the currency of ``income_per_viewer`` and ``energy_cost_per_kwh``.

References
----------
[1] M. B. H. Weiss and L. Cui, "Spectrum Trading with Interference Rights", School of
    Information Sciences, University of Pittsburgh (the paper prints no venue or year),
    section IV, eqs. (1)-(14), Table II; the case study is TV white space in the US.
    Where xlspectrum departs from it: docs/interference-rights.md, "Departures from the
    source".

[2] B. Shaw, "Spectrum allocation methods for future wireless services in cellular
    networks", PhD thesis, University of Auckland, 2020, section 3.2, eq. (1) (Shannon).

[3] CODATA 2018: Boltzmann constant k = 1.380649e-23 J/K (exact); ITU-R P.372 reference
    temperature 290 K.

[4] WInnForum, "Requirements for Commercial Operation in the U.S. 3550-3700 MHz
    Citizens Broadband Radio Service Band" (WINNF-TS-0112), requirement R2-SGN-16: the
    Iterative Allocation Process (IAP) that shares an interference budget among CBRS devices.

[5] WInnForum's SAS reference implementation, github.com/Wireless-Innovation-Forum/
    Spectrum-Access-System, src/harness/reference_models/iap/iap.py (iapPointConstraint).
"""

from __future__ import annotations

import numpy as np

from xlspectrum.core.validation import (
    one_of,
    NonFiniteResultError,
    OutOfRangeError,
    WrongTypeError,
    as_float_array,
    broadcast,
    check_range,
    shape_like,
)

__all__ = [
    "BOLTZMANN_J_PER_K",
    "INTERFERENCE_SHARE_METHODS",
    "broadcast_cost",
    "interference_shares",
    "power_sum_dbm",
    "reservation_price_exclusive",
    "reservation_price_ir",
    "secondary_value",
    "shannon_capacity",
    "sinr_db",
    "sinr_region",
    "table2_case",
    "thermal_noise_dbm",
    "trade_surplus",
    "viewers",
]

#: Boltzmann's constant [J/K], exact since the 2019 SI [3]
BOLTZMANN_J_PER_K = 1.380649e-23
#: reference noise temperature [K] [3]
NOISE_TEMPERATURE_K = 290.0
#: The thresholds of eq. (11) of [1]: no picture at or below 15 dB (the threshold of visibility,
#: from [1]'s reference [8]), adequate viewing above 27 dB (the minimum ATSC suggests)
VISIBILITY_DB, ADEQUATE_VIEWING_DB = 15.0, 27.0
# the dB range a level can take before its power in mW leaves floating point
_DBM_RANGE = (-3000.0, 3000.0)


def _mw(dbm: np.ndarray) -> np.ndarray:
    return 10.0 ** (dbm / 10.0)


def _dbm(name: str, value, low: float = _DBM_RANGE[0], high: float = _DBM_RANGE[1]) -> np.ndarray:
    return check_range(name, value, low, high, unit="dBm")


def shannon_capacity(bandwidth_hz, sinr_db):
    """Channel capacity [bit/s], C = B log2(1 + SINR): thesis eq. (1) [2]; [1] section IV.

    Parameters
    ----------
    bandwidth_hz : numeric
        Channel bandwidth B, > 0 (a US TV channel: 6e6). [Hz]
    sinr_db : numeric
        Signal to interference plus noise ratio [dB].

    Returns
    -------
    float, ndarray or Series
        Capacity [bit/s].
    """
    b = check_range("bandwidth_hz", bandwidth_hz, 0.0, low_inclusive=False, unit="Hz")
    s = check_range("sinr_db", sinr_db, -300.0, 300.0, unit="dB")
    b, s = broadcast(bandwidth_hz=b, sinr_db=s)
    return shape_like(b * np.log2(1.0 + 10.0 ** (s / 10.0)), bandwidth_hz, sinr_db)


def thermal_noise_dbm(bandwidth_hz, noise_figure_db=0.0):
    """Thermal noise power kTB at 290 K plus the receiver noise figure [dBm] [3].

    ``N = 10 log10(k T B / 1 mW) + NF``: -174.0 dBm in 1 Hz, -121.4 dBm in an LTE
    resource block of 180 kHz (the thesis' Table 4), -106.2 dBm in a 6 MHz TV channel.

    Parameters
    ----------
    bandwidth_hz : numeric
        Noise bandwidth B, > 0. [Hz]
    noise_figure_db : numeric
        Receiver noise figure, >= 0. [dB]

    Returns
    -------
    float, ndarray or Series
        Noise power [dBm].
    """
    b = check_range("bandwidth_hz", bandwidth_hz, 0.0, low_inclusive=False, unit="Hz")
    nf = check_range("noise_figure_db", noise_figure_db, 0.0, 100.0, unit="dB")
    b, nf = broadcast(bandwidth_hz=b, noise_figure_db=nf)
    noise = 10.0 * np.log10(BOLTZMANN_J_PER_K * NOISE_TEMPERATURE_K * b * 1e3) + nf
    return shape_like(noise, bandwidth_hz, noise_figure_db)


def power_sum_dbm(levels_dbm):
    """The total of several powers [dBm]: converted to mW, added, converted back [1].

    Parameters
    ----------
    levels_dbm : array_like
        Power of each interferer [dBm]; all of them are added (in Excel, a range).

    Returns
    -------
    float
        Total power [dBm].  Two equal levels add 3.01 dB.
    """
    levels = _dbm("levels_dbm", levels_dbm)
    if levels.ndim == 0:
        return float(levels)
    peak = float(levels.max())
    # add relative to the largest level, so very low or high levels neither underflow nor overflow
    return shape_like(peak + 10.0 * np.log10(np.sum(10.0 ** ((levels - peak) / 10.0))))


def sinr_db(signal_dbm, interference_dbm, noise_dbm):
    """Signal to interference plus noise ratio [dB]: S / (I + N) with I and N added in mW [1].

    Parameters
    ----------
    signal_dbm : numeric
        Wanted signal at the receiver [dBm].
    interference_dbm : numeric
        Total interference at the receiver (:func:`power_sum_dbm` for several). [dBm]
    noise_dbm : numeric
        Noise at the receiver (:func:`thermal_noise_dbm`). [dBm]

    Returns
    -------
    float, ndarray or Series
        SINR [dB].
    """
    s = _dbm("signal_dbm", signal_dbm)
    i = _dbm("interference_dbm", interference_dbm)
    n = _dbm("noise_dbm", noise_dbm)
    s, i, n = broadcast(signal_dbm=s, interference_dbm=i, noise_dbm=n)
    floor = np.maximum(i, n)
    total = floor + 10.0 * np.log10(10.0 ** ((i - floor) / 10.0) + 10.0 ** ((n - floor) / 10.0))
    return shape_like(s - total, signal_dbm, interference_dbm, noise_dbm)


def viewers(sinr_db, households, low_db=VISIBILITY_DB, high_db=ADEQUATE_VIEWING_DB, partial_share=0.3, full_share=0.5):
    """Viewers of a TV broadcast by SINR, eq. (11) of [1] [viewers].

    ``N_v = 0`` at or below 15 dB (no picture: the threshold of visibility, from [1]'s
    reference [8]), ``0.3 C`` above 15 dB up to and including 27 dB (a picture, not
    everywhere), ``0.5 C`` above 27 dB (ATSC's minimum for adequate viewing).  Two
    departures from [1] (docs/interference-rights.md): the paper does not define C, read
    here as the households in the area; and eq. (11) assigns exactly 27 dB to both the
    middle case (``<= 27``) and the top one (``>= 27``), while Table II of [1] uses ``> 27``
    for the top region, so 27 dB itself counts as partial viewing here.

    Parameters
    ----------
    sinr_db : numeric
        SINR at the households' receivers [dB].
    households : numeric
        Households C in the area, >= 0. [households]
    low_db, high_db : numeric
        The thresholds, low < high (the paper: 15, 27). [dB]
    partial_share, full_share : numeric
        Share of households watching in the middle and top
        regions, 0-1 (the paper: 0.3 and 0.5). [-]

    Returns
    -------
    float, ndarray or Series
        Viewers N_v [viewers].
    """
    s = check_range("sinr_db", sinr_db, -300.0, 300.0, unit="dB")
    c = check_range("households", households, 0.0)
    low = check_range("low_db", low_db, -300.0, 300.0, unit="dB")
    high = check_range("high_db", high_db, -300.0, 300.0, unit="dB")
    partial = check_range("partial_share", partial_share, 0.0, 1.0)
    full = check_range("full_share", full_share, 0.0, 1.0)
    s, c, low, high, partial, full = broadcast(sinr_db=s, households=c, low_db=low, high_db=high,
                                               partial_share=partial, full_share=full)
    if np.any(low >= high):
        raise OutOfRangeError(f"low_db={float(np.max(low)):g} must be below high_db={float(np.min(high)):g}")
    share = np.where(s <= low, 0.0, np.where(s <= high, partial, full))
    return shape_like(share * c, sinr_db, households)


def sinr_region(sinr_db, low_db=VISIBILITY_DB, high_db=ADEQUATE_VIEWING_DB):
    """The SINR region of Table II of [1]: 0 at or below 15 dB, 1 up to 27 dB, 2 above [-].

    Parameters
    ----------
    sinr_db : numeric
        SINR at the receiver. [dB]
    low_db, high_db : float
        The thresholds (the paper: 15, 27). [dB]

    Returns
    -------
    int or ndarray of int
        Region index.
    """
    s = check_range("sinr_db", sinr_db, -300.0, 300.0, unit="dB")
    region = np.where(s <= low_db, 0, np.where(s <= high_db, 1, 2))
    return int(region) if region.ndim == 0 else region


def table2_case(original_sinr_db, new_sinr_db, low_db=VISIBILITY_DB, high_db=ADEQUATE_VIEWING_DB):
    """What the primary loses when SINR moves from ``original`` to ``new``: Table II of [1].

    Parameters
    ----------
    original_sinr_db, new_sinr_db : float
        The SINR before and after the interference, one of each. [dB]
    low_db, high_db : float
        The thresholds of :func:`sinr_region` (the paper: 15, 27). [dB]

    Returns
    -------
    str
        ``"none"`` (no viewer lost: both at or below 15 dB, or both above 27 dB),
        ``"advertising loss"`` (viewers lost), or ``"n/a"`` (interference cannot raise
        the SINR, so the new region cannot be above the original).
    """
    original, new = sinr_region(original_sinr_db, low_db, high_db), sinr_region(new_sinr_db, low_db, high_db)
    if np.ndim(original) or np.ndim(new):
        raise WrongTypeError("table2_case takes one original and one new SINR")
    if new > original:
        return "n/a"
    if (original, new) in ((0, 0), (2, 2)):
        return "none"
    return "advertising loss"


def broadcast_cost(energy_cost_per_kwh, power_kw, duration_h):
    """Cost of broadcasting C_b = b T_p T_n, eq. (10) of [1] [currency].

    Parameters
    ----------
    energy_cost_per_kwh : numeric
        b, cost of energy, >= 0. [currency/kWh]
    power_kw : numeric
        T_p, transmitter power, >= 0. [kW]
    duration_h : numeric
        T_n, duration of the contract, >= 0. [h]

    Returns
    -------
    float, ndarray or Series
        Broadcasting cost over the contract [currency].
    """
    b = check_range("energy_cost_per_kwh", energy_cost_per_kwh, 0.0, unit="per kWh")
    p = check_range("power_kw", power_kw, 0.0, unit="kW")
    t = check_range("duration_h", duration_h, 0.0, unit="h")
    b, p, t = broadcast(energy_cost_per_kwh=b, power_kw=p, duration_h=t)
    return shape_like(b * p * t, energy_cost_per_kwh, power_kw, duration_h)


def _energy_saving(energy_cost_per_kwh, duration_h, power_before_kw, power_after_kw):
    b = check_range("energy_cost_per_kwh", energy_cost_per_kwh, 0.0, unit="per kWh")
    t = check_range("duration_h", duration_h, 0.0, unit="h")
    before = check_range("power_before_kw", power_before_kw, 0.0, unit="kW")
    after = check_range("power_after_kw", power_after_kw, 0.0, unit="kW")
    b, t, before, after = broadcast(energy_cost_per_kwh=b, duration_h=t, power_before_kw=before, power_after_kw=after)
    if np.any(after > before):
        i = int(np.flatnonzero(after > before)[0])
        raise OutOfRangeError(f"power_after_kw={after.ravel()[i]:g} must be <= power_before_kw={before.ravel()[i]:g} "
                              "(the primary keeps or lowers its power, C'_b <= C_b)")
    return b * t * (before - after)


def reservation_price_ir(viewers_before, viewers_after, income_per_viewer, energy_cost_per_kwh, duration_h,
                         power_before_kw, power_after_kw):
    """The least a primary accepts for an interference right, eq. (12) of [1] [currency].

    ``I_s = (N_v - N'_v) a - b T_n (T_p - T'_p)``: the advertising income of the viewers
    the interference takes away, less the energy the primary saves if it lowers its
    power.  A negative value means the saving alone outweighs the loss (the primary
    gains from the trade at any price).

    Parameters
    ----------
    viewers_before, viewers_after : numeric
        N_v and N'_v, 0 <= N'_v <= N_v. [viewers]
    income_per_viewer : numeric
        a, advertising income per viewer over the contract, >= 0. [currency]
    energy_cost_per_kwh : numeric
        b, >= 0. [currency/kWh]
    duration_h : numeric
        T_n, duration of the contract, >= 0. [h]
    power_before_kw, power_after_kw : numeric
        T_p and T'_p, 0 <= T'_p <= T_p. [kW]

    Returns
    -------
    float, ndarray or Series
        Reservation price I_s [currency].
    """
    before = check_range("viewers_before", viewers_before, 0.0)
    after = check_range("viewers_after", viewers_after, 0.0)
    a = check_range("income_per_viewer", income_per_viewer, 0.0)
    before, after, a = broadcast(viewers_before=before, viewers_after=after, income_per_viewer=a)
    if np.any(after > before):
        i = int(np.flatnonzero(after > before)[0])
        raise OutOfRangeError(f"viewers_after={after.ravel()[i]:g} must be <= viewers_before={before.ravel()[i]:g} "
                              "(interference cannot add viewers)")
    saving = _energy_saving(energy_cost_per_kwh, duration_h, power_before_kw, power_after_kw)
    return shape_like((before - after) * a - saving, viewers_before, viewers_after, income_per_viewer,
                      energy_cost_per_kwh, duration_h, power_before_kw, power_after_kw)


def reservation_price_exclusive(viewers_before, income_per_viewer, energy_cost_per_kwh, duration_h,
                                power_before_kw, power_after_kw):
    """The least a primary accepts to vacate the channel (an exclusive right), eq. (13) of [1] [currency].

    ``I_s^E = N_v a - b T_n (T_p - T'_p)``: every viewer's income is lost.  Never below
    the interference-right price of eq. (12) for the same powers, since ``N'_v >= 0``.

    Parameters
    ----------
    viewers_before : numeric
        N_v, >= 0; as :func:`reservation_price_ir`, without ``viewers_after`` (none remain). [viewers]
    income_per_viewer : numeric
        a, advertising income per viewer over the contract, >= 0. [currency]
    energy_cost_per_kwh : numeric
        b, >= 0. [currency/kWh]
    duration_h : numeric
        T_n, duration of the contract, >= 0. [h]
    power_before_kw, power_after_kw : numeric
        T_p and T'_p, 0 <= T'_p <= T_p. [kW]

    Returns
    -------
    float, ndarray or Series
        Reservation price I_s^E [currency].
    """
    before = check_range("viewers_before", viewers_before, 0.0)
    a = check_range("income_per_viewer", income_per_viewer, 0.0)
    before, a = broadcast(viewers_before=before, income_per_viewer=a)
    saving = _energy_saving(energy_cost_per_kwh, duration_h, power_before_kw, power_after_kw)
    return shape_like(before * a - saving, viewers_before, income_per_viewer, energy_cost_per_kwh, duration_h,
                      power_before_kw, power_after_kw)


def secondary_value(penetration, capacity, revenue_per_unit, operating_cost):
    """The secondary user's value of the right (its most willingness to pay), eq. (14) of [1] [currency].

    ``V_S = e C r - C_b``.  For the units to agree, ``capacity`` C must count what the
    secondary sells and ``revenue_per_unit`` r must be the revenue per such unit over the
    contract: e.g. C the customers the channel carries (Shannon capacity / throughput per
    customer) and r the revenue per customer, or C in bit/s and r the revenue per bit/s
    sold over the contract.  ``e`` is the share of that capacity actually taken up; the
    paper has it rise with the secondary's SINR, here it is whatever the caller passes.
    Reading C as customers and C_b as the secondary's own operating cost (the paper's C_b
    is the broadcaster's, eq. (10)) are departures listed in docs/interference-rights.md.

    Parameters
    ----------
    penetration : numeric
        e, 0-1. [-]
    capacity : numeric
        C, >= 0. [units sold]
    revenue_per_unit : numeric
        r, >= 0. [currency per unit of C]
    operating_cost : numeric
        C_b, the secondary's operating cost over the contract, >= 0. [currency]

    Returns
    -------
    float, ndarray or Series
        Value V_S [currency].
    """
    e = check_range("penetration", penetration, 0.0, 1.0)
    c = check_range("capacity", capacity, 0.0)
    r = check_range("revenue_per_unit", revenue_per_unit, 0.0)
    cost = check_range("operating_cost", operating_cost, 0.0)
    e, c, r, cost = broadcast(penetration=e, capacity=c, revenue_per_unit=r, operating_cost=cost)
    return shape_like(e * c * r - cost, penetration, capacity, revenue_per_unit, operating_cost)


def trade_surplus(willingness_to_pay, reservation_price):
    """Surplus of a trade, V_S - I_S [currency]: a voluntary trade can occur when it is >= 0 [1].

    Parameters
    ----------
    willingness_to_pay : numeric
        V_S, the secondary's value (:func:`secondary_value`) [currency].
    reservation_price : numeric
        I_S, the primary's least acceptable price (eq. (12) or (13)) [currency].

    Returns
    -------
    float, ndarray or Series
        Surplus [currency] to share between the parties.
    """
    v = check_range("willingness_to_pay", willingness_to_pay)
    i = check_range("reservation_price", reservation_price)
    v, i = broadcast(willingness_to_pay=v, reservation_price=i)
    return shape_like(v - i, willingness_to_pay, reservation_price)


#: How :func:`interference_shares` shares a budget: the continuous idealisation (the default)
#: or the WInnForum reference implementation's 1 dB steps
INTERFERENCE_SHARE_METHODS = ("continuous", "winnforum")
#: The power step of the WInnForum reference implementation's loop [dB] [5]
WINNFORUM_STEP_DB = 1.0


def interference_shares(budget_dbm, requests_dbm, *, method="continuous"):
    """Share one receiver's interference budget among several requests [dBm] [4], [5].

    Both methods follow the Iterative Allocation Process (IAP) of the CBRS Spectrum Access
    Systems [4]: every request not yet granted is offered an equal share (in mW) of what
    is left of the budget; the requests that fit are granted and release what they do not
    use; the rest try again against the larger share.  They differ in what happens to a
    request that does not fit.  Sharing one budget among several secondaries goes beyond
    [1], which leaves it out (section I): a departure listed in docs/interference-rights.md.

    ``method="continuous"`` (default) is the idealisation of the process with infinitely
    fine power steps, the max-min fair (water-filling) division of the budget in mW: each
    request gets ``min(request, L)``, where the level ``L`` makes the grants add up to the
    budget exactly (and every request is granted in full when all of them fit together).
    A request equal to its share counts as fitting.

    ``method="winnforum"`` reproduces the loop of the WInnForum reference implementation
    [5] for one protection point and one channel: a request fits only when it is strictly
    below the share; when no open request fits, every open request lowers its power by
    1 dB and tries again.  A capped grant is therefore the request lowered by whole dB,
    below the share it finally met (within 1 dB of it when it fits right after a step), and
    the grants leave part of the budget unused: a capped grant usually comes out below the
    continuous one, and the last to fit can come out above it.

    Parameters
    ----------
    budget_dbm : numeric
        Interference the protected receiver tolerates (the reference
        implementation's threshold, which is already reduced by its 1 dB pre-IAP margin). [dBm]
    requests_dbm : array_like
        Interference each request would add at that receiver at full power [dBm], one per
        request.
    method : str
        ``"continuous"`` (default) or ``"winnforum"``.

    Returns
    -------
    ndarray or float
        Interference granted to each request [dBm], in the order of ``requests_dbm``.

    References
    ----------
    [4] WINNF-TS-0112, requirement R2-SGN-16.

    [5] Wireless-Innovation-Forum/Spectrum-Access-System,
        ``src/harness/reference_models/iap/iap.py``, function ``iapPointConstraint`` (tested
        against commit 928c3150).
    """
    one_of("method", method, INTERFERENCE_SHARE_METHODS)
    budget = _dbm("budget_dbm", budget_dbm)
    if budget.size != 1:
        raise WrongTypeError(f"budget_dbm is a range of {budget.size} cells; one receiver's budget is one number")
    budget = float(budget.ravel()[0])
    requests = as_float_array("requests_dbm", requests_dbm)
    shape = requests.shape
    requests = _dbm("requests_dbm", requests).ravel()
    if requests.size == 0:
        raise WrongTypeError("requests_dbm holds no request")
    share = _winnforum_shares if method == "winnforum" else _continuous_shares
    return shape_like(share(budget, requests).reshape(shape))


def _continuous_shares(budget: float, requests: np.ndarray) -> np.ndarray:
    # work relative to the budget: ratios near 1, so no level under- or overflows
    wanted = 10.0 ** ((requests - budget) / 10.0)
    granted = np.zeros_like(wanted)
    open_ = np.ones(wanted.size, dtype=bool)
    remaining = 1.0
    while open_.any():
        share = remaining / open_.sum()
        fits = open_ & (wanted <= share)
        if not fits.any():
            granted[open_] = share
            break
        granted[fits] = wanted[fits]
        remaining -= wanted[fits].sum()
        open_ &= ~fits
    return budget + 10.0 * np.log10(granted)


def _winnforum_shares(budget: float, requests: np.ndarray) -> np.ndarray:
    # in mW as the reference computes (every level of the valid dBm range is a normal float),
    # so a request meets the share exactly where the reference's does
    lowered = np.zeros_like(requests)  # dB each request has been lowered by
    open_ = np.ones(requests.size, dtype=bool)
    remaining = 10.0 ** (budget / 10.0)
    share = remaining / requests.size
    while open_.any():
        # Python's float power, as the reference's: numpy's vectorised power can differ from it
        # by an ulp, and a request exactly at the share then fits in one and not the other
        level = np.array([10.0 ** (float(dbm) / 10.0) for dbm in requests - lowered])
        fits = open_ & (level < share)
        if fits.any():
            for index in np.flatnonzero(fits):  # released one by one in request order, as the reference does
                remaining -= level[index]
            open_ &= ~fits
            if open_.any():
                share = remaining / open_.sum()
                if not share > 0.0:
                    raise NonFiniteResultError(f"the budget of {budget:g} dBm is used up by round-off before every "
                                               "request is granted")
            continue
        # The reference lowers every open request by 1 dB a round until one fits.  Rounds in
        # which none can fit change nothing else, so skip them: the lowest open request fits
        # after floor(its excess over the share in dB) + 1 steps; stop one short of that, so
        # that round-off never skips the round in which it fits.
        excess_db = float(np.min((requests - lowered)[open_])) - 10.0 * np.log10(share)
        steps = max(np.floor(excess_db / WINNFORUM_STEP_DB) - 1.0, 1.0)
        lowered[open_] += steps * WINNFORUM_STEP_DB
    return requests - lowered
