import pickle
import random
import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    check_cv,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline

import skrnn
from skrnn import GRUClassifier, LSTMClassifier, SequencePadder, SimpleRNNClassifier, TextVectorizer

from .helpers import CLASSIFIERS, LABELS, REPO, TEXTS, TINY, tiny_pipeline, token_data

keras = pytest.importorskip("keras")
# -- the scikeras / scikit-learn >= 1.6 compatibility fix -----------------------------
@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_is_classifier_and_stratified_cv(cls):
    est = cls()
    assert is_classifier(est)
    assert is_classifier(make_pipeline(TextVectorizer(), SequencePadder(), est))
    assert isinstance(check_cv(5, np.array([0, 1] * 10), classifier=is_classifier(est)), StratifiedKFold)


@pytest.mark.slow
def test_roc_auc_scoring_works():
    from sklearn.metrics import roc_auc_score

    cv = StratifiedKFold(2)
    scores = cross_val_score(tiny_pipeline(), TEXTS, LABELS, cv=cv, scoring="roc_auc")
    texts, labels = np.array(TEXTS, dtype=object), np.array(LABELS)
    by_hand = [
        roc_auc_score(
            labels[test] == "pos", tiny_pipeline().fit(texts[train], labels[train]).predict_proba(texts[test])[:, 1]
        )
        for train, test in cv.split(texts, labels)
    ]
    np.testing.assert_allclose(scores, by_hand)  # the scorer used predict_proba's positive column


# -- fitting, predicting, scoring ----------------------------------------------------------
# The fast subset trains the LSTM; the other cells run raw text through the same code in the full suite.
@pytest.mark.parametrize("cls", [pytest.param(c, marks=() if c is LSTMClassifier else pytest.mark.slow)
                                 for c in CLASSIFIERS])
def test_pipeline_on_raw_text(cls):
    pipe = tiny_pipeline(cls, epochs=15, run_eagerly=False).fit(TEXTS, LABELS)
    proba = pipe.predict_proba(TEXTS)
    assert proba.shape == (len(TEXTS), 2)
    positive = np.asarray(LABELS) == "pos"
    assert proba[positive, 1].min() > proba[~positive, 1].max()  # the "pos" column ranks every positive text first
    pred = pipe.predict(TEXTS)
    assert set(pred) <= {"neg", "pos"}
    assert list(pipe.classes_) == ["neg", "pos"]
    assert pipe.score(TEXTS, LABELS) == pytest.approx(accuracy_score(LABELS, pred))
    assert pipe.score(TEXTS, LABELS) > 0.9  # the toy corpus is separable


def test_multiclass_with_any_labels():
    X, _ = token_data(90)
    y = np.array(["a", "b", "c"])[np.arange(90) % 3]
    est = GRUClassifier(**TINY).fit(X, y)
    proba = est.predict_proba(X)
    assert proba.shape == (90, 3) and list(est.classes_) == ["a", "b", "c"]
    assert est.model_.loss == "sparse_categorical_crossentropy"
    assert set(est.predict(X)) <= {"a", "b", "c"}


@pytest.mark.parametrize("pooling", ["last", "max", "mean"])
@pytest.mark.parametrize("n_layers, bidirectional", [(1, False), pytest.param(2, True, marks=pytest.mark.slow)])
def test_architectures(pooling, n_layers, bidirectional):
    X, y = token_data()
    est = LSTMClassifier(**TINY, pooling=pooling, n_layers=n_layers, bidirectional=bidirectional,
                         dropout=0.1, recurrent_dropout=0.1).fit(X, y)
    layers = [layer.name for layer in est.model_.layers]
    assert layers[:3] == ["token_ids", "pack", "embedding"] and layers[-1] == "output"
    assert sorted(name for name in layers if name.startswith("lstm_")) == [f"lstm_{i}" for i in range(n_layers)]
    assert sum(name.startswith("backward_lstm_") for name in layers) == (n_layers if bidirectional else 0)
    assert np.isfinite(est.predict_proba(X)).all()


def test_empty_documents_get_finite_probabilities():
    X, y = token_data()
    X[:5] = 0
    for pooling in ("last", "max", "mean"):
        assert np.isfinite(LSTMClassifier(**TINY, pooling=pooling).fit(X, y).predict_proba(X)).all()


def test_unknown_ids_at_predict_are_oov():
    X, y = token_data()
    est = LSTMClassifier(**TINY).fit(X, y)
    assert est.vocabulary_size_ == X.max() + 1
    X_big = X.copy()
    X_big[:, -1] = 10**9
    X_oov = X.copy()
    X_oov[:, -1] = 1
    np.testing.assert_array_equal(est.predict_proba(X_big), est.predict_proba(X_oov))


