"""Millimetre-wave coverage: the downlink budget, 3GPP TR 38.901 urban micro, range and site count.

The thesis reads the coverage of a 28 GHz site off an Atoll prediction (section 6.2,
Figures 24 and 26): 30 dBm into a 17 dBi horn with a 26.25 degree beam, signal levels
from -70 to -105 dBm, and the UMi loss of eq. (15).  This module makes each step a
formula: the budget gives a maximum path loss, a path-loss model inverted gives the range,
and the hexagonal grid of eq. (8) gives the sites an area needs.  It puts the current
3GPP model (TR 38.901) beside the thesis' one (TR 36.814, eq. (15)) so the difference
between them can be read as metres of range and numbers of sites.

Distances in m, frequencies in GHz, powers in dBm, gains in dBi, losses in dB.

References
----------
[1] B. Shaw, PhD thesis, University of Auckland, 2020: section 6.2 (eq. (15), Figures
    23, 24, 26, 27), section 6.1 (wall, foliage and body losses at 28 GHz), section 5.2.2
    (eq. (8)), Appendix C (pico cell radius 0.22 km).
[2] 3GPP TR 38.901 v17.0.0, "Study on channel model for frequencies from 0.5 to 100 GHz",
    section 7.4.1, Table 7.4.1-1 (UMi street canyon) and its note 1 (breakpoint distance).
"""

from __future__ import annotations

import inspect

import numpy as np

from xlspectrum.formulas import propagation
from xlspectrum.core.validation import (
    OutOfRangeError,
    as_switch,
    broadcast,
    check_range,
    model_range,
    shape_like,
)
from xlspectrum.formulas.sharing import sites_for_area  # noqa: F401 - eq. (8), which sites_for_range applies to the range

__all__ = [
    "DOWNLINK_28GHZ",
    "SIGNAL_LEVELS_DBM",
    "downlink_max_path_loss",
    "umi_38901_path_loss",
    "umi_38901_range_m",
    "sites_for_range",
    "horns_for_full_circle",
    "pico_radius_km",
]

#: The signal levels of the thesis' coverage legend, Figure 26 [dBm].
SIGNAL_LEVELS_DBM = (-70.0, -75.0, -80.0, -85.0, -90.0, -95.0, -100.0, -105.0)

#: TR 38.901's ranges for UMi street canyon (Table 7.4.1-1 and section 7.4).
UMI38901_FREQUENCY_GHZ = (0.5, 100.0)
UMI38901_DISTANCE_M = (10.0, 5000.0)
UMI38901_BASE_HEIGHT_M = (10.0, 10.0)
UMI38901_MOBILE_HEIGHT_M = (1.5, 22.5)
#: Effective environment height h_E for UMi [m] (Table 7.4.1-1, note 1).
UMI38901_ENVIRONMENT_HEIGHT_M = 1.0
#: The speed of light as the report writes it in the breakpoint distance [m/s].
SPEED_OF_LIGHT_38901 = 3.0e8
#: TR 38.901 Table 7.4.1-1, UMi street canyon LOS [dB]: before the breakpoint
#: PL1 = a + b1 log10(d3D) + c log10(fc), after it PL2 = a + b2 log10(d3D) + c log10(fc)
#: - k log10(d'BP^2 + (hBS - hUT)^2), d3D in m, fc in GHz (the workbooks' native formulas read these too)
UMI38901_LOS_INTERCEPT_DB = 32.4
UMI38901_LOS_SLOPE_BEFORE_DB = 21.0
UMI38901_LOS_SLOPE_AFTER_DB = 40.0
UMI38901_LOS_FREQUENCY_SLOPE_DB = 20.0
UMI38901_LOS_BREAKPOINT_DB = 9.5
#: NLOS [dB]: PL'NLOS = b log10(d3D) + a + c log10(fc) - k (hUT - h0), hUT in m
UMI38901_NLOS_SLOPE_DB = 35.3
UMI38901_NLOS_INTERCEPT_DB = 22.4
UMI38901_NLOS_FREQUENCY_SLOPE_DB = 21.3
UMI38901_NLOS_HEIGHT_DB_PER_M = 0.3
UMI38901_NLOS_REFERENCE_HEIGHT_M = 1.5

_BASE_HEIGHT_INVITATION = "; the report's UMi street canyon fixes hBS = 10 m: set extrapolate=TRUE to use another height"


