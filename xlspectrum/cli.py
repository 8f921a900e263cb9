"""Command line: ``xlspectrum build | recalc | functions | examples``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .examples import EXAMPLES
from .registry import FUNCTIONS

DEFAULT_WORKBOOK = Path("workbooks") / "xlspectrum_thesis_model.xlsx"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xlspectrum")
def main() -> None:
    """Spectrum valuation and pricing: the thesis' formulas and cost model, for Excel and Python."""


def _parse_setting(text: str) -> tuple[str, Any]:
    if "=" not in text:
        raise click.BadParameter(f"{text!r} must look like KEY=VALUE, e.g. demand_forecast=cisco_vni_linear")
    key, raw = (part.strip() for part in text.split("=", 1))
    if raw.upper() in ("TRUE", "FALSE"):
        return key, raw.upper() == "TRUE"
    parts = raw.replace(",", " ").split()
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return key, raw
    return key, numbers if len(numbers) > 1 else numbers[0]


def _overrides(settings: tuple[str, ...]) -> dict[str, Any]:
    return dict(_parse_setting(s) for s in settings)


def _echo_cost_summary(result: Any) -> None:
    inputs = result.inputs
    click.echo(f"Scenario: demand {inputs['demand_forecast']}, replacement {inputs['replacement_rule']}, "
               f"depreciation in total {inputs['include_depreciation_in_total']}, WACC {inputs['wacc']:.1%}")
    table = result.cost_by_category / 1e6
    click.echo("Cost by category (NZ$ M):")
    click.echo(table.T.round(1).to_string(max_cols=16))
    click.echo(f"Present value of total cost {result.years[0]}-{result.years[-1]} (eq. 16, t = 0 in {result.years[0]}): "
               f"NZ$ {result.pv_total_cost / 1e6:,.1f} M")


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_WORKBOOK,
              show_default=True, help="Where to write the workbook.")
@click.option("--force", is_flag=True, help="Overwrite the output even if it differs from what would be generated.")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Override an input, e.g. --set demand_forecast=cisco_vni_linear (repeatable).")
def build(output: Path, force: bool, settings: tuple[str, ...]) -> None:
    """Write the Appendix C cost model as a live-formula workbook and print its summary."""
    from .costmodel import run
    from .workbook import build_workbook, save_atomically, workbook_content

    overrides = _overrides(settings)
    try:
        result = run(overrides)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    book = build_workbook(overrides)
    if output.exists() and not force:
        import tempfile

        with tempfile.TemporaryDirectory() as work:
            fresh = save_atomically(book, Path(work) / output.name)
            same = workbook_content(fresh) == workbook_content(output)
        if not same:
            raise click.ClickException(
                f"{output} exists and differs from the workbook this would write (edited by hand, or another "
                "scenario). Nothing was written. Use --force to overwrite it, or --output for another file."
            )
    save_atomically(book, output)
    click.echo(f"Wrote {output} ({len(book.sheetnames)} sheets, live formulas)")
    _echo_cost_summary(result)


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(["auto", "libreoffice", "formulas"]), default="auto", show_default=True,
              help="LibreOffice headless, or the formulas package with the add-in's functions registered.")
@click.option("--compare/--no-compare", default=True, show_default=True,
              help="Compare every line item with the Python engine run on the workbook's own inputs.")
