"""Shared corpora and fixtures."""

import os
import random
from pathlib import Path

# Quiet TensorFlow's C++ start-up logging in the test runs only.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

from .paths import REPO

#: Docstring examples that repeat another cell's (the same template, another class name).
REPEATED_EXAMPLES = ("SimpleRNNClassifier", "GRUClassifier", "SimpleRNNRegressor", "GRURegressor")


def pytest_collection_modifyitems(items):
    """Mark the slow tests: those that read the real IMDB data, the pages' examples, repeated docstring examples.

    The pages' examples (docs/*.md) are whole workflows. The estimators'
    docstring examples are one per kind in the fast subset (the LSTM's).
    """
    for item in items:
        reads_imdb = {"imdb_home", "imdb_sample"} & set(getattr(item, "fixturenames", ()))
        repeated = item.name.rsplit(".", 1)[-1] in REPEATED_EXAMPLES
        if reads_imdb or str(item.path).endswith(".md") or repeated:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fixed_seeds():
    """Every test starts from the same Python and NumPy random state."""
    py_state, np_state = random.getstate(), np.random.get_state()
    random.seed(0)
    np.random.seed(0)
    yield
    random.setstate(py_state)
    np.random.set_state(np_state)


def imdb_archive_path():
    """The shared IMDB copy: SKRNN_DATA_HOME, else ../shared/data beside the repo."""
    home = os.environ.get("SKRNN_DATA_HOME")
    candidates = [Path(home)] if home else []
    candidates.append(REPO.parent / "shared" / "data")
    for folder in candidates:
        if folder.is_file() or list(folder.glob("aclImdb*.tar.gz")) or (folder / "aclImdb").is_dir():
            return folder
    return None


@pytest.fixture(scope="session")
def imdb_home():
    """Folder with the real IMDB data; a test needing it fails under CI=true."""
    home = imdb_archive_path()
    if home is None:
        message = "IMDB data not found (set SKRNN_DATA_HOME or provide ../shared/data)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return home


@pytest.fixture(scope="session")
def imdb_sample(imdb_home):
    """A small stratified IMDB sample: 600 train and 300 test reviews."""
    from skrnn.datasets import load_imdb_sample

    return load_imdb_sample(600, n_test=300, data_home=imdb_home)