def downlink_max_path_loss(
    # defaults: the thesis' 28 GHz prediction, section 6.2 (Figure 24), at the last legend level (Figure 26)
    tx_power_dbm=30.0,
    tx_antenna_gain_dbi=17.0,
    signal_threshold_dbm=-105.0,
    rx_antenna_gain_dbi=0.0,
    cable_loss_db=0.0,
    wall_loss_db=0.0,
    foliage_loss_db=0.0,
    body_loss_db=0.0,
    other_loss_db=0.0,
):
    """Maximum allowable path loss of a downlink budget [dB], thesis section 6.2.

    ``MAPL = P_tx + G_tx + G_rx - cable - wall - foliage - body - other - threshold``:
    the path loss at which the received signal falls to ``signal_threshold_dbm``.

    The defaults are the thesis' 28 GHz prediction (30 dBm, a 17 dBi horn, Figure 24)
    at the weakest level its legend shows (-105 dBm, Figure 26), with no extra losses:
    152 dB.  The losses the thesis lists for 28 GHz (section 6.1) are inputs so a user can
    see what each costs in range: walls 40-80 dB, foliage up to 23 dB, the human body
    20-35 dB; ``other_loss_db`` takes anything else, such as gaseous or rain attenuation.

    Parameters
    ----------
    tx_power_dbm : numeric
        Transmit power (thesis: 30). [dBm]
    tx_antenna_gain_dbi : numeric
        Base-station antenna gain (thesis: 17, a horn with a
        26.25 degree beam). [dBi]
    signal_threshold_dbm : numeric
        Least received signal that counts as covered
        (Figure 26: -70 to -105). [dBm]
    rx_antenna_gain_dbi : numeric
        Mobile antenna gain (default 0). [dBi]
    cable_loss_db, wall_loss_db, foliage_loss_db, body_loss_db, other_loss_db :
        losses [dB], each >= 0 (default 0).

    Returns
    -------
    float, ndarray or Series
        Maximum allowable path loss [dB] (152 with the defaults).

    References
    ----------
    [1] sections 6.1, 6.2, Figures 24, 26, 27.
    """
    tx = check_range("tx_power_dbm", tx_power_dbm, unit="dBm")
    gtx = check_range("tx_antenna_gain_dbi", tx_antenna_gain_dbi, unit="dBi")
    threshold = check_range("signal_threshold_dbm", signal_threshold_dbm, unit="dBm")
    grx = check_range("rx_antenna_gain_dbi", rx_antenna_gain_dbi, unit="dBi")
    losses = [
        check_range(name, value, 0.0, unit="dB")
        for name, value in (("cable_loss_db", cable_loss_db), ("wall_loss_db", wall_loss_db),
                            ("foliage_loss_db", foliage_loss_db), ("body_loss_db", body_loss_db),
                            ("other_loss_db", other_loss_db))
    ]
    tx, gtx, threshold, grx, *losses = broadcast(
        tx_power_dbm=tx, tx_antenna_gain_dbi=gtx, signal_threshold_dbm=threshold, rx_antenna_gain_dbi=grx,
        cable_loss_db=losses[0], wall_loss_db=losses[1], foliage_loss_db=losses[2], body_loss_db=losses[3],
        other_loss_db=losses[4],
    )
    mapl = tx + gtx + grx - sum(losses) - threshold
    return shape_like(mapl, tx_power_dbm, tx_antenna_gain_dbi, signal_threshold_dbm, rx_antenna_gain_dbi,
                      cable_loss_db, wall_loss_db, foliage_loss_db, body_loss_db, other_loss_db)


def _umi_38901_inputs(frequency_ghz, base_height_m, mobile_height_m, extrapolate):
    f = model_range("frequency_ghz", frequency_ghz, *UMI38901_FREQUENCY_GHZ, unit="GHz",
                    model="3GPP TR 38.901 UMi", extrapolate=extrapolate)
    hb = model_range("base_height_m", base_height_m, *UMI38901_BASE_HEIGHT_M, unit="m",
                     model="3GPP TR 38.901 UMi", extrapolate=extrapolate, invitation=_BASE_HEIGHT_INVITATION)
    hm = model_range("mobile_height_m", mobile_height_m, *UMI38901_MOBILE_HEIGHT_M, unit="m",
                     model="3GPP TR 38.901 UMi", extrapolate=extrapolate)
    # the breakpoint needs both antennas above the effective environment height
    he = UMI38901_ENVIRONMENT_HEIGHT_M
    check_range("base_height_m", hb, he, low_inclusive=False, unit="m", hint=" (above h_E = 1 m, TR 38.901 note 1)")
    check_range("mobile_height_m", hm, he, low_inclusive=False, unit="m", hint=" (above h_E = 1 m, TR 38.901 note 1)")
    return f, hb, hm


