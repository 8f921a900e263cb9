"""docs/register.md is what the commands print: the walk-through runs, and every output shown is compared."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlspectrum.models import nz700
from xlspectrum.cli import main

DOC = Path(__file__).parents[2] / "docs" / "register.md"
#: What differs from run to run by design: hashes that cover the keys' signatures, and the register's random id
VARYING = [(re.compile(r"sha256:[0-9a-f]{64}"), "sha256:<hash>"), (re.compile(r"register [0-9a-f]{16}\.\.\."), "register <id>...")]


def steps(text: str):
    """(files to write, [(command, expected output lines)]) from the doc's console and file blocks."""
    files, commands = {}, []
    for match in re.finditer(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", text, re.S):
        files[match.group(1)] = match.group(2)
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, *output = chunk.rstrip("\n").split("\n")
            commands.append((command, output))
    return files, commands


def normal(lines):
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    for pattern, replacement in VARYING:
        text = pattern.sub(replacement, text)
    return text


def run_walkthrough(text: str, folder: Path):
    files, commands = steps(text)
    for name, content in files.items():
        (folder / name).write_text(content)
    results = []
    for command, expected in commands:
        args = shlex.split(command)
        assert args[0] == "xlspectrum", command
        result = CliRunner().invoke(main, args[1:])
        shown = result.output if result.exit_code == 0 else result.stderr
        results.append((command, expected, shown.splitlines(), result.exit_code))
    return results


def test_the_walkthrough_prints_what_the_doc_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("XLSPECTRUM_REGISTER", raising=False)
    results = run_walkthrough(DOC.read_text(), tmp_path)
    assert len(results) > 20
    for command, expected, got, code in results:
        assert normal(got) == normal(expected), f"$ {command}\n--- doc\n{normal(expected)}\n--- run\n{normal(got)}"
        assert (code != 0) == normal(expected).startswith("error:"), command
    assert (tmp_path / "holdings.xlsx").is_file() and (tmp_path / "holdings.csv").is_file()
    # the Python section runs with the keys the walk-through made
    code = re.search(r"## From Python\n\n```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    exec(compile(code, "docs/register.md", "exec"), {})
    from xlspectrum.register import Register

    assert Register.open(tmp_path / "nz700.sqlite").holdings().groupby("holder").size().to_dict() == {"A": 4, "B": 3, "C": 2}


def test_the_doc_payments_are_table_3s():
    text = DOC.read_text()
    for bidder in "ABC":
        total = nz700.PRINTED_TABLE3[bidder][5]
        assert f"{bidder}: " in text and f"pays {total:,.0f} NZD" in text, bidder
    assert f"{sum(nz700.PRINTED_TABLE3[b][5] for b in 'ABC'):,.0f} NZD in all" in text