def recalc(path: Path, engine: str, compare: bool) -> None:
    """Recalculate a workbook without Excel; fail naming any cell without a value or with an error."""
    from .costmodel import run
    from .workbook import cell_places, compare_with_engine, read_inputs
    from .recalc import RecalculationError, recalculate

    click.echo(f"Recalculating {path} ...", err=True)
    try:
        recalculated = recalculate(path, engine)
        recalculated.raise_for_problems()
    except RecalculationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{recalculated.engine}: {len(recalculated.formula_cells):,} formula cells, all with values, no errors")
    places = cell_places()
    sheet, row, _ = places["pv_total_cost_millions"]
    master = recalculated.value("Checks", "C4")
    click.echo(f"Present value of total cost: NZ$ {recalculated.value(sheet, f'C{row}'):,.1f} M; "
               f"master check: {'all OK' if master is True else 'FAILED'}")
    if compare:
        try:
            result = run(read_inputs(path))
        except ValueError as error:
            raise click.ClickException(f"the workbook's inputs are not valid: {error}") from error
        mismatches = compare_with_engine(recalculated.values, result, rtol=1e-7)
        if mismatches:
            raise click.ClickException(f"{len(mismatches)} cells differ from the engine, e.g. " + "; ".join(mismatches[:5]))
        click.echo("Every line item in every year agrees with the Python engine on the workbook's inputs")
    if master is not True:
        sys.exit(1)


@main.command()
@click.option("--demand", "demand_forecast", type=click.Choice(["aggressive", "cisco_vni_linear", "ten_x_linear", "usage"]),
              default="cisco_vni_linear", show_default=True,
              help="Demand forecast of the valuation (the thesis' Tables 8-11 use Cisco VNI linear).")
@click.option("--format", "output_format", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help="Override an input for both networks (repeatable).")
def value(demand_forecast: str, output_format: str, settings: tuple[str, ...]) -> None:
    """Value the 28 GHz spectrum four ways (thesis chapter 8): thesis inputs beside this model."""
    from .chapter8 import valuation_table

    try:
        table = valuation_table(demand_forecast, **_overrides(settings))
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if output_format == "csv":
        click.echo(table.to_csv(index=False), nl=False)
        return
    shown = table.assign(value_nzd_m=(table["value_nzd"] / 1e6).round(1), nzd_per_mhz_pop=table["nzd_per_mhz_pop"].round(3))
    click.echo(f"Value of 28 GHz spectrum (2 x 500 MHz, NZ$), demand {demand_forecast}; "
               "thesis inputs = the thesis' own figures, this model = computed from the cost models")
    for name, part in shown.groupby("table", sort=False):
        click.echo(f"\n{name}")
        pivot = part.pivot_table(index="method", columns="basis", values=["value_nzd_m", "nzd_per_mhz_pop"], sort=False)
        pivot.columns = [f"{basis} {'NZ$ M' if what == 'value_nzd_m' else 'NZ$/MHz/pop'}" for what, basis in pivot.columns]
        click.echo(pivot.to_string())


@main.command()
def functions() -> None:
    """List the Excel functions with their arguments, help and thesis source."""
    for spec in FUNCTIONS:
        click.echo(click.style(spec.excel_signature(), bold=True))
        click.echo(f"    {spec.help}. Thesis {spec.source}. Python: xlspectrum.{spec.python_name}")
        for argument in spec.arguments:
            default = f" (default {argument.default!r})" if argument.optional else ""
            click.echo(f"    - {argument.name}: {argument.help}{default}")


@main.command()
def examples() -> None:
    """Recompute the worked examples: the thesis' printed figures and independent checks."""
    click.echo(f"{'example':52} {'origin':11} {'source':24} {'figure':>28} {'computed':>14}  ok")
    notes = []
    for example in EXAMPLES:
        value = float(example.compute())
        ok = round(value, example.decimals) == round(example.printed, example.decimals)
        mark = ""
        if example.inferred:
            notes.append(example.inferred)
            mark = f" [{len(notes)}]"
        click.echo(
            f"{(example.what + mark)[:52]:52} {example.origin:11} {example.where[:24]:24} {example.printed_text[:28]:>28} "
            f"{value:>14.{example.decimals + 2}f}  {'yes' if ok else 'NO'}"
        )
    click.echo("\norigin: thesis = a figure the thesis prints; independent = a hand calculation of the "
               "published formula, not a thesis figure.")
    for number, note in enumerate(notes, 1):
        click.echo(f"[{number}] inferred, not printed: {note}")


if __name__ == "__main__":
    main()
