"""Gaseous and rain attenuation on a terrestrial path, from ITU-R P.676 and P.838.

The thesis shows why 28 GHz sits in a window of the air's absorption (section 6.1,
Figure 23: about 0.1 dB/km at sea level, 20 degrees C, 7.5 g/m3 of water vapour, against
some 15 dB/km at the 60 GHz oxygen line).  These functions give that loss, and the loss to
rain, for a given frequency and path length, so it can enter a link budget as
``other_loss_db``.  The recommendations' line-by-line tables are not copied here: the
numbers come from ITU-Rpy (PyPI ``itur``, MIT licence), a maintained implementation of
the ITU-R P-series tested against the ITU-R Study Group 3 validation examples.  It is an
optional extra (``pip install "xlspectrum[itu]"``) because it brings about 200 MB of
recommendation data and astropy; without it these functions say how to install it.

References
----------
[1] B. Shaw, PhD thesis, University of Auckland, 2020, section 6.1, Figure 23.

[2] ITU-R P.676-12 (2019), "Attenuation by atmospheric gases and related effects",
    Annex 1 (line-by-line specific attenuation) and eq. (10) (terrestrial path).

[3] ITU-R P.838-3 (2005), "Specific attenuation model for rain for use in prediction
    methods", eqs. (1)-(5).

[4] I. del Portillo, ITU-Rpy, https://github.com/inigodelportillo/ITU-Rpy (version 0.4).
"""

from __future__ import annotations

import warnings

import numpy as np

from xlspectrum.core.validation import MissingExtraError, broadcast, check_range, shape_like

__all__ = ["FIGURE23_ATMOSPHERE", "gaseous_attenuation_db", "rain_attenuation_db"]

#: Figure 23 curve (A): sea level, 20 degrees C, 760 mm Hg (1013.25 hPa), 7.5 g/m3.
FIGURE23_ATMOSPHERE = {"temperature_c": 20.0, "pressure_hpa": 1013.25, "water_vapour_g_m3": 7.5}
#: Frequencies the recommendations cover [GHz] (P.676 Annex 1 and P.838: 1-1000 GHz).
ITU_FREQUENCY_GHZ = (1.0, 1000.0)
_ZERO_CELSIUS_K = 273.15


def _itur_model(name: str):
    try:
        import importlib

        return importlib.import_module(f"itur.models.{name}")
    except ImportError:
        raise MissingExtraError(
            'needs the ITU-R models of the optional extra "itu": pip install "xlspectrum[itu]"'
        ) from None


def gaseous_attenuation_db(path_length_km, frequency_ghz, temperature_c=20.0, pressure_hpa=1013.25,
                           water_vapour_g_m3=7.5):
    """Attenuation by oxygen and water vapour on a horizontal path [dB], ITU-R P.676 [2].

    ``A = (gamma_o + gamma_w) r``: the specific attenuations of dry air and water vapour
    [dB/km] from P.676 Annex 1's line-by-line sum, times the path length.  The defaults are
    the conditions of the thesis' Figure 23 curve (A) (sea level, 20 degrees C, 7.5 g/m3).

    Parameters
    ----------
    path_length_km : numeric
        Path length, >= 0. [km]
    frequency_ghz : numeric
        Frequency, 1-1000. [GHz]
    temperature_c : numeric
        Air temperature, -100 to 60 (default 20). [degrees C]
    pressure_hpa : numeric
        Dry-air pressure, 100-1100 (default 1013.25, sea level). [hPa]
    water_vapour_g_m3 : numeric
        Water-vapour density, 0-50 (default 7.5). [g/m3]

    Returns
    -------
    float, ndarray or Series
        Attenuation [dB] (about 0.1 dB per km at 28 GHz with the defaults).

    References
    ----------
    [1] Figure 23; [2] Annex 1, eq. (10); computed by [4].
    """
    r = check_range("path_length_km", path_length_km, 0.0, unit="km")
    f = check_range("frequency_ghz", frequency_ghz, *ITU_FREQUENCY_GHZ, unit="GHz", hint=" for ITU-R P.676")
    t = check_range("temperature_c", temperature_c, -100.0, 60.0, unit="degrees C")
    p = check_range("pressure_hpa", pressure_hpa, 100.0, 1100.0, unit="hPa")
    rho = check_range("water_vapour_g_m3", water_vapour_g_m3, 0.0, 50.0, unit="g/m3")
    r, f, t, p, rho = broadcast(path_length_km=r, frequency_ghz=f, temperature_c=t, pressure_hpa=p,
                                water_vapour_g_m3=rho)
    itu676 = _itur_model("itu676")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gamma = itu676.gamma_exact(f.ravel(), p.ravel(), rho.ravel(), t.ravel() + _ZERO_CELSIUS_K)
    gamma = np.asarray(getattr(gamma, "value", gamma), dtype=float).reshape(f.shape)
    return shape_like(gamma * r, path_length_km, frequency_ghz, temperature_c, pressure_hpa, water_vapour_g_m3)


