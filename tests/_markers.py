"""Skip markers shared by the tests that need LibreOffice or the add-in's Python environment."""

import os

import pytest

from xlspectrum.hosts import libreoffice
from xlspectrum.recalc import soffice_path

needs_libreoffice = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
needs_addin = pytest.mark.skipif(not os.environ.get(libreoffice.PYTHON_ENV_VARIABLE),
                                 reason="XLSPECTRUM_LO_PYTHON_ENV is not set (.ci/run makes .ci/lo-venv)")
