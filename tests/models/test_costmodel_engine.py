"""The cost-model engine against the printed Appendix C figures and chapter 8 (Tables 9 and 10)."""

import numpy as np
import pandas as pd
import pytest

from xlspectrum.models.costmodel import INPUTS, ITEMS, run
from xlspectrum.models.costmodel.printed import ABSOLUTE_TOLERANCE, PRINTED, PRINTED_SCENARIO, VALUATION_FORECAST

PRINTED_RUN = run(PRINTED_SCENARIO)  # the scenario Appendix C prints
CISCO = run(demand_forecast="cisco_vni_linear")


@pytest.mark.parametrize("figure", [f for f in PRINTED if not f.known_departure], ids=lambda f: f"{f.key}-{f.year}")
def test_printed_figure_reproduces(figure):
    model = PRINTED_RUN[figure.key][figure.year - 2017]
    assert abs(model - figure.printed) <= ABSOLUTE_TOLERANCE, (figure.key, figure.year, model, figure.printed)


def test_known_departure_is_the_microcell_coverage_count():
    departures = [f for f in PRINTED if f.known_departure]
    assert [(f.key, f.printed) for f in departures] == [("cov_sites_micro", 1000)]
    assert PRINTED_RUN["cov_sites_micro"][0] == pytest.approx(400 / 23.4)


def test_golden_printed_figures():
    # a selection of printed Appendix C figures checked to their printed precision
    assert round(PRINTED_RUN["cov_sites_total"][0]) == 2499
    assert round(PRINTED_RUN["cov_hubs"][2]) == 434
    assert round(PRINTED_RUN["bh_urban_data_offnet"][0]) == 174_733_437
    assert round(PRINTED_RUN["capex_enb_micro"][1]) == 509_448
    assert round(PRINTED_RUN["capex_enb_micro"][6]) == 296_888
    assert round(PRINTED_RUN["total_cost"][6]) == 81_249_918
    assert round(PRINTED_RUN["total_cost"][0]) in (596_481_665, 596_481_666)


def test_pv_printed_scenario_and_cisco_match_table_10():
    assert PRINTED_RUN.pv_total_cost / 1e6 == pytest.approx(1962.4, abs=0.05)
    assert CISCO.pv_total_cost / 1e6 == pytest.approx(1287.2, abs=0.05)
    # against thesis Table 10: within 1 %
    assert PRINTED_RUN.pv_total_cost / 1979e6 - 1 == pytest.approx(-0.0084, abs=0.0005)
    assert CISCO.pv_total_cost / 1289e6 - 1 == pytest.approx(-0.0014, abs=0.0005)


@pytest.mark.parametrize(
    "overrides, cisco_m, ten_x_m",
    [
        ({"replacement_rule": "units_at_current_cost"}, 1398.5, 2119.6),
        ({"replacement_rule": "capex_nominal"}, 1464.8, 2216.6),
        ({"replacement_rule": "units_at_current_cost", "spectral_efficiency_growth": 0.0}, 1379.2, 2101.6),
        ({"spectral_efficiency_growth": 0.0}, 1267.8, 1944.3),
    ],
)
def test_replacement_and_efficiency_variants(overrides, cisco_m, ten_x_m):
    assert run(overrides, demand_forecast="cisco_vni_linear").pv_total_cost / 1e6 == pytest.approx(cisco_m, abs=0.05)
    assert run(overrides, **PRINTED_SCENARIO).pv_total_cost / 1e6 == pytest.approx(ten_x_m, abs=0.05)


def test_pv_is_eq16_with_t0_in_first_year():
    from xlspectrum import npv

    assert PRINTED_RUN.pv_total_cost == pytest.approx(npv(0.09, PRINTED_RUN["total_cost"]))


def test_first_replacements_fall_after_the_printed_years():
    result = run(replacement_rule="units_at_current_cost")
    first = {key: int(result.years[np.flatnonzero(result[f"replacement_{key}"] > 0)[0]])
             for key in ("lastmile_mw", "hcb", "enb_macro", "hub", "mme")}
    assert first == {"lastmile_mw": 2025, "hcb": 2025, "enb_macro": 2026, "hub": 2027, "mme": 2027}
    # the 367 hubs of 2017 re-bought in 2027 at that year's unit cost: 76.9 M
    assert result["replacement_hub"][10] / 1e6 == pytest.approx(367 * 350_000 * 0.95**10 / 1e6, rel=1e-12)
    assert round(result["replacement_hub"][10] / 1e6, 1) == 76.9


def test_capex_nominal_rebuys_the_original_cost():
    result = run(replacement_rule="capex_nominal")
    assert result["replacement_hub"][10] == pytest.approx(PRINTED_RUN["capex_hub"][0])


def test_fixed_costs_rebought_every_life():
    fixed = PRINTED_RUN.series("fixed_total")
    assert fixed[2017] == 29_239_232 and fixed[2022] == 10_000_000 and fixed[2027] == 10_000_000
    assert fixed[2024] == 5_000_000 and fixed[2031] == 5_000_000


