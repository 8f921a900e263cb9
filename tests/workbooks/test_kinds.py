"""Every workbook kind through one path: build, recalculate with each engine, compare with Python
(xlspectrum.workbooks.kinds, the loop behind `build --model K` and `recalc PATH`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import requires_libreoffice
from xlspectrum.recalc import recalculate_formulas, recalculate_libreoffice
from xlspectrum.workbooks.kinds import KINDS, ComparisonError, kind_of, master_check

ROOT = Path(__file__).resolve().parents[2]
ENGINES = {
    "formulas": pytest.param(recalculate_formulas, marks=pytest.mark.slow, id="formulas"),
    "libreoffice": pytest.param(recalculate_libreoffice, marks=[pytest.mark.libreoffice, requires_libreoffice],
                                id="libreoffice"),
}


def test_the_kinds_are_the_committed_workbooks():
    assert sorted(str(kind.path) for kind in KINDS.values()) == sorted(
        str(path.relative_to(ROOT)) for path in (ROOT / "workbooks").glob("*.xlsx"))


@pytest.mark.parametrize("name", list(KINDS))
def test_each_committed_workbook_is_recognised_as_its_kind_only(name):
    path = ROOT / KINDS[name].path
    assert kind_of(path) is KINDS[name]
    assert [kind.name for kind in KINDS.values() if kind.recognises(path)] == [name]


def test_a_workbook_we_did_not_build_is_no_kind(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.properties.keywords = "xlspectrum thesis model"  # the keywords alone are not enough: the sheets too
    book.save(tmp_path / "other.xlsx")
    assert kind_of(tmp_path / "other.xlsx") is None


@pytest.mark.parametrize("engine", ENGINES.values())
@pytest.mark.parametrize("name", list(KINDS))
def test_every_kind_builds_recalculates_and_agrees_with_python(name, engine, tmp_path):
    kind = KINDS[name]
    built = kind.build(None, {})
    assert built.content == (ROOT / kind.path).read_bytes()  # the built-in default is the committed workbook
    path = tmp_path / kind.path.name
    path.write_bytes(built.content)
    recalculated = engine(path)
    recalculated.raise_for_problems()
    master, state = master_check(recalculated)
    assert master is True, state
    assert kind.compare(path, recalculated).startswith("Every ")
    assert kind.headline(recalculated)


@pytest.mark.slow
def test_a_changed_value_is_a_comparison_error(tmp_path):
    """The comparison sees a cell that disagrees: the local workbook's first price, recalculated
    by formulas and then altered, is refused naming the cell."""
    kind = KINDS["local"]
    path = tmp_path / "local.xlsx"
    path.write_bytes(kind.build(None, {}).content)
    recalculated = recalculate_formulas(path)
    from xlspectrum.workbooks import local

    key = next(k for k, v in local.expected_cells(local.read_inputs(path)).items() if isinstance(v, float) and v)
    recalculated.values[key] = recalculated.values[key] * 1.01 + 1
    with pytest.raises(ComparisonError, match="differ from Python"):
        kind.compare(path, recalculated)
