"""SimpleRNNClassifier, LSTMClassifier and GRUClassifier."""

from __future__ import annotations

import numbers
import random
from collections import defaultdict
from contextlib import contextmanager

import keras
import numpy as np
from scikeras._utils import route_params
from sklearn.utils import check_consistent_length, column_or_1d
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._batching import LengthBatches, predict_by_length, quiet_retracing
from ._compat import KerasClassifierCompat
from ._model import build_rnn_model
from ._sequence import _check_ids
from ._text import OOV_ID

__all__ = ["SimpleRNNClassifier", "LSTMClassifier", "GRUClassifier"]

_PARAMS_DOC = """
    Parameters
    ----------
    embedding_dim : int, default=32
        Size of the token embedding.
    units : int, default=32
        Units of each recurrent layer (per direction).
    n_layers : int, default=1
        Number of stacked recurrent layers; all but the last return
        sequences.
    bidirectional : bool, default=False
        Add a backward copy of each recurrent layer and concatenate the
        two directions, as ``keras.layers.Bidirectional`` does.
    dropout : float, default=0.2
        Dropout on the recurrent layers' inputs (the embedded tokens).
    recurrent_dropout : float, default=0.0
        Dropout on the recurrent state.
    pooling : {"auto", "last", "max", "mean"}, default="auto"
        Read the last state (as the classic Keras IMDB example does), or the
        maximum or mean of the outputs over the unmasked time steps.
        ``"auto"`` is ``"last"`` for LSTM and GRU, ``"max"`` for SimpleRNN
        (whose state forgets the start of a long review). See
        docs/benchmarks.md for how the defaults were chosen.
    mask_padding : bool, default=True
        Leave id 0 out, so padding never reaches the recurrent state: the
        network computes what Keras masking (``mask_zero=True``) computes,
        by moving each row's tokens to the front and reading each row up to
        its length (faster on CPU than a masked loop; see
        docs/how-it-works.md). Needed for ``bucket_by_length``.
    vocabulary_size : int or None, default=None
        Embedding rows. ``None`` learns ``vocabulary_size_`` in fit as the
        largest id + 1. Ids >= the vocabulary size are treated as
        out-of-vocabulary (id 1), in fit and in predict.
    bucket_by_length : bool, default=True
        Group rows of similar length into batches and run each batch only
        over its token span. Exact (same function) when ``mask_padding`` is
        on; ignored when it is off.
    optimizer : str or keras optimizer, default="rmsprop"
        As in scikeras; ``optimizer__<name>`` sets its arguments.
    learning_rate : float or None, default=None
        The optimizer's learning rate; ``None`` keeps its default (0.001 for
        Adam and RMSprop).
    learning_rate_decay : float in (0, 1] or "auto", default="auto"
        Multiply the learning rate by this after every epoch (it continues
        over ``partial_fit`` calls and warm-started fits, and starts afresh
        with each new model). ``1.0`` keeps it constant, as Keras does.
        ``"auto"`` decays with the amount of training: by the cell's factor
        (0.5 for LSTM and GRU, 0.75 for SimpleRNN) per 25,000 training
        samples, and by at most that factor to the 5th over all ``epochs``
        (1/32 and 0.24). So on the full IMDB training set (25,000 reviews,
        5 epochs) the rate halves every epoch, on 9,000 reviews it falls to
        0.29 of its start over 5 epochs, and on a few hundred samples it
        stays practically constant; with ``partial_fit``, each call counts
        as an epoch over its chunk. With a Keras schedule as the optimizer's
        learning rate, ``"auto"`` leaves the schedule alone. The decay damps
        the epoch-to-epoch swings of a constant rate (full IMDB, seeds 0-2:
        LSTM 0.8806-0.8848 with it, 0.8505-0.8798 without; see
        docs/benchmarks.md).
    epochs : int, default=5
        Passes over the training data.
    batch_size : int, default=128
        Training batch size (the classic Keras IMDB recipe's). Smaller
        batches learn more per epoch for more time: on IMDB, 64 gave the
        LSTM 0.886-0.891 over seeds 0-2 against 0.881-0.885, in 70 s
        against 43 s (docs/benchmarks.md).
    predict_batch_size : int, default=512
        Prediction batch size.
    validation_split : float, default=0.0
        Fraction of the training data (the last rows, as in Keras) held out
        to report ``val_loss`` and ``val_accuracy`` in ``history_``.
    early_stopping : bool, default=False
        Stop when the validation loss has not improved for ``patience``
        epochs and restore the best weights. Holds out 10% of the training
        data when ``validation_split`` is 0.
    patience : int, default=2
        Epochs without improvement before early stopping.
    class_weight : dict, "balanced" or None, default=None
        Weights per class, folded into the sample weights.
    random_state : int, RandomState or None, default=None
        Seed for the weights, dropout and shuffling. With a seed, fits are
        reproducible; the seeding is scoped to the fit and restored after.
    verbose : int, default=0
        0 is silent; 1 shows Keras' progress bar; 2 one line per epoch.
    distribution_strategy : None, "default", "mirrored" or tf.distribute.Strategy, default=None
        Build and train the model under this strategy. ``"mirrored"`` is
        ``tf.distribute.MirroredStrategy()``: data-parallel training over
        all local GPUs (the CPU when there is none). A strategy instance
        works too, but cannot be cloned (grid search): prefer the strings.
    warm_start, loss, metrics, callbacks, shuffle, run_eagerly, validation_batch_size, **kwargs
        Passed to scikeras' ``KerasClassifier``, with its routed parameters
        (``fit__*``, ``compile__*``, ``optimizer__*``, ``callbacks__*``).
        ``loss=None`` picks binary or sparse categorical cross-entropy.

    Attributes
    ----------
    model_ : keras.Model
        The fitted Keras model.
    history_ : dict of str to list
        Loss and metrics per epoch (``loss``, ``accuracy``, and ``val_*``
        with a validation split).
    classes_ : ndarray
        The class labels.
    n_classes_ : int
    vocabulary_size_ : int
        Embedding rows used.
    n_features_in_ : int
        Columns (time steps) of the training matrix.
    pooling_ : str
        The pooling used (``pooling`` with ``"auto"`` resolved).
    learning_rate_decay_ : float
        The per-epoch learning-rate factor used (``"auto"`` resolved from
        the cell, the number of training samples and ``epochs`` when a new
        model starts training).
"""