def test_vocabulary_size_parameter_caps_ids():
    X, y = token_data()
    est = LSTMClassifier(**TINY, vocabulary_size=10).fit(X, y)
    assert est.model_.get_layer("embedding").input_dim == 10


def test_sample_weight_and_class_weight():
    X, y = token_data()
    base = LSTMClassifier(**TINY).fit(X, y).predict_proba(X)
    weights = np.ones(len(y))
    same = LSTMClassifier(**TINY).fit(X, y, sample_weight=weights).predict_proba(X)
    np.testing.assert_allclose(base, same, atol=1e-6)
    heavy = np.where(y == 1, 10.0, 1.0)
    kept = heavy.copy()
    shifted = LSTMClassifier(**TINY).fit(X, y, sample_weight=heavy).predict_proba(X)
    np.testing.assert_array_equal(heavy, kept)  # the caller's array is not scaled in place
    assert shifted[:, 1].mean() > base[:, 1].mean()


@pytest.mark.slow
def test_balanced_class_weight_moves_the_predicted_class_balance():
    rng = np.random.RandomState(0)
    X = rng.randint(2, 30, size=(200, 8))
    y = (rng.rand(200) < 0.15).astype(int)  # imbalanced labels with no signal: only the prior to learn
    params = {**TINY, "epochs": 6, "learning_rate": 0.01, "learning_rate_decay": 1.0}
    plain = LSTMClassifier(**params).fit(X, y).predict(X)
    balanced = LSTMClassifier(**params, class_weight="balanced").fit(X, y).predict(X)
    assert plain.mean() < 0.1  # the minority class is (almost) never predicted
    assert balanced.mean() > plain.mean() + 0.2  # weighting the classes equally predicts it far more often


def test_routed_parameters_and_learning_rate():
    X, y = token_data()
    routed = LSTMClassifier(**TINY, optimizer__learning_rate=0.05, learning_rate_decay=1.0).fit(X, y)
    assert float(routed.model_.optimizer.learning_rate) == pytest.approx(0.05)
    direct = LSTMClassifier(**TINY, learning_rate=0.02, optimizer="rmsprop", learning_rate_decay=1.0).fit(X, y)
    assert float(direct.model_.optimizer.learning_rate) == pytest.approx(0.02)
    assert type(direct.model_.optimizer).__name__ == "RMSprop"
    assert clone(routed).get_params()["optimizer__learning_rate"] == 0.05


def test_learning_rate_decays_every_epoch_and_continues_over_partial_fit():
    X, y = token_data()
    est = LSTMClassifier(**{**TINY, "epochs": 3}, learning_rate=0.04, learning_rate_decay=0.5).fit(X, y)
    assert est.learning_rate_decay_ == 0.5
    assert float(est.model_.optimizer.learning_rate) == pytest.approx(0.04 * 0.5**3)
    est.fit(X, y)  # a new model starts from the full rate again
    assert float(est.model_.optimizer.learning_rate) == pytest.approx(0.04 * 0.5**3)
    streamed = LSTMClassifier(**TINY, learning_rate=0.04, learning_rate_decay=0.8)
    for _ in range(3):
        streamed.partial_fit(X, y, classes=[0, 1])
    assert float(streamed.model_.optimizer.learning_rate) == pytest.approx(0.04 * 0.8**3)
    restored = pickle.loads(pickle.dumps(streamed))
    assert float(restored.model_.optimizer.learning_rate) == pytest.approx(0.04 * 0.8**3)
    restored.partial_fit(X, y)
    assert float(restored.model_.optimizer.learning_rate) == pytest.approx(0.04 * 0.8**4)


@pytest.mark.parametrize("cls, factor", [
    (LSTMClassifier, 0.5),
    pytest.param(GRUClassifier, 0.5, marks=pytest.mark.slow),  # the fast subset checks one cell of each factor
    (SimpleRNNClassifier, 0.75),
])
def test_auto_learning_rate_decay_follows_the_amount_of_training(cls, factor):
    X, y = token_data(20)
    assert cls().learning_rate_decay == "auto"
    # factor ** (samples / 25,000) per epoch: on a small training set the rate stays nearly constant.
    est = cls(**{**TINY, "epochs": 5}, learning_rate=0.01).fit(X, y)
    assert est.learning_rate_decay_ == pytest.approx(factor ** (20 / 25_000))
    assert float(est.model_.optimizer.learning_rate) == pytest.approx(0.01 * factor ** (5 * 20 / 25_000))
    # The validation hold-out does not count.
    held_out = cls(**{**TINY, "epochs": 5}, validation_split=0.25).fit(X, y)
    assert held_out.learning_rate_decay_ == pytest.approx(factor ** (15 / 25_000))


