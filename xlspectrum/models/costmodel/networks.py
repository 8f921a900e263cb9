"""The two networks of chapter 8 as two models of the same line items.

The 28 GHz + 700 MHz network is the Appendix C model as printed (:data:`APPENDIX_C`); the
700 MHz-only network meeting the same demand is the same model with the input overrides
of ``data/networks.csv`` (a 2 x 20 MHz carrier, the pico layer served by 700 MHz micro
cells), each with its reason.  The deprival value of section 8.6 is the difference of
their present values of cost.
"""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any

from xlspectrum.models.costmodel.engine import APPENDIX_C, Model


def _load_networks() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, str]]]:
    text = resources.files("xlspectrum").joinpath("data/networks.csv").read_text(encoding="utf-8")
    overrides: dict[str, dict[str, Any]] = {}
    notes: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(text.splitlines()):
        overrides.setdefault(row["network"], {})[row["key"]] = float(row["value"])
        notes.setdefault(row["network"], {})[row["key"]] = row["note"]
    return overrides, notes


NETWORKS, NETWORK_NOTES = _load_networks()
#: input overrides that turn the Appendix C model into the 700 MHz-only network
UHF_OVERRIDES: dict[str, Any] = NETWORKS["uhf_700"]
#: The 700 MHz-only network (chapter 8's counterfactual for the deprival value)
UHF_700: Model = APPENDIX_C.with_overrides(UHF_OVERRIDES, name="uhf_700", label="700 MHz-only network")
MODELS: tuple[Model, ...] = (APPENDIX_C, UHF_700)
