"""Licence pricing: Licensed Spectrum Park (LSP) licences, shared spectrum, and regulators' local licences.

References: thesis [1] section 4.4.5, eq. (2) (LSP) and section 5.4, eq. (13) (cost-based
price of shared spectrum); section 4.5.15 (New Zealand's Managed Spectrum Parks); and the
published charging rules of BNetzA (Germany) and Ofcom (UK) for local licences, cited in
each function.  Prices in the currency of the reserve price or cost (NZ$ in the thesis),
bandwidths in MHz, populations in people, terms in years.
"""

from __future__ import annotations

import numpy as np

from xlspectrum.core.validation import OutOfRangeError, WrongTypeError, broadcast, check_range, one_of, shape_like

__all__ = ["annualise", "bnetza_local_fee", "lsp_price", "msp_annual_charge", "ofcom_shared_access_fee",
           "shared_spectrum_price"]

#: when each payment of an annuity falls (ANNUALISE's ``timing``): end of each year or start (in advance)
ANNUITY_TIMINGS = ("end", "start")
#: c of the MSP resource rental: average price per MHz of a 20-year right in Auction No. 9 [NZ$/MHz] (thesis 4.5.15)
MSP_AUCTION9_PRICE_PER_MHZ = 20_346.0
#: MSP management charge per base transmitter, and its cap [NZ$/year] (thesis 4.5.15)
MSP_CHARGE_PER_TRANSMITTER, MSP_CHARGE_CAP = 200.0, 1_000.0
#: Ofcom Shared Access licence, low power: GBP a year for each 10 MHz
OFCOM_LOW_POWER_GBP_PER_10MHZ_YEAR = 80.0
#: BNetzA's local 3.7-3.8 GHz fee, 1000 + B t 5 (6 a1 + a2): the base fee [EUR], the rate
#: [EUR per MHz, year and km2] and the weight of settlement and traffic area
BNETZA_BASE_FEE_EUR, BNETZA_EUR_PER_MHZ_YEAR_KM2, BNETZA_SETTLEMENT_WEIGHT = 1000.0, 5.0, 6.0
#: The bandwidths BNetzA's local assignments at 3.7-3.8 GHz take [MHz]
BNETZA_BANDWIDTH_MHZ = (10.0, 100.0)


