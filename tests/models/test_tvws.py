"""The TV white-space case of Weiss and Cui: structure, hand checks and the paper's properties."""

import math
import re

import numpy as np
import pytest
from click.testing import CliRunner

from xlspectrum import fspl, okumura_hata, thermal_noise_dbm
from xlspectrum.cli import main
from xlspectrum.models.tvws import ASSUMPTIONS, LOCATIONS_KM, POWER_CASES, case, path_loss_model, sensitivity


@pytest.fixture(scope="module")
def result():
    return case()


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
    edge = profile[(profile["distance_km"] == 99.5)].iloc[0]  # the middle of the outermost ring
    by_hand = 90 - (32.42 + 20 * math.log10(99.5) + 20 * math.log10(569)) - (thermal_noise_dbm(6e6) + 7)
    assert edge["sinr_before_db"] == pytest.approx(by_hand)
    assert by_hand == pytest.approx(90 - fspl(99.5, 569) + 99.19, abs=0.01)


def test_lower_secondary_power_loses_fewer_viewers_and_costs_less(result):
    summary = result["summary"].set_index(["location_km", "power_case"])
    for location in LOCATIONS_KM:
        base = summary.loc[(location, POWER_CASES[0])]
        quieter = summary.loc[(location, POWER_CASES[2])]
        lower_primary = summary.loc[(location, POWER_CASES[1])]
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
    assert bad.exit_code != 0 and "households=-1.0 must be from 1 to 1e+09 households" in bad.stderr


def test_regions_add_up_to_the_viewers_lost(result):
    regions = result["regions"].groupby(["location_km", "power_case"])["viewers_lost"].sum()
    summary = result["summary"].set_index(["location_km", "power_case"])["viewers_lost"]
    assert regions.reindex(summary.index).to_numpy() == pytest.approx(summary.to_numpy())


def test_sinr_dips_at_the_secondary(result):
    """Figures 1-3: along the radial, SINR after is lowest at the ring next to the secondary."""
    profile = result["profile"]
    for location in LOCATIONS_KM:
        line = profile[(profile["location_km"] == location) & (profile["power_case"] == POWER_CASES[0])]
        lowest = line.loc[line["sinr_after_db"].idxmin(), "distance_km"]
        assert abs(lowest - location) <= 0.5
        assert (line["sinr_after_db"] < line["sinr_before_db"]).all()


def test_viewers_after_by_ring_never_exceed_before(result):
    rings = result["rings"]
    assert (rings["viewers_after"] <= rings["viewers_before"] * (1 + 1e-12)).all()
    assert rings[["share_low", "share_high"]].stack().between(0, 1).all()
    assert (rings["share_high"] <= rings["share_low"]).all()


def test_more_rings_converge():
    coarse = case(rings=50, locations_km=(70.0,))["summary"]["viewers_lost"].to_numpy()
    fine = case(rings=400, locations_km=(70.0,))["summary"]["viewers_lost"].to_numpy()
    assert coarse == pytest.approx(fine, rel=5e-3)


@pytest.mark.parametrize("overrides, message", [
    ({"low_threshold_db": 30.0}, "low_threshold_db=30 must be below high_threshold_db=27"),
    ({"primary_reduction_kw": 1000.0}, "primary_reduction_kw=1000 must be below primary_kw=1000"),
    ({"noise_figure_db": float("nan")}, "noise_figure_db=nan must be a finite number"),
    ({"colour": 1.0}, "unknown input 'colour'"),
    ({"penetration": 1.5}, "penetration=1.5 must be from 0 to 1"),
])
def test_bad_inputs_are_named(overrides, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        case(overrides)


def test_bad_rings_and_locations_are_named():
    with pytest.raises(ValueError, match="rings=0 must be a whole number from 1 to 10,000"):
        case(rings=0)
    with pytest.raises(ValueError, match=re.escape("locations_km[1]=-5.0 must be from 0.1 to 1000 km")):
        case(locations_km=(50.0, -5.0))


def test_path_loss_models_by_name():
    free = path_loss_model("free_space", 569.0, 200.0)
    assert free.loss_db([1.0, 10.0]) == pytest.approx(fspl(np.array([1.0, 10.0]), 569.0))
    assert free.distance_km(free.loss_db(37.0)) == pytest.approx(37.0)
    with pytest.raises(ValueError, match=re.escape("path_loss='okumura_hata' is valid from 1 to 20 km, but the case "
                                                   "needs distances from 0 to 200 km")):
        case(path_loss="okumura_hata")
    with pytest.raises(ValueError, match="path_loss='itu' must be one of free_space, okumura_hata, cost231_hata"):
        case(path_loss="itu")
    # the Hata slope by hand: 44.9 - 6.55 log10(h_b) dB per decade (thesis eq. (4))
    hata = path_loss_model("okumura_hata", 569.0, 200.0, base_height_m=100.0, extrapolate=True)
    assert hata.slope_db_per_decade == pytest.approx(44.9 - 6.55 * 2)
    assert hata.loss_at_1km_db == pytest.approx(okumura_hata(569.0, 1.0, 100.0, 10.0))
    # a steeper loss confines the interference: fewer viewers lost than in free space
    summary = case(path_loss="okumura_hata", extrapolate=True, base_height_m=100.0)["summary"]
    assert (summary["viewers_lost"] < case()["summary"]["viewers_lost"]).all()

