"""Charts of a sensitivity analysis: the bars are the tornado's, the columns the histogram's."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from xlspectrum.models import sensitivity as sa
from xlspectrum.core.validation import MissingExtraError
from xlspectrum.models.sensitivity_plot import CHARTED, figure, image_bytes
from test_cli import assert_one_line_failure, invoke

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def analysis():
    return sa.tornado(), sa.monte_carlo(samples=500, seed=3)


def test_bars_are_the_changes_of_the_tornado_and_columns_the_histogram(analysis):
    tornado, carlo = analysis
    fig = figure(tornado, carlo, CHARTED, "title")
    axes = fig.get_axes()
    assert len(axes) == 2 * len(CHARTED)
    for row, output in enumerate(CHARTED):
        bars, columns = axes[2 * row], axes[2 * row + 1]
        part = tornado[tornado["output"] == output]
        widths = [patch.get_width() for patch in bars.patches]
        low = ((part["at_low"] - part["base"]) / 1e6).to_numpy()[::-1]
        high = ((part["at_high"] - part["base"]) / 1e6).to_numpy()[::-1]
        assert widths == pytest.approx(np.concatenate([low, high]))
        # the largest swing is drawn on top (the last tick)
        assert bars.get_yticklabels()[-1].get_text() == part["label"].iloc[0]
        edges, counts = sa.histogram(carlo.outputs[output].to_numpy())
        assert [patch.get_height() for patch in columns.patches] == list(counts)
        title = columns.get_title(loc="left")
        assert f"P50 {np.percentile(carlo.outputs[output], 50) / 1e6:,.1f}," in title


def test_images_are_reproducible_and_formats_checked(analysis):
    fig = figure(*analysis)
    for image_format in ("svg", "png"):
        assert image_bytes(fig, image_format) == image_bytes(figure(*analysis), image_format)
    assert image_bytes(fig, "svg").lstrip().startswith(b"<?xml")
    with pytest.raises(sa.SensitivityError, match="'gif' unknown"):
        image_bytes(fig, "gif")
    with pytest.raises(sa.SensitivityError, match="unknown: choose from"):
        figure(*analysis, outputs=("npv",))


def test_without_matplotlib_the_error_names_the_extra(analysis, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtraError, match=r"xlspectrum\[sensitivity\]"):
        figure(*analysis)


def test_cli_plot_writes_once_and_never_replaces_a_different_file(tmp_path):
    target = tmp_path / "s.svg"
    result = invoke("sensitivity", "--samples", "64", "--plot", str(target), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.stderr and result.stdout.startswith("analysis,")
    assert b"Monte Carlo: Deprival value" in target.read_bytes()
    assert "Unchanged" in invoke("sensitivity", "--samples", "64", "--plot", str(target)).stderr
    target.write_text("my notes")
    refused = invoke("sensitivity", "--samples", "64", "--seed", "2", "--plot", str(target))
    assert_one_line_failure(refused, "--force")
    assert target.read_text() == "my notes"
    assert invoke("sensitivity", "--samples", "64", "--plot", str(target), "--force").exit_code == 0


def test_cli_plot_needs_an_image_name(tmp_path):
    assert_one_line_failure(invoke("sensitivity", "--plot", str(tmp_path / "s.txt")), ".png, .svg or .pdf")
