"""The Excel layer's remaining bad-input cases: every one gives one line naming the argument.

Found by fuzzing: empty optional cells, empty and ragged ranges, shapes that do not fit,
overflowing numbers, finite inputs with a non-finite result, error cells, switches typed
as text, and pandas Series with different indexes.
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xlspectrum
from xlspectrum.hosts import xlwings_classic as excel
from xlspectrum.hosts.registry import FUNCTIONS

from test_excel import GOOD_CALLS, approx, as_numbers


def one_line(text):
    return isinstance(text, str) and "\n" not in text and len(text) <= 255 and text.startswith("#")


@pytest.mark.parametrize("spec", [f for f in FUNCTIONS if any(a.optional for a in f.arguments)], ids=lambda s: s.excel_name)
def test_an_empty_cell_in_an_optional_argument_means_the_default(spec):
    args, expected = GOOD_CALLS[spec.excel_name]
    args = list(args) + [None] * (len(spec.arguments) - len(args))
    for index, argument in enumerate(spec.arguments):
        if argument.optional and args[index] is None:
            args[index] = [[None]]  # what xlwings passes for an empty cell
    result = getattr(excel, spec.excel_name)(*args)
    assert as_numbers(result) == approx(expected), result


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.excel_name)
def test_an_empty_range_is_an_error_naming_the_argument(spec):
    args, _ = GOOD_CALLS[spec.excel_name]
    if not args:
        args = (None,)
    result = getattr(excel, spec.excel_name)([], *args[1:])
    assert one_line(result) and spec.arguments[0].name in result, result


@pytest.mark.parametrize(
    "name, args, expected",
    [
        ("COST231", (1800, [[1.0, 2.0], [3.0]], 30, 1.5), "#VALUE! distance_km is not a rectangular range"),
        ("LINK_BUDGET", ([[23.0], [24.0]], [[0.0], [1.0], [2.0]]),
         "#VALUE! ranges of shapes that do not fit together: tx_power_dbm 2 x 1, tx_antenna_gain_dbi 3 x 1"),
        ("FSPL", (10**400, 1800), "#NUM! distance_km="),
        ("NPV_T0", (-0.99, [[100.0]] * 400), "#NUM! rate=-0.99 over 400 periods"),
        ("BLACK_SCHOLES_OPTION", (1038, 1289, 1000, -0.8, 0.376), "#NUM! risk_free_rate=-0.8 over years=1000"),
        ("CELL_RANGE", (50000, 1800, 30, 2, False, True), "#NUM! max_path_loss_db=50000 gives a range too large"),
        ("CELL_RANGE", (200, 1800, 30, 2), "#NUM! max_path_loss_db=200 gives a range of"),
        ("FSPL", ("#N/A", 1800), "#N/A distance_km holds the error #N/A"),
        ("FSPL", ([[1.0], ["#DIV/0!"]], 1800), "#DIV/0! distance_km holds the error #DIV/0!"),
        ("FSPL", ([[-1.0]], 1800), "#NUM! distance_km=-1 must be > 0"),  # one cell reads like one value
        ("COST231", (1800, 25, 30, 1.5, False, "FALSE"), "#NUM! distance_km=25 must be <= 20"),
        ("COST231", (1800, 25, 30, 1.5, False, "maybe"), "#VALUE! extrapolate='maybe' must be TRUE or FALSE"),
    ],
)
def test_specific_bad_inputs(name, args, expected):
    result = getattr(excel, name)(*args)
    assert one_line(result) and result.startswith(expected), result


def test_overflowing_numbers_raise_value_error_naming_the_argument():
    with pytest.raises(ValueError, match="distance_km"):
        xlspectrum.fspl(10**400, 1800)
    with pytest.raises(ValueError, match="rate=-0.99"):
        xlspectrum.npv(-0.99, [1.0] * 400)


def test_a_text_false_is_not_true_in_python_either():
    with pytest.raises(ValueError, match="distance_km=25 must be <= 20"):
        xlspectrum.cost231_hata(1800, 25, 30, 1.5, extrapolate="FALSE")
    assert xlspectrum.cost231_hata(1800, 25, 30, 1.5, extrapolate="TRUE") > xlspectrum.cost231_hata(1800, 20, 30, 1.5)


def test_series_keep_their_index_and_different_indexes_are_refused():
    distance = pd.Series([1.0, 2.0], index=["a", "b"])
    frequency = pd.Series([900.0, 1800.0], index=["a", "b"])
    result = xlspectrum.fspl(distance, frequency)
    assert list(result.index) == ["a", "b"]
    assert list(xlspectrum.lsp_price(22e6, 5, 4e6, 5, 10_000, pd.Series([18.0, 20.0], index=["x", "y"])).index) == ["x", "y"]
    with pytest.raises(ValueError, match="different indexes"):
        xlspectrum.fspl(distance, frequency.set_axis(["b", "a"]))


CELL = st.one_of(
    st.none(), st.booleans(), st.text(max_size=12), st.sampled_from(["#N/A", "#DIV/0!", "TRUE", "FALSE", "call", "put"]),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-(10**400), max_value=10**400),
)
RANGE = st.lists(st.lists(CELL, min_size=0, max_size=3), min_size=0, max_size=3)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FUNCTIONS), st.lists(st.one_of(CELL, RANGE), max_size=8))
def test_any_input_gives_a_value_or_one_error_line(spec, args):
    result = getattr(excel, spec.excel_name)(*args)
    if isinstance(result, str):
        assert one_line(result), result
    elif isinstance(result, list):
        assert all(math.isfinite(v) for row in result for v in row)
    else:
        assert isinstance(result, float) and math.isfinite(result)


def test_error_texts_are_cut_at_255_characters():
    long_name = "x" * 400
    text = excel.excel_error_text(ValueError(long_name))
    assert len(text) == 255 and text.endswith("...")
    assert np.isfinite(excel.FSPL(1, 1800))
