"""The module paths xlspectrum had before it took its layered folders, kept importable.

``import xlspectrum.propagation`` gives the module :mod:`xlspectrum.formulas.propagation` itself
(the same object, run once), so code written against the flat layout keeps working.  Two of the
old names are typed into spreadsheet hosts by users and stay for good, silently:
``xlspectrum.excel`` (classic xlwings' *UDF Modules* setting, and the ``xlwings.conf`` sheet of
every workbook we build) and ``xlspectrum.officejs`` (``from xlspectrum.officejs import *`` in an
xlwings Lite ``main.py``).  The others warn (:class:`DeprecationWarning`) and go in 0.2.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings

#: old module path (under ``xlspectrum``) -> where it lives now
MOVED = {
    "_validation": "core.validation", "_normal": "core.normal", "files": "core.files",
    "propagation": "formulas.propagation", "mmwave": "formulas.mmwave", "atmosphere": "formulas.atmosphere",
    "sharing": "formulas.sharing", "pricing": "formulas.pricing", "valuation": "formulas.valuation",
    "interference": "formulas.interference", "rights": "formulas.rights",
    "clock": "market.clock",
    "costmodel": "models.costmodel", "costmodel.expressions": "core.expressions",
    "chapter8": "models.chapter8", "tvws": "models.tvws", "nz700": "models.nz700",
    "rights_market": "models.rights_market", "sensitivity": "models.sensitivity",
    "sensitivity_plot": "models.sensitivity_plot", "examples": "models.examples",
    "registry": "hosts.registry", "libreoffice": "hosts.libreoffice", "formulas_engine": "hosts.formulas_engine",
    "_lo_finder": "hosts.lo_finder",
    "sheets": "workbooks.style", "workbook": "workbooks.thesis", "sensitivity_sheet": "workbooks.sensitivity_sheet",
    "rights_workbook": "workbooks.rights", "exchange_workbook": "workbooks.exchange", "local_workbook": "workbooks.local",
    "register_export": "workbooks.register_export", "inputs_file": "workbooks.inputs_file",
    "register_cli": "cli.register",
}
#: old names users type into a spreadsheet host: kept for good, without a warning
PERMANENT = {"excel": "hosts.xlwings_classic", "officejs": "hosts.officejs"}


def new_path(old: str) -> str | None:
    """Where the module ``xlspectrum.<old>`` lives now (``None``: it did not move).  A moved
    package's modules move with it (``costmodel.engine`` is ``models.costmodel.engine``)."""
    if old in PERMANENT:
        return PERMANENT[old]
    head, _, rest = old.partition(".")
    if old in MOVED:
        return MOVED[old]
    if rest and head in MOVED:
        return f"{MOVED[head]}.{rest}"
    return None


class _OldPaths:
    """A meta-path finder and loader that answers an old path with the module at its new one.

    First on ``sys.meta_path``: inside an old package's name (``xlspectrum.costmodel.engine``)
    the path finder would otherwise load the file a second time as another module."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname.startswith("xlspectrum.") and new_path(fullname[len("xlspectrum."):]) is not None:
            return importlib.util.spec_from_loader(fullname, _OldPaths)
        return None

    @staticmethod
    def create_module(spec):
        old = spec.name[len("xlspectrum."):]
        new = new_path(old)
        if old not in PERMANENT:
            warnings.warn(f"xlspectrum.{old} is now xlspectrum.{new}; the old path goes in xlspectrum 0.2",
                          DeprecationWarning, stacklevel=2)
        module = importlib.import_module(f"xlspectrum.{new}")
        # the import system sets __spec__ on what this returns: exec_module puts the module's own back
        _OWN_SPECS[spec.name] = module.__spec__
        return module

    @staticmethod
    def exec_module(module):
        for alias, own in list(_OWN_SPECS.items()):
            if own.name == module.__name__:
                module.__spec__ = own
                del _OWN_SPECS[alias]


_OWN_SPECS: dict = {}


def install() -> None:
    """Answer the old paths (once per process)."""
    if _OldPaths not in sys.meta_path:
        sys.meta_path.insert(0, _OldPaths)
