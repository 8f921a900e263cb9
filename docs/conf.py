"""Sphinx configuration of the xlspectrum documentation site.

Build (as .ci/run does, warnings as errors, output outside the repository)::

    python -m sphinx -W --keep-going -b html docs /tmp/xlspectrum-html

The pages are the Markdown files of docs/ (MyST); the API reference is generated from the
docstrings (autodoc + numpydoc, whose validation hook checks the docstrings' sections) and the
Excel function reference (functions.md) from the function registry.  Nothing is written under docs/.
"""

import xlspectrum

project = "xlspectrum"
author = "xlspectrum contributors"
copyright = "2020-2025, xlspectrum contributors"
version = release = xlspectrum.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
]

root_doc = "index"
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
html_theme = "alabaster"
html_static_path: list[str] = []
templates_path: list[str] = []

# MyST: GitHub-style heading anchors, so the pages' links to sections (page.md#a-heading) resolve
myst_heading_anchors = 4

# autodoc: members in source order; autosummary only as tables (no generated stub files under docs/)
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}
autosummary_generate = False

# numpydoc: no autosummary tables of class members (the members are documented on the page)
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# numpydoc's validation hook: the checks every documented docstring passes (see the report of
# `numpydoc_validation_checks = {"all"}` in the commit that set these); a failure is a warning,
# and the build treats warnings as errors.
numpydoc_validation_checks = {
    "PR01",  # parameters not documented
    "PR02",  # unknown parameters documented
    "RT01",  # no Returns section
}
numpydoc_validation_exclude = {
    r"\._[^.]*$",  # private names
}


def _top_level_names(app, docname, source):
    """Fill api/index's table of the top-level names from xlspectrum's own table (``_LAZY``)."""
    if docname != "api/index":
        return
    import importlib
    import inspect

    rows = []
    for name, module in xlspectrum._LAZY.items():
        obj = getattr(importlib.import_module(f"xlspectrum.{module}"), name)
        doc = inspect.getdoc(obj) if callable(obj) else None
        summary = doc.split("\n\n")[0].replace("\n", " ") if doc else ""
        rows.append(f"   * - :obj:`~xlspectrum.{module}.{name}`\n     - ``xlspectrum.{module}``\n     - {summary}")
    table = ".. list-table::\n   :header-rows: 1\n   :widths: 20 25 55\n\n" \
            "   * - Name\n     - Module\n     - Summary\n" + "\n".join(rows) + "\n"
    source[0] = source[0].replace(".. xlspectrum-top-level-names::", table)


def setup(app):
    app.connect("source-read", _top_level_names)
