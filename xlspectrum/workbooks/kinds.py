"""The workbooks xlspectrum builds, as one registry of kinds (as :mod:`xlspectrum.hosts.registry`
is of functions).

Each :class:`WorkbookKind` says where it is written by default, how it builds from its inputs
(with the summary a command prints), how a workbook of that kind is recognised, and how a
recalculated copy is compared with Python.  ``xlspectrum build --model K`` and ``xlspectrum
recalc PATH`` are one loop over :data:`KINDS`; a fifth workbook is one more entry.

The writers are imported when a kind is used, so listing the kinds (a command's ``--help``)
loads no writer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

__all__ = ["KINDS", "Built", "ComparisonError", "WorkbookKind", "case_summary", "kind_of", "master_check", "millions",
           "thesis_summary"]


class ComparisonError(ValueError):
    """A recalculated workbook disagrees with Python, or its inputs are not valid (one line)."""


@dataclass(frozen=True)
class Built:
    """A built workbook: its bytes, what it needs (said after "Wrote PATH"), its summary lines."""

    content: bytes
    note: str
    summary: tuple[str, ...]


@dataclass(frozen=True)
class WorkbookKind:
    """One workbook xlspectrum builds.

    ``settings`` names the command listing the keys ``--set`` takes (``None``: the kind takes
    none; its blue cells or ``--inputs FILE`` change it).  ``build(read, overrides)`` gets the
    file of ``--inputs`` as :mod:`~xlspectrum.workbooks.inputs_file` reads it (or ``None``) and
    the overrides of file and ``--set``; ``compare(path, recalculated)`` returns the line that
    says what agrees, or raises :class:`ComparisonError`.
    """

    name: str
    path: Path
    description: str
    settings: str | None
    build: Callable[[Any, Mapping[str, Any]], Built]
    recognises: Callable[[str | os.PathLike[str]], bool]
    headline: Callable[[Any], str]
    compare: Callable[[Path, Any], str]


# ------------------------------------------------------------------------------------- summaries
def millions(value: float) -> str:
    """NZ$ as millions with one decimal (``not printed`` for NaN, where the thesis prints no figure)."""
    return "not printed" if value != value else f"{value / 1e6:,.1f}"  # NaN: the thesis prints no figure


def thesis_summary(result: Any, valuation: Any) -> list[str]:
    """The figures of the thesis workbook's Cover, with its labels and in its order, then the
    chapter 8 values and the cost by category (NZ$ M)."""
    from xlspectrum.models.chapter8 import HEADLINE
    from xlspectrum.models.costmodel.printed import ABSOLUTE_TOLERANCE, COMPARED_NOTE, PRINTED, PRINTED_SCENARIO
    from xlspectrum.workbooks.thesis import cover_rows

    inputs = result.inputs
    demand = inputs["demand_forecast"]
    applies = [f for f in PRINTED if f.applies_to(demand) and not f.known_departure]
    reproduced = sum(abs(float(result[f.key][f.year - result.years[0]]) - f.printed) <= ABSOLUTE_TOLERANCE for f in applies)
    printed_forecast = PRINTED_SCENARIO["demand_forecast"]
    shown = {
        "input:demand_forecast": demand,
        "input:replacement_rule": inputs["replacement_rule"],
        "input:include_depreciation_in_total": str(bool(inputs["include_depreciation_in_total"])).upper(),
        "input:wacc": f"{inputs['wacc']:.1%}",
        "item:pv_total_cost_millions": millions(result.pv_total_cost),
        "check:master": "all OK",
        "check:printed": f"{reproduced} of {len(applies)} compared ({COMPARED_NOTE[demand == printed_forecast]})",
    }
    lines = ["Scenario selected:"]
    lines += [f"  {label}: {shown[what]}" for label, what in cover_rows() if what in shown]
    lines.append("Value of 28 GHz spectrum, NZ$ M (chapter 8):")
    width = max(len(label) for label, _ in HEADLINE)
    lines.append(f"  {'':{width}} {'this model':>11} {'thesis':>11}")
    lines += [f"  {label:{width}} {millions(valuation.get(key, 'model')):>11} {millions(valuation.get(key, 'thesis')):>11}"
              for label, key in HEADLINE]
    lines.append("Cost by category, 28 GHz + 700 MHz network (NZ$ M):")
    lines.append((result.cost_by_category / 1e6).T.round(1).to_string(max_cols=16))
    return lines


def case_summary(summary: Any) -> list[str]:
    """The TV white-space case's summary table, one row per location and power case."""
    import pandas as pd

    shown = summary.assign(**{c: summary[c].map(lambda v: f"{v:,.0f}") for c in (
        "viewers_before", "viewers_after", "viewers_lost", "reservation_price_ir", "reservation_price_exclusive",
        "secondary_value", "surplus_ir")})
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        table = shown[["location_km", "power_case", "primary_kw", "secondary_kw", "viewers_before", "viewers_after",
                       "viewers_lost", "reservation_price_ir", "reservation_price_exclusive", "secondary_value",
                       "surplus_ir", "trade"]].to_string(index=False)
    return ["TV white space (Weiss and Cui, section IV): one secondary transmitter at a distance from the primary", table]