def lsp_price(reserve_price, bandwidth_mhz, population, lsp_bandwidth_mhz, lsp_population, term_years, overhead=0.0,
              years_since_auction=0.0, indexation_rate=0.0):
    """Annual price of a Licensed Spectrum Park licence [currency/year], thesis eq. (2).

    ``P_LSP = P_RES / (BW * Pop) * (BW_LSP * Pop_LSP) / T + OH``: the auction reserve
    price per MHz per head, scaled to the licence's bandwidth and covered population,
    spread over the management-right term, plus an administration overhead.

    Parameters
    ----------
    reserve_price : numeric
        Auction reserve price of the lot, >= 0. [currency]
    bandwidth_mhz : numeric
        Bandwidth of the auctioned lot, > 0. [MHz]
    population : numeric
        Population covered by the auctioned lot, > 0. [people]
    lsp_bandwidth_mhz : numeric
        Bandwidth the LSP licence asks for, >= 0. [MHz]
    lsp_population : numeric
        Population covered by the LSP base station, >= 0. [people]
    term_years : numeric
        Length of the management right, > 0. [years]
    overhead : numeric
        Administration overhead per licence, >= 0. [currency/year]
    years_since_auction : numeric
        For a licence sold after the first year, the years since the
        auction, >= 0 (default 0: no indexation). [years]
    indexation_rate : numeric
        The yearly rate that carries the auction's price to the year of
        sale (time value of money, e.g. inflation), > -1 (default 0). [fraction/year]

        The spectrum part of eq. (2) is multiplied by ``(1 + rate) ** years``; the
        overhead is a current cost and is not indexed.

    Returns
    -------
    float, ndarray or Series
        Annual licence price [currency/year].

    References
    ----------
    B. Shaw, thesis (see :mod:`xlspectrum`), section 4.4.5, eq. (2) and the indexation
    of licences sold after the first year (same section).

    Examples
    --------
    Thesis section 4.4.5: the NZ 700 MHz reserve of NZ$ 22 M per 5 MHz, 94 % of
    4.43 M people, 18 years; a rural site of 10,000 people asking 5 MHz, NZ$ 500
    overhead:

    >>> round(lsp_price(22e6, 5, 0.94 * 4.43e6, 5, 10_000, 18, 500))
    3435
    """
    overhead_array = check_range("overhead", overhead, 0.0)
    spectrum = _scaled_price(
        ("reserve_price", reserve_price), ("bandwidth_mhz", bandwidth_mhz), ("population", population),
        ("lsp_bandwidth_mhz", lsp_bandwidth_mhz), ("lsp_population", lsp_population),
        ("term_years", term_years), ("overhead", 0.0),
    )
    years = check_range("years_since_auction", years_since_auction, 0.0, unit="years")
    rate = check_range("indexation_rate", indexation_rate, -1.0, low_inclusive=False)
    base, oh, n, r = broadcast(spectrum=np.asarray(spectrum, dtype=float), overhead=overhead_array,
                               years_since_auction=years, indexation_rate=rate)
    with np.errstate(over="ignore"):
        value = base * (1.0 + r) ** n + oh
    return shape_like(value, reserve_price, bandwidth_mhz, population, lsp_bandwidth_mhz, lsp_population, term_years,
                      overhead, years_since_auction, indexation_rate)


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
    cost : numeric
        Price initially paid for the spectrum, >= 0. [currency]
    bandwidth_mhz : numeric
        Bandwidth of the holding, > 0. [MHz]
    population : numeric
        Population covered by the whole network, > 0. [people]
    shared_bandwidth_mhz : numeric
        Bandwidth shared, >= 0. [MHz]
    covered_population : numeric
        Population covered by the shared spectrum, >= 0. [people]
    term_years : numeric
        Time the spectrum is required for, T, > 0. [years]
    overhead : numeric
        Administration overhead, OH, >= 0. [currency/year]

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


