"""Interference rights (Weiss and Cui): hand-computed values, the paper's properties, the IAP."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xlspectrum import (
    broadcast_cost,
    interference_shares,
    power_sum_dbm,
    reservation_price_exclusive,
    reservation_price_ir,
    secondary_value,
    shannon_capacity,
    sinr_db,
    thermal_noise_dbm,
    trade_surplus,
    viewers,
)
from xlspectrum.formulas.interference import sinr_region, table2_case


def test_thermal_noise_independent_values():
    # kTB at 290 K: -174 dBm/Hz (textbook); the thesis' Table 4 prints -121.4 dBm for 180 kHz
    assert thermal_noise_dbm(1) == pytest.approx(-173.975, abs=1e-3)
    assert round(thermal_noise_dbm(180e3), 1) == -121.4
    assert round(thermal_noise_dbm(6e6), 1) == -106.2
    assert thermal_noise_dbm(6e6, 7) == pytest.approx(thermal_noise_dbm(6e6) + 7)


def test_shannon_capacity_by_hand():
    # 6 MHz at 20 dB (SINR 100): 6e6 x log2(101) = 39.95 Mbit/s; at 0 dB, exactly B
    assert shannon_capacity(6e6, 20) == pytest.approx(6e6 * math.log2(101))
    assert shannon_capacity(6e6, 0) == pytest.approx(6e6)


def test_power_sum_and_sinr_by_hand():
    assert power_sum_dbm([-90, -90]) == pytest.approx(-86.9897, abs=1e-4)  # two equal powers: +3.01 dB
    assert power_sum_dbm([-90]) == -90
    assert power_sum_dbm([-400, -80]) == pytest.approx(-80)  # no underflow
    # I = N = -100 dBm: I + N = -96.99 dBm, SINR of a -60 dBm signal = 36.99 dB
    assert sinr_db(-60, -100, -100) == pytest.approx(36.9897, abs=1e-4)


def test_viewers_eq_11_and_the_boundary_at_27_db():
    got = viewers(np.array([10, 15, 15.01, 27, 27.01]), 1000)
    assert got.tolist() == [0, 0, 300, 300, 500]  # 27 dB itself is partial viewing (Table II: > 27)


def test_table_ii_cases():
    assert table2_case(10, 5) == "none"
    assert table2_case(20, 10) == "advertising loss" and table2_case(20, 18) == "advertising loss"
    assert table2_case(30, 20) == "advertising loss" and table2_case(30, 10) == "advertising loss"
    assert table2_case(30, 28) == "none"
    assert table2_case(10, 20) == "n/a" and table2_case(20, 30) == "n/a"
    assert sinr_region([15, 27, 27.1]).tolist() == [0, 1, 2]


def test_prices_by_hand():
    assert broadcast_cost(0.1, 1000, 24) == pytest.approx(2400)
    # 200 viewers lost at 2 each, minus 100 kW saved over 24 h at 0.1/kWh
    assert reservation_price_ir(500, 300, 2, 0.1, 24, 1000, 900) == pytest.approx(400 - 240)
    assert reservation_price_exclusive(500, 2, 0.1, 24, 1000, 0) == pytest.approx(1000 - 2400)
    assert secondary_value(0.5, 1000, 3, 500) == pytest.approx(1000)
    assert trade_surplus(1000, 160) == pytest.approx(840)


@settings(max_examples=200, deadline=None)
@given(
    before=st.floats(0, 1e7), lost=st.floats(0, 1), a=st.floats(0, 100), b=st.floats(0, 1),
    hours=st.floats(0, 1e4), power=st.floats(0, 2000), cut=st.floats(0, 1),
)
def test_the_paper_claim_interference_right_never_costs_more_than_exclusive(before, lost, a, b, hours, power, cut):
    after = before * (1 - lost)
    ir = reservation_price_ir(before, after, a, b, hours, power, power * (1 - cut))
    exclusive = reservation_price_exclusive(before, a, b, hours, power, power * (1 - cut))
    assert ir <= exclusive + 1e-9 * max(1.0, abs(exclusive))


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: reservation_price_ir(100, 200, 1, 0, 0, 0, 0), "viewers_after=200 must be <= viewers_before=100"),
        (lambda: reservation_price_ir(100, 50, 1, 0.1, 1, 100, 200), "power_after_kw=200 must be <= power_before_kw=100"),
        (lambda: viewers(20, 100, 27, 15), "low_db=27 must be below high_db=15"),
        (lambda: secondary_value(1.5, 1, 1, 0), "penetration=1.5 must be <= 1"),
        (lambda: shannon_capacity(0, 10), "bandwidth_hz=0 must be > 0"),
        (lambda: interference_shares(-100, []), "requests_dbm"),
    ],
)
def test_bad_input_names_the_argument(call, fragment):
    with pytest.raises(ValueError) as info:
        call()
    assert fragment in str(info.value)


def test_iap_worked_example():
    # budget -100 dBm; -120 and -110 fit the first equal share (2.5e-11 mW) and are granted;
    # the two -103 dBm requests then share the remaining 8.9e-11 mW: -103.516 dBm each
    got = interference_shares(-100, [-120, -110, -103, -103])
    assert got[:2].tolist() == pytest.approx([-120, -110])
    assert got[2] == pytest.approx(-100 + 10 * math.log10(0.89 / 2), abs=1e-9) and got[3] == got[2]


@settings(max_examples=300, deadline=None)
@given(budget=st.floats(-150, 0), requests=st.lists(st.floats(-200, 30), min_size=1, max_size=20))
def test_iap_properties(budget, requests):
    granted = interference_shares(budget, requests)
    total = np.sum(10 ** ((granted - budget) / 10))
    assert total <= 1 + 1e-9  # never more than the budget
    requests = np.asarray(requests)
    assert np.all(granted <= requests + 1e-9)  # nobody gets more than asked
    small = requests <= budget + 10 * math.log10(1 / len(requests))
    assert np.allclose(granted[small], requests[small])  # requests within an equal share are satisfied in full
    for level in set(requests.tolist()):  # equal requests get equal grants
        assert np.ptp(granted[requests == level]) < 1e-9


#: The WInnForum reference implementation's own loop (iap.py, iapPointConstraint) run on these
#: cases by tests/winnforum_iap_reference.py at commit 928c3150adf7b31e53a96b695bf1fbdd3284ecb2
#: (Wireless-Innovation-Forum/Spectrum-Access-System): budget [dBm], requests [dBm], granted [dBm].
WINNFORUM_VECTORS = (
    (-100.0, (-120.0, -110.0, -103.0, -103.0), (-120.0, -110.0, -104.0, -104.0)),
    (-100.0, (-100.0,), (-101.0,)),
    (-100.0, (-99.5,), (-100.5,)),
    (-100.0, (-103.0103, -103.0103), (-103.0103, -103.0103)),
    (-80.0, (-95.0, -90.0, -85.0, -84.0, -83.0, -82.0, -60.0), (-95.0, -90.0, -88.0, -88.0, -88.0, -88.0, -87.0)),
    (-129.0, (-140.2, -133.7, -131.9, -128.4, -125.0), (-140.2, -135.7, -135.9, -135.4, -135.0)),
    (-100.0, (-99.0,) * 9 + (-98.8,), (-110.0,) * 9 + (-110.8,)),
    (-90.0, (-91.3, -92.6, -88.1, -75.25, -94.0, -90.1), (-98.3, -98.6, -97.1, -97.25, -98.0, -98.1)),
    (0.0, (3.0, 2.5, -10.0, -3.0, 7.7), (-7.0, -6.5, -10.0, -7.0, -6.3)),
    (-100.0, (-130.0, -125.0, -120.0), (-130.0, -125.0, -120.0)),
)


def test_winnforum_vectors_match_the_drivers_cases():
    from winnforum_iap_reference import CASES, COMMIT

    assert COMMIT.startswith("928c3150")
    assert [(budget, requests) for budget, requests, _ in WINNFORUM_VECTORS] == [(b, tuple(r)) for b, r in CASES]


@pytest.mark.parametrize("budget, requests, granted", WINNFORUM_VECTORS)
def test_winnforum_method_reproduces_the_reference_implementation(budget, requests, granted):
    got = np.atleast_1d(interference_shares(budget, list(requests), method="winnforum"))
    assert got.tolist() == pytest.approx(list(granted), abs=1e-9)


def _one_db_a_round(budget, requests):
    """The reference's rounds written out plainly: check every open request against the share;
    grant those strictly below it (releasing what they take, in request order); if none, lower
    every open request by 1 dB."""
    eirp = [float(r) for r in requests]
    granted = [None] * len(eirp)
    remaining = 10 ** (budget / 10)
    share = remaining / len(eirp)
    while any(g is None for g in granted):
        fitting = [i for i, g in enumerate(granted) if g is None and 10 ** (eirp[i] / 10) < share]
        if not fitting:
            eirp = [e - 1.0 if granted[i] is None else e for i, e in enumerate(eirp)]
            continue
        for i in fitting:
            granted[i] = eirp[i]
            remaining -= 10 ** (eirp[i] / 10)
        left = sum(g is None for g in granted)
        if left:
            share = remaining / left
    return np.array(granted)


@settings(max_examples=300, deadline=None)
@given(budget=st.floats(-150, 0), excess=st.lists(st.floats(-40, 25), min_size=1, max_size=12))
@example(budget=-140.19174903285716, excess=[0.0])  # a request at the share: numpy's power was an ulp below Python's
def test_winnforum_method_equals_one_db_a_round(budget, excess):
    requests = [budget + x for x in excess]
    got = np.atleast_1d(interference_shares(budget, requests, method="winnforum"))
    assert got == pytest.approx(_one_db_a_round(budget, requests), abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(budget=st.floats(-150, 0), excess=st.lists(st.floats(-40, 25), min_size=1, max_size=12))
def test_winnforum_properties(budget, excess):
    requests = np.array([budget + x for x in excess])
    granted = np.atleast_1d(interference_shares(budget, requests, method="winnforum"))
    continuous = np.atleast_1d(interference_shares(budget, requests))
    lowered = requests - granted
    assert np.all(lowered >= -1e-9) and np.allclose(lowered, np.round(lowered), atol=1e-9)  # whole dB steps only
    assert np.sum(10 ** ((granted - budget) / 10)) <= 1 + 1e-12  # never more than the budget
    # a request below the first equal share is granted in full by both methods
    small = 10 ** ((requests - budget) / 10) < 1 / requests.size
    assert np.allclose(granted[small], requests[small]) and np.allclose(continuous[small], requests[small])


def test_methods_differ_as_documented():
    # one request equal to the budget: the continuous form counts it as fitting, the reference lowers it 1 dB
    assert interference_shares(-100, [-100.0]) == pytest.approx(-100.0)
    assert interference_shares(-100, [-100.0], method="winnforum") == pytest.approx(-101.0)
    # the continuous form uses the budget up; the reference's capped grants leave part of it unused
    requests = [-120, -110, -103, -103]
    for method, total in (("continuous", 1.0), ("winnforum", 10 ** (-0.4277 / 10))):
        granted = interference_shares(-100, requests, method=method)
        assert np.sum(10 ** ((granted + 100) / 10)) == pytest.approx(total, rel=1e-4)
    with pytest.raises(ValueError, match="method='iap' must be one of 'continuous', 'winnforum'"):
        interference_shares(-100, requests, method="iap")


def test_excel_functions_spill_and_name_arguments():
    from xlspectrum.hosts import xlwings_classic as excel

    column = excel.INTERFERENCE_SHARE(-100, [[-120.0], [-110.0], [-103.0], [-103.0]])
    assert [row[0] for row in column] == pytest.approx([-120.0, -110.0] + [-100 + 10 * math.log10(0.445)] * 2)
    # the method is a choice cell: any case, empty for the default, a wrong text named in the cell
    column = excel.INTERFERENCE_SHARE(-100, [[-120.0], [-110.0], [-103.0], [-103.0]], "WinnForum")
    assert [row[0] for row in column] == pytest.approx([-120.0, -110.0, -104.0, -104.0])
    assert excel.INTERFERENCE_SHARE(-100, [[-100.0]], None) == pytest.approx(-100.0)
    assert excel.INTERFERENCE_SHARE(-100, [[-100.0]], "iap") == "#VALUE! method='iap' must be one of 'continuous', 'winnforum'"
    assert excel.POWER_SUM_DBM([[-90.0, -90.0], [-90.0, -90.0]]) == pytest.approx(-90 + 10 * math.log10(4))
    assert excel.VIEWERS(20, 1000, None, None, 0.4) == pytest.approx(400)
    assert excel.RESERVATION_PRICE_IR(100, 200, 1, 0, 0, 0, 0).startswith("#NUM! viewers_after=200")
