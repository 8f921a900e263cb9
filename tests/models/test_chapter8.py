"""Chapter 8 valuations: the thesis-inputs column reproduces Tables 8-11; the model column from the cost models."""

import pytest
from click.testing import CliRunner

from xlspectrum import black_scholes_option, deprival_value, npv
from xlspectrum.models.chapter8 import CROSS_CHECKS, ROWS, UHF_OVERRIDES, value, valuation_table
from xlspectrum.cli import main
from xlspectrum.models.costmodel import run
from xlspectrum.hosts.registry import BY_EXCEL_NAME

CISCO = value(demand_forecast="cisco_vni_linear")
M = 1e6


@pytest.mark.parametrize(
    "key, printed, scale, decimals",
    [
        ("npv_uhf", 304, M, 0),                 # Table 8
        ("npv_uhf_per_mhz_pop", 1.60, 1, 2),    # Table 8
        ("npv_mmwave", -251, M, 0),             # Table 8, Table 11
        ("npv_mmwave_per_mhz_pop", -0.05, 1, 2),
        ("d1", 0.379, 1, 3),                    # Table 9 text
        ("d2", -0.461, 1, 3),
        ("n_d1", 0.648, 1, 3),
        ("n_d2", 0.322, 1, 3),
        ("option", 326, M, 0),
        ("project", 75, M, 0),                  # Table 11
        ("project_per_mhz_pop", 0.02, 1, 2),
        ("option_volatility_high", 429.6, M, 1),  # section 8.5, sigma 50 %
        ("project_volatility_high", 178.6, M, 1),
        ("deprival", -555, M, 0),               # Table 10, Table 11
        ("deprival_per_mhz_pop", -0.117, 1, 3),
        ("deprival_10x", 285, M, 0),            # Table 10 (the text's 284 uses 1,980 M)
        ("deprival_10x_per_mhz_pop", 0.06, 1, 2),
        ("benchmark", 427, M, 0),               # section 8.3
        ("benchmark_per_mhz_pop", 0.09, 1, 2),
        ("t12_dcf_per_mhz_pop", 0.04, 1, 2),    # Table 12
        ("t12_real_options_per_mhz_pop", 0.17, 1, 2),
        ("t12_deprival_per_mhz_pop", 0.01, 1, 2),
    ],
)
def test_thesis_column_reproduces_the_printed_tables(key, printed, scale, decimals):
    assert round(CISCO.get(key, "thesis") / scale, decimals) == printed


def test_model_column_is_computed_from_the_cost_models():
    mmwave = run(demand_forecast="cisco_vni_linear")
    uhf = run(UHF_OVERRIDES, demand_forecast="cisco_vni_linear")
    assert CISCO.get("pv_cost_mmwave", "model") == pytest.approx(mmwave.pv_total_cost)
    assert CISCO.get("pv_cost_uhf", "model") == pytest.approx(uhf.pv_total_cost)
    assert CISCO.get("pv_revenue", "model") == pytest.approx(npv(0.09, mmwave["revenue"]))
    assert CISCO.get("deprival", "model") == pytest.approx(deprival_value(uhf.pv_total_cost, mmwave.pv_total_cost))
    s, k = CISCO.get("s", "model"), CISCO.get("k", "model")
    assert CISCO.get("option", "model") == pytest.approx(black_scholes_option(s, k, 5, 0.0364, 0.376), rel=1e-12)


def test_revenue_calibrates_to_table9_s_and_the_arpu_input_overrides_it():
    assert CISCO.get("pv_revenue", "model") == pytest.approx(1038e6)
    own = value(demand_forecast="cisco_vni_linear", arpu=10.0)
    assert own.mmwave["revenue"][0] == pytest.approx(own.mmwave["operator_cellular"][0] * 10 * 12)
    # bringing the forecast forward keeps the calibrated ARPU
    forward = value(demand_forecast="cisco_vni_linear", forecast_shift_years=5)
    assert forward.mmwave["arpu_used"][0] == pytest.approx(CISCO.mmwave["arpu_used"][0])


def test_700_mhz_network_against_table_10():
    # 730.8 M against 734 M (Cisco VNI) and 2,221 M against 2,264 M (10 x): within 2 %
    assert CISCO.get("pv_cost_uhf", "model") / 734e6 - 1 == pytest.approx(-0.0044, abs=0.001)
    ten_x = value(demand_forecast="ten_x_linear")
    assert ten_x.get("pv_cost_uhf", "model") / 2264e6 - 1 == pytest.approx(-0.019, abs=0.001)
    assert round(ten_x.get("deprival", "model") / M) == 259


def test_model_column_close_to_table_11():
    assert CISCO.get("npv_mmwave", "model") / M == pytest.approx(-251, abs=3)
    assert CISCO.get("project", "model") / M == pytest.approx(75, abs=3)
    assert CISCO.get("deprival", "model") / M == pytest.approx(-555, abs=3)


def test_valuation_range_ordering_of_the_thesis():
    # section 8.7: deprival < discounted cash flow < real options
    for basis in ("thesis", "model"):
        assert CISCO.get("deprival", basis) < CISCO.get("npv_mmwave", basis) < CISCO.get("project", basis)


def test_table_is_tidy():
    table = valuation_table()
    assert list(table.columns) == ["table", "method", "basis", "value_nzd", "nzd_per_mhz_pop", "note"]
    t11 = table[table["table"].str.startswith("Table 11")]
    assert len(t11) == 8 and set(t11["basis"]) == {"thesis inputs", "this model"}
    t12 = table[table["table"].str.startswith("Table 12")]
    assert t12[t12["basis"] == "thesis inputs"]["value_nzd"].round(-5).tolist() == [207.1e6, 821.8e6, 33.9e6]


def test_cross_checks_call_registered_functions():
    keys = {row.key for row in ROWS}
    for key, (function, _) in CROSS_CHECKS.items():
        assert key in keys and function in BY_EXCEL_NAME


def test_value_command_table_and_csv():
    runner = CliRunner()
    result = runner.invoke(main, ["value"])
    assert result.exit_code == 0 and "-251.0" in result.output and "-555.0" in result.output and "427.1" in result.output
    csv = runner.invoke(main, ["value", "--format", "csv"])
    assert csv.exit_code == 0 and csv.output.splitlines()[0] == "table,method,basis,value_nzd,nzd_per_mhz_pop,note"
    bad = runner.invoke(main, ["value", "--set", "volatility=-1"])
    assert bad.exit_code != 0 and "volatility" in bad.output


def test_overrides_leave_the_inputs_that_define_the_700_mhz_network_alone():
    """As on the workbook's UHF Inputs sheet, whose blue cells stay typed when Inputs changes."""
    from xlspectrum.models.chapter8 import UHF_OVERRIDES, value

    valued = value(carrier_bandwidth_mhz=800.0, wacc=0.1)
    assert valued.mmwave.inputs["carrier_bandwidth_mhz"] == 800.0
    assert valued.uhf.inputs["carrier_bandwidth_mhz"] == UHF_OVERRIDES["carrier_bandwidth_mhz"] == 40.0
    assert valued.uhf.inputs["wacc"] == 0.1  # every other override applies to both networks
