"""Many scenarios from one file (issue 26 section 4): one run of the scenario axis, one row of results each."""

import csv
import io
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlspectrum.cli import main
from xlspectrum.workbooks.inputs_file import InputsFileError, read_scenarios

SCENARIOS = [("base", "0.09", "4700000", "0.2"), ("=high", "0.12", "5000000", "0.35"), ("low rate", "8%", "4700000", "0.2")]
#: each scenario as its own run
SETS = [["--set", "wacc=0.09", "--set", "population=4700000", "--set", "volatility=0.2"],
        ["--set", "wacc=0.12", "--set", "population=5000000", "--set", "volatility=0.35"],
        ["--set", "wacc=8%", "--set", "population=4700000", "--set", "volatility=0.2"]]


def invoke(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def write(path, rows, header=("scenario", "wacc", "population", "volatility")):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def long_to_row(text):
    """A separate ``value --format csv`` run as the scenario file's row: value and per-MHz-pop by (table, method, basis)."""
    from xlspectrum.models.chapter8 import scenario_columns

    table = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    table["note"] = table["note"].astype(object).fillna("")
    table.insert(0, "scenario", 0)
    return scenario_columns(table).iloc[0]


def test_each_scenario_row_equals_its_separate_run(tmp_path):
    path = write(tmp_path / "scenarios.csv", SCENARIOS)
    wide = pd.read_csv(io.StringIO(invoke("value", "--scenarios", path, "--format", "csv").output),
                       keep_default_na=False)
    assert list(wide["scenario"]) == ["base", "'=high", "low rate"]  # the user's names stay text (files.csv_text)
    assert len(wide.columns) == 1 + 2 * 14
    for row, sets in zip(wide.itertuples(index=False), SETS, strict=True):
        alone = long_to_row(invoke("value", *sets, "--format", "csv").output)
        got = pd.Series(row._asdict()).drop("scenario").astype(float)
        assert list(got.index) == list(alone.index)
        assert got.to_numpy() == pytest.approx(alone.to_numpy(), rel=1e-12, abs=1e-9), sets


def test_the_scenarios_run_on_the_axis_in_one_call(tmp_path, monkeypatch):
    from xlspectrum.models import chapter8

    calls = []
    original = chapter8.APPENDIX_C.run.__func__

    def counted(self, overrides=None, *args, **kwargs):
        calls.append(overrides)
        return original(self, overrides, *args, **kwargs)

    monkeypatch.setattr(type(chapter8.APPENDIX_C), "run", counted)
    invoke("value", "--scenarios", write(tmp_path / "s.csv", SCENARIOS), "--format", "csv")
    # Table 11 and Table 12 (forward 5 years): one run each of each network, never one per scenario
    assert len(calls) == 4 and all(len(c["wacc"]) == 3 for c in calls)


def test_the_table_lists_each_scenario_as_a_column_and_the_file_on_top_of_inputs(tmp_path):
    inputs = tmp_path / "base.csv"
    inputs.write_text("key,position,value\nrisk_free_rate,,0.03\n")
    output = invoke("value", "--scenarios", write(tmp_path / "s.csv", SCENARIOS), "--inputs", inputs).output
    assert "3 scenarios from s.csv" in output and "risk_free_rate = 0.03 (from base.csv, row 2)" in output
    assert re.search(r"^NZ\$ M +base += *high +low rate$", output, re.MULTILINE)
    with_file = invoke("value", "--scenarios", write(tmp_path / "s.csv", SCENARIOS), "--inputs", inputs,
                       "--format", "csv").output
    assert with_file == invoke("value", "--scenarios", tmp_path / "s.csv", "--set", "risk_free_rate=0.03",
                               "--format", "csv").output


@pytest.mark.parametrize("rows, header, message", [
    ([("a", "9", "1", "0.2")], None, "row 2, column B (wacc): wacc=9 is outside its valid range"),
    ([("a", "0.1", "many", "0.2")], None, "row 2, column C (population): population='many' is not a number"),
    ([("a", "0.1", "1", "0.2"), ("b", "", "1", "0.2")], None, "row 3, column B (wacc): wacc has no value"),
    ([("a", "0.1")], ("scenario", "wac"), "column B: unknown input 'wac' (did you mean wacc?)"),
    ([("a", "0.1")], ("scenario", "service_radius_km"), "column B: unknown input 'service_radius_km'"),
    ([("a", "0.1")], ("name", "wacc"), "no 'scenario' column"),
    ([("a", "0.1", "0.2")], ("scenario", "wacc", "wacc"), "column C: column 'wacc' appears twice"),
    ([("a", "0.1"), ("a", "0.2")], ("scenario", "wacc"), "row 3, column A (scenario): scenario 'a' is given again"),
    ([("", "0.1")], ("scenario", "wacc"), "row 2, column A (scenario): no scenario name"),
    ([], ("scenario", "wacc"), "no scenarios"),
    ([("a",)], ("scenario",), "no input columns"),
    ([("a", "0.1")], ("scenario", "rollout"), "rollout is a series"),
    ([("a", "cisco_vni_linear"), ("b", "ten_x_linear")], ("scenario", "demand_forecast"),
     "row 3, column B (demand_forecast): demand_forecast='ten_x_linear' differs from row 2's 'cisco_vni_linear'"),
    ([("a", "fast")], ("scenario", "demand_forecast"), "demand_forecast='fast' must be one of"),
])
def test_a_bad_scenario_file_is_refused_naming_row_and_column(tmp_path, rows, header, message):
    path = write(tmp_path / "bad.csv", rows, header or ("scenario", "wacc", "population", "volatility"))
    with pytest.raises(InputsFileError, match=re.escape(message)):
        read_scenarios(path)
    result = invoke("value", "--scenarios", path, ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("error: --scenarios bad.csv") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_key_in_the_file_and_in_set_is_refused(tmp_path):
    result = invoke("value", "--scenarios", write(tmp_path / "s.csv", SCENARIOS), "--set", "wacc=0.1", ok=False)
    assert result.exit_code == 1 and "column B (wacc): wacc is also given by --set" in result.stderr


def test_a_constant_choice_column_is_the_runs_choice(tmp_path):
    path = write(tmp_path / "s.csv", [("a", "ten_x_linear", "0.1"), ("b", "ten_x_linear", "0.12")],
                 ("scenario", "demand_forecast", "wacc"))
    wide = invoke("value", "--scenarios", path, "--format", "csv").output
    alone = invoke("value", "--set", "demand_forecast=ten_x_linear", "--set", "wacc=0.12", "--format", "csv").output
    row = pd.read_csv(io.StringIO(wide)).iloc[1].drop("scenario").astype(float)
    expected = long_to_row(alone)
    assert list(row.index) == list(expected.index)  # the rows the thesis does not print for this forecast are left out
    assert row.to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-12)


NUMBER_KEYS = ["wacc", "population", "volatility", "risk_free_rate", "option_years"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_valid_scenarios_written_to_a_file_read_back_the_same(tmp_path, data):
    from xlspectrum.models.costmodel.inputs import INPUTS

    keys = data.draw(st.lists(st.sampled_from(NUMBER_KEYS), min_size=1, max_size=3, unique=True))
    count = data.draw(st.integers(1, 5))
    names = data.draw(st.lists(st.text(min_size=1, max_size=8).filter(lambda t: t.strip() and "\x00" not in t
                                                                       and "\r" not in t and "\n" not in t),
                               min_size=count, max_size=count, unique=True))
    values = {key: [data.draw(st.floats(float(INPUTS[key].low), float(INPUTS[key].high), allow_nan=False))
                    for _ in range(count)] for key in keys}
    path = write(tmp_path / "h.csv", [(name, *(repr(values[k][i]) for k in keys)) for i, name in enumerate(names)],
                 ("scenario", *keys))
    read = read_scenarios(path)
    assert read.names == names and list(read.overrides) == keys
    for key in keys:
        assert read.overrides[key].tolist() == values[key]
