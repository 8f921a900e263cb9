"""Spectrum valuation: discounted cash flow, real options, deprival and benchmarking.

Reference: thesis [1] chapter 8: section 8.3 (benchmarking, NZ$ per MHz per pop),
section 8.4 eq. (16) (NPV), section 8.5 eqs. (17)-(20) and Table 9 (real options by
Black-Scholes, after the thesis' ref. [144]), section 8.6 and Table 10 (deprival).
Money in one currency throughout (NZ$ in the thesis), rates as fractions per year,
times in years, bandwidths in MHz, populations in people.
"""

from __future__ import annotations

import numpy as np
from xlspectrum.core.normal import ndtr  # the standard normal CDF (scipy.special.ndtr, imported on first use)

from xlspectrum.core.validation import NonFiniteResultError, WrongTypeError, broadcast, check_range, one_of, shape_like

#: the two kinds of option BLACK_SCHOLES_OPTION values (the ``kind`` argument)
OPTION_KINDS = ("call", "put")

__all__ = [
    "npv",
    "black_scholes_option",
    "black_scholes_terms",
    "deprival_value",
    "value_per_mhz_pop",
    "benchmark_value",
]


def npv(rate, cashflows):
    """Net present value with the first cash flow at t = 0, thesis eq. (16), section 8.4.

    ``NPV = sum_{t=0..N} (R_t - C_t) / (1 + i)**t``; pass the net flows ``R_t - C_t``
    (or costs alone for a cost present value).  Equal to ``numpy_financial.npv``.

    Excel's built-in ``NPV(rate, values)`` discounts the *first* value by one period,
    i.e. it returns this value divided by ``(1 + rate)``; the Excel equivalent of this
    function is ``=first_value + NPV(rate, other_values)``.

    Parameters
    ----------
    rate : float or array_like
        Discount rate per period [fraction], > -1.  An array of rates returns one NPV
        per rate (broadcast against the leading axes of ``cashflows``).
    cashflows : array_like
        Cash flows per period [currency], time along the last axis.

    Returns
    -------
    float or ndarray
        Present value at t = 0 [currency].
    """
    r = check_range("rate", rate, -1.0, low_inclusive=False)
    flows = check_range("cashflows", cashflows)
    if flows.ndim == 0 or flows.shape[-1] == 0:
        raise WrongTypeError("cashflows must hold at least one cash flow (a row or column of numbers)")
    periods = np.arange(flows.shape[-1])
    with np.errstate(over="ignore", divide="ignore"):
        discount = (1.0 + r[..., np.newaxis]) ** -periods
    if not np.isfinite(discount).all():
        worst = float(np.min(r))
        raise NonFiniteResultError(
            f"rate={worst:.6g} over {flows.shape[-1]} periods makes the discount factor (1 + rate)^-t overflow; "
            "a rate this close to -1 has no finite NPV"
        )
    try:
        value = np.sum(flows * discount, axis=-1)
    except ValueError as exc:
        raise WrongTypeError(f"rate has shape {r.shape}, which does not fit cashflows of shape {flows.shape}") from exc
    return shape_like(value, rate)


def black_scholes_terms(underlying_value, exercise_price, years, risk_free_rate, volatility):
    """The intermediate terms of eqs. (18)-(20): ``d1``, ``d2``, ``N(d1)``, ``N(d2)``.

    ``d1 = (ln(S/K) + (r + sigma**2/2) t) / (sigma sqrt(t))``, eq. (19);
    ``d2 = d1 - sigma sqrt(t)``, eq. (20); ``N`` is the standard normal CDF.

    Parameters
    ----------
    underlying_value : numeric
        S, present value of the project's future cash flows, > 0. [currency]
    exercise_price : numeric
        K, present value of the investment cost, > 0. [currency]
    years : numeric
        t, life of the option, > 0. [years]
    risk_free_rate : numeric
        r_f, continuously compounded, -1 to 1. [fraction per year]
    volatility : numeric
        sigma, project uncertainty, 0 to 10. [fraction per sqrt(year)]

    Returns
    -------
    dict of float or ndarray
        ``d1``, ``d2``, ``n_d1``, ``n_d2`` [-] and ``discounted_exercise_price``
        (``K exp(-r t)``) [currency].
    """
    s = check_range("underlying_value", underlying_value, 0.0, low_inclusive=False)
    k = check_range("exercise_price", exercise_price, 0.0, low_inclusive=False)
    t = check_range("years", years, 0.0, low_inclusive=False, unit="years")
    r = check_range("risk_free_rate", risk_free_rate, -1.0, 1.0, low_inclusive=False)
    sigma = check_range("volatility", volatility, 0.0, 10.0, low_inclusive=False)
    s, k, t, r, sigma = broadcast(underlying_value=s, exercise_price=k, years=t, risk_free_rate=r, volatility=sigma)
    spread = sigma * np.sqrt(t)
    with np.errstate(over="ignore"):
        discounted = k * np.exp(-r * t)
    if not np.isfinite(discounted).all():
        i = int(np.flatnonzero(~np.isfinite(discounted))[0])
        raise NonFiniteResultError(
            f"risk_free_rate={r.ravel()[i]:.6g} over years={t.ravel()[i]:.6g} makes exp(-r t) overflow; "
            "no finite option value exists for that rate and life"
        )
    d1 = (np.log(s / k) + (r + sigma**2 / 2.0) * t) / spread
    d2 = d1 - spread
    inputs = (underlying_value, exercise_price, years, risk_free_rate, volatility)
    return {
        "d1": shape_like(d1, *inputs),
        "d2": shape_like(d2, *inputs),
        "n_d1": shape_like(ndtr(d1), *inputs),
        "n_d2": shape_like(ndtr(d2), *inputs),
        "discounted_exercise_price": shape_like(discounted, *inputs),
    }


