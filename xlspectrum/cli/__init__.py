"""Command line: ``xlspectrum build | recalc | value | inputs | rights | auction | functions | examples``.

Every failure is one line on stderr (``error: ...``) naming the input, its value and
what is allowed, with a non-zero exit code; no command prints a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from xlspectrum.core.validation import number_from_text
from xlspectrum.models.costmodel.printed import ABSOLUTE_TOLERANCE, COMPARED_NOTE, DEMAND_MEANING, PRINTED, PRINTED_SCENARIO, VALUATION_FORECAST
from xlspectrum.core.files import MAX_UNPACKED_MB, UNPACKED_MB_LIMITS, Terminated, to_csv
from xlspectrum.workbooks.kinds import KINDS, case_summary, millions

#: the file each model builds to by default (the kinds' own paths)
DEFAULT_WORKBOOKS = {name: kind.path for name, kind in KINDS.items()}
DEFAULT_WORKBOOK = DEFAULT_WORKBOOKS["thesis"]
#: the demand forecasts, in the order of the input's options (data/appendix_c_inputs.csv)
DEMAND_FORECASTS = tuple(DEMAND_MEANING)


class Failure(click.ClickException):
    """One line on stderr and exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {' '.join(self.format_message().split())}", err=True)


class _Group(click.Group):
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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
        raise click.BadParameter(f"{key}= has no value; {key} takes {_expects(item)}", param_hint="--set")
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
        raise click.BadParameter(f"{key}={raw} is not a number; {key} takes {_expects(item)}", param_hint="--set") from None
    if item.kind == "number" and len(numbers) != 1:
        raise click.BadParameter(f"{key}={raw} must be one number; {key} takes {_expects(item)}", param_hint="--set")
    return key, numbers if item.kind == "series" else numbers[0]


def _expects(item: Any) -> str:
    if item.kind == "choice":
        return "one of " + ", ".join(item.options)
    if item.kind == "switch":
        return "TRUE or FALSE"
    what = "numbers, one per year from the first," if item.kind == "series" else "a number"
    if item.is_rate:
        return f"{what} from {item.range_text()} (a fraction: 9 % is 0.09, or type 9%)"
    return f"{what} from {item.range_text()} {item.unit}".rstrip()