def _breakpoint_m(f_ghz, hb, hm):
    """d'_BP = 4 h'_BS h'_UT fc / c [m], TR 38.901 Table 7.4.1-1 note 1, with h' = h - h_E."""
    he = UMI38901_ENVIRONMENT_HEIGHT_M
    return 4.0 * (hb - he) * (hm - he) * f_ghz * 1e9 / SPEED_OF_LIGHT_38901


def _los_loss(d3, f, breakpoint, height_difference):
    before = UMI38901_LOS_INTERCEPT_DB + UMI38901_LOS_SLOPE_BEFORE_DB * np.log10(d3) + UMI38901_LOS_FREQUENCY_SLOPE_DB * np.log10(f)
    after = (UMI38901_LOS_INTERCEPT_DB + UMI38901_LOS_SLOPE_AFTER_DB * np.log10(d3) + UMI38901_LOS_FREQUENCY_SLOPE_DB * np.log10(f)
             - UMI38901_LOS_BREAKPOINT_DB * np.log10(breakpoint**2 + height_difference**2))
    d2 = np.sqrt(np.maximum(d3**2 - height_difference**2, 0.0))
    return np.where(d2 <= breakpoint, before, after)


def _nlos_prime_loss(d3, f, hm):
    return (UMI38901_NLOS_SLOPE_DB * np.log10(d3) + UMI38901_NLOS_INTERCEPT_DB + UMI38901_NLOS_FREQUENCY_SLOPE_DB * np.log10(f)
            - UMI38901_NLOS_HEIGHT_DB_PER_M * (hm - UMI38901_NLOS_REFERENCE_HEIGHT_M))


def umi_38901_path_loss(distance_m, frequency_ghz, los=False, base_height_m=10.0, mobile_height_m=1.5, *,
                        extrapolate=False):
    """3GPP TR 38.901 urban micro (street canyon) path loss [dB], Table 7.4.1-1 [2].

    With ``d2`` the ground distance, ``d3 = sqrt(d2^2 + (hBS - hUT)^2)`` the distance
    between the antennas and the breakpoint ``d'_BP = 4 (hBS - 1)(hUT - 1) fc / c``:

    - LOS: ``32.4 + 21 log10(d3) + 20 log10(fc)`` up to ``d'_BP``, then
      ``32.4 + 40 log10(d3) + 20 log10(fc) - 9.5 log10(d'_BP^2 + (hBS - hUT)^2)``;
    - NLOS: ``max(PL_LOS, 35.3 log10(d3) + 22.4 + 21.3 log10(fc) - 0.3 (hUT - 1.5))``.

    The current 3GPP model for 0.5-100 GHz, beside the one the thesis uses (eq. (15),
    :func:`xlspectrum.umi_path_loss`, fitted at 2-6 GHz).  Median loss, no shadowing
    (the report's shadow-fading sigma is 4 dB LOS, 7.82 dB NLOS).

    Parameters
    ----------
    distance_m : numeric
        Ground (2-D) distance from the base station, valid 10-5000. [m]
    frequency_ghz : numeric
        Carrier frequency, valid 0.5-100. [GHz]
    los : bool
        TRUE for line of sight, FALSE (default) for non line of sight.
    base_height_m : numeric
        Base-station antenna height; the report fixes 10. [m]
    mobile_height_m : numeric
        Mobile antenna height, valid 1.5-22.5 (default 1.5). [m]
    extrapolate : bool
        Allow inputs outside those ranges (heights must stay above h_E = 1 m).

    Returns
    -------
    float, ndarray or Series
        Median path loss [dB].

    References
    ----------
    [2] section 7.4.1, Table 7.4.1-1 and note 1; c = 3.0e8 m/s as the report writes it.

    Examples
    --------
    ns-3's test vectors for this model (5 GHz, hBS 10 m, hUT 1.5 m): 100 m LOS
    88.41 dB, NLOS 107.94 dB.

    >>> round(umi_38901_path_loss(100, 5, los=True), 2), round(umi_38901_path_loss(100, 5), 2)
    (88.41, 107.94)
    """
    line_of_sight = as_switch("los", los)
    f, hb, hm = _umi_38901_inputs(frequency_ghz, base_height_m, mobile_height_m, extrapolate)
    d2 = model_range("distance_m", distance_m, *UMI38901_DISTANCE_M, unit="m", model="3GPP TR 38.901 UMi",
                     extrapolate=extrapolate)
    d2, f, hb, hm = broadcast(distance_m=d2, frequency_ghz=f, base_height_m=hb, mobile_height_m=hm)
    height_difference = hb - hm
    d3 = np.sqrt(d2**2 + height_difference**2)
    loss = _los_loss(d3, f, _breakpoint_m(f, hb, hm), height_difference)
    if not line_of_sight:
        loss = np.maximum(loss, _nlos_prime_loss(d3, f, hm))
    return shape_like(loss, distance_m, frequency_ghz, base_height_m, mobile_height_m)


