"""Every LibreOffice test is also a slow test, so `pytest -m "not slow"` is the fast loop."""

import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("libreoffice") is not None:
            item.add_marker(pytest.mark.slow)
