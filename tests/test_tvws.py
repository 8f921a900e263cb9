"""The TV white-space case of Weiss and Cui: structure, hand checks and the paper's properties."""

import math

import pytest
from click.testing import CliRunner

from xlspectrum import fspl, thermal_noise_dbm
from xlspectrum.cli import main
from xlspectrum.tvws import ASSUMPTIONS, LOCATIONS_KM, POWER_CASES, case, sensitivity


@pytest.fixture(scope="module")
def result():
    return case(rings=50, bearings=180)


def test_every_location_and_power_case(result):
    summary = result["summary"]
    assert len(summary) == len(LOCATIONS_KM) * len(POWER_CASES)
    assert set(summary["location_km"]) == set(LOCATIONS_KM)
    # half of the households watch with no interference (all are above 27 dB in free space)
    assert summary["viewers_before"].tolist() == pytest.approx([0.5 * ASSUMPTIONS["households"].value] * len(summary))
    assert (summary["viewers_after"] <= summary["viewers_before"]).all()


def test_sinr_before_by_hand(result):
    # 1,000 kW = 90 dBm, free space at 100 km and 569 MHz, noise kTB over 6 MHz + 7 dB
    profile = result["profile"]
    edge = profile[(profile["distance_km"] == 100.0)].iloc[0]
    by_hand = 90 - (32.42 + 20 * math.log10(100) + 20 * math.log10(569)) - (thermal_noise_dbm(6e6) + 7)
    assert edge["sinr_before_db"] == pytest.approx(by_hand)
    assert by_hand == pytest.approx(90 - fspl(100, 569) + 99.19, abs=0.01)


def test_lower_secondary_power_loses_fewer_viewers_and_costs_less(result):
    summary = result["summary"].set_index(["location_km", "power_case"])
    for location in LOCATIONS_KM:
        base = summary.loc[(location, POWER_CASES[0][0])]
        quieter = summary.loc[(location, POWER_CASES[2][0])]
        lower_primary = summary.loc[(location, POWER_CASES[1][0])]
        assert quieter["viewers_lost"] < base["viewers_lost"]
        assert quieter["reservation_price_ir"] < base["reservation_price_ir"]
        assert lower_primary["viewers_lost"] > base["viewers_lost"]  # a weaker primary loses more viewers...
        assert lower_primary["reservation_price_ir"] == pytest.approx(  # ...and saves the energy of 100 kW
            lower_primary["viewers_lost"] * 1.0 - 0.12 * 720 * 100)
        assert base["reservation_price_ir"] <= base["reservation_price_exclusive"]


def test_sensitivity_moves_with_income_per_viewer():
    table = sensitivity(inputs=("income_per_viewer",), factors=(0.5, 2.0))
    low, high = table["reservation_price_ir"].tolist()
    assert high == pytest.approx(4 * low, rel=1e-9)


def test_rights_command():
    result = CliRunner().invoke(main, ["rights", "--set", "income_per_viewer=2"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "income_per_viewer = 2 US$" in result.output and "FCC OET Bulletin 69" in result.output
    csv = CliRunner().invoke(main, ["rights", "--format", "csv"])
    assert csv.output.splitlines()[0].startswith("location_km,power_case,primary_kw")
    bad = CliRunner().invoke(main, ["rights", "--set", "households=-1"])
    assert bad.exit_code != 0 and "households=-1.0 must be > 0" in bad.stderr