def _overrides(settings: tuple[str, ...]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for text in settings:
        key, value = parse_setting(text)
        if key in overrides and overrides[key] != value:
            raise click.BadParameter(f"{key} is set twice, to {overrides[key]!r} and {value!r}", param_hint="--set")
        overrides[key] = value
    return overrides


INPUTS_HELP = ("Read inputs from FILE: a template (`xlspectrum inputs --model K -o FILE.xlsx` or .csv), a CSV of "
               "key,position,value, or a workbook xlspectrum built and you edited; --set applies on top.")


def _inputs_option(command: Any) -> Any:
    return click.option("--inputs", "inputs_file", type=click.Path(path_type=Path), default=None, metavar="FILE",
                        help=INPUTS_HELP)(command)


def _read_inputs_file(path: Path | None, kind: str) -> Any:
    """The inputs of ``path`` (None without --inputs); a bad file is one line naming its cell or row."""
    if path is None:
        return None
    from xlspectrum.workbooks.inputs_file import read_inputs

    try:
        return read_inputs(path, kind)
    except ValueError as error:
        raise Failure(f"--inputs {error}") from error


def _with_file(read: Any, overrides: dict[str, Any]) -> dict[str, Any]:
    """The file's inputs, then ``--set`` on top."""
    return {**(read.overrides if read is not None else {}), **overrides}


def _echo_sources(read: Any, settings_keys: set[str]) -> None:
    """Where each input that differs from the defaults came from: the file's cell or row, or --set."""
    if read is None:
        return
    lines = [line for line in read.describe() if line.split(" = ", 1)[0] not in settings_keys]
    click.echo(f"Inputs from {read.path.name}: {len(lines)} differ from the defaults" + (":" if lines else ""))
    for line in lines:
        click.echo(f"  {line}")


def _echo_overrides(overrides: dict[str, Any], lister: str = "xlspectrum inputs") -> None:
    if overrides:
        shown = ", ".join(f"{key}={value!r}" if isinstance(value, str) else f"{key}={value}" for key, value in overrides.items())
        click.echo(f"Inputs changed from the defaults: {shown}")
    else:
        click.echo(f"Inputs: the defaults (`{lister}` lists them)")


def _echo_forecast(demand: str, what: str) -> None:
    """The first line of a command that shows the thesis model: what it is and its demand forecast."""
    click.echo(f"{what}, demand forecast {demand} ({DEMAND_MEANING[demand]})")


def _pico_radius_options(command):
    """--pico-radius / --edge-dbm: the cost model's pico radius from the 28 GHz budget."""
    command = click.option("--edge-dbm", type=float, default=-105.0, show_default=True,
                           help="Cell-edge signal of the 28 GHz downlink budget for --pico-radius eq15|38901 [dBm].")(command)
    return click.option("--pico-radius", "pico_radius", type=click.Choice(["printed", "eq15", "38901"]), default="printed",
                        show_default=True,
                        help="Pico-cell radius of the cost model: Appendix C's 0.22 km, or the 28 GHz downlink budget "
                             "(30 dBm, 17 dBi, --edge-dbm) inverted by eq. (15) or by TR 38.901 UMi NLOS.")(command)


def _apply_pico_radius(overrides: dict[str, Any], source: str, edge_dbm: float) -> None:
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


@main.command()
@click.option("--model", type=click.Choice(list(KINDS)), default="thesis", show_default=True,
              help="; ".join(f"{name}: {kind.description}" for name, kind in KINDS.items()) + ".")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Where to write the workbook [default: " + ", ".join(str(p) for p in list(DEFAULT_WORKBOOKS.values())[:-1])
                   + f" or {list(DEFAULT_WORKBOOKS.values())[-1]} by --model].")
@click.option("--force", is_flag=True, help="Replace the output even if it differs from what would be generated.")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Override an input, e.g. --set demand_forecast=cisco_vni_linear (repeatable; `xlspectrum inputs` lists "
                   "the thesis model's, `xlspectrum rights` the interference case's).")
@_inputs_option
@_pico_radius_options
def build(model: str, output: Path | None, force: bool, settings: tuple[str, ...], inputs_file: Path | None,
          pico_radius: str, edge_dbm: float) -> None:
    """Write a model as a live-formula workbook and print its summary.

    An existing file is replaced only if it holds exactly what this build would write,
    or with --force: a workbook you edited is never lost.
    """
    from xlspectrum.core.files import OutputError, check_target, same_package, write_file

    kind = KINDS[model]
    output = kind.path if output is None else output
    if pico_radius != "printed" and model != "thesis":
        raise click.UsageError("--pico-radius is for the thesis model (its 28 GHz pico layer)")
    try:
        check_target(output)  # a folder, a device, a FIFO or a missing folder: say so before the work
    except OutputError as error:
        raise Failure(str(error)) from error
    if settings and kind.settings is None:
        raise click.UsageError(f"--set is for the {' and '.join(k.name for k in KINDS.values() if k.settings)} models; "
                               f"edit the {model} workbook's blue cells instead"
                               + (" or give --inputs FILE" if model == "exchange" else ""))
    if model == "exchange":
        read, overrides = _read_exchange_file(inputs_file), {}
    else:
        read = _read_inputs_file(inputs_file, model)
        overrides = _with_file(read, _SETTINGS[kind.settings](settings) if kind.settings else {})
        if model == "thesis":
            from xlspectrum.models.costmodel.inputs import resolve

            _echo_forecast(resolve(overrides)["demand_forecast"], "Thesis model (Appendix C and chapter 8)")
            _apply_pico_radius(overrides, pico_radius, edge_dbm)
        _echo_sources(read, {text.split("=", 1)[0].strip() for text in settings})
        if kind.settings:
            _echo_overrides(overrides, kind.settings)
    try:
        built = kind.build(read, overrides)
        written = write_file(output, built.content, force=force, same=same_package)
    except OutputError as error:
        raise Failure(str(error)) from error
    click.echo(f"{'Wrote' if written else 'Up to date:'} {output} ({built.note})")
    for line in built.summary:
        click.echo(line)


def _read_exchange_file(path: Path | None) -> Any:
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


class _Seconds(click.ParamType):
    """A time limit (or another amount): a finite number of ``what`` in a range (NaN and infinity
    refused, naming the option)."""

    name = "seconds"

    def __init__(self, low: float, high: float, what: str = "seconds") -> None:
        self.low, self.high, self.what = low, high, what

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not (self.low <= number <= self.high):  # NaN fails every comparison
            self.fail(f"{value!r} must be a number of {self.what} from {self.low:g} to {self.high:,.0f}", param, ctx)
        return number


_SECONDS = _Seconds(1.0, 86_400.0)
_MEGABYTES = _Seconds(*UNPACKED_MB_LIMITS, what="MB")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--engine", type=click.Choice(["auto", "libreoffice", "formulas"]), default="auto", show_default=True,
              help="LibreOffice headless, or the formulas package with the add-in's functions registered.")
@click.option("--compare/--no-compare", default=True, show_default=True,
              help="For a workbook xlspectrum built: compare every line item with the Python engine on the workbook's inputs.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Save the recalculated workbook here (LibreOffice: formulas with cached values; formulas: values only).")
@click.option("--force", is_flag=True, help="Replace --output even if it exists and differs.")
@click.option("--timeout", type=_SECONDS, default=600, show_default=True,
              help=f"Time limit in seconds, from {_SECONDS.low:g} to {_SECONDS.high:,.0f} (a day).")
@click.option("--max-unpacked-mb", type=_MEGABYTES, default=MAX_UNPACKED_MB, show_default=True,
              help="Refuse, unopened, a workbook whose parts unpack to more than this many MB (a zip bomb); "
                   "raise it for a large workbook you trust.")
@click.option("--with-addin", is_flag=True,
              help="LibreOffice: install xlspectrum's functions in the run's fresh profile, so =COST231(...) cells compute.")
@click.option("--python-env", type=click.Path(path_type=Path), default=None,
              help="With --with-addin: a virtual environment made with LibreOffice's Python (default: $XLSPECTRUM_LO_PYTHON_ENV, "
                   "else one made on first use in ~/.cache/xlspectrum with this xlspectrum and the extras the workbook needs).")