#: ``learning_rate_decay="auto"`` multiplies the rate by the cell's factor
#: (``_auto_learning_rate_decay``) per this many training samples ...
_AUTO_DECAY_SAMPLES = 25_000
#: ... and by at most the factor to this power over all ``epochs``.
_AUTO_DECAY_EPOCHS = 5


class _BaseRNNClassifier(KerasClassifierCompat):
    """Shared base of the recurrent classifiers.

    ``scikeras.wrappers.KerasClassifier`` lists ``ClassifierMixin`` after
    ``BaseWrapper``, so the mixin cannot come first here (Python's MRO
    forbids it); the classifier tags are set in ``_compat``.
    """

    _cell = None
    _auto_pooling = "last"
    _auto_learning_rate_decay = 0.5

    _parameter_constraints = {
        "embedding_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "units": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_layers": [Interval(numbers.Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "recurrent_dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "pooling": [StrOptions({"auto", "last", "max", "mean"})],
        "mask_padding": ["boolean"],
        "vocabulary_size": [Interval(numbers.Integral, 2, None, closed="left"), None],
        "bucket_by_length": ["boolean"],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "learning_rate_decay": [StrOptions({"auto"}), Interval(numbers.Real, 0, 1, closed="right")],
        "epochs": [Interval(numbers.Integral, 0, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "predict_batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "validation_split": [Interval(numbers.Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "patience": [Interval(numbers.Integral, 0, None, closed="left")],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        embedding_dim=32,
        units=32,
        n_layers=1,
        bidirectional=False,
        dropout=0.2,
        recurrent_dropout=0.0,
        pooling="auto",
        mask_padding=True,
        vocabulary_size=None,
        bucket_by_length=True,
        optimizer="rmsprop",
        learning_rate=None,
        learning_rate_decay="auto",
        epochs=5,
        batch_size=128,
        predict_batch_size=512,
        validation_split=0.0,
        early_stopping=False,
        patience=2,
        class_weight=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        loss=None,
        metrics=None,
        callbacks=None,
        shuffle=True,
        run_eagerly=False,
        validation_batch_size=None,
        distribution_strategy=None,
        **kwargs,
    ):
        self.embedding_dim = embedding_dim
        self.units = units
        self.n_layers = n_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.pooling = pooling
        self.mask_padding = mask_padding
        self.vocabulary_size = vocabulary_size
        self.bucket_by_length = bucket_by_length
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.epochs = epochs
        self.batch_size = batch_size
        self.predict_batch_size = predict_batch_size
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.patience = patience
        self.class_weight = class_weight
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.loss = loss
        self.metrics = metrics
        self.callbacks = callbacks
        self.shuffle = shuffle
        self.run_eagerly = run_eagerly
        self.validation_batch_size = validation_batch_size
        self.distribution_strategy = distribution_strategy
        vars(self).update(**kwargs)
        if kwargs:
            self._user_params = set(kwargs)

    # -- scikeras hooks ----------------------------------------------------
    def _check_model_param(self):
        return self._keras_build_fn

    def _keras_build_fn(self, compile_kwargs):
        model = build_rnn_model(
            cell=self._cell,
            vocabulary_size=self.vocabulary_size_,
            n_classes=self.n_classes_,
            embedding_dim=self.embedding_dim,
            units=self.units,
            n_layers=self.n_layers,
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
            pooling=self.pooling_,
            mask_padding=self.mask_padding,
            seed=None if self._random_state is None else int(self._random_state),
        )
        model.compile(**compile_kwargs)
        return model

    def _initialize(self, X, y=None):
        _release_keras_state()
        return super()._initialize(X, y)

    def _build_keras_model(self):
        # scikeras' own version seeds through TF_DETERMINISTIC_OPS (see _seed_scope).
        with _seed_scope(self._random_state), self._strategy().scope():
            return self._keras_build_fn(compile_kwargs=self._get_compile_kwargs())

    def _strategy(self):
        """The tf.distribute strategy to build and train under."""
        import tensorflow as tf

        strategy = self.distribution_strategy
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

    def _get_compile_kwargs(self):
        kwargs = super()._get_compile_kwargs()
        if kwargs.get("loss") is None:
            kwargs["loss"] = (
                "binary_crossentropy" if self.n_classes_ <= 2 else "sparse_categorical_crossentropy"
            )
        if kwargs.get("metrics") is None:
            kwargs["metrics"] = ["accuracy"]
        if self.learning_rate is not None:
            kwargs["optimizer"].learning_rate = float(self.learning_rate)
        return kwargs

    # -- validation ----------------------------------------------------------
    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        if reset:
            self._validate_params()
        if X is not None:
            X = self._check_token_ids(X, reset=reset)
        if y is not None:
            y = self._check_target(y, reset=reset)
        if X is not None and y is not None:
            check_consistent_length(X, y)
        return X, y

    def _check_token_ids(self, X, *, reset):
        name = type(self).__name__
        if isinstance(X, (list, tuple)) and X and all(hasattr(r, "__len__") for r in X):
            widths = {len(r) for r in X}
            if len(widths) > 1:
                raise ValueError(
                    f"X passed to {name} is ragged (sequences of lengths "
                    f"{min(widths)} to {max(widths)}); pad them to one length "
                    "with SequencePadder first."
                )
        if getattr(X, "dtype", None) == object:
            try:
                X = np.asarray(X).astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"{name} input X holds values that are not numbers ({exc}); "
                    "token ids must be non-negative integers."
                ) from None
        X = validate_data(
            self,
            X,
            reset=reset,
            dtype=None,
            accept_sparse=False,
            ensure_all_finite=True,
            ensure_2d=True,
            allow_nd=False,
        )
        width = X.shape[1]
        ids = _check_ids(
            X.reshape(-1),
            where=f"{name} input X",
            locate=lambda i: f"(row {i // width}, column {i % width})",
        ).reshape(X.shape)
        if reset:
            self.pooling_ = self._auto_pooling if self.pooling == "auto" else self.pooling
            self.learning_rate_decay_ = None  # resolved when training starts (_resolve_learning_rate_decay)
            self.vocabulary_size_ = int(
                self.vocabulary_size if self.vocabulary_size is not None else max(ids.max() + 1, 2)
            )
            self.X_dtype_ = np.dtype("int32")
            self.X_shape_ = X.shape
        # Ids the embedding has no row for are unknown words.
        ids = np.where(ids >= self.vocabulary_size_, OOV_ID, ids)
        return ids.astype(np.int32)

    def _check_target(self, y, *, reset):
        y = check_array(y, ensure_2d=False, dtype=None, ensure_all_finite=True, input_name="y")
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if reset:
            if getattr(self, "classes_", None) is None and np.unique(y).size < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes "
                    f"in y, but y contains only one class: {np.unique(y)[0]!r}."
                )
            self.target_type_ = self._type_of_target(y)
            self.y_dtype_ = y.dtype
            self.y_ndim_ = y.ndim
        elif not np.can_cast(y.dtype, self.y_dtype_) and not (
            y.dtype.kind in "OUS" and self.y_dtype_.kind in "OUS"
        ):
            raise ValueError(
                f"y has dtype {y.dtype}, but {type(self).__name__} was fitted "
                f"with {self.y_dtype_}."
            )
        return y

    # -- fitting -------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, **kwargs):
        """Fit the network on token-id matrix ``X`` and labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Padded token ids (0 = padding, 1 = unknown), e.g. the output of
            ``SequencePadder``.
        y : array-like of shape (n_samples,)
            Class labels (any type).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **kwargs
            Passed on to ``keras.Model.fit`` (prefer ``fit__*`` parameters).

        Returns
        -------
        self
        """
        if sample_weight is not None and not np.isscalar(sample_weight):
            weights, labels = np.asarray(sample_weight), np.asarray(y)
            if weights.shape == labels.shape and np.unique(labels[weights != 0]).size == 1:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes "
                    "with non-zero sample_weight, but only one class is left."
                )
        return self._fit_guarded(super().fit, X, y, sample_weight=sample_weight, **kwargs)

    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs):
        """Train for one epoch, keeping the weights of earlier calls."""
        if classes is not None:
            classes = np.asarray(classes)  # scikeras stores it as given; predict indexes it
        return self._fit_guarded(
            super().partial_fit, X, y, classes=classes, sample_weight=sample_weight, **kwargs
        )

    def _fit_guarded(self, method, X, y, sample_weight=None, **kwargs):
        # Never half-fitted: on any failure (a bad input found late, an
        # exception in Keras, Ctrl-C) the estimator is left as it was.
        before = dict(vars(self))
        if sample_weight is not None and not np.isscalar(sample_weight):
            sample_weight = np.array(sample_weight, dtype=np.float64)  # scikeras scales it in place
        try:
            method(X, y, sample_weight=sample_weight, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(before)
            raise
        return self

    def _fit_keras_model(self, X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs):
        params = self.get_params()
        fit_args = route_params(params, destination="fit", pass_filter=self._fit_kwargs)
        fit_args = {k: v for k, v in fit_args.items() if not k.startswith("callbacks")}
        fit_args.update(kwargs)
        batch_size = fit_args.pop("batch_size", self.batch_size) or 32
        validation_split = fit_args.pop("validation_split", self.validation_split) or 0.0
        shuffle = fit_args.pop("shuffle", self.shuffle)
        for unused in ("class_weight", "sample_weight", "epochs", "initial_epoch"):
            fit_args.pop(unused, None)
        callbacks = list(self._fit_callbacks)
        if self.early_stopping:
            validation_split = validation_split or 0.1
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss", patience=self.patience, restore_best_weights=True
                )
            )
        n_val = int(len(X) * validation_split)
        if validation_split and (n_val < 1 or n_val >= len(X)):
            raise ValueError(
                f"validation_split={validation_split} leaves no training or no "
                f"validation samples out of {len(X)}."
            )
        n_train = len(X) - n_val
        if self.learning_rate_decay_ is None:  # a new model
            self.learning_rate_decay_ = self._resolve_learning_rate_decay(n_train)
        if self.learning_rate_decay_ != 1:
            callbacks.append(_DecayLearningRate(self.learning_rate_decay_))
        train = self._batches(X[:n_train], y[:n_train], _head(sample_weight, n_train), batch_size, shuffle)
        val_batch = fit_args.pop("validation_batch_size", None) or self.predict_batch_size
        validation = None
        if n_val:
            validation = self._batches(
                X[n_train:], y[n_train:], _tail(sample_weight, n_train), val_batch, False
            ).as_dataset()
        with _seed_scope(self._random_state), quiet_retracing():
            hist = self.model_.fit(
                train.as_dataset(epochs=epochs, first_epoch=initial_epoch),
                steps_per_epoch=len(train),
                validation_data=validation,
                epochs=initial_epoch + epochs,
                initial_epoch=initial_epoch,
                callbacks=callbacks,
                shuffle=False,  # the batches are shuffled (by length) already
                **fit_args,
            )
        if not warm_start or not hasattr(self, "history_") or initial_epoch == 0:
            self.history_ = defaultdict(list)
        for key, values in hist.history.items():
            self.history_[key] += [float(v) for v in values]

    def _resolve_learning_rate_decay(self, n_train):
        """The per-epoch factor of ``learning_rate_decay`` for a new model
        trained on ``n_train`` samples per epoch (see the parameter)."""
        plain_rate = isinstance(self.model_.optimizer.learning_rate, keras.Variable)
        if self.learning_rate_decay != "auto":
            if self.learning_rate_decay != 1 and not plain_rate:
                raise ValueError(
                    "learning_rate_decay needs a plain learning rate, but the optimizer's is a "
                    f"{type(self.model_.optimizer.learning_rate).__name__}; set "
                    "learning_rate_decay=1.0 to train with a schedule of your own."
                )
            return float(self.learning_rate_decay)
        if not plain_rate:
            return 1.0  # the user's schedule decides
        exponent = min(n_train / _AUTO_DECAY_SAMPLES, _AUTO_DECAY_EPOCHS / max(self.epochs, 1))
        return float(self._auto_learning_rate_decay**exponent)

    def _uses_buckets(self):
        return self.bucket_by_length and self.mask_padding

    def _batches(self, X, y, sample_weight, batch_size, shuffle):
        # Batch order: a function of (random_state, epoch), so partial_fit's
        # later epochs shuffle differently and every fit is reproducible.
        seed = None if self._random_state is None else int(self._random_state)
        return LengthBatches(
            X, y, sample_weight, batch_size=batch_size, shuffle=shuffle, seed=seed,
            by_length=self._uses_buckets(),
        )

    # -- prediction ------------------------------------------------------------
    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    def _predict_raw(self, X, **kwargs):
        check_is_fitted(self)
        X, _ = self._validate_data(X=X, y=None)
        verbose = kwargs.pop("verbose", 0)
        batch_size = kwargs.pop("batch_size", None) or getattr(
            self, "predict__batch_size", self.predict_batch_size
        )
        if self._uses_buckets():
            return predict_by_length(self.model_, X, batch_size=batch_size)
        return self.model_.predict(X, batch_size=batch_size, verbose=verbose, **kwargs)

    def predict_proba(self, X, **kwargs):
        """Class probabilities, shape (n_samples, n_classes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Padded token ids.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        proba = super().predict_proba(X, **kwargs)
        proba = np.asarray(proba, dtype=np.float64).reshape(-1, self.n_classes_)
        return proba

    def predict(self, X, **kwargs):
        """Predicted class labels (from ``classes_``) of shape (n_samples,)."""
        proba = self.predict_proba(X, **kwargs)
        return self.classes_[np.argmax(proba, axis=1)]

    def count_params(self):
        """Number of trainable parameters of the fitted Keras model."""
        check_is_fitted(self)
        return int(sum(np.prod(w.shape) for w in self.model_.trainable_weights))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        tags.input_tags.two_d_array = True
        tags.input_tags.sparse = False
        tags.non_deterministic = False
        return tags


class _DecayLearningRate(keras.callbacks.Callback):
    """Multiply the optimizer's learning rate by ``factor`` after every epoch."""

    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def on_epoch_end(self, epoch, logs=None):
        rate = self.model.optimizer.learning_rate
        rate.assign(rate * self.factor)


