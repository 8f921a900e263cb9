"""Licence pricing: Licensed Spectrum Park (LSP) licences and shared spectrum.

Reference: thesis [1] section 4.4.5, eq. (2) (LSP) and section 5.4, eq. (13) (cost-based
price of shared spectrum).  Prices in the currency of the reserve price or cost
(NZ$ in the thesis), bandwidths in MHz, populations in people, terms in years.
"""

from __future__ import annotations

from ._validation import broadcast, check_range, shape_like

__all__ = ["lsp_price", "shared_spectrum_price"]


def lsp_price(reserve_price, bandwidth_mhz, population, lsp_bandwidth_mhz, lsp_population, term_years, overhead=0.0):
    """Annual price of a Licensed Spectrum Park licence [currency/year], thesis eq. (2).

    ``P_LSP = P_RES / (BW * Pop) * (BW_LSP * Pop_LSP) / T + OH``: the auction reserve
    price per MHz per head, scaled to the licence's bandwidth and covered population,
    spread over the management-right term, plus an administration overhead.

    Parameters
    ----------
    reserve_price : auction reserve price of the lot [currency], >= 0.
    bandwidth_mhz : bandwidth of the auctioned lot [MHz], > 0.
    population : population covered by the auctioned lot [people], > 0.
    lsp_bandwidth_mhz : bandwidth the LSP licence asks for [MHz], >= 0.
    lsp_population : population covered by the LSP base station [people], >= 0.
    term_years : length of the management right [years], > 0.
    overhead : administration overhead per licence [currency/year], >= 0.

    Returns
    -------
    float, ndarray or Series
        Annual licence price [currency/year].

    References
    ----------
    B. Shaw, thesis (see :mod:`xlspectrum`), section 4.4.5, eq. (2).

    Examples
    --------
    Thesis section 4.4.5: the NZ 700 MHz reserve of NZ$ 22 M per 5 MHz, 94 % of
    4.43 M people, 18 years; a rural site of 10,000 people asking 5 MHz, NZ$ 500
    overhead:

    >>> round(lsp_price(22e6, 5, 0.94 * 4.43e6, 5, 10_000, 18, 500))
    3435
    """
    return _scaled_price(
        ("reserve_price", reserve_price), ("bandwidth_mhz", bandwidth_mhz), ("population", population),
        ("lsp_bandwidth_mhz", lsp_bandwidth_mhz), ("lsp_population", lsp_population),
        ("term_years", term_years), ("overhead", overhead),
    )


def shared_spectrum_price(cost, bandwidth_mhz, population, shared_bandwidth_mhz, covered_population, term_years, overhead=0.0):
    """Cost-based price of shared spectrum [currency/year], thesis eq. (13), section 5.4.

    ``Price = Cost / (BW * Pop) * (BW_SH * Pop_cov) / T + OH``.  Eq. (13) has the form of
    eq. (2) with the price paid for the spectrum in place of the reserve price, so this
    is :func:`lsp_price` under the names of section 5.4.

    How the thesis defines the terms: ``T`` is "the amount of time the spectrum is
    required" and ``OH`` an overhead for administration.  Its text calls ``BW`` "the
    amount of bandwidth shared", but the equation has a separate ``BW_SH``; read as in
    eq. (2), ``BW`` is the bandwidth the cost bought and ``BW_SH`` the part shared, so
    that ``Cost / (BW * Pop)`` is a price per MHz per head.  The cost term is then
    spread over ``T``: with ``T`` in years the result is a price per year (the unit of
    ``OH`` must match).

    Parameters
    ----------
    cost : price initially paid for the spectrum [currency], >= 0.
    bandwidth_mhz : bandwidth of the holding [MHz], > 0.
    population : population covered by the whole network [people], > 0.
    shared_bandwidth_mhz : bandwidth shared [MHz], >= 0.
    covered_population : population covered by the shared spectrum [people], >= 0.
    term_years : time the spectrum is required for, T [years], > 0.
    overhead : administration overhead, OH [currency/year], >= 0.

    Returns
    -------
    float, ndarray or Series
        Price of the shared spectrum [currency/year when ``term_years`` is in years].

    References
    ----------
    B. Shaw, thesis (see :mod:`xlspectrum`), section 5.4, eq. (13).
    """
    return _scaled_price(
        ("cost", cost), ("bandwidth_mhz", bandwidth_mhz), ("population", population),
        ("shared_bandwidth_mhz", shared_bandwidth_mhz), ("covered_population", covered_population),
        ("term_years", term_years), ("overhead", overhead),
    )


def _scaled_price(price, bandwidth, population, part_bandwidth, part_population, term, overhead):
    """``price / (BW * Pop) * (BW_part * Pop_part) / T + OH``, the form of eqs. (2) and (13).

    Each argument is a ``(name, value)`` pair so errors name the caller's argument.
    """
    arrays = {
        price[0]: check_range(price[0], price[1], 0.0),
        bandwidth[0]: check_range(bandwidth[0], bandwidth[1], 0.0, low_inclusive=False, unit="MHz"),
        population[0]: check_range(population[0], population[1], 0.0, low_inclusive=False),
        part_bandwidth[0]: check_range(part_bandwidth[0], part_bandwidth[1], 0.0, unit="MHz"),
        part_population[0]: check_range(part_population[0], part_population[1], 0.0),
        term[0]: check_range(term[0], term[1], 0.0, low_inclusive=False, unit="years"),
        overhead[0]: check_range(overhead[0], overhead[1], 0.0),
    }
    p, bw, pop, bw_part, pop_part, years, oh = broadcast(**arrays)
    value = p / (bw * pop) * (bw_part * pop_part) / years + oh
    return shape_like(value, price[1], bandwidth[1], population[1], part_bandwidth[1], part_population[1], term[1], overhead[1])
