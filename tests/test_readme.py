"""The README stays true: its function table lists every registry function as it is."""

from pathlib import Path

from xlspectrum.registry import FUNCTIONS

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_readme_lists_every_excel_function_with_its_signature():
    for spec in FUNCTIONS:
        assert f"`{spec.excel_signature()}`" in README, spec.excel_name
        assert f"`{spec.python_name}`" in README


def test_readme_test_command_is_what_ci_runs():
    assert "bash .ci/run" in README
