"""The standard normal distribution's CDF and quantile, with scipy.special imported on first use.

Importing :mod:`scipy.special` costs about half a second (most of it its array-API dispatch
layer), which every ``import xlspectrum`` and every command paid; most commands never evaluate
a normal distribution. These wrappers are scipy's own functions, so results are identical.
"""

from __future__ import annotations

from typing import Any


def ndtr(x: Any) -> Any:
    """Standard normal CDF, ``scipy.special.ndtr`` (= ``scipy.stats.norm.cdf``) [-]."""
    from scipy.special import ndtr as cdf

    return cdf(x)


def ndtri(p: Any) -> Any:
    """Standard normal quantile, ``scipy.special.ndtri`` (= ``scipy.stats.norm.ppf``) [-]."""
    from scipy.special import ndtri as quantile

    return quantile(p)
