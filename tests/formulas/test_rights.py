"""Several interference rights on one protected receiver: overlap and the aggregate budget."""

import math

import pytest

from xlspectrum.formulas.rights import InterferenceRight, aggregate_dbm_per_mhz, budget_table, check_budget, overlaps


def right(name, band=(600, 606), area=(0, 0, 10, 10), window=(0, 24), level=-110.0, tolerated=-105.0, **more):
    return InterferenceRight(name, band, area, window, level, tolerated, **more)


def test_overlap_needs_band_area_and_time():
    a = right("a")
    assert overlaps(a, right("b"))
    assert not overlaps(a, right("other band", band=(606, 612)))  # adjacent channels do not overlap
    assert not overlaps(a, right("other area", area=(10, 0, 20, 10)))
    assert not overlaps(a, right("other time", window=(24, 48)))
    assert overlaps(a, right("corner", band=(605, 611), area=(9, 9, 12, 12), window=(23, 30)))


def test_aggregate_adds_in_milliwatts():
    assert aggregate_dbm_per_mhz([right("a"), right("b")]) == pytest.approx(-110 + 10 * math.log10(2))
    assert aggregate_dbm_per_mhz([right("a", probability=0.5)]) == pytest.approx(-110 + 10 * math.log10(0.5))


def test_budget_within_and_beyond():
    ok = check_budget([right("a"), right("b"), right("elsewhere", area=(50, 50, 60, 60), level=-100.0, tolerated=-99.0)])
    assert ok["within_budget"].all() and ok.loc[0, "overlaps"] == "b"
    four = [right(str(i)) for i in range(4)]  # 4 x -110 dBm/MHz = -103.98 > -105
    table = budget_table(four)
    assert not table["within_budget"].any()
    with pytest.raises(ValueError, match="0: -103.98 dBm/MHz > -105.00"):
        check_budget(four)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"band": (606, 600)}, "band_mhz=(606, 600) must have start < end"),
        ({"window": (0, "x")}, "window_h=(0, 'x') must be a pair"),
        ({"probability": 0}, "probability=0 must be > 0"),
        ({"level": 400}, "interference_dbm_per_mhz=400"),
        ({"area": (0, 0, 10)}, "area_km=(0, 0, 10) must be"),
    ],
)
def test_bad_rights_name_the_field(kwargs, fragment):
    with pytest.raises(ValueError) as info:
        right("r", **kwargs)
    assert fragment in str(info.value) and str(info.value).startswith("r:")
