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


#: Tests of several seconds each whose subject the fast subset covers with a lighter test (warm starts, input and
#: output containers, explanations, the command's reports, weights, saving, XLA): they run in the full suite, so
#: that the fast subset stays under two minutes on 2 cores.
HEAVY_FOR_THE_FAST_SUBSET = frozenset({
    "test_compare_sizes_the_networks_from_the_training_texts",
    "test_a_network_right_on_every_test_row_still_gets_its_report",
    "test_predicting_between_warm_fits_changes_nothing",
    "test_interrupted_warm_fit_is_undone",
    "test_explaining_leaves_the_random_state_of_later_training_unchanged",
    "test_validation_data_is_used_as_given",
    "test_pipeline_gives_the_same_predictions_for_every_transform_output",
    "test_html_escapes_markup",
    "test_one_pipeline_from_four_threads_gives_single_thread_predictions",
    "test_empty_documents_get_finite_probabilities",
    "test_a_closure_loss_trains_with_its_own_constant",
    "test_sample_weight_and_class_weight",
    "test_partial_fit_and_warm_start",
    "test_learning_rate_decays_every_epoch_and_continues_over_partial_fit",
    "test_fast_layer_turns_xla_off_rather_than_fail",
    "test_classifiers_accept_frames_of_ids",
    "test_native_keras_export",
})


def pytest_collection_modifyitems(items):
    """Mark the slow tests: those that read the real IMDB data, the pages' examples, repeated docstring examples.

    The pages' examples (docs/*.md) are whole workflows. The estimators'
    docstring examples are one per kind in the fast subset (the LSTM's).
    """
    for item in items:
        reads_imdb = {"imdb_home", "imdb_sample"} & set(getattr(item, "fixturenames", ()))
        repeated = item.name.rsplit(".", 1)[-1] in REPEATED_EXAMPLES
        heavy = getattr(item, "originalname", None) in HEAVY_FOR_THE_FAST_SUBSET
        if reads_imdb or str(item.path).endswith(".md") or repeated or heavy:
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
