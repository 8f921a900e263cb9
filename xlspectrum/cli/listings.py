"""``xlspectrum functions | examples``: the Excel functions, and the worked examples recomputed."""

from __future__ import annotations


import click

from xlspectrum.cli.common import main

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
