"""Every attribution and number the prose states holds against the code and the sources.

The prose is the README and every page of docs/, read as one text (whitespace collapsed),
so a claim stays checked when it moves from the README to a docs page.  Each test computes
the figure (or reads the registry, a docstring or a committed workbook) and compares it
with what the prose says; the sources' own figures are written here with their section.
"""

import inspect
import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))


def _flat(text: str) -> str:
    return " ".join(text.split())


def _page(name: str) -> str:
    return _flat((ROOT / name).read_text(encoding="utf-8"))


PROSE = _flat("\n".join(path.read_text(encoding="utf-8") for path in [README, *DOCS]))
CODE = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "xlspectrum").rglob("*.py"))}

#: the white paper's title as it prints it (it prints no author and no date)
WHITE_PAPER_TITLE = "White Paper: Tokenized Token Sale for Electromagnetic Spectrum Allocation"


def _cells(path: Path, sheet: str) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [str(v) for row in book[sheet].iter_rows(values_only=True) for v in row if isinstance(v, str)]


# ------------------------------------------------------------------ 28 GHz coverage (thesis 6.1, 6.2, 6.7)
def test_the_edges_of_the_thesis_ranges_are_computed():
    from xlspectrum import downlink_max_path_loss, umi_path_loss, umi_range_m
    from xlspectrum.formulas.mmwave import SIGNAL_LEVELS_DBM

    def edge(metres):  # the cell-edge level at which eq. (15) reaches that distance [dBm]
        return float(downlink_max_path_loss(signal_threshold_dbm=0) - umi_path_loss(metres, 28, extrapolate=True))

    def reach(level):
        return float(umi_range_m(downlink_max_path_loss(signal_threshold_dbm=level), 28, extrapolate=True))

    at_200, at_220, at_300 = (f"{edge(m):.1f}" for m in (200, 220, 300))
    assert (at_200, at_220, at_300) == ("-97.8", "-99.3", "-104.2")
    coverage = _page("docs/coverage.md")
    assert f"the signal falls to {at_200} dBm at 200 m, {at_220} dBm at 220 m and {at_300} dBm at 300 m" in PROSE
    assert f"{at_200} dBm (200 m) and {at_300} dBm (300 m)" in coverage and f"to {at_220} dBm" in coverage
    # of Figure 26's levels only -100 dBm falls inside 200-300 m, and -105 dBm beyond it
    inside = [level for level in SIGNAL_LEVELS_DBM if 200 <= reach(level) <= 300]
    assert inside == [-100]
    assert f"only the -100 dBm edge ({reach(-100):.0f} m) lies inside the 200-300 m; -105 dBm ({reach(-105):.0f} m)" in PROSE
    assert f"at -100 dBm {reach(-100):.0f} m" in coverage
    for wrong in ("-97.6", "lies between the -100 and -105 dBm"):
        assert wrong not in PROSE, wrong


def test_200_to_300_m_and_220_m_are_attributed_where_the_thesis_prints_them():
    # 200-300 m: the summary of chapter 6 (section 6.7); 220 m: reference [120]'s simulated
    # cell radius (section 6.1), not a reading of the Atoll prediction of section 6.2
    assert "(about 220 m) off its Atoll prediction" not in PROSE
    assert "summary (section 6.7) reads a base-station path length of 200-300 m" in PROSE
    assert "reference [120]'s simulated cell radius at 28 GHz (section 6.1)" in PROSE
    assert "section 6.7 (the 200-300 m path length)" in CODE["xlspectrum/formulas/mmwave.py"]
    local = _cells(ROOT / "workbooks/xlspectrum_local.xlsx", "Coverage")
    assert "thesis 6.1: reference [120]'s 220 m" in local and "Path length the thesis quotes at 28 GHz" not in local


def test_horns_for_a_full_circle():
    from xlspectrum import horns_for_full_circle

    assert horns_for_full_circle(26.25) == 14 and horns_for_full_circle(60) == 6
    assert "`horns_for_full_circle(60)` = 6" in PROSE and "`horns_for_full_circle(26.25)` = 14" in PROSE
    for text in [PROSE, *CODE.values()]:
        assert "three 60 degree panels" not in text  # the thesis gives no count of sectors (section 6.2)


