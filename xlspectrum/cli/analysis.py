"""``xlspectrum value | inputs | rights | sensitivity``: the models' figures on the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from xlspectrum.models.costmodel.printed import VALUATION_FORECAST
from xlspectrum.core.files import to_csv
from xlspectrum.workbooks.kinds import KINDS, case_summary, millions
from xlspectrum.cli.common import (
    DEMAND_FORECASTS,
    apply_pico_radius,
    case_settings,
    echo_forecast,
    echo_overrides,
    echo_sources,
    Failure,
    inputs_option,
    main,
    pico_radius_options,
    read_inputs_file,
    thesis_settings,
    with_file,
)


@main.command("value")
@click.option("--demand", "demand_forecast", type=click.Choice(DEMAND_FORECASTS), default=None,
              help="Demand forecast of the valuation [default: cisco_vni_linear, the thesis' Tables 8-11].")
@click.option("--format", "output_format", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help="Override an input for both networks (repeatable).")
@inputs_option
@click.option("--scenarios", "scenarios_file", type=click.Path(path_type=Path), default=None, metavar="FILE.csv",
              help="Run many scenarios at once: a CSV with a scenario column of names and one column per input key, "
                   "one row per scenario, on top of --inputs; --format csv writes one row of results per scenario.")
@pico_radius_options
def value_command(demand_forecast: str | None, output_format: str, settings: tuple[str, ...], inputs_file: Path | None,
          scenarios_file: Path | None, pico_radius: str, edge_dbm: float) -> None:
    """Value the 28 GHz spectrum four ways (thesis chapter 8): thesis inputs beside this model."""
    import pandas as pd

    from xlspectrum.models.chapter8 import valuation_table
    from xlspectrum.models.chapter8 import value as value_chapter8

    read = read_inputs_file(inputs_file, "thesis")
    overrides = with_file(read, thesis_settings(settings))
    scenarios = _read_scenarios_file(scenarios_file, overrides, settings, pico_radius)
    apply_pico_radius(overrides, pico_radius, edge_dbm)
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
    echo_forecast(demand, "Value of 28 GHz spectrum (2 x 500 MHz, NZ$)")
    echo_sources(read, {text.split("=", 1)[0].strip() for text in settings})
    echo_overrides(overrides)
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
    echo_forecast(demand, f"Value of 28 GHz spectrum (2 x 500 MHz, NZ$), {count} scenario{'' if count == 1 else 's'} "
                           f"from {scenarios.path.name}")
    echo_sources(read, {text.split("=", 1)[0].strip() for text in settings})
    base = {k: v for k, v in overrides.items() if k not in scenarios.overrides}
    echo_overrides(base)
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


@main.command("inputs")
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
def inputs_command(model: str, output_format: str | None, output: Path | None, force: bool) -> None:
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


@main.command("rights")
@click.option("--format", "output_format", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Change an input of the case (e.g. --set income_per_viewer=2); the table lists them.")
@inputs_option
def rights_command(output_format: str, settings: tuple[str, ...], inputs_file: Path | None) -> None:
    """The TV white-space case of Weiss and Cui: viewers lost, reservation prices, secondary value, trade."""
    from xlspectrum.models import tvws

    read = read_inputs_file(inputs_file, "interference")
    overrides = with_file(read, case_settings(settings))
    locations = tvws.LOCATIONS_KM if read is None or read.locations_km is None else read.locations_km
    summary = tvws.case(overrides, locations_km=locations)["summary"]
    if output_format == "csv":
        click.echo(to_csv(summary), nl=False)
        return
    echo_sources(read, {text.split("=", 1)[0].strip() for text in settings})
    echo_overrides(overrides, "xlspectrum rights")
    for line in case_summary(summary):
        click.echo(line)
    click.echo("\nInputs (the paper prints only the powers, the channel and the distances; the rest are assumptions):")
    inputs = tvws.validate(overrides)
    for key, item in tvws.ASSUMPTIONS.items():
        click.echo(f"  {key} = {inputs[key]:g} {item.unit}: {item.source}")


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
@inputs_option
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

    read = read_inputs_file(inputs_file, "thesis")
    base = with_file(read, thesis_settings(settings))
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
    echo_forecast(demand, "Sensitivity of the value of 28 GHz spectrum, base case")
    echo_sources(read, {text.split("=", 1)[0].strip() for text in settings})
    echo_overrides({k: v for k, v in base.items() if k != "demand_forecast"})
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
