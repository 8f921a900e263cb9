"""Spectrum sharing (eqs. (8), (9), (11), (12)) and licence pricing (eqs. (2), (13))."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlspectrum import (
    load_symmetry_ratio,
    lsp_price,
    shared_spectrum_price,
    sites_for_area,
    spectrum_sharing_dividend,
    ssd_from_lsr,
)

# Thesis section 4.4.5: NZ 700 MHz reserve NZ$ 22 M per 5 MHz, 94 % of 4.43 M people, 18 years
RESERVE, LOT, POP, TERM = 22e6, 5.0, 0.94 * 4.43e6, 18.0


def test_lsp_rural_example_3435():
    assert round(lsp_price(RESERVE, LOT, POP, 5, 10_000, TERM, 500)) == 3435


def test_lsp_campus_example_12240():
    assert round(lsp_price(RESERVE, LOT, POP, 10, 20_000, TERM, 500)) == 12240


def test_lsp_scales_linearly_with_bandwidth_and_population():
    base = lsp_price(RESERVE, LOT, POP, 5, 10_000, TERM) 
    assert lsp_price(RESERVE, LOT, POP, 10, 10_000, TERM) == pytest.approx(2 * base)
    assert lsp_price(RESERVE, LOT, POP, 5, 30_000, TERM) == pytest.approx(3 * base)
    # the whole lot over the whole term recovers the reserve price
    assert lsp_price(RESERVE, LOT, POP, LOT, POP, TERM) * TERM == pytest.approx(RESERVE)


def test_shared_price_has_the_form_of_eq_2_and_names_its_arguments():
    assert shared_spectrum_price(RESERVE, LOT, POP, 5, 10_000, TERM, 500) == lsp_price(RESERVE, LOT, POP, 5, 10_000, TERM, 500)
    with pytest.raises(ValueError, match="covered_population=-5 must be >= 0"):
        shared_spectrum_price(1e6, 10, 1e6, 5, -5, 1)
    with pytest.raises(ValueError, match="term_years=0 must be > 0"):
        lsp_price(RESERVE, LOT, POP, 5, 10_000, 0)


def test_sites_for_area_is_area_over_hexagon():
    # a hexagon with inter-site distance D covers (sqrt(3)/2) D^2
    assert sites_for_area(math.sqrt(3) / 2, 1.0) == pytest.approx(1.0)
    assert sites_for_area(100, 2) == pytest.approx(2 / 3 * math.sqrt(3) * 100 / 4)


def test_ssd_from_isd_matches_site_counts():
    area, nsh, sh = 500.0, 1.0, 1.25
    n_nsh, n_sh = sites_for_area(area, nsh), sites_for_area(area, sh)
    assert spectrum_sharing_dividend(nsh, sh) == pytest.approx((n_nsh - n_sh) / n_nsh)
    assert spectrum_sharing_dividend(1.0, 1.0) == 0.0


def test_ssd_from_lsr_thesis_examples():
    # section 5.2.2: LSR 0.7 -> about 30 %; section 5.3: LSR 0.75 -> 25 % (2016, SSD_sym ~ 0)
    assert ssd_from_lsr(0.7, 0.0) == pytest.approx(0.30)
    assert ssd_from_lsr(0.75, 0.0) == pytest.approx(0.25)
    assert ssd_from_lsr(1.0, 0.2) == pytest.approx(0.2)


def test_lsr_of_thesis_style_profiles():
    # suburban case of section 5.3: peaks 2.0 and 2.01 GB, combined peak 3.06 -> 3.06/4.01 = 0.76
    op1 = np.array([0.5, 2.0, 1.0, 0.2])
    op2 = np.array([2.01, 1.06, 0.5, 0.3])
    assert load_symmetry_ratio(op1, op2) == pytest.approx(3.06 / 4.01)
    assert round(load_symmetry_ratio(op1, op2), 2) == 0.76


@given(st.lists(st.floats(0, 1e6), min_size=2, max_size=50), st.lists(st.floats(0, 1e6), min_size=2, max_size=50))
def test_lsr_between_half_and_one(a, b):
    n = min(len(a), len(b))
    a, b = np.array(a[:n]), np.array(b[:n])
    if a.max() + b.max() == 0:
        return
    lsr = load_symmetry_ratio(a, b)
    assert 0.5 - 1e-12 <= lsr <= 1 + 1e-12


def test_lsr_extremes():
    day = np.array([0, 1, 4, 1.0])
    assert load_symmetry_ratio(day, 2 * day) == pytest.approx(1.0)
    assert load_symmetry_ratio(np.array([1.0, 0]), np.array([0, 1.0])) == pytest.approx(0.5)


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: load_symmetry_ratio([1, 2], [1, 2, 3]), "shape"),
        (lambda: load_symmetry_ratio(1, 2), "series of samples"),
        (lambda: load_symmetry_ratio([0, 0], [0, 0]), "all zero"),
        (lambda: load_symmetry_ratio([1, -1], [1, 1]), "profile_1=-1 (element 1) must be >= 0"),
        (lambda: ssd_from_lsr(1.5, 0), "load_symmetry=1.5 must be <= 1"),
        (lambda: spectrum_sharing_dividend(0, 1), "isd_no_sharing_km=0 must be > 0"),
        (lambda: sites_for_area(-1, 1), "area_km2=-1 must be >= 0"),
    ],
)
def test_sharing_bad_input(call, fragment):
    with pytest.raises(ValueError) as info:
        call()
    assert fragment in str(info.value)