def test_auto_learning_rate_decay_leaves_a_schedule_alone():
    X, y = token_data()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.9)
    est = LSTMClassifier(**TINY, optimizer__learning_rate=schedule).fit(X, y)
    assert est.learning_rate_decay_ == 1.0


def test_learning_rate_decay_refuses_a_schedule_and_keeps_the_estimator_unfitted():
    X, y = token_data()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.9)
    est = LSTMClassifier(**TINY, optimizer__learning_rate=schedule, learning_rate_decay=0.5)
    with pytest.raises(ValueError, match=r"learning_rate_decay needs a plain learning rate.*learning_rate_decay=1.0"):
        est.fit(X, y)
    assert not hasattr(est, "model_")
    est.set_params(learning_rate_decay=1.0).fit(X, y)  # the user's own schedule runs as given
    assert est.model_.optimizer.iterations.numpy() == TINY["epochs"] * int(np.ceil(len(X) / TINY["batch_size"]))


def test_validation_split_early_stopping_and_history():
    X, y = token_data(80)
    est = LSTMClassifier(**{**TINY, "epochs": 30}, early_stopping=True, patience=1, learning_rate=0.05).fit(X, y)
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(est.history_)
    assert len(est.history_["loss"]) < 30  # stopped early on the noisy toy target
    est2 = LSTMClassifier(**TINY, validation_split=0.25).fit(X, y)
    assert len(est2.history_["val_loss"]) == TINY["epochs"]


def test_partial_fit_and_warm_start():
    X, y = token_data()
    est = LSTMClassifier(**TINY)
    est.partial_fit(X, y, classes=[0, 1]).partial_fit(X, y, classes=[0, 1])
    assert est.current_epoch == 2 and len(est.history_["loss"]) == 2
    assert est.model_.optimizer.iterations.numpy() == 2 * int(np.ceil(len(X) / TINY["batch_size"]))
    assert est.score(X, y) == pytest.approx(accuracy_score(y, est.predict(X)))
    warm = LSTMClassifier(**TINY, warm_start=True).fit(X, y)
    model = warm.model_
    warm.fit(X, y)
    assert warm.model_ is model  # trained on, not rebuilt (scikeras restarts history_)


# -- length-aware batching is exact ----------------------------------------------------------
@pytest.mark.parametrize("cls, pooling", [
    # The fast subset runs every cell and every pooling once (the diagonal); the full suite all nine.
    pytest.param(cls, pooling, marks=() if i == j else pytest.mark.slow)
    for i, cls in enumerate(CLASSIFIERS) for j, pooling in enumerate(["last", "max", "mean"])
])
def test_length_batching_computes_the_same_function(cls, pooling):
    from skrnn._batching import LengthBatches

    X, y = token_data(50, steps=16)
    est = cls(**TINY, pooling=pooling, bidirectional=pooling == "mean").fit(X, y)
    full = est.model_(X.astype("int32"), training=False).numpy()
    batches = LengthBatches(X, y, batch_size=8, shuffle=True, seed=3)
    seen = 0
    for i in range(len(batches)):
        xb, _ = batches[i]
        rows = batches.batches[i]
        assert xb.shape[1] <= X.shape[1]
        np.testing.assert_allclose(est.model_(xb, training=False).numpy(), full[rows], atol=1e-5)
        seen += len(rows)
    assert seen == len(X)
    unbucketed = clone(est).set_params(bucket_by_length=False)
    unbucketed.__dict__.update({k: v for k, v in vars(est).items() if k.endswith("_")})
    np.testing.assert_allclose(est.predict_proba(X), unbucketed.predict_proba(X), atol=1e-5)


def test_length_batches_group_similar_lengths_and_reshuffle():
    from skrnn._batching import LengthBatches

    X, y = token_data(400, steps=50, seed=1)
    batches = LengthBatches(X, y, batch_size=20, shuffle=True, seed=0, chunk_batches=20)
    widths = [batches[i][0].shape[1] for i in range(len(batches))]
    assert np.mean(widths) < 0.8 * X.shape[1]  # trimmed on average
    first_epoch = [b.copy() for b in batches.batches]
    batches.on_epoch_end()
    assert any(not np.array_equal(a, b) for a, b in zip(first_epoch, batches.batches))
    assert sorted(np.concatenate(batches.batches)) == list(range(400))


