"""Sensitivity and uncertainty of the chapter 8 values: presets, tornado, Monte Carlo, Sobol.

Independent references: scipy.stats' distributions for the quantiles, Vose's PERT mean
(low + 4 mode + high) / 6, the defining property of a Latin hypercube (one sample per
stratum of every input), and separate model runs for every number the scenario axis gives.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from xlspectrum.models import chapter8
from xlspectrum.models import sensitivity as sa
from xlspectrum.models.costmodel import INPUTS


@pytest.fixture(scope="module")
def tornado_table():
    return sa.tornado()


def test_base_values_are_the_chapter8_model_column_at_table_11_demand():
    valued = chapter8.value(demand_forecast="cisco_vni_linear")
    base = sa.base_values()
    assert base["deprival"] == valued.get("deprival", "model")
    assert base["project"] == pytest.approx(base["dcf"] + base["option"], rel=1e-12)
    assert base["pv_cost"] == valued.mmwave.pv_total_cost


def test_presets_reproduce_the_thesis_sensitivities():
    table = sa.presets().set_index(["preset", "setting"])
    volatility = table.loc["volatility"]
    # sigma 50 %: the model's own row of the Valuation sheet (computed apart, in chapter8)
    valued = chapter8.value(demand_forecast="cisco_vni_linear")
    assert volatility.loc["sigma 50.0%", "option"] == pytest.approx(valued.get("option_volatility_high", "model"), rel=1e-12)
    assert volatility.loc["sigma 50.0%", "project"] == pytest.approx(valued.get("project_volatility_high", "model"),
                                                                     rel=1e-12)
    # the volatility moves the option only; the thesis: +12.4 points of sigma, +138 % project value
    assert volatility["pv_cost"].nunique() == 1 and volatility["option"].is_monotonic_increasing
    growth = volatility.loc["sigma 50.0%", "project"] / volatility.loc["sigma 37.6%", "project"] - 1
    assert growth == pytest.approx(1.33, abs=0.05)  # this model; the thesis prints 178.6 / 75 - 1 = 138 %
    cost = table.loc["mmwave_base_station_cost"]
    assert cost.index[1] == "38 % lower: NZ$ 46,500"
    assert cost.iloc[1]["pv_cost"] < cost.iloc[0]["pv_cost"]
    assert cost.iloc[1]["pv_cost"] == sa.base_values({"cost_enb_pico": 46_500.0})["pv_cost"]
    assert set(table.loc["demand_forecast"].index) == set(INPUTS["demand_forecast"].options)
    assert table.loc[("demand_forecast", "ten_x_linear"), "pv_cost"] / 1e6 == pytest.approx(1962.4, abs=0.05)
    assert list(table.loc["wacc"].index) == ["WACC 7%", "WACC 9%", "WACC 11%"]


def test_tornado_equals_one_input_at_a_time_runs(tornado_table):
    for key in ("radius_pico_km", "wacc", "volatility"):
        row = tornado_table[(tornado_table["output"] == "deprival") & (tornado_table["input"] == key)].iloc[0]
        assert row["at_low"] == sa.base_values({key: row["low"]})["deprival"]
        assert row["at_high"] == sa.base_values({key: row["high"]})["deprival"]
        assert row["low"] == pytest.approx(row["base_input"] * 0.8) and row["high"] == pytest.approx(row["base_input"] * 1.2)


def test_tornado_is_sorted_by_swing_within_each_output(tornado_table):
    assert list(dict.fromkeys(tornado_table["output"])) == list(sa.OUTPUTS)
    for _, part in tornado_table.groupby("output"):
        assert part["swing"].is_monotonic_decreasing
        assert (part["swing"] == (part["at_high"] - part["at_low"]).abs()).all()
    # the volatility moves neither the cost nor the deprival value
    no_swing = tornado_table[tornado_table["input"].isin(["volatility", "risk_free_rate"])
                             & tornado_table["output"].isin(["pv_cost", "deprival", "dcf"])]
    assert (no_swing["swing"] == 0).all()


def test_default_ranges_stay_inside_the_valid_range_and_lives_are_whole():
    ranges = sa.default_ranges(["wacc", "life_enb_pico", "network_cost_change"], {"wacc": 0.45}).set_index("input")
    assert ranges.loc["wacc", "high"] == 0.5  # 0.45 x 1.2 = 0.54 is past the valid 0.5
    assert ranges.loc["life_enb_pico"].tolist() == [7.0, 11.0]  # 9 +- 20 %, widened to whole years
    assert ranges.loc["network_cost_change"].tolist() == pytest.approx([-0.06, -0.04])
    with pytest.raises(sa.SensitivityError, match="arpu is 0 in the base case"):
        sa.default_ranges(["arpu"])
    with pytest.raises(sa.SensitivityError, match="demand_forecast is a choice input"):
        sa.default_ranges(["demand_forecast"])


@pytest.mark.parametrize("kind, parameters, reference", [
    ("uniform", (2.0, 5.0), stats.uniform(2.0, 3.0)),
    ("triangular", (1.0, 2.0, 5.0), stats.triang(0.25, loc=1.0, scale=4.0)),
    ("normal", (10.0, 2.0), stats.norm(10.0, 2.0)),
    ("lognormal", (3.0, 0.5), stats.lognorm(0.5, scale=3.0)),
    ("pert", (1.0, 2.0, 5.0), stats.beta(1 + 4 * 0.25, 1 + 4 * 0.75, loc=1.0, scale=4.0)),
])
def test_quantiles_equal_scipy_stats(kind, parameters, reference):
    u = np.linspace(0.001, 0.999, 999)
    assert sa.Distribution("wacc", kind, parameters).quantile(u) == pytest.approx(reference.ppf(u), rel=1e-12)


def test_pert_mean_is_vose_s():
    low, mode, high = 1.0, 2.0, 5.0
    u = (np.arange(200_000) + 0.5) / 200_000
    assert sa.Distribution("wacc", "pert", (low, mode, high)).quantile(u).mean() == pytest.approx(
        (low + 4 * mode + high) / 6, rel=1e-6)


@settings(max_examples=25, deadline=None)
@given(samples=st.integers(2, 60), seed=st.integers(0, 2**31))
def test_latin_hypercube_puts_one_sample_in_every_stratum(samples, seed):
    distributions = [sa.Distribution("wacc", "uniform", (0.0, 0.5)), sa.Distribution("opex_rate", "uniform", (0.0, 1.0))]
    drawn = sa.latin_hypercube(distributions, samples, seed)
    for key, width in (("wacc", 0.5), ("opex_rate", 1.0)):
        strata = np.floor(drawn[key] / width * samples).astype(int)
        assert sorted(strata) == list(range(samples))


def test_the_same_seed_gives_the_same_numbers_and_another_seed_others():
    one = sa.monte_carlo(samples=64, seed=7)
    assert one.outputs.equals(sa.monte_carlo(samples=64, seed=7).outputs)
    assert not one.outputs.equals(sa.monte_carlo(samples=64, seed=8).outputs)


def test_monte_carlo_values_are_the_model_at_each_sample():
    carlo = sa.monte_carlo(samples=40, seed=3)
    for i in (0, 17, 39):
        sample = {key: float(carlo.samples[key][i]) for key in carlo.samples}
        alone = sa.base_values(sample)
        assert {k: carlo.outputs[k][i] for k in sa.OUTPUTS} == alone
    summary = carlo.summary.set_index("output")
    values = carlo.outputs["project"]
    assert summary.loc["project", "p5"] == np.percentile(values, 5)
    assert summary.loc["project", "probability_positive"] == (values > 0).mean()
    last = carlo.convergence[carlo.convergence["samples"] == 40].set_index("output")
    assert last.loc["deprival", "mean"] == pytest.approx(carlo.outputs["deprival"].mean())


def test_correlated_inputs_follow_the_copula():
    distributions = [sa.Distribution("wacc", "uniform", (0.05, 0.15)), sa.Distribution("opex_rate", "uniform", (0.2, 0.5))]
    drawn = sa.latin_hypercube(distributions, 4000, seed=1, correlation=np.array([[1.0, 0.8], [0.8, 1.0]]))
    scores = [stats.norm.ppf((drawn[k] - lo) / (hi - lo)) for k, lo, hi in (("wacc", 0.05, 0.15), ("opex_rate", 0.2, 0.5))]
    assert np.corrcoef(*scores)[0, 1] == pytest.approx(0.8, abs=0.02)
    with pytest.raises(sa.SensitivityError, match="not positive definite"):
        sa.latin_hypercube(distributions * 1 + [sa.Distribution("indirect_rate", "uniform", (0.1, 0.2))], 10, 1,
                           np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]))


def test_samples_outside_the_valid_range_are_refused_naming_the_input():
    with pytest.raises(sa.SensitivityError, match=r"wacc: \d+ of 1000 samples of normal\(mean=0.09, sd=0.1\) fall outside"):
        sa.latin_hypercube([sa.Distribution("wacc", "normal", (0.09, 0.1))], 1000, 1)


def test_lives_are_sampled_in_whole_years():
    drawn = sa.latin_hypercube([sa.Distribution("life_enb_pico", "triangular", (6.0, 9.0, 12.0))], 100, 1)
    assert (drawn["life_enb_pico"] == np.round(drawn["life_enb_pico"])).all()


def test_files_are_read_and_their_errors_name_file_row_and_value(tmp_path):
    good = tmp_path / "mc.csv"
    good.write_text("input,distribution,p1,p2,p3\n# a comment\nwacc,pert,0.07,0.09,0.12\nvolatility,normal,0.376,0.05,\n")
    found = sa.read_distributions(good)
    assert [d.describe() for d in found] == ["pert(low=0.07, mode=0.09, high=0.12)", "normal(mean=0.376, sd=0.05)"]
    cases = {
        "input,distribution,p1,p2,p3\nwacc,gamma,1,2,\n": "mc.csv row 2: wacc: unknown distribution 'gamma'",
        "input,distribution,p1,p2,p3\nwacc,triangular,0.1,0.05,0.2\n": "low <= mode <= high",
        "input,distribution,p1,p2,p3\nwac,uniform,0.1,0.2,\n": "unknown input 'wac'",
        "input,distribution,p1,p2,p3\nwacc,uniform,x,0.2,\n": "p1='x' is not a number",
        "input,distribution\nwacc,uniform\n": "missing column(s) p1, p2",
        "input,distribution,p1,p2,p3\nwacc,uniform,0.1,0.2\nwacc,uniform,0.1,0.3\n": "listed twice",
    }
    for text, message in cases.items():
        good.write_text(text)
        with pytest.raises(sa.SensitivityError, match=pytest.importorskip("re").escape(message)):
            sa.read_distributions(good)
    ranges = tmp_path / "t.csv"
    ranges.write_text("input,low,high\nwacc,0.05,0.6\n")
    with pytest.raises(sa.SensitivityError, match=r"t.csv row 2: wacc=0.6 is outside its valid range"):
        sa.read_ranges(ranges)
    ranges.write_text("input,low,high\nwacc,0.05,0.12\nlife_hub,8,12\n")
    assert sa.read_ranges(ranges)["input"].tolist() == ["wacc", "life_hub"]


def test_sobol_indices_find_what_moves_each_value():
    pytest.importorskip("SALib")
    distributions = [sa.Distribution("radius_pico_km", "uniform", (0.15, 0.3)),
                     sa.Distribution("volatility", "uniform", (0.2, 0.6)),
                     sa.Distribution("wacc", "uniform", (0.07, 0.11))]
    table = sa.sobol(distributions, base_samples=256, seed=2).set_index(["output", "input"])
    # the volatility enters the option value only: no share of the cost or deprival variance
    assert table.loc[("pv_cost", "volatility"), "st"] == 0.0
    assert table.loc[("deprival", "radius_pico_km"), "st"] > 0.9
    assert table.loc[("option", "volatility"), "s1"] > 0.5
    with pytest.raises(sa.SensitivityError, match="power of 2"):
        sa.sobol(distributions, base_samples=1000)


@pytest.mark.slow
def test_ten_thousand_samples_in_one_call():
    carlo = sa.monte_carlo(samples=10_000, seed=1)
    summary = carlo.summary.set_index("output")
    assert len(carlo.outputs) == 10_000 and carlo.outputs.notna().all().all()
    base = sa.base_values()
    # triangular inputs around the base: the median output is near the base value
    assert summary.loc["deprival", "p50"] == pytest.approx(base["deprival"], rel=0.02)
    assert summary.loc["pv_cost", "p5"] < base["pv_cost"] < summary.loc["pv_cost", "p95"]
    assert isinstance(carlo.samples, pd.DataFrame) and list(carlo.samples.columns) == list(sa.DEFAULT_INPUTS)
