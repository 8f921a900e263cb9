"""``xlspectrum build``: a model as a live-formula workbook, one loop over the workbook kinds."""

from __future__ import annotations

from pathlib import Path

import click

from xlspectrum.workbooks.kinds import KINDS
from xlspectrum.cli.common import (
    DEFAULT_WORKBOOKS,
    SETTINGS_PARSERS,
    apply_pico_radius,
    echo_forecast,
    echo_overrides,
    echo_sources,
    Failure,
    inputs_option,
    main,
    pico_radius_options,
    read_exchange_file,
    read_inputs_file,
    with_file,
)


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
@inputs_option
@pico_radius_options
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
        read, overrides = read_exchange_file(inputs_file), {}
    else:
        read = read_inputs_file(inputs_file, model)
        overrides = with_file(read, SETTINGS_PARSERS[kind.settings](settings) if kind.settings else {})
        if model == "thesis":
            from xlspectrum.models.costmodel.inputs import resolve

            echo_forecast(resolve(overrides)["demand_forecast"], "Thesis model (Appendix C and chapter 8)")
            apply_pico_radius(overrides, pico_radius, edge_dbm)
        echo_sources(read, {text.split("=", 1)[0].strip() for text in settings})
        if kind.settings:
            echo_overrides(overrides, kind.settings)
    try:
        built = kind.build(read, overrides)
        written = write_file(output, built.content, force=force, same=same_package)
    except OutputError as error:
        raise Failure(str(error)) from error
    click.echo(f"{'Wrote' if written else 'Up to date:'} {output} ({built.note})")
    for line in built.summary:
        click.echo(line)
