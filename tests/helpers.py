"""Corpora and builders shared by the tests (fixtures live in conftest.py)."""

import numpy as np
from sklearn.pipeline import make_pipeline

from skrnn import GRUClassifier, LSTMClassifier, SequencePadder, SimpleRNNClassifier, TextVectorizer

from .paths import REPO  # noqa: F401 - the tests import it from here with the other helpers

#: A tiny sentiment corpus: two clear classes, with HTML and punctuation.
TEXTS = [
    "A great film, I loved it!",
    "Wonderful acting and a great story<br />really moving",
    "Loved every minute: brilliant and funny.",
    "Brilliant, wonderful, great.",
    "An awful film; I hated it.",
    "Terrible acting and a boring story<br />really dull",
    "Hated every minute: awful and boring.",
    "Boring, terrible, awful.",
] * 6
LABELS = ["pos"] * 4 + ["neg"] * 4
LABELS = LABELS * 6

CLASSIFIERS = [SimpleRNNClassifier, LSTMClassifier, GRUClassifier]
#: The sizes of the small networks the tests train.
SIZES = dict(embedding_dim=8, units=8, random_state=0)
# run_eagerly: tiny models train faster without tf.function tracing; the
# graph path is covered by the tests that set run_eagerly=False.
TINY = dict(**SIZES, epochs=2, batch_size=16, run_eagerly=True)
#: The smallest network: for tests of checks and errors, where what it learns does not matter.
SMALLEST = dict(embedding_dim=4, units=4, epochs=1, random_state=0, run_eagerly=True)


def tiny_pipeline(cls=LSTMClassifier, **params):
    return make_pipeline(TextVectorizer(), SequencePadder(maxlen=12), cls(**{**TINY, **params}))


def token_data(n=60, steps=10, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randint(2, 30, size=(n, steps))
    lengths = rng.randint(0, steps + 1, size=n)
    for i, length in enumerate(lengths):
        X[i, : steps - length] = 0  # pre-padding
    y = (X.sum(axis=1) % 2).astype(int)
    return X, y
