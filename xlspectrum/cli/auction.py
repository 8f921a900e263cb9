"""``xlspectrum auction``: clear a combinatorial auction from a CSV of bids, or the worked examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from xlspectrum.core.files import to_csv
from xlspectrum.cli.common import Failure, main, read_exchange_file


@main.command()
@click.argument("bids_csv", type=click.Path(path_type=Path), required=False)
@click.option("--example", type=click.Choice(["nz700"]), default=None,
              help="Instead of a CSV: the thesis' New Zealand 700 MHz auction (Tables 2-3) and its counterfactuals.")
@click.option("--rule", type=click.Choice(["pay_as_bid", "vcg", "core_vcg_nearest", "core_bid_nearest"]), default=None,
              help="Payment rule (default vcg; for --example nz700 every rule is shown).")
@click.option("--supply", "supplies", multiple=True, metavar="LOT=UNITS|FILE",
              help="Units offered of a lot, or a CSV of lot,units rows (default 1 each).")
@click.option("--reserve", "reserves", multiple=True, metavar="LOT=PRICE|FILE",
              help="Reserve price per unit of a lot, or a CSV of lot,price rows (default 0).")
@click.option("--inputs", "inputs_file", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="Instead of a CSV: the exchange's lots and bids, from its template (`xlspectrum inputs --model "
                   "exchange -o FILE.xlsx`) or an exchange workbook xlspectrum built and you edited.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv"]), default="table", show_default=True)
def auction(bids_csv: Path | None, example: str | None, rule: str | None, supplies: tuple[str, ...],
            reserves: tuple[str, ...], inputs_file: Path | None, output_format: str) -> None:
    """Clear a combinatorial auction from a CSV of bids (columns bidder, value, one per lot).

    Each row is one all-or-nothing bid; a bidder's rows are exclusive. Prints each bid with
    whether it wins and what it pays, then the welfare and the revenue. With
    --example nz700, runs the thesis' New Zealand 700 MHz clock auction instead.
    """
    import pandas as pd

    from xlspectrum.market.combinatorial import clear_auction

    if sum(x is not None for x in (bids_csv, example, inputs_file)) != 1:
        raise click.UsageError("give one of a CSV of bids, --inputs FILE or --example nz700")
    if inputs_file is not None:
        if supplies or reserves:
            raise click.UsageError("--supply and --reserve apply to a CSV of bids; with --inputs the lots give them")
        _auction_exchange(inputs_file, rule or "vcg", output_format)
        return
    if example is not None:
        if supplies or reserves:
            raise click.UsageError("--supply and --reserve apply to a CSV of bids, not to --example")
        _echo_nz700(rule, output_format)
        return
    rule = rule or "vcg"
    from xlspectrum.core.files import describe_input

    wrong = describe_input(bids_csv)
    if wrong is not None:
        raise Failure(f"{wrong} (give a CSV with columns bidder, value and one per lot)")
    try:
        bids = pd.read_csv(bids_csv)
        _refuse_duplicate_columns(bids_csv)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise Failure(f"{bids_csv} is not a readable CSV: {' '.join(str(error).split())}") from error

    def pairs(settings: tuple[str, ...], option: str) -> dict[str, float]:
        parsed = {}
        for text in settings:
            if "=" not in text and Path(text).is_file():  # a CSV of lot, number (a header row is allowed)
                parsed.update(_lot_file(Path(text), option))
                continue
            lot, _, raw = text.partition("=")
            try:
                parsed[lot.strip()] = float(raw)
            except ValueError:
                raise click.BadParameter(f"{text!r} must look like LOT=NUMBER or name a CSV file of lot,number rows",
                                         param_hint=option) from None
        return parsed

    supply = pairs(supplies, "--supply")
    lots = [c for c in bids.columns if c not in ("bidder", "value")]
    result = clear_auction(bids, {lot: supply.get(lot, 1) for lot in lots} | supply if supply else None,
                           pairs(reserves, "--reserve") or None, rule=rule)
    if output_format == "csv":
        click.echo(to_csv(result), nl=False)  # names stay text (OWASP)
        return
    click.echo(f"{len(bids)} bids from {bids['bidder'].nunique()} bidders on {len(lots)} lots; rule {rule}; "
               "amounts rounded to the cent")
    click.echo(_auction_table(bids, lots, result).to_string(index=False))
    kept = [f"{lot} x {units}" for lot, units in result.attrs["kept"].items() if units]
    click.echo(f"Welfare (winning bids plus reserve value of unsold units): {result.attrs['welfare']:,.2f}; "
               f"revenue: {result.attrs['revenue']:,.2f}")
    click.echo(f"Units the seller keeps (unsold): {', '.join(kept) if kept else 'none'}")


def _auction_exchange(path: Path, rule: str, output_format: str) -> None:
    """``auction --inputs FILE``: the exchange's lots (units, eq. (12) reserves) and bids (eq. (14) values), cleared."""
    from xlspectrum.models import rights_market

    if output_format == "csv":
        from xlspectrum.workbooks.inputs_file import read_exchange

        try:
            read = read_exchange(path)
        except ValueError as error:
            raise Failure(f"--inputs {error}") from error
    else:
        read = read_exchange_file(path)
    lots, bids = read.lots, read.bids
    result = rights_market.clear(rule, bids, lots)
    if output_format == "csv":
        click.echo(to_csv(result.reset_index()), nl=False)  # names stay text (OWASP)
        return
    lot_ids = list(lots.index)
    click.echo(f"{len(bids)} bids from {bids['bidder'].nunique()} bidders on {len(lots)} lots; rule {rule}; "
               "amounts rounded to the cent")
    click.echo("Reserves (eq. (12), per unit): " + ", ".join(f"{lot} {lots.loc[lot, 'reserve_price']:,.2f} x "
                                                             f"{lots.loc[lot, 'quantity']}" for lot in lot_ids))
    table = _auction_table(bids.reset_index(drop=True), lot_ids, result.reset_index(drop=True))
    table.insert(0, "bid", [str(b) for b in bids.index])
    click.echo(table.to_string(index=False))
    kept = [f"{lot} x {units}" for lot, units in result.attrs["kept"].items() if units]
    click.echo(f"Welfare (winning bids plus reserve value of unsold units): {result.attrs['welfare']:,.2f}; "
               f"revenue: {result.attrs['revenue']:,.2f}")
    click.echo(f"Units the seller keeps (unsold): {', '.join(kept) if kept else 'none'}")


