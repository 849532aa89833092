"""The API page names every public name."""

import inspect
import re

import pytest

import skrnn
import skrnn.compare
import skrnn.datasets
import skrnn.distributed
import skrnn.embeddings
import skrnn.inspection
import skrnn.reference

from .helpers import REPO

API = (REPO / "docs" / "api.md").read_text()
#: Every code span of the page (`...`), where a name counts as documented.
SPANS = re.findall(r"`([^`]+)`", API)

MODULES = [
    skrnn, skrnn.datasets, skrnn.reference, skrnn.compare, skrnn.distributed, skrnn.inspection, skrnn.embeddings,
]
NAMES = [(module.__name__, name) for module in MODULES for name in module.__all__]


def _documented(name):
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", span) for span in SPANS)


@pytest.mark.parametrize("module, name", NAMES, ids=[f"{m}.{n}" for m, n in NAMES])
def test_api_page_lists_every_public_name(module, name):
    assert _documented(name), f"docs/api.md has no code span naming {module}.{name}"


ESTIMATOR_METHODS = [
    (cls.__name__, method)
    for cls in (skrnn.TextVectorizer, skrnn.SequencePadder, skrnn.LSTMClassifier)
    for method, _ in inspect.getmembers(cls, inspect.isfunction)
    if not method.startswith("_") and method in vars(cls) | vars(cls.__mro__[1])
    # scikit-learn generates set_*_request (metadata routing) from the signatures
    and not re.fullmatch(r"set_\w+_request", method)
]


@pytest.mark.parametrize("cls, method", ESTIMATOR_METHODS, ids=[f"{c}.{m}" for c, m in ESTIMATOR_METHODS])
def test_api_page_lists_every_method_skrnn_defines(cls, method):
    assert _documented(method), f"docs/api.md does not name {cls}.{method}"


def test_the_check_can_fail():
    assert not _documented("no_such_name_anywhere")
    assert not _documented("Comparison")  # a prefix of a documented name does not count