def _release_keras_state():
    """Free what earlier models left in Keras' global state (a grid search
    builds hundreds), keeping a seed the user set with
    ``keras.utils.set_random_seed``. Fitted models keep working."""
    from keras.src.backend.common import global_state
    from keras.src.utils.rng_utils import GLOBAL_RANDOM_SEED

    user_seed = global_state.get_global_attribute(GLOBAL_RANDOM_SEED)
    keras.backend.clear_session(free_memory=True)
    if user_seed is not None:
        global_state.set_global_attribute(GLOBAL_RANDOM_SEED, user_seed)


@contextmanager
def _seed_scope(seed):
    """Seed Python, NumPy, TensorFlow and Keras for one block, then restore.

    Also turns TensorFlow's op determinism on for the block (and back off).
    Unlike scikeras' ``tensorflow_random_state`` this never sets the
    ``TF_DETERMINISTIC_OPS`` environment variable: TensorFlow caches that
    variable the first time it looks, so setting it even briefly can leave
    determinism on for the rest of the process.
    """
    if seed is None:
        yield
        return
    import tensorflow as tf
    from keras.src.backend.common import global_state
    from keras.src.random.seed_generator import GLOBAL_SEED_GENERATOR
    from tensorflow.python.eager import context
    from tensorflow.python.framework import config as tf_config

    saved_python, saved_numpy = random.getstate(), np.random.get_state()
    saved_tf_seed = context.global_seed()
    saved_generator = global_state.get_global_attribute(GLOBAL_SEED_GENERATOR)
    was_deterministic = tf_config.is_op_determinism_enabled()
    try:
        random.seed(seed)
        np.random.seed(seed)
        tf.random.set_seed(seed)
        global_state.set_global_attribute(GLOBAL_SEED_GENERATOR, None)
        if not was_deterministic:
            tf_config.enable_op_determinism()
        yield
    finally:
        random.setstate(saved_python)
        np.random.set_state(saved_numpy)
        tf.random.set_seed(saved_tf_seed)
        global_state.set_global_attribute(GLOBAL_SEED_GENERATOR, saved_generator)
        if not was_deterministic:
            tf_config.disable_op_determinism()