def recalc(path: Path, engine: str, compare: bool, output: Path | None, force: bool, timeout: float,
           max_unpacked_mb: float, with_addin: bool, python_env: Path | None) -> None:
    """Recalculate any workbook without Excel; fail naming each cell without a value or with an error.

    For a workbook generated by `xlspectrum build`, also check the master check and compare
    every line item with the Python engine run on the workbook's own inputs.
    """
    from xlspectrum.core.files import OutputError, write_file
    from xlspectrum.recalc import RecalculationError, check_workbook_file, recalculate, values_only_workbook

    progress = lambda line: click.echo(line, err=True)  # noqa: E731
    try:
        check_workbook_file(path, max_unpacked_mb)
        if with_addin and engine == "formulas":
            raise Failure("--with-addin is for LibreOffice; the formulas engine always has xlspectrum's functions")
        if with_addin and engine == "auto":
            engine = "libreoffice"
        recalculated = recalculate(path, engine, timeout=timeout, progress=progress, with_addin=with_addin,
                                   python_env=python_env, max_unpacked_mb=max_unpacked_mb)
    except RecalculationError as error:
        raise Failure(str(error)) from error
    if output is not None:
        content = recalculated.xlsx if recalculated.xlsx is not None else values_only_workbook(path, recalculated)
        try:
            write_file(output, content, force=force)
        except OutputError as error:
            raise Failure(str(error)) from error
        kind = "formulas with cached values" if recalculated.xlsx is not None else "values only: formulas replaced by their values"
        click.echo(f"Saved the recalculated workbook to {output} ({kind})")
    try:
        recalculated.raise_for_problems()
    except RecalculationError as error:
        raise Failure(str(error)) from error
    click.echo(f"{recalculated.engine}: {len(recalculated.formula_cells):,} formula cells, all with values, no errors")
    _check_against_python(path, recalculated, compare)


def _check_against_python(path: Path, recalculated: Any, compare: bool) -> None:
    """For a workbook xlspectrum built: its master check, and (``compare``) every compared cell
    against Python on the workbook's own inputs."""
    from xlspectrum.workbooks.kinds import ComparisonError, kind_of, master_check

    kind = kind_of(path)
    if kind is None:
        click.echo("Not an xlspectrum model: no engine comparison")
        return
    master, state = master_check(recalculated)
    click.echo(f"{kind.headline(recalculated)}; master check: {state}")
    if compare:
        try:
            click.echo(kind.compare(path, recalculated))
        except ComparisonError as error:
            raise Failure(str(error)) from error
    if master is not True:
        raise Failure("the workbook's master check fails: see its Checks sheet")


@main.command()
@click.option("--demand", "demand_forecast", type=click.Choice(DEMAND_FORECASTS), default=None,
              help="Demand forecast of the valuation [default: cisco_vni_linear, the thesis' Tables 8-11].")
@click.option("--format", "output_format", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help="Override an input for both networks (repeatable).")
@_inputs_option
@click.option("--scenarios", "scenarios_file", type=click.Path(path_type=Path), default=None, metavar="FILE.csv",
              help="Run many scenarios at once: a CSV with a scenario column of names and one column per input key, "
                   "one row per scenario, on top of --inputs; --format csv writes one row of results per scenario.")
@_pico_radius_options
def value(demand_forecast: str | None, output_format: str, settings: tuple[str, ...], inputs_file: Path | None,
          scenarios_file: Path | None, pico_radius: str, edge_dbm: float) -> None:
    """Value the 28 GHz spectrum four ways (thesis chapter 8): thesis inputs beside this model."""
    import pandas as pd

    from xlspectrum.models.chapter8 import valuation_table
    from xlspectrum.models.chapter8 import value as value_chapter8

    read = _read_inputs_file(inputs_file, "thesis")
    overrides = _with_file(read, _overrides(settings))
    scenarios = _read_scenarios_file(scenarios_file, overrides, settings, pico_radius)
    _apply_pico_radius(overrides, pico_radius, edge_dbm)
    chosen = overrides.pop("demand_forecast", None)
    if chosen is not None and demand_forecast is not None and chosen != demand_forecast:
        raise Failure(f"--demand {demand_forecast} and --set demand_forecast={chosen} disagree; give one")
    demand = demand_forecast or chosen or VALUATION_FORECAST
    if scenarios is not None:
        _value_scenarios(scenarios, overrides, demand, output_format, read, settings)
        return
    table = valuation_table(demand, overrides=overrides)
    if output_format == "csv":
        click.echo(to_csv(table), nl=False)
        return
    _echo_forecast(demand, "Value of 28 GHz spectrum (2 x 500 MHz, NZ$)")
    _echo_sources(read, {text.split("=", 1)[0].strip() for text in settings})
    _echo_overrides(overrides)
    click.echo("thesis inputs = the thesis' own figures; this model = computed from the cost models")
    for name, part in table.groupby("table", sort=False):
        click.echo(f"\n{name}, NZ$ M and NZ$ per MHz per pop")
        rows = []
        for method, group in part.groupby("method", sort=False):
            line = {"method": method}
            for _, record in group.iterrows():
                missing = bool(record["note"])
                line[f"{record['basis']} NZ$ M"] = "not printed" if missing else f"{record['value_nzd'] / 1e6:,.1f}"
                line[f"{record['basis']} /MHz/pop"] = "" if missing else f"{record['nzd_per_mhz_pop']:.3f}"
            rows.append(line)
        click.echo(pd.DataFrame(rows).set_index("method").fillna("").to_string())
        if name.startswith("Table 11"):
            _echo_real_options(value_chapter8({**overrides, "demand_forecast": demand}))
    if table["note"].astype(bool).any():
        click.echo("\nnot printed: the thesis prints no figures for this forecast (it values Cisco VNI in Tables 8-11 "
                   "and prints the deprival costs for 10 x Cisco VNI in Table 10)")