def test_depreciation_switch_removes_it_from_total_only():
    without = run(PRINTED_SCENARIO, include_depreciation_in_total=False)
    assert np.allclose(PRINTED_RUN["total_cost"] - without["total_cost"], PRINTED_RUN["depreciation_total"])
    assert np.allclose(without["capex_total"], PRINTED_RUN["capex_total"])


def test_demand_forecasts_closed_forms():
    assert PRINTED_RUN["demand_aggressive"][:7].round().tolist() == [1337, 1912, 2734, 3910, 5591, 7995, 11433]
    assert PRINTED_RUN["demand_cisco_vni_linear"][6] == 5527
    assert PRINTED_RUN["demand_ten_x_linear"][6] == 55270
    assert round(PRINTED_RUN["demand_usage"][6]) == 4395
    assert CISCO["bh_urban_data_offnet"][0] == pytest.approx(22_506_446, abs=1)


def test_invariants_over_scenarios():
    for forecast in INPUTS["demand_forecast"].options:
        result = run(demand_forecast=forecast, replacement_rule="units_at_current_cost")
        for key in [i.key for i in ITEMS if i.key.startswith("installed_")]:
            assert (np.diff(result[key]) >= -1e-9).all(), key  # the installed base never shrinks
        for key in [i.key for i in ITEMS if i.key.startswith(("new_", "capex_", "replacement_"))]:
            assert (result[key] >= -1e-9).all(), key
        categories = ["capex_total", "replacement_total", "depreciation_in_total", "opex_total", "fixed_total", "indirect_total"]
        assert np.allclose(sum(result[k] for k in categories), result["total_cost"])


@pytest.mark.parametrize("forecast, knob", [("ten_x_linear", "ten_x_step"), ("aggressive", "aggressive_growth"),
                                           ("cisco_vni_linear", "cisco_vni_step"), ("usage", "usage_growth")])
def test_faster_demand_growth_never_costs_less(forecast, knob):
    # forecasts of different shapes cross (usage overtakes Cisco VNI after 2027), so the
    # invariant is within one forecast: more growth, no lower cost
    base = INPUTS[knob].default
    pvs = [run({knob: base * factor}, demand_forecast=forecast).pv_total_cost for factor in (0.5, 1.0, 2.0)]
    assert pvs == sorted(pvs)


def test_tidy_tables():
    table = PRINTED_RUN.table
    assert list(table.columns[:5]) == ["sheet", "block", "key", "label", "unit"]
    assert list(table.columns[5:]) == list(range(2017, 2032))
    assert len(table) == len(ITEMS)
    costs = PRINTED_RUN.sheet("Costs")
    assert set(costs["sheet"]) == {"Costs"}
    assert isinstance(PRINTED_RUN.series("total_cost"), pd.Series)
    assert PRINTED_RUN.cost_by_category.loc[2017, "Total cost"] == pytest.approx(PRINTED_RUN["total_cost"][0])


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"demand_forecast": "cisco"}, "demand_forecast='cisco' must be one of aggressive"),
        ({"replacement_rule": 3}, "replacement_rule=3 must be one of none"),
        ({"populaton": 1}, "unknown input 'populaton'"),
        ({"wacc": "nine"}, "wacc='nine' must be a number"),
        ({"include_depreciation_in_total": "maybe"}, "must be True or False"),
        ({"rollout": [0.5] * 16}, "at most 15"),
        ({"hub_capacity_mbps": 0}, "hub_capacity_mbps=0 is outside its valid range 1 to"),
        ({"wacc": 9}, "did you mean 0.09?"),
        ({"wacc": -0.5}, "wacc=-0.5 is outside its valid range 0 to 0.5"),
        ({"market_share_cellular": 1.7}, "market_share_cellular=1.7 is outside its valid range 0 to 1"),
        ({"population": -5}, "population=-5 is outside its valid range"),
        ({"mix_macro_urban": 0.7}, "Cell-type proportions sum to 100 % (urban): 1.1, must be 1"),
        ({"rollout": [0.5, 0.4]}, "Coverage roll-out shares sum to 100 %: 0.9"),
    ],
)
def test_bad_overrides_name_the_input(overrides, fragment):
    with pytest.raises(ValueError) as info:
        run(overrides)
    assert fragment in str(info.value)


def test_inputs_all_have_source_and_unit():
    for item in INPUTS.values():
        assert item.source and item.unit and item.label, item.key


def test_the_default_is_the_valuation_forecast():
    assert INPUTS["demand_forecast"].default == VALUATION_FORECAST == "cisco_vni_linear"
    assert run().pv_total_cost == CISCO.pv_total_cost


def test_printed_figures_that_apply_to_a_forecast_reproduce_under_it():
    # the figures that do not move with demand are the model's under every forecast
    for forecast in INPUTS["demand_forecast"].options:
        result = run(demand_forecast=forecast)
        for figure in (f for f in PRINTED if f.applies_to(forecast) and not f.known_departure):
            assert abs(result[figure.key][figure.year - 2017] - figure.printed) <= ABSOLUTE_TOLERANCE, (forecast, figure)
    assert sum(f.applies_to("cisco_vni_linear") for f in PRINTED) == 26