def msp_annual_charge(transmitters, area_population, national_population, bandwidth_mhz, cpi_factor=1.0,
                      administration_fee=150.0):
    """Annual charge of a New Zealand Managed Spectrum Park licence [NZ$/year], thesis section 4.5.15.

    A management charge of NZ$ 200 per base transmitter, at most NZ$ 1,000, plus a resource
    rental of ``a / b * c / 20 * d`` per MHz (``a`` the census population of the licence
    area's territorial authorities, ``b`` New Zealand's, ``c`` = NZ$ 20,346 the average
    price per MHz of a 20-year right in Auction No. 9, ``d`` the CPI factor since
    1 January 2008), plus the licence administration fee (standard NZ$ 150).

    A departure from the thesis: it calls ``d`` "the percentage increase in the Consumer
    Price Index since 1 January 2008"; ``d`` is used here as the ratio of the CPI now to
    the CPI then (1 + that increase), since the increase itself would make the rental
    vanish when prices have not risen.

    Parameters
    ----------
    transmitters : numeric
        Base transmitters under the licence, a whole number >= 0. [transmitters]
    area_population : numeric
        Population of the licence area's authorities, ``a``, >= 0. [people]
    national_population : numeric
        Population of New Zealand, ``b``, > 0 and >= ``a``. [people]
    bandwidth_mhz : numeric
        Bandwidth licensed, >= 0. [MHz]
    cpi_factor : numeric
        ``d``, the CPI now over the CPI on 1 January 2008, > 0 (default 1). [-]
    administration_fee : numeric
        Licence administration fee, >= 0 (default 150). [NZ$/year]

    Returns
    -------
    float, ndarray or Series
        The annual charge [NZ$/year].

    References
    ----------
    B. Shaw, thesis (see :mod:`xlspectrum`), section 4.5.15, after the Radio Spectrum
    Management rules for Managed Spectrum Parks (2015).

    Examples
    --------
    One transmitter in a district of 10,000 people of 4.7 million, 20 MHz: the rental is
    about NZ$ 43, so the charge is close to the NZ$ 350 of fees the thesis quotes.

    >>> round(float(msp_annual_charge(1, 10_000, 4_700_000, 20)))
    393
    """
    count = check_range("transmitters", transmitters, 0.0)
    if np.any(count != np.floor(count)):
        raise WrongTypeError(f"transmitters={count[count != np.floor(count)].ravel()[0]:g} must be a whole number")
    area = check_range("area_population", area_population, 0.0)
    nation = check_range("national_population", national_population, 0.0, low_inclusive=False)
    bandwidth = check_range("bandwidth_mhz", bandwidth_mhz, 0.0, unit="MHz")
    cpi = check_range("cpi_factor", cpi_factor, 0.0, low_inclusive=False)
    fee = check_range("administration_fee", administration_fee, 0.0)
    n, a, b, bw, d, admin = broadcast(transmitters=count, area_population=area, national_population=nation,
                                      bandwidth_mhz=bandwidth, cpi_factor=cpi, administration_fee=fee)
    if np.any(a > b):
        raise OutOfRangeError(
            f"area_population={a[a > b].ravel()[0]:g} must be <= national_population={b[a > b].ravel()[0]:g}")
    management = np.minimum(MSP_CHARGE_PER_TRANSMITTER * n, MSP_CHARGE_CAP)
    rental = a / b * MSP_AUCTION9_PRICE_PER_MHZ / 20.0 * d * bw
    return shape_like(management + rental + admin, transmitters, area_population, national_population, bandwidth_mhz,
                      cpi_factor, administration_fee)


def bnetza_local_fee(bandwidth_mhz, years, settlement_km2, other_km2):
    """Germany's fee for a local licence at 3.7-3.8 GHz [EUR]: ``1000 + B t 5 (6 a1 + a2)``.

    ``B`` is the bandwidth assigned (10-100 MHz), ``t`` the term in years, charged by
    started month (a twelfth of a year for each month begun), ``a1`` the settlement and
    traffic area and ``a2`` the other area of the licence area [km2].

    Parameters
    ----------
    bandwidth_mhz : numeric
        Bandwidth assigned, B, 10-100. [MHz]
    years : numeric
        Term of the assignment, t, > 0; rounded up to whole months. [years]
    settlement_km2 : numeric
        Settlement and traffic area, a1, >= 0. [km2]
    other_km2 : numeric
        Other area, a2, >= 0. [km2]

    Returns
    -------
    float, ndarray or Series
        The one-off fee for the whole term [EUR].

    References
    ----------
    Frequenzgebührenverordnung, Anlage, Nr. B.10.3, as amended by the Achte Verordnung zur
    Änderung der Frequenzgebührenverordnung of 30 October 2019 (BGBl. I 2019 Nr. 39, p. 1580).

    Examples
    --------
    A 100 MHz campus licence for 10 years over 0.1 km2 of settlement and 0.5 km2 of other
    land: 1000 + 100 x 10 x 5 x (0.6 + 0.5) = 6,500 euros.

    >>> round(float(bnetza_local_fee(100, 10, 0.1, 0.5)))
    6500
    """
    bandwidth = check_range("bandwidth_mhz", bandwidth_mhz, *BNETZA_BANDWIDTH_MHZ, unit="MHz")
    term = check_range("years", years, 0.0, low_inclusive=False, unit="years")
    a1 = check_range("settlement_km2", settlement_km2, 0.0, unit="km2")
    a2 = check_range("other_km2", other_km2, 0.0, unit="km2")
    b, t, s, o = broadcast(bandwidth_mhz=bandwidth, years=term, settlement_km2=a1, other_km2=a2)
    with np.errstate(over="ignore"):  # an overflow becomes a one-line error in shape_like
        months = np.ceil(np.round(t * 12.0, 9))  # a month begun is charged in full
    fee = BNETZA_BASE_FEE_EUR + b * (months / 12.0) * BNETZA_EUR_PER_MHZ_YEAR_KM2 * (BNETZA_SETTLEMENT_WEIGHT * s + o)
    return shape_like(fee, bandwidth_mhz, years, settlement_km2, other_km2)


