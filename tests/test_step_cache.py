"""Compiled steps shared between models of one architecture (skrnn/_compat/step_cache.py).

The differential tests fit, in one process, a model after another model
of a different (or the same) setting with sharing on, and the same model
alone with sharing off: weights and ``history_`` must be identical bit for
bit, whatever the first model was.
"""

import gc
import weakref

import keras
import numpy as np
import pytest

import skrnn
from skrnn import GRUClassifier, LSTMClassifier, LSTMRegressor, SimpleRNNClassifier, SimpleRNNRegressor
from skrnn._compat import clear_shared_steps, kept_counts

from .helpers import TINY, token_data

GRAPH = {**TINY, "run_eagerly": False, "learning_rate_decay": 1.0}


def make_loss(scale):
    def scaled_bce(y_true, y_pred):
        return scale * keras.losses.binary_crossentropy(y_true, y_pred)

    return scaled_bce


def make_metric(threshold):
    def above(y_true, y_pred):
        return keras.ops.mean(keras.ops.cast(y_pred > threshold, "float32"))

    return above


@pytest.fixture(scope="module")
def keras_offers_its_step():
    """Whether this Keras's train function holds one traced step over the iterator to share (Keras >= 3.10)."""
    clear_shared_steps()
    X, y = token_data(16, steps=4)
    SimpleRNNClassifier(**{**GRAPH, "epochs": 1}).fit(X, y)
    offered = kept_counts()[0] == 1
    clear_shared_steps()
    return offered


@pytest.fixture
def shared(keras_offers_its_step):
    """Skips a test of the train step's sharing where Keras offers no step to share (each model traces its own)."""
    if not keras_offers_its_step:
        pytest.skip("this Keras's train function holds no traced step over the iterator: nothing is shared")


@pytest.fixture
def traces(monkeypatch):
    """Counts the train steps Keras traces."""
    from keras.src.backend.tensorflow.trainer import TensorFlowTrainer

    traced = []
    step = TensorFlowTrainer.train_step
    monkeypatch.setattr(TensorFlowTrainer, "train_step", lambda model, data: traced.append(1) or step(model, data))
    clear_shared_steps()
    yield traced
    clear_shared_steps()


def _data(multilabel=False, regression=False):
    X, y = token_data(48, steps=8)
    if multilabel:
        y = np.column_stack([y, (X[:, -1] > 15).astype(int)])
    if regression:
        y = X[:, -3:].sum(axis=1).astype(float)
    return X, y


def _fit(cls, params, X, y, fit_params):
    return cls(**{**GRAPH, **params}).fit(X, y, **fit_params)