def _not_computed(not_loaded: int, needs_extra: Mapping[str, int]) -> str:
    """What a comparison left out, and why: the add-in is not loaded, or it lacks an optional extra."""
    parts = [f"{not_loaded:,} add-in cells not computed (add-in not loaded)"] if not_loaded else []
    parts += [f"{count:,} not computed: needs the extra {extra} (pip install \"xlspectrum[{extra}]\" in the "
              "add-in's environment)" for extra, count in needs_extra.items()]
    return "".join(f"; {part}" for part in parts)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def master_check(recalculated: Any) -> tuple[Any, str]:
    """The master check of a recalculated workbook and its state as the status line tells it."""
    from xlspectrum.workbooks.style import MASTER_CHECK, NOT_COMPUTED_CELL

    cell = lambda address: recalculated.value(*address.replace("$", "").split("!"))  # noqa: E731
    master, missing = cell(MASTER_CHECK), cell(NOT_COMPUTED_CELL)
    if master is not True:
        return master, "FAILED"
    if isinstance(missing, (int, float)) and missing > 0:
        return master, f"OK; add-in not loaded: {int(missing):,} live cells not computed"
    return master, "all OK"


# ----------------------------------------------------------------------------------------- thesis
def _build_thesis(read: Any, overrides: Mapping[str, Any]) -> Built:
    from xlspectrum.models import chapter8
    from xlspectrum.models.costmodel import run
    from xlspectrum.workbooks.package import workbook_bytes
    from xlspectrum.workbooks.thesis import build_workbook

    result, valuation = run(overrides), chapter8.value(overrides)
    return Built(workbook_bytes(build_workbook(overrides)), "live formulas; open it in Excel or LibreOffice",
                 tuple(thesis_summary(result, valuation)))


def _thesis_headline(recalculated: Any) -> str:
    from xlspectrum.workbooks.thesis import cell_places

    sheet, row, _ = cell_places()["pv_total_cost_millions"]
    pv = recalculated.value(sheet, f"C{row}")
    return "Present value of total cost: " + (f"NZ$ {pv:,.1f} M" if isinstance(pv, (int, float)) else repr(pv))


def _compare_thesis(path: Path, recalculated: Any) -> str:
    from xlspectrum.models.costmodel import run
    from xlspectrum.workbooks.thesis import compare_with_engine, read_inputs

    try:
        result = run(read_inputs(path))
    except ValueError as error:
        raise ComparisonError(f"the workbook's inputs are not valid: {error}") from error
    mismatches = compare_with_engine(recalculated.values, result, rtol=1e-7)
    if mismatches:
        raise ComparisonError(f"{len(mismatches)} cells differ from the engine, e.g. " + "; ".join(mismatches[:5]))
    return "Every line item in every year agrees with the Python engine on the workbook's inputs"


def _is_thesis(path: str | os.PathLike[str]) -> bool:
    from xlspectrum.workbooks.thesis import is_thesis_model

    return is_thesis_model(path)


