"""``xlspectrum addin``: generate the add-in for a spreadsheet host."""

from __future__ import annotations

from pathlib import Path

import click

from xlspectrum.cli.common import Failure, main


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
