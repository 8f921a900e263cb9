"""The xlwings layer: registry, names, help, arrays, and bad input as one-line Excel errors."""

import inspect
import math

import formulas
import numpy as np
import pytest
from openpyxl.utils import FORMULAE

import xlspectrum
from xlspectrum.hosts import xlwings_classic as excel
from xlspectrum.hosts.registry import FUNCTIONS, RENAMED_FOR_BUILTINS

from _register_support import EXAMPLE_TOKEN_A, example_register

REGISTER = example_register()

# One valid call per function, in Excel argument order, and what it must return.
GOOD_CALLS = {
    "FSPL": ((1, 1000), 92.42),
    "COST231": ((1800, 1, 30, 1.5), 136.19694765731703),
    "UMI_PATH_LOSS": ((100, 28, True), xlspectrum.umi_path_loss(100, 28, extrapolate=True)),
    "LINK_BUDGET": ((), xlspectrum.max_allowable_path_loss()),
    "CELL_RANGE": ((136.2, 1800, 30, 2), xlspectrum.cell_range_km(136.2, 1800, 30, 2)),
    "LSR": (([[0.5], [2.0], [1.0]], [[2.01], [1.06], [0.5]]), 3.06 / 4.01),
    "SSD": ((1.0, 1.25), 1 - 1 / 1.25**2),
    "SSD_FROM_LSR": ((0.75, 0), 0.25),
    "SITES_FOR_AREA": ((100, 2), 2 / 3 * math.sqrt(3) * 25),
    "LSP_PRICE": ((22e6, 5, 0.94 * 4.43e6, 5, 10_000, 18, 500), 3435.070895303353),
    "SHARED_SPECTRUM_PRICE": ((22e6, 5, 0.94 * 4.43e6, 5, 10_000, 18, 500), 3435.070895303353),
    "NPV_T0": ((0.1, [[0, 110]]), 100.0),
    "BLACK_SCHOLES_OPTION": ((1038, 1289, 5, 0.0364, 0.376), 326.138544161938),
    "DEPRIVAL": ((734, 1289), -555.0),
    "VALUE_PER_MHZ_POP": ((-555e6, 1000, 4_746_100), -555 / 4746.1),
    "BENCHMARK_VALUE": ((0.09, 1000, 4_746_100), 427_149_000.0),
    "SHANNON_CAPACITY": ((6e6, 20), 6e6 * math.log2(101)),
    "THERMAL_NOISE_DBM": ((180e3, 2), xlspectrum.thermal_noise_dbm(180e3) + 2),
    "POWER_SUM_DBM": (([[-90.0], [-90.0]],), -90 + 10 * math.log10(2)),
    "SINR": ((-60, -90, -106.2), xlspectrum.sinr_db(-60, -90, -106.2)),
    "VIEWERS": ((20, 1000), 300.0),
    "BROADCAST_COST": ((0.1, 1000, 24), 2400.0),
    "RESERVATION_PRICE_IR": ((500, 300, 2, 0.1, 24, 1000, 900), 200 * 2 - 0.1 * 24 * 100),
    "RESERVATION_PRICE_EXCLUSIVE": ((500, 2, 0.1, 24, 1000, 0), 500 * 2 - 0.1 * 24 * 1000),
    "SECONDARY_VALUE": ((0.5, 1000, 3, 500), 1000.0),
    "TRADE_SURPLUS": ((1000, 160), 840.0),
    "INTERFERENCE_SHARE": ((-100, [[-120.0]]), -120.0),
    "MSP_CHARGE": ((1, 10_000, 4_700_000, 20), 200 + 10_000 / 4_700_000 * 20_346 / 20 * 20 + 150),
    "BNETZA_LOCAL_FEE": ((100, 10, 0.1, 0.5), 6500.0),
    "OFCOM_SHARED_ACCESS_FEE": ((40,), 320.0),
    "ANNUALISE": ((1000, 0.05, 10), 1000 * 0.05 / (1 - 1.05**-10)),
    # Hata's suburban correction by hand on the small/medium-city loss
    "HATA": ((869, 2, 30, 1, False, "suburban"),
                      xlspectrum.okumura_hata(869, 2, 30, 1) - 2 * math.log10(869 / 28) ** 2 - 5.4),
    "UMI_RANGE": ((152, 28, True), 10 ** ((152 - 22.7 - 26 * math.log10(28)) / 36.7)),
    "UMI_38901": ((100, 5, True), 32.4 + 21 * math.log10(math.hypot(100, 8.5)) + 20 * math.log10(5)),
    "UMI_38901_RANGE": ((32.4 + 21 * math.log10(math.hypot(100, 8.5)) + 20 * math.log10(5), 5, True), 100.0),
    "DOWNLINK_BUDGET": ((), 152.0),
    "SITES_FOR_RANGE": ((1, 220), 2 / (3 * math.sqrt(3) * 0.22**2)),
    "HORNS_FOR_360": ((26.25,), 14.0),
    "GASEOUS_ATTENUATION": ((1, 28, 15), xlspectrum.gaseous_attenuation_db(1, 28, 15)),
    "RAIN_ATTENUATION": ((1, 29, 26.48052, 0, 31.07699124), xlspectrum.rain_attenuation_db(1, 29, 26.48052, 0, 31.07699124)),
    # Ausubel and Milgrom's local-local-global example: VCG charges A 4 and B 2, the global bid loses
    "AUCTION_CLEAR": (([["A"], ["B"], ["AB"]], [[8.0], [6.0], [10.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
                      [[1.0, 4.0], [1.0, 2.0], [0.0, 0.0]]),
    # the example register (tests/_register_support.py): A holds 700-705 MHz, leased to B for 10-20 h
    "REGISTER_HOLDINGS": ((REGISTER, "A", 15),
                          [["token", "band low [MHz]", "band high [MHz]", "paired offset [MHz]", "MHz", "x min [km]",
                            "y min [km]", "x max [km]", "y max [km]", "start [h]", "end [h]", "user", "licences"],
                           [EXAMPLE_TOKEN_A, 700.0, 705.0, 0.0, 5.0, 0.0, 0.0, 10.0, 10.0, 0.0, 100.0, "B", "L1"]]),
    "REGISTER_HISTORY": ((REGISTER, EXAMPLE_TOKEN_A[:12]),
                         [["entry", "at [h]", "operation", "signer", "role", "detail"],
                          [4.0, 0.0, "issue", "RSM", "issued", "to A"], [6.0, 1.0, "lease", "A", "leased", "to B for 10-20 h"]]),
    "REGISTER_HOLDER": ((REGISTER, 702.5, 5, 5, 15), [["holder", "user", "token"], ["A", "B", EXAMPLE_TOKEN_A]]),
}


def has_text(value):
    return isinstance(value, list) and any(isinstance(cell, str) for row in value for cell in row)


def approx(expected):
    """pytest.approx for a number or a spilled range (a list of rows); a table with text compares exactly."""
    if has_text(expected):
        return expected
    return pytest.approx(np.asarray(expected, dtype=float) if isinstance(expected, list) else expected, rel=1e-12)


def as_numbers(result):
    if has_text(result):
        return result
    return np.asarray(result, dtype=float) if isinstance(result, list) else result


def excel_builtins() -> set[str]:
    newer = {name.removeprefix("_XLFN.") for name in formulas.get_functions() if name.startswith("_XLFN.")}
    return set(FORMULAE) | newer


def test_every_registry_function_has_a_good_call():
    assert set(GOOD_CALLS) == {f.excel_name for f in FUNCTIONS}


@pytest.mark.parametrize("name", sorted(GOOD_CALLS))
def test_good_call(name):
    args, expected = GOOD_CALLS[name]
    assert as_numbers(getattr(excel, name)(*args)) == approx(expected)


def test_no_excel_name_collides_with_a_builtin():
    builtins = excel_builtins()
    assert "NPV" in builtins and "XLOOKUP" in builtins  # the list is the real one
    assert not {f.excel_name for f in FUNCTIONS} & builtins
    assert RENAMED_FOR_BUILTINS["NPV"] in {f.excel_name for f in FUNCTIONS}


def test_registry_is_unique_and_covers_the_public_api():
    names = [f.excel_name for f in FUNCTIONS]
    assert len(names) == len(set(names))
    for spec in FUNCTIONS:
        assert spec.python_name in xlspectrum.__all__
        assert getattr(xlspectrum, spec.python_name) is spec.python


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.excel_name)
def test_udf_exposes_what_xlwings_reads(spec):
    udf = getattr(excel, spec.excel_name)
    assert udf.__name__ == spec.excel_name
    assert 0 < len(udf.__doc__) <= 255 and udf.__doc__ == spec.description and "Source: " in udf.__doc__
    parameters = list(inspect.signature(udf).parameters.values())
    # xlwings refuses keyword-only parameters, so every argument is positional
    assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters)
    assert [p.name for p in parameters] == [a.name for a in spec.arguments]
    assert all(0 < len(a.help) <= 255 for a in spec.arguments)


def test_column_in_column_out():
    out = excel.FSPL([[1.0], [10.0], [100.0]], 1000)
    assert out == [[pytest.approx(92.42)], [pytest.approx(112.42)], [pytest.approx(132.42)]]


def test_row_and_column_broadcast_to_a_table():
    out = excel.FSPL([[1.0, 10.0]], [[100.0], [1000.0]])
    assert np.array(out).shape == (2, 2)


@pytest.mark.slow
def test_a_million_values_in_one_call():
    distances = np.linspace(1, 20, 1_000_000)[:, np.newaxis].tolist()
    out = excel.COST231(1800, distances, 30, 1.5)
    assert len(out) == 1_000_000
    assert out[0][0] == pytest.approx(xlspectrum.cost231_hata(1800, 1.0, 30, 1.5))
    assert out[-1][0] == pytest.approx(xlspectrum.cost231_hata(1800, 20.0, 30, 1.5))


def test_switch_and_text_arguments():
    assert excel.COST231(1800, 1, 30, 1.5, True) == pytest.approx(136.19694765731703 + 3)
    assert excel.COST231(1800, 1, 30, 1.5, "TRUE") == pytest.approx(136.19694765731703 + 3)
    assert excel.COST231(1800, 25, 30, 1.5, False, True) > excel.COST231(1800, 20, 30, 1.5)
    assert excel.BLACK_SCHOLES_OPTION(42, 40, 0.5, 0.1, 0.2, "put") == pytest.approx(0.81, abs=0.005)


def required_arguments(spec):
    return [i for i, a in enumerate(spec.arguments) if not a.optional]


BAD_VALUES = {
    "empty": (None, "#VALUE!"),
    "text": ("abc", "#VALUE!"),
    "nan": (float("nan"), "#NUM!"),
    "logical": (True, "#VALUE!"),
}


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.excel_name)
@pytest.mark.parametrize("kind", sorted(BAD_VALUES))
def test_bad_input_gives_one_line_excel_error(spec, kind):
    good_args, _ = GOOD_CALLS[spec.excel_name]
    bad, code = BAD_VALUES[kind]
    for index in required_arguments(spec):
        args = list(good_args)
        args[index] = bad if spec.arguments[index].name not in spec.series_arguments + ("profile_1", "profile_2") else [[1.0], [bad]]
        result = getattr(excel, spec.excel_name)(*args)
        assert isinstance(result, str), (spec.excel_name, index, result)
        assert result.startswith(code if not isinstance(args[index], list) else "#"), result
        assert "\n" not in result and "Traceback" not in result
        assert spec.arguments[index].name in result


