"""Gaseous and rain attenuation (ITU-R P.676-12, P.838-3) through ITU-Rpy.

Expected values: ITU-R Study Group 3's validation examples for P.676-12 (specific
attenuation at 1013.25 hPa, 288.15 K, 7.5 g/m3) and P.838-3 (as distributed with ITU-Rpy's
test data), and the thesis' Figure 23 read off its plot (so only to its order).
"""

import sys

import numpy as np
import pytest

from xlspectrum.hosts import xlwings_classic as excel
from xlspectrum import gaseous_attenuation_db, rain_attenuation_db
from xlspectrum.core.validation import MissingExtraError

pytest.importorskip("itur")

# P.676-12 validation: f [GHz] -> gamma [dB/km] at 15 degrees C
P676_GAMMA = [(1, 0.005439563), (12, 0.018233652), (22, 0.187337256), (28, 0.10175596),
              (60, 14.77831664), (90, 0.380843105), (183, 27.67774222)]
# P.838-3 validation: elevation [deg], f [GHz], R [mm/h], tilt [deg] -> gamma_R [dB/km]
P838_GAMMA = [(31.07699124, 14.25, 26.48052, 0, 1.58130839), (31.07699124, 29, 26.48052, 0, 5.02180189),
              (52.67898486, 29, 78.2994993, 0, 13.59290086), (85.80459566, 14.25, 99.13558978, 90, 6.34064598),
              (20.14335809, 29, 42.91007183, 90, 6.83364556)]


@pytest.mark.parametrize("frequency, gamma", P676_GAMMA)
def test_gaseous_against_itu_validation_examples(frequency, gamma):
    assert gaseous_attenuation_db(1.0, frequency, temperature_c=15.0) == pytest.approx(gamma, rel=1e-6)


@pytest.mark.parametrize("elevation, frequency, rate, tilt, gamma", P838_GAMMA)
def test_rain_against_itu_validation_examples(elevation, frequency, rate, tilt, gamma):
    assert rain_attenuation_db(1.0, frequency, rate, tilt, elevation) == pytest.approx(gamma, rel=1e-6)


def test_figure_23_window_at_28_ghz_and_oxygen_peak_at_60():
    # Figure 23 curve (A), read off the plot: about 0.1 dB/km at 28 GHz, some 15 dB/km at 60
    assert 0.05 < gaseous_attenuation_db(1, 28) < 0.2
    assert 10 < gaseous_attenuation_db(1, 60) < 20
    # over a 28 GHz cell's 300 m the air costs a few hundredths of a dB
    assert gaseous_attenuation_db(0.3, 28) < 0.05


def test_attenuation_scales_with_path_length_and_vectorises():
    lengths = np.array([0.0, 0.2, 1.0, 2.0])
    out = gaseous_attenuation_db(lengths, 28)
    assert out[0] == 0 and out[3] == pytest.approx(2 * out[2]) and out[1] == pytest.approx(0.2 * out[2])
    rain = rain_attenuation_db(np.array([1.0, 1.0]), np.array([29, 14.25]), np.array([26.48052, 99.13558978]),
                               np.array([0, 90]), np.array([31.07699124, 85.80459566]))
    assert rain == pytest.approx([5.02180189, 6.34064598], rel=1e-6)
    assert rain_attenuation_db(0.3, 28, 0) == 0


@pytest.mark.parametrize("call, fragment", [
    (lambda: gaseous_attenuation_db(1, 0.5), "frequency_ghz=0.5 must be >= 1 GHz"),
    (lambda: gaseous_attenuation_db(-1, 28), "path_length_km=-1 must be >= 0 km"),
    (lambda: gaseous_attenuation_db(1, 28, water_vapour_g_m3=80), "water_vapour_g_m3=80 must be <= 50"),
    (lambda: rain_attenuation_db(1, 28, -5), "rain_rate_mm_h=-5 must be >= 0"),
    (lambda: rain_attenuation_db(1, 28, 5, 120), "polarisation_tilt_deg=120 must be <= 90"),
])
def test_bad_input_is_named(call, fragment):
    with pytest.raises(ValueError) as info:
        call()
    assert fragment in str(info.value)


def test_without_the_itu_extra_the_message_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "itur.models.itu676", None)
    with pytest.raises(MissingExtraError, match=r'pip install "xlspectrum\[itu\]"'):
        gaseous_attenuation_db(1, 28)
    cell = excel.GASEOUS_ATTENUATION(1, 28)
    assert cell.startswith("#N/A ") and "xlspectrum[itu]" in cell and len(cell) <= 255
