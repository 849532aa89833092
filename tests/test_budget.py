"""The training budget: epochs="auto", batch_size="auto", and what a fit records about them."""

import keras
import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

import skrnn._training
from skrnn import (
    GRUClassifier,
    LSTMClassifier,
    LSTMRegressor,
    SequencePadder,
    SimpleRNNClassifier,
    TextVectorizer,
)

from .helpers import SIZES, token_data

#: Small, eager networks for the budget's bookkeeping; the defaults everywhere else.
EAGER = dict(**SIZES, run_eagerly=True)


class WeightsPerEpoch(keras.callbacks.Callback):
    """Keeps a copy of the model's weights at the end of every epoch."""

    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def expected_best_epoch(val_loss, min_delta=1e-3):
    """The epoch (from 1) the stopping rule keeps: each new best beats the last by more than ``min_delta``."""
    best = 0
    for epoch, loss in enumerate(val_loss):
        if loss < val_loss[best] - min_delta:
            best = epoch
    return best + 1


def test_defaults_are_auto():
    params = LSTMClassifier().get_params()
    assert (params["epochs"], params["batch_size"], params["learning_rate_decay"]) == ("auto", "auto", "auto")
    assert params["max_epochs"] == 100 and params["patience"] == 2


@pytest.mark.parametrize("patience, max_epochs", [pytest.param(100, 6, marks=pytest.mark.slow), (1, 40)])
def test_auto_epochs_keep_the_best_epochs_weights(patience, max_epochs, monkeypatch):
    # (100, 6): the cap ends the fit; (1, 40): the patience does. Either way the model holds the
    # weights of the epoch with the lowest validation loss, and says which one that was.
    monkeypatch.setattr(skrnn._training, "MIN_STOPPING_STEPS", 0)  # no warm-up: the patience alone decides
    X, y = token_data(120)
    spy = WeightsPerEpoch()
    clf = LSTMClassifier(**EAGER, max_epochs=max_epochs, patience=patience, learning_rate=0.03,
                         callbacks=[spy]).fit(X, y)
    val_loss = clf.history_["val_loss"]
    assert clf.n_epochs_ == len(val_loss) == len(spy.weights)
    best = expected_best_epoch(val_loss) - 1
    assert clf.best_epoch_ == best + 1
    for kept, recorded in zip(clf.model_.get_weights(), spy.weights[best]):
        np.testing.assert_array_equal(kept, recorded)
    if patience == 1:
        assert clf.n_epochs_ < max_epochs and clf.n_epochs_ == clf.best_epoch_ + 1
    else:
        assert clf.n_epochs_ == max_epochs


@pytest.mark.slow
def test_auto_epochs_hold_out_a_stratified_tenth():
    X, y = token_data(100)
    clf = SimpleRNNClassifier(**EAGER, max_epochs=2, batch_size=10).fit(X, y)
    # 90 training rows in batches of 10: 9 steps per epoch, the hold-out is not trained on.
    assert clf.model_.optimizer.iterations.numpy() == 2 * 9


def test_an_integer_epochs_is_exact_and_trains_on_every_row():
    X, y = token_data(60)
    clf = GRUClassifier(**EAGER, epochs=3, batch_size=20).fit(X, y)
    assert clf.n_epochs_ == 3 and clf.best_epoch_ == 3
    assert "val_loss" not in clf.history_ and len(clf.history_["loss"]) == 3
    assert clf.model_.optimizer.iterations.numpy() == 3 * 3


@pytest.mark.slow
def test_auto_batch_size_is_resolved_from_the_training_rows():
    X, y = token_data(60)
    clf = LSTMClassifier(**EAGER, epochs=1).fit(X, y)
    assert clf.batch_size_ == 32
    assert clf.model_.optimizer.iterations.numpy() == int(np.ceil(60 / 32))
    assert LSTMClassifier(**EAGER, epochs=1, batch_size=7).fit(X, y).batch_size_ == 7
    assert LSTMClassifier(**EAGER, epochs=1, fit__batch_size=5).fit(X, y).batch_size_ == 5


def test_partial_fit_trains_one_epoch_and_records_it():
    X, y = token_data(60)
    clf = LSTMClassifier(**EAGER)
    clf.partial_fit(X, y).partial_fit(X, y)
    assert clf.n_epochs_ == 1 and clf.best_epoch_ == 2 and len(clf.history_["loss"]) == 2
    assert "val_loss" not in clf.history_  # one epoch per call: nothing to stop


@pytest.mark.slow
def test_warm_start_with_auto_epochs_continues_from_the_kept_weights():
    X, y = token_data(120)
    clf = LSTMClassifier(**EAGER, max_epochs=3, patience=5, warm_start=True).fit(X, y)
    model, weights = clf.model_, clf.model_.get_weights()
    spy = WeightsPerEpoch()
    clf.set_params(callbacks=[spy]).fit(X, y)
    assert clf.model_ is model and clf.n_epochs_ == len(clf.history_["loss"]) == 3
    assert clf.best_epoch_ == expected_best_epoch(clf.history_["val_loss"])
    assert not np.array_equal(spy.weights[0][0], weights[0])  # it trained on from the first fit's best