def test_length_batches_mix_a_share_of_random_batches_reproducibly():
    from skrnn._batching import MIXED_SHARE, LengthBatches

    X, y = token_data(800, steps=60, seed=4)
    batches = LengthBatches(X, y, batch_size=20, shuffle=True, seed=7)
    layout = batches.layout(3)
    spans = batches.last - batches.first
    assert sorted(np.concatenate(layout)) == list(range(800))
    # Sorted batches hold nearly equal spans; random ones the whole range.
    spread = np.array([np.ptp(spans[rows]) for rows in layout])
    n_mixed = int(round(MIXED_SHARE * 800 / 20))
    assert np.sum(spread > 0.3 * np.ptp(spans)) == pytest.approx(n_mixed, abs=1)
    # A pure function of (seed, epoch): the same again, another epoch or seed differs.
    assert all(np.array_equal(a, b) for a, b in zip(layout, LengthBatches(X, y, batch_size=20, seed=7).layout(3)))
    assert not all(np.array_equal(a, b) for a, b in zip(layout, batches.layout(4)))
    assert not all(np.array_equal(a, b) for a, b in zip(layout, LengthBatches(X, y, batch_size=20, seed=8).layout(3)))
    # mixed_share=0: every batch sorted; without shuffling: sorted by span, nothing mixed.
    sorted_only = LengthBatches(X, y, batch_size=20, seed=7, mixed_share=0).layout(3)
    assert max(np.ptp(spans[rows]) for rows in sorted_only) < 0.3 * np.ptp(spans)
    fixed = LengthBatches(X, y, batch_size=20, shuffle=False)
    np.testing.assert_array_equal(np.concatenate(fixed.batches), np.argsort(spans, kind="stable"))


def test_length_batches_dataset_follows_the_layout_without_autotuning():
    from skrnn._batching import LengthBatches

    X, y = token_data(60, steps=12, seed=2)
    batches = LengthBatches(X, y, batch_size=16, shuffle=True, seed=5)
    dataset = batches.as_dataset(epochs=2, first_epoch=1)
    # Autotuning off: with it on, deleting the iterator at the end of fit
    # waited for tf.data's tuning thread (see docs/design.md).
    assert dataset.options().autotune.enabled is False
    got = [(xb.numpy(), yb.numpy()) for xb, yb in dataset]
    expected = [rows for epoch in (1, 2) for rows in batches.layout(epoch)]
    assert len(got) == len(expected) == 2 * len(batches)
    for (xb, yb), rows in zip(got, expected):
        first, last = batches.first[rows].min(), batches.last[rows].max()
        np.testing.assert_array_equal(xb, X[rows, first:last])
        np.testing.assert_array_equal(yb, y[rows])


# -- scikit-learn meta-estimators -------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search(n_jobs):
    search = GridSearchCV(
        tiny_pipeline(),
        {"textvectorizer__max_features": [10, None], "lstmclassifier__units": [4, 8]},
        cv=2,
        n_jobs=n_jobs,
    )
    search.fit(TEXTS, LABELS)
    assert len(search.cv_results_["mean_test_score"]) == 4
    assert search.best_estimator_.predict(TEXTS[:2]).shape == (2,)


@pytest.mark.slow
def test_randomized_search_and_cross_val_score():
    search = RandomizedSearchCV(
        tiny_pipeline(), {"sequencepadder__maxlen": [6, 12], "lstmclassifier__pooling": ["max", "last"]},
        n_iter=2, cv=2, random_state=0, n_jobs=2,
    ).fit(TEXTS, LABELS)
    assert 0 <= search.best_score_ <= 1
    assert cross_val_score(tiny_pipeline(), TEXTS, LABELS, cv=3).shape == (3,)


@pytest.mark.slow
def test_calibrated_and_voting_classifiers():
    calibrated = CalibratedClassifierCV(tiny_pipeline(), cv=2).fit(TEXTS, LABELS)
    assert calibrated.predict_proba(TEXTS).shape == (len(TEXTS), 2)
    voting = VotingClassifier(
        [("rnn", tiny_pipeline()), ("tfidf", make_pipeline(TfidfVectorizer(), LogisticRegression()))],
        voting="soft",
    ).fit(TEXTS, LABELS)
    assert voting.predict_proba(TEXTS).shape == (len(TEXTS), 2)
    assert voting.score(TEXTS, LABELS) > 0.9


# -- reproducibility, persistence, memory --------------------------------------------------------
FIT_SCRIPT = textwrap.dedent(
    """
    import sys, numpy as np
    from tests.helpers import LABELS, TEXTS, tiny_pipeline
    np.save(sys.argv[1], tiny_pipeline(dropout=0.2, run_eagerly=False).fit(TEXTS, LABELS).predict_proba(TEXTS))
    """
)


