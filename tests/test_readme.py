"""The README stays true: its function table lists every registry function as it is."""

from pathlib import Path

from xlspectrum.registry import FUNCTIONS

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_readme_lists_every_excel_function_with_its_signature():
    for spec in FUNCTIONS:
        assert f"`{spec.excel_signature()}`" in README, spec.excel_name
        assert f"`{spec.python_name}`" in README


def test_readme_test_command_is_what_ci_runs():
    assert "bash .ci/run" in README


def test_readme_coverage_table_is_computed():
    from xlspectrum import downlink_max_path_loss, sites_for_range, umi_38901_range_m, umi_range_m

    for level in (-70, -90, -100, -105):
        mapl = downlink_max_path_loss(signal_threshold_dbm=level)
        eq15, nlos = umi_range_m(mapl, 28, extrapolate=True), umi_38901_range_m(mapl, 28)
        row = (f"| {level} dBm | {mapl:.0f} dB | {eq15:,.0f} m | {nlos:,.0f} m | {sites_for_range(100, eq15):,.0f} | "
               f"{sites_for_range(100, nlos):,.0f} |")
        assert row in README, row


def test_readme_local_prices_are_the_workbooks():
    from xlspectrum import local_workbook

    expected = local_workbook.expected_cells()
    for key in ("msp", "bnetza_nzd", "ofcom_nzd", "licence_years"):
        rural, campus = (expected[f"Pricing!{local_workbook.pricing_cell(key, s, absolute=False)}"] for s in ("rural", "campus"))
        assert f"| {rural:,.0f}" in README and f"| {campus:,.0f}" in README, key


def test_readme_pico_radius_valuations_are_computed():
    from xlspectrum.chapter8 import valuation_table
    from xlspectrum.mmwave import pico_radius_km

    for source in ("printed", "eq15", "38901"):
        table = valuation_table("cisco_vni_linear", overrides={"radius_pico_km": pico_radius_km(source)})
        ours = table[(table["basis"] == "this model") & table["table"].str.startswith("Table 11")].set_index("method")
        for method in ("Discounted cash flow", "Deprival"):
            value = ours.loc[method, "value_nzd"] / 1e6
            assert f"{value:+.1f}".lstrip("+") in README or f"{value:+.1f}" in README, (source, method, value)


def test_readme_sensitivity_figures_are_computed():
    import re

    from xlspectrum import sensitivity

    presets = sensitivity.presets().set_index(["preset", "setting"]) / 1e6
    for setting in ("38 % lower: NZ$ 46,500", "38 % lower, demand 5 years forward"):
        row = presets.loc[("mmwave_base_station_cost", setting)]
        line = " | ".join(f"{row[k]:,.1f}" for k in ("pv_cost", "dcf", "option", "project", "deprival"))
        assert line in README, (setting, line)
    high = presets.loc[("volatility", "sigma 50.0%")]
    assert f"| {high['option']:,.1f} | {high['project']:,.1f} |" in README
    tornado = sensitivity.tornado()
    swing = tornado[(tornado["output"] == "deprival") & (tornado["input"] == "radius_pico_km")]["swing"].iloc[0]
    assert f"NZ$ {swing / 1e6:,.1f} M with the pico" in README
    summary = sensitivity.monte_carlo(samples=10_000, seed=1).summary.set_index("output")
    for key, name in (("dcf", "DCF value"), ("project", "Project value"), ("deprival", "Deprival value")):
        row = summary.loc[key]
        cells = [f"{row[c] / 1e6:,.1f}" for c in ("mean", "p5", "p50", "p95")] + [f"{row['probability_positive']:.1%}"]
        expected = f"| {name} | " + " | ".join(cells).replace("%", " %") + " |"
        assert expected in README, expected
    assert re.search(r"\[2081\.4, 1962\.4, 1860\.0\]", README)


def test_readme_sensitivity_chart_is_current():
    """The chart's figures (text in the SVG) are today's: redraw it with the command the README names."""
    import numpy as np

    from xlspectrum import sensitivity

    assert "![Tornado and Monte Carlo histogram" in README
    assert "xlspectrum sensitivity --plot docs/images/sensitivity.svg" in README
    svg = (Path(__file__).parent.parent / "docs/images/sensitivity.svg").read_text()
    outputs = sensitivity.monte_carlo(samples=10_000, seed=1).outputs
    for output in ("deprival", "project"):
        p5, p50, p95 = np.percentile(outputs[output], [5, 50, 95]) / 1e6
        assert f"P5 {p5:,.1f}, P50 {p50:,.1f}, P95 {p95:,.1f} NZ$ M" in svg, output
    top = sensitivity.tornado().query("output == 'deprival'").iloc[0]
    assert f"change from the base value {top['base'] / 1e6:,.1f} (NZ$ M)" in svg