def _head(a, n):
    return None if a is None else a[:n]


def _tail(a, n):
    return None if a is None else a[n:]


def _doc(name, title, layer):
    return f"""{title} text classifier (scikit-learn API, Keras model).

    ``Embedding -> {layer} (x n_layers) -> pooling -> Dense`` over padded token
    ids, trained with Keras through scikeras. Put it after a
    :class:`TextVectorizer` and a :class:`SequencePadder` in a pipeline.
{_PARAMS_DOC}
    See Also
    --------
    SimpleRNNClassifier, LSTMClassifier, GRUClassifier
    skrnn.reference : The same forward pass in NumPy.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from skrnn import TextVectorizer, SequencePadder, {name}
    >>> texts = ["great film", "loved it", "awful film", "hated it"] * 8
    >>> labels = ["pos", "pos", "neg", "neg"] * 8
    >>> clf = make_pipeline(TextVectorizer(), SequencePadder(maxlen=4),
    ...                     {name}(units=8, epochs=2, random_state=0))
    >>> clf.fit(texts, labels).predict_proba(["great film"]).shape
    (1, 2)
    """


class SimpleRNNClassifier(_BaseRNNClassifier):
    __doc__ = _doc("SimpleRNNClassifier", "Simple RNN", "SimpleRNN")
    _cell = "simple_rnn"
    _auto_pooling = "max"
    _auto_learning_rate_decay = 0.75


class LSTMClassifier(_BaseRNNClassifier):
    __doc__ = _doc("LSTMClassifier", "LSTM", "LSTM")
    _cell = "lstm"


class GRUClassifier(_BaseRNNClassifier):
    __doc__ = _doc("GRUClassifier", "GRU", "GRU")
    _cell = "gru"
