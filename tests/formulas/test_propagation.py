"""Propagation models against the thesis (eqs. (3)-(7), (15), Table 4) and invariants."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from xlspectrum import (
    TABLE4_UPLINK,
    cell_range_km,
    cost231_hata,
    fspl,
    max_allowable_path_loss,
    okumura_hata,
    umi_path_loss,
    umi_range_m,
    uplink_budget,
)
from xlspectrum.formulas.propagation import cost231_hata_terms

distances = st.floats(1.0, 20.0)


def test_fspl_is_equation_3():
    # 1 km at 1000 MHz: 32.42 + 0 + 60
    assert fspl(1, 1000) == pytest.approx(92.42, abs=1e-12)
    assert fspl(2.5, 700) == pytest.approx(32.42 + 20 * math.log10(2.5) + 20 * math.log10(700))


def test_fspl_matches_physics_from_wavelength():
    # independent: 20 log10(4 pi d / lambda), d = 1 km, f = 1 GHz -> 92.45 dB (32.45 with exact c)
    d, f = 1_000.0, 1e9
    exact = 20 * math.log10(4 * math.pi * d * f / 299_792_458.0)
    assert fspl(1, 1000) == pytest.approx(exact, abs=0.05)


@given(d=st.floats(0.001, 1e4), f=st.floats(1, 1e5))
def test_fspl_adds_20_db_per_decade_of_distance(d, f):
    assume(d >= 299_792_458.0 / (2 * math.pi * f * 1e6) / 1000)  # the far field
    assert fspl(10 * d, f) - fspl(d, f) == pytest.approx(20.0, abs=1e-9)


@pytest.mark.parametrize("d, f", [(1e-9, 900), (5e-5, 900), (0.04, 1), (1e-6, 28_000)])
def test_fspl_refuses_the_near_field_naming_the_limit(d, f):
    """FSPL(1e-9, 900) was -88.5 dB: a negative loss, far inside the near field (issue 21, section 5)."""
    limit_km = 299_792_458.0 / (2 * math.pi * f * 1e6) / 1000
    with pytest.raises(ValueError, match=f"distance_km={d:.6g} must be >= {limit_km:.3g} km at frequency_mhz={f:g}"):
        fspl(d, f)
    assert fspl(limit_km * 1.0001, f) == pytest.approx(20 * math.log10(2) + FSPL_GAP_DB, abs=0.01)


# the thesis' constant 32.42 against the exact 32.45: the loss at lambda / (2 pi) is 20 log10(2) less this gap
FSPL_GAP_DB = 32.42 - 20 * math.log10(4 * math.pi * 1e9 / 299_792_458.0)


def test_cost231_against_an_independent_hand_calculation():
    # NOT a thesis figure: the published COST-231 Hata formula worked by hand at 1800 MHz,
    # 1 km, hb 30 m, hm 1.5 m: 46.3 + 33.9 log 1800 - 13.82 log 30 - a(1.5) = 136.20 dB
    a_hm = (1.1 * math.log10(1800) - 0.7) * 1.5 - (1.56 * math.log10(1800) - 0.8)
    by_hand = 46.3 + 33.9 * math.log10(1800) - 13.82 * math.log10(30) - a_hm
    assert round(by_hand, 2) == 136.20
    assert cost231_hata(1800, 1, 30, 1.5) == pytest.approx(by_hand, abs=1e-12)


def test_cost231_metropolitan_adds_3_db():
    assert cost231_hata(1800, 2, 30, 1.5, True) - cost231_hata(1800, 2, 30, 1.5) == pytest.approx(3.0)


def test_cost231_by_hand():
    # eq. (6) written out independently for 900 MHz, 5 km, hb 50 m, hm 1.5 m
    f, d, hb, hm = 900.0, 5.0, 50.0, 1.5
    a = (1.1 * math.log10(f) - 0.7) * hm - (1.56 * math.log10(f) - 0.8)
    expected = 46.3 + 33.9 * math.log10(f) - 13.82 * math.log10(hb) - a + (44.9 - 6.55 * math.log10(hb)) * math.log10(d)
    assert cost231_hata(f, d, hb, hm) == pytest.approx(expected, rel=1e-12)


def test_okumura_hata_by_hand_and_against_cost231():
    f, d, hb, hm = 900.0, 10.0, 30.0, 1.5
    a = (1.1 * math.log10(f) - 0.7) * hm - (1.56 * math.log10(f) - 0.8)
    expected = 69.55 + 26.16 * math.log10(f) - 13.82 * math.log10(hb) - a + (44.9 - 6.55 * math.log10(hb)) * math.log10(d)
    assert okumura_hata(f, d, hb, hm) == pytest.approx(expected, rel=1e-12)
    # the two models differ only in the intercept and frequency slope
    offset = (46.3 - 69.55) + (33.9 - 26.16) * math.log10(f)
    assert cost231_hata(f, d, hb, hm) - okumura_hata(f, d, hb, hm) == pytest.approx(offset)


def test_hata_small_city_correction_is_zero_near_1_5_m():
    # a(hm) is designed to vanish near the 1.5 m reference height (it is 0.0430 dB at 1800 MHz)
    fixed_15, _ = cost231_hata_terms(1800, 30, 1.5)
    fixed_1, _ = cost231_hata_terms(1800, 30, 1.0)
    assert fixed_1 - fixed_15 == pytest.approx((1.1 * math.log10(1800) - 0.7) * 0.5)


@given(d1=distances, d2=distances, f=st.floats(150, 1500))
def test_hata_models_increase_with_distance(d1, d2, f):
    lo, hi = sorted((d1, d2))
    assert okumura_hata(f, lo, 30, 1.5) <= okumura_hata(f, hi, 30, 1.5)
    assert cost231_hata(f, lo, 30, 1.5) <= cost231_hata(f, hi, 30, 1.5)


def test_umi_is_equation_15_with_metres_and_gigahertz():
    assert umi_path_loss(100, 28, extrapolate=True) == pytest.approx(22.7 + 36.7 * 2 + 26 * math.log10(28))
    assert umi_path_loss(1000, 28, extrapolate=True) - umi_path_loss(100, 28, extrapolate=True) == pytest.approx(36.7)


@given(d1=st.floats(10, 2000), d2=st.floats(10, 2000))
def test_umi_increases_with_distance(d1, d2):
    lo, hi = sorted((d1, d2))
    assert umi_path_loss(lo, 28, extrapolate=True) <= umi_path_loss(hi, 28, extrapolate=True)


def test_table4_uplink_budget_rows():
    rows = uplink_budget()
    assert round(rows.eirp_dbm, 1) == 23.0
    assert round(rows.thermal_noise_dbm, 1) == -121.4
    assert round(rows.receiver_noise_dbm, 1) == -119.4
    # Table 4 prints -115.6, one digit off its own -119.4 + 3.9 = -115.5: a rounding slip
    assert round(rows.receiver_sensitivity_dbm, 1) == -115.5
    assert round(rows.shadowing_margin_db, 1) == 16.4
    assert round(rows.max_allowable_path_loss_db, 1) == 136.2


def test_table4_mapl_from_printed_rows_is_exact():
    # with Table 4's own rounded rows (sensitivity -115.6, margin 16.4) the MAPL is 136.2 exactly
    assert 23 - (-115.6) - 1 - 3 + 18 - 0 + 0 - 16.4 == pytest.approx(136.2)
    assert round(max_allowable_path_loss(), 1) == 136.2


def test_link_budget_defaults_are_table4():
    assert TABLE4_UPLINK["tx_power_dbm"] == 23.0
    assert TABLE4_UPLINK["coverage_reliability"] == 0.90
    assert uplink_budget(tx_power_dbm=26).max_allowable_path_loss_db == pytest.approx(max_allowable_path_loss() + 3)


def test_table4_cell_range_and_path_loss_terms():
    # thesis Table 4 prints 134.8 dB, 35.2 dB/decade and 1.1 km; it does not print the antenna
    # heights: hb 30 m and hm 2 m are inferred as the heights that reproduce those rows
    fixed, slope = cost231_hata_terms(1800, 30, 2)
    assert round(float(fixed), 1) == 134.8
    assert round(float(slope), 1) == 35.2
    assert round(cell_range_km(136.2, 1800, 30, 2), 1) == 1.1


def test_mobile_height_that_gives_134_8_db():
    # solve a(hm) so the COST-231 fixed term is exactly Table 4's 134.8 dB
    log_f = math.log10(1800)
    hm = (46.3 + 33.9 * log_f - 13.82 * math.log10(30) + (1.56 * log_f - 0.8) - 134.8) / (1.1 * log_f - 0.7)
    assert hm == pytest.approx(1.985, abs=1e-3)
    fixed, _ = cost231_hata_terms(1800, 30, hm)
    assert float(fixed) == pytest.approx(134.8, abs=1e-9)
    assert cell_range_km(136.2, 1800, 30, hm) == pytest.approx(10 ** (1.4 / 35.225), rel=1e-3)


@given(d=st.floats(1.0, 20.0), f=st.floats(150, 2000), hb=st.floats(30, 200), hm=st.floats(1, 10))
def test_cell_range_inverts_cost231(d, f, hb, hm):
    loss = cost231_hata(f, d, hb, hm)
    assert cell_range_km(loss, f, hb, hm) == pytest.approx(d, rel=1e-9)


def test_vectorised_shapes_and_series():
    d = np.array([[1.0, 2.0], [5.0, 10.0]])
    assert fspl(d, 900).shape == (2, 2)
    series = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"], name="km")
    out = cost231_hata(1800, series, 30, 1.5)
    assert isinstance(out, pd.Series) and list(out.index) == ["a", "b", "c"]
    assert isinstance(fspl(1, 900), float)


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: fspl(-1, 900), "distance_km=-1 must be > 0"),
        (lambda: fspl(1, 0), "frequency_mhz=0 must be > 0"),
        (lambda: okumura_hata(2000, 1, 30, 1.5), "frequency_mhz=2000 must be <= 1500"),
        (lambda: cost231_hata(1800, 25, 30, 1.5), "distance_km=25 must be <= 20"),
        (lambda: cost231_hata(1800, 1, 10, 1.5), "base_height_m=10 must be >= 30"),
        (lambda: cost231_hata(1800, 1, 30, 12), "mobile_height_m=12 must be <= 10"),
        (lambda: umi_path_loss(5, 3.5), "distance_m=5 must be >= 10"),
        (lambda: fspl(float("nan"), 900), "distance_km=NaN"),
        (lambda: fspl([1, -2], 900), "distance_km=-2 (element 1)"),
        (lambda: max_allowable_path_loss(coverage_reliability=1.2), "coverage_reliability=1.2 must be < 1"),
        (lambda: cell_range_km(200, 1800, 30, 2), "outside COST-231 Hata's valid 1 to 20 km"),
        (lambda: fspl([1, 2, 3], [900, 1800]), "shapes that do not fit together: distance_km 3, frequency_mhz 2"),
    ],
)
def test_bad_input_names_argument_value_and_range(call, fragment):
    with pytest.raises(ValueError, match=None) as info:
        call()
    assert fragment in str(info.value)


def test_extrapolate_opts_out_of_validity_range_only():
    assert cost231_hata(1800, 25, 30, 1.5, extrapolate=True) > cost231_hata(1800, 20, 30, 1.5)
    with pytest.raises(ValueError, match="must be > 0"):
        cost231_hata(1800, -1, 30, 1.5, extrapolate=True)


@pytest.mark.parametrize(
    "call, model_named",
    [
        (lambda x: cost231_hata(28_000, 1, 30, 1.5, extrapolate=x), "UMI_PATH_LOSS"),
        (lambda x: cost231_hata(2600, 1, 30, 1.5, extrapolate=x), "UMI_PATH_LOSS"),
        (lambda x: okumura_hata(1800, 1, 30, 1.5, extrapolate=x), "COST231"),
        (lambda x: okumura_hata(100, 1, 30, 1.5, extrapolate=x), "FSPL"),
        (lambda x: cell_range_km(130, 28_000, 30, 1.5, extrapolate=x), "UMI_PATH_LOSS"),
    ],
)
@pytest.mark.parametrize("extrapolate", [False, True])
def test_a_frequency_far_outside_a_model_names_the_model_that_fits(call, model_named, extrapolate):
    with pytest.raises(ValueError) as info:
        call(extrapolate)
    assert model_named in str(info.value)
    assert "extrapolate" not in str(info.value)


def test_umi_outside_tr_36814_range_is_an_explicit_choice():
    # TR 36.814 gives UMi at 2-6 GHz; the thesis uses it at 28 GHz (section 6.2)
    with pytest.raises(ValueError, match=r"valid range 2 to 6 GHz.*thesis applies it at 28 GHz"):
        umi_path_loss(100, 28)
    assert umi_path_loss(100, 3.5) == pytest.approx(22.7 + 36.7 * 2 + 26 * math.log10(3.5))


# --- Hata's area types -------------------------------------------------------------------

@pytest.mark.parametrize("environment, published", [("urban", 137.88), ("large_city", 137.93), ("suburban", 128.03)])
def test_hata_area_types_against_ns3_test_vectors(environment, published):
    # independent published values: ns-3's Okumura-Hata test suite (869 MHz, 2 km, hb 30 m,
    # hm 1 m), printed to two decimals
    assert okumura_hata(869, 2, 30, 1, environment=environment) == pytest.approx(published, abs=0.006)


def test_hata_open_area_by_hand():
    # Hata's open-area correction worked by hand (not a thesis figure).  ns-3's reference
    # script for open areas uses 4.70 where Hata prints 4.78, so its vector is not used here.
    f = 869.0
    expected = okumura_hata(f, 2, 30, 1) - 4.78 * math.log10(f) ** 2 + 18.33 * math.log10(f) - 40.94
    assert okumura_hata(f, 2, 30, 1, environment="open") == pytest.approx(expected, rel=1e-12)
    assert round(expected, 2) == 109.52


def test_hata_large_city_mobile_factor_by_hand():
    # a(hm) = 3.2 (log 11.75 hm)^2 - 4.97 above 400 MHz, 8.29 (log 1.54 hm)^2 - 1.1 up to 200 MHz
    for f, a_large in ((900.0, 3.2 * math.log10(11.75 * 3) ** 2 - 4.97), (150.0, 8.29 * math.log10(1.54 * 3) ** 2 - 1.1)):
        a_small = (1.1 * math.log10(f) - 0.7) * 3 - (1.56 * math.log10(f) - 0.8)
        difference = okumura_hata(f, 5, 50, 3, environment="large_city") - okumura_hata(f, 5, 50, 3)
        assert difference == pytest.approx(a_small - a_large, abs=1e-12)


@given(f=st.floats(150, 1500), d=distances)
def test_open_is_below_suburban_below_urban(f, d):
    urban = okumura_hata(f, d, 30, 1.5)
    suburban = okumura_hata(f, d, 30, 1.5, environment="suburban")
    assert okumura_hata(f, d, 30, 1.5, environment="open") < suburban < urban


def test_hata_large_city_gap_needs_extrapolate():
    with pytest.raises(ValueError, match="between 200 and 400 MHz, where Hata gives no large-city a"):
        okumura_hata(300, 5, 30, 1.5, environment="large_city")
    below = okumura_hata(300, 5, 30, 3, environment="large_city", extrapolate=True)
    above = okumura_hata(301, 5, 30, 3, environment="large_city", extrapolate=True)
    assert below != above  # the two forms meet only near hm = 1.5 m
    with pytest.raises(ValueError, match="environment='city' must be one of 'urban', 'large_city', 'suburban', 'open'"):
        okumura_hata(900, 5, 30, 1.5, environment="city")
    assert okumura_hata(900, 5, 30, 1.5, environment="Large City") == okumura_hata(900, 5, 30, 1.5, environment="large_city")


# --- eq. (15) inverted -------------------------------------------------------------------

def test_umi_range_inverts_equation_15():
    # independent: eq. (15) written out and solved by hand for a 152 dB budget at 28 GHz
    assert umi_range_m(152, 28, extrapolate=True) == pytest.approx(10 ** ((152 - 22.7 - 26 * math.log10(28)) / 36.7))
    assert round(umi_range_m(152, 28, extrapolate=True), 1) == 314.7


@given(d=st.floats(10, 2000), f=st.floats(2, 6))
def test_umi_range_round_trips(d, f):
    assert umi_range_m(umi_path_loss(d, f), f) == pytest.approx(d, rel=1e-9)


def test_umi_range_refuses_28_ghz_and_far_ranges_without_extrapolate():
    with pytest.raises(ValueError, match="frequency_ghz=28 must be <= 6 GHz"):
        umi_range_m(150, 28)
    with pytest.raises(ValueError, match="outside 3GPP UMi's valid 10 to 2000 m"):
        umi_range_m(200, 3.5)


def test_the_light_imports_give_what_scipy_stats_and_constants_give():
    # propagation and valuation use scipy.special and an exact constant so that importing
    # xlspectrum (every Excel session, every command) does not import scipy.stats
    from scipy import constants, special, stats

    from xlspectrum.formulas import propagation

    assert propagation.BOLTZMANN_J_PER_K == constants.k
    grid = np.linspace(-8, 8, 1601)
    assert np.array_equal(special.ndtr(grid), stats.norm.cdf(grid))
    probabilities = np.linspace(0.001, 0.999, 999)
    assert np.array_equal(special.ndtri(probabilities), stats.norm.ppf(probabilities))


def test_importing_the_excel_layer_does_not_import_scipy_stats():
    import subprocess
    import sys

    code = "import sys, xlspectrum.excel; print('scipy.stats' in sys.modules, 'scipy.constants' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