@pytest.mark.parametrize(
    "name, args, expected",
    [
        ("FSPL", (-1, 900), "#NUM! distance_km=-1 must be > 0"),
        ("COST231", (1800, 30, 30, 1.5), "#NUM! distance_km=30 must be <= 20"),
        ("HATA", (1800, 1, 30, 1.5), "#NUM! frequency_mhz=1800 must be <= 1500"),
        ("UMI_PATH_LOSS", (5000, 3.5), "#NUM! distance_m=5000 must be <= 2000"),
        ("LSP_PRICE", (22e6, 5, 4e6, 5, 1e4, 0, 500), "#NUM! term_years=0 must be > 0"),
        ("FSPL", ([[1], [2], [3]], [[900], [1800]]), "#VALUE! ranges of shapes that do not fit together: distance_km 3 x 1"),
        ("LSR", ([[1], [2]], [[1], [2], [3]]), "#VALUE! profile_1 has shape"),
        ("FSPL", ([[1], [None]], 900), "#VALUE! distance_km has an empty cell (element 1)"),
        ("COST231", (1800, 1, 30, 1.5, "maybe"), "#VALUE! metropolitan='maybe' must be TRUE or FALSE"),
        ("FSPL", (1, 2, 3), "#VALUE! FSPL takes at most 2 arguments"),
        ("BLACK_SCHOLES_OPTION", (1, 1, 1, 0.01, 0.2, "swap"), "#VALUE! kind='swap'"),
    ],
)
def test_specific_error_lines(name, args, expected):
    assert getattr(excel, name)(*args).startswith(expected)