def umi_38901_range_m(max_path_loss_db, frequency_ghz, los=False, base_height_m=10.0, mobile_height_m=1.5, *,
                      extrapolate=False):
    """Ground range [m] at which TR 38.901 UMi loss reaches a maximum path loss.

    :func:`umi_38901_path_loss` inverted in closed form.  Each piece is a straight line in
    ``log10(d3)``; the LOS loss is continuous at the breakpoint, so the LOS distance
    comes from the first piece when the budget ends before the breakpoint and from the
    second after it.  The NLOS loss is the larger of two rising curves, so its range is
    the smaller of their two ranges.  The ground range is
    ``sqrt(d3^2 - (hBS - hUT)^2)``.

    Parameters
    ----------
    max_path_loss_db : numeric
        Maximum allowable path loss, > 0. [dB]
    frequency_ghz, los, base_height_m, mobile_height_m, extrapolate :
        as for :func:`umi_38901_path_loss`.

    Returns
    -------
    float, ndarray or Series
        Ground range [m].  Raises if it falls outside the model's 10-5000 m unless
        ``extrapolate=True``, and always if the budget does not reach past the mast.

    References
    ----------
    [2] section 7.4.1, Table 7.4.1-1.
    """
    line_of_sight = as_switch("los", los)
    mapl = check_range("max_path_loss_db", max_path_loss_db, 0.0, low_inclusive=False, unit="dB")
    f, hb, hm = _umi_38901_inputs(frequency_ghz, base_height_m, mobile_height_m, extrapolate)
    mapl, f, hb, hm = broadcast(max_path_loss_db=mapl, frequency_ghz=f, base_height_m=hb, mobile_height_m=hm)
    height_difference = hb - hm
    breakpoint = _breakpoint_m(f, hb, hm)
    breakpoint_3d = np.sqrt(breakpoint**2 + height_difference**2)
    with np.errstate(over="ignore"):
        free = mapl - UMI38901_LOS_INTERCEPT_DB - UMI38901_LOS_FREQUENCY_SLOPE_DB * np.log10(f)
        before = 10.0 ** (free / UMI38901_LOS_SLOPE_BEFORE_DB)
        after = 10.0 ** ((free + UMI38901_LOS_BREAKPOINT_DB * np.log10(breakpoint**2 + height_difference**2))
                         / UMI38901_LOS_SLOPE_AFTER_DB)
        d3 = np.where(before <= breakpoint_3d, before, after)
        if not line_of_sight:
            nlos = (mapl - UMI38901_NLOS_INTERCEPT_DB - UMI38901_NLOS_FREQUENCY_SLOPE_DB * np.log10(f)
                    + UMI38901_NLOS_HEIGHT_DB_PER_M * (hm - UMI38901_NLOS_REFERENCE_HEIGHT_M))
            d3 = np.minimum(d3, 10.0 ** (nlos / UMI38901_NLOS_SLOPE_DB))
    short = d3 <= np.abs(height_difference)
    if short.any():
        index = int(np.flatnonzero(short)[0])
        raise OutOfRangeError(
            f"max_path_loss_db={mapl.ravel()[index]:.6g} is used up within {d3.ravel()[index]:.3g} m of the antenna, "
            "before the signal reaches the ground: no coverage"
        )
    d2 = np.sqrt(d3**2 - height_difference**2)
    if not as_switch("extrapolate", extrapolate):
        propagation._check_inverted_range(d2, mapl, UMI38901_DISTANCE_M, "m", "3GPP TR 38.901 UMi")
    return shape_like(d2, max_path_loss_db, frequency_ghz, base_height_m, mobile_height_m)