def _package(row: Any, lots: list[str]) -> str:
    """The lots a bid wants, as "A, B" or "2 x A, B" (units before the lot when more than one)."""
    return ", ".join(lot if row[lot] == 1 else f"{row[lot]:g} x {lot}" for lot in lots if row[lot])


def _auction_table(bids: Any, lots: list[str], result: Any) -> Any:
    """The bids as printed: bidder, the package (lots) each bid is for, its value, whether it won and its payment."""
    import pandas as pd

    return pd.DataFrame({"bidder": result["bidder"].astype(str),
                         "package (lots)": [_package(row, lots) for _, row in bids[lots].iterrows()],
                         "value": result["value"].map(lambda v: f"{v:,.2f}"),
                         "won": result["won"].map({True: "yes", False: "no"}),
                         "payment": result["payment"].map(lambda v: f"{v:,.2f}")})


def _refuse_duplicate_columns(path: Path) -> None:
    """Refuse a CSV whose header names a column twice (pandas would rename the second ``A.1``: another lot)."""
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle), [])
    seen: set[str] = set()
    for column in (name.strip() for name in header):
        if column in seen:
            raise Failure(f"{path}: the column {column!r} appears twice in the header; give each lot one column")
        seen.add(column)


def _lot_file(path: Path, option: str) -> dict[str, float]:
    """A CSV of ``lot,number`` rows (the first row may be a header) as a mapping."""
    import csv

    try:
        rows = [row for row in csv.reader(path.read_text(encoding="utf-8").splitlines()) if row]
    except (OSError, UnicodeDecodeError) as error:
        raise click.BadParameter(f"{path} cannot be read: {error}", param_hint=option) from None
    parsed: dict[str, float] = {}
    for number, row in enumerate(rows, 1):
        if len(row) != 2:
            raise click.BadParameter(f"{path} line {number} must have two columns: lot,number", param_hint=option)
        try:
            parsed[row[0].strip()] = float(row[1])
        except ValueError:
            if number == 1:  # a header
                continue
            raise click.BadParameter(f"{path} line {number}: {row[1]!r} is not a number", param_hint=option) from None
    return parsed


def _echo_nz700(rule: str | None, output_format: str) -> None:
    import pandas as pd

    from xlspectrum.models import nz700
    from xlspectrum.market.combinatorial import PAYMENT_RULES

    rules = [rule] if rule else list(PAYMENT_RULES)
    if output_format == "csv":
        tables = []
        for scenario in nz700.SCENARIOS:
            for name in rules:
                table = nz700.run(scenario, name).revenue_table().reset_index()
                tables.append(table.assign(scenario=scenario, rule=name)[["scenario", "rule", *table.columns]])
        click.echo(to_csv(pd.concat(tables, ignore_index=True)), nl=False)
        return
    click.echo("New Zealand 700 MHz combinatorial clock auction (thesis section 4.5.8, Tables 2-3): nine 2 x 5 MHz lots, "
               "NZ$ 22 M reserve a lot,")
    click.echo("a 15 MHz cap in the clock round. Bidders' values are the least consistent with the printed bids. The rule "
               "prices the")
    click.echo("supplementary and assignment rounds; the clock lots cost the clock price under every rule.")
    table = nz700.scenario_table()
    table = table[table["rules"].map(lambda named: any(r in named.split(", ") for r in rules))]
    click.echo("\nWhat each bidder pays, by scenario and payment rule (NZ$ M):")
    width = int(table["title"].str.len().max())
    shown = pd.DataFrame({"scenario": table["title"].str.ljust(width), "rules": table["rules"].map(
        lambda named: ", ".join(r for r in named.split(", ") if r in rules)),
        **{column: (table[column] / 1e6).map(lambda v: f"{v:,.1f}") for column in ("A", "B", "C", "total")}})
    click.echo(shown.to_string(index=False))
    shown_rule = rules[0] if rule else "pay_as_bid"
    detail = nz700.run("printed", shown_rule).revenue_table()
    money = ["clock", "supplementary", "assignment", "total"]
    click.echo(f"\nAs held, by phase, rule {shown_rule}" + (" (Table 3; the printed total of 270 is its columns' 270.1 "
                                                           "rounded):" if shown_rule == "pay_as_bid" else ":"))
    click.echo(detail.assign(**{c: detail[c] / 1e6 for c in money}).to_string(float_format=lambda v: f"{v:,.1f}"))
    assignment = nz700.run("printed", shown_rule).assignment
    click.echo("\nAssignment round as printed (Table 2), blocks of 2 x 5 MHz from 703/758 MHz (NZ$ M):")
    click.echo(assignment.assign(bid=assignment["bid"] / 1e6, payment=assignment["payment"] / 1e6)
               .drop(columns="category").to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