def ofcom_shared_access_fee(bandwidth_mhz, years=1.0):
    """Ofcom's fee for a low-power Shared Access licence [GBP]: GBP 80 a year for each 10 MHz.

    Each 10 MHz begun is charged (a 2 x 3.3 MHz channel at 1800 MHz counts as one).

    Parameters
    ----------
    bandwidth_mhz : numeric
        Bandwidth licensed, > 0. [MHz]
    years : numeric
        Years licensed, > 0 (default 1). [years]

    Returns
    -------
    float, ndarray or Series
        The fee over ``years`` [GBP].

    References
    ----------
    Ofcom, "Shared Access licence: guidance document", 25 July 2019, section 5 (licence
    fees), and Ofcom's statement "Enabling wireless innovation through local licensing"
    (2019).

    Examples
    --------
    >>> float(ofcom_shared_access_fee(40))
    320.0
    """
    bandwidth = check_range("bandwidth_mhz", bandwidth_mhz, 0.0, low_inclusive=False, unit="MHz")
    term = check_range("years", years, 0.0, low_inclusive=False, unit="years")
    b, t = broadcast(bandwidth_mhz=bandwidth, years=term)
    blocks = np.ceil(np.round(b / 10.0, 9))
    return shape_like(OFCOM_LOW_POWER_GBP_PER_10MHZ_YEAR * blocks * t, bandwidth_mhz, years)


def annualise(price, rate, years, timing="end"):
    """The level yearly payment equal in present value to ``price`` [currency/year]: an annuity.

    ``A = P r / (1 - (1 + r) ** -n)`` for payments at the end of each year (``timing="end"``),
    divided by ``1 + r`` for payments in advance (``"start"``); ``P / n`` when ``r = 0``.  This
    is how Ofcom turns a lump-sum auction price into an annual licence fee.

    Parameters
    ----------
    price : numeric
        The lump sum, >= 0. [currency]
    rate : numeric
        Discount rate, > -1. [fraction/year]
    years : numeric
        Number of yearly payments, > 0. [years]
    timing : str
        ``"end"`` (default) or ``"start"`` of each year.

    Returns
    -------
    float, ndarray or Series
        The yearly payment [currency/year].

    References
    ----------
    The ordinary annuity and the annuity due (any corporate-finance text, e.g. Brealey,
    Myers and Allen, "Principles of Corporate Finance", chapter 2); Ofcom, "Annual licence
    fees for 900 MHz and 1800 MHz spectrum", statement, 2015 (annualisation of lump sums).

    Examples
    --------
    >>> round(float(annualise(1000, 0.05, 10)), 2)
    129.5
    """
    one_of("timing", timing, ANNUITY_TIMINGS)
    lump = check_range("price", price, 0.0)
    r = check_range("rate", rate, -1.0, low_inclusive=False)
    n = check_range("years", years, 0.0, low_inclusive=False, unit="years")
    p, r, n = broadcast(price=lump, rate=r, years=n)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # 1 - (1 + r)^-n through expm1/log1p: exact for rates down to the smallest floats
        factor = np.where(r == 0.0, 1.0 / n, r / -np.expm1(-n * np.log1p(r)))
        if timing == "start":
            factor = factor / (1.0 + r)
    return shape_like(p * factor, price, rate, years)
