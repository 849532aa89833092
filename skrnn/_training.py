"""Training a built network: hold-out, early stopping, learning-rate decay, rollback.

The estimators resolve their settings and build the Keras model; this
module trains it. It owns:

- the validation hold-out, a random fraction seeded by ``random_state`` as
  scikit-learn's own early stopping draws it, instead of Keras' "last
  rows": stratified by class (:func:`holdout_split`), by label for a label
  indicator matrix (:func:`multilabel_holdout_split`, iterative
  stratification), or plain for regression targets
  (:func:`random_holdout_split`);
- the training budget: the batch size of ``batch_size="auto"``
  (:func:`auto_batch_size`), the learning-rate decay as a pure function
  (:func:`auto_learning_rate_decay`) and the callback that applies it, and
  the stopping rule of ``epochs="auto"`` and ``early_stopping``
  (:func:`stopping_callback`), which keeps the best epoch's weights;
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
    "AUTO_HOLDOUT",
    "STOPPING_MIN_DELTA",
    "auto_batch_size",
    "auto_min_epochs",
    "auto_learning_rate_decay",
    "resolve_learning_rate_decay",
    "decay_callback",
    "stopping_callback",
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
#: ... and, with an integer ``epochs``, by at most the factor to this power
#: over all of them.
AUTO_DECAY_EPOCHS = 5
#: The hold-out that ``epochs="auto"`` and ``early_stopping`` validate on
#: when ``validation_split`` is 0 (scikit-learn's ``validation_fraction``).
AUTO_HOLDOUT = 0.1
#: A validation loss lower than the best by less than this is no
#: improvement: a rate decayed to almost nothing does not keep a fit going
#: on changes in the fourth decimal.
STOPPING_MIN_DELTA = 1e-3
#: ``epochs="auto"`` does not stop before this many gradient steps: a
#: network on a few hundred rows often sits at the chance-level loss for its
#: first few dozen steps before it starts to learn, and a patience counted
#: in epochs of a dozen steps would stop it there.
MIN_STOPPING_STEPS = 300
#: ``batch_size="auto"``: about this many batches per epoch ...
AUTO_BATCHES_PER_EPOCH = 200
#: ... with a power of two between these sizes.
AUTO_BATCH_RANGE = (32, 128)


def auto_batch_size(n_train):
    """The batch size of ``batch_size="auto"`` for ``n_train`` training rows.

    The power of two nearest ``n_train / 200``, between 32 and 128: about
    200 steps per epoch where the data allows, so a few hundred rows still
    take enough gradient steps to learn, and the full IMDB training set
    keeps the classic recipe's 128 (how the rule was chosen:
    docs/design.md).

    >>> [auto_batch_size(n) for n in (500, 2_000, 5_000, 10_000, 25_000)]
    [32, 32, 32, 64, 128]
    """
    low, high = AUTO_BATCH_RANGE
    if n_train <= 0:
        return low
    power = 2 ** int(np.round(np.log2(max(n_train / AUTO_BATCHES_PER_EPOCH, 1))))
    return int(np.clip(power, low, high))


def auto_min_epochs(steps_per_epoch):
    """The epochs ``epochs="auto"`` trains at least: enough for ``MIN_STOPPING_STEPS`` gradient steps.

    >>> [auto_min_epochs(steps) for steps in (15, 57, 176)]
    [20, 6, 2]
    """
    return int(np.ceil(MIN_STOPPING_STEPS / max(int(steps_per_epoch), 1)))


def auto_learning_rate_decay(factor, n_train, epochs=None):
    """The per-epoch factor of ``learning_rate_decay="auto"``.

    The cell's ``factor`` per 25,000 training samples seen:
    ``factor ** (n_train / 25000)`` per epoch, so the decay follows the
    training that actually happens and a few hundred rows keep practically
    their full rate for as many epochs as they need. With an integer
    ``epochs`` the fit's whole decay is at most ``factor ** 5``:
    ``factor ** min(n_train / 25000, 5 / epochs)``.

    >>> auto_learning_rate_decay(0.5, 25_000)
    0.5
    >>> round(auto_learning_rate_decay(0.5, 500) ** 50, 2)  # 50 epochs of 500 rows
    0.5
    >>> round(auto_learning_rate_decay(0.5, 9_000, 5) ** 5, 2)  # over 5 epochs
    0.29
    """
    exponent = n_train / AUTO_DECAY_SAMPLES
    if epochs is not None:
        exponent = min(exponent, AUTO_DECAY_EPOCHS / max(int(epochs), 1))
    return float(factor**exponent)


def resolve_learning_rate_decay(setting, *, cell_factor, learning_rate, n_train, epochs):
    """The per-epoch factor for a new model trained on ``n_train`` rows.

    ``learning_rate`` is the optimizer's: a decay needs a plain rate (a
    variable); ``"auto"`` leaves a Keras schedule alone (factor 1.0), and
    an explicit factor other than 1 refuses one. ``epochs`` is None when
    the fit stops on its own (``epochs="auto"``).
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


