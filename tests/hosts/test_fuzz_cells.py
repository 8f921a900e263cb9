"""Every registry function, called as a cell calls it, with cell-like values (issue 21, section 5).

Each result is a finite number, a range of finite numbers (a table may hold text), or one
line of at most 255 characters starting with an Excel error, naming no Python internals,
naming only arguments of that function, and never the fallback for an exception no check
of ours caught (:data:`xlspectrum.hosts.marshal.UNEXPECTED`).
"""

import math
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlspectrum.hosts.marshal import EXCEL_ERRORS, EXCEL_TEXT_LIMIT, UNEXPECTED, call_excel_function
from xlspectrum.hosts.registry import BY_EXCEL_NAME, FUNCTIONS

INTERNALS = ("Traceback", "TypeError", "numpy", "array(", "<class", "NoneType", "Error:", "dtype", " object at 0x",
             "np.", "float64")

SCALARS = st.sampled_from([
    None, "", " ", "abc", "TRUE", "FALSE", True, False, float("nan"), float("inf"), -float("inf"), 1e308, -1e308,
    1.5e308, 10**400, -1, -1e6, 0, 0.0, -0.0, 1, 0.5, 0.999, 2, 10, 28, 100, 900, 1000, 1e12, 1e20, 1e-9, 1e-300,
    5e-324, 2**63, "#N/A", "#VALUE!", "#DIV/0!", "#NUM!", "#REF!", "12", "1e3", "-", "=1+1", "call", "vcg", "urban",
])
NUMBERS = st.floats(-1e4, 1e4, allow_nan=False) | st.integers(-10, 1000)
CELL = SCALARS | NUMBERS
RANGE = st.lists(st.lists(CELL, min_size=1, max_size=3), min_size=1, max_size=3)  # rectangular or ragged
VALUE = CELL | st.lists(st.lists(CELL, min_size=1, max_size=1), min_size=1, max_size=1) | RANGE | st.just([]) | st.just([[]])


def problem(spec, result):
    """What is wrong with a cell's result, or None."""
    names = {a.name for a in spec.arguments}
    if isinstance(result, str):
        if result.startswith(f"#VALUE! {UNEXPECTED}"):
            return "an exception no check caught"
        if "\n" in result or "\r" in result or len(result) > EXCEL_TEXT_LIMIT:
            return "not one line of at most 255 characters"
        if not any(result == code or result.startswith(code + " ") for code in EXCEL_ERRORS):
            return "not an Excel error"
        if any(word in result for word in INTERNALS):
            return "Python internals"
        wrong = [n for n in re.findall(r"\b([a-z][a-z0-9_]*)=", result) if n not in names]
        return f"names {wrong[0]}, not an argument of {spec.excel_name}" if wrong else None
    if isinstance(result, bool):
        return "a logical value"
    if isinstance(result, (int, float)):
        return None if math.isfinite(result) else "not finite"
    if isinstance(result, list) and all(isinstance(row, list) for row in result):
        for cell in (cell for row in result for cell in row):
            if isinstance(cell, str):
                if any(word in cell for word in INTERNALS):
                    return "Python internals in a table"
            elif isinstance(cell, bool) or not isinstance(cell, (int, float)) or not math.isfinite(cell):
                return f"a cell {cell!r}"
        return None
    return f"a {type(result).__name__}"


@pytest.fixture(scope="module", autouse=True)
def in_an_empty_folder(tmp_path_factory):
    """The register functions read a path: any text given them names a file in an empty folder."""
    before = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cells"))
    yield
    os.chdir(before)


@pytest.mark.parametrize("name", [spec.excel_name for spec in FUNCTIONS])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_function_gives_a_number_or_one_clear_error(name, data):
    spec = BY_EXCEL_NAME[name]
    count = data.draw(st.integers(max(0, len(spec.arguments) - 2), len(spec.arguments)))
    mostly_valid = data.draw(st.booleans())
    arguments = tuple(data.draw(NUMBERS if mostly_valid and data.draw(st.booleans()) else VALUE) for _ in range(count))
    result = call_excel_function(spec, *arguments)
    assert problem(spec, result) is None, (name, arguments, result)


@pytest.mark.parametrize("name, arguments, expected", [
    ("SITES_FOR_RANGE", (0.5, 5e-324), "range_m"),  # blamed isd_km, an argument it does not have
    ("SSD_FROM_LSR", (0.5, -1e6), "#NUM! ssd_symmetric=-1e+06 must be >= 0"),  # returned -500000 for a fraction
    ("SSD_FROM_LSR", (0.5, 1.5), "#NUM! ssd_symmetric=1.5 must be <= 1"),
    ("FSPL", (1e-9, 900), "#NUM! distance_km=1e-09 must be >= 5.3e-05 km at frequency_mhz=900"),  # was -88.5 dB
    ("UMI_38901", (100, 28, [[1, 0]]), "#VALUE! los is a range of 2 cells; give one TRUE or FALSE"),
    ("REGISTER_HOLDER", ("r.db", 900, [[1], [2]], 0, 0), "#VALUE! x_km is a range of 2 cells; give one cell"),
    ("REGISTER_HOLDINGS", ("r.db", 10**400), "#NUM! holder=1000000000000"),
    ("INTERFERENCE_SHARE", ([[-100, -90]], -80), "#VALUE! budget_dbm is a range of 2 cells"),
    ("FSPL", (1, 2, 3), "#VALUE! FSPL takes at most 2 arguments"),
])
def test_the_cases_the_fuzzing_found_name_what_the_user_typed(name, arguments, expected):
    result = call_excel_function(BY_EXCEL_NAME[name], *arguments)
    assert isinstance(result, str) and expected in result, result
    assert problem(BY_EXCEL_NAME[name], result) is None
