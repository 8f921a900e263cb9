"""The cost model as an object: two networks as two models, and the scenario axis.

One run over N scenarios must equal N separate runs exactly (not approximately): every
line item, every year, and every chapter 8 value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlspectrum.models import chapter8
from xlspectrum.core.validation import OutOfRangeError, WrongTypeError
from xlspectrum.models.costmodel import APPENDIX_C, INPUTS, UHF_700, UHF_OVERRIDES, Model, ScenarioError, run
from xlspectrum.core.expressions import ExpressionError

#: inputs a scenario may vary, with ranges that keep the model meaningful
VARIED = {
    "wacc": st.floats(0.01, 0.3),
    "network_cost_change": st.floats(-0.3, 0.2),
    "ten_x_step": st.floats(0, 20_000),
    "cisco_vni_step": st.floats(0, 2_000),
    "radius_pico_km": st.floats(0.05, 1.0),
    "cost_enb_pico": st.floats(1_000, 200_000),
    "life_enb_pico": st.integers(1, 20).map(float),
    "spectral_efficiency_growth": st.floats(-0.05, 0.2),
    "volatility": st.floats(0.05, 1.5),
    "forecast_shift_years": st.integers(0, 8).map(float),
    "indirect_rate": st.floats(0, 0.6),
}


@st.composite
def scenario_sets(draw):
    keys = draw(st.lists(st.sampled_from(sorted(VARIED)), min_size=1, max_size=4, unique=True))
    count = draw(st.integers(1, 4))
    return {key: [draw(VARIED[key]) for _ in range(count)] for key in keys}, count


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(case=scenario_sets(), forecast=st.sampled_from(["ten_x_linear", "cisco_vni_linear", "usage"]))
def test_one_run_over_scenarios_equals_separate_runs_exactly(case, forecast):
    arrays, count = case
    together = APPENDIX_C.run({key: np.array(values) for key, values in arrays.items()}, demand_forecast=forecast)
    valued = chapter8.value({key: np.array(values) for key, values in arrays.items()}, demand_forecast=forecast)
    assert together.scenarios == count
    for scenario in range(count):
        alone = APPENDIX_C.run({key: values[scenario] for key, values in arrays.items()}, demand_forecast=forecast)
        for item in APPENDIX_C.items:
            assert np.array_equal(together[item.key][scenario], alone[item.key]), (item.key, scenario)
        single = chapter8.value({key: values[scenario] for key, values in arrays.items()}, demand_forecast=forecast)
        for key, number in single.values.items():
            assert np.array_equal(np.asarray(valued.values[key])[scenario], number, equal_nan=True), (key, scenario)


def test_scenario_results_carry_the_scenario_axis():
    wacc = np.array([0.07, 0.09, 0.11])
    result = run(wacc=wacc)
    assert result.scenarios == 3 and result["total_cost"].shape == (3, 15)
    assert result.pv_total_cost.shape == (3,)
    # only the discounting depends on the WACC: the costs are the same in every scenario
    assert (result["total_cost"] == run()["total_cost"]).all()
    assert result.pv_total_cost[1] == run().pv_total_cost
    assert result.pv_total_cost[0] > result.pv_total_cost[1] > result.pv_total_cost[2]
    table = result.table
    assert list(table.columns[:6]) == ["scenario", "sheet", "block", "key", "label", "unit"]
    assert len(table) == 3 * len(APPENDIX_C.items)
    pv = table[table["key"] == "pv_total_cost"].set_index("scenario")[2017]
    assert pv.tolist() == result.pv_total_cost.tolist()
    assert result.series("discount_factor").shape == (3, 15)
    assert result.cost_by_category.index.names == ["scenario", "year"]
    frame = chapter8.value(wacc=wacc).table()
    assert set(frame["scenario"]) == {0, 1, 2} and frame["value_nzd"].dtype == float


def test_the_700_mhz_network_is_a_model_of_the_same_line_items():
    assert isinstance(UHF_700, Model) and UHF_700.items is APPENDIX_C.items
    assert UHF_700.run().pv_total_cost == run(UHF_OVERRIDES).pv_total_cost
    # the user's overrides come on top of the model's own
    assert UHF_700.run(wacc=0.1).pv_total_cost == run({**UHF_OVERRIDES, "wacc": 0.1}).pv_total_cost
    cheaper = APPENDIX_C.with_overrides(cost_enb_pico=46_500.0, name="cheap pico")
    assert cheaper.name == "cheap pico" and cheaper.run().pv_total_cost < run().pv_total_cost
    with pytest.raises(OutOfRangeError, match="wacc=5 is outside its valid range"):
        APPENDIX_C.with_overrides(wacc=5.0)


def test_reused_line_items_are_the_same_as_a_fresh_evaluation():
    fresh = Model("fresh", APPENDIX_C.items)
    changed = fresh.run(network_cost_change=-0.1)
    assert fresh.uses("discount_factor") == {"wacc"}
    assert "network_cost_change" in fresh.uses("pv_total_cost")
    full = fresh._evaluate(fresh.resolve({"network_cost_change": -0.1}), None, reuse=None)
    for key, array in full.items():
        assert np.array_equal(changed[key], array), key


def test_results_are_read_only_so_a_run_cannot_change_the_next():
    result = run()
    with pytest.raises(ValueError, match="read-only"):
        result.values["total_cost"][0] = 0.0
    assert run()["total_cost"][0] == result["total_cost"][0]


@pytest.mark.parametrize("overrides, error, message", [
    ({"wacc": np.array([0.05, 0.1]), "volatility": np.array([0.3, 0.4, 0.5])}, ScenarioError,
     "same length: wacc has 2, volatility has 3"),
    ({"wacc": np.array([[0.05, 0.1]])}, WrongTypeError, "got shape (1, 2)"),
    ({"wacc": np.array([0.05, np.nan])}, OutOfRangeError, "scenario 1 is not"),
    ({"wacc": np.array([0.05, 0.7])}, OutOfRangeError, "wacc=0.7 (scenario 1) is outside its valid range"),
    ({"wacc": []}, WrongTypeError, "got shape (0,)"),
    ({"life_enb_pico": 7.5}, OutOfRangeError, "life_enb_pico=7.5 must be a whole number of years"),
    ({"life_enb_pico": np.array([7.0, 7.5])}, OutOfRangeError, "must be a whole number"),
    ({"first_year": np.array([2017.0, 2018.0])}, ScenarioError, "first_year cannot vary by scenario"),
])
def test_bad_scenarios_are_refused_naming_the_input(overrides, error, message):
    with pytest.raises(error, match=pytest.importorskip("re").escape(message)):
        run(overrides)


def test_a_failing_scenario_is_named():
    shares = np.array([0.6, 0.7])  # 0.7 makes the urban cell-type shares sum past 100 %
    with pytest.raises(OutOfRangeError, match=r"\(scenario 1\), must be 1"):
        run(mix_macro_urban=shares)
    from xlspectrum.models.costmodel.lineitems import LineItem

    ratio = Model("ratio", [LineItem("ratio", "S", "B", "Ratio", "-", "1 / (wacc - 0.1)")], checks=())
    with pytest.raises(ExpressionError, match="ratio .Ratio. is not a finite number in 2017 in scenario 1: .*wacc"):
        ratio.run(wacc=np.array([0.05, 0.1]))


def test_asset_lives_vary_by_scenario_through_the_cohorts():
    lives = np.array([5.0, 9.0, 12.0])
    together = run(life_enb_pico=lives, replacement_rule="units_at_current_cost")
    for i, life in enumerate(lives):
        alone = run(life_enb_pico=life, replacement_rule="units_at_current_cost")
        assert np.array_equal(together["replacement_enb_pico"][i], alone["replacement_enb_pico"])


def test_inputs_list_which_kinds_may_vary():
    numbers = [key for key, item in INPUTS.items() if item.kind == "number"]
    assert "wacc" in numbers and "demand_forecast" not in numbers
    assert isinstance(run(wacc=pd.Series([0.08, 0.1])).pv_total_cost, np.ndarray)


def test_series_inputs_vary_by_scenario_as_rows():
    """A series (one value per year) given as N rows runs N scenarios, equal to N separate runs."""
    rollouts = np.array([[0.05, 0.2, 0.25, 0.25, 0.2, 0.05], [0.1, 0.2, 0.2, 0.2, 0.2, 0.1], [0.5, 0.5, 0, 0, 0, 0]])
    efficiency = np.vstack([INPUTS["spectral_efficiency_printed"].default * f for f in (1.0, 1.1, 0.9)])
    together = APPENDIX_C.run(rollout=rollouts, spectral_efficiency_printed=efficiency, wacc=np.array([0.08, 0.09, 0.1]))
    valued = chapter8.value(rollout=pd.DataFrame(rollouts), spectral_efficiency_printed=efficiency,
                            wacc=np.array([0.08, 0.09, 0.1]))
    assert together.scenarios == 3
    for i, wacc in enumerate((0.08, 0.09, 0.1)):
        alone = APPENDIX_C.run(rollout=rollouts[i], spectral_efficiency_printed=efficiency[i], wacc=wacc)
        for item in APPENDIX_C.items:
            assert np.array_equal(together[item.key][i], alone[item.key]), (item.key, i)
        single = chapter8.value(rollout=rollouts[i], spectral_efficiency_printed=efficiency[i], wacc=wacc)
        assert valued.get("deprival", "model")[i] == single.get("deprival", "model")
    assert len(set(together.pv_total_cost)) == 3


@pytest.mark.parametrize("rows, error, message", [
    (np.full((2, 16), 0.1), WrongTypeError, "got shape (2, 16)"),
    (np.array([[1.0, 0, 0], [np.nan, 1.0, 0]]), OutOfRangeError, "rollout must be finite in every scenario (scenario 1"),
    (np.array([[1.0, 0, 0], [0.5, 1.5, 0]]), OutOfRangeError, "rollout=1.5 (scenario 1, year 2) is outside"),
    (np.array([[1.0, 0, 0], [0.5, 0.4, 0]]), OutOfRangeError, "roll-out shares sum to 100 %: 0.9 (scenario 1)"),
    (np.array([[1.0], [0.5]]), OutOfRangeError, "roll-out shares sum to 100 %: 0.5 (scenario 1)"),
])
def test_bad_series_scenarios_are_refused_naming_scenario_and_year(rows, error, message):
    import re

    with pytest.raises(error, match=re.escape(message)):
        run(rollout=rows)