def black_scholes_option(underlying_value, exercise_price, years, risk_free_rate, volatility, *, kind="call"):
    """Real-option value by Black-Scholes [currency], thesis eqs. (18)-(20), section 8.5.

    ``Option = S N(d1) - K exp(-r t) N(d2)`` (a European call: the option to defer an
    investment).  ``kind="put"`` gives ``K exp(-r t) N(-d2) - S N(-d1)``.
    The project value of eq. (17) is ``NPV + option``.

    Parameters
    ----------
    underlying_value : numeric
        S, present value of the project's future cash flows, > 0. [currency]
    exercise_price : numeric
        K, present value of the investment cost, > 0. [currency]
    years : numeric
        t, life of the option, > 0. [years]
    risk_free_rate : numeric
        r_f, continuously compounded, -1 to 1. [fraction per year]
    volatility : numeric
        sigma, project uncertainty, 0 to 10. [fraction per sqrt(year)]
    kind : str
        ``"call"`` (default, the option to defer) or ``"put"``.

    Returns
    -------
    float, ndarray or Series
        Option value [currency].

    Examples
    --------
    Thesis Table 9 (S = 1,038 M, K = 1,289 M, t = 5, sigma = 37.6 %, r = 3.64 %):

    >>> round(black_scholes_option(1038, 1289, 5, 0.0364, 0.376))
    326
    """
    one_of("kind", kind, OPTION_KINDS)
    terms = black_scholes_terms(underlying_value, exercise_price, years, risk_free_rate, volatility)
    s = np.asarray(underlying_value, dtype=float)
    d1, d2 = np.asarray(terms["d1"]), np.asarray(terms["d2"])
    k_discounted = np.asarray(terms["discounted_exercise_price"])
    if kind == "call":
        value = s * ndtr(d1) - k_discounted * ndtr(d2)
    else:
        value = k_discounted * ndtr(-d2) - s * ndtr(-d1)
    return shape_like(value, underlying_value, exercise_price, years, risk_free_rate, volatility)


def deprival_value(cost_pv_without, cost_pv_with):
    """Value of spectrum by the deprival method [currency], thesis section 8.6, Table 10.

    ``value = PV(cost without the spectrum) - PV(cost with the spectrum)``: the most a
    business would pay for the spectrum, given both networks meet the same demand
    (revenue cancels).  Thesis: 734 M - 1,289 M = -555 M.

    Parameters
    ----------
    cost_pv_without : numeric
        Present value of the cost of the network without the spectrum, >= 0. [currency]
    cost_pv_with : numeric
        Present value of the cost of the network with the spectrum, >= 0. [currency]

    Returns
    -------
    float, ndarray or Series
        Deprival value of the spectrum, any sign [currency].
    """
    without = check_range("cost_pv_without", cost_pv_without, 0.0)
    with_ = check_range("cost_pv_with", cost_pv_with, 0.0)
    without, with_ = broadcast(cost_pv_without=without, cost_pv_with=with_)
    return shape_like(without - with_, cost_pv_without, cost_pv_with)


def value_per_mhz_pop(value, bandwidth_mhz, population):
    """Value per MHz per head of population [currency/MHz/pop], thesis section 8.3.

    ``value / (bandwidth * population)``; thesis Table 11: -555 M over 1,000 MHz
    (2 x 500 MHz) and 4,746,100 people = -0.117.

    Parameters
    ----------
    value : numeric
        Value of the spectrum, any sign. [currency]
    bandwidth_mhz : numeric
        Total bandwidth valued, > 0. [MHz]
    population : numeric
        Population covered, > 0. [people]

    Returns
    -------
    float, ndarray or Series
        Value per MHz per head of population [currency/MHz/pop].
    """
    v = check_range("value", value)
    bw = check_range("bandwidth_mhz", bandwidth_mhz, 0.0, low_inclusive=False, unit="MHz")
    pop = check_range("population", population, 0.0, low_inclusive=False)
    v, bw, pop = broadcast(value=v, bandwidth_mhz=bw, population=pop)
    return shape_like(v / (bw * pop), value, bandwidth_mhz, population)


def benchmark_value(price_per_mhz_pop, bandwidth_mhz, population):
    """Value of spectrum from a benchmark price [currency], thesis section 8.3.

    ``price per MHz per pop * bandwidth * population``; thesis: 0.09 x 1,000 MHz x
    4,746,100 = NZ$ 427 M.

    Parameters
    ----------
    price_per_mhz_pop : numeric
        Benchmark price, >= 0. [currency/MHz/pop]
    bandwidth_mhz : numeric
        Bandwidth valued, > 0. [MHz]
    population : numeric
        Population covered, > 0. [people]

    Returns
    -------
    float, ndarray or Series
        Value of the spectrum [currency].
    """
    price = check_range("price_per_mhz_pop", price_per_mhz_pop, 0.0)
    bw = check_range("bandwidth_mhz", bandwidth_mhz, 0.0, low_inclusive=False, unit="MHz")
    pop = check_range("population", population, 0.0, low_inclusive=False)
    price, bw, pop = broadcast(price_per_mhz_pop=price, bandwidth_mhz=bw, population=pop)
    return shape_like(price * bw * pop, price_per_mhz_pop, bandwidth_mhz, population)
