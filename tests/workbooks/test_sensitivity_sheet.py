"""The Sensitivity sheet of the thesis workbook: the figures of `xlspectrum sensitivity`, labelled, charted.

The sheet's numbers are compared with :mod:`xlspectrum.models.sensitivity` computed here apart and
with the command line the sheet names; its live status cells are recalculated headlessly.
"""

from __future__ import annotations

import io
import shlex

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from xlspectrum.models import sensitivity as sa
from xlspectrum.cli import main
from xlspectrum.workbooks.style import status_formula
from xlspectrum.models.costmodel import INPUTS
from xlspectrum.recalc import recalculate_formulas, recalculate_libreoffice
from xlspectrum.models.sensitivity import HISTOGRAM_BINS, histogram
from xlspectrum.workbooks.sensitivity_sheet import CHARTED, SAMPLES, SEED, SHEET, command
from xlspectrum.workbooks.thesis import build_workbook, cell_places, save_atomically
from conftest import requires_libreoffice


@pytest.fixture(scope="module")
def sheet():
    return build_workbook()[SHEET]


@pytest.fixture(scope="module")
def carlo():
    return sa.monte_carlo(samples=SAMPLES, seed=SEED)


def rows_under(ws, heading: str) -> list[tuple]:
    """The data rows of the table whose block heading starts with ``heading`` (header row skipped)."""
    found = [r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith(heading)]
    assert len(found) == 1, f"{heading!r}: {found}"
    rows, row = [], found[0] + 2
    while ws.cell(row, 1).value not in (None, "") and ws.cell(row, 1).fill.fgColor.rgb != "00DDEBF7":
        rows.append(tuple(ws.cell(row, c).value for c in range(1, 9)))
        row += 1
    return rows


def row_of(ws, label: str) -> int:
    return next(r for r in range(1, 60) if ws.cell(r, 1).value == label)


def setting(ws, label: str) -> str:
    row = next(r for r in range(1, 40) if ws.cell(r, 1).value == label)
    return ws.cell(row, 2).value


def test_the_sheet_says_the_figures_are_computed_values_and_how(sheet):
    assert "Values, not formulas" in sheet["A3"].value and "xlspectrum 0.1.0" in sheet["A3"].value
    assert "cisco_vni_linear" in setting(sheet, "Base case")
    assert f"{SAMPLES:,} Latin hypercube samples" in setting(sheet, "Monte Carlo")
    assert f"seed {SEED}" in setting(sheet, "Monte Carlo")
    assert setting(sheet, "Same figures from") == f"xlspectrum sensitivity --samples {SAMPLES} --seed {SEED}"
    assert sheet["A1"].value == status_formula()


def test_tornado_tables_are_the_tornado_in_millions(sheet):
    table = sa.tornado()
    for output in CHARTED:
        label = sa.OUTPUTS[output][0]
        rows = rows_under(sheet, f"Tornado: {label}")
        expected = table[table["output"] == output]
        assert [r[0] for r in rows] == list(expected["label"])  # largest swing first
        for row, want in zip(rows, expected.itertuples(index=False)):
            assert row[3] == pytest.approx(want.at_low / 1e6, abs=5e-4)
            assert row[4] == pytest.approx(want.at_high / 1e6, abs=5e-4)
            assert row[5] == pytest.approx((want.at_low - want.base) / 1e6, abs=1e-3)
            assert row[7] == pytest.approx(want.swing / 1e6, abs=5e-4)
    # the thesis-scale headline: the pico radius moves the deprival value most (NZ$ 290.7 M, computed here)
    assert rows_under(sheet, "Tornado: Deprival")[0][0] == INPUTS["radius_pico_km"].label


def test_monte_carlo_table_is_the_monte_carlo_in_millions(sheet, carlo):
    rows = {r[0]: r for r in rows_under(sheet, "Monte Carlo:")}
    for want in carlo.summary.itertuples(index=False):
        row = rows[want.label]
        for got, statistic in zip(row[1:6], (want.mean, want.sd, want.p5, want.p50, want.p95)):
            assert got == pytest.approx(statistic / 1e6, abs=5e-4)
        assert row[6] == want.probability_positive


def test_histograms_count_every_sample(sheet, carlo):
    for output in CHARTED:
        rows = rows_under(sheet, f"Histogram: {sa.OUTPUTS[output][0]}")
        values = carlo.outputs[output].to_numpy() / 1e6
        assert sum(r[4] for r in rows) == SAMPLES
        assert rows[0][1] <= values.min() and values.max() < rows[-1][2]
        for label, low, high, centre, count, *_ in rows:
            assert label == f"{low:,g} to {high:,g}" and centre == pytest.approx((low + high) / 2)
            assert count == int(((values >= low) & (values < high)).sum())


def test_presets_table_is_the_presets_in_millions(sheet):
    rows = rows_under(sheet, "The thesis' own sensitivities")
    table = sa.presets()
    assert len(rows) == len(table)
    for row, want in zip(rows, table.itertuples(index=False)):
        assert row[1] == want.setting
        assert row[6] == pytest.approx(want.deprival / 1e6, abs=5e-4)


def test_inputs_table_lists_base_values_live_links_and_ranges(sheet):
    rows = rows_under(sheet, "Inputs varied")
    ranges = sa.default_ranges()
    places = cell_places()
    assert [r[0] for r in rows[:len(ranges)]] == [INPUTS[k].label for k in ranges["input"]]
    for row, want in zip(rows, ranges.itertuples(index=False)):
        assert (row[4], row[5]) == pytest.approx((want.low, want.high), rel=1e-9)
        assert row[3] == f"=Inputs!$C${places[want.input][1]}"
        assert row[6] == "triangular"
        assert row[7] == f"=ABS(D{row_of(sheet, row[0])}-C{row_of(sheet, row[0])})<=Checks!$C$3*ABS(C{row_of(sheet, row[0])})"


