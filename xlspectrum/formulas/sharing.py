"""Spectrum sharing: base-station counts, spectrum sharing dividend, load symmetry ratio.

Reference: thesis [1] section 5.2.2, eqs. (8), (9), (11) and (12); the method is that of
the thesis' ref. [102].  Areas in km2, inter-site distances (ISD) in km, dividends and
ratios as fractions (0.25 = 25 %).
"""

from __future__ import annotations

import numpy as np

from xlspectrum.core.validation import OutOfRangeError, WrongTypeError, broadcast, check_range, shape_like

__all__ = ["sites_for_area", "spectrum_sharing_dividend", "ssd_from_lsr", "load_symmetry_ratio"]


def sites_for_area(area_km2, isd_km):
    """Base stations needed to cover an area on a hexagonal grid, thesis eq. (8).

    ``N = (2/3) * sqrt(3) * A / ISD**2``: the area divided by the hexagonal cell area
    ``(sqrt(3)/2) ISD**2``.

    Parameters
    ----------
    area_km2 : numeric
        Area to serve, >= 0. [km2]
    isd_km : numeric
        Inter-site distance, > 0. [km]

    Returns
    -------
    float, ndarray or Series
        Number of base stations [-], fractional (round as the plan requires).
    """
    area = check_range("area_km2", area_km2, 0.0, unit="km2")
    isd = check_range("isd_km", isd_km, 0.0, low_inclusive=False, unit="km")
    area, isd = broadcast(area_km2=area, isd_km=isd)
    return shape_like(2.0 / 3.0 * np.sqrt(3.0) * area / isd**2, area_km2, isd_km)


def spectrum_sharing_dividend(isd_no_sharing_km, isd_sharing_km):
    """Spectrum sharing dividend (SSD) from inter-site distances, thesis eq. (9).

    ``SSD = (N_NSH - N_SH) / N_NSH = (1/ISD_NSH**2 - 1/ISD_SH**2) / (1/ISD_NSH**2)``,
    the fraction of base stations saved by sharing (negative if sharing needs more).

    Parameters
    ----------
    isd_no_sharing_km : numeric
        Optimised inter-site distance without sharing, > 0. [km]
    isd_sharing_km : numeric
        Optimised inter-site distance with sharing, > 0. [km]

    Returns
    -------
    float, ndarray or Series
        Spectrum sharing dividend [-], the fraction of sites saved.

    References
    ----------
    B. Shaw, thesis (see :mod:`xlspectrum`), section 5.2.2, eq. (9).
    """
    nsh = check_range("isd_no_sharing_km", isd_no_sharing_km, 0.0, low_inclusive=False, unit="km")
    sh = check_range("isd_sharing_km", isd_sharing_km, 0.0, low_inclusive=False, unit="km")
    nsh, sh = broadcast(isd_no_sharing_km=nsh, isd_sharing_km=sh)
    return shape_like(1.0 - (nsh / sh) ** 2, isd_no_sharing_km, isd_sharing_km)


def ssd_from_lsr(load_symmetry, ssd_symmetric):
    """SSD for operators with asymmetric loads [-], thesis eq. (11), section 5.2.2.

    ``SSD = (1 - LSR) + LSR * SSD_sym``, from the thesis' ref. [102].

    Readings in the thesis: with LSR 0.7 in 2016, Figure 19 shows about 30 % fewer
    sites (section 5.2.2); with the surveyed LSR 0.75, 25 % (section 5.3).  The thesis
    does not print SSD_sym for 2016: solving eq. (11) for both readings gives
    SSD_sym = 0 (0.3 = 0.3 + 0.7 SSD_sym and 0.25 = 0.25 + 0.75 SSD_sym), so the 0 used
    in the worked examples is back-solved, not a printed figure.

    Limit of validity: eq. (11) describes a **capacity-limited** network, where the
    inter-site distance of eq. (10), ``ISD* = min(ISD*_cap, ISD*_cov)``, is the capacity
    ISD.  Sharing lets each site carry more peak traffic, so the capacity ISD grows; once
    it passes the coverage ISD, coverage sets the site count and no further sites are
    saved.  The dividend can then never exceed eq. (9) with ``ISD_SH = ISD*_cov``:
    ``SSD <= 1 - (ISD_NSH / ISD*_cov)**2``.  Check that bound with
    :func:`spectrum_sharing_dividend` before using eq. (11) for a coverage-limited
    (rural, low-traffic) network.

    Parameters
    ----------
    load_symmetry : numeric
        Load symmetry ratio, LSR, 0-1 (two operators always give 0.5-1). [-]

        Named ``load_symmetry``, not ``lsr``: Excel's VBA ignores case, so an argument ``lsr``
        would clash with the add-in function ``LSR``.
    ssd_symmetric : numeric
        Dividend with symmetric loads (LSR = 1), 0-1: a fraction of the sites saved, eq. (9)
        with the sharing ISD no shorter than the ISD without sharing (symmetric loads never need more sites). [-]

    Returns
    -------
    float, ndarray or Series
        Spectrum sharing dividend [-]: the fraction of sites saved (0.25 = 25 %).

    References
    ----------
    B. Shaw, thesis (see :mod:`xlspectrum`), section 5.2.2, eqs. (9)-(12), Figure 19.
    """
    ratio = check_range("load_symmetry", load_symmetry, 0.0, 1.0)
    sym = check_range("ssd_symmetric", ssd_symmetric, 0.0, 1.0,
                      hint=": a fraction of the sites saved with symmetric loads (eq. 9 with ISD_SH >= ISD_NSH)")
    ratio, sym = broadcast(load_symmetry=ratio, ssd_symmetric=sym)
    return shape_like((1.0 - ratio) + ratio * sym, load_symmetry, ssd_symmetric)


def load_symmetry_ratio(profile_1, profile_2):
    """Load symmetry ratio (LSR) of two operators' traffic profiles, thesis eq. (12).

    ``LSR = max(D1 + D2) / (max(D1) + max(D2))`` over samples taken at the same
    instants.  1 for perfectly symmetric (proportional) profiles, down to 0.5 for
    profiles whose peaks never coincide.  Thesis section 5.3 measures 3.06/4.01 = 0.76
    (suburban) and 5.14/6.97 = 0.74 (rural).

    Parameters
    ----------
    profile_1, profile_2 : 1-D array_like
        Downlink traffic of each operator per sample [any unit, the same for both], >= 0,
        of equal length.  A 2-D input is read as one profile per column (an Excel
        column range), returning one LSR per column.

    Returns
    -------
    float or ndarray
        Load symmetry ratio [-], 0.5-1 for two operators.

    References
    ----------
    B. Shaw, thesis (see :mod:`xlspectrum`), section 5.2.2, eq. (12); section 5.3.
    """
    d1 = check_range("profile_1", profile_1, 0.0)
    d2 = check_range("profile_2", profile_2, 0.0)
    if d1.ndim == 0 or d2.ndim == 0:
        raise WrongTypeError("profile_1 and profile_2 must be series of samples, not single numbers")
    if d1.shape != d2.shape:
        raise WrongTypeError(f"profile_1 has shape {d1.shape} but profile_2 has shape {d2.shape}; they must match")
    peak_sum = d1.max(axis=0) + d2.max(axis=0)
    if np.any(peak_sum == 0):
        raise OutOfRangeError("profile_1 and profile_2 are all zero; the LSR is undefined")
    return shape_like((d1 + d2).max(axis=0) / peak_sum)