# ------------------------------------------------------------------ attributions of the formulas
def test_shannon_capacity_is_section_3_2():
    from xlspectrum.hosts.registry import BY_EXCEL_NAME

    assert "section 3.2" in BY_EXCEL_NAME["SHANNON_CAPACITY"].source
    assert "eq. (1), section 3.2; Weiss and Cui, section IV |" in PROSE
    assert "section 3.2, eq. (1) (Shannon)" in CODE["xlspectrum/formulas/interference.py"]
    for name, text in [("prose", PROSE), *CODE.items()]:
        assert not re.search(r"section 3\.1, eq\. \(1\)|eq\. \(1\), section 3\.1", text), name


def test_every_host_names_the_source_of_each_function():
    from xlspectrum.hosts import xlwings_classic as excel, officejs
    from xlspectrum.hosts.libreoffice import basic_module
    from xlspectrum.hosts.registry import FUNCTIONS

    module = basic_module()
    for spec in FUNCTIONS:
        assert spec.description == f"{spec.help}. Source: {spec.source}."
        assert getattr(excel, spec.excel_name).__doc__ == spec.description
        assert f"' {spec.description}" in module
    assert all(d["description"].endswith(".") and "Thesis Weiss" not in d["description"] for d in officejs.declarations())
    # a source that is not the thesis is never called the thesis'
    for spec in FUNCTIONS:
        if spec.source.startswith(("Weiss", "WINNF", "3GPP", "ITU", "FGebV", "Ofcom", "the annuity", "kTB")):
            assert not spec.description.startswith("Thesis"), spec.excel_name


def test_the_tv_thresholds_are_attributed_as_the_paper_does():
    # Weiss and Cui, section IV: 15 dB is the threshold of visibility of their reference [8];
    # 27 dB is the minimum ATSC suggests
    from xlspectrum.formulas import interference
    from xlspectrum.models import tvws
    from xlspectrum.hosts.registry import ARGUMENT_HELP

    assert (interference.VISIBILITY_DB, interference.ADEQUATE_VIEWING_DB) == (15.0, 27.0)
    assert "reference [8]" in tvws.ASSUMPTIONS["low_threshold_db"].source
    assert "ATSC" in tvws.ASSUMPTIONS["high_threshold_db"].source and "ATSC" not in tvws.ASSUMPTIONS["low_threshold_db"].source
    assert "reference [8]" in ARGUMENT_HELP["low_db"] and "ATSC" not in ARGUMENT_HELP["low_db"]
    assert "from the paper's reference [8]" in PROSE
    for text in [PROSE, *CODE.values()]:
        assert "ATSC's thresholds" not in text and "ATSC: 15" not in text and "ATSC threshold of visibility" not in text


def test_p_n_is_the_primarys_power_density():
    # Weiss and Cui, section II.B: P_n is the primary user's power density
    assert "the secondary's own power density" not in PROSE
    assert "P_n the primary's own power density" in _page("docs/interference-rights.md")
    assert "the primary's own power density" in CODE["xlspectrum/formulas/rights.py"]


# ------------------------------------------------------------------ the TV white-space case
def test_the_500000_viewers_come_from_the_assumed_households():
    from xlspectrum.models import tvws

    households = tvws.ASSUMPTIONS["households"].value
    full = tvws.ASSUMPTIONS["full_share"].value
    assert tvws.ASSUMPTIONS["households"].source.startswith("assumed")
    summary = tvws.case()["summary"]
    assert np.allclose(summary["viewers_before"], full * households)  # every household starts above 27 dB
    phrase = (f"of the {full * households:,.0f} viewers that the assumed {households:,.0f} households give "
              f"(eq. (11)'s {full:.0%}".replace("%", " %"))
    assert phrase in PROSE
    assert f"{full * households:,.0f} viewers of the default case are eq. (11)'s 50 % of the assumed" in PROSE


def test_the_tv_case_figures_the_readme_states():
    from xlspectrum.models import tvws

    summary = tvws.case()["summary"]
    lost, price = summary["viewers_lost"], summary["reservation_price_ir"]
    assert 200_000 <= lost.min() and lost.max() <= 320_000 and 200_000 <= price.min() and price.max() <= 310_000
    assert f"US$ {summary['reservation_price_exclusive'].iloc[0]:,.0f} for an exclusive right" in PROSE
    assert f"carries {summary['secondary_customers'].iloc[0]:.1f} customers" in PROSE
    assert f"its energy alone costs US$ {summary['secondary_operating_cost'].iloc[0]:,.0f}" in PROSE
    assert not summary["trade"].any()


