"""Charts of a sensitivity analysis: tornado bars and Monte Carlo histograms (matplotlib).

The same pictures as the workbook's Sensitivity sheet, for reports and the README:
``xlspectrum sensitivity --plot sensitivity.svg``.  matplotlib comes with the optional
extra ``sensitivity``; a figure is built with :class:`matplotlib.figure.Figure` directly,
so no global pyplot state is touched and no display is needed.
"""

from __future__ import annotations

import io
from typing import Any, Sequence

import numpy as np
import pandas as pd

from xlspectrum.models import sensitivity as sa
from xlspectrum.core.validation import MissingExtraError

#: outputs charted by default: the thesis' headline values (section 8.7)
CHARTED = ("deprival", "project")
LOW_COLOUR, HIGH_COLOUR, BAR_COLOUR = "#4F81BD", "#C0504D", "#4F81BD"
FORMATS = ("png", "svg", "pdf")


def _matplotlib() -> Any:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError("charts need matplotlib: pip install 'xlspectrum[sensitivity]'") from None
    return matplotlib, Figure


def figure(tornado: pd.DataFrame, carlo: sa.MonteCarlo, outputs: Sequence[str] = CHARTED, title: str = "") -> Any:
    """A figure with, for each output, its tornado (left) and its Monte Carlo histogram (right).

    Parameters
    ----------
    tornado : pandas.DataFrame
        :func:`xlspectrum.models.sensitivity.tornado`'s table [NZ$].
    carlo : MonteCarlo
        :func:`xlspectrum.models.sensitivity.monte_carlo`'s result [NZ$].
    outputs : sequence of str
        Keys of :data:`xlspectrum.models.sensitivity.OUTPUTS` to chart, one row of two charts each.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        Money in NZ$ M; the histograms mark P5, P50 and P95.
    """
    _, Figure = _matplotlib()
    unknown = [o for o in outputs if o not in sa.OUTPUTS]
    if unknown:
        raise sa.SensitivityError(f"outputs={unknown} unknown: choose from {', '.join(sa.OUTPUTS)}")
    fig = Figure(figsize=(13, 4.6 * len(outputs)), layout="constrained")
    axes = fig.subplots(len(outputs), 2, squeeze=False, width_ratios=(1.25, 1))
    for (bars, histogram), output in zip(axes, outputs):
        label = sa.OUTPUTS[output][0]
        part = tornado[tornado["output"] == output].iloc[::-1]  # barh draws the first row at the bottom
        base = part["base"].iloc[0] / 1e6
        y = np.arange(len(part))
        bars.barh(y, (part["at_low"] - part["base"]) / 1e6, color=LOW_COLOUR, label="input at its low value")
        bars.barh(y, (part["at_high"] - part["base"]) / 1e6, color=HIGH_COLOUR, label="input at its high value")
        bars.set_yticks(y, part["label"], fontsize=8)
        bars.axvline(0, color="black", linewidth=0.8)
        bars.set_xlabel(f"change from the base value {base:,.1f} (NZ$ M)")
        bars.set_title(f"Tornado: {label}", fontsize=10, loc="left")
        bars.legend(fontsize=8, loc="lower right")
        bars.grid(axis="x", alpha=0.3)

        values = carlo.outputs[output].to_numpy()
        edges, counts = sa.histogram(values)
        histogram.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color=BAR_COLOUR, edgecolor="white")
        p5, p50, p95 = np.percentile(values, [5, 50, 95]) / 1e6
        for value, name in ((p5, "P5"), (p50, "P50"), (p95, "P95")):
            histogram.axvline(value, color="black", linestyle="--" if name != "P50" else "-", linewidth=0.9)
            histogram.annotate(name, (value, 1), xycoords=("data", "axes fraction"), xytext=(2, -10),
                               textcoords="offset points", fontsize=8)
        histogram.set_title(f"Monte Carlo: {label}\nP5 {p5:,.1f}, P50 {p50:,.1f}, P95 {p95:,.1f} NZ$ M; "
                            f"P(> 0) {(values > 0).mean():.1%}", fontsize=10, loc="left")
        histogram.set_xlabel("NZ$ M")
        histogram.set_ylabel(f"samples (of {len(values):,})")
        histogram.grid(axis="y", alpha=0.3)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def image_bytes(fig: Any, image_format: str) -> bytes:
    """``fig`` as PNG, SVG or PDF; the same figure always gives the same bytes (no dates, fixed ids)."""
    matplotlib, _ = _matplotlib()
    if image_format not in FORMATS:
        raise sa.SensitivityError(f"image format {image_format!r} unknown: one of {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    # text kept as text in SVG (searchable, and a test can read the figures in it); fixed ids and no dates
    with matplotlib.rc_context({"svg.hashsalt": "xlspectrum", "svg.fonttype": "none"}):
        metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                    "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}[image_format]
        fig.savefig(buffer, format=image_format, metadata=metadata, dpi=110)
    return buffer.getvalue()
