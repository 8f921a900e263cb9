"""The sources are attributed correctly, and the project stands on its own."""

import re
import subprocess
from pathlib import Path

from xlspectrum.models.examples import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]


def tracked_text_files():
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        path = ROOT / name
        if path.suffix in (".py", ".md", ".toml", ".csv", ".txt", ".cfg") or name.startswith(".ci/"):
            yield name, path.read_text(encoding="utf-8")


WRONG_AUTHOR = "Ger" + "rard"  # a name earlier versions gave the author by mistake
SHARED_FOLDER = "../" + "shared"  # the design folder beside the repository, which users do not have


def test_the_thesis_author_is_brett_shaw():
    for name, text in tracked_text_files():
        assert WRONG_AUTHOR not in text, name
    for name in ("README.md", "pyproject.toml", "xlspectrum/__init__.py", "xlspectrum/formulas/propagation.py"):
        assert "Shaw" in (ROOT / name).read_text(encoding="utf-8"), name


def test_nothing_points_at_files_a_clone_does_not_have():
    # the thesis is cited by section, table, figure and equation, never by a line of a text dump
    for name, text in tracked_text_files():
        assert SHARED_FOLDER not in text, name
        assert not re.search(r"spec\ssection|\(lines? \d{3,4}", text), name


def test_independent_checks_are_not_presented_as_thesis_figures():
    origins = {example.what: example.origin for example in EXAMPLES}
    assert origins["COST-231 Hata, 1800 MHz, 1 km, hb 30 m, hm 1.5 m"] == "independent"
    assert set(origins.values()) == {"thesis", "independent"}
    ssd = next(e for e in EXAMPLES if e.what.startswith("SSD"))
    assert "back-solved" in ssd.inferred
