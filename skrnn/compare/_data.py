"""The data a comparison runs on: IMDB or the user's texts, split into training and test rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._registry import BLEND_HOLDOUT, BLEND_MIN_CLASS_ROWS, RNN_VALIDATION_SPLIT

__all__ = ["Split", "load_splits", "check_holdouts", "blend_too_small", "class_counts", "plain"]


@dataclass
class Split:
    """One train / test split (a fold under ``cv``)."""

    X_train: list
    y_train: np.ndarray
    X_test: list
    y_test: np.ndarray


def load_splits(data=None, *, test=None, test_size=0.2, cv=None, sample=None, random_state=0,
                text_column="text", label_column="label", encoding="utf-8", target="label"):
    """The splits to compare on, and a description of the data.

    ``target="rating"`` gives IMDB's star ratings as ``y`` (IMDB only).

    Returns
    -------
    splits : list of Split
        One split, or ``cv`` folds.
    description : str
    """
    from sklearn.model_selection import StratifiedKFold, train_test_split

    from ..datasets import has_imdb, load_imdb_sample, load_text_dataset

    if data is None or has_imdb(data):
        if test is not None or cv is not None:
            raise ValueError("--test and --cv are for your own data; IMDB comes with its own test split.")
        X_train, y_train, X_test, y_test = load_imdb_sample(sample, data_home=data, random_state=random_state,
                                                            verbose=True, target=target)
        rated = " (their star ratings, 1-4 and 7-10)" if target == "rating" else ""
        return [Split(X_train, y_train, X_test, y_test)], (
            f"IMDB: {len(X_train):,} training and {len(X_test):,} test reviews{rated}")
    if target == "rating":
        raise ValueError(f"--target rating reads IMDB's star ratings, but {data} is not IMDB; compare "
                         "classifiers on your own labels with the default --target label.")
    options = dict(text_column=text_column, label_column=label_column, encoding=encoding)
    train = load_text_dataset(data, **options)
    X, y = train.data, train.target
    if test is not None:
        if cv is not None:
            raise ValueError("pass --test or --cv, not both.")
        held = load_text_dataset(test, min_classes=1, **options)
        held.target = _as_training_labels(held.target, y)
        unseen = sorted(set(held.target.tolist()) - set(y.tolist()), key=str)
        if unseen:
            raise ValueError(
                f"{test} holds label(s) the training data never has: {', '.join(map(repr, unseen))}; "
                "a classifier cannot predict them."
            )
        X_train, y_train = _sample(X, y, sample, random_state)
        X_test, y_test = _sample(held.data, held.target, sample, random_state)
        splits = [Split(X_train, y_train, X_test, y_test)]
        where = f"{len(X_train):,} training rows from {data}, {len(X_test):,} test rows from {test}"
    elif cv is not None:
        X, y = _sample(X, y, sample, random_state)
        if len(y) < cv:
            raise ValueError(f"--cv {cv} needs at least {cv} rows, but the data has {len(y)}.")
        folds = StratifiedKFold(cv, shuffle=True, random_state=random_state).split(np.zeros(len(y)), y)
        X = np.asarray(X, dtype=object)
        splits = [Split(X[tr].tolist(), y[tr], X[te].tolist(), y[te]) for tr, te in folds]
        where = f"{len(y):,} rows from {data}, stratified {cv}-fold cross-validation"
    else:
        X, y = _sample(X, y, sample and int(sample / (1 - test_size)), random_state)
        try:
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, test_size=test_size, stratify=y, random_state=random_state)
        except ValueError as exc:
            raise ValueError(f"a stratified {test_size} test split of {data} is impossible: {exc}") from None
        splits = [Split(list(X_train), y_train, list(X_test), y_test)]
        where = f"{len(y_train):,} training and {len(y_test):,} test rows (stratified {test_size} hold-out) from {data}"
    classes = np.unique(y)
    return splits, f"{where}; {classes.size} classes ({', '.join(map(str, classes.tolist()))})"


def _as_training_labels(test_labels, train_labels):
    """The test labels written as the training data writes them, where only the writing differs.

    A test file whose labels are the text "0" and "1" holds the training
    data's integers 0 and 1 when every one of them reads as a training
    label's text; otherwise the labels are kept as they are.
    """
    by_text = {str(label): label for label in train_labels.tolist()}
    labels = test_labels.tolist()
    if set(labels) <= set(by_text.values()) or not all(str(label) in by_text for label in labels):
        return test_labels
    return np.asarray([by_text[str(label)] for label in labels], dtype=np.asarray(train_labels).dtype)


def _sample(X, y, n, random_state):
    from sklearn.model_selection import train_test_split

    if n is None or n >= len(y):
        return list(X), np.asarray(y)
    X, _, y, _ = train_test_split(list(X), y, train_size=n, stratify=y, random_state=random_state)
    return list(X), np.asarray(y)


def class_counts(y):
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    return [plain(c) for c in classes], counts


def check_holdouts(splits):
    """Refuse training rows too few for the recurrent models' stratified validation hold-out.

    The estimators' own hold-out (``holdout_split``) decides; the message is
    worded for ``skrnn compare``'s options.
    """
    from .._training import holdout_split

    for split in splits:
        try:
            holdout_split(split.y_train, RNN_VALIDATION_SPLIT, 0)
        except ValueError:
            classes, counts = class_counts(split.y_train)
            n = len(split.y_train)
            raise ValueError(
                f"the recurrent models hold out {RNN_VALIDATION_SPLIT:.0%} of the {n} training rows for "
                f"validation ({int(np.ceil(RNN_VALIDATION_SPLIT * n))} rows), stratified, which needs at least one "
                f"row of each of the {len(classes)} classes on each side and 2 rows of every class (the smallest, "
                f"{classes[counts.argmin()]!r}, has {counts.min()}); use more rows, a smaller --test-size, or "
                "leave the recurrent models out of --models."
            ) from None


def blend_too_small(splits):
    """Why the blend cannot learn its weights on these splits, or None."""
    for split in splits:
        classes, counts = class_counts(split.y_train)
        if counts.min() < BLEND_MIN_CLASS_ROWS:
            return (f"it learns its weights on {BLEND_HOLDOUT:.0%} of the training rows, stratified, and class "
                    f"{classes[counts.argmin()]!r} has {counts.min()} training row(s), fewer than the "
                    f"{BLEND_MIN_CLASS_ROWS} it needs there")
    return None



def plain(value):
    """A NumPy scalar as the Python value it holds; anything else as it is."""
    return value.item() if isinstance(value, np.generic) else value