# ----------------------------------------------------------------------------------- interference
def _build_interference(read: Any, overrides: Mapping[str, Any]) -> Built:
    from xlspectrum.models import tvws
    from xlspectrum.workbooks.rights import build_workbook
    from xlspectrum.workbooks.package import workbook_bytes

    locations = tvws.LOCATIONS_KM if read is None or read.locations_km is None else read.locations_km
    tables = tvws.case(overrides, locations_km=locations)
    return Built(workbook_bytes(build_workbook(overrides, locations)), "live formulas; open it in Excel or LibreOffice",
                 tuple(case_summary(tables["summary"])))


def _compare_interference(path: Path, recalculated: Any) -> str:
    from xlspectrum.models import tvws
    from xlspectrum.workbooks import rights

    overrides, locations = rights.read_inputs(path)
    try:
        tables = tvws.case(overrides, locations_km=locations)
    except ValueError as error:
        raise ComparisonError(f"the workbook's inputs are not valid: {error}") from error
    mismatches = rights.compare_with_case(recalculated.values, tables, rtol=1e-7)
    if mismatches:
        raise ComparisonError(f"{len(mismatches)} cells differ from the engine, e.g. " + "; ".join(mismatches[:5]))
    return (f"Every compared cell ({len(rights.expected_cells(tables)):,}) agrees with the Python engine "
            "on the workbook's inputs")


def _is_interference(path: str | os.PathLike[str]) -> bool:
    from xlspectrum.workbooks.rights import is_rights_model

    return is_rights_model(path)


# --------------------------------------------------------------------------------------- exchange
def _build_exchange(read: Any, overrides: Mapping[str, Any]) -> Built:
    from xlspectrum.market.combinatorial import PAYMENT_RULES
    from xlspectrum.models import rights_market
    from xlspectrum.workbooks.exchange import build_workbook
    from xlspectrum.workbooks.package import workbook_bytes

    lots, bids = (None, None) if read is None else (read.lots, read.bids)
    shown = ("three interference rights, five package bids" if read is None else
             f"{len(lots)} interference rights, {len(bids)} package bids")
    lines = [f"Rights market ({shown}), revenue by payment rule [US$]:"]
    for rule in PAYMENT_RULES:
        result = rights_market.clear(rule, bids, lots)
        winners = ", ".join(str(i) for i in result.index[result["won"]])
        lines.append(f"  {rule:17s} {result.attrs['revenue']:>12,.0f}   winners: {winners}")
    lines.append("New Zealand 700 MHz: `xlspectrum auction --example nz700` prints Table 3 and the counterfactuals.")
    return Built(workbook_bytes(build_workbook(lots, bids)), "live formulas; AUCTION_CLEAR needs the add-in", tuple(lines))


def _compare_exchange(path: Path, recalculated: Any) -> str:
    from xlspectrum.workbooks import exchange

    try:
        lots, bids = exchange.read_tables(path)
        nz = exchange.nz_inputs_are_defaults(path)
        expected = exchange.expected_cells(lots, bids, nz=nz)
    except (ValueError, KeyError) as error:
        raise ComparisonError(f"the workbook's inputs are not valid: {_one_line(error)}") from error
    mismatches, not_loaded, needs_extra = exchange.compare(recalculated.values, expected)
    if mismatches:
        raise ComparisonError(f"{len(mismatches)} cells differ from the engine, e.g. " + "; ".join(mismatches[:5]))
    nz_text = "" if nz else "; NZ inputs edited, so the NZ 700 sheet is checked by its own checks only"
    compared = len(expected) - not_loaded - sum(needs_extra.values())
    return f"Every compared cell ({compared:,}) agrees with the Python engine{_not_computed(not_loaded, needs_extra)}{nz_text}"


def _is_exchange(path: str | os.PathLike[str]) -> bool:
    from xlspectrum.workbooks.exchange import is_exchange_model

    return is_exchange_model(path)