def _read_scenarios_file(path: Path | None, overrides: dict[str, Any], settings: tuple[str, ...],
                         pico_radius: str) -> Any:
    """The scenarios of ``path`` (None without --scenarios), put on top of ``overrides`` (the file's and --set's)."""
    if path is None:
        return None
    from xlspectrum.workbooks.inputs_file import read_scenarios

    try:
        scenarios = read_scenarios(path)
    except ValueError as error:
        raise Failure(f"--scenarios {error}") from error
    set_keys = {text.split("=", 1)[0].strip() for text in settings}
    for key, column in scenarios.columns.items():
        if key in set_keys:
            raise Failure(f"--scenarios {scenarios.path.name}, column {column}: {key} is also given by --set; give it in "
                          "one place")
        if key == "radius_pico_km" and pico_radius != "printed":
            raise Failure(f"--scenarios {scenarios.path.name}, column {column}: --pico-radius also sets the pico radius; "
                          "give one")
    overrides.update(scenarios.overrides)
    return scenarios


def _value_scenarios(scenarios: Any, overrides: dict[str, Any], demand: str, output_format: str, read: Any,
                     settings: tuple[str, ...]) -> None:
    """``value --scenarios``: every scenario in one run of the cost models' scenario axis, one row each."""
    import re

    import pandas as pd

    from xlspectrum.models.chapter8 import scenario_columns, valuation_table

    try:
        table = valuation_table(demand, overrides=overrides)
    except ValueError as error:  # a scenario the model cannot value: name its row, not the axis' index
        message = re.sub(r"scenario (\d+)", lambda m: scenarios.where(int(m.group(1))), " ".join(str(error).split()))
        raise Failure(f"--scenarios {message}") from error
    wide = scenario_columns(table)
    wide.insert(0, "scenario", scenarios.names)
    if output_format == "csv":
        click.echo(to_csv(wide), nl=False)
        return
    count = len(scenarios.names)
    _echo_forecast(demand, f"Value of 28 GHz spectrum (2 x 500 MHz, NZ$), {count} scenario{'' if count == 1 else 's'} "
                           f"from {scenarios.path.name}")
    _echo_sources(read, {text.split("=", 1)[0].strip() for text in settings})
    base = {k: v for k, v in overrides.items() if k not in scenarios.overrides}
    _echo_overrides(base)
    click.echo("Scenario inputs: " + ", ".join(f"{key} (column {column.split()[0]})"
                                              for key, column in scenarios.columns.items()))
    values = wide[[c for c in wide.columns if c.endswith("_nzd")]] / 1e6
    values.index = pd.Index(scenarios.names, name="NZ$ M")
    click.echo(values.T.round(1).to_string())
    click.echo("Columns: t11/t12 = Table 11 / Table 12 (forward 5 years); thesis = thesis inputs, model = this model; "
               "--format csv adds NZ$ per MHz per pop")


def _echo_real_options(valuation: Any) -> None:
    """Table 9's inputs and eqs. (17)-(20) step by step, both bases."""
    inputs = valuation.mmwave.inputs
    click.echo("\nReal options step by step (eqs. 17-20, Table 9): option value, then project value = NPV + option value")
    steps = (("S: present value of revenue (NZ$ M)", "s", millions), ("K: present value of cost (NZ$ M)", "k", millions),
             ("d1 (eq. 19)", "d1", lambda v: f"{v:.3f}"), ("d2 (eq. 20)", "d2", lambda v: f"{v:.3f}"),
             ("N(d1)", "n_d1", lambda v: f"{v:.3f}"), ("N(d2)", "n_d2", lambda v: f"{v:.3f}"),
             ("Option value (eq. 18, NZ$ M)", "option", millions), ("NPV (eq. 16, NZ$ M)", "npv_mmwave", millions),
             ("Project value = NPV + option value (eq. 17, NZ$ M)", "project", millions))
    click.echo(f"  T {inputs['option_years']:g} years, r {inputs['risk_free_rate']:.2%}, sigma {inputs['volatility']:.1%} "
               "(both bases)")
    width = max(len(label) for label, _, _ in steps)
    click.echo(f"  {'':{width}} {'thesis inputs':>14} {'this model':>11}")
    for label, key, shown in steps:
        thesis, model = valuation.get(key, "thesis"), valuation.get(key, "model")
        click.echo(f"  {label:{width}} {'not printed' if thesis != thesis else shown(thesis):>14} {shown(model):>11}")


@main.command()
@click.option("--model", type=click.Choice(list(KINDS)), default="thesis",
              show_default=True,
              help="Whose inputs: the thesis cost model and valuation, the interference (TV white-space) case, the "
                   "exchange's lots and bids (csv: the bids as `auction` reads them; xlsx: lots and bids), or the local "
                   "licence workbook's sites, regimes and 28 GHz budget.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "xlsx"]), default=None,
              help="table: a listing; csv or xlsx: an editable template for --inputs [default: table, or by -o's suffix].")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="Write the template to FILE (.csv or .xlsx) instead of listing the inputs.")
