"""The data a comparison runs on: IMDB or the user's texts, its target, and its rows.

Each split has training rows and test rows; :func:`carve_validation` then
takes the validation rows out of the training rows, by one seeded rule and
the same for every model. Every model trains on the rest (the fit rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._registry import VALIDATION_FRACTION

__all__ = ["Split", "Target", "resolve_target", "load_splits", "carve_validation", "blend_too_small",
           "class_counts", "plain"]

#: IMDB's sentiment labels 0 and 1, by name.
IMDB_CLASSES = ("negative", "positive")


@dataclass
class Split:
    """One train / test split (a fold under ``cv``), with its validation rows.

    ``validation`` holds the positions, among the training rows, of the
    validation rows; ``X_fit``/``y_fit`` are the other training rows, the
    ones every model trains on.
    """

    X_train: list
    y_train: np.ndarray
    X_test: list
    y_test: np.ndarray
    validation: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))

    def _fit_rows(self):
        keep = np.ones(len(self.y_train), dtype=bool)
        keep[self.validation] = False
        return np.flatnonzero(keep)

    @property
    def X_fit(self):
        return [self.X_train[i] for i in self._fit_rows()]

    @property
    def y_fit(self):
        return np.asarray(self.y_train)[self._fit_rows()]

    @property
    def X_val(self):
        return [self.X_train[i] for i in self.validation]

    @property
    def y_val(self):
        return np.asarray(self.y_train)[self.validation]


@dataclass(frozen=True)
class Target:
    """What a comparison predicts.

    Attributes
    ----------
    task : {"classification", "regression"}
    column : str or None
        The column of the user's file; None on IMDB.
    imdb_ratings : bool
        IMDB's star ratings (1-4 and 7-10) rather than its labels.
    """

    task: str
    column: str | None
    imdb_ratings: bool = False


def resolve_target(data, target="label", task=None, label_column="label"):
    """What to predict, from ``--target`` and ``--task``.

    ``target="label"`` classifies ``label_column``; ``"rating"`` predicts
    IMDB's star ratings; on the user's own data any other name (``"rating"``
    included) is a column to predict, as a number unless ``task`` says
    ``"classification"``. ``task="regression"`` with ``target="label"``
    predicts ``label_column`` as a number.
    """
    from ..datasets import has_imdb

    if data is None or has_imdb(data):
        if target not in ("label", "rating"):
            raise ValueError(f"IMDB has no column {target!r}: on IMDB, --target is label (the sentiment) or rating "
                             "(the star ratings).")
        if target == "rating" and task == "classification":
            raise ValueError("--target rating predicts IMDB's star ratings as numbers; leave out --task, or "
                             "classify the sentiment with --target label.")
        ratings = target == "rating" or task == "regression"
        return Target("regression" if ratings else "classification", None, imdb_ratings=ratings)
    if target == "label":
        return Target(task or "classification", label_column)
    return Target(task or "regression", target)


def load_splits(data=None, *, target=None, test=None, test_size=0.2, cv=None, sample=None, random_state=0,
                text_column="text", encoding="utf-8", delimiter=None):
    """The splits to compare on, and a description of the data.

    Parameters
    ----------
    target : Target
        What to predict (:func:`resolve_target`); None classifies the labels.

    Returns
    -------
    splits : list of Split
        One split, or ``cv`` folds; classes are stratified.
    description : str
    """
    from ..datasets import has_imdb, load_imdb_sample, load_text_dataset

    target = target or Target("classification", "label")
    if data is None or has_imdb(data):
        if test is not None or cv is not None:
            raise ValueError("--test and --cv are for your own data; IMDB comes with its own test split.")
        X_train, y_train, X_test, y_test = load_imdb_sample(
            sample, data_home=data, random_state=random_state, verbose=True,
            target="rating" if target.imdb_ratings else "label")
        rated = " (their star ratings, 1-4 and 7-10)" if target.imdb_ratings else ""
        if not target.imdb_ratings:  # the report names the classes, not 0 and 1
            names = np.asarray(IMDB_CLASSES, dtype=object)
            y_train, y_test = names[y_train], names[y_test]
        return [Split(X_train, y_train, X_test, y_test)], (
            f"IMDB: {len(X_train):,} training and {len(X_test):,} test reviews{rated}")
    numeric = target.task == "regression"
    options = dict(text_column=text_column, label_column=target.column, encoding=encoding, delimiter=delimiter,
                   numeric=numeric)
    train = load_text_dataset(data, **options)
    X, y = train.data, train.target
    draw = dict(random_state=random_state, stratify=not numeric)
    if test is not None:
        if cv is not None:
            raise ValueError("pass --test or --cv, not both.")
        splits, where = _with_test_file(X, y, load_text_dataset(test, min_classes=1, **options), data, test,
                                        sample, **draw)
    elif cv is not None:
        splits, where = _folds(X, y, cv, data, sample, **draw)
    else:
        splits, where = _hold_out(X, y, test_size, data, sample, **draw)
    if numeric:
        return splits, f"{where}; predicting {target.column!r}, a number from {np.min(y):g} to {np.max(y):g}"
    classes = np.unique(y)
    return splits, f"{where}; {classes.size} classes ({', '.join(map(str, classes.tolist()))})"


def _with_test_file(X, y, held, data, test, sample, *, random_state, stratify):
    """The training rows from ``data`` and the test rows from ``test``."""
    if stratify:
        held.target = _as_training_labels(held.target, y)
        unseen = sorted(set(held.target.tolist()) - set(y.tolist()), key=str)
        if unseen:
            raise ValueError(
                f"{test} holds label(s) the training data never has: {', '.join(map(repr, unseen))}; "
                "a classifier cannot predict them."
            )
    X_train, y_train = _sample(X, y, sample, random_state, stratify)
    X_test, y_test = _sample(held.data, held.target, sample, random_state, stratify)
    return [Split(X_train, y_train, X_test, y_test)], (
        f"{len(X_train):,} training rows from {data}, {len(X_test):,} test rows from {test}")


def _folds(X, y, cv, data, sample, *, random_state, stratify):
    """K folds of the rows, every row tested once (stratified for classes)."""
    from sklearn.model_selection import KFold, StratifiedKFold

    X, y = _sample(X, y, sample, random_state, stratify)
    if len(y) < cv:
        raise ValueError(f"--cv {cv} needs at least {cv} rows, but the data has {len(y)}.")
    folder = (StratifiedKFold if stratify else KFold)(cv, shuffle=True, random_state=random_state)
    X = np.asarray(X, dtype=object)
    splits = [Split(X[tr].tolist(), y[tr], X[te].tolist(), y[te]) for tr, te in folder.split(np.zeros(len(y)), y)]
    return splits, f"{len(y):,} rows from {data}, {'stratified ' if stratify else ''}{cv}-fold cross-validation"


def _hold_out(X, y, test_size, data, sample, *, random_state, stratify):
    """A ``test_size`` share of the rows as test rows (stratified for classes)."""
    from sklearn.model_selection import train_test_split

    X, y = _sample(X, y, sample and int(sample / (1 - test_size)), random_state, stratify)
    try:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=test_size, stratify=y if stratify else None, random_state=random_state)
    except ValueError as exc:
        raise ValueError(f"a stratified {test_size} test split of {data} is impossible: {exc}") from None
    return [Split(list(X_train), y_train, list(X_test), y_test)], (
        f"{len(y_train):,} training and {len(y_test):,} test rows ({'stratified ' if stratify else ''}{test_size} "
        f"hold-out) from {data}")


def carve_validation(splits, task, random_state, fraction=VALIDATION_FRACTION):
    """Take each split's validation rows out of its training rows: the same rows for every model.

    Stratified for classes (the estimators' own ``holdout_split``), a plain
    random draw for numbers, seeded with ``random_state``. Raises
    ``ValueError``, worded for ``skrnn compare``'s options, when the rows are
    too few.
    """
    from .._training import holdout_split, random_holdout_split

    for split in splits:
        n = len(split.y_train)
        try:
            if task.stratified:
                _, split.validation = holdout_split(split.y_train, fraction, random_state)
            else:
                _, split.validation = random_holdout_split(n, fraction, random_state)
        except ValueError:
            if not task.stratified:
                raise ValueError(
                    f"every model gives up {fraction:.0%} of the training rows for validation, and {n} training "
                    "row(s) leave none to train on; use more rows or a smaller --test-size.") from None
            classes, counts = class_counts(split.y_train)
            raise ValueError(
                f"every model gives up {fraction:.0%} of the {n} training rows for validation "
                f"({int(np.ceil(fraction * n))} rows), stratified, which needs at least one "
                f"row of each of the {len(classes)} classes on each side and 2 rows of every class (the smallest, "
                f"{classes[counts.argmin()]!r}, has {counts.min()}); use more rows or a smaller --test-size."
            ) from None
    return splits


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


def _sample(X, y, n, random_state, stratify=True):
    from sklearn.model_selection import train_test_split

    if n is None or n >= len(y):
        return list(X), np.asarray(y)
    X, _, y, _ = train_test_split(list(X), y, train_size=n, stratify=y if stratify else None,
                                  random_state=random_state)
    return list(X), np.asarray(y)


def class_counts(y):
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    return [plain(c) for c in classes], counts


#: The fewest validation rows of each class the blend learns its weights from.
BLEND_MIN_CLASS_ROWS = 2


def blend_too_small(splits):
    """Why the blend cannot learn its weights on these splits' validation rows, or None."""
    for split in splits:
        classes, counts = class_counts(split.y_train)
        val_counts = np.array([np.sum(np.asarray(split.y_val, dtype=object) == c) for c in classes])
        if val_counts.min() < BLEND_MIN_CLASS_ROWS:
            k = int(val_counts.argmin())
            return (f"it learns its weights on the validation rows, and class {classes[k]!r} has "
                    f"{val_counts[k]} of them, fewer than the {BLEND_MIN_CLASS_ROWS} it needs there")
    return None


def plain(value):
    """A NumPy scalar as the Python value it holds; anything else as it is."""
    return value.item() if isinstance(value, np.generic) else value
