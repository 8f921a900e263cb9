"""The writers call the add-in through one registry-checked node (workbooks.style.addin), never
by a function name typed into a formula string."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xlspectrum.hosts.registry import FUNCTIONS
from xlspectrum.workbooks.style import NOT_LOADED, addin, addin_call

WRITERS = sorted((Path(__file__).resolve().parents[2] / "xlspectrum" / "workbooks").glob("*.py"))


NAMES = "|".join(sorted((f.excel_name for f in FUNCTIONS), key=len, reverse=True))
TYPED_CALL = re.compile(rf"(?<!\w)(?:{NAMES})\(")


def test_the_scan_sees_a_typed_call():
    """A positive control: the lines this scan refused before the writers used the node."""
    assert TYPED_CALL.search('''"ofcom": f"OFCOM_SHARED_ACCESS_FEE({s('bandwidth_mhz')})",''')
    assert TYPED_CALL.search('''f"=IFERROR(MAX(0,SECONDARY_VALUE({e},{c},{rev},{cost})),{NOT_LOADED})"''')
    assert not TYPED_CALL.search('''addin("OFCOM_SHARED_ACCESS_FEE", s("bandwidth_mhz"))''')


@pytest.mark.parametrize("path", WRITERS, ids=lambda p: p.name)
def test_no_writer_types_an_add_in_call_into_a_formula(path):
    typed = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if TYPED_CALL.search(line)]
    assert typed == []


def test_the_node_checks_name_and_arguments_against_the_registry():
    assert addin("UMI_RANGE", "$C$5", "$C$6", True) == "UMI_RANGE($C$5,$C$6,TRUE)"
    assert addin_call("FSPL", ["A1", "B1"]) == f'IFERROR(FSPL(A1,B1),"{NOT_LOADED}")'
    with pytest.raises(ValueError, match="UMI_RANGES is not a function of the xlspectrum add-in"):
        addin("UMI_RANGES", "A1", "B1")
    with pytest.raises(ValueError, match=r"FSPL takes 2 to 2 arguments, not 3"):
        addin("FSPL", "A1", "B1", "C1")
    with pytest.raises(ValueError, match=r"FSPL takes 2 to 2 arguments, not 1"):
        addin("FSPL", "A1")