def sites_for_range(area_km2, range_m):
    """Sites to cover an area with cells of a given range [sites], thesis eq. (8).

    Hexagonal cells of radius ``r`` (the range) sit ``ISD = sqrt(3) r`` apart, so
    eq. (8) gives ``N = (2/3) sqrt(3) A / (3 r^2) = 2 A / (3 sqrt(3) r^2)``: the area over
    the hexagon's ``(3 sqrt(3) / 2) r^2``, the "2.6 r^2" of the thesis' cost model.

    Parameters
    ----------
    area_km2 : numeric
        Area to cover, >= 0. [km2]
    range_m : numeric
        Cell range (hexagon radius), > 0. [m]

    Returns
    -------
    float, ndarray or Series
        Sites [-], fractional (round up for a plan).

    References
    ----------
    [1] section 5.2.2, eq. (8); Appendix C (cell area 2.6 r^2).
    """
    radius = check_range("range_m", range_m, 0.0, low_inclusive=False, unit="m")
    area = check_range("area_km2", area_km2, 0.0, unit="km2")
    area, radius = broadcast(area_km2=area, range_m=radius)
    # eq. (8) with ISD = sqrt(3) r, in the range's own name: 2 A / (3 sqrt(3) r^2), r in km
    radius_km = radius / 1000.0
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        result = 2.0 * area / (3.0 * np.sqrt(3.0) * radius_km * radius_km)
    return shape_like(result, area_km2, range_m)


DOWNLINK_28GHZ = {
    "frequency_ghz": 28.0,
    "beamwidth_deg": 26.25,
    **{name: parameter.default for name, parameter in inspect.signature(downlink_max_path_loss).parameters.items()},
}
"""The thesis' 28 GHz downlink (section 6.2): the budget's defaults, the carrier and the beam."""


def horns_for_full_circle(beamwidth_deg):
    """Horn antennas to cover all 360 degrees of azimuth [antennas].

    ``ceil(360 / beamwidth)``: the thesis' horn has a 26.25 degree beam (section 6.2,
    Figure 27), so a site needs 14 of them; the 1800 MHz site of Figure 25 has panels of
    about 60 degrees, of which 6 would cover 360 degrees (the thesis gives neither site's
    number of sectors).
    The thesis notes the extra sectors cost more (section 6.2).

    Parameters
    ----------
    beamwidth_deg : numeric
        3 dB beam width, 0 < beamwidth <= 360. [degrees]

    Returns
    -------
    float, ndarray or Series
        Antennas per site [-], a whole number.

    References
    ----------
    [1] section 6.2, Figure 27.
    """
    beam = check_range("beamwidth_deg", beamwidth_deg, 0.0, 360.0, low_inclusive=False, unit="degrees")
    # a beam that divides 360 exactly must not round up one antenna too many through round-off
    return shape_like(np.ceil(np.round(360.0 / beam, 9)), beamwidth_deg)


#: Where the cost model's pico radius comes from: the printed 0.22 km, or the 28 GHz budget
#: inverted by eq. (15) (the thesis' model) or by TR 38.901 UMi NLOS.
PICO_RADIUS_SOURCES = ("printed", "eq15", "38901")
PRINTED_PICO_RADIUS_KM = 0.22


def pico_radius_km(source="printed", signal_threshold_dbm=-105.0, **budget):
    """The cost model's pico-cell radius [km]: printed, or from the 28 GHz downlink budget.

    ``"printed"`` is Appendix C's 0.22 km.  ``"eq15"`` and ``"38901"`` take
    :func:`downlink_max_path_loss` (the thesis' 28 GHz site, with ``signal_threshold_dbm``
    and any other budget row in ``budget``) and invert eq. (15) (:func:`umi_range_m`) or TR
    38.901 UMi NLOS (:func:`umi_38901_range_m`) at 28 GHz.

    Parameters
    ----------
    source : str
        ``"printed"`` (default), ``"eq15"`` or ``"38901"``.
    signal_threshold_dbm : numeric
        Cell-edge signal (default -105, Figure 26's last level). [dBm]
    **budget : numeric
        Other arguments of :func:`downlink_max_path_loss` (losses in dB).

    Returns
    -------
    float
        Pico-cell radius [km].

    References
    ----------
    [1] Appendix C (0.22 km, the simulated cell radius of the thesis' reference [120],
    section 6.1), section 6.2 (eq. (15)), section 6.7 (the 200-300 m path length); [2].
    """
    if source not in PICO_RADIUS_SOURCES:
        raise ValueError(f"source={source!r} must be one of {', '.join(PICO_RADIUS_SOURCES)}")
    if source == "printed":
        return PRINTED_PICO_RADIUS_KM
    mapl = downlink_max_path_loss(signal_threshold_dbm=signal_threshold_dbm, **budget)
    frequency = DOWNLINK_28GHZ["frequency_ghz"]
    if source == "eq15":
        metres = propagation.umi_range_m(mapl, frequency, extrapolate=True)
    else:
        metres = umi_38901_range_m(mapl, frequency)
    return float(metres) / 1000.0
