"""The recurrent regressors: what they add to the shared base (the target, the head, R²)."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, KFold, check_cv
from sklearn.pipeline import make_pipeline

from skrnn import GRURegressor, LSTMRegressor, SequencePadder, SimpleRNNRegressor, TextVectorizer

from .helpers import TEXTS, TINY, token_data

keras = pytest.importorskip("keras")

REGRESSORS = [SimpleRNNRegressor, LSTMRegressor, GRURegressor]
#: Star-rating-like targets of the tiny corpus: its positive texts high, its negative ones low.
RATINGS = np.tile([9.0, 8.0, 10.0, 7.0, 2.0, 3.0, 1.0, 4.0], 6)


def rating_data(n=60, seed=0):
    X, _ = token_data(n, seed=seed)
    y = 1 + (X % 7).sum(axis=1) / 6.0  # a number each sequence's tokens determine
    return X, y


@pytest.mark.parametrize("cls", REGRESSORS)
def test_is_a_regressor_with_plain_kfold(cls):
    est = cls()
    assert is_regressor(est) and is_regressor(make_pipeline(TextVectorizer(), SequencePadder(), est))
    assert isinstance(check_cv(5, RATINGS, classifier=False), KFold)


# One cell in the fast subset; the others in the full suite.
CELLS = [SimpleRNNRegressor, *(pytest.param(cls, marks=pytest.mark.slow) for cls in REGRESSORS[1:])]


@pytest.mark.parametrize("cls", CELLS)
def test_pipeline_predicts_ratings_and_scores_r2(cls):
    pipe = make_pipeline(TextVectorizer(), SequencePadder(maxlen=12), cls(**{**TINY, "epochs": 8}))
    pipe.fit(TEXTS, RATINGS)
    pred = pipe.predict(TEXTS)
    assert pred.shape == (len(TEXTS),) and pred.dtype == np.float64
    assert pipe.score(TEXTS, RATINGS) == pytest.approx(r2_score(RATINGS, pred))
    # It learns the direction: positive texts rated above negative ones.
    assert pred[RATINGS > 5].mean() > pred[RATINGS < 5].mean()


def test_targets_are_standardised_in_fit_and_restored_in_predict():
    X, y = rating_data()
    est = LSTMRegressor(**TINY).fit(X, 100 + 10 * y)
    assert est.target_mean_ == pytest.approx([np.mean(100 + 10 * y)])
    assert est.target_scale_ == pytest.approx([np.std(100 + 10 * y)])
    raw = est.model_.predict(X, verbose=0)[:, 0]
    np.testing.assert_allclose(est.predict(X), raw * est.target_scale_[0] + est.target_mean_[0], rtol=1e-5)
    plain = LSTMRegressor(**TINY, standardize_target=False).fit(X, y)
    assert plain.target_mean_ == [0.0] and plain.target_scale_ == [1.0]
    np.testing.assert_allclose(plain.predict(X), plain.model_.predict(X, verbose=0)[:, 0], rtol=1e-5)


@pytest.mark.slow
def test_a_constant_target_keeps_a_unit_scale():
    X, _ = rating_data()
    est = GRURegressor(**TINY).fit(X, np.full(len(X), 7.0))
    assert est.target_scale_ == [1.0] and np.isfinite(est.predict(X)).all()


def test_output_layer_is_linear_and_loss_is_mse_by_default_or_as_given():
    X, y = rating_data()
    est = LSTMRegressor(**TINY).fit(X, y)
    output = est.model_.get_layer("output")
    assert output.units == 1 and output.activation.__name__ == "linear"
    assert est.model_.loss in ("mean_squared_error", "mse")
    huber = LSTMRegressor(**TINY, loss="huber").fit(X, y)
    assert getattr(huber.model_.loss, "__name__", huber.model_.loss) == "huber"
    assert huber.history_["loss"] != est.history_["loss"]


@pytest.mark.slow
def test_multi_output_targets():
    X, y = rating_data()
    Y = np.column_stack([y, -3 * y + 50])
    est = GRURegressor(**TINY).fit(X, Y)
    assert est.n_outputs_ == 2 and est.model_.get_layer("output").units == 2
    assert est.predict(X).shape == (len(X), 2)
    np.testing.assert_allclose(est.target_mean_, Y.mean(axis=0))
    with pytest.raises(ValueError, match="fitted on y of shape"):
        est.score(X, y)


@pytest.mark.slow
def test_same_seed_same_predictions_clone_and_pickle():
    X, y = rating_data()
    a = LSTMRegressor(**TINY, dropout=0.2).fit(X, y)
    b = clone(a).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(restored.predict(X), a.predict(X))


def test_validation_split_is_a_seeded_random_holdout_and_early_stopping_works():
    from skrnn._training import random_holdout_split

    train, val = random_holdout_split(50, 0.2, 0)
    assert len(val) == 10 and len(train) == 40 and not set(train) & set(val)
    np.testing.assert_array_equal(val, random_holdout_split(50, 0.2, 0)[1])
    assert not np.array_equal(val, random_holdout_split(50, 0.2, 1)[1])
    X, y = rating_data()
    est = SimpleRNNRegressor(**{**TINY, "epochs": 6}, early_stopping=True, patience=1).fit(X, y)
    assert "val_loss" in est.history_ and 1 <= len(est.history_["loss"]) <= 6
    with pytest.raises(ValueError, match="leaves none to train on"):
        SimpleRNNRegressor(**TINY, validation_split=0.99).fit(X[:3], y[:3])


@pytest.mark.slow
def test_validation_data_is_standardised_like_the_training_targets():
    X, y = rating_data()
    est = LSTMRegressor(**TINY).fit(X[:40], 1000 * y[:40], validation_data=(X[40:], 1000 * y[40:]))
    # In standard deviations of the target: a loss near 1, not near 1000 ** 2.
    assert est.history_["val_loss"][-1] < 10


@pytest.mark.slow
def test_partial_fit_and_warm_start_keep_training_one_model():
    X, y = rating_data()
    est = GRURegressor(**TINY)
    est.partial_fit(X, y)
    model = est.model_
    est.partial_fit(X, y)
    assert est.model_ is model and len(est.history_["loss"]) == 2
    warm = GRURegressor(**TINY, warm_start=True).fit(X, y)
    model = warm.model_
    warm.fit(X, y)
    assert warm.model_ is model and len(warm.history_["loss"]) == TINY["epochs"]


@pytest.mark.slow
def test_interrupted_fit_leaves_the_regressor_unfitted():
    X, y = rating_data()

    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise KeyboardInterrupt

    est = LSTMRegressor(**TINY, callbacks=[Interrupt()])
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    with pytest.raises(NotFittedError):
        est.predict(X)
    assert not [k for k in vars(est) if k.endswith("_")]


@pytest.mark.slow
def test_grid_search_over_a_regressor_pipeline():
    pipe = make_pipeline(TextVectorizer(), SequencePadder(maxlen=12), LSTMRegressor(**TINY))
    search = GridSearchCV(pipe, {"lstmregressor__units": [4, 8]}, cv=2).fit(TEXTS, RATINGS)
    assert set(search.cv_results_["param_lstmregressor__units"]) == {4, 8}
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


@pytest.mark.parametrize(
    "y, match",
    [
        (["good"] * 60, "needs numeric targets, but y holds 'good'"),
        ([1.0, np.nan] * 30, r"NaN or infinite values in 30 row\(s\) \(1, 3, 5, 7, 9, ...\)"),
        ([1.0, np.inf] * 30, "NaN or infinite"),
    ],
)
def test_bad_targets_are_clear_errors_and_leave_the_estimator_unfitted(y, match):
    X, _ = rating_data()
    est = LSTMRegressor(**TINY)
    with pytest.raises(ValueError, match=match):
        est.fit(X, np.array(y, dtype=object) if isinstance(y[0], str) else np.array(y))
    assert not [k for k in vars(est) if k.endswith("_")]