@pytest.mark.slow
def test_same_random_state_same_model_in_and_across_processes(tmp_path):
    a = tiny_pipeline(dropout=0.2, run_eagerly=False).fit(TEXTS, LABELS).predict_proba(TEXTS)
    b = tiny_pipeline(dropout=0.2, run_eagerly=False).fit(TEXTS, LABELS).predict_proba(TEXTS)
    np.testing.assert_array_equal(a, b)
    out = tmp_path / "proba.npy"
    subprocess.run([sys.executable, "-c", FIT_SCRIPT, str(out)], check=True, cwd=REPO)
    np.testing.assert_array_equal(np.load(out), a)
    c = tiny_pipeline(dropout=0.2, random_state=1, run_eagerly=False).fit(TEXTS, LABELS).predict_proba(TEXTS)
    assert not np.array_equal(a, c)


def test_a_new_model_traces_its_train_step_once(monkeypatch):
    # Keras creates the optimizer's and metrics' variables inside the first
    # traced step, and TensorFlow then traces it a second time; skrnn builds
    # them beforehand (build_training_state), with the same training result.
    from keras.src.backend.tensorflow.trainer import TensorFlowTrainer

    traced = []
    step = TensorFlowTrainer.train_step
    monkeypatch.setattr(TensorFlowTrainer, "train_step", lambda model, data: traced.append(1) or step(model, data))
    X, y = token_data(40, steps=8)
    with skrnn.config_context(share_compiled_steps=False):  # no step kept from another test's model
        clf = SimpleRNNClassifier(**{**TINY, "run_eagerly": False}, validation_split=0.25).fit(X, y)
    assert len(traced) == 1
    assert clf.model_.optimizer.iterations.numpy() == 2 * 2  # 30 training rows, batch 16, 2 epochs


def test_seeding_is_scoped_to_fit():
    import os

    from skrnn._compat import op_determinism_enabled

    random.seed(123)
    np.random.seed(123)
    expected = (random.random(), np.random.rand())
    random.seed(123)
    np.random.seed(123)
    tiny_pipeline().fit(TEXTS, LABELS)
    assert (random.random(), np.random.rand()) == expected
    assert not op_determinism_enabled()
    assert "TF_DETERMINISTIC_OPS" not in os.environ


