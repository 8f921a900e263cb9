"""Shared test set-up: the skip markers of tests that need LibreOffice or the add-in's Python
environment (pvlib's ``requires_*`` pattern), and every LibreOffice test marked slow, so
``pytest -m "not slow"`` is the fast loop.

The tests mirror the package: one folder per layer (core, formulas, market, models, register,
hosts, workbooks, recalc, cli) and ``docs`` for the tests that keep the README and docs true.
"""

import os

import pytest

from xlspectrum.hosts import libreoffice
from xlspectrum.recalc import soffice_path

requires_libreoffice = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
requires_addin = pytest.mark.skipif(not os.environ.get(libreoffice.PYTHON_ENV_VARIABLE),
                                    reason="XLSPECTRUM_LO_PYTHON_ENV is not set (.ci/run makes .ci/lo-venv)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("libreoffice") is not None:
            item.add_marker(pytest.mark.slow)