@click.option("--force", is_flag=True, help="Replace FILE even if it exists and differs.")
def inputs(model: str, output_format: str | None, output: Path | None, force: bool) -> None:
    """List every input of a model (key, value, unit, valid range, source), or write it as an editable template.

    Edit the template's values in a spreadsheet, then give it to build, value, sensitivity,
    rights or auction with --inputs FILE.
    """
    import pandas as pd

    from xlspectrum.models.costmodel.inputs import INPUTS

    if output_format is None:
        output_format = output.suffix.lower().lstrip(".") if output is not None else "table"
        if output_format not in ("csv", "xlsx"):
            output_format = "table" if output is None else output_format
    if output is not None or output_format == "xlsx" or model != "thesis":
        _write_template(model, output_format, output, force)
        return

    def shown(item: Any) -> str:
        default = item.default
        if item.kind == "series":
            values = list(default)
            while values and values[-1] == 0:
                values.pop()
            return " ".join(f"{v:g}" for v in values)
        return str(default) if not isinstance(default, float) else f"{default:g}"

    table = pd.DataFrame([
        {"key": item.key, "value": shown(item), "unit": item.unit, "valid": item.range_text(),
         "source": item.source, "label": item.label}
        for item in INPUTS.values()
    ])
    if output_format == "csv":
        click.echo(to_csv(table), nl=False)
        return
    from xlspectrum.models.costmodel.inputs import INPUTS as ALL

    width = 118  # a terminal's line: the label and source wrap under the key
    for section in dict.fromkeys(item.section for item in ALL.values()):
        click.echo(f"\n{section}")
        for item in (i for i in ALL.values() if i.section == section):
            value = shown(item)
            value = value if len(value) <= 30 else value[:27] + "..."
            click.echo(f"  {item.key:<36} {value:>30} {item.unit}".rstrip())
            detail = f"{item.label}; valid {item.range_text()}; {item.source}"
            while detail:
                click.echo(f"      {detail[:width - 6]}")
                detail = detail[width - 6:]
    click.echo("\nChange one with --set KEY=VALUE on `build` and `value`; rates are fractions (0.09 = 9 %).")
    click.echo("--format csv gives every column in full; -o FILE.xlsx writes an editable template for --inputs.")


def _write_exchange_template(output_format: str, output: Path | None, force: bool) -> None:
    """``inputs --model exchange``: the bids as ``auction`` reads them (CSV), or the lots and bids (xlsx)."""
    from xlspectrum.models import rights_market
    from xlspectrum.core.files import OutputError, write_file
    from xlspectrum.workbooks.inputs_file import exchange_template_csv, exchange_template_workbook

    if output is None:
        if output_format == "xlsx":
            raise Failure("--format xlsx needs -o FILE.xlsx: a workbook is not written to the terminal")
        if output_format == "csv":
            click.echo(exchange_template_csv().decode("utf-8"), nl=False)
            return
        click.echo("The exchange's lots (Register; the reserve is eq. (12) of the primary's inputs) [US$]:")
        click.echo(rights_market.register().reset_index().to_string(index=False))
        click.echo("\nIts package bids (Bids; the value is eq. (14), floored at 0) [US$]:")
        click.echo(rights_market.bids().reset_index().to_string(index=False))
        click.echo("\n-o FILE.xlsx writes the lots and bids as an editable template for auction --inputs and build "
                   "--model exchange --inputs; -o FILE.csv the bids as `xlspectrum auction FILE.csv` reads them.")
        return
    content = exchange_template_csv() if output_format == "csv" else exchange_template_workbook()
    try:
        written = write_file(output, content, force=force)
    except OutputError as error:
        raise Failure(str(error)) from error
    if output_format == "csv":
        click.echo(f"{'Wrote' if written else 'Up to date:'} {output}: the exchange's bids (bidder, value, units of each "
                   "lot); `xlspectrum auction FILE.csv --supply ... --reserve ...` clears it")
    else:
        click.echo(f"{'Wrote' if written else 'Up to date:'} {output}: the exchange's lots and bids; edit the blue cells, "
                   "then give it to auction or build --model exchange with --inputs")


def _write_template(model: str, output_format: str, output: Path | None, force: bool) -> None:
    """``inputs -o FILE``: the template of ``model``, as CSV or xlsx; without -o, CSV or a listing on stdout."""
    from xlspectrum.core.files import OutputError, write_file
    from xlspectrum.workbooks.inputs_file import template_csv, template_table, template_workbook

    if output_format not in ("table", "csv", "xlsx"):
        raise Failure(f"-o {output}: the file name must end in .csv or .xlsx (or give --format csv|xlsx)")
    if model == "exchange":
        _write_exchange_template(output_format, output, force)
        return
    if output is None:
        if output_format == "xlsx":
            raise Failure("--format xlsx needs -o FILE.xlsx: a workbook is not written to the terminal")
        if output_format == "csv":
            click.echo(template_csv(model).decode("utf-8"), nl=False)
            return
        click.echo(f"Inputs of the {model} model (key, value, unit, valid range, source):")
        for row in template_table(model):
            key = row["key"] + (f"[{row['position']}]" if row["position"] != "" else "")
            click.echo(f"  {key:<30} {row['value']!s:>12} {row['unit']:<8} {row['valid_range']:<18} {row['source']}")
        click.echo(f"\nChange one with --set KEY=VALUE on `build --model {model}` and `rights`; "
                   "-o FILE.xlsx writes an editable template for --inputs." if model == "interference" else
                   "\n-o FILE.xlsx (or .csv) writes an editable template for build --model local --inputs.")
        return
    content = template_csv(model) if output_format == "csv" else template_workbook(model)
    try:
        written = write_file(output, content, force=force)
    except OutputError as error:
        raise Failure(str(error)) from error
    click.echo(f"{'Wrote' if written else 'Up to date:'} {output}: every input of the {model} model; edit the values, "
               "then give it to " + {"thesis": "build, value or sensitivity", "interference": "build --model interference "
                                     "or rights", "local": "build --model local"}[model] + " with --inputs")


