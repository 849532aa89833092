"""Training a built network: hold-out, early stopping, learning-rate decay, rollback.

The estimators resolve their settings and build the Keras model; this
module trains it. It owns:

- the validation hold-out, a random fraction seeded by ``random_state`` as
  scikit-learn's own early stopping draws it, instead of Keras' "last
  rows": stratified by class (:func:`holdout_split`), by label for a label
  indicator matrix (:func:`multilabel_holdout_split`, iterative
  stratification), or plain for regression targets
  (:func:`random_holdout_split`);
- the learning-rate decay: the rule as a pure function
  (:func:`auto_learning_rate_decay`) and the callback that applies it;
- the tf.distribute strategy the model is built and trained under;
- :class:`TrainingState`, a copy of a model's weights and optimizer state
  that a failed or interrupted fit restores;
- :func:`random_state_kept`, which keeps a prediction from moving the
  model's dropout random generators (Keras' recurrent layers draw their
  dropout masks at every call, in inference too), so that predicting
  between two warm-started fits does not change what the second one learns.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

__all__ = [
    "AUTO_DECAY_SAMPLES",
    "AUTO_DECAY_EPOCHS",
    "auto_learning_rate_decay",
    "resolve_learning_rate_decay",
    "decay_callback",
    "early_stopping_callback",
    "holdout_split",
    "multilabel_holdout_split",
    "random_holdout_split",
    "resolve_strategy",
    "TrainingState",
    "random_state_kept",
]

#: ``learning_rate_decay="auto"`` multiplies the rate by the cell's factor
#: per this many training samples ...
AUTO_DECAY_SAMPLES = 25_000
#: ... and by at most the factor to this power over all ``epochs``.
AUTO_DECAY_EPOCHS = 5


def auto_learning_rate_decay(factor, n_train, epochs):
    """The per-epoch factor of ``learning_rate_decay="auto"``.

    ``factor ** min(n_train / 25000, 5 / epochs)``: the cell's factor per
    25,000 training samples, and at most ``factor ** 5`` over all epochs.

    >>> auto_learning_rate_decay(0.5, 25_000, 5)
    0.5
    >>> round(auto_learning_rate_decay(0.5, 9_000, 5) ** 5, 2)  # over the whole fit
    0.29
    """
    exponent = min(n_train / AUTO_DECAY_SAMPLES, AUTO_DECAY_EPOCHS / max(int(epochs), 1))
    return float(factor**exponent)


def resolve_learning_rate_decay(setting, *, cell_factor, learning_rate, n_train, epochs):
    """The per-epoch factor for a new model trained on ``n_train`` rows.

    ``learning_rate`` is the optimizer's: a decay needs a plain rate (a
    variable); ``"auto"`` leaves a Keras schedule alone (factor 1.0), and
    an explicit factor other than 1 refuses one.
    """
    plain_rate = hasattr(learning_rate, "assign")  # a variable (a schedule gives a tensor)
    if setting != "auto":
        if setting != 1 and not plain_rate:
            raise ValueError(
                "learning_rate_decay needs a plain learning rate, but the optimizer's is a "
                f"{type(learning_rate).__name__}; set learning_rate_decay=1.0 to train with a "
                "schedule of your own."
            )
        return float(setting)
    if not plain_rate:
        return 1.0  # the user's schedule decides
    return auto_learning_rate_decay(cell_factor, n_train, epochs)


def decay_callback(factor):
    """Make a Keras callback that multiplies the rate by ``factor`` after every epoch."""
    import keras

    class DecayLearningRate(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            rate = self.model.optimizer.learning_rate
            rate.assign(rate * factor)

    return DecayLearningRate()


def early_stopping_callback(patience):
    """Make a callback that stops when ``val_loss`` stalls and restores the best weights.

    It stops when ``val_loss`` has not improved for ``patience`` epochs.
    """
    import keras

    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)


def holdout_split(y, fraction, random_state, *, parameter="validation_split", names=None):
    """Row indices ``(train, validation)``: a stratified random ``fraction`` of ``y``.

    As scikit-learn's ``validation_fraction`` (``MLPClassifier``,
    ``SGDClassifier``): every class is in the validation rows in
    proportion, and the draw is reproducible with an integer
    ``random_state``. The rows are drawn with ``train_test_split``, so the
    validation part holds ``ceil(fraction * n)`` rows.

    Raises ``ValueError`` naming the fraction and the class counts when the
    hold-out cannot hold every class (fewer validation rows than classes,
    fewer training rows than classes, or a class with a single sample).
    ``names``, when given, are the class labels of the codes ``0, 1, ...``
    in ``y``, for the message.
    """
    y = np.asarray(y)
    n = len(y)
    classes, counts = np.unique(y, return_counts=True)
    if names is not None:
        classes = np.asarray(names)[classes]
    n_val = int(np.ceil(fraction * n))
    n_train = n - n_val
    described = ", ".join(f"{c!r}: {k}" for c, k in zip(classes.tolist(), counts.tolist()))
    fix = _fix(parameter)
    if n_val < len(classes) or n_train < len(classes):
        raise ValueError(
            f"{parameter}={fraction} holds out {n_val} of {n} samples for validation and "
            f"keeps {n_train} for training, but a stratified hold-out needs at least one "
            f"sample of each of the {len(classes)} classes on each side (class counts: "
            f"{{{described}}}); {fix}."
        )
    if counts.min() < 2:
        raise ValueError(
            f"{parameter}={fraction} needs at least 2 samples of every class to put each "
            f"class on both sides of the hold-out, but class {_plain(classes[counts.argmin()])!r} "
            f"has 1 (class counts: {{{described}}}); pass more samples of it, or a validation "
            "set of your own with fit(X, y, validation_data=(X_val, y_val))."
        )
    rows = np.arange(n)
    train, val = train_test_split(
        rows, test_size=n_val, stratify=y, random_state=check_random_state(random_state)
    )
    return np.sort(train), np.sort(val)


def _plain(value):
    """A NumPy scalar as the Python value it holds; anything else as it is."""
    return value.item() if isinstance(value, np.generic) else value


def _fix(parameter):
    return (
        f"raise {parameter}, pass more samples, or pass a validation set of your own "
        "with fit(X, y, validation_data=(X_val, y_val))"
    )


def _holdout_sizes(n, fraction, parameter):
    """``(n_train, n_val)`` of a hold-out, or a ValueError when a side would be empty."""
    n_val = int(np.ceil(fraction * n))
    if n - n_val < 1:
        raise ValueError(
            f"{parameter}={fraction} holds out {n_val} of {n} samples for validation and leaves none to "
            f"train on; {_fix(parameter)}."
        )
    return n - n_val, n_val


def random_holdout_split(n, fraction, random_state, *, parameter="validation_split"):
    """Row indices ``(train, validation)``: a random ``fraction`` of ``n`` rows.

    The hold-out for regression targets, as scikit-learn's
    ``MLPRegressor`` draws its ``validation_fraction``: ``ceil(fraction *
    n)`` rows drawn with ``train_test_split``, reproducible with an
    integer ``random_state``.
    """
    _, n_val = _holdout_sizes(n, fraction, parameter)
    train, val = train_test_split(np.arange(n), test_size=n_val, random_state=check_random_state(random_state))
    return np.sort(train), np.sort(val)


def multilabel_holdout_split(Y, fraction, random_state, *, parameter="validation_split"):
    """Row indices ``(train, validation)`` of a label indicator matrix, stratified label by label.

    Iterative stratification (Sechidis, Tsoumakas and Vlahavas, "On the
    stratification of multi-label data", ECML PKDD 2011), for two subsets
    of sizes ``1 - fraction`` and ``fraction``: the label with the fewest
    rows left is dealt out first, each of its rows to the subset that
    still wants the most of that label (then the most rows), so every
    label's positives are split in proportion as far as whole rows allow,
    and a rare label is not left out of the training side. Rows without
    labels fill the subsets up to their sizes. Ties are broken at random,
    reproducibly with an integer ``random_state``. The validation part
    holds about ``fraction * n`` rows.
    """
    Y = np.asarray(Y) > 0.5
    n = len(Y)
    _holdout_sizes(n, fraction, parameter)
    rng = check_random_state(random_state)
    ratios = np.array([1.0 - fraction, fraction])
    wanted_rows = n * ratios
    wanted_labels = ratios[:, None] * Y.sum(axis=0)[None, :]  # (subset, label)
    subset = np.full(n, -1)

    def pick(wants, then):
        best = np.flatnonzero(wants == wants.max())
        if best.size > 1:
            best = best[then[best] == then[best].max()]
        return int(best[0] if best.size == 1 else rng.choice(best))

    while True:
        left = Y[subset < 0].sum(axis=0)
        if not left.any():
            break
        label = int(np.flatnonzero(left == left[left > 0].min())[0])
        rows = np.flatnonzero((subset < 0) & Y[:, label])
        for row in rng.permutation(rows):
            j = pick(wanted_labels[:, label], wanted_rows)
            subset[row] = j
            wanted_labels[j] -= Y[row]
            wanted_rows[j] -= 1
    for row in rng.permutation(np.flatnonzero(subset < 0)):
        j = pick(wanted_rows, wanted_rows)
        subset[row] = j
        wanted_rows[j] -= 1
    if not (subset == 1).any():
        raise ValueError(
            f"{parameter}={fraction} of {n} samples leaves no row for validation once every label is "
            f"split in proportion; {_fix(parameter)}."
        )
    return np.flatnonzero(subset == 0), np.flatnonzero(subset == 1)


def resolve_strategy(strategy):
    """The ``tf.distribute.Strategy`` named by ``distribution_strategy``."""
    import tensorflow as tf

    if strategy is None or strategy == "default":
        return tf.distribute.get_strategy()
    if strategy == "mirrored":
        return tf.distribute.MirroredStrategy()
    if isinstance(strategy, tf.distribute.Strategy):
        return strategy
    raise ValueError(
        "distribution_strategy must be None, 'default', 'mirrored' or a "
        f"tf.distribute.Strategy, got {strategy!r}."
    )


class TrainingState:
    """A copy of a model's weights and its optimizer's state, to put back.

    Taken before a warm-started fit or ``partial_fit`` trains an existing
    model in place; :meth:`restore` undoes everything the interrupted
    training changed: every weight and random-generator state of the model,
    the optimizer's slots, its iteration count and learning rate. Optimizer variables created during the failed
    training (a first step builds them) go back to zero, the state of a
    freshly built optimizer.
    """

    def __init__(self, model):
        self.model = model
        self.variables = [(v, np.array(v.numpy(), copy=True)) for v in model.variables]
        optimizer = getattr(model, "optimizer", None)
        self.optimizer_values = {}
        if optimizer is not None:
            self.optimizer_values = {id(v): np.array(v.numpy(), copy=True) for v in optimizer.variables}

    def restore(self):
        for variable, value in self.variables:
            variable.assign(value)
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            return
        for variable in optimizer.variables:
            value = self.optimizer_values.get(id(variable))
            variable.assign(np.zeros(variable.shape, variable.dtype) if value is None else value)


@contextmanager
def random_state_kept(model):
    """Put the model's random-generator states back as they were on leaving the block.

    They are the model's variables that are not weights: the dropout seed
    generators' states (and compiled metrics' counters, which inference
    does not use either).
    """
    weights = {id(w) for w in model.weights}
    kept = [(v, np.array(v.numpy(), copy=True)) for v in model.variables if id(v) not in weights]
    try:
        yield
    finally:
        for variable, value in kept:
            variable.assign(value)

