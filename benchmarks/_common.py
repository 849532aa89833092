"""Helpers shared by the benchmark scripts."""

import os
from pathlib import Path

from _results import cpu, write_results

REPO = Path(__file__).resolve().parents[1]


def data_home():
    """SKRNN_DATA_HOME, else ../shared/data beside the repository."""
    return os.environ.get("SKRNN_DATA_HOME") or str(REPO.parent / "shared" / "data")


def machine():
    """The CPU a section ran on, for its text; the date and versions go in its provenance (``_results``)."""
    return cpu()


def peak_rss_mib():
    """The process's maximum resident set size so far, in MiB (``skrnn.compare.peak_rss_mib``)."""
    from skrnn.compare import peak_rss_mib as peak

    return peak()


def write_section(name, markdown, keep_provenance=False):
    """Store section ``name`` as JSON and render it into docs/benchmarks.md (see ``_results``).

    ``keep_provenance``: a section rendered again from stored runs keeps its measurement's provenance.
    """
    write_results(name, markdown, keep_provenance=keep_provenance)


def mean_interval(values, confidence=0.95):
    """The mean of ``values`` and its t interval: (mean, low, high); nan bounds under two values."""
    import numpy as np
    from scipy import stats

    values = np.asarray(values, float)
    if len(values) < 2:
        return float(values.mean()), float("nan"), float("nan")
    low, high = stats.t.interval(confidence, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    return float(values.mean()), float(low), float(high)


def seconds(fn):
    """The seconds ``fn()`` took."""
    from skrnn.compare import timed

    return timed(fn)[1]


def epoch_clock():
    """A Keras callback summing the seconds between epoch begin and end (``.seconds``).

    Next to the wall time of a ``fit`` call, it separates the epochs from
    what happens outside them (building, iterator set-up and tear-down).
    """
    import time

    import keras

    class EpochClock(keras.callbacks.Callback):
        seconds = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds += time.perf_counter() - self.start

    return EpochClock()


def stratified_sample(X, y, n, seed):
    """``n`` rows of ``(X, y)`` drawn stratified with ``seed``; every row when ``n`` is not below their count."""
    from sklearn.model_selection import train_test_split

    if n >= len(X):
        return X, y
    X_n, _, y_n, _ = train_test_split(X, y, train_size=n, stratify=y, random_state=seed)
    return X_n, y_n


def read_log(path):
    """The JSON lines of a benchmark's log (its printed runs); [] when there is none."""
    import json

    if not path or not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.startswith("{")]
