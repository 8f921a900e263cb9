"""Many scenarios run in blocks (issue 25): the same numbers as one block, errors that name the
scenario of the whole run, and ``outputs=`` keeping only the line items asked for."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xlspectrum.core.validation import OutOfRangeError
from xlspectrum.models.costmodel import APPENDIX_C, INPUTS, ScenarioError, engine

BLOCK = 7  # small blocks, so a few dozen scenarios cross several block boundaries


@pytest.fixture()
def small_blocks(monkeypatch):
    monkeypatch.setattr(engine, "SCENARIO_BLOCK", BLOCK)


def _one_block(monkeypatch, **inputs):
    monkeypatch.setattr(engine, "SCENARIO_BLOCK", 10**9)
    return APPENDIX_C.run(inputs)


@pytest.mark.parametrize("count", [BLOCK + 1, 2 * BLOCK, 3 * BLOCK + 2])
def test_blocks_give_exactly_the_numbers_of_one_block(monkeypatch, count):
    rng = np.random.default_rng(count)
    rollout = np.tile(INPUTS["rollout"].default, (count, 1))
    swapped = rng.random(count) < 0.5  # the first two years' shares exchanged: still 100 % in all
    rollout[swapped, :2] = rollout[swapped, 1::-1]
    inputs = {"wacc": rng.uniform(0.05, 0.12, count), "ten_x_step": rng.uniform(4000, 8000, count),
              "rollout": pd.DataFrame(rollout)}
    monkeypatch.setattr(engine, "SCENARIO_BLOCK", BLOCK)
    blocked = APPENDIX_C.run(inputs)
    whole = _one_block(monkeypatch, **inputs)
    assert set(blocked.values) == set(whole.values)
    for key in whole.values:
        assert np.array_equal(blocked[key], whole[key]), key
    assert blocked.table.equals(whole.table)
    assert blocked.values["pv_total_cost"].flags.writeable is False


def test_an_error_names_the_scenario_of_the_whole_run(small_blocks):
    wacc = np.full(3 * BLOCK, 0.08)
    wacc[2 * BLOCK + 3] = -1.0
    with pytest.raises(OutOfRangeError, match=rf"scenario {2 * BLOCK + 3}\b"):
        APPENDIX_C.run(wacc=wacc)
    mix = np.full(3 * BLOCK, INPUTS["mix_macro_urban"].default)
    mix[BLOCK + 2] += 0.1  # the cell-type shares no longer sum to 100 %: an integrity check, in block 2
    with pytest.raises(OutOfRangeError, match=rf"Cell-type proportions sum to 100 % \(urban\): [0-9.]+ \(scenario {BLOCK + 2}\)"):
        APPENDIX_C.run(mix_macro_urban=mix)


def test_outputs_keeps_only_what_is_asked(small_blocks):
    wacc = np.linspace(0.05, 0.12, 3 * BLOCK)
    summary = APPENDIX_C.run(wacc=wacc, outputs=["pv_total_cost"])
    assert set(summary.values) == {"pv_total_cost", "year", "t"}
    assert np.array_equal(summary.pv_total_cost, APPENDIX_C.run(wacc=wacc).pv_total_cost)
    single = APPENDIX_C.run(outputs="pv_total_cost")
    assert set(single.values) == {"pv_total_cost", "year", "t"}
    with pytest.raises(ScenarioError, match=r"outputs='pv_total_cos' is not a line item .*did you mean 'pv_total_cost'"):
        APPENDIX_C.run(wacc=wacc, outputs=["pv_total_cos"])


def test_the_docs_state_the_block_size():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert f"blocks of {engine.SCENARIO_BLOCK:,} (`xlspectrum.models.costmodel.engine.SCENARIO_BLOCK`)" in " ".join(text.split())