def test_native_charts_tornado_bars_and_histograms(sheet):
    charts = sheet._charts
    assert len(charts) == 2 * len(CHARTED)
    tornados = [c for c in charts if c.type == "bar"]
    columns = [c for c in charts if c.type == "col"]
    assert len(tornados) == len(columns) == len(CHARTED)
    for chart in tornados:
        assert chart.overlap == 100 and len(chart.series) == 2  # change at the low and at the high input
        assert chart.x_axis.scaling.orientation == "maxMin"  # the largest swing on top
    for chart in columns:
        assert len(chart.series) == 1 and chart.series[0].val.numRef.f.startswith(f"'{SHEET}'!$E$")


def test_built_with_overrides_the_sheet_follows_them():
    ws = build_workbook({"wacc": 0.1, "demand_forecast": "usage"})[SHEET]
    assert "demand forecast usage" in setting(ws, "Base case")
    # in the inputs' own order, however they were given
    assert setting(ws, "Same figures from").endswith("--set demand_forecast=usage --set wacc=0.1")
    assert command({"population": 4_746_123, "rollout": [0.5, 0.5], "include_depreciation_in_total": False}) == (
        "xlspectrum sensitivity --samples 10000 --seed 1 --set include_depreciation_in_total=FALSE "
        "--set population=4746123.0 --set rollout=0.5,0.5")
    wacc = next(r for r in rows_under(ws, "Inputs varied") if r[0] == INPUTS["wacc"].label)
    assert wacc[2] == 0.1 and (wacc[4], wacc[5]) == pytest.approx((0.08, 0.12))
    expected = sa.tornado(base={"wacc": 0.1, "demand_forecast": "usage"})
    top = expected[expected["output"] == "deprival"].iloc[0]
    assert rows_under(ws, "Tornado: Deprival")[0][7] == pytest.approx(top.swing / 1e6, abs=5e-4)


@pytest.mark.slow
def test_the_named_command_prints_the_same_figures(sheet):
    """One source of truth: the command the sheet names gives the sheet's numbers."""
    arguments = shlex.split(setting(sheet, "Same figures from"))[1:] + ["--format", "csv"]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output))
    carlo = table[table["analysis"] == "montecarlo"].set_index(["output", "statistic"])["value"]
    rows = {r[0]: r for r in rows_under(sheet, "Monte Carlo:")}
    for output, (label, _) in sa.OUTPUTS.items():
        assert rows[label][3] == pytest.approx(carlo[(output, "p5")] / 1e6, abs=5e-4)
        assert rows[label][5] == pytest.approx(carlo[(output, "p95")] / 1e6, abs=5e-4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e10, 1e10, allow_nan=False), min_size=1, max_size=300))
def test_histogram_bins_are_round_and_cover_every_value(values):
    edges, counts = histogram(np.asarray(values))
    scaled = np.asarray(values) / 1e6
    assert counts.sum() == len(values)  # np.histogram's last bin is closed: nothing falls off the end
    assert edges[0] <= scaled.min() and scaled.max() <= edges[-1]
    assert len(counts) <= HISTOGRAM_BINS + 2  # the values may sit off the round edges at both ends
    width = edges[1] - edges[0]
    mantissa = width / 10 ** np.floor(np.log10(width))
    assert any(np.isclose(mantissa, m) for m in (1, 2, 2.5, 5, 10))
    assert np.allclose(np.diff(edges), width)


def status_cells(values: dict, ws) -> tuple:
    row = next(r for r in range(1, 60) if ws.cell(r, 1).value == "These inputs on the Inputs sheet")
    return values[f"{SHEET}!C{row}"], values[f"{SHEET}!C{row + 1}"], values[f"{SHEET}!D{row + 1}"]


def edited(tmp_path, **values):
    path = save_atomically(build_workbook(), tmp_path / "model.xlsx")
    book = load_workbook(path)
    for key, typed in values.items():
        book["Inputs"][f"C{cell_places()[key][1]}"] = typed
    book.save(path)
    return path


@pytest.mark.slow
def test_status_says_when_inputs_no_longer_match_formulas(tmp_path, sheet):
    recalculated = recalculate_formulas(edited(tmp_path, wacc=0.095))  # one recalculation: ~45 s
    assert status_cells(recalculated.values, sheet) == (
        "changed: rebuild the workbook to recompute these figures", "cisco_vni_linear", "cisco_vni_linear")
    labels = INPUTS["wacc"].label, INPUTS["opex_rate"].label
    flags = {label: recalculated.value(SHEET, f"H{row_of(sheet, label)}") for label in labels}
    assert flags == dict(zip(labels, (False, True)))  # the edited input is the one flagged


@requires_libreoffice
@pytest.mark.libreoffice
@pytest.mark.slow
def test_status_says_when_inputs_no_longer_match_libreoffice(tmp_path, sheet):
    recalculated = recalculate_libreoffice(edited(tmp_path, demand_forecast="ten_x_linear"))
    assert recalculated.problems() == {}
    assert status_cells(recalculated.values, sheet)[1:] == ("cisco_vni_linear", "ten_x_linear")
    recalculated = recalculate_libreoffice(edited(tmp_path, demand_forecast="cisco_vni_linear"))
    assert status_cells(recalculated.values, sheet) == ("same as the base values", "cisco_vni_linear", "cisco_vni_linear")
    recalculated = recalculate_libreoffice(edited(tmp_path, cost_enb_pico=80_000))
    assert status_cells(recalculated.values, sheet)[0].startswith("changed: rebuild the workbook")
