"""Multilabel classification: a 2-D 0/1 indicator y, one sigmoid per label."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from skrnn import GRUClassifier, LSTMClassifier, SequencePadder, SimpleRNNClassifier, TextVectorizer
from skrnn._training import holdout_split, multilabel_holdout_split

from .helpers import TEXTS, TINY, token_data

TAGS = [{"positive", "acting"}, {"positive", "story"}, {"positive"}, {"positive"},
        {"acting"}, {"acting", "story"}, set(), {"story"}] * 6


def tagged():
    binarizer = MultiLabelBinarizer()
    return binarizer.fit_transform(TAGS), binarizer


# Every cell: scikit-learn's multilabel checks in test_estimator_checks.py.
@pytest.mark.parametrize("cls", [SimpleRNNClassifier, pytest.param(LSTMClassifier, marks=pytest.mark.slow)])
def test_indicator_targets_give_sigmoid_outputs_and_indicator_predictions(cls):
    Y, binarizer = tagged()
    pipe = make_pipeline(TextVectorizer(), SequencePadder(maxlen=12), cls(**{**TINY, "epochs": 10}))
    pipe.fit(TEXTS, Y)
    clf = pipe[-1]
    assert clf.target_type_ == "multilabel-indicator" and clf.n_classes_ == 3
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])  # column indices, as MLPClassifier
    output = clf.model_.get_layer("output")
    assert output.units == 3 and output.activation.__name__ == "sigmoid"
    assert clf.model_.loss in ("binary_crossentropy", "bce")
    proba, pred = pipe.predict_proba(TEXTS), pipe.predict(TEXTS)
    assert proba.shape == pred.shape == Y.shape and set(np.unique(pred)) <= {0, 1}
    np.testing.assert_array_equal(pred, (proba > 0.5).astype(int))
    assert pipe.score(TEXTS, Y) == accuracy_score(Y, pred)  # subset accuracy, as scikit-learn
    assert set(binarizer.inverse_transform(pred)[0]) <= {"positive", "acting", "story"}
    assert set(clf.history_) == {"loss", "accuracy"}


@pytest.mark.slow
def test_one_label_per_row_is_still_multilabel_not_one_hot():
    X, y = token_data()
    Y = np.eye(3, dtype=int)[np.arange(len(y)) % 3]  # a single 1 per row, as one-hot classes would be
    clf = LSTMClassifier(**TINY).fit(X, Y)
    assert clf.model_.get_layer("output").activation.__name__ == "sigmoid"
    assert not np.allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_iterative_stratification_splits_every_label_in_proportion():
    rng = np.random.RandomState(0)
    Y = rng.rand(500, 6) < np.array([0.5, 0.3, 0.1, 0.05, 0.02, 0.01])
    train, val = multilabel_holdout_split(Y, 0.2, 0)
    assert not set(train) & set(val) and len(train) + len(val) == 500
    assert abs(len(val) - 100) <= 2
    counts = Y.sum(axis=0)
    # Each label's validation positives are within one row of its share (a random split strays by several).
    assert np.all(np.abs(Y[val].sum(axis=0) - 0.2 * counts) <= 1)
    np.testing.assert_array_equal(val, multilabel_holdout_split(Y, 0.2, 0)[1])
    single = np.zeros((50, 2), dtype=bool)
    single[7, 0] = single[:25, 1] = True
    train, val = multilabel_holdout_split(single, 0.2, 0)
    assert 7 in train  # a label with one positive is kept for training


@pytest.mark.slow
def test_multilabel_validation_split_and_early_stopping():
    X, _ = token_data(80)
    Y = np.column_stack([X[:, -1] % 2, X[:, -2] % 3 == 0]).astype(int)
    clf = GRUClassifier(**TINY, validation_split=0.25, early_stopping=True).fit(X, Y)
    assert "val_loss" in clf.history_ and "val_accuracy" in clf.history_


def test_a_constant_label_column_warns():
    Y, _ = tagged()
    Y = np.column_stack([Y, np.ones(len(Y), dtype=int)])
    clf = make_pipeline(TextVectorizer(), SequencePadder(maxlen=12), GRUClassifier(**TINY))
    with pytest.warns(UserWarning, match=r"label column\(s\) 3 \(in every sample\) are constant"):
        clf.fit(TEXTS, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.fit(TEXTS, tagged()[0])  # no constant column: no warning


@pytest.mark.parametrize(
    "Y, match",
    [
        (np.array([[0, 2], [1, 0]] * 30), r"holds values other than 0 and 1 \(0, 1, 2\)"),
        (np.array([[0.5, 1.0], [1.0, 0.0]] * 30), "values other than 0 and 1"),
        (np.array([["a", "b"], ["b", "a"]] * 30, dtype=object), "values other than 0 and 1"),
    ],
)
def test_a_2d_y_other_than_an_indicator_matrix_is_refused(Y, match):
    X, _ = token_data()
    clf = LSTMClassifier(**TINY)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, Y)
    assert not [k for k in vars(clf) if k.endswith("_")]


@pytest.mark.slow
def test_targets_of_another_form_after_fit_are_refused():
    X, y = token_data()
    Y = np.column_stack([y, 1 - y, y])
    clf = LSTMClassifier(**TINY).fit(X, Y)
    with pytest.raises(ValueError, match="fitted on a label indicator matrix of 3 labels"):
        clf.score(X, y)
    with pytest.raises(ValueError, match="fitted on 3 label columns, but y has shape"):
        clf.score(X, Y[:, :2])
    single = LSTMClassifier(**TINY).fit(X, y)
    with pytest.raises(ValueError, match=r"fitted on class labels \(a 1-D y\)"):
        single.score(X, Y)


def test_stratified_holdout_is_unchanged_for_class_labels():
    y = np.repeat([0, 1], 20)
    train, val = holdout_split(y, 0.25, 0)
    assert np.bincount(y[val]).tolist() == [5, 5]
