"""The README and the docs stay true: their figures are computed, their references generated.

``README`` here is the README and every docs page read as one text, so a figure is checked
wherever it lives; the generated pages (function reference, command line) are compared with
what the code writes.
"""

import re
from pathlib import Path

from xlspectrum.hosts.registry import FUNCTIONS

ROOT = Path(__file__).parents[2]
README_ONLY = (ROOT / "README.md").read_text()
DOCS = sorted((ROOT / "docs").glob("*.md"))
README = "\n".join([README_ONLY, *(page.read_text() for page in DOCS)])


def test_the_readme_is_short_and_links_resolve():
    assert len(README_ONLY.splitlines()) <= 200
    for page in [ROOT / "README.md", *DOCS]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text()):
            if not target.startswith("http"):
                assert (page.parent / target).exists(), (page.name, target)


def test_the_docs_index_lists_every_page():
    index = (ROOT / "docs/index.md").read_text()
    for page in DOCS:
        if page.name != "index.md":
            assert f"]({page.name})" in index, page.name


def test_the_function_reference_is_the_registrys():
    from xlspectrum.hosts.registry import reference_markdown

    assert (ROOT / "docs/functions.md").read_text() == reference_markdown(), \
        "regenerate: xlspectrum functions --format markdown > docs/functions.md"


def test_the_command_line_page_is_the_commands_help():
    from xlspectrum.cli import reference_markdown

    assert (ROOT / "docs/cli.md").read_text() == reference_markdown(), \
        "regenerate: python -c 'from xlspectrum.cli import reference_markdown as r; print(r(), end=\"\")' > docs/cli.md"


def test_the_python_example_prints_what_the_engine_computes():
    import numpy as np

    from xlspectrum.models.costmodel import APPENDIX_C

    runs = APPENDIX_C.run(wacc=np.array([0.07, 0.09, 0.11]))
    assert f">>> (runs.pv_total_cost / 1e6).round(1).tolist()\n{(runs.pv_total_cost / 1e6).round(1).tolist()}" in README_ONLY


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
    from xlspectrum.workbooks import local as local_workbook

    expected = local_workbook.expected_cells()
    for key in ("msp", "bnetza_nzd", "ofcom_nzd", "licence_years"):
        rural, campus = (expected[f"Pricing!{local_workbook.pricing_cell(key, s, absolute=False)}"] for s in ("rural", "campus"))
        assert f"| {rural:,.0f}" in README and f"| {campus:,.0f}" in README, key


def test_readme_pico_radius_valuations_are_computed():
    from xlspectrum.models.chapter8 import valuation_table
    from xlspectrum.formulas.mmwave import pico_radius_km

    for source in ("printed", "eq15", "38901"):
        table = valuation_table("cisco_vni_linear", overrides={"radius_pico_km": pico_radius_km(source)})
        ours = table[(table["basis"] == "this model") & table["table"].str.startswith("Table 11")].set_index("method")
        for method in ("Discounted cash flow", "Deprival"):
            value = ours.loc[method, "value_nzd"] / 1e6
            assert f"{value:+.1f}".lstrip("+") in README or f"{value:+.1f}" in README, (source, method, value)


def test_readme_sensitivity_figures_are_computed():
    from xlspectrum.models import sensitivity

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


def test_readme_sensitivity_chart_is_current():
    """The chart's figures (text in the SVG) are today's: redraw it with the command the README names."""
    import numpy as np

    from xlspectrum.models import sensitivity

    assert "![Tornado and Monte Carlo histogram" in README
    assert "xlspectrum sensitivity --plot docs/images/sensitivity.svg" in README
    svg = (Path(__file__).parents[2] / "docs/images/sensitivity.svg").read_text()
    outputs = sensitivity.monte_carlo(samples=10_000, seed=1).outputs
    for output in ("deprival", "project"):
        p5, p50, p95 = np.percentile(outputs[output], [5, 50, 95]) / 1e6
        assert f"P5 {p5:,.1f}, P50 {p50:,.1f}, P95 {p95:,.1f} NZ$ M" in svg, output
    top = sensitivity.tornado().query("output == 'deprival'").iloc[0]
    assert f"change from the base value {top['base'] / 1e6:,.1f} (NZ$ M)" in svg


def test_every_doctest_in_the_readme_and_the_docs_runs():
    """The ``>>>`` examples of the README and the docs print what the code prints."""
    import doctest

    parser, failures = doctest.DocTestParser(), []
    for page in [ROOT / "README.md", *DOCS]:
        for number, block in enumerate(re.findall(r"```python\n(.*?)```", page.read_text(), re.S)):
            if ">>>" not in block:
                continue
            test = parser.get_doctest(block, {}, f"{page.name}[{number}]", str(page), 0)
            runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
            runner.run(test, out=failures.append)
    assert not failures, "".join(failures)


def test_the_printed_figure_counts_are_the_data():
    from xlspectrum.models.costmodel.printed import PRINTED

    compared = [f for f in PRINTED if not f.known_departure]
    assert f"{len(compared)} of {len(PRINTED)} transcribed figures" in README
