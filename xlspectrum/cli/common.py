"""What every command shares: the one-line failure, the command group, reading --set and --inputs, and the
lines that say where inputs came from."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from xlspectrum.core.validation import number_from_text
from xlspectrum.models.costmodel.printed import DEMAND_MEANING
from xlspectrum.core.files import Terminated
from xlspectrum.workbooks.kinds import KINDS

#: the file each model builds to by default (the kinds' own paths)
DEFAULT_WORKBOOKS = {name: kind.path for name, kind in KINDS.items()}
DEFAULT_WORKBOOK = DEFAULT_WORKBOOKS["thesis"]
#: the demand forecasts, in the order of the input's options (data/appendix_c_inputs.csv)
DEMAND_FORECASTS = tuple(DEMAND_MEANING)


class Failure(click.ClickException):
    """One line on stderr and exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {' '.join(self.format_message().split())}", err=True)


class OneLineGroup(click.Group):
    """A click group whose every failure is one line on stderr, never usage text or a traceback."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.ClickException as error:
            hint = "" if isinstance(error, Failure) else " (see --help)"
            click.echo(f"error: {' '.join(error.format_message().split())}{hint}", err=True)
            sys.exit(error.exit_code)
        except (click.exceptions.Abort, EOFError, KeyboardInterrupt):
            click.echo("error: interrupted", err=True)
            sys.exit(130)
        except Terminated as stop:  # SIGTERM/SIGHUP during a recalculation: its processes and folder are gone
            click.echo(f"error: stopped by {stop.signal_name}", err=True)
            sys.exit(stop.code)
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        sys.exit(0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except (KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as error:  # noqa: BLE001 - the last line of defence: never a traceback
            kind = "" if isinstance(error, ValueError) else f"{type(error).__name__}: "
            raise Failure(f"{kind}{error}") from error


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xlspectrum")
def main() -> None:
    """Spectrum valuation and pricing: the thesis' formulas and cost model, for Excel and Python."""


