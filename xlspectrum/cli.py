"""Command line: ``xlspectrum functions``, ``examples`` (and the cost-model commands)."""

from __future__ import annotations

import click

from .examples import EXAMPLES
from .registry import FUNCTIONS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xlspectrum")
def main() -> None:
    """Spectrum valuation and pricing: the thesis' formulas and cost model, for Excel and Python."""


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
    """Recompute the thesis' worked examples and compare them with the printed figures."""
    click.echo(f"{'example':58} {'source':24} {'printed':>24} {'computed':>14}  ok")
    for example in EXAMPLES:
        value = float(example.compute())
        ok = round(value, example.decimals) == round(example.printed, example.decimals)
        click.echo(
            f"{example.what[:58]:58} {example.where[:24]:24} {example.printed_text:>24} "
            f"{value:>14.{example.decimals + 2}f}  {'yes' if ok else 'NO'}"
        )


if __name__ == "__main__":
    main()
