"""Soak: many fit / predict cycles in one process, as a long grid search runs them."""

import gc

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from skrnn import LSTMClassifier, SequencePadder, TextVectorizer

from .helpers import LABELS, TEXTS

pytestmark = pytest.mark.slow

keras = pytest.importorskip("keras")
psutil = pytest.importorskip("psutil")


def live_keras_models():
    gc.collect()
    return sum(isinstance(o, keras.Model) for o in gc.get_objects())


def small_pipeline(i):
    # Every other cycle runs eagerly: half the cost of tracing, and both the
    # graph and the eager paths are soaked.
    return make_pipeline(TextVectorizer(max_features=30 + i % 7), SequencePadder(maxlen=10 + i % 5),
                         LSTMClassifier(embedding_dim=8, units=4 + i % 3, epochs=1, random_state=i,
                                        run_eagerly=bool(i % 2)))


def test_ten_fit_predict_cycles_keep_memory_and_models_bounded():
    proc = psutil.Process()
    kept = small_pipeline(0).fit(TEXTS, LABELS)  # a fitted model must survive the cycles
    expected = kept.predict_proba(TEXTS)
    for i in range(3):  # warm-up: first traces, imports
        small_pipeline(i).fit(TEXTS, LABELS).predict(TEXTS)
    models_before = live_keras_models()
    gc.collect()
    rss_before = proc.memory_info().rss
    rss = {}
    for i in range(10):
        small_pipeline(i).fit(TEXTS, LABELS).predict_proba(TEXTS)
        if i + 1 in (5, 10):
            gc.collect()
            rss[i + 1] = (proc.memory_info().rss - rss_before) / 2**20
    assert rss[5] < 300, f"RSS grew by {rss[5]:.0f} MiB over 5 fits"
    assert rss[10] < 300, f"RSS grew by {rss[10]:.0f} MiB over 10 fits"
    assert live_keras_models() <= models_before
    np.testing.assert_array_equal(kept.predict_proba(TEXTS), expected)