@main.command()
@click.option("--format", "output_format", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Change an input of the case (e.g. --set income_per_viewer=2); the table lists them.")
@_inputs_option
def rights(output_format: str, settings: tuple[str, ...], inputs_file: Path | None) -> None:
    """The TV white-space case of Weiss and Cui: viewers lost, reservation prices, secondary value, trade."""
    from xlspectrum.models import tvws

    read = _read_inputs_file(inputs_file, "interference")
    overrides = _with_file(read, _case_overrides(settings))
    locations = tvws.LOCATIONS_KM if read is None or read.locations_km is None else read.locations_km
    summary = tvws.case(overrides, locations_km=locations)["summary"]
    if output_format == "csv":
        click.echo(to_csv(summary), nl=False)
        return
    _echo_sources(read, {text.split("=", 1)[0].strip() for text in settings})
    _echo_overrides(overrides, "xlspectrum rights")
    for line in case_summary(summary):
        click.echo(line)
    click.echo("\nInputs (the paper prints only the powers, the channel and the distances; the rest are assumptions):")
    inputs = tvws.validate(overrides)
    for key, item in tvws.ASSUMPTIONS.items():
        click.echo(f"  {key} = {inputs[key]:g} {item.unit}: {item.source}")


def _case_overrides(settings: tuple[str, ...]) -> dict[str, float]:
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
_SETTINGS = {"xlspectrum inputs": _overrides, "xlspectrum rights": _case_overrides}


@main.command()
@click.option("--tornado", "tornado_file", type=click.Path(path_type=Path), default=None,
              help="CSV of input,low,high for the tornado [default: 14 key inputs +-20 %].")
@click.option("--montecarlo", "montecarlo_file", type=click.Path(path_type=Path), default=None,
              help="CSV of input,distribution,p1,p2,p3 (uniform, triangular, pert, normal, lognormal) "
                   "[default: triangular +-20 % on the tornado's inputs].")
@click.option("--correlations", "correlations_file", type=click.Path(path_type=Path), default=None,
              help="CSV of input_a,input_b,correlation between Monte Carlo inputs (Gaussian copula).")
@click.option("--samples", type=click.IntRange(min=2), default=10_000, show_default=True,
              help="Monte Carlo samples (Latin hypercube).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the sampling: the same seed, the same numbers.")
@click.option("--sobol", is_flag=True, help="Also Sobol indices (first and total order) by SALib.")
@click.option("--sobol-samples", type=click.IntRange(min=2), default=1024, show_default=True,
              help="Base samples of the Sobol' sequence (a power of 2); runs N x (inputs + 2) valuations.")
@click.option("--demand", "demand_forecast", type=click.Choice(DEMAND_FORECASTS), default=None,
              help="Demand forecast of the base case [default: cisco_vni_linear, the thesis' Tables 8-11].")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help="Change the base case (repeatable).")