def test_the_garbage_collector_is_paused_for_a_call_and_left_as_it_was():
    import gc

    from xlspectrum.hosts import marshal, xlwings_classic as excel

    seen = []
    original = marshal._call
    try:
        marshal._call = lambda spec, *args: seen.append(gc.isenabled()) or original(spec, *args)
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            excel.COST231(1800, [[1.0], [2.0]], 30, 1.5)
            excel.COST231(1800, "#N/A", 30, 1.5)  # an error cell: the same restore
            assert gc.isenabled() is enabled
    finally:
        marshal._call = original
        gc.enable()
    assert seen == [False] * 4


def test_the_fast_path_for_numbers_keeps_the_checks_of_the_slow_one():
    from xlspectrum.hosts import marshal, xlwings_classic as excel

    assert marshal._all_numbers([[1.0, 2], [3.0, 4.0]]).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert marshal._all_numbers([[5]]) == 5 and isinstance(marshal._all_numbers([[5]]), int)
    for not_only_numbers in ([[1.0, True]], [[1.0, None]], [[1.0, "#N/A"]], [[1.0], [2.0, 3.0]], [], [[]], [(1.0,)]):
        assert marshal._all_numbers(not_only_numbers) is None
    assert excel.COST231(1800, [[1.0, True]], 30, 1.5).startswith("#VALUE!")
    assert excel.COST231(1800, [[1.0], [2.0, 3.0]], 30, 1.5).startswith("#VALUE!")


def test_the_functions_are_made_by_one_call_that_takes_the_decorators():
    """make_functions with a fake xlwings: every registry function decorated once by func, each
    argument once by arg (2-D, error cells as text, the registry's help)."""
    from xlspectrum.hosts.registry import FUNCTIONS
    from xlspectrum.hosts.xlwings_classic import make_functions

    calls = []

    class FakeXlwings:
        @staticmethod
        def arg(name, **options):
            calls.append(("arg", name, options["ndim"], options["err_to_str"]))
            return lambda f: f

        @staticmethod
        def func(**options):
            calls.append(("func", options["category"]))
            return lambda f: f

    made = make_functions(FakeXlwings)
    assert list(made) == [f.excel_name for f in FUNCTIONS]
    assert sum(c[0] == "func" for c in calls) == len(FUNCTIONS)
    assert sum(c[0] == "arg" for c in calls) == sum(len(f.arguments) for f in FUNCTIONS)
    assert all(c[2:] == (2, True) for c in calls if c[0] == "arg")
    assert made["COST231"](1800, 1.0, 30, 1.5) == make_functions(None)["COST231"](1800, 1.0, 30, 1.5)