# ------------------------------------------------------------------------------------------ local
def _build_local(read: Any, overrides: Mapping[str, Any]) -> Built:
    from xlspectrum.workbooks import local
    from xlspectrum.workbooks.inputs_file import local_inputs
    from xlspectrum.workbooks.package import workbook_bytes

    inputs = local_inputs(None if read is None else read.overrides)
    expected = local.expected_cells(inputs)
    price = lambda key, site: expected[f"Pricing!{local.pricing_cell(key, site, absolute=False)}"]  # noqa: E731
    cover = lambda key: expected[f"Coverage!{local.coverage_cell(key, absolute=False)}"]  # noqa: E731
    lines = ["Local licences, a year:   rural site   campus"]
    for key, label in (("lsp", "LSP (NZ$)"), ("msp", "MSP (NZ$)"), ("bnetza_year", "BNetzA (EUR)"), ("ofcom", "Ofcom (GBP)")):
        lines.append(f"  {label:22s} {price(key, 'rural'):>10,.0f} {price(key, 'campus'):>8,.0f}")
    budget = inputs["budget"]
    lines.append(f"28 GHz at a {budget['signal_threshold_dbm']:g} dBm edge ({cover('mapl'):.0f} dB): range "
                 f"{cover('range_eq15'):,.0f} m by eq. (15), {cover('range_38901_nlos'):,.0f} m by TR 38.901 NLOS; "
                 f"{cover('sites_eq15'):,.0f} and {cover('sites_38901'):,.0f} sites for {budget['area_km2']:g} km2 "
                 "(Appendix C: 795 at 0.22 km for 100 km2)")
    return Built(workbook_bytes(local.build_workbook(inputs)), "live formulas; the cross-check columns need the add-in",
                 tuple(lines))


def _compare_local(path: Path, recalculated: Any) -> str:
    from xlspectrum.workbooks import local

    try:
        expected = local.expected_cells(local.read_inputs(path))
    except (ValueError, KeyError, TypeError) as error:
        raise ComparisonError(f"the workbook's inputs are not valid: {_one_line(error)}") from error
    mismatches, not_loaded, needs_extra = local.compare(recalculated.values, expected)
    if mismatches:
        raise ComparisonError(f"{len(mismatches)} cells differ from Python, e.g. " + "; ".join(mismatches[:5]))
    compared = len(expected) - not_loaded - sum(needs_extra.values())
    return f"Every compared cell ({compared:,}) agrees with Python{_not_computed(not_loaded, needs_extra)}"


def _is_local(path: str | os.PathLike[str]) -> bool:
    from xlspectrum.workbooks.local import is_local_model

    return is_local_model(path)


#: Every workbook kind, by its ``--model`` name, in the order the command line lists them
KINDS: dict[str, WorkbookKind] = {kind.name: kind for kind in (
    WorkbookKind("thesis", Path("workbooks") / "xlspectrum_thesis_model.xlsx",
                 "the Appendix C cost model and chapter 8 valuations", "xlspectrum inputs",
                 _build_thesis, _is_thesis, _thesis_headline, _compare_thesis),
    WorkbookKind("interference", Path("workbooks") / "xlspectrum_interference_rights.xlsx",
                 "the TV white-space case of Weiss and Cui (interference rights)", "xlspectrum rights",
                 _build_interference, _is_interference, lambda recalculated: "Interference-rights case",
                 _compare_interference),
    WorkbookKind("exchange", Path("workbooks") / "xlspectrum_exchange.xlsx",
                 "the rights exchange and New Zealand's 700 MHz auction", None,
                 _build_exchange, _is_exchange, lambda recalculated: "Spectrum rights exchange", _compare_exchange),
    WorkbookKind("local", Path("workbooks") / "xlspectrum_local.xlsx",
                 "local licence prices side by side and 28 GHz coverage", None,
                 _build_local, _is_local, lambda recalculated: "Local licences and 28 GHz coverage", _compare_local),
)}


def kind_of(path: str | os.PathLike[str], kinds: Sequence[WorkbookKind] | None = None) -> WorkbookKind | None:
    """The kind of a workbook xlspectrum built (by the keywords and sheets it carries), else ``None``."""
    return next((kind for kind in (kinds or KINDS.values()) if kind.recognises(path)), None)