def test_the_interference_workbook_says_its_charts_are_not_the_papers():
    assert "live-formula workbook with the paper's Figures 1-4" not in PROSE
    assert "this project's own case on assumed inputs" in PROSE and "No figure of the paper is reproduced" in PROSE
    path = ROOT / "workbooks/xlspectrum_interference_rights.xlsx"
    figures, cover = _cells(path, "Figures"), _cells(path, "Cover")
    assert any("not a reproduction" in text for text in figures)
    assert any("none of them is reproduced" in text for text in cover)
    assert not any(text == "Figures - the paper's Figures 1-4" for text in figures)


def test_the_departures_from_weiss_and_cui_are_listed_and_disclosed_where_the_model_is():
    from xlspectrum.formulas import interference, rights
    from xlspectrum.models import tvws

    page = _page("docs/interference-rights.md")
    section = page.split("## Departures from the source", 1)[1]
    for title in ("C of eq. (11) read as households.", "27 dB counts as partial viewing.", "C, r and C_b of eq. (14).",
                  f"Penetration e fixed at {tvws.ASSUMPTIONS['penetration'].value:g}.",
                  f"A {tvws.ASSUMPTIONS['duration_h'].value:.0f} h contract.", "`probability` as a duty-cycle weight.",
                  "Several rights on one receiver share one budget.", "The exclusive right switches the primary off."):
        assert f"**{title}**" in section, title
    # each departure is disclosed in the docstring of the code that makes it
    for documented in (interference.viewers, interference.secondary_value, interference.interference_shares,
                       rights, rights.InterferenceRight, tvws):
        assert "departure" in inspect.getdoc(documented).lower(), documented.__name__
    for key in ("penetration", "duration_h"):
        assert "a departure" in tvws.ASSUMPTIONS[key].source, key


# ------------------------------------------------------------------ interference_shares
def test_interference_shares_methods_are_what_the_prose_and_the_hosts_say():
    from xlspectrum.formulas import interference
    from xlspectrum.hosts import registry
    from xlspectrum.hosts.registry import BY_EXCEL_NAME

    spec = BY_EXCEL_NAME["INTERFERENCE_SHARE"]
    method = {a.name: a for a in spec.arguments}["method"]
    assert method.default == "continuous" and interference.INTERFERENCE_SHARE_METHODS == ("continuous", "winnforum")
    assert registry.CHOICES["method"] == interference.INTERFERENCE_SHARE_METHODS
    assert '`method="continuous"` (the default)' in PROSE and '`method="winnforum"` reproduces' in PROSE
    assert "every capped request gets the equal share exactly, the budget is used up" in PROSE
    assert "commit 928c3150" in PROSE
    # the continuous form uses the budget up; the reference's leaves part of it unused
    requests = [-120, -110, -103, -103]
    for name, used_up in (("continuous", True), ("winnforum", False)):
        total = np.sum(10 ** ((interference.interference_shares(-100, requests, method=name) + 100) / 10))
        assert (total == pytest.approx(1.0)) == used_up


# ------------------------------------------------------------------ chapter 8 and Appendix C
def test_table_8s_third_row_is_named_as_not_reproduced():
    from xlspectrum.models import chapter8
    from xlspectrum.models.costmodel.inputs import INPUTS

    # thesis Table 8, third row: NPV NZ$ 9,929 M, 2.09 NZ$/MHz/pop over 2 x 500 MHz
    per_mhz_pop = 9_929e6 / (INPUTS["mmwave_bandwidth_mhz"].default * INPUTS["population"].default)
    assert f"{per_mhz_pop:.2f}" == "2.09"
    assert "except Table 8's third row (revenue based on traffic, NZ$ 9,929 M, 2.09 NZ$/MHz/pop)" in PROSE
    assert "9,929 M" in chapter8.__doc__ and "reproduce exactly" not in chapter8.__doc__
    assert not re.search(r"Tables 8-11 reproduce(s)? exactly", PROSE)


def test_the_cisco_vni_forecast_the_model_uses_is_said():
    from xlspectrum.models.costmodel import run

    demand = run(demand_forecast="cisco_vni_linear").sheet("Demand").set_index("key")
    in_2021 = demand.loc["demand_cisco_vni_linear", 2021]
    assert in_2021 == 4379  # Appendix C 10.3.4, as printed
    # section 8.4: 2,083 MB in 2017, 5,217 MB in 2021, "a compound interest growth rate of 31 %"
    implied = (5217 / 2083) ** (1 / 4) - 1
    at_31 = 2083 * 1.31**4
    cost_model = _page("docs/cost-model.md")
    assert f"{in_2021:,.0f} MB in 2021, as Appendix C prints it" in cost_model
    assert f"5,217 MB in 2021 is {implied:.1%} a year".replace("%", " %") in cost_model
    assert f"gives {at_31:,.0f} MB" in cost_model
    assert "not section 8.4's 5,217 MB" in cost_model


