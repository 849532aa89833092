import itertools

import numpy as np
import pytest

from skrnn import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    SimpleRNNClassifier,
    SimpleRNNRegressor,
    reference,
)

# Every cell with every readout, masked and not; the two layouts (one layer, or two bidirectional ones) take turns,
# so each cell and each readout meets both. Without masking, the fast subset checks the "last" readout only.
LAYOUTS = [(1, False), (2, True)]
CASES = [
    pytest.param(cls, pooling, LAYOUTS[i % 2], mask, marks=pytest.mark.slow if not mask and pooling != "last" else ())
    for i, (cls, pooling) in enumerate(
        itertools.product([SimpleRNNClassifier, LSTMClassifier, GRUClassifier], ["last", "max", "mean"]))
    for mask in (True, False)
]


@pytest.mark.parametrize("cls, pooling, layers, mask", CASES)
def test_numpy_forward_pass_matches_keras(cls, pooling, layers, mask):
    n_layers, bidirectional = layers
    rng = np.random.RandomState(0)
    X = rng.randint(0, 30, size=(40, 7))
    X[:10, :4] = 0
    X[3] = 0  # an empty document
    y = rng.randint(0, 3 if bidirectional else 2, size=40)
    est = cls(embedding_dim=5, units=3, n_layers=n_layers, bidirectional=bidirectional, pooling=pooling,
              mask_padding=mask, epochs=1, random_state=0, run_eagerly=True).fit(X, y)
    X_new = rng.randint(0, 45, size=(15, 7))  # ids >= 30 are unknown words
    X_new[:5, :3] = 0
    np.testing.assert_allclose(reference.predict_proba(est, X_new), est.predict_proba(X_new), atol=1e-5)


def test_simple_rnn_equation_by_hand():
    x = np.array([[[1.0], [2.0]]])
    W, U, b = np.array([[0.5]]), np.array([[0.25]]), np.array([0.1])
    h1 = np.tanh(1.0 * 0.5 + 0.1)
    h2 = np.tanh(2.0 * 0.5 + h1 * 0.25 + 0.1)
    np.testing.assert_allclose(reference.simple_rnn(x, W, U, b), [[h2]])
    masked = reference.simple_rnn(x, W, U, b, mask=np.array([[True, False]]))
    np.testing.assert_allclose(masked, [[h1]])


# The regressors share the classifiers' network (checked above in every setting) up to the output layer: each
# cell once in the fast subset, then the other poolings and a stacked bidirectional network.
REGRESSION_CASES = [(cls, "last", False) for cls in (SimpleRNNRegressor, LSTMRegressor, GRURegressor)] + [
    pytest.param(SimpleRNNRegressor, "max", True, marks=pytest.mark.slow),
    pytest.param(GRURegressor, "mean", True, marks=pytest.mark.slow),
]


def _ids(rng, n, steps=7, top=30):
    X = rng.randint(0, top, size=(n, steps))
    X[: n // 4, :4] = 0
    return X


@pytest.mark.parametrize("cls, pooling, deep", REGRESSION_CASES)
def test_numpy_forward_pass_matches_regressor_predict(cls, pooling, deep):
    rng = np.random.RandomState(0)
    X = _ids(rng, 40)
    y = 1 + 9 * rng.rand(40)  # ratings-like targets: standardised in fit, unstandardised in predict
    est = cls(embedding_dim=5, units=3, pooling=pooling, n_layers=2 if deep else 1, bidirectional=deep,
              epochs=1, random_state=0, run_eagerly=True).fit(X, y)
    X_new = _ids(rng, 15, top=45)  # ids >= 30 are unknown words
    np.testing.assert_allclose(reference.predict(est, X_new), est.predict(X_new), atol=1e-5)


def test_numpy_forward_pass_matches_multi_output_regression_and_multilabel_proba():
    rng = np.random.RandomState(1)
    X = _ids(rng, 40)
    Y = np.column_stack([rng.rand(40) * 100, rng.randn(40)])
    reg = LSTMRegressor(embedding_dim=5, units=3, epochs=1, random_state=0, run_eagerly=True).fit(X, Y)
    X_new = _ids(rng, 15, top=45)
    assert reg.predict(X_new).shape == (15, 2)
    np.testing.assert_allclose(reference.predict(reg, X_new), reg.predict(X_new), atol=1e-4)
    labels = (rng.rand(40, 3) < 0.4).astype(int)
    clf = GRUClassifier(embedding_dim=5, units=3, epochs=1, random_state=0, run_eagerly=True).fit(X, labels)
    np.testing.assert_allclose(reference.predict_proba(clf, X_new), clf.predict_proba(X_new), atol=1e-5)
