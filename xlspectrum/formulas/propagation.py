"""Radio propagation: path-loss models, the uplink link budget and cell range.

All logarithms are base 10.  Distances are in km unless the argument name says m,
frequencies in MHz unless it says GHz, heights in m, losses and gains in dB.

References
----------
[1] B. Shaw, "Spectrum allocation methods for future wireless services in cellular
    networks", PhD thesis, University of Auckland, 2020 (section 5.2.1, eqs. (3)-(7);
    section 6.2, eq. (15); Table 4).

[2] M. Hata, "Empirical formula for propagation loss in land mobile radio services",
    IEEE Trans. Veh. Technol. 29(3), 1980.

[3] COST Action 231, "Digital mobile radio towards future generation systems",
    final report, EUR 18957, 1999, section 4.4.1 (COST-231 Hata).

[4] 3GPP TR 36.814 v9.2.0, "Further advancements for E-UTRA physical layer aspects",
    annex B.1.2.1, Table B.1.2.1-1 (urban micro, NLOS, hexagonal layout), taken from the
    WINNER II channel models (scenario B1), which cover 2-6 GHz.

[5] Y. Okumura et al., "Field strength and its variability in VHF and UHF land-mobile
    radio service", Rev. Elec. Comm. Lab. 16, 1968 (the curves Hata's formulas fit).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np
from xlspectrum.core.normal import ndtri  # the standard normal quantile (scipy.special.ndtri, imported on first use)

from xlspectrum.core.validation import (
    one_of,
    NonFiniteResultError,
    OutOfRangeError,
    WrongTypeError,
    as_switch,
    broadcast,
    check_range,
    model_range,
    shape_like,
)

__all__ = [
    "TABLE4_UPLINK",
    "UplinkBudget",
    "fspl",
    "okumura_hata",
    "cost231_hata",
    "cost231_hata_terms",
    "umi_path_loss",
    "umi_range_m",
    "max_allowable_path_loss",
    "uplink_budget",
    "cell_range_km",
]

# Ranges of validity stated with eqs. (4) and (6) in [1] section 5.2.1.
HATA_FREQUENCY_MHZ = (150.0, 1500.0)
COST231_FREQUENCY_MHZ = (150.0, 2000.0)
HATA_BASE_HEIGHT_M = (30.0, 200.0)
HATA_MOBILE_HEIGHT_M = (1.0, 10.0)
HATA_DISTANCE_KM = (1.0, 20.0)
# [4] gives UMi for 10 m < d < 2000 m at 2-6 GHz.  The thesis (section 6.2, eq. (15))
# applies it at 28 GHz, outside that range: doing the same needs extrapolate=True.
UMI_DISTANCE_M = (10.0, 2000.0)
UMI_FREQUENCY_GHZ = (2.0, 6.0)

#: Hata's area types [2]: "urban" is the small/medium-city urban loss of eqs. (4), (5);
#: "large_city" changes the mobile-antenna factor a(hm); "suburban" and "open" subtract
#: Hata's area corrections from the small/medium-city urban loss.
HATA_ENVIRONMENTS = ("urban", "large_city", "suburban", "open")
# Hata gives the large-city a(hm) for f <= 200 MHz and for f >= 400 MHz, nothing between.
HATA_LARGE_CITY_GAP_MHZ = (200.0, 400.0)

# What to use instead when a frequency is outside a model's range: a model that fits,
# never an invitation to extrapolate an empirical fit far beyond its data.
_ABOVE_HATA = ("; for 1500-2000 MHz use COST231 (COST-231 Hata), above 2 GHz UMI_38901 (3GPP TR 38.901), "
               "UMI_PATH_LOSS (the thesis' UMi) or FSPL")
_ABOVE_COST231 = ("; above 2 GHz use UMI_38901 (3GPP TR 38.901 urban micro, 0.5-100 GHz), UMI_PATH_LOSS "
                  "(the thesis' UMi) or FSPL (free space)")
_BELOW_HATA = "; no empirical model here fits below 150 MHz: FSPL gives the free-space loss"
_UMI_FREQUENCY = ("; the thesis applies it at 28 GHz (section 6.2, eq. (15)): set extrapolate=TRUE to do the same, "
                  "knowing it is outside TR 36.814's 2-6 GHz")

#: The constant of the free-space loss with d in km and f in MHz, thesis eq. (3) [dB]:
#: the thesis prints 32.42, where 20 log10(4 pi 1e9 / c) gives 32.45 (a 0.03 dB difference it keeps).
FSPL_CONSTANT_DB = 32.42
#: The speed of light in vacuum [m/s] (exact, SI)
SPEED_OF_LIGHT_M_S = 299_792_458.0
#: Thesis eq. (15), 3GPP UMi as the thesis writes it: PL = a + b log10(d [m]) + c log10(fc [GHz]) [dB]
#: (the workbooks' native formulas read these constants too)
UMI_EQ15_INTERCEPT_DB = 22.7
UMI_EQ15_DISTANCE_SLOPE_DB = 36.7
UMI_EQ15_FREQUENCY_SLOPE_DB = 26.0
#: Free space holds from lambda / (2 pi) on [wavelengths]: nearer is the reactive near field of an antenna
#: (Wheeler's radiansphere, Proc. IRE 47 (1959) p. 1325), where Friis' formula has no meaning (it would give a
#: loss under 6 dB, and a negative one below lambda / (4 pi))
FSPL_NEAREST_WAVELENGTHS = 1.0 / (2.0 * np.pi)

# Reference temperature of the thermal noise floor kTB (ITU-R P.372), K.
NOISE_TEMPERATURE_K = 290.0
#: Boltzmann's constant [J/K], exact since the 2019 SI redefinition (equal to scipy.constants.k,
#: whose import costs every session a tenth of a second)
BOLTZMANN_J_PER_K = 1.380649e-23


def fspl(distance_km, frequency_mhz):
    """Free-space path loss [dB], thesis eq. (3), section 5.2.1.

    ``FSPL = 32.42 + 20 log10(d) + 20 log10(f)``

    Parameters
    ----------
    distance_km : float or array_like
        Distance from the transmitter [km], at least lambda / (2 pi) (5.3 cm at 900 MHz):
        nearer is the reactive near field [2], where free space does not apply.
    frequency_mhz : float or array_like
        Carrier frequency [MHz], > 0.

    Returns
    -------
    float or ndarray
        Path loss [dB], at least 6.0 dB.  Rises 20 dB per decade of distance and of frequency.

    References
    ----------
    [1] section 5.2.1, eq. (3).

    [2] H. A. Wheeler, "The radiansphere around a small antenna", Proc. IRE 47 (1959) p. 1325:
        the near field reaches to lambda / (2 pi).
    """
    d = check_range("distance_km", distance_km, 0.0, low_inclusive=False, unit="km")
    f = check_range("frequency_mhz", frequency_mhz, 0.0, low_inclusive=False, unit="MHz")
    d, f = broadcast(distance_km=d, frequency_mhz=f)
    with np.errstate(over="ignore"):  # a subnormal frequency: the near field reaches everywhere (inf km)
        nearest_km = FSPL_NEAREST_WAVELENGTHS * SPEED_OF_LIGHT_M_S / (f * 1e6) / 1000.0
    near = d < nearest_km
    if near.any():
        i = int(np.flatnonzero(near)[0])
        where = "" if near.ndim == 0 else f" (element {i})"
        raise OutOfRangeError(
            f"distance_km={d.ravel()[i]:.6g}{where} must be >= {nearest_km.ravel()[i]:.3g} km at "
            f"frequency_mhz={f.ravel()[i]:.6g}: nearer than lambda/(2 pi) is an antenna's near field "
            "(Wheeler 1959), where free-space loss has no meaning")
    return shape_like(FSPL_CONSTANT_DB + 20.0 * np.log10(d) + 20.0 * np.log10(f), distance_km, frequency_mhz)


def _mobile_height_correction(f_mhz: np.ndarray, hm: np.ndarray) -> np.ndarray:
    """a(hm) for a small-to-medium city [dB], thesis eq. (5)."""
    log_f = np.log10(f_mhz)
    return (1.1 * log_f - 0.7) * hm - (1.56 * log_f - 0.8)


def _large_city_mobile_correction(f_mhz: np.ndarray, hm: np.ndarray) -> np.ndarray:
    """a(hm) for a large city [dB], Hata [2]: the 200 MHz form up to 300 MHz, the 400 MHz form above."""
    low = 8.29 * np.log10(1.54 * hm) ** 2 - 1.1
    high = 3.2 * np.log10(11.75 * hm) ** 2 - 4.97
    return np.where(f_mhz <= 300.0, low, high)


def _hata_environment(environment) -> str:
    if isinstance(environment, np.ndarray) and environment.size == 1:
        environment = environment.ravel()[0]
    text = environment.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(environment, str) else None
    return one_of("environment", text, HATA_ENVIRONMENTS, given=environment)


def okumura_hata(frequency_mhz, distance_km, base_height_m, mobile_height_m, *, extrapolate=False, environment="urban"):
    """Okumura-Hata path loss [dB], thesis eqs. (4) and (5), section 5.2.1; Hata's area types [2].

    The thesis' form (``environment="urban"``) is the small/medium-city urban loss
    ``L = 69.55 + 26.16 log f - 13.82 log hb - a(hm) + (44.9 - 6.55 log hb) log d``
    with ``a(hm) = (1.1 log f - 0.7) hm - (1.56 log f - 0.8)``.  Hata's other area types:

    - ``"large_city"``: ``a(hm) = 8.29 (log 1.54 hm)^2 - 1.1`` for f <= 200 MHz and
      ``3.2 (log 11.75 hm)^2 - 4.97`` for f >= 400 MHz.  Hata gives nothing between 200
      and 400 MHz: that gap needs ``extrapolate=True``, which takes the 200 MHz form up to
      300 MHz and the 400 MHz form above (the two differ by under 0.1 dB at hm = 1.5 m).
    - ``"suburban"``: ``L_urban - 2 (log(f/28))^2 - 5.4``.
    - ``"open"`` (open, rural area): ``L_urban - 4.78 (log f)^2 + 18.33 log f - 40.94``.

    Parameters
    ----------
    frequency_mhz : numeric
        Carrier frequency, valid 150-1500. [MHz]
    distance_km : numeric
        Path length, valid 1-20. [km]
    base_height_m : numeric
        Base-station antenna height, valid 30-200. [m]
    mobile_height_m : numeric
        Mobile antenna height, valid 1-10. [m]
    extrapolate : bool
        Allow distances and heights outside the ranges of validity (they must still be
        > 0), and the large-city gap of 200-400 MHz.  A frequency outside 150-1500 MHz is
        refused with the model that fits.
    environment : str
        ``"urban"`` (default: small/medium city, the thesis' form),
        ``"large_city"``, ``"suburban"`` or ``"open"``.  It comes after ``extrapolate``
        so that existing ``HATA(f, d, hb, hm, [extrapolate])`` cells keep their meaning.

    Returns
    -------
    float, ndarray or Series
        Median path loss [dB].

    References
    ----------
    [1] section 5.2.1, eqs. (4), (5); [2] eqs. (4)-(6) and the area corrections.

    Examples
    --------
    An independent published value (ns-3's Okumura-Hata test vectors, 869 MHz, 2 km,
    hb 30 m, hm 1 m): small/medium city 137.88 dB, large city 137.93 dB, suburban 128.03 dB.

    >>> round(okumura_hata(869, 2, 30, 1, environment="suburban"), 2)
    128.03
    """
    kind = _hata_environment(environment)
    f = model_range("frequency_mhz", frequency_mhz, *HATA_FREQUENCY_MHZ, unit="MHz", model="Okumura-Hata",
                    extrapolate=extrapolate, below=_BELOW_HATA, above=_ABOVE_HATA)
    d = model_range("distance_km", distance_km, *HATA_DISTANCE_KM, unit="km", model="Okumura-Hata", extrapolate=extrapolate)
    hb = model_range("base_height_m", base_height_m, *HATA_BASE_HEIGHT_M, unit="m", model="Okumura-Hata", extrapolate=extrapolate)
    hm = model_range("mobile_height_m", mobile_height_m, *HATA_MOBILE_HEIGHT_M, unit="m", model="Okumura-Hata", extrapolate=extrapolate)
    f, d, hb, hm = broadcast(frequency_mhz=f, distance_km=d, base_height_m=hb, mobile_height_m=hm)
    if kind == "large_city" and not as_switch("extrapolate", extrapolate):
        low, high = HATA_LARGE_CITY_GAP_MHZ
        gap = (f > low) & (f < high)
        if gap.any():
            raise OutOfRangeError(
                f"frequency_mhz={f.ravel()[int(np.flatnonzero(gap)[0])]:.6g} is between 200 and 400 MHz, where Hata "
                "gives no large-city a(hm); set extrapolate=TRUE to use the nearer form (switching at 300 MHz)"
            )
    correction = _large_city_mobile_correction(f, hm) if kind == "large_city" else _mobile_height_correction(f, hm)
    loss = (
        69.55
        + 26.16 * np.log10(f)
        - 13.82 * np.log10(hb)
        - correction
        + (44.9 - 6.55 * np.log10(hb)) * np.log10(d)
    )
    if kind == "suburban":
        loss = loss - 2.0 * np.log10(f / 28.0) ** 2 - 5.4
    elif kind == "open":
        loss = loss - 4.78 * np.log10(f) ** 2 + 18.33 * np.log10(f) - 40.94
    return shape_like(loss, frequency_mhz, distance_km, base_height_m, mobile_height_m)


def _metropolitan_offset(metropolitan) -> np.ndarray:
    """C_m of eq. (6): 0 dB for medium cities and suburbs, 3 dB for metropolitan centres."""
    flags = np.asarray(metropolitan)
    if flags.dtype.kind not in "biuf" or not np.isin(flags, (0, 1)).all():
        raise WrongTypeError(f"metropolitan={metropolitan!r} must be TRUE/FALSE (or 1/0)")
    return np.where(flags.astype(bool), 3.0, 0.0)


def cost231_hata_terms(frequency_mhz, base_height_m, mobile_height_m, metropolitan=False, *, extrapolate=False):
    """COST-231 Hata as ``fixed + slope * log10(d)``, thesis eq. (6) and Table 4.

    Parameters
    ----------
    frequency_mhz : numeric
        Carrier frequency, as :func:`cost231_hata`. [MHz]
    base_height_m : numeric
        Base-station antenna height, valid 30-200. [m]
    mobile_height_m : numeric
        Mobile antenna height, valid 1-10. [m]
    metropolitan : bool
        ``Cm = 3 dB`` for metropolitan centres, 0 dB for medium cities and suburbs.
    extrapolate : bool
        Allow heights outside the ranges of validity, as :func:`cost231_hata`.

    Returns
    -------
    tuple of ndarray
        ``(fixed_db, slope_db_per_decade)``: the loss at 1 km [dB] and the rise per
        decade of distance [dB/decade], the two "path loss model" rows of Table 4.
    """
    f = model_range("frequency_mhz", frequency_mhz, *COST231_FREQUENCY_MHZ, unit="MHz", model="COST-231 Hata",
                    extrapolate=extrapolate, below=_BELOW_HATA, above=_ABOVE_COST231)
    hb = model_range("base_height_m", base_height_m, *HATA_BASE_HEIGHT_M, unit="m", model="COST-231 Hata", extrapolate=extrapolate)
    hm = model_range("mobile_height_m", mobile_height_m, *HATA_MOBILE_HEIGHT_M, unit="m", model="COST-231 Hata", extrapolate=extrapolate)
    cm = _metropolitan_offset(metropolitan)
    f, hb, hm, cm = broadcast(frequency_mhz=f, base_height_m=hb, mobile_height_m=hm, metropolitan=cm)
    fixed = 46.3 + 33.9 * np.log10(f) - 13.82 * np.log10(hb) - _mobile_height_correction(f, hm) + cm
    slope = 44.9 - 6.55 * np.log10(hb)
    return fixed, slope


def cost231_hata(frequency_mhz, distance_km, base_height_m, mobile_height_m, metropolitan=False, *, extrapolate=False):
    """COST-231 Hata path loss [dB], thesis eqs. (5) and (6), section 5.2.1; [3].

    ``L = 46.3 + 33.9 log f - 13.82 log hb - a(hm) + (44.9 - 6.55 log hb) log d + Cm``

    Parameters
    ----------
    frequency_mhz : numeric
        Carrier frequency; the thesis states 150-2000 MHz (the
        COST-231 report fitted 1500-2000 MHz, extending Hata's 150-1500 MHz). [MHz]
    distance_km : numeric
        Path length, valid 1-20. [km]
    base_height_m : numeric
        Base-station antenna height, valid 30-200. [m]
    mobile_height_m : numeric
        Mobile antenna height, valid 1-10. [m]
    metropolitan : bool
        ``Cm = 3 dB`` for metropolitan centres, 0 dB for medium cities and suburbs.
    extrapolate : bool
        Allow distances and heights outside the ranges of validity (they must still be
        > 0).  A frequency outside 150-2000 MHz is refused with the model that fits.

    Returns
    -------
    float, ndarray or Series
        Median path loss [dB].

    References
    ----------
    [1] section 5.2.1, eqs. (5), (6); [3].

    Examples
    --------
    An independent hand calculation of the published formula (not a figure the thesis
    prints): 1800 MHz, 1 km, hb 30 m, hm 1.5 m gives 46.3 + 33.9 log 1800 - 13.82 log 30
    - a(1.5) = 136.20 dB.

    >>> round(cost231_hata(1800, 1, 30, 1.5), 2)
    136.2
    """
    fixed, slope = cost231_hata_terms(frequency_mhz, base_height_m, mobile_height_m, metropolitan, extrapolate=extrapolate)
    d = model_range("distance_km", distance_km, *HATA_DISTANCE_KM, unit="km", model="COST-231 Hata", extrapolate=extrapolate)
    fixed, slope, d = broadcast(fixed=fixed, slope=slope, distance_km=d)
    return shape_like(fixed + slope * np.log10(d), frequency_mhz, distance_km, base_height_m, mobile_height_m)


def umi_path_loss(distance_m, frequency_ghz, *, extrapolate=False):
    """3GPP urban-micro (UMi) path loss [dB], thesis eqs. (7) and (15); [4].

    ``PL = 22.7 + 36.7 log10(d) + 26 log10(fc)`` with ``d`` in metres and ``fc`` in GHz,
    the units of 3GPP TR 36.814 Table B.1.2.1-1 (NLOS, hexagonal layout) from which the
    thesis' refs [108], [109] take it.  The thesis prints the equation without units.

    Range of validity: TR 36.814 gives the model for 10 m < d < 2000 m and, with the
    WINNER II model it comes from, for carriers of 2-6 GHz.  The thesis applies it at
    28 GHz (section 6.2): that is an extrapolation, and this function asks for it
    explicitly (``extrapolate=True``) rather than hiding it.

    Parameters
    ----------
    distance_m : numeric
        Distance from the base station, valid 10-2000. [m]
    frequency_ghz : numeric
        Carrier frequency, valid 2-6 (the thesis uses 28). [GHz]
    extrapolate : bool
        Allow distances or frequencies outside those ranges (still > 0).

    Returns
    -------
    float, ndarray or Series
        Path loss [dB].

    References
    ----------
    [1] sections 5.2.1 and 6.2, eqs. (7), (15); [4].
    """
    d = model_range("distance_m", distance_m, *UMI_DISTANCE_M, unit="m", model="3GPP UMi", extrapolate=extrapolate)
    f = model_range("frequency_ghz", frequency_ghz, *UMI_FREQUENCY_GHZ, unit="GHz", model="3GPP UMi",
                    extrapolate=extrapolate, invitation=_UMI_FREQUENCY)
    d, f = broadcast(distance_m=d, frequency_ghz=f)
    loss = UMI_EQ15_INTERCEPT_DB + UMI_EQ15_DISTANCE_SLOPE_DB * np.log10(d) + UMI_EQ15_FREQUENCY_SLOPE_DB * np.log10(f)
    return shape_like(loss, distance_m, frequency_ghz)



def umi_range_m(max_path_loss_db, frequency_ghz, *, extrapolate=False):
    """Range [m] at which the 3GPP UMi loss of eq. (15) reaches a maximum path loss.

    Eq. (15) solved for distance:
    ``d = 10 ** ((MAPL - 22.7 - 26 log10(fc)) / 36.7)`` with ``d`` in metres and ``fc``
    in GHz.  This is the step from a link budget to a cell radius that the thesis takes
    when it reads a 200-300 m path length off its 28 GHz coverage prediction (section
    6.2, Figure 24; the range is stated in the summary, section 6.7).

    Parameters
    ----------
    max_path_loss_db : numeric
        Maximum allowable path loss, > 0. [dB]
    frequency_ghz : numeric
        Carrier frequency, valid 2-6 (the thesis uses 28, which needs
        ``extrapolate=True``, as for :func:`umi_path_loss`). [GHz]
    extrapolate : bool
        Allow a frequency outside 2-6 GHz and a range outside 10-2000 m.

    Returns
    -------
    float, ndarray or Series
        Range [m] (distance from the base station).

    References
    ----------
    [1] section 6.2, eq. (15); [4].

    Examples
    --------
    A 152 dB budget (30 dBm + 17 dBi down to a -105 dBm edge) at 28 GHz; computed here
    from eq. (15), not a figure the thesis prints:

    >>> round(umi_range_m(152, 28, extrapolate=True), 1)
    314.7
    """
    mapl = check_range("max_path_loss_db", max_path_loss_db, 0.0, low_inclusive=False, unit="dB")
    f = model_range("frequency_ghz", frequency_ghz, *UMI_FREQUENCY_GHZ, unit="GHz", model="3GPP UMi",
                    extrapolate=extrapolate, invitation=_UMI_FREQUENCY)
    mapl, f = broadcast(max_path_loss_db=mapl, frequency_ghz=f)
    with np.errstate(over="ignore"):
        distance = 10.0 ** ((mapl - UMI_EQ15_INTERCEPT_DB - UMI_EQ15_FREQUENCY_SLOPE_DB * np.log10(f)) / UMI_EQ15_DISTANCE_SLOPE_DB)
    if not as_switch("extrapolate", extrapolate):
        _check_inverted_range(distance, mapl, UMI_DISTANCE_M, "m", "3GPP UMi")
    return shape_like(distance, max_path_loss_db, frequency_ghz)


def _check_inverted_range(distance: np.ndarray, mapl: np.ndarray, valid: tuple[float, float], unit: str, model: str) -> None:
    """Refuse a range that an inverted model gives outside the distances it was fitted on."""
    low, high = valid
    # a loss computed at exactly a limit must invert to within round-off of it
    outside = (distance < low * (1 - 1e-9)) | (distance > high * (1 + 1e-9))
    if outside.any():
        index = int(np.flatnonzero(outside)[0])
        raise OutOfRangeError(
            f"max_path_loss_db={mapl.ravel()[index]:.6g} gives a range of {distance.ravel()[index]:.4g} {unit}, "
            f"outside {model}'s valid {low:g} to {high:g} {unit}; set extrapolate=TRUE to accept it"
        )

@dataclass(frozen=True)
class UplinkBudget:
    """The rows of an LTE uplink budget, thesis Table 4 (section 5.2.2). All in dB/dBm.

    Parameters
    ----------
    eirp_dbm : float
        Effective isotropic radiated power of the mobile, ``P_tx + G_tx - body loss``. [dBm]
    thermal_noise_dbm : float
        ``kTB`` at 290 K over the noise bandwidth. [dBm]
    receiver_noise_dbm : float
        Thermal noise plus the base station's noise figure. [dBm]
    receiver_sensitivity_dbm : float
        Receiver noise plus the required SINR. [dBm]
    shadowing_margin_db : float
        ``mean + sigma * z(coverage reliability)``. [dB]
    max_allowable_path_loss_db : float
        The budget's result, as :func:`max_allowable_path_loss`. [dB]
    """

    eirp_dbm: float
    thermal_noise_dbm: float
    receiver_noise_dbm: float
    receiver_sensitivity_dbm: float
    shadowing_margin_db: float
    max_allowable_path_loss_db: float


def uplink_budget(**inputs) -> UplinkBudget:
    """Every row of the uplink budget of thesis Table 4 (section 5.2.2), scalars only.

    Keyword arguments override :data:`TABLE4_UPLINK` (the defaults of
    :func:`max_allowable_path_loss`).  Thermal noise is ``kTB`` at 290 K over
    ``noise_bandwidth_khz``; the shadowing margin is ``mean + sigma * z(reliability)``
    with ``z`` the standard normal quantile (10.6 + 1.2816 x 4.5 = 16.4 dB).

    Parameters
    ----------
    **inputs
        Any of the arguments of :func:`max_allowable_path_loss`, as scalars.

    Returns
    -------
    UplinkBudget
        Every row of the budget [dB, dBm].
    """
    unknown = set(inputs) - set(TABLE4_UPLINK)
    if unknown:
        raise TypeError(f"uplink_budget() got unknown inputs {sorted(unknown)}")
    rows = {**TABLE4_UPLINK, **inputs}
    mapl = max_allowable_path_loss(**rows)
    thermal = _thermal_noise_dbm(np.asarray(float(rows["noise_bandwidth_khz"])))
    receiver_noise = thermal + rows["noise_figure_db"]
    return UplinkBudget(
        eirp_dbm=float(rows["tx_power_dbm"] + rows["tx_antenna_gain_dbi"] - rows["body_loss_db"]),
        thermal_noise_dbm=float(thermal),
        receiver_noise_dbm=float(receiver_noise),
        receiver_sensitivity_dbm=float(receiver_noise + rows["sinr_db"]),
        shadowing_margin_db=float(
            rows["shadowing_mean_db"] + rows["shadowing_sigma_db"] * ndtri(rows["coverage_reliability"])
        ),
        max_allowable_path_loss_db=float(mapl),
    )


def _thermal_noise_dbm(bandwidth_khz: np.ndarray) -> np.ndarray:
    return 10.0 * np.log10(BOLTZMANN_J_PER_K * NOISE_TEMPERATURE_K * bandwidth_khz * 1e3 * 1e3)


def max_allowable_path_loss(
    # defaults: thesis Table 4 (section 5.2.2), the LTE 1800 MHz uplink
    tx_power_dbm=23.0,
    tx_antenna_gain_dbi=0.0,
    body_loss_db=0.0,
    noise_figure_db=2.0,
    noise_bandwidth_khz=180.0,  # one LTE resource block: kTB = -121.4 dBm as printed
    sinr_db=3.9,
    interference_margin_db=1.0,
    cable_loss_db=3.0,
    rx_antenna_gain_dbi=18.0,
    fast_fading_margin_db=0.0,
    soft_handover_gain_db=0.0,
    coverage_reliability=0.90,
    shadowing_mean_db=10.6,
    shadowing_sigma_db=4.5,
):
    """Maximum allowable path loss of an uplink budget [dB], thesis Table 4, section 5.2.2.

    ``MAPL = EIRP - sensitivity - interference margin - cable loss + rx antenna gain
    - fast fading margin + soft handover gain - shadowing margin`` where
    ``EIRP = P_tx + G_tx - body loss`` [dBm],
    ``sensitivity = kTB + noise figure + SINR`` [dBm] and
    ``shadowing margin = mean + sigma * z(coverage reliability)`` [dB].

    The defaults are the thesis' Table 4 values, giving 136.2 dB.
    ``coverage_reliability`` is a probability in (0, 1); powers in dBm, gains in dBi,
    losses and margins in dB, ``noise_bandwidth_khz`` in kHz (> 0).

    Parameters
    ----------
    tx_power_dbm : numeric
        Mobile transmit power P_tx (default 23). [dBm]
    tx_antenna_gain_dbi : numeric
        Mobile antenna gain G_tx (default 0). [dBi]
    body_loss_db : numeric
        Body loss, >= 0 (default 0). [dB]
    noise_figure_db : numeric
        Base-station receiver noise figure, >= 0 (default 2). [dB]
    noise_bandwidth_khz : numeric
        Noise bandwidth B of ``kTB``, > 0 (default 180, one LTE resource block). [kHz]
    sinr_db : numeric
        Required SINR (default 3.9). [dB]
    interference_margin_db : numeric
        Interference margin, >= 0 (default 1). [dB]
    cable_loss_db : numeric
        Base-station cable loss, >= 0 (default 3). [dB]
    rx_antenna_gain_dbi : numeric
        Base-station antenna gain (default 18). [dBi]
    fast_fading_margin_db : numeric
        Fast fading margin, >= 0 (default 0). [dB]
    soft_handover_gain_db : numeric
        Soft handover gain, >= 0 (default 0). [dB]
    coverage_reliability : numeric
        Probability of coverage at the cell edge, in (0, 1) (default 0.90). [-]
    shadowing_mean_db : numeric
        Mean of the shadowing margin, >= 0 (default 10.6). [dB]
    shadowing_sigma_db : numeric
        Standard deviation of the shadowing, >= 0 (default 4.5). [dB]

    Returns
    -------
    float, ndarray or Series
        Maximum allowable path loss [dB] (136.2 dB with the defaults, as Table 4 prints).

    References
    ----------
    [1] section 5.2.2, Table 4.
    """
    tx = check_range("tx_power_dbm", tx_power_dbm, unit="dBm")
    gtx = check_range("tx_antenna_gain_dbi", tx_antenna_gain_dbi, unit="dBi")
    body = check_range("body_loss_db", body_loss_db, 0.0, unit="dB")
    nf = check_range("noise_figure_db", noise_figure_db, 0.0, unit="dB")
    bw = check_range("noise_bandwidth_khz", noise_bandwidth_khz, 0.0, low_inclusive=False, unit="kHz")
    sinr = check_range("sinr_db", sinr_db, unit="dB")
    im = check_range("interference_margin_db", interference_margin_db, 0.0, unit="dB")
    cable = check_range("cable_loss_db", cable_loss_db, 0.0, unit="dB")
    grx = check_range("rx_antenna_gain_dbi", rx_antenna_gain_dbi, unit="dBi")
    ff = check_range("fast_fading_margin_db", fast_fading_margin_db, 0.0, unit="dB")
    sho = check_range("soft_handover_gain_db", soft_handover_gain_db, 0.0, unit="dB")
    rel = check_range("coverage_reliability", coverage_reliability, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    mean = check_range("shadowing_mean_db", shadowing_mean_db, 0.0, unit="dB")
    sigma = check_range("shadowing_sigma_db", shadowing_sigma_db, 0.0, unit="dB")
    tx, gtx, body, nf, bw, sinr, im, cable, grx, ff, sho, rel, mean, sigma = broadcast(
        tx_power_dbm=tx, tx_antenna_gain_dbi=gtx, body_loss_db=body, noise_figure_db=nf, noise_bandwidth_khz=bw,
        sinr_db=sinr, interference_margin_db=im, cable_loss_db=cable, rx_antenna_gain_dbi=grx,
        fast_fading_margin_db=ff, soft_handover_gain_db=sho, coverage_reliability=rel, shadowing_mean_db=mean,
        shadowing_sigma_db=sigma,
    )
    eirp = tx + gtx - body
    sensitivity = _thermal_noise_dbm(bw) + nf + sinr
    shadowing_margin = mean + sigma * ndtri(rel)
    mapl = eirp - sensitivity - im - cable + grx - ff + sho - shadowing_margin
    return shape_like(
        mapl, tx_power_dbm, tx_antenna_gain_dbi, body_loss_db, noise_figure_db, noise_bandwidth_khz, sinr_db,
        interference_margin_db, cable_loss_db, rx_antenna_gain_dbi, fast_fading_margin_db, soft_handover_gain_db,
        coverage_reliability, shadowing_mean_db, shadowing_sigma_db,
    )


#: Thesis Table 4's inputs, read from the defaults of :func:`max_allowable_path_loss`.
TABLE4_UPLINK = {
    name: parameter.default for name, parameter in inspect.signature(max_allowable_path_loss).parameters.items()
}


def cell_range_km(max_path_loss_db, frequency_mhz, base_height_m, mobile_height_m, metropolitan=False, *, extrapolate=False):
    """Cell range [km]: COST-231 Hata (eq. (6)) solved for distance, thesis Table 4.

    ``d = 10 ** ((MAPL - fixed) / slope)`` with ``fixed`` and ``slope`` from
    :func:`cost231_hata_terms`.  Table 4 prints MAPL 136.2 dB, fixed term 134.8 dB,
    slope 35.2 dB/decade and a range of 1.1 km at 1800 MHz.  It does not print the
    antenna heights: hb = 30 m and hm = 2 m are inferred, as the heights that reproduce
    the printed 134.8 dB (134.76 dB) and 35.2 dB/decade.

    Parameters
    ----------
    max_path_loss_db : numeric
        Maximum allowable path loss, > 0. [dB]
    frequency_mhz, base_height_m, mobile_height_m, metropolitan, extrapolate :
        as for :func:`cost231_hata`.

    Returns
    -------
    float, ndarray or Series
        Cell range [km].  Raises if it falls outside COST-231's 1-20 km unless
        ``extrapolate=True``.

    References
    ----------
    [1] section 5.2.2, Table 4, with eq. (6).
    """
    mapl = check_range("max_path_loss_db", max_path_loss_db, 0.0, low_inclusive=False, unit="dB")
    fixed, slope = cost231_hata_terms(frequency_mhz, base_height_m, mobile_height_m, metropolitan, extrapolate=extrapolate)
    mapl, fixed, slope = broadcast(max_path_loss_db=mapl, fixed=fixed, slope=slope)
    with np.errstate(over="ignore"):
        distance = 10.0 ** ((mapl - fixed) / slope)
    if not as_switch("extrapolate", extrapolate):
        _check_inverted_range(distance, mapl, HATA_DISTANCE_KM, "km", "COST-231 Hata")
    if not np.isfinite(distance).all():
        raise NonFiniteResultError(
            f"max_path_loss_db={mapl.ravel()[int(np.flatnonzero(~np.isfinite(distance))[0])]:.6g} gives a range too large "
            "to represent: the loss is far beyond what COST-231 Hata describes"
        )
    return shape_like(distance, max_path_loss_db, frequency_mhz, base_height_m, mobile_height_m)
