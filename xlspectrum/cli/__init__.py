"""Command line: ``xlspectrum build | recalc | value | inputs | rights | auction | functions | examples``.

Every failure is one line on stderr (``error: ...``) naming the input, its value and
what is allowed, with a non-zero exit code; no command prints a traceback.
"""

import click

from xlspectrum.cli.common import DEFAULT_WORKBOOK, DEFAULT_WORKBOOKS, Failure, main, parse_setting

# each module adds its commands to `main`
from xlspectrum.cli import addin, analysis, auction, build, listings, recalculate  # noqa: E402,F401
from xlspectrum.cli.register import register  # noqa: E402 - `xlspectrum register ...` (the register of spectrum rights)

main.add_command(register)

__all__ = ["DEFAULT_WORKBOOK", "DEFAULT_WORKBOOKS", "Failure", "main", "parse_setting", "reference_markdown"]


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