def parse_setting(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` as the input's own kind (number, numbers per year, choice, TRUE/FALSE)."""
    from xlspectrum.models.costmodel.inputs import INPUTS, resolve

    if "=" not in text:
        raise click.BadParameter(f"{text!r} must look like KEY=VALUE, e.g. demand_forecast=cisco_vni_linear",
                                 param_hint="--set")
    key, raw = (part.strip() for part in text.split("=", 1))
    if key not in INPUTS:
        resolve({key: None})  # raises naming the unknown key and the closest match
    item = INPUTS[key]
    if not raw:
        raise click.BadParameter(f"{key}= has no value; {key} takes {expects(item)}", param_hint="--set")
    if item.kind == "choice":
        return key, raw
    if item.kind == "switch":
        if raw.upper() not in ("TRUE", "FALSE"):
            raise click.BadParameter(f"{key}={raw} must be TRUE or FALSE", param_hint="--set")
        return key, raw.upper() == "TRUE"
    parts = raw.replace(",", " ").split()
    try:
        numbers = [number_from_text(p) for p in parts]
    except ValueError:
        raise click.BadParameter(f"{key}={raw} is not a number; {key} takes {expects(item)}", param_hint="--set") from None
    if item.kind == "number" and len(numbers) != 1:
        raise click.BadParameter(f"{key}={raw} must be one number; {key} takes {expects(item)}", param_hint="--set")
    return key, numbers if item.kind == "series" else numbers[0]


def expects(item: Any) -> str:
    if item.kind == "choice":
        return "one of " + ", ".join(item.options)
    if item.kind == "switch":
        return "TRUE or FALSE"
    what = "numbers, one per year from the first," if item.kind == "series" else "a number"
    if item.is_rate:
        return f"{what} from {item.range_text()} (a fraction: 9 % is 0.09, or type 9%)"
    return f"{what} from {item.range_text()} {item.unit}".rstrip()


def thesis_settings(settings: tuple[str, ...]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for text in settings:
        key, value = parse_setting(text)
        if key in overrides and overrides[key] != value:
            raise click.BadParameter(f"{key} is set twice, to {overrides[key]!r} and {value!r}", param_hint="--set")
        overrides[key] = value
    return overrides


INPUTS_HELP = ("Read inputs from FILE: a template (`xlspectrum inputs --model K -o FILE.xlsx` or .csv), a CSV of "
               "key,position,value, or a workbook xlspectrum built and you edited; --set applies on top.")


def inputs_option(command: Any) -> Any:
    return click.option("--inputs", "inputs_file", type=click.Path(path_type=Path), default=None, metavar="FILE",
                        help=INPUTS_HELP)(command)


def read_inputs_file(path: Path | None, kind: str) -> Any:
    """The inputs of ``path`` (None without --inputs); a bad file is one line naming its cell or row."""
    if path is None:
        return None
    from xlspectrum.workbooks.inputs_file import read_inputs

    try:
        return read_inputs(path, kind)
    except ValueError as error:
        raise Failure(f"--inputs {error}") from error


def with_file(read: Any, overrides: dict[str, Any]) -> dict[str, Any]:
    """The file's inputs, then ``--set`` on top."""
    return {**(read.overrides if read is not None else {}), **overrides}


def echo_sources(read: Any, settings_keys: set[str]) -> None:
    """Where each input that differs from the defaults came from: the file's cell or row, or --set."""
    if read is None:
        return
    lines = [line for line in read.describe() if line.split(" = ", 1)[0] not in settings_keys]
    click.echo(f"Inputs from {read.path.name}: {len(lines)} differ from the defaults" + (":" if lines else ""))
    for line in lines:
        click.echo(f"  {line}")


def echo_overrides(overrides: dict[str, Any], lister: str = "xlspectrum inputs") -> None:
    if overrides:
        shown = ", ".join(f"{key}={value!r}" if isinstance(value, str) else f"{key}={value}" for key, value in overrides.items())
        click.echo(f"Inputs changed from the defaults: {shown}")
    else:
        click.echo(f"Inputs: the defaults (`{lister}` lists them)")


def echo_forecast(demand: str, what: str) -> None:
    """The first line of a command that shows the thesis model: what it is and its demand forecast."""
    click.echo(f"{what}, demand forecast {demand} ({DEMAND_MEANING[demand]})")


def pico_radius_options(command):
    """--pico-radius / --edge-dbm: the cost model's pico radius from the 28 GHz budget."""
    command = click.option("--edge-dbm", type=float, default=-105.0, show_default=True,
                           help="Cell-edge signal of the 28 GHz downlink budget for --pico-radius eq15|38901 [dBm].")(command)
    return click.option("--pico-radius", "pico_radius", type=click.Choice(["printed", "eq15", "38901"]), default="printed",
                        show_default=True,
                        help="Pico-cell radius of the cost model: Appendix C's 0.22 km, or the 28 GHz downlink budget "
                             "(30 dBm, 17 dBi, --edge-dbm) inverted by eq. (15) or by TR 38.901 UMi NLOS.")(command)


def apply_pico_radius(overrides: dict[str, Any], source: str, edge_dbm: float) -> None:
    from xlspectrum.formulas.mmwave import downlink_max_path_loss, pico_radius_km

    if source == "printed":
        return
    if "radius_pico_km" in overrides:
        raise click.UsageError("--pico-radius and --set radius_pico_km both set the pico radius; give one")
    try:
        radius = pico_radius_km(source, signal_threshold_dbm=edge_dbm)
    except ValueError as error:
        raise Failure(f"--pico-radius {source} --edge-dbm {edge_dbm:g}: {error}") from error
    overrides["radius_pico_km"] = radius
    budget_db = downlink_max_path_loss(signal_threshold_dbm=edge_dbm)
    click.echo(f"Pico radius {radius * 1000:.0f} m from the 28 GHz downlink budget ({budget_db:.1f} dB to a "
               f"{edge_dbm:g} dBm edge) by {'eq. (15)' if source == 'eq15' else 'TR 38.901 UMi NLOS'}, "
               "instead of Appendix C's 220 m", err=True)


def case_settings(settings: tuple[str, ...]) -> dict[str, float]:
    """``KEY=VALUE`` settings of the TV white-space case, as numbers, checked against its ranges."""
    from xlspectrum.models import tvws

    overrides: dict[str, float] = {}
    for text in settings:
        if "=" not in text:
            raise click.BadParameter(f"{text!r} must look like KEY=VALUE, e.g. income_per_viewer=2", param_hint="--set")
        key, raw = (part.strip() for part in text.split("=", 1))
        if key not in tvws.ASSUMPTIONS:
            raise click.BadParameter(f"unknown input {key!r}; the case's inputs are {', '.join(tvws.ASSUMPTIONS)}",
                                     param_hint="--set")
        try:
            overrides[key] = number_from_text(raw)
        except ValueError:
            raise click.BadParameter(f"{key}={raw} is not a number ({tvws.ASSUMPTIONS[key].unit})", param_hint="--set") from None
    tvws.validate(overrides)
    return overrides


#: the parser of --set for each kind that takes it, by the command that lists its keys
SETTINGS_PARSERS = {"xlspectrum inputs": thesis_settings, "xlspectrum rights": case_settings}


def read_exchange_file(path: Path | None) -> Any:
    """The exchange's lots and bids of ``path`` (None without --inputs); a bad file is one line naming its cell."""
    if path is None:
        return None
    from xlspectrum.workbooks.inputs_file import read_exchange

    try:
        read = read_exchange(path)
    except ValueError as error:
        raise Failure(f"--inputs {error}") from error
    click.echo(f"Inputs from {read.path.name}: " + "; ".join(read.describe()[:2]))
    for line in read.describe()[2:]:
        click.echo(f"  {line}")
    return read