LOAD_SCRIPT = textwrap.dedent(
    """
    import sys, pickle, joblib, numpy as np
    from tests.helpers import TEXTS
    path, kind, out = sys.argv[1:]
    model = joblib.load(path) if kind == "joblib" else pickle.load(open(path, "rb"))
    np.save(out, model.predict_proba(TEXTS))
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["pickle", "joblib"])
def test_fitted_pipeline_survives_a_fresh_process(tmp_path, kind):
    pipe = tiny_pipeline().fit(TEXTS, LABELS)
    path = tmp_path / "model.bin"
    if kind == "joblib":
        joblib.dump(pipe, path)
    else:
        path.write_bytes(pickle.dumps(pipe))
    out = tmp_path / "proba.npy"
    subprocess.run([sys.executable, "-c", LOAD_SCRIPT, str(path), kind, str(out)], check=True, cwd=REPO)
    np.testing.assert_array_equal(np.load(out), pipe.predict_proba(TEXTS))


@pytest.mark.parametrize("pooling", ["max", "mean"])
def test_native_keras_export(tmp_path, pooling):
    X, y = token_data()
    est = LSTMClassifier(**TINY, pooling=pooling).fit(X, y)
    path = tmp_path / "model.keras"
    est.model_.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(X, verbose=0)[:, 0], est.predict_proba(X)[:, 1], atol=1e-6)


def test_interrupted_fit_leaves_estimator_unfitted():
    X, y = token_data()

    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise KeyboardInterrupt

    est = LSTMClassifier(**TINY, callbacks=[Interrupt()])
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    with pytest.raises(NotFittedError):
        est.predict(X)
    assert not [k for k in vars(est) if k.endswith("_")]
    est.set_params(callbacks=None).fit(X, y)
    assert est.predict(X).shape == (len(y),)


# -- the validation hold-out ------------------------------------------------------------------
def sorted_token_data(n=80):
    X, _ = token_data(n)
    y = np.repeat(["neg", "pos"], n // 2)  # sorted by label, as load_imdb returns it
    return X, y


def test_validation_split_holds_out_a_stratified_seeded_sample():
    from skrnn._training import holdout_split

    X, y = sorted_token_data()
    held_out = LSTMClassifier(**TINY, validation_split=0.25).fit(X, y)
    train, val = holdout_split(np.searchsorted(["neg", "pos"], y), 0.25, TINY["random_state"])
    assert set(y[val]) == {"neg", "pos"}
    explicit = LSTMClassifier(**TINY).fit(X[train], y[train], validation_data=(X[val], y[val]))
    # The same rows held out: the same training, the same validation figures.
    for key in ("loss", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(held_out.history_[key], explicit.history_[key], rtol=1e-6)
    assert held_out.learning_rate_decay_ == explicit.learning_rate_decay_  # the hold-out does not count


def test_early_stopping_validates_on_every_class():
    X, y = sorted_token_data()
    est = LSTMClassifier(**{**TINY, "epochs": 3}, early_stopping=True)
    est.fit(X, y)
    # Keras' "last rows" would be 8 'pos' rows: an all-'pos' hold-out scores 0 or 1 exactly.
    assert all(0 < acc < 1 for acc in est.history_["val_accuracy"])


def test_validation_data_is_used_as_given():
    from sklearn.metrics import log_loss

    X, y = token_data(80)
    X_val, y_val = token_data(30, seed=1)
    est = LSTMClassifier(**{**TINY, "run_eagerly": False}).fit(X, y, validation_data=(X_val, y_val))
    assert len(est.history_["val_loss"]) == TINY["epochs"]
    # The last val_loss is the final model's loss on the validation rows.
    assert est.history_["val_loss"][-1] == pytest.approx(log_loss(y_val, est.predict_proba(X_val)), rel=1e-4)
    weighted = LSTMClassifier(**TINY).fit(X, y, validation_data=(X_val, y_val, np.ones(len(y_val))))
    assert weighted.history_["val_loss"][-1] == pytest.approx(est.history_["val_loss"][-1], rel=1e-4)


def test_validation_data_through_a_pipeline_and_routed_parameter():
    texts, labels = np.array(TEXTS, dtype=object), np.array(LABELS)
    prep = make_pipeline(TextVectorizer(), SequencePadder(maxlen=12)).fit(texts)  # the pipeline's own steps
    val = (prep.transform(texts[:16]), labels[:16])
    pipe = tiny_pipeline().fit(texts, labels, lstmclassifier__validation_data=val)
    assert len(pipe[-1].history_["val_loss"]) == TINY["epochs"]
    routed = LSTMClassifier(**TINY, fit__validation_data=val).fit(prep.transform(texts), labels)
    np.testing.assert_allclose(routed.history_["val_loss"], pipe[-1].history_["val_loss"], rtol=1e-6)


@pytest.mark.parametrize("params, fit_kwargs, match", [
    ({"validation_split": 0.01}, {}, r"validation_split=0.01 holds out 1 of 80.*'neg': 40, 'pos': 40"),
    ({"early_stopping": True}, {"sample_weight": np.r_[np.ones(79), 0.0]},
     None),  # fine: a weighted row dropped, both classes still on both sides
    ({"validation_split": 0.2}, {"validation_data": "later"}, r"validation_data and validation_split=0.2"),
    ({}, {"validation_data": ([[1, 2]], ["neg"])}, r"X has 2 features, but LSTMClassifier is expecting 10"),
    ({}, {"validation_data": "later-unseen"}, r"validation_data holds labels the training data does not: \['maybe'\]"),
    ({}, {"validation_data": ("X",)}, r"validation_data must be a tuple \(X_val, y_val\)"),
])
def test_validation_errors_leave_the_estimator_unfitted(params, fit_kwargs, match):
    X, y = sorted_token_data()
    if fit_kwargs.get("validation_data") == "later":
        fit_kwargs = {"validation_data": (X[:4], y[:4])}
    elif fit_kwargs.get("validation_data") == "later-unseen":
        fit_kwargs = {"validation_data": (X[:2], np.array(["neg", "maybe"]))}
    est = LSTMClassifier(**TINY, **params)
    if match is None:
        est.fit(X, y, **fit_kwargs)
        return
    with pytest.raises(ValueError, match=match):
        est.fit(X, y, **fit_kwargs)
    assert not [k for k in vars(est) if k.endswith("_")]


# -- unknown parameters -------------------------------------------------------------------------
@pytest.mark.parametrize("params, match", [
    ({"unit": 64}, r"unexpected parameter 'unit'; did you mean 'units'\?"),
    ({"embedding": np.zeros((3, 2))}, r"unexpected parameter 'embedding'; did you mean 'embeddings'\?"),
    ({"fit__batchsize": 64}, r"'fit__batchsize'; did you mean 'fit__batch_size'\?"),
    ({"predict__batch": 64}, r"did you mean 'predict__batch_size'\?"),
    ({"model__units": 8}, r"model__\* would be ignored"),
    ({"learningrate": 0.1}, r"did you mean 'learning_rate'\?"),
])
def test_unknown_parameters_fail_loudly(params, match):
    with pytest.raises(TypeError, match=match):
        LSTMClassifier(**params)
    name = next(iter(params))
    with pytest.raises(ValueError, match=match.replace("unexpected parameter", "unexpected parameter")):
        LSTMClassifier().set_params(**params)
    assert name not in LSTMClassifier().get_params()


@pytest.mark.slow
def test_routed_parameters_survive_clone_pickle_and_grid_search():
    est = LSTMClassifier(**TINY, optimizer="adam", optimizer__beta_1=0.8, fit__batch_size=8,
                         predict__batch_size=4, callbacks__patience=3, compile__weighted_metrics=None)
    params = est.get_params()
    assert params["optimizer__beta_1"] == 0.8 and params["fit__batch_size"] == 8
    assert clone(est).get_params() == params
    assert pickle.loads(pickle.dumps(est)).get_params() == params
    est.set_params(optimizer__beta_1=0.7, fit__shuffle=False)
    assert est.get_params()["optimizer__beta_1"] == 0.7
    X, y = token_data()
    fitted = clone(est).fit(X, y)
    assert float(fitted.model_.optimizer.beta_1) == pytest.approx(0.7)
    assert fitted.model_.optimizer.iterations.numpy() == TINY["epochs"] * int(np.ceil(len(X) / 8))
    search = GridSearchCV(tiny_pipeline(optimizer="adam"), {"lstmclassifier__optimizer__beta_1": [0.5, 0.9]}, cv=2)
    search.fit(TEXTS, LABELS)
    assert search.best_estimator_[-1].get_params()["optimizer__beta_1"] in (0.5, 0.9)


def test_fit_batch_size_none_means_the_estimator_batch_size():
    X, y = token_data()
    est = LSTMClassifier(**TINY, fit__batch_size=None).fit(X, y)
    assert est.model_.optimizer.iterations.numpy() == TINY["epochs"] * int(np.ceil(len(X) / TINY["batch_size"]))


# -- output containers ---------------------------------------------------------------------------
def test_pipeline_gives_the_same_predictions_for_every_transform_output():
    import sklearn

    results = {}
    for output in ("default", "pandas", "polars"):
        with sklearn.config_context(transform_output=output):
            pipe = tiny_pipeline().fit(TEXTS, LABELS)
            results[output] = pipe.predict_proba(TEXTS)
    np.testing.assert_array_equal(results["default"], results["pandas"])
    np.testing.assert_array_equal(results["default"], results["polars"])
    method = tiny_pipeline().set_output(transform="pandas").fit(TEXTS, LABELS).predict_proba(TEXTS)
    np.testing.assert_array_equal(results["default"], method)


@pytest.mark.parametrize("frame", ["pandas", "polars"])
def test_classifiers_accept_frames_of_ids(frame):
    lib = pytest.importorskip(frame)
    X, y = token_data()
    columns = [f"t{i}" for i in range(X.shape[1])]
    df = lib.DataFrame(X, columns=columns) if frame == "pandas" else lib.DataFrame(X, schema=columns, orient="row")
    np.testing.assert_array_equal(
        LSTMClassifier(**TINY).fit(df, y).predict_proba(df), LSTMClassifier(**TINY).fit(X, y).predict_proba(X)
    )


# -- failures roll back --------------------------------------------------------------------------
class RaiseMidEpoch(keras.callbacks.Callback):
    """Raise ``exc`` after the ``at``-th training batch (counted over the fit)."""

    def __init__(self, exc, at=2):
        super().__init__()
        self.exc, self.at, self.seen = exc, at, 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.at:
            raise self.exc


def _state(est):
    weights = [w.numpy().copy() for w in est.model_.variables]  # weights and dropout seed states
    optimizer = [v.numpy().copy() for v in est.model_.optimizer.variables]
    return weights, optimizer, {k: list(v) for k, v in est.history_.items()}, est.current_epoch


@pytest.mark.parametrize("how", ["warm_start", pytest.param("partial_fit", marks=pytest.mark.slow)])
@pytest.mark.parametrize("exc", [pytest.param(KeyboardInterrupt, marks=pytest.mark.slow), RuntimeError("boom")])
def test_interrupted_warm_fit_is_undone(how, exc):
    X, y = token_data()

    def train(model, **kwargs):
        return model.fit(X, y) if how == "warm_start" else model.partial_fit(X, y, **kwargs)

    est, twin = (LSTMClassifier(**TINY, warm_start=how == "warm_start", learning_rate_decay=0.5) for _ in "ab")
    for model in (est, twin):
        train(model, classes=[0, 1])
    proba = est.predict_proba(X)
    np.testing.assert_array_equal(twin.predict_proba(X), proba)
    weights, optimizer, history, epoch = _state(est)
    est.set_params(callbacks=[RaiseMidEpoch(exc)])
    with pytest.raises(type(exc) if isinstance(exc, Exception) else exc):
        train(est)
    after = _state(est)
    for a, b in zip(weights + optimizer, after[0] + after[1]):
        np.testing.assert_array_equal(a, b)  # every weight, slot, the iteration count and the rate
    assert after[2] == history and after[3] == epoch
    np.testing.assert_array_equal(est.predict_proba(X), proba)
    # ... and training goes on as if the interrupted call had never happened.
    twin.predict_proba(X)  # est predicted once more above; prediction moves the dropout seed generator
    train(est.set_params(callbacks=None))
    train(twin)
    np.testing.assert_array_equal(est.predict_proba(X), twin.predict_proba(X))


# -- predict arguments on the length-sorted path ---------------------------------------------------
def test_predict_keyword_arguments_are_used_on_the_bucketed_path(capsys):
    X, y = token_data()
    est = LSTMClassifier(**TINY).fit(X, y)
    assert est._uses_buckets()
    seen = []

    class Count(keras.callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            seen.append(len(logs["outputs"]))

    proba = est.predict_proba(X, batch_size=16, callbacks=[Count()])
    assert sorted(seen) == sorted([16, 16, 16, 12])  # every batch, of the requested size
    capsys.readouterr()
    est.predict(X, verbose=1)
    assert "step" in capsys.readouterr().out  # Keras' progress bar
    np.testing.assert_allclose(est.predict_proba(X, steps=1, batch_size=len(X)), proba, atol=1e-6)


# -- metadata routing ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_sample_weight_reaches_the_classifier_through_metadata_routing():
    import sklearn
    from sklearn.model_selection import cross_validate

    texts, labels = np.array(TEXTS, dtype=object), np.array(LABELS)
    weights = np.where(labels == "pos", 3.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        def pipe():
            return make_pipeline(TextVectorizer(), SequencePadder(maxlen=12),
                                 LSTMClassifier(**TINY).set_fit_request(sample_weight=True)
                                 .set_score_request(sample_weight=True))

        routed = pipe().fit(texts, labels, sample_weight=weights).predict_proba(texts)
        prep = make_pipeline(TextVectorizer(), SequencePadder(maxlen=12)).fit(texts)
        direct = LSTMClassifier(**TINY).fit(prep.transform(texts), labels, sample_weight=weights)
        np.testing.assert_array_equal(routed, direct.predict_proba(prep.transform(texts)))
        unweighted = pipe().fit(texts, labels).predict_proba(texts)
        assert not np.array_equal(routed, unweighted)
        # Zero weight on every 'neg' review leaves one class: the classifier's own error proves the weights arrived.
        only_pos = np.where(labels == "pos", 1.0, 0.0)
        # A scorer that asks for the weights itself (scikit-learn 1.7's Pipeline.score takes no request).
        weighted_accuracy = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        with pytest.raises(ValueError, match="only one class is left"):
            GridSearchCV(pipe(), {"lstmclassifier__units": [4]}, cv=2, error_score="raise",
                         scoring=weighted_accuracy).fit(texts, labels, sample_weight=only_pos)
        with pytest.raises(ValueError, match="only one class is left"):
            cross_validate(pipe(), texts, labels, cv=2, params={"sample_weight": only_pos}, error_score="raise",
                           scoring=weighted_accuracy)
        scores = cross_validate(pipe(), texts, labels, cv=2, params={"sample_weight": weights},
                                scoring=weighted_accuracy)
        assert scores["test_score"].shape == (2,) and np.isfinite(scores["test_score"]).all()


def test_a_character_level_pipeline_trains():
    pipe = make_pipeline(TextVectorizer(analyzer="char_wb", ngram_range=(1, 2)), SequencePadder(maxlen=80),
                         LSTMClassifier(**TINY))
    proba = pipe.fit(TEXTS, LABELS).predict_proba(TEXTS[:2])
    assert proba.shape == (2, 2)
    losses = pipe[-1].history_["loss"]
    assert len(losses) == TINY["epochs"] and losses[-1] < losses[0]  # it learns from the characters
    # Characters and their known bigrams in text order (" film " padded as a word); the corpus only has
    # "film" before punctuation, so "m " is an unknown bigram and left out.
    assert pipe[0].transform_tokens(["film"]) == [[" ", " f", "f", "fi", "i", "il", "l", "lm", "m", " "]]


@pytest.mark.parametrize("cls", [LSTMClassifier, *(pytest.param(c, marks=pytest.mark.slow) for c in CLASSIFIERS
                                                  if c is not LSTMClassifier)])
def test_predicting_between_warm_fits_changes_nothing(cls):
    # Keras' recurrent layers draw dropout masks even in inference; a prediction must not move that state.
    X, y = token_data()
    twins = [cls(**{**TINY, "dropout": 0.3}, warm_start=True).fit(X, y) for _ in range(2)]
    twins[0].predict_proba(X)
    twins[0].predict(X[:5], batch_size=2, steps=1)  # Keras' own predict path too
    for est in twins:
        est.fit(X, y)
    np.testing.assert_array_equal(twins[0].predict_proba(X), twins[1].predict_proba(X))