@pytest.mark.slow
def test_auto_epochs_train_at_least_the_warm_up_steps(monkeypatch):
    monkeypatch.setattr(skrnn._training, "MIN_STOPPING_STEPS", 40)
    # 120 rows: 108 train in batches of 32, 4 steps per epoch; 40 steps are 10 epochs.
    X, y = token_data(120)
    clf = LSTMClassifier(**EAGER, patience=1, max_epochs=200, learning_rate=1e-12).fit(X, y)
    assert clf.n_epochs_ == 10  # the rate never improves the loss, so it stops as soon as it may
    clf = LSTMClassifier(**EAGER, epochs=200, early_stopping=True, patience=1, learning_rate=1e-12).fit(X, y)
    assert clf.n_epochs_ == 2  # an integer epochs with early_stopping: the patience alone, as in Keras


@pytest.mark.slow
def test_frozen_embeddings_get_their_patience_after_they_start_training(monkeypatch):
    monkeypatch.setattr(skrnn._training, "MIN_STOPPING_STEPS", 0)
    X, y = token_data(120)
    clf = LSTMClassifier(**EAGER, trainable_embeddings=4, patience=1, max_epochs=30, learning_rate=1e-12)
    clf.fit(X, y)  # so small a rate never improves the loss by 1e-3: the patience alone decides
    assert clf.n_epochs_ == 5  # epochs 1-4 frozen, then one epoch of patience


@pytest.mark.slow
def test_regressor_and_multilabel_stop_on_their_validation_loss():
    X, y = token_data(120)
    reg = LSTMRegressor(**EAGER, max_epochs=4, patience=100).fit(X, y.astype(float))
    assert reg.n_epochs_ == 4 and reg.best_epoch_ == expected_best_epoch(reg.history_["val_loss"])
    Y = np.c_[y, 1 - y]
    clf = LSTMClassifier(**EAGER, max_epochs=4, patience=100).fit(X, Y)
    assert clf.best_epoch_ == expected_best_epoch(clf.history_["val_loss"])


@pytest.mark.slow
def test_verbose_says_why_training_stopped(capsys):
    X, y = token_data(120)
    LSTMClassifier(**EAGER, max_epochs=2, patience=5, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "LSTMClassifier: trained 2 epochs in batches of 32; stopped because it reached max_epochs=2" in out
    assert "kept the weights of epoch" in out
    LSTMClassifier(**EAGER, max_epochs=2).fit(X, y)
    assert capsys.readouterr().out == ""  # silent by default


def test_auto_epochs_too_few_rows_to_hold_out_says_how_to_train_without_one():
    X = np.array([[2, 3], [3, 4], [4, 5], [5, 6]])
    clf = LSTMClassifier(**EAGER)
    with pytest.raises(ValueError, match=r"epochs='auto'.*class counts: \{0: 3, 1: 1\}.*set epochs to a number"):
        clf.fit(X, [0, 0, 0, 1])
    assert not hasattr(clf, "model_")
    clf.set_params(epochs=2).fit(X, [0, 0, 0, 1])  # the suggested fix works


@pytest.mark.parametrize("params, match", [
    ({"epochs": "many"}, r"'epochs' parameter .* must be .*'auto'"),
    ({"batch_size": "big"}, r"'batch_size' parameter .* must be .*'auto'"),
    ({"max_epochs": 0}, r"'max_epochs' parameter .* must be an int in the range \[1, inf\)"),
])
def test_budget_parameters_are_checked(params, match):
    X, y = token_data(20)
    with pytest.raises(ValueError, match=match):
        LSTMClassifier(**EAGER, **params).fit(X, y)


def _toy(n=900, seed=0):
    """Texts of 10-15 tokens; the label is whether the word "plot" occurs."""
    rng = np.random.RandomState(seed)
    words = [f"w{i}" for i in range(200)] + ["movie", "film", "story", "actor"]
    texts, labels = [], []
    for _ in range(n):
        tokens = list(rng.choice(words, rng.randint(10, 16)))
        label = int(rng.rand() < 0.5)
        if label:
            tokens[rng.randint(len(tokens))] = "plot"
        texts.append(" ".join(tokens))
        labels.append(label)
    return np.array(texts, dtype=object), np.array(labels)


@pytest.mark.slow
@pytest.mark.parametrize("multilabel, floor", [(False, 0.98), (True, 0.95)])
def test_the_defaults_learn_a_one_word_rule(multilabel, floor):
    # A rule any model should learn, from 700 texts, with nothing but the defaults. Next to a random
    # second label the stopping follows both labels' mean loss, whose best epoch the random label's
    # overfitting pulls a little early: 0.965 to 0.985 over seeds 0-2 (0.985 to 0.995 alone).
    texts, y = _toy()
    Y = np.c_[y, np.random.RandomState(1).randint(0, 2, len(y))] if multilabel else y
    pipe = make_pipeline(TextVectorizer(), SequencePadder(), LSTMClassifier(random_state=0)).fit(texts[:700], Y[:700])
    predicted = pipe.predict(texts[700:])
    first = predicted[:, 0] if multilabel else predicted
    assert np.mean(first == y[700:]) >= floor
