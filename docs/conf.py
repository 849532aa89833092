"""Sphinx configuration of skrnn's documentation site.

Build it with ``sphinx-build -W -b html docs docs/_build/html`` (CI does,
so a broken reference or a docstring numpydoc cannot read fails the build).
The pages are the Markdown files of this folder (MyST); the API reference
is generated from the docstrings (autodoc, autosummary, numpydoc).
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

project = "skrnn"
author = "the skrnn developers"
copyright = "the skrnn developers"  # noqa: A001 - Sphinx's name

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "README.md"]

# Headings up to level 4 get anchors, as GitHub renders them, so links such as
# ``design.md#the-training-budget`` resolve on the site as they do on GitHub.
myst_heading_anchors = 4
myst_enable_extensions = ["colon_fence"]

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "inherited-members": False, "show-inheritance": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "alabaster"
html_title = "skrnn"
html_static_path = []
templates_path = ["_templates"]


def _write_cli_help(app):
    """The ``skrnn compare --help`` text, generated at each build for the command-line page."""
    from skrnn.compare._cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    text = sub.choices["compare"].format_help()
    out = HERE / "reference" / "generated"
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare-help.txt").write_text(text, encoding="utf-8")


def _skip_member(app, what, name, obj, skip, options):
    """Leave out members documented upstream.

    scikit-learn's generated metadata-routing setters (``set_fit_request``
    ...) and what a class inherits from another library.
    """
    if name.startswith("set_") and name.endswith("_request"):
        return True
    module = getattr(obj, "__module__", "") or ""
    if what == "class" and callable(obj) and not module.startswith("skrnn"):
        return True
    return None


def setup(app):
    app.connect("builder-inited", _write_cli_help)
    app.connect("autodoc-skip-member", _skip_member)
