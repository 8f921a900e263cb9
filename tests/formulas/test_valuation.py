"""Valuation (chapter 8): eq. (16), eqs. (17)-(20) with Table 9, deprival, benchmarking."""

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlspectrum import (
    benchmark_value,
    black_scholes_option,
    black_scholes_terms,
    deprival_value,
    npv,
    value_per_mhz_pop,
)

TABLE9 = dict(underlying_value=1038, exercise_price=1289, years=5, risk_free_rate=0.0364, volatility=0.376)
NZ_POP = 4_746_100

flows = st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30)


def test_npv_first_flow_is_undiscounted():
    assert npv(0.09, [100.0]) == 100.0
    assert npv(0.1, [0, 110]) == pytest.approx(100.0)


@given(rate=st.floats(-0.9, 2.0), values=flows)
def test_npv_equals_numpy_financial(rate, values):
    assert npv(rate, values) == pytest.approx(npf.npv(rate, values), rel=1e-9, abs=1e-6)


@given(values=st.lists(st.floats(1, 1e6), min_size=2, max_size=20))
def test_npv_at_irr_is_zero(values):
    flows_ = [-sum(values) * 0.8] + values  # an investment then returns: one sign change
    irr = npf.irr(flows_)
    if np.isnan(irr):
        return
    assert npv(irr, flows_) == pytest.approx(0.0, abs=1e-6 * sum(values))


def test_npv_is_excel_npv_times_one_plus_rate():
    # Excel's NPV discounts the first flow a period: NPV_excel = npv / (1 + r)
    values = [596.5, 120.0, 80.0]
    excel_npv = sum(v / 1.09 ** (t + 1) for t, v in enumerate(values))
    assert npv(0.09, values) == pytest.approx(excel_npv * 1.09)


def test_npv_broadcasts_rates_and_rows():
    assert npv(np.array([0.0, 0.1]), [1.0, 1.1]).tolist() == pytest.approx([2.1, 2.0])
    rows = np.array([[1.0, 1.1], [2.0, 2.2]])
    assert npv(0.1, rows).tolist() == pytest.approx([2.0, 4.0])


def test_table9_d1_d2_and_cdfs():
    terms = black_scholes_terms(**TABLE9)
    assert round(terms["d1"], 3) == 0.379
    assert round(terms["d2"], 3) == -0.461
    assert round(terms["n_d1"], 3) == 0.648
    assert round(terms["n_d2"], 3) == 0.322


def test_table9_option_326_and_project_75():
    option = black_scholes_option(**TABLE9)
    assert round(option) == 326
    assert round(-251 + option) == 75  # eq. (17): project value = NPV + option


def test_sigma_50_percent_gives_429_6_and_178_6():
    option = black_scholes_option(**{**TABLE9, "volatility": 0.5})
    assert round(option, 1) == 429.6
    assert round(-251 + option, 1) == 178.6


def test_black_scholes_textbook_value():
    # Hull, Options, Futures and Other Derivatives, Example 15.6: S 42, K 40, r 10 %, sigma 20 %, 0.5 y
    assert black_scholes_option(42, 40, 0.5, 0.10, 0.20) == pytest.approx(4.76, abs=0.005)
    assert black_scholes_option(42, 40, 0.5, 0.10, 0.20, kind="put") == pytest.approx(0.81, abs=0.005)


@given(
    s=st.floats(1, 1e4), k=st.floats(1, 1e4), t=st.floats(0.01, 30), r=st.floats(-0.05, 0.2), sigma=st.floats(0.01, 2)
)
def test_put_call_parity_and_bounds(s, k, t, r, sigma):
    call = black_scholes_option(s, k, t, r, sigma)
    put = black_scholes_option(s, k, t, r, sigma, kind="put")
    scale = max(s, k)
    assert call - put == pytest.approx(s - k * math.exp(-r * t), abs=1e-7 * scale)
    assert max(0.0, s - k * math.exp(-r * t)) - 1e-9 * scale <= call <= s + 1e-9 * scale


def test_option_value_rises_with_volatility():
    values = [black_scholes_option(**{**TABLE9, "volatility": v}) for v in (0.2, 0.376, 0.5, 0.8)]
    assert values == sorted(values)


def test_deprival_and_per_mhz_pop():
    assert deprival_value(734, 1289) == -555
    assert round(value_per_mhz_pop(-555e6, 1000, NZ_POP), 3) == -0.117
    # Table 11 per-MHz-pop column: -251 M -> -0.05, 75 M -> 0.02
    assert round(value_per_mhz_pop(-251e6, 1000, NZ_POP), 2) == -0.05
    assert round(value_per_mhz_pop(75e6, 1000, NZ_POP), 2) == 0.02
    # Table 10 with 10 x demand: 2,264 - 1,980 = 284 M, 0.06 per MHz pop
    assert round(value_per_mhz_pop(deprival_value(2264e6, 1980e6), 1000, NZ_POP), 2) == 0.06


def test_benchmark_value_427_m():
    assert round(benchmark_value(0.09, 1000, NZ_POP) / 1e6) == 427
    assert value_per_mhz_pop(benchmark_value(0.09, 1000, NZ_POP), 1000, NZ_POP) == pytest.approx(0.09)


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: npv(-1, [1, 2]), "rate=-1 must be > -1"),
        (lambda: npv(0.1, []), "cashflows is an empty range"),
        (lambda: npv(0.1, [1, float("nan")]), "cashflows=NaN (element 1)"),
        (lambda: black_scholes_option(0, 1, 1, 0.01, 0.2), "underlying_value=0 must be > 0"),
        (lambda: black_scholes_option(1, 1, 0, 0.01, 0.2), "years=0 must be > 0"),
        (lambda: black_scholes_option(1, 1, 1, 0.01, -0.2), "volatility=-0.2 must be > 0"),
        (lambda: black_scholes_option(1, 1, 1, 0.01, 0.2, kind="straddle"), "kind='straddle'"),
        (lambda: deprival_value(-1, 1), "cost_pv_without=-1 must be >= 0"),
        (lambda: value_per_mhz_pop(1, 0, 1), "bandwidth_mhz=0 must be > 0"),
        (lambda: benchmark_value(0.1, 10, -5), "population=-5 must be > 0"),
        (lambda: npv("0.1", [1]), "rate='0.1' is not a number"),
        (lambda: npv(True, [1]), "logical value"),
    ],
)
def test_valuation_bad_input(call, fragment):
    with pytest.raises(ValueError) as info:
        call()
    assert fragment in str(info.value)
