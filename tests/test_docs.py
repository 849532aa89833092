"""The API reference (docs/reference/, generated from the docstrings) covers every public name.

The site's build (``sphinx-build -W``, run by CI) fails on a broken
reference; these tests fail on what the build cannot see: a public name
left off the reference pages, or a docstring whose parameters do not match
its signature.
"""

import dataclasses
import inspect
import re

import pytest

import skrnn
import skrnn.compare
import skrnn.datasets
import skrnn.distributed
import skrnn.embeddings
import skrnn.export
import skrnn.inspection
import skrnn.reference

from .helpers import REPO

numpydoc_validate = pytest.importorskip("numpydoc.validate")

PAGES = " ".join(path.read_text(encoding="utf-8") for path in sorted((REPO / "docs" / "reference").glob("*.md")))
MODULES = [
    skrnn, skrnn.datasets, skrnn.reference, skrnn.compare, skrnn.distributed, skrnn.inspection, skrnn.embeddings,
    skrnn.export,
]
NAMES = [(module.__name__, name) for module in MODULES for name in module.__all__]
DOCUMENTED = [
    (module, name, getattr(module, name)) for module in MODULES for name in module.__all__
    if inspect.isclass(getattr(module, name)) or inspect.isfunction(getattr(module, name))
]


def _named(name, text=PAGES):
    """Whether ``text`` names ``name`` as a whole word (in an autosummary list or a code span)."""
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text) is not None


@pytest.mark.parametrize("module, name", NAMES, ids=[f"{m}.{n}" for m, n in NAMES])
def test_reference_names_every_public_name(module, name):
    assert _named(name), f"no page of docs/reference/ names {module}.{name}"


@pytest.mark.parametrize("module, name, obj", DOCUMENTED, ids=[f"{m.__name__}.{n}" for m, n, _ in DOCUMENTED])
def test_docstring_documents_every_parameter(module, name, obj):
    assert inspect.getdoc(obj), f"{module.__name__}.{name} has no docstring"
    if dataclasses.is_dataclass(obj):
        missing = [f.name for f in dataclasses.fields(obj) if not _named(f.name, obj.__doc__)]
        assert not missing, f"{name}'s docstring does not describe its fields {missing}"
        return
    result = numpydoc_validate.validate(f"{obj.__module__}.{obj.__qualname__}")
    errors = [f"{code}: {message}" for code, message in result["errors"] if code in ("PR01", "PR02", "GL08")]
    assert not errors, f"{module.__name__}.{name}: {errors}"


def test_the_checks_can_fail():
    assert not _named("no_such_name_anywhere")
    assert not _named("Comparison")  # a prefix of a listed name does not count

    def undocumented(a, b):
        """No parameters section."""

    undocumented.__module__, undocumented.__qualname__ = __name__, "undocumented"
    globals()["undocumented"] = undocumented
    codes = [code for code, _ in numpydoc_validate.validate(f"{__name__}.undocumented")["errors"]]
    assert "PR01" in codes