@_inputs_option
@click.option("--format", "output_format", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.option("--plot", type=click.Path(path_type=Path), default=None, metavar="FILE.png|svg|pdf",
              help="Also draw the tornado and Monte Carlo histogram of the deprival and project values "
                   "(needs the extra 'sensitivity').")
@click.option("--force", is_flag=True, help="Replace --plot's file even if it exists and differs.")
def sensitivity(tornado_file: Path | None, montecarlo_file: Path | None, correlations_file: Path | None, samples: int,
                seed: int, sobol: bool, sobol_samples: int, demand_forecast: str | None, settings: tuple[str, ...],
                inputs_file: Path | None, output_format: str, plot: Path | None, force: bool) -> None:
    """How the chapter 8 values move with their inputs: the thesis' presets, a tornado and a Monte Carlo.

    With no files: the thesis' own sensitivities (volatility, 38 % cheaper 28 GHz base
    stations, each demand forecast, WACC), a tornado of 14 key inputs +-20 % and a
    Monte Carlo over triangular distributions on the same ranges.
    """
    from xlspectrum.models import sensitivity as sa

    read = _read_inputs_file(inputs_file, "thesis")
    base = _with_file(read, _overrides(settings))
    chosen = base.pop("demand_forecast", None)
    if chosen is not None and demand_forecast is not None and chosen != demand_forecast:
        raise Failure(f"--demand {demand_forecast} and --set demand_forecast={chosen} disagree; give one")
    base["demand_forecast"] = demand_forecast or chosen or sa.BASE["demand_forecast"]
    if correlations_file is not None and montecarlo_file is None:
        raise Failure("--correlations needs --montecarlo: correlations are between the inputs of a Monte Carlo file")
    image_format = plot.suffix.lower().lstrip(".") if plot is not None else ""
    if plot is not None and image_format not in ("png", "svg", "pdf"):
        raise Failure(f"--plot {plot}: the file name must end in .png, .svg or .pdf")
    ranges = sa.read_ranges(tornado_file) if tornado_file else sa.default_ranges(base=base)
    distributions = sa.read_distributions(montecarlo_file) if montecarlo_file else sa.default_distributions(base=base)
    correlation = sa.read_correlations(correlations_file, distributions) if correlations_file else None

    def with_progress(label: str, run: Any) -> Any:
        if not sys.stderr.isatty():
            return run(None)
        with click.progressbar(length=1, label=label, file=sys.stderr) as bar:
            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)
            return run(progress)

    preset_table = sa.presets(base)
    tornado_table = sa.tornado(ranges, base)
    carlo = with_progress(f"Monte Carlo, {samples:,} samples",
                          lambda p: sa.monte_carlo(distributions, samples, seed, correlation, base, p))
    sobol_table = (with_progress("Sobol indices", lambda p: sa.sobol(distributions, sobol_samples, seed, base, p))
                   if sobol else None)
    if plot is not None:
        _plot_sensitivity(plot, image_format, force, tornado_table, carlo, base, samples, seed)
    if output_format == "csv":
        click.echo(to_csv(_sensitivity_csv(preset_table, tornado_table, carlo, sobol_table)), nl=False)
        return
    demand = base["demand_forecast"]
    _echo_forecast(demand, "Sensitivity of the value of 28 GHz spectrum, base case")
    _echo_sources(read, {text.split("=", 1)[0].strip() for text in settings})
    _echo_overrides({k: v for k, v in base.items() if k != "demand_forecast"})
    click.echo("Values of the 28 GHz spectrum from this model's cost models (NZ$ M); PV cost is the 28 GHz + 700 MHz "
               "network's.")
    names = {key: label.split(",")[0].split(" (")[0] for key, (label, _) in sa.OUTPUTS.items()}
    click.echo("\nThe thesis' sensitivities (sections 8.4-8.5; the WACC range is xlspectrum's)")
    shown = preset_table.set_index(["preset", "setting"])[list(sa.OUTPUTS)] / 1e6
    click.echo(shown.rename(columns=names).round(1).to_string())
    click.echo(f"\nTornado: each input alone to its low and high value"
               f"{'' if tornado_file else ' (+-20 % of its base value, within its valid range)'}; "
               "the largest swings in the project and deprival values")
    for output in ("project", "deprival"):
        part = tornado_table[tornado_table["output"] == output].head(8)
        click.echo(f"  {sa.OUTPUTS[output][0]}: base {part['base'].iloc[0] / 1e6:,.1f}")
        lines = _frame({"input": part["input"], "low": part["low"].map(_short), "high": part["high"].map(_short),
                          "at low": (part["at_low"] / 1e6).round(1), "at high": (part["at_high"] / 1e6).round(1),
                          "swing": (part["swing"] / 1e6).round(1)})
        click.echo("    " + lines.to_string(index=False).replace("\n", "\n    "))
    click.echo(f"\nMonte Carlo: {samples:,} Latin hypercube samples, seed {seed}"
               f"{', correlated (Gaussian copula)' if correlation is not None else ''}; inputs:")
    for distribution in distributions:
        click.echo(f"  {distribution.input}: {distribution.describe()}")
    summary = carlo.summary.set_index("output")
    table = _frame({"output": [names[k] for k in summary.index],
                      **{c: (summary[c] / 1e6).round(1) for c in ("mean", "p5", "p50", "p95")},
                      "P(> 0)": summary["probability_positive"].map(lambda p: f"{p:.1%}")})
    click.echo(table.to_string(index=False))
    last = carlo.convergence[carlo.convergence["samples"] == samples].set_index("output")
    click.echo("Standard error of each mean (NZ$ M): " + ", ".join(
        f"{names[k]} {last.loc[k, 'standard_error'] / 1e6:.2f}" for k in sa.OUTPUTS))
    if sobol_table is not None:
        click.echo(f"\nSobol indices (SALib, {sobol_samples} x {len(distributions) + 2} runs, seed {seed}): "
                   "first order S1 and total ST of the project value, largest ST first")
        part = sobol_table[sobol_table["output"] == "project"].sort_values("st", ascending=False).head(8)
        click.echo(part[["input", "s1", "st"]].round(3).to_string(index=False))


def _plot_sensitivity(path: Path, image_format: str, force: bool, tornado_table: Any, carlo: Any,
                      base: dict[str, Any], samples: int, seed: int) -> None:
    from xlspectrum.core.files import write_file
    from xlspectrum.models.sensitivity_plot import CHARTED, figure, image_bytes

    changed = ", ".join(f"{k}={v}" for k, v in base.items() if k != "demand_forecast")
    title = (f"Value of 28 GHz spectrum: sensitivity (xlspectrum; demand {base['demand_forecast']}"
             f"{'; ' + changed if changed else ''}; {samples:,} Latin hypercube samples, seed {seed})")
    fig = figure(tornado_table, carlo, CHARTED, title)
    written = write_file(path, image_bytes(fig, image_format), force=force)
    # on stderr: --format csv keeps stdout a table
    click.echo(f"{'Wrote' if written else 'Unchanged:'} {path}", err=True)


def _frame(columns: dict[str, Any]) -> Any:
    import pandas as pd

    return pd.DataFrame(columns)


def _short(number: float) -> str:
    return f"{number:,.6g}" if abs(number) < 1e5 else f"{number:,.0f}"


def _sensitivity_csv(presets: Any, tornado: Any, carlo: Any, sobol: Any) -> Any:
    """Every analysis in one tidy table: analysis, output, item, statistic, value."""
    import pandas as pd

    frames = [presets.melt(id_vars=["preset", "setting"], var_name="output", value_name="value").assign(
        analysis="preset", item=lambda f: f["preset"] + ": " + f["setting"], statistic="value")]
    for column in ("low", "high", "at_low", "at_high", "swing"):
        frames.append(tornado.assign(analysis="tornado", item=tornado["input"], statistic=column,
                                     value=tornado[column]))
    summary = carlo.summary.melt(id_vars=["output", "label"], var_name="statistic", value_name="value")
    frames.append(summary.assign(analysis="montecarlo", item=f"{len(carlo.outputs)} samples, seed {carlo.seed}"))
    if sobol is not None:
        for column in ("s1", "s1_conf", "st", "st_conf"):
            frames.append(sobol.assign(analysis="sobol", item=sobol["input"], statistic=column, value=sobol[column]))
    return pd.concat(frames, ignore_index=True)[["analysis", "output", "item", "statistic", "value"]]


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
        read = _read_exchange_file(path)
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


