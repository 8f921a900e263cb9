"""Local licence prices side by side: LSP indexation, NZ Managed Spectrum Parks, BNetzA, Ofcom and annualisation."""

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlspectrum import annualise, bnetza_local_fee, lsp_price, msp_annual_charge, ofcom_shared_access_fee
from xlspectrum.models.nz700 import PRINTED_TABLE3

NZ_700 = (22e6, 5, 0.94 * 4.43e6)  # thesis 4.4.5: reserve, MHz, people covered
RURAL = (*NZ_700, 5, 10_000, 18, 500)  # NZ$ 3,435 a year
CAMPUS = (*NZ_700, 10, 20_000, 18, 500)  # NZ$ 12,240 a year


def test_lsp_indexation_for_licences_sold_after_the_first_year():
    assert lsp_price(*RURAL, 0, 0.03) == lsp_price(*RURAL)  # the first year: no change
    assert lsp_price(*RURAL, 5) == lsp_price(*RURAL)  # rate 0 by default
    # by hand: the spectrum part (3,435.07 - 500) carried two years at 3 %, the overhead not indexed
    assert lsp_price(*RURAL, 2, 0.03) == pytest.approx((lsp_price(*RURAL) - 500) * 1.03**2 + 500)
    with pytest.raises(ValueError, match="indexation_rate=-1 must be > -1"):
        lsp_price(*RURAL, 1, -1)
    with pytest.raises(ValueError, match="years_since_auction=-1 must be >= 0"):
        lsp_price(*RURAL, -1, 0.03)


def test_msp_charge_against_the_thesis_350_a_year():
    """Thesis 4.5.15: in a small district the rental is negligible and the fees are about NZ$ 350 a year."""
    charge = msp_annual_charge(1, 10_000, 4_700_000, 20)
    rental = 10_000 / 4_700_000 * 20_346 / 20 * 1.0 * 20  # a/b x c/20 x d per MHz, 20 MHz
    assert charge == pytest.approx(200 + rental + 150)
    assert charge - rental == 350 and rental < 50
    # the LSP prices of 4.4.5 are ten to thirty times the MSP charge
    assert 8 < lsp_price(*RURAL) / charge < 10 and 30 < lsp_price(*CAMPUS) / charge < 32


def test_msp_management_charge_is_capped_and_rental_scales():
    one, five, nine = (msp_annual_charge(n, 0, 4_700_000, 20, administration_fee=0) for n in (1, 5, 9))
    assert (one, five, nine) == (200, 1000, 1000)
    whole = msp_annual_charge(0, 4_700_000, 4_700_000, 1, cpi_factor=1.3, administration_fee=0)
    assert whole == pytest.approx(20_346 / 20 * 1.3)  # the whole country, 1 MHz: c / 20 x d
    with pytest.raises(ValueError, match="must be <= national_population"):
        msp_annual_charge(1, 5e6, 4.7e6, 20)
    with pytest.raises(ValueError, match="transmitters=1.5 must be a whole number"):
        msp_annual_charge(1.5, 1, 4.7e6, 20)


def test_bnetza_fee_follows_its_formula():
    # 1000 + B t 5 (6 a1 + a2), by hand
    assert bnetza_local_fee(100, 10, 0.1, 0.5) == pytest.approx(1000 + 100 * 10 * 5 * (6 * 0.1 + 0.5))
    assert bnetza_local_fee(10, 1, 0, 0) == 1000  # the base amount alone
    assert bnetza_local_fee(20, 2, 1.0, 0) == pytest.approx(1000 + 20 * 2 * 5 * 6)
    # charged by started month: 0.5 years is 6 months, 0.51 years is 7
    assert bnetza_local_fee(100, 0.5, 0, 1) == pytest.approx(1000 + 100 * 0.5 * 5)
    assert bnetza_local_fee(100, 0.51, 0, 1) == pytest.approx(1000 + 100 * 7 / 12 * 5)
    for bandwidth in (9.9, 101):
        with pytest.raises(ValueError, match=f"bandwidth_mhz={bandwidth:g} must be"):
            bnetza_local_fee(bandwidth, 1, 0, 1)


def test_ofcom_shared_access_fee():
    assert ofcom_shared_access_fee(40) == 320 and ofcom_shared_access_fee(100, 3) == 2400
    assert ofcom_shared_access_fee(6.6) == 80  # 2 x 3.3 MHz at 1800 MHz: one 10 MHz begun
    assert ofcom_shared_access_fee(np.array([10, 20, 25])).tolist() == [80, 160, 240]


@pytest.mark.parametrize("timing, when", [("end", "end"), ("start", "begin")])
def test_annualise_equals_numpy_financial(timing, when):
    for price, rate, years in ((1000, 0.05, 10), (83e6, 0.09, 18), (22e6, 0.0, 20), (5e5, -0.02, 5)):
        expected = npf.pmt(rate, years, -price, when=when)
        assert annualise(price, rate, years, timing) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="timing='middle'"):
        annualise(1, 0.1, 1, "middle")


# numpy-financial's pv loses all precision below rates of about 1e-16, so rates that small are tested apart
@given(st.floats(0, 1e9), st.one_of(st.just(0.0), st.floats(1e-6, 0.5), st.floats(-0.5, -1e-6)), st.integers(1, 60))
def test_annuity_is_worth_the_lump_sum(price, rate, years):
    payment = annualise(price, rate, years)
    assert -npf.pv(rate, years, payment) == pytest.approx(price, rel=1e-9, abs=1e-6)


def test_a_vanishing_rate_spreads_the_price_evenly():
    for rate in (1e-45, 1e-300, -1e-20):
        assert annualise(1.0, rate, 7) == pytest.approx(1 / 7, rel=1e-12)


def test_supplementary_revenue_in_lsp_licence_years():
    """Thesis 4.5.11 with 4.4.5: the NZ$ 83 M a pre-auction set-aside forgoes, in years of LSP licences."""
    forgone = PRINTED_TABLE3["A"][2]
    assert forgone == 83e6
    assert round(forgone / lsp_price(*RURAL)) == 24_163  # rural licence-years
    assert round(forgone / lsp_price(*CAMPUS)) == 6_781  # campus licence-years
