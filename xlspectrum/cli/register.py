"""``xlspectrum register ...``: the register of spectrum rights on the command line.

Keys are the user's: ``keygen`` writes a new Ed25519 pair into files the user names (never
replacing one), and every operation reads the signer's private key from the file ``--key``
names, signs, and forgets it.  Times are hours from the register's epoch (``--at``; default
now).  Every failure is one line on stderr.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

#: Where the register is unless --register says otherwise
REGISTER_VARIABLE = "XLSPECTRUM_REGISTER"
DEFAULT_REGISTER = "register.sqlite"


def _register(ctx: click.Context, *, create: bool = False, **options: Any):
    from xlspectrum.register import Register

    location = ctx.obj["register"]
    if create:
        return Register.create(location, **options)
    return Register.open(location)


def _key(path: Path):
    from xlspectrum.register import read_private_key

    return read_private_key(path)


def _short(token_id: str) -> str:
    return token_id[:12]


def _echo_receipt(receipt: Any, what: str) -> None:
    made = f"; new token{'s' if len(receipt.tokens) > 1 else ''} {', '.join(map(_short, receipt.tokens))}" if receipt.tokens else ""
    click.echo(f"entry {receipt.seq}: {what}{made}")


key_option = click.option("--key", "key_path", type=click.Path(path_type=Path), required=True,
                          help="The signer's Ed25519 private key file (PEM; see `keygen`).")
at_option = click.option("--at", "at_h", type=str, default=None,
                         help="Time of the operation [h from the register's epoch] (default: now).")


@click.group("register")
@click.option("--register", "-r", "location", default=None, metavar="FILE|URL",
              help=f"The register: a SQLite file or a postgresql:// URL (default ${REGISTER_VARIABLE} or {DEFAULT_REGISTER}).")
@click.pass_context
def register(ctx: click.Context, location: str | None) -> None:
    """A register of spectrum rights as tokens: issue, trade, split, merge, lease, verify."""
    ctx.ensure_object(dict)
    ctx.obj["register"] = location or os.environ.get(REGISTER_VARIABLE) or DEFAULT_REGISTER


@register.command()
@click.argument("private_key", type=click.Path(path_type=Path))
@click.argument("public_key", type=click.Path(path_type=Path))
@click.option("--passphrase", is_flag=True, help="Encrypt the private key with a passphrase (asked twice).")
def keygen(private_key: Path, public_key: Path, passphrase: bool) -> None:
    """Generate an Ed25519 key pair into two new files (an existing file is never replaced)."""
    from xlspectrum.register import write_key_pair

    secret = click.prompt("Passphrase", hide_input=True, confirmation_prompt=True).encode() if passphrase else None
    write_key_pair(private_key, public_key, secret)
    click.echo(f"Wrote {private_key} (the private key: keep it to yourself) and {public_key} (the public key)")


@register.command()
@click.option("--regulator", required=True, help="The regulator's name: it enrols parties, issues and revokes.")
@key_option
@click.option("--epoch", default="2014-01-01", show_default=True, help="What the register's hours count from (ISO 8601, UTC).")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), default=None,
              help="A rules file (JSON; default: exclusive rights do not overlap).")
@at_option
@click.pass_context
def init(ctx: click.Context, regulator: str, key_path: Path, epoch: str, rules_file: Path | None, at_h: str | None) -> None:
    """Create a new register; its first entry, signed by the regulator, sets the epoch and the rules."""
    from xlspectrum.register import rules_from_json

    rules = rules_from_json(_read(rules_file)) if rules_file else None
    reg = _register(ctx, create=True, regulator=regulator, key=_key(key_path), epoch=epoch, rules=rules, at_h=at_h or 0)
    click.echo(f"entry 1: register {reg.id[:16]}... created in {ctx.obj['register']}, regulator {regulator}, "
               f"epoch {reg.epoch:%Y-%m-%d %H:%M} UTC")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from None


@register.command()
@click.argument("party")
@click.argument("public_key_file", type=click.Path(path_type=Path))
@key_option
@at_option
@click.pass_context
def enrol(ctx: click.Context, party: str, public_key_file: Path, key_path: Path, at_h: str | None) -> None:
    """Enrol a party with its public key file, or give it a new key (signed by the regulator)."""
    from xlspectrum.register import read_public_key

    receipt = _register(ctx).enrol(party, read_public_key(public_key_file), key=_key(key_path), at_h=at_h)
    _echo_receipt(receipt, f"enrolled {party}")


@register.command()
@click.option("--set", "rules_file", type=click.Path(path_type=Path), default=None,
              help="Replace the rules with this JSON file (signed by the regulator: give --key).")
@click.option("--key", "key_path", type=click.Path(path_type=Path), default=None, help="The regulator's private key file.")
@at_option
@click.pass_context
def rules(ctx: click.Context, rules_file: Path | None, key_path: Path | None, at_h: str | None) -> None:
    """Show the rules in force, or replace them (--set FILE --key KEY)."""
    import json

    from xlspectrum.register import rules_from_json

    reg = _register(ctx)
    if rules_file is not None:
        if key_path is None:
            raise click.UsageError("--set needs --key: only the regulator changes the rules")
        _echo_receipt(reg.set_rules(rules_from_json(_read(rules_file)), key=_key(key_path), at_h=at_h), "rules replaced")
        return
    click.echo(json.dumps(reg.rules(), indent=2))


@register.command()
@key_option
@click.option("--holder", default=None, help="Who receives the token (default: the regulator).")
@click.option("--example", type=click.Choice(["nz700"]), default=None,
              help="Issue the nine lots of New Zealand's 700 MHz auction (thesis Table 2) instead.")
@click.option("--band", nargs=2, type=str, default=None, metavar="LOW HIGH", help="Band edges [MHz].")
@click.option("--paired", default="0", show_default=True, help="Duplex offset of a paired band [MHz] (0: unpaired).")
@click.option("--area", nargs=4, type=str, default=None, metavar="XMIN YMIN XMAX YMAX", help="Area [km].")
@click.option("--area-name", default="", help="What the area is called.")
@click.option("--window", nargs=2, type=str, default=None, metavar="START END", help="Time window [h from the epoch].")
@click.option("--limit", default=None, help="Interference the holder may add at protected receivers [dBm/MHz].")
@click.option("--shared", is_flag=True, help="A shared right (default: exclusive).")
@click.option("--licence", default=None, help="The licence's name (each issue needs its own).")
@at_option
@click.pass_context
def issue(ctx: click.Context, key_path: Path, holder: str | None, example: str | None, band: Any, paired: str, area: Any,
          area_name: str, window: Any, limit: str | None, shared: bool, licence: str | None, at_h: str | None) -> None:
    """Issue a new token (signed by the regulator): give its band, area, window and licence, or --example nz700."""
    from xlspectrum.register import Token, nz700_tokens

    reg = _register(ctx)
    key = _key(key_path)
    holder = holder or reg.regulator
    if example is not None:
        if band or area or window or licence:
            raise click.UsageError("--example issues its own lots: give no --band, --area, --window or --licence")
        for number, token in nz700_tokens().items():
            _echo_receipt(reg.issue(token, holder, key=key, at_h=at_h), f"issued block {number} "
                                                                        f"({token.describe()}) to {holder}")
        return
    missing = [name for name, value in (("--band", band), ("--area", area), ("--window", window), ("--licence", licence))
               if value is None]
    if missing:
        raise click.UsageError(f"issue needs {', '.join(missing)} (or --example nz700)")
    token = Token(band_mhz=band, paired_offset_mhz=paired, area_km=area, window_h=window, licences=(licence,),
                  limit_dbm_per_mhz=limit, exclusive=not shared, area_name=area_name)
    _echo_receipt(reg.issue(token, holder, key=key, at_h=at_h), f"issued {token.describe()} to {holder}")


@register.command()
@click.argument("token")
@click.argument("to")
@key_option
@click.option("--price", default=None, help="The price paid, recorded with the transfer [currency].")
@click.option("--currency", default="NZD", show_default=True)
@at_option
@click.pass_context
def transfer(ctx: click.Context, token: str, to: str, key_path: Path, price: str | None, currency: str,
             at_h: str | None) -> None:
    """Transfer TOKEN (an id or a unique prefix) to the party TO (signed by its holder)."""
    reg = _register(ctx)
    receipt = reg.transfer(token, to, key=_key(key_path), at_h=at_h, price=price, currency=currency)
    _echo_receipt(receipt, f"token {_short(reg.resolve(token))} transferred to {to}" +
                  (f" for {price} {currency}" if price is not None else ""))


@register.command()
@click.argument("token")
@click.option("--band", "at_band", default=None, help="Split the band at this frequency [MHz].")
@click.option("--x", "at_x", default=None, help="Split the area at this x [km].")
@click.option("--y", "at_y", default=None, help="Split the area at this y [km].")
@click.option("--time", "at_time", default=None, help="Split the window at this time [h].")
@key_option
@at_option
@click.pass_context
def split(ctx: click.Context, token: str, at_band: str | None, at_x: str | None, at_y: str | None, at_time: str | None,
          key_path: Path, at_h: str | None) -> None:
    """Split TOKEN in two along one of its band, area or window (signed by its holder)."""
    cuts = {name: value for name, value in (("band", at_band), ("x", at_x), ("y", at_y), ("time", at_time)) if value}
    if len(cuts) != 1:
        raise click.UsageError("give exactly one of --band, --x, --y, --time")
    (dimension, at), = cuts.items()
    reg = _register(ctx)
    receipt = reg.split(token, dimension, at, key=_key(key_path), at_h=at_h)
    _echo_receipt(receipt, f"token {_short(reg.resolve(token))} split at {dimension} {at}")


@register.command()
@click.argument("tokens", nargs=-1, required=True)
@key_option
@at_option
@click.pass_context
def merge(ctx: click.Context, tokens: tuple[str, ...], key_path: Path, at_h: str | None) -> None:
    """Merge adjacent TOKENS of the same terms into one (signed by their holder)."""
    receipt = _register(ctx).merge(list(tokens), key=_key(key_path), at_h=at_h)
    _echo_receipt(receipt, f"{len(tokens)} tokens merged")


@register.command()
@click.argument("token")
@click.argument("to")
@click.option("--window", nargs=2, type=str, required=True, metavar="START END", help="The lease's window [h].")
@key_option
@at_option
@click.pass_context
def lease(ctx: click.Context, token: str, to: str, window: tuple[str, str], key_path: Path, at_h: str | None) -> None:
    """Lease TOKEN to TO for a window; it returns to its holder by itself at the end."""
    reg = _register(ctx)
    receipt = reg.lease(token, to, window, key=_key(key_path), at_h=at_h)
    _echo_receipt(receipt, f"token {_short(reg.resolve(token))} leased to {to} for {window[0]}-{window[1]} h")


@register.command()
@click.argument("token")
@key_option
@click.option("--reason", default="", help="Why (recorded in the log).")
@at_option
@click.pass_context
def revoke(ctx: click.Context, token: str, key_path: Path, reason: str, at_h: str | None) -> None:
    """Revoke TOKEN (signed by the regulator)."""
    reg = _register(ctx)
    receipt = reg.revoke(token, key=_key(key_path), reason=reason, at_h=at_h)
    _echo_receipt(receipt, f"token {_short(reg.resolve(token))} revoked")


@register.command()
@click.argument("bids_csv", type=click.Path(path_type=Path), required=False)
@click.option("--example", type=click.Choice(["nz700"]), default=None,
              help="Settle New Zealand's 700 MHz clock auction (thesis Tables 2-3) into the lots `issue --example nz700` made.")
@click.option("--lot", "lots", multiple=True, metavar="LOT=TOKEN[,TOKEN...]",
              help="The tokens of a lot of the CSV's auction, one per unit (repeat for every lot).")
@click.option("--rule", type=click.Choice(["pay_as_bid", "vcg", "core_vcg_nearest", "core_bid_nearest"]), default=None,
              help="Payment rule (default: vcg for a CSV, pay_as_bid for --example nz700).")
@click.option("--currency", default="NZD", show_default=True)
@key_option
@at_option
@click.pass_context
def settle(ctx: click.Context, bids_csv: Path | None, example: str | None, lots: tuple[str, ...], rule: str | None,
           currency: str, key_path: Path, at_h: str | None) -> None:
    """Clear an auction and settle it in one entry: winners receive the lots' tokens, payments are recorded.

    The signer (--key) must hold every token sold; the winners must be enrolled. If any
    part is refused, nothing is applied.
    """
    import pandas as pd

    from xlspectrum.register import from_clear_auction, from_clock_auction, nz700_tokens

    reg = _register(ctx)
    key = _key(key_path)
    payee = reg.signer_of(key)
    if (bids_csv is None) == (example is None):
        raise click.UsageError("give either a CSV of bids (with --lot) or --example nz700")
    if example is not None:
        from xlspectrum.models import nz700

        result = nz700.run("printed", rule or "pay_as_bid")
        blocks = {n: token.id for n, token in nz700_tokens().items()}
        settlement = from_clock_auction(result, {"700MHz": blocks}, payee=payee, currency=currency)
    else:
        from xlspectrum.market.combinatorial import clear_auction

        try:
            bids = pd.read_csv(bids_csv)
        except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
            raise ValueError(f"{bids_csv} is not a readable CSV: {' '.join(str(error).split())}") from None
        tokens: dict[str, list[str]] = {}
        for text in lots:
            lot, sep, ids = text.partition("=")
            if not sep or not ids:
                raise click.BadParameter(f"{text!r} must look like LOT=TOKEN[,TOKEN...]", param_hint="--lot")
            tokens[lot.strip()] = [reg.resolve(t) for t in ids.split(",")]
        lot_names = [c for c in bids.columns if c not in ("bidder", "value")]
        supply = {lot: len(tokens.get(lot, ())) for lot in lot_names}
        empty = [lot for lot, units in supply.items() if units == 0]
        if empty:
            raise click.BadParameter(f"lot {empty[0]!r} of the bids has no tokens: give --lot {empty[0]}=TOKEN",
                                     param_hint="--lot")
        result = clear_auction(bids, supply, rule=rule or "vcg")
        settlement = from_clear_auction(bids, result, tokens, payee=payee, currency=currency)
    receipt = reg.settle(settlement, key=key, at_h=at_h)
    total = sum(p.amount for p in settlement.payments)
    _echo_receipt(receipt, f"settled {settlement.reference}: {len(settlement.transfers)} tokens to "
                           f"{len({to for _, to in settlement.transfers})} winners, {len(settlement.payments)} payments "
                           f"of {total:,.0f} {currency} in all")
    for winner, part in settlement.table().groupby("to", sort=True):
        paid = sum(p.amount for p in settlement.payments if p.payer == winner)
        click.echo(f"  {winner}: {len(part)} token{'s' if len(part) != 1 else ''} ({', '.join(map(_short, part['token']))}), pays {paid:,.0f} {currency}")


@register.command()
@click.option("--holder", default=None, help="Only this party's tokens.")
@click.option("--at", "at_h", default=None, help="Only tokens valid at this time [h]; shows who uses each then.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.pass_context
def holdings(ctx: click.Context, holder: str | None, at_h: str | None, output_format: str) -> None:
    """List the live tokens: holder, user, band, spectrum, area, window, licences."""
    from xlspectrum.workbooks.register_export import holdings_csv

    table = _register(ctx).holdings(holder, at_h)
    if output_format == "csv":
        click.echo(holdings_csv(table).decode("utf-8"), nl=False)
        return
    if table.empty:
        click.echo("no live tokens" + (f" held by {holder}" if holder else "") + (f" at {at_h} h" if at_h else ""))
        return
    shown = table.assign(token=table["token"].map(_short),
                         band=[f"{a}-{b}" + (f" +{p}" if p else "") for a, b, p in
                               zip(table["band_low_mhz"], table["band_high_mhz"], table["paired_offset_mhz"])],
                         window=[f"{a}-{b}" for a, b in zip(table["start_h"], table["end_h"])])
    columns = ["token", "holder", "user", "band", "mhz", "area_name", "window", "licences"] if at_h else \
        ["token", "holder", "band", "mhz", "area_name", "window", "licences"]
    shown = shown[columns].rename(columns={"band": "band [MHz]", "mhz": "MHz", "area_name": "area", "window": "window [h]"})
    click.echo(shown.to_string(index=False))


@register.command()
@click.argument("token")
@click.pass_context
def history(ctx: click.Context, token: str) -> None:
    """Every entry of the log that touched TOKEN."""
    table = _register(ctx).history(token)
    click.echo(table.to_string(index=False))


@register.command()
@click.pass_context
def payments(ctx: click.Context) -> None:
    """Every payment recorded with settlements and priced transfers."""
    table = _register(ctx).payments()
    click.echo(table.to_string(index=False) if len(table) else "no payments recorded")


@register.command()
@click.option("--head", default=None, metavar="HASH", help="A head hash published earlier: the log must still contain it.")
@click.pass_context
def verify(ctx: click.Context, head: str | None) -> None:
    """Check the whole log (chain, signatures, every operation again) and the holdings against it."""
    click.echo(str(_register(ctx).verify(head)))


@register.command()
@click.pass_context
def rebuild(ctx: click.Context) -> None:
    """Rewrite the holdings from the log alone (after checking the log)."""
    report = _register(ctx).rebuild()
    click.echo(f"holdings rebuilt from {report.entries} entries ({report.active_tokens} live tokens)")


@register.command()
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None, help="Write the holdings as CSV here.")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path), default=None, help="Write them as an xlsx sheet here.")
@click.option("--at", "at_h", default=None, help="Only tokens valid at this time [h].")
@click.option("--force", is_flag=True, help="Replace the files even if they exist and differ.")
@click.pass_context
def export(ctx: click.Context, csv_path: Path | None, xlsx_path: Path | None, at_h: str | None, force: bool) -> None:
    """Write the holdings as CSV and/or an xlsx sheet in the house style (user text stays text)."""
    from xlspectrum.core.files import OutputError, same_package, write_file
    from xlspectrum.workbooks.register_export import holdings_csv, holdings_xlsx

    if csv_path is None and xlsx_path is None:
        raise click.UsageError("give --csv FILE, --xlsx FILE or both")
    reg = _register(ctx)
    report = reg.verify()
    table = reg.holdings(at_h=at_h)
    try:
        if csv_path is not None:
            write_file(csv_path, holdings_csv(table), force=force)
            click.echo(f"Wrote {csv_path}: {len(table)} tokens")
        if xlsx_path is not None:
            content = holdings_xlsx(table, register_id=reg.id, head_seq=report.head_seq, head_hash=report.head_hash, at_h=at_h)
            write_file(xlsx_path, content, force=force, same=same_package)
            click.echo(f"Wrote {xlsx_path}: {len(table)} tokens on the Holdings sheet")
    except OutputError as error:
        raise ValueError(str(error)) from None