def stopping_callback(patience, *, min_delta=STOPPING_MIN_DELTA, min_epochs=0):
    """Make a callback that stops when ``val_loss`` stalls and always keeps the best epoch's weights.

    Training stops once ``patience`` epochs in a row have not lowered the
    validation loss by ``min_delta``, but not before ``min_epochs`` epochs
    have run (a warm-up, or a schedule that changes what trains, such as
    frozen embeddings, gets its epochs first). At the end, stopped or not,
    the model gets the weights of its best epoch, as
    ``keras.callbacks.EarlyStopping(restore_best_weights=True)`` does when
    it stops. The callback keeps ``best_epoch`` (0-based, counted as Keras
    counts epochs), ``best_loss``, ``epochs_run`` and ``stopped`` (whether
    the patience ran out) for the estimator's fitted attributes.
    """
    import keras

    class KeepBestEpoch(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.best_loss, self.best_epoch, self.best_weights = np.inf, None, None
            self.epochs_run, self.stopped = 0, False

        def on_epoch_end(self, epoch, logs=None):
            self.epochs_run += 1
            loss = (logs or {}).get("val_loss")
            if loss is None:
                return
            if self.best_epoch is None or loss < self.best_loss - min_delta:
                self.best_loss, self.best_epoch = float(loss), epoch
                self.best_weights = self.model.get_weights()
            elif epoch - self.best_epoch >= patience and self.epochs_run >= min_epochs:
                self.stopped = True
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            if self.best_weights is not None:
                self.model.set_weights(self.best_weights)
                self.best_weights = None  # the model holds them; free the copy

    return KeepBestEpoch()


def holdout_split(y, fraction, random_state, *, parameter="validation_split", names=None, also=""):
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
    in ``y``, for the message; ``also`` is one more fix the message ends
    with (e.g. :data:`WITHOUT_HOLDOUT`).
    """
    y = np.asarray(y)
    n = len(y)
    classes, counts = np.unique(y, return_counts=True)
    if names is not None:
        classes = np.asarray(names)[classes]
    n_val = int(np.ceil(fraction * n))
    n_train = n - n_val
    described = ", ".join(f"{c!r}: {k}" for c, k in zip(classes.tolist(), counts.tolist()))
    fix = _fix(parameter, also)
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
            f"set of your own with fit(X, y, validation_data=(X_val, y_val)){also}."
        )
    rows = np.arange(n)
    train, val = train_test_split(
        rows, test_size=n_val, stratify=y, random_state=check_random_state(random_state)
    )
    return np.sort(train), np.sort(val)


def _plain(value):
    """A NumPy scalar as the Python value it holds; anything else as it is."""
    return value.item() if isinstance(value, np.generic) else value


#: The last fix for a hold-out that ``epochs="auto"`` drew: an integer ``epochs`` needs none.
WITHOUT_HOLDOUT = (
    "; or set epochs to a number (e.g. epochs=20) to train that many epochs on every row without a hold-out"
)


def _fix(parameter, also=""):
    return (
        f"raise {parameter}, pass more samples, or pass a validation set of your own "
        f"with fit(X, y, validation_data=(X_val, y_val)){also}"
    )


def _holdout_sizes(n, fraction, parameter, also=""):
    """``(n_train, n_val)`` of a hold-out, or a ValueError when a side would be empty."""
    n_val = int(np.ceil(fraction * n))
    if n - n_val < 1:
        raise ValueError(
            f"{parameter}={fraction} holds out {n_val} of {n} samples for validation and leaves none to "
            f"train on; {_fix(parameter, also)}."
        )
    return n - n_val, n_val


def random_holdout_split(n, fraction, random_state, *, parameter="validation_split", also=""):
    """Row indices ``(train, validation)``: a random ``fraction`` of ``n`` rows.

    The hold-out for regression targets, as scikit-learn's
    ``MLPRegressor`` draws its ``validation_fraction``: ``ceil(fraction *
    n)`` rows drawn with ``train_test_split``, reproducible with an
    integer ``random_state``.
    """
    _, n_val = _holdout_sizes(n, fraction, parameter, also)
    train, val = train_test_split(np.arange(n), test_size=n_val, random_state=check_random_state(random_state))
    return np.sort(train), np.sort(val)


def multilabel_holdout_split(Y, fraction, random_state, *, parameter="validation_split", also=""):
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
    _holdout_sizes(n, fraction, parameter, also)
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
            f"split in proportion; {_fix(parameter, also)}."
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