def test_the_printed_but_unused_appendix_c_inputs_are_listed_and_unused():
    from xlspectrum.models.costmodel import run
    from xlspectrum.models.costmodel.inputs import INPUTS

    section = _page("docs/cost-model.md").split("## Departures from the source", 1)[1]
    for phrase in ("carrier utilisation (75 %)", "sector gains (1.8 and 2.5)", "3 carriers at 70 %"):
        assert phrase in section, phrase
    # unused indeed: no input carries them, and the carrier capacity is efficiency x bandwidth alone
    assert not [key for key in INPUTS if "gain" in key or "carrier_utilisation" in key or "utilisation_enb" in key]
    capacity = run().sheet("Coverage").set_index("key").loc["carrier_capacity_mbps", 2017]
    assert capacity == pytest.approx(4.4 * INPUTS["carrier_bandwidth_mhz"].default)


def test_the_arpu_is_not_blamed_on_the_randomisation():
    from xlspectrum.models.costmodel import run

    arpu = run(demand_forecast="cisco_vni_linear").sheet("Revenue").set_index("key").loc["arpu_calibrated", 2017]
    assert f"NZ$ {arpu:.2f} per subscriber per month" in PROSE
    assert "because the thesis randomised" not in PROSE
    # 10.3.1: some Appendix C values were randomised to keep vendors' capital costs confidential
    assert PROSE.count("to keep vendors' capital costs confidential (10.3.1, 10.3.5)") >= 2


def test_the_replacement_rules_raise_the_present_value_as_the_cover_says():
    from xlspectrum.models.costmodel import run

    rises = [run(demand_forecast=d, replacement_rule=rule).pv_total_cost / run(demand_forecast=d).pv_total_cost - 1
             for d in ("ten_x_linear", "cisco_vni_linear") for rule in ("units_at_current_cost", "capex_nominal")]
    text = f"raise the present value by {100 * min(rises):.0f}-{100 * max(rises):.0f} %"
    assert text == "raise the present value by 8-14 %"
    assert text in " ".join(_cells(ROOT / "workbooks/xlspectrum_thesis_model.xlsx", "Cover"))


def test_the_msp_cpi_factor_is_disclosed_as_a_departure():
    from xlspectrum import msp_annual_charge
    from xlspectrum.formulas.pricing import MSP_CHARGE_PER_TRANSMITTER

    # thesis 4.5.15: d is "the percentage increase in the Consumer Price Index since 1 January 2008";
    # as a ratio, prices that have not risen (d = 1) still leave the rental
    rental = msp_annual_charge(1, 10_000, 4_700_000, 20, cpi_factor=1.0) - MSP_CHARGE_PER_TRANSMITTER - 150
    assert rental == pytest.approx(10_000 / 4_700_000 * 20_346 / 20 * 20)
    assert "departure" in inspect.getdoc(msp_annual_charge).lower()
    assert 'the thesis calls d "the percentage increase in the Consumer Price Index since 1 January 2008"' in PROSE


# ------------------------------------------------------------------ the sources
def test_the_white_paper_is_cited_with_what_is_taken_and_left_out():
    readme, exchange = _page("README.md"), _page("docs/exchange.md")
    for page in (readme, exchange):
        assert f'"{WHITE_PAPER_TITLE}"' in page and "prints no author and no date" in page
        assert "price discovery" in page and "the blockchain and the public token sale" in page
    register = _cells(ROOT / "workbooks/xlspectrum_exchange.xlsx", "Register")
    assert any("the white paper's spectrum tokens" in text for text in register)
    assert not any(text.endswith("(the tokens)") for text in register)


def test_weiss_and_cui_are_cited_as_their_paper_prints():
    # the paper prints its authors' school and university, but no venue and no year
    assert "School of Information Sciences, University of Pittsburgh" in _page("README.md")
    assert "prints no venue and no year" in _page("README.md")
    for name, text in [("prose", PROSE), *CODE.items()]:
        assert not re.search(r"Weiss and Cui,? \(?(19|20)\d\d", _flat(text)), name


def test_quoted_error_messages_are_the_codes():
    from xlspectrum import cost231_hata

    for call in (lambda: cost231_hata(1800, 25, 30, 1.5), lambda: cost231_hata(28000, 2, 30, 1.5)):
        with pytest.raises(ValueError) as info:
            call()
        assert f"`{info.value}`" in PROSE, str(info.value)