def _assert_same_fit(a, b):
    for wa, wb in zip(a.model_.get_weights(), b.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert dict(a.history_) == dict(b.history_)


def _weights(scale):
    return np.linspace(0.5, 1.5, 48) ** scale


# (estimator, first setting, second setting, fit arguments of the first and second, target kind)
CASES = {
    "loss closures": (LSTMClassifier, {"loss": make_loss(1.0)}, {"loss": make_loss(100.0)}),
    "metric closures": (SimpleRNNClassifier, {"metrics": [make_metric(0.3)]}, {"metrics": [make_metric(0.7)]}),
    "focal loss gamma": (
        GRUClassifier,
        {"loss": keras.losses.BinaryFocalCrossentropy(gamma=1.0)},
        {"loss": keras.losses.BinaryFocalCrossentropy(gamma=4.0)},
    ),
    "optimizer settings": (LSTMClassifier, {"optimizer__rho": 0.5}, {"optimizer__rho": 0.99}),
    "class_weight": (SimpleRNNClassifier, {"class_weight": {0: 1.0, 1: 1.0}}, {"class_weight": {0: 1.0, 1: 5.0}}),
    "dropout": (GRUClassifier, {"dropout": 0.0}, {"dropout": 0.5}),
    "same dropout": (LSTMClassifier, {"dropout": 0.3}, {"dropout": 0.3}),
    "frozen then fine-tuned embeddings": (
        SimpleRNNClassifier, {"trainable_embeddings": False}, {"trainable_embeddings": True}
    ),
    "embedding schedule": (GRUClassifier, {"trainable_embeddings": 1}, {"trainable_embeddings": 1}),
    "regressor": (LSTMRegressor, {"dropout": 0.1}, {"dropout": 0.1}),
    "regressor loss closures": (SimpleRNNRegressor, {"loss": "mse"}, {"loss": "mae"}),
    "multilabel": (GRUClassifier, {"units": 8}, {"units": 8}),
}
FAST = set()  # the fast subset keeps test_a_closure_loss_trains_with_its_own_constant


@pytest.mark.parametrize(
    "case", [c if c in FAST else pytest.param(c, marks=pytest.mark.slow) for c in CASES]
)
def test_a_fit_after_another_model_equals_a_fit_without_sharing(case, traces):
    cls, first, second = CASES[case]
    X, y = _data(multilabel=case == "multilabel", regression=cls in (LSTMRegressor, SimpleRNNRegressor))
    _fit(cls, first, X[::-1], y[::-1], {})
    shared = _fit(cls, second, X, y, {})
    with skrnn.config_context(share_compiled_steps=False):
        alone = _fit(cls, second, X, y, {})
    _assert_same_fit(shared, alone)


@pytest.mark.slow
def test_sample_weights_after_other_weights_equal_a_fit_without_sharing(shared, traces):
    X, y = _data()
    _fit(LSTMClassifier, {}, X, y, {"sample_weight": _weights(1)})
    shared = _fit(LSTMClassifier, {}, X, y, {"sample_weight": _weights(4)})
    assert len(traces) == 1  # the weights are data: one step serves both
    with skrnn.config_context(share_compiled_steps=False):
        alone = _fit(LSTMClassifier, {}, X, y, {"sample_weight": _weights(4)})
    _assert_same_fit(shared, alone)


def test_a_closure_loss_trains_with_its_own_constant(traces):
    # Keras writes a function out by its name: two closures of one name
    # must not share a step. The scaled loss is 100 times the plain one.
    X, y = _data()
    plain = _fit(LSTMClassifier, {"loss": make_loss(1.0)}, X, y, {})
    scaled = _fit(LSTMClassifier, {"loss": make_loss(100.0)}, X, y, {})
    assert len(traces) == 2
    np.testing.assert_allclose(scaled.history_["loss"][0], 100 * plain.history_["loss"][0], rtol=1e-2)


@pytest.mark.slow
def test_settings_written_out_by_value_share_one_step(shared, traces):
    X, y = _data()
    params = {"loss": keras.losses.BinaryFocalCrossentropy(gamma=2.0)}
    _fit(SimpleRNNClassifier, params, X, y, {})
    _fit(SimpleRNNClassifier, {"loss": keras.losses.BinaryFocalCrossentropy(gamma=2.0)}, X[::-1], y[::-1], {})
    assert len(traces) == 1
    _fit(SimpleRNNClassifier, {"loss": keras.losses.BinaryFocalCrossentropy(gamma=3.0)}, X, y, {})
    assert len(traces) == 2


@pytest.mark.parametrize("cls", [SimpleRNNClassifier, pytest.param(LSTMClassifier, marks=pytest.mark.slow)])
def test_a_model_of_the_same_architecture_runs_the_kept_step_with_the_same_result(cls, shared, traces):
    # The second fit runs the first model's traced step on its own variables:
    # no new trace, the weights a fresh trace gives, the first model untouched.
    X, y = token_data(48, steps=8)
    params = {**TINY, "run_eagerly": False, "dropout": 0.25}
    first = cls(**params).fit(X, y)
    before = [w.copy() for w in first.model_.get_weights()]
    second = cls(**params).fit(X[::-1], y[::-1])
    assert len(traces) == 1
    for a, b in zip(before, first.model_.get_weights()):
        np.testing.assert_array_equal(a, b)

    clear_shared_steps()
    fresh = cls(**params).fit(X[::-1], y[::-1])
    assert len(traces) == 2
    for a, b in zip(second.model_.get_weights(), fresh.model_.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(second.predict_proba(X), fresh.predict_proba(X))

    cls(**{**params, "units": 6}).fit(X, y)  # another architecture: traced anew
    cls(**{**params, "random_state": 1}).fit(X, y)  # another seed: traced anew
    assert len(traces) == 4
    second.partial_fit(X, y)  # a warm fit keeps its own step
    assert len(traces) == 4


@pytest.mark.slow
def test_a_model_of_the_same_architecture_predicts_with_the_kept_function(monkeypatch):
    # Prediction runs the inference function traced for an earlier model of
    # the same architecture, on the new model's weights: no trace, the
    # probabilities a fresh trace gives, the earlier model's unchanged.
    clear_shared_steps()
    X, y = token_data(48, steps=8)
    params = {**TINY, "run_eagerly": False}
    first = SimpleRNNClassifier(**params).fit(X, y)
    first_proba = first.predict_proba(X)
    second = SimpleRNNClassifier(**{**params, "random_state": 1}).fit(X, y)

    traced = []
    call = keras.Model.__call__
    monkeypatch.setattr(keras.Model, "__call__", lambda model, *a, **k: traced.append(1) or call(model, *a, **k))
    proba = second.predict_proba(X)
    assert traced == []
    np.testing.assert_array_equal(first.predict_proba(X), first_proba)

    clear_shared_steps()
    fresh = SimpleRNNClassifier(**{**params, "random_state": 1}).fit(X, y)
    np.testing.assert_array_equal(fresh.predict_proba(X), proba)
    assert traced  # the fresh model traced its own
    assert not np.array_equal(proba, first_proba)


@pytest.mark.slow
def test_a_refused_call_gives_way_to_keras_own_step_and_is_not_kept(shared, traces, monkeypatch):
    # A TensorFlow upgrade that changes the private call: the fit goes on
    # with Keras' own traced step, the result is the same, and the refused
    # step is dropped.
    from skrnn._compat import step_cache

    X, y = _data()
    _fit(SimpleRNNClassifier, {}, X, y, {})
    assert kept_counts() == (1, 0)

    def refuse(self, arguments, captures):
        raise TypeError("_call_flat() takes 2 positional arguments but 3 were given")

    monkeypatch.setattr(step_cache._Traced, "call", refuse)
    shared = _fit(SimpleRNNClassifier, {}, X[::-1], y[::-1], {})
    assert len(traces) == 2
    assert kept_counts()[0] == 0
    proba = shared.predict_proba(X)  # the inference function falls back too
    with skrnn.config_context(share_compiled_steps=False):
        alone = _fit(SimpleRNNClassifier, {}, X[::-1], y[::-1], {})
    _assert_same_fit(shared, alone)
    np.testing.assert_array_equal(proba, alone.predict_proba(X))


@pytest.mark.slow
def test_a_step_whose_fit_failed_is_not_kept(shared, traces):
    X, y = _data()
    _fit(SimpleRNNClassifier, {}, X, y, {})
    assert kept_counts()[0] == 1

    class Fail(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        _fit(SimpleRNNClassifier, {"callbacks": [Fail()]}, X, y, {})
    assert kept_counts()[0] == 0
    with pytest.raises(RuntimeError, match="stop"):  # a new model's own step is not kept after a failure either
        _fit(SimpleRNNClassifier, {"callbacks": [Fail()]}, X, y, {})
    assert kept_counts()[0] == 0


@pytest.mark.slow
def test_the_switch_turns_sharing_off_and_frees_the_kept_steps(shared, traces):
    X, y = _data()
    model = _fit(SimpleRNNClassifier, {}, X, y, {})
    model.predict(X)
    assert kept_counts() == (1, 1)
    ref = weakref.ref(model.model_)
    skrnn.set_config(share_compiled_steps=False)
    try:
        assert kept_counts() == (0, 0)
        del model
        gc.collect()
        assert ref() is None  # nothing holds the model once its steps are dropped
        _fit(SimpleRNNClassifier, {}, X, y, {}).predict(X)
        _fit(SimpleRNNClassifier, {}, X, y, {})
        assert len(traces) == 3
        assert kept_counts() == (0, 0)
    finally:
        skrnn.set_config(share_compiled_steps=True)
    assert skrnn.get_config() == {"share_compiled_steps": True}


@pytest.mark.slow
def test_the_cache_is_bounded_and_frees_what_it_drops(shared, traces):
    from skrnn._compat import SHARED_STEPS

    X, y = _data()
    first = _fit(SimpleRNNClassifier, {"units": 3}, X, y, {})
    ref = weakref.ref(first.model_)
    del first
    for units in range(4, 4 + SHARED_STEPS):
        _fit(SimpleRNNClassifier, {"units": units}, X, y, {})
    assert kept_counts()[0] == SHARED_STEPS
    gc.collect()
    assert ref() is None


def test_set_config_refuses_a_value_that_is_not_a_bool():
    with pytest.raises(TypeError, match="share_compiled_steps must be True or False, got 'no'"):
        skrnn.set_config(share_compiled_steps="no")
    assert skrnn.get_config()["share_compiled_steps"] is True