def rain_attenuation_db(path_length_km, frequency_ghz, rain_rate_mm_h, polarisation_tilt_deg=45.0, elevation_deg=0.0):
    """Attenuation by rain of uniform rate along a path [dB], ITU-R P.838 [3].

    ``A = k R^alpha r``: the specific attenuation ``k R^alpha`` [dB/km], with ``k`` and
    ``alpha`` from P.838's fitted coefficients for the frequency, polarisation tilt and
    elevation, times the path length.  Rain is taken as uniform over the path, which is
    conservative for long paths (P.530's distance factor shortens them) and close for the
    few hundred metres of a 28 GHz cell.

    Parameters
    ----------
    path_length_km : numeric
        Path length, >= 0. [km]
    frequency_ghz : numeric
        Frequency, 1-1000. [GHz]
    rain_rate_mm_h : numeric
        Rain rate, >= 0 (e.g. the rate exceeded 0.01 % of the year). [mm/h]
    polarisation_tilt_deg : numeric
        Polarisation tilt from horizontal, 0-90 (default 45,
        circular; 0 horizontal, 90 vertical). [degrees]
    elevation_deg : numeric
        Path elevation, 0-90 (default 0, horizontal). [degrees]

    Returns
    -------
    float, ndarray or Series
        Attenuation [dB].

    References
    ----------
    [3] eqs. (1)-(5), Tables 1-4; computed by [4].
    """
    r = check_range("path_length_km", path_length_km, 0.0, unit="km")
    f = check_range("frequency_ghz", frequency_ghz, *ITU_FREQUENCY_GHZ, unit="GHz", hint=" for ITU-R P.838")
    rate = check_range("rain_rate_mm_h", rain_rate_mm_h, 0.0, unit="mm/h")
    tau = check_range("polarisation_tilt_deg", polarisation_tilt_deg, 0.0, 90.0, unit="degrees")
    el = check_range("elevation_deg", elevation_deg, 0.0, 90.0, unit="degrees")
    r, f, rate, tau, el = broadcast(path_length_km=r, frequency_ghz=f, rain_rate_mm_h=rate,
                                    polarisation_tilt_deg=tau, elevation_deg=el)
    itu838 = _itur_model("itu838")
    # ITU-Rpy's coefficient function takes one elevation at a time: evaluate each distinct
    # (frequency, elevation, tilt) once
    triples = np.stack([f.ravel(), el.ravel(), tau.ravel()], axis=1)
    unique, inverse = np.unique(triples, axis=0, return_inverse=True)
    coefficients = np.array([
        [float(np.squeeze(c)) for c in itu838.rain_specific_attenuation_coefficients(fi, eli, taui)]
        for fi, eli, taui in unique
    ]).reshape(-1, 2)
    k, alpha = coefficients[inverse.ravel(), 0], coefficients[inverse.ravel(), 1]
    gamma = (k * rate.ravel() ** alpha).reshape(f.shape)
    return shape_like(gamma * r, path_length_km, frequency_ghz, rain_rate_mm_h, polarisation_tilt_deg, elevation_deg)
