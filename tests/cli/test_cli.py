"""The command line never shows a traceback: one line on stderr, a non-zero exit code."""

import errno
import os
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from xlspectrum.cli import main
from xlspectrum.models.costmodel.printed import DEMAND_MEANING
from xlspectrum.models.costmodel import INPUTS
from conftest import requires_libreoffice



def invoke(*args):
    return CliRunner().invoke(main, list(args))


def assert_one_line_failure(result, *fragments):
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    # progress lines of long work may come first; the failure is one last line
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error")]
    assert len(errors) == 1 and lines[-1] == errors[0] and errors[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output + result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


def test_value_with_the_demand_given_as_a_setting():
    for forecast in ("ten_x_linear", "aggressive", "usage", "cisco_vni_linear"):
        result = invoke("value", "--set", f"demand_forecast={forecast}")
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[0].endswith(f"demand forecast {forecast} ({DEMAND_MEANING[forecast]})")
    ten_x = invoke("value", "--set", "demand_forecast=ten_x_linear")
    assert "not printed" in ten_x.output and "285.0" in ten_x.output  # Table 10's deprival for 10 x


def test_conflicting_demand_is_refused():
    assert_one_line_failure(invoke("value", "--demand", "usage", "--set", "demand_forecast=aggressive"), "disagree")


@pytest.mark.parametrize("command", ["build", "value"])
@pytest.mark.parametrize(
    "setting, fragments",
    [
        ("wacc=", ("wacc= has no value", "0 to 0.5")),
        ("wacc=9", ("wacc=9 is outside its valid range", "did you mean 0.09?")),
        ("wacc=nine", ("wacc=nine is not a number",)),
        ("population=-5", ("population=-5 is outside its valid range",)),
        ("wac=0.1", ("unknown input 'wac'", "did you mean wacc?")),
        ("demand_forecast=cisco", ("demand_forecast='cisco' must be one of",)),
        ("include_depreciation_in_total=maybe", ("must be TRUE or FALSE",)),
        ("mix_macro_urban=0.7", ("Cell-type proportions sum to 100 % (urban)",)),
        ("nonsense", ("must look like KEY=VALUE",)),
    ],
)
def test_bad_settings_are_one_line(tmp_path, command, setting, fragments):
    extra = ["-o", str(tmp_path / "m.xlsx")] if command == "build" else []
    assert_one_line_failure(invoke(command, *extra, "--set", setting), *fragments)
    assert not (tmp_path / "m.xlsx").exists()


def test_percent_settings_and_echo(tmp_path):
    result = invoke("value", "--set", "wacc=10%", "--format", "table")
    assert result.exit_code == 0 and "wacc=0.1" in result.output


def test_inputs_lists_every_input_with_its_range():
    result = invoke("inputs", "--format", "csv")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "key,value,unit,valid,source,label" and len(lines) == len(INPUTS) + 1
    assert any(line.startswith("wacc,0.09,%,0 to 0.5,") for line in lines)


def test_build_output_paths(tmp_path, monkeypatch):
    assert_one_line_failure(invoke("build", "-o", str(tmp_path / "missing" / "m.xlsx")), "does not exist")
    assert_one_line_failure(invoke("build", "-o", str(tmp_path)), "is a folder")
    other = tmp_path / "notes.xlsx"
    other.write_text("my notes")
    assert_one_line_failure(invoke("build", "-o", str(other)), "exists and differs", "--force")
    assert other.read_text() == "my notes"

    def read_only(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", read_only)
    assert_one_line_failure(invoke("build", "-o", str(tmp_path / "new.xlsx")), "permission denied")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.xlsx"]  # no temporary or lock file left


def workbook_with(path, formulas):
    wb = Workbook()
    for address, formula in formulas.items():
        wb.active[address] = formula
    wb.save(path)
    return path


@pytest.mark.parametrize("engine", [pytest.param("libreoffice", marks=[requires_libreoffice, pytest.mark.libreoffice]), "formulas"])
def test_recalc_any_workbook(tmp_path, engine):
    path = workbook_with(tmp_path / "any.xlsx", {"A1": "=1+1", "A2": '=""', "A3": '="#not an error"'})
    out = tmp_path / "out.xlsx"
    result = invoke("recalc", str(path), "--engine", engine, "--output", str(out))
    assert result.exit_code == 0, result.output + result.stderr
    assert "3 formula cells, all with values, no errors" in result.output
    assert "Not an xlspectrum model" in result.output
    assert load_workbook(out, data_only=True).active["A1"].value == 2


@pytest.mark.parametrize("engine", [pytest.param("libreoffice", marks=[requires_libreoffice, pytest.mark.libreoffice]), "formulas"])
def test_recalc_names_error_cells(tmp_path, engine):
    path = workbook_with(tmp_path / "bad.xlsx", {"A1": "=1/0", "A2": "=1+1"})
    assert_one_line_failure(invoke("recalc", str(path), "--engine", engine), "Sheet!A1")


def test_recalc_refuses_what_is_not_a_workbook(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert_one_line_failure(invoke("recalc", str(empty)), "is empty (0 bytes)")
    text = tmp_path / "text.xlsx"
    text.write_text("hello")
    assert_one_line_failure(invoke("recalc", str(text)), "not an .xlsx workbook")
    good = workbook_with(tmp_path / "good.xlsx", {"A1": "=1+1"})
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[:2000])
    assert_one_line_failure(invoke("recalc", str(truncated)), "truncated.xlsx")
    ods = tmp_path / "sheet.ods"
    with zipfile.ZipFile(ods, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", "<x/>")
    assert_one_line_failure(invoke("recalc", str(ods)), "OpenDocument spreadsheet (.ods)")
    assert_one_line_failure(invoke("recalc", str(tmp_path)), "is a folder")
    assert_one_line_failure(invoke("recalc", str(tmp_path / "missing.xlsx")), "does not exist")


def _spin() -> None:
    while True:
        pass


def test_formulas_engine_time_limit(tmp_path):
    path = workbook_with(tmp_path / "any.xlsx", {"A1": "=1+1"})
    from xlspectrum.recalc import RecalculationError, run_with_time_limit

    with pytest.raises(RecalculationError, match="did not finish within 1 s"):
        run_with_time_limit(_spin, (), 1, "the formulas engine")  # a pure-Python loop; tests/recalc/test_limits.py has more
    assert invoke("recalc", str(path), "--engine", "formulas", "--timeout", "60").exit_code == 0


def test_summaries_name_their_demand_forecast_on_their_first_line(tmp_path):
    cisco = "demand forecast cisco_vni_linear (Cisco VNI linear, the forecast of the thesis' valuation Tables 8-11)"
    for command in (["build", "-o", str(tmp_path / "m.xlsx")], ["value"], ["sensitivity", "--samples", "16"]):
        result = invoke(*command)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[0].endswith(cisco), command
    ten_x = invoke("build", "-o", str(tmp_path / "t.xlsx"), "--set", "demand_forecast=ten_x_linear")
    assert ten_x.output.splitlines()[0].endswith("demand forecast ten_x_linear (10 x Cisco VNI linear, the scenario "
                                                 "Appendix C prints)")
    assert "90 of 90 compared (the printed scenario: every printed figure is compared)" in ten_x.output


def test_value_takes_the_pico_radius_from_the_28_ghz_budget():
    from xlspectrum.models.chapter8 import valuation_table
    from xlspectrum.formulas.mmwave import pico_radius_km

    result = invoke("value", "--pico-radius", "eq15", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "Pico radius 315 m from the 28 GHz downlink budget (152.0 dB to a -105 dBm edge) by eq. (15)" in result.stderr
    radius = pico_radius_km("eq15")
    assert radius == pytest.approx(0.3147, abs=1e-4)
    expected = valuation_table("cisco_vni_linear", overrides={"radius_pico_km": radius}).to_csv(index=False)
    assert result.stdout == expected
    printed = invoke("value", "--format", "csv")
    assert printed.stdout != expected  # the radius changes the valuation
    edge = invoke("value", "--pico-radius", "38901", "--edge-dbm", "-100")
    assert "Pico radius 453 m" in edge.stderr and "TR 38.901 UMi NLOS" in edge.stderr


def test_pico_radius_refusals():
    assert_one_line_failure(invoke("value", "--pico-radius", "eq15", "--set", "radius_pico_km=0.3"), "give one")
    assert_one_line_failure(invoke("build", "--model", "exchange", "--pico-radius", "eq15"), "for the thesis model")
    assert_one_line_failure(invoke("value", "--pico-radius", "38901", "--edge-dbm", "-150"), "outside 3GPP TR 38.901 UMi")


def test_sensitivity_runs_the_thesis_presets_tornado_and_monte_carlo():
    result = invoke("sensitivity", "--samples", "200", "--seed", "5")
    assert result.exit_code == 0, result.output
    for fragment in ("The thesis' sensitivities", "38 % lower: NZ$ 46,500", "sigma 50.0%", "Tornado", "radius_pico_km",
                     "Monte Carlo: 200 Latin hypercube samples, seed 5", "wacc: triangular(low=0.072, mode=0.09, high=0.108)",
                     "P(> 0)", "Standard error"):
        assert fragment in result.output, fragment
    assert result.output == invoke("sensitivity", "--samples", "200", "--seed", "5").output
    assert result.output != invoke("sensitivity", "--samples", "200", "--seed", "6").output


def test_sensitivity_from_files_as_csv(tmp_path):
    tornado = tmp_path / "tornado.csv"
    tornado.write_text("input,low,high\nwacc,0.07,0.11\nradius_pico_km,0.15,0.3\n")
    carlo = tmp_path / "mc.csv"
    carlo.write_text("input,distribution,p1,p2,p3\nwacc,pert,0.07,0.09,0.11\nradius_pico_km,uniform,0.15,0.3,\n")
    correlations = tmp_path / "rho.csv"
    correlations.write_text("input_a,input_b,correlation\nwacc,radius_pico_km,0.5\n")
    result = invoke("sensitivity", "--tornado", str(tornado), "--montecarlo", str(carlo), "--correlations",
                    str(correlations), "--samples", "64", "--sobol", "--sobol-samples", "64", "--format", "csv")
    assert result.exit_code == 0, result.output
    import io

    import pandas as pd

    table = pd.read_csv(io.StringIO(result.output))
    assert list(table.columns) == ["analysis", "output", "item", "statistic", "value"]
    assert set(table["analysis"]) == {"preset", "tornado", "montecarlo", "sobol"}
    assert set(table.loc[table["analysis"] == "tornado", "item"]) == {"wacc", "radius_pico_km"}
    swing = table[(table["analysis"] == "tornado") & (table["item"] == "wacc") & (table["output"] == "pv_cost")
                  & (table["statistic"] == "swing")]["value"].iloc[0]
    from xlspectrum.models.sensitivity import base_values

    assert swing == pytest.approx(abs(base_values({"wacc": 0.11})["pv_cost"] - base_values({"wacc": 0.07})["pv_cost"]))


@pytest.mark.parametrize("args, fragment", [
    (["--correlations", "x.csv"], "--correlations needs --montecarlo"),
    (["--tornado", "missing.csv"], "cannot read missing.csv"),
    (["--set", "demand_forecast=usage", "--demand", "aggressive"], "disagree"),
    (["--sobol", "--sobol-samples", "100", "--samples", "10"], "must be a power of 2"),
])
def test_sensitivity_failures_are_one_line(args, fragment):
    assert_one_line_failure(invoke("sensitivity", *args), fragment)


def test_inputs_listing_fits_a_terminal_and_names_every_input():
    from xlspectrum.models.costmodel.inputs import INPUTS as ALL

    result = invoke("inputs")
    assert result.exit_code == 0
    assert max(len(line) for line in result.output.splitlines()) <= 120
    listed = {line.split()[0] for line in result.output.splitlines() if line.startswith("  ") and not line.startswith("   ")}
    assert listed == set(ALL)


def test_functions_list_gives_each_default_once():
    result = invoke("functions")
    assert result.exit_code == 0
    for line in result.output.splitlines():
        assert line.lower().count("(default") <= 1, line