@main.group()
def addin() -> None:
    """Generate the add-in for a spreadsheet host."""


@addin.command("libreoffice")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("xlspectrum.oxt"), show_default=True,
              help="Where to write the extension.")
@click.option("--python-env", type=click.Path(path_type=Path), default=None,
              help="A virtual environment made with LibreOffice's Python that has xlspectrum: written to the "
                   "configuration file ~/.config/xlspectrum/libreoffice.json, where the extension looks for it "
                   "when $XLSPECTRUM_LO_PYTHON_ENV is not set. The .oxt itself names no folder.")
@click.option("--basic", type=click.Path(path_type=Path), default=None,
              help="Also write the Basic module (.bas), the one the extension puts in My Macros > Standard.")
@click.option("--force", is_flag=True, help="Replace the outputs even if they exist and differ.")
def addin_libreoffice(output: Path, python_env: Path | None, basic: Path | None, force: bool) -> None:
    """Write the LibreOffice extension (.oxt) with every Excel function, from the registry.

    Install it with Tools > Extension Manager (or unopkg add) and restart LibreOffice: at
    start-up it puts its Basic module in My Macros > Standard, where Calc finds the functions.
    LibreOffice's Python finds xlspectrum through $XLSPECTRUM_LO_PYTHON_ENV, else the
    configuration file, else the environment recalc --with-addin made in the cache folder.
    """
    from xlspectrum.hosts import libreoffice
    from xlspectrum.core.files import OutputError, write_file
    from xlspectrum.hosts.registry import FUNCTIONS

    try:
        env = libreoffice.python_env(python_env) if python_env is not None else None
        write_file(output, libreoffice.extension_bytes(), force=force)
        if env is not None:
            config = libreoffice.config_file()
            config.parent.mkdir(parents=True, exist_ok=True)
            write_file(config, libreoffice.config_text(env).encode("utf-8"), force=force)
        if basic is not None:
            write_file(basic, libreoffice.basic_module().encode("utf-8"), force=force)
    except (OutputError, libreoffice.AddinError) as error:
        raise Failure(str(error)) from error
    click.echo(f"Wrote {output}: {len(FUNCTIONS)} functions")
    if env is not None:
        click.echo(f"Wrote {libreoffice.config_file()}: LibreOffice's Python will use {env.resolve()}")
    if basic is not None:
        click.echo(f"Wrote {basic}: the Basic functions Calc calls (the extension puts them in My Macros > Standard "
                   "as the module xlspectrum; paste by hand only where the extension cannot be installed)")

@main.command()
@click.option("--format", "output_format", type=click.Choice(["table", "markdown"]), default="table", show_default=True,
              help="markdown: the function reference as docs/functions.md holds it.")
def functions(output_format: str) -> None:
    """List the Excel functions with their arguments, help and source."""
    from xlspectrum.hosts.registry import FUNCTIONS, reference_markdown

    if output_format == "markdown":
        click.echo(reference_markdown(), nl=False)
        return
    for spec in FUNCTIONS:
        click.echo(click.style(spec.excel_signature(), bold=True))
        click.echo(f"    {spec.description} Python: xlspectrum.{spec.python_name}")
        for argument in spec.arguments:
            click.echo(f"    - {argument.name}: {argument.full_help}")


@main.command()
def examples() -> None:
    """Recompute the worked examples: the thesis' printed figures and independent checks."""
    from xlspectrum.models.examples import EXAMPLES

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
               "published formula or another library's published test value (ns-3), not a thesis figure.")
    for number, note in enumerate(notes, 1):
        click.echo(f"[{number}] inferred, not printed: {note}")


from xlspectrum.cli.register import register  # noqa: E402 - `xlspectrum register ...` (the register of spectrum rights)
main.add_command(register)

if __name__ == "__main__":
    main()


def reference_markdown() -> str:
    """The command-line reference (``docs/cli.md``), written from the commands themselves."""
    lines = ["# The command line", "",
             "Written from the commands' own help by `xlspectrum.cli.reference_markdown()`; a test keeps this page",
             "equal to it. Every failure of every command is one line on stderr starting with `error:` and a",
             "non-zero exit, never a traceback. `xlspectrum COMMAND --help` prints the same.", ""]

    def describe(command: click.Command, context: click.Context, depth: int) -> None:
        usage = " ".join(command.collect_usage_pieces(context))
        lines.extend([f"{'#' * depth} `{context.command_path}`", "", f"`{context.command_path} {usage}`".rstrip(), ""])
        if command.help:
            lines.extend([" ".join(paragraph.split()) for paragraph in command.help.split("\n\n")][:1] + [""])
            lines.extend(" ".join(paragraph.split()) + "\n" for paragraph in command.help.split("\n\n")[1:])
        records = [record for param in command.get_params(context)
                   if isinstance(param, click.Option) and (record := param.get_help_record(context))]
        records = [(names, text) for names, text in records if names not in ("-h, --help", "--help")]
        if records:
            lines.extend(["| option | meaning |", "|---|---|"])
            lines.extend(f"| `{names.replace('|', chr(92) + '|')}` | {' '.join(text.split()).replace('|', chr(92) + '|')} |"
                         for names, text in records)
            lines.append("")
        if isinstance(command, click.Group):
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                describe(sub, click.Context(sub, info_name=name, parent=context), depth + 1)

    root = click.Context(main, info_name="xlspectrum")
    for name in main.list_commands(root):
        command = main.get_command(root, name)
        describe(command, click.Context(command, info_name=name, parent=root), 2)
    return "\n".join(lines).rstrip() + "\n"
