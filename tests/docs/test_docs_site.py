"""The documentation site's API pages cover the layers: a module added to a documented package
gets a page entry (or a reason here), so the Sphinx build of .ci/run documents and validates it."""

import pkgutil
import re
import runpy
from pathlib import Path

import xlspectrum

ROOT = Path(__file__).parents[2]
API = ROOT / "docs" / "api"
#: packages whose every public module is on an API page
DOCUMENTED = ("formulas", "market", "models", "models.costmodel", "register")
#: modules left off, and why
LEFT_OFF = {
    "xlspectrum.models.examples": "the worked examples of the docs pages, not an API",
    "xlspectrum.models.sensitivity_plot": "charts for the command line (matplotlib), not an API",
}


def _documented() -> set[str]:
    text = "\n".join(page.read_text(encoding="utf-8") for page in API.glob("*.rst"))
    return set(re.findall(r"^\.\. automodule:: (\S+)", text, flags=re.M))


def test_every_module_of_a_documented_layer_has_an_api_entry():
    documented = _documented()
    for package in DOCUMENTED:
        path = Path(xlspectrum.__file__).parent.joinpath(*package.split("."))
        for module in pkgutil.iter_modules([str(path)]):
            name = f"xlspectrum.{package}.{module.name}"
            if not module.name.startswith("_") and not module.ispkg and name not in LEFT_OFF:
                assert name in documented, f"{name}: add it to an API page in docs/api/ (or to LEFT_OFF)"


def test_every_api_page_is_in_the_api_toctree():
    index = (API / "index.rst").read_text(encoding="utf-8")
    for page in API.glob("*.rst"):
        if page.stem != "index":
            assert f"   {page.stem}\n" in index, page.name


def test_the_api_index_lists_every_top_level_name():
    conf = runpy.run_path(str(ROOT / "docs" / "conf.py"))
    source = [(API / "index.rst").read_text(encoding="utf-8")]
    conf["_top_level_names"](None, "api/index", source)  # what the build's source-read does
    for name, module in xlspectrum._LAZY.items():
        assert f":obj:`~xlspectrum.{module}.{name}`" in source[0], name
    assert ".. xlspectrum-top-level-names::" not in source[0]
