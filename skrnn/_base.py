"""What the recurrent classifiers and regressors share.

:class:`RecurrentEstimator` owns the parameters and their checks, the
checks of the token ids, every setting that depends on the data (resolved
in one step, :meth:`RecurrentEstimator._resolve_settings`), the training
loop around Keras' ``fit`` (hold-out, early stopping, decay, length-aware
batches, rollback on failure) and the raw prediction. A classifier or a
regressor adds only its target: how ``y`` is checked and encoded, the
output layer and loss, the validation hold-out, and what ``predict``
returns (``_classifiers`` and ``_regressors``).

The model itself comes from ``_model``, the training from ``_training``,
the batches from ``_batching``; scikeras' and Keras' internals are reached
only through ``_compat``.
"""

from __future__ import annotations

import copy
import difflib
import inspect
import numbers
from collections import defaultdict

import keras
import numpy as np
from sklearn import config_context
from sklearn.utils import check_consistent_length
from sklearn.utils.validation import check_is_fitted, validate_data

from ._batching import LengthBatches, predict_by_length, quiet_retracing
from ._compat import (
    build_training_state,
    fit_callbacks,
    fit_keywords,
    fit_seed,
    mark_routed_params,
    picklable_with_frozen_layers,
    predict_callbacks,
    release_keras_state,
    route_params,
    seed_scope,
    shared_train_step,
)
from ._compat.validation import Interval, StrOptions, fit_context
from ._ids import OOV_ID, check_ids
from ._model import build_rnn_model
from ._training import (
    AUTO_HOLDOUT,
    WITHOUT_HOLDOUT,
    TrainingState,
    auto_batch_size,
    auto_min_epochs,
    decay_callback,
    random_state_kept,
    resolve_learning_rate_decay,
    resolve_strategy,
    stopping_callback,
)

__all__ = ["RecurrentEstimator", "parameters_doc", "with_parameters"]

_PARAMS_DOC = """
    Parameters
    ----------
    embedding_dim : int, default=32
        Size of the token embedding (the width of ``embeddings`` when that
        is given).
    embeddings : array of shape (vocabulary size, dim), callable or None, default=None
        Starting weights of the embedding layer, e.g. word vectors lined up
        with a ``TextVectorizer``'s ids by
        :func:`skrnn.embeddings.embedding_matrix`; row ``i`` is the vector of
        id ``i``. A callable taking no arguments is called in ``fit`` and
        returns the array (e.g. ``functools.partial(numpy.load, path)``, so
        that the estimator, its clones and a Dask grid search carry a path,
        not the matrix). ``None`` draws the weights at random. The matrix
        sets ``vocabulary_size_`` (its rows) and the embedding width (its
        columns); an id in the training data with no row is a
        ``ValueError``.
    trainable_embeddings : bool or int, default=True
        ``True`` trains the embedding layer with the rest of the network,
        ``False`` keeps it fixed, and an integer ``n`` keeps it fixed for the
        first ``n`` epochs, then fine-tunes it (epochs count over
        warm-started fits and ``partial_fit`` calls).
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
        ``"auto"`` is ``"last"`` for LSTM (as the classic Keras IMDB example
        reads it), ``"max"`` for GRU and ``"mean"`` for SimpleRNN (whose
        state forgets the start of a long text), the readouts that scored
        best on held-out rows of short sentences and of reviews (see
        docs/design.md).
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
        over its token span; a quarter of each epoch's rows stays in random
        batches, which keeps the accuracy per epoch of random batches (see
        docs/design.md). Exact (same function) when ``mask_padding`` is on;
        ignored when it is off.
    optimizer : str or keras optimizer, default="rmsprop"
        As in scikeras; ``optimizer__<name>`` sets its arguments.
    learning_rate : float or None, default=None
        The optimizer's learning rate; ``None`` keeps its default (0.001 for
        Adam and RMSprop).
    learning_rate_decay : float in (0, 1] or "auto", default="auto"
        Multiply the learning rate by this after every epoch (it continues
        over ``partial_fit`` calls and warm-started fits, and starts afresh
        with each new model). ``1.0`` keeps it constant, as Keras does.
        ``"auto"`` decays with the samples trained on: by the cell's factor
        (0.5 for LSTM and GRU, 0.75 for SimpleRNN) per 25,000 training
        samples seen. On the full IMDB training set the rate halves every
        epoch; on a few hundred rows it stays practically constant for as
        many epochs as they need (50 epochs of 500 rows halve it once).
        With an integer ``epochs`` the whole fit decays by at most the
        factor to the 5th; with ``partial_fit``, each call counts as an
        epoch over its chunk. With a Keras schedule as the optimizer's
        learning rate, ``"auto"`` leaves the schedule alone. (The rule and
        its figures: docs/design.md.)
    epochs : int or "auto", default="auto"
        Passes over the training data. ``"auto"`` trains until the
        validation loss has not improved (by 1e-3) for ``patience`` epochs,
        but at least 300 gradient steps (a few hundred rows often sit at
        the chance-level loss for a few dozen steps before they start to
        learn) and at most ``max_epochs``, then keeps the weights of the
        best epoch:
        the training budget follows the data, from a few hundred rows to
        tens of thousands. It validates on ``validation_data`` when given,
        else on a stratified hold-out of ``validation_split`` of the rows
        (10% when ``validation_split`` is 0), drawn with ``random_state``.
        An integer trains exactly that many epochs (fewer only with
        ``early_stopping``), on every row unless ``validation_split`` is
        set.
    max_epochs : int, default=100
        The most epochs ``epochs="auto"`` trains.
    batch_size : int or "auto", default="auto"
        Training batch size. ``"auto"`` is the power of two nearest a 200th
        of the training rows, between 32 and 128 (resolved in
        ``batch_size_``): small data gets enough gradient steps per epoch,
        and 25,000 rows get the classic Keras IMDB recipe's 128.
        ``fit__batch_size=None`` also means this value.
    predict_batch_size : int, default=512
        Prediction batch size.
    validation_split : float, default=0.0
        Fraction of the training data held out to report ``val_loss`` (and
        the metrics' ``val_*``) in ``history_``. <<HOLDOUT>>
        Keras' own ``validation_split`` takes the *last* rows unshuffled,
        which on data sorted by the target validates on one end of it only. Pass
        ``fit(X, y, validation_data=(X_val, y_val))`` (in a pipeline,
        ``<step>__validation_data``) to validate on rows of your own; ``X_val``
        is then in the estimator's input form (padded ids of the same width).
    early_stopping : bool, default=False
        With an integer ``epochs``: stop when the validation loss has not
        improved for ``patience`` epochs and keep the best epoch's weights,
        validating as ``epochs="auto"`` does. ``epochs="auto"`` always
        stops this way.
    patience : int, default=2
        Epochs without improvement of the validation loss before training
        stops (with ``trainable_embeddings=n``, counted from epoch ``n``).
<<TARGET_PARAMETER>>    random_state : int, RandomState or None, default=None
        Seed for the weights, dropout and shuffling. With a seed, fits are
        reproducible; the seeding is scoped to the fit and restored after.
    verbose : int, default=0
        0 is silent; 1 shows Keras' progress bar; 2 one line per epoch.
        When the fit stops on the validation loss, a last line says why it
        stopped, the batch size and which epoch's weights it kept.
    distribution_strategy : None, "default", "mirrored" or tf.distribute.Strategy, default=None
        Build and train the model under this strategy. ``"mirrored"`` is
        ``tf.distribute.MirroredStrategy()``: data-parallel training over
        all local GPUs (the CPU when there is none). A strategy instance
        works too, but cannot be cloned (grid search): prefer the strings.
    warm_start, loss, metrics, callbacks, shuffle, run_eagerly, validation_batch_size
        As in scikeras' ``<<SCIKERAS>>``. <<LOSS>> A fit, ``partial_fit`` or
        warm-started fit that raises or is interrupted (Ctrl-C) leaves the
        estimator exactly as it was, weights and optimizer state included.
    **routed_params
        scikeras' routed parameters: ``fit__*`` and ``predict__*`` (arguments
        of ``keras.Model.fit`` and ``predict``), ``compile__*``,
        ``optimizer__*``, ``loss__*``, ``metrics__*`` and ``callbacks__*``.
        Any other keyword is a ``TypeError`` that names the closest valid
        parameter; ``model__*`` is refused too, since the model is built
        from the parameters above.

    Attributes
    ----------
    model_ : keras.Model
        The fitted Keras model.
    history_ : dict of str to list
        Loss and metrics per epoch (<<HISTORY>>, and ``val_*`` with a
        validation split).
<<ATTRIBUTES>>    vocabulary_size_ : int
        Embedding rows used.
    n_features_in_ : int
        Columns (time steps) of the training matrix.
    pooling_ : str
        The pooling used (``pooling`` with ``"auto"`` resolved).
    embedding_dim_ : int
        The embedding width used (``embeddings``' columns when given).
    cell_type : str
        The recurrent cell, ``"simple_rnn"``, ``"lstm"`` or ``"gru"`` (a
        class attribute; its layers are named ``<cell_type>_<i>``).
    learning_rate_decay_ : float
        The per-epoch learning-rate factor used (``"auto"`` resolved from
        the cell, the number of training samples and ``epochs`` when a new
        model starts training).
    batch_size_ : int
        The training batch size of the last ``fit`` or ``partial_fit``
        (``"auto"`` resolved from its training rows).
    n_epochs_ : int
        Epochs the last ``fit`` ran (1 for ``partial_fit``).
    best_epoch_ : int
        The epoch whose weights the model holds, counted from 1 over
        ``history_``: the one with the lowest validation loss when the fit
        stopped on it (``epochs="auto"`` or ``early_stopping``), else the
        last.
"""


def parameters_doc(*, holdout, target_parameter, scikeras, loss, history, attributes):
    """The Parameters and Attributes sections, with an estimator kind's own entries filled in."""
    doc = _PARAMS_DOC
    for key, value in {"HOLDOUT": holdout, "TARGET_PARAMETER": target_parameter, "SCIKERAS": scikeras,
                       "LOSS": loss, "HISTORY": history, "ATTRIBUTES": attributes}.items():
        doc = doc.replace(f"<<{key}>>", value)
    return doc


def with_parameters(init, **extra):
    """``init``'s signature with the keyword parameters ``extra`` (name=default) added before ``**routed_params``.

    A classifier or regressor adds its own parameters to the shared ones;
    scikit-learn reads an estimator's parameters from this signature.
    """
    signature = inspect.signature(init)
    *params, routed = signature.parameters.values()
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value) for name, value in extra.items()]
    return signature.replace(parameters=[*params, *added, routed])


#: What ``pooling="auto"`` and ``learning_rate_decay="auto"`` mean for each
#: cell (docs/design.md says how they were chosen).
CELL_DEFAULTS = {
    "simple_rnn": {"pooling": "mean", "decay": 0.75},
    "lstm": {"pooling": "last", "decay": 0.5},
    "gru": {"pooling": "max", "decay": 0.5},
}

#: scikeras' routing prefixes whose parameters skrnn passes on.
_ROUTED = ("fit", "predict", "compile", "optimizer", "loss", "metrics", "callbacks")
#: The routed names that end in a Keras method's keyword argument.
_METHOD_ARGUMENTS = {
    "fit": set(inspect.signature(keras.Model.fit).parameters) - {"self", "x", "y"},
    "predict": set(inspect.signature(keras.Model.predict).parameters) - {"self", "x"},
}


def _unknown_parameter(cls, key, known):
    """The message for ``key``, which is neither a parameter nor a valid routed one."""
    prefix, _, rest = key.partition("__")
    if prefix == "model" and rest:
        return (
            f"{cls.__name__} got the routed parameter {key!r}, but skrnn builds its Keras model "
            "from its own parameters (units, n_layers, ...), so model__* would be ignored; "
            "set the estimator parameter instead."
        )
    candidates = set(known) | {f"{p}__{a}" for p, args in _METHOD_ARGUMENTS.items() for a in args}
    close = difflib.get_close_matches(key, sorted(candidates), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else "."
    return (
        f"{cls.__name__} got an unexpected parameter {key!r}{hint} The parameters are "
        f"listed by {cls.__name__}().get_params(); routed ones start with "
        + ", ".join(f"{p}__" for p in _ROUTED)
        + "."
    )


def _is_valid_routed(key):
    prefix, sep, rest = key.partition("__")
    if not sep or not rest or prefix not in _ROUTED:
        return False
    if prefix in _METHOD_ARGUMENTS:
        argument = rest.partition("__")[0]
        return argument in _METHOD_ARGUMENTS[prefix]
    return True


class RecurrentEstimator:
    """Shared base of the recurrent classifiers and regressors.

    It comes first in their bases, before scikeras' ``KerasClassifier`` or
    ``KerasRegressor``, which its methods extend through ``super()``. A
    subclass supplies the target's part:

    - ``_check_target(y, reset)``: ``y`` checked (and its kind recorded on
      ``reset``);
    - ``_output_head()``: the output layer's ``(units, activation)``;
    - ``_default_loss()`` and ``_default_metrics()``;
    - ``_encode_validation_target(y_val)``: checked ``validation_data``
      targets, encoded as the training targets are;
    - ``_holdout_rows(y, fraction, parameter, also)``: the validation hold-out's
      ``(train rows, validation rows)`` of the encoded targets.
    """

    cell_type = None

    _parameter_constraints = {
        "embedding_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "embeddings": ["array-like", callable, None],
        "trainable_embeddings": ["boolean", Interval(numbers.Integral, 0, None, closed="left")],
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
        "epochs": [StrOptions({"auto"}), Interval(numbers.Integral, 0, None, closed="left")],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left")],
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
        embeddings=None,
        trainable_embeddings=True,
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
        epochs="auto",
        max_epochs=100,
        batch_size="auto",
        predict_batch_size=512,
        validation_split=0.0,
        early_stopping=False,
        patience=2,
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
        **routed_params,
    ):
        # A subclass adds its own parameters (with_parameters) and stores them itself.
        for key in routed_params:
            if not _is_valid_routed(key):
                raise TypeError(_unknown_parameter(type(self), key, inspect.signature(type(self)).parameters))
        self.embedding_dim = embedding_dim
        self.embeddings = embeddings
        self.trainable_embeddings = trainable_embeddings
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
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.predict_batch_size = predict_batch_size
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.patience = patience
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
        vars(self).update(**routed_params)
        if routed_params:
            mark_routed_params(self, routed_params)

    def set_params(self, **params):
        """Set parameters, as ``BaseEstimator.set_params`` does, with routed ones.

        Parameters
        ----------
        **params : dict
            Estimator parameters and scikeras' routed parameters
            (``fit__batch_size``, ``optimizer__momentum``, ...).

        Returns
        -------
        self
        """
        known = set(self.get_params(deep=False))
        for key in params:
            if key not in known and not _is_valid_routed(key):
                raise ValueError(_unknown_parameter(type(self), key, known))
        return super().set_params(**params)

    # -- scikeras hooks ----------------------------------------------------
    def _check_model_param(self):
        return self._keras_build_fn

    def _keras_build_fn(self, compile_kwargs):
        n_outputs, activation = self._output_head()
        model = build_rnn_model(
            cell=self.cell_type,
            vocabulary_size=self.vocabulary_size_,
            n_outputs=n_outputs,
            output_activation=activation,
            embedding_dim=self.embedding_dim_,
            embeddings=vars(self).pop("_initial_embeddings", None),
            units=self.units,
            n_layers=self.n_layers,
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
            pooling=self.pooling_,
            mask_padding=self.mask_padding,
            seed=None if fit_seed(self) is None else int(fit_seed(self)),
        )
        model.compile(**compile_kwargs)
        if self.trainable_embeddings is not True:
            # The optimizer keeps a slot for the embedding, which may start
            # training in a later epoch (Keras builds it for the trainable
            # variables only); then the layer starts as the setting says.
            model.optimizer.build(model.trainable_variables)
            model.get_layer("embedding").trainable = self._embeddings_train_at(0)
        return model

    def _embeddings_train_at(self, epoch):
        """Whether the embedding layer trains in ``epoch`` (counted from 0)."""
        setting = self.trainable_embeddings
        return bool(setting) if isinstance(setting, (bool, np.bool_)) else epoch >= setting

    def _resolve_embeddings(self, ids):
        """The ``embeddings`` matrix as float32, checked against ``ids``; None without one."""
        matrix = self.embeddings() if callable(self.embeddings) else self.embeddings
        if matrix is None:
            return None
        name = type(self).__name__
        try:
            matrix = np.asarray(matrix, dtype=np.float32)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} embeddings must be a numeric array of shape (vocabulary size, dim): {exc}.") \
                from None
        if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 1:
            raise ValueError(
                f"{name} embeddings must be a 2-D array of shape (vocabulary size, dim) with at least "
                f"2 rows (padding and unknown), got shape {matrix.shape}."
            )
        if not np.isfinite(matrix).all():
            raise ValueError(f"{name} embeddings holds NaN or infinite values.")
        rows = matrix.shape[0]
        if self.vocabulary_size is not None and self.vocabulary_size != rows:
            raise ValueError(
                f"{name} got vocabulary_size={self.vocabulary_size} and embeddings with {rows} rows; "
                "they must agree: leave vocabulary_size=None to take the matrix's rows."
            )
        if ids.size and ids.max() >= rows:
            raise ValueError(
                f"{name} input X holds the token id {int(ids.max())}, but embeddings has {rows} rows "
                f"(ids 0 to {rows - 1}): the matrix was built for another vocabulary. Build it from "
                "the TextVectorizer of this pipeline, e.g. skrnn.embeddings.embedding_matrix(vectorizer, "
                "vectors), with a fixed TextVectorizer(vocabulary=...)."
            )
        return matrix

    def _initialize(self, X, y=None):
        release_keras_state()
        return super()._initialize(X, y)

    def _build_keras_model(self):
        # scikeras' own version seeds through TF_DETERMINISTIC_OPS (see seed_scope).
        with seed_scope(fit_seed(self)), resolve_strategy(self.distribution_strategy).scope():
            return self._keras_build_fn(compile_kwargs=self._get_compile_kwargs())

    def _get_compile_kwargs(self):
        kwargs = super()._get_compile_kwargs()
        if kwargs.get("loss") is None:
            kwargs["loss"] = self._default_loss()
        if kwargs.get("metrics") is None:
            kwargs["metrics"] = self._default_metrics()
        if self.learning_rate is not None:
            kwargs["optimizer"].learning_rate = float(self.learning_rate)
        return kwargs

    # -- validation and settings ------------------------------------------------
    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        if reset:
            if y is None:
                raise ValueError(
                    f"{type(self).__name__} requires y to be passed, but the target y is None; fit(X, y) "
                    "learns from the targets y."
                )
        if X is not None:
            X = self._check_token_ids(X, reset=reset)
        if y is not None:
            y = self._check_target(y, reset=reset)
        if X is not None and y is not None:
            check_consistent_length(X, y)
        if X is not None:
            if reset:
                self._resolve_settings(X)
            # Ids the embedding has no row for are unknown words.
            X = np.where(X >= self.vocabulary_size_, OOV_ID, X).astype(np.int32)
        return X, y

    def _resolve_settings(self, ids):
        """Every data-dependent setting of a new model, in one place.

        The learning-rate decay is set to None here and resolved when the
        new model starts training, from the rows left after the validation
        hold-out (:func:`skrnn._training.resolve_learning_rate_decay`).
        """
        self.pooling_ = CELL_DEFAULTS[self.cell_type]["pooling"] if self.pooling == "auto" else self.pooling
        matrix = self._resolve_embeddings(ids)
        if matrix is not None:
            self.vocabulary_size_, self.embedding_dim_ = matrix.shape
        else:
            self.vocabulary_size_ = int(
                self.vocabulary_size if self.vocabulary_size is not None else max(ids.max() + 1, 2)
            )
            self.embedding_dim_ = self.embedding_dim
        self._initial_embeddings = matrix  # taken by the model build
        self.learning_rate_decay_ = None
        self.X_dtype_ = np.dtype("int32")
        self.X_shape_ = ids.shape

    def _check_token_ids(self, X, *, reset):
        """``X`` as a 2-D int64 array of token ids, or a clear error."""
        name = type(self).__name__
        if isinstance(X, (list, tuple)) and X and all(hasattr(r, "__len__") for r in X):
            widths = {len(r) for r in X}
            if len(widths) > 1:
                raise ValueError(
                    f"X passed to {name} is ragged (sequences of lengths "
                    f"{min(widths)} to {max(widths)}); pad them to one length "
                    "with SequencePadder first."
                )
        if getattr(X, "dtype", None) is not None and X.dtype == object:
            try:
                X = np.asarray(X).astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"{name} input X holds values that are not numbers ({exc}); token ids must "
                    "be non-negative integers (did you forget to apply TextVectorizer and "
                    "SequencePadder?)."
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
        return check_ids(
            X.reshape(-1),
            where=f"{name} input X",
            locate=lambda i: f"(row {i // width}, column {i % width})",
        ).reshape(X.shape)

    def _check_validation_data(self, validation_data):
        """Check and encode ``validation_data`` like the training data.

        Returns ``(X_val, y_val, sample_weight_val or None)``.
        """
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "validation_data must be a tuple (X_val, y_val) or (X_val, y_val, "
                f"sample_weight_val), got {type(validation_data).__name__}"
                + (f" of length {len(validation_data)}." if isinstance(validation_data, (tuple, list)) else ".")
            )
        X_val, y_val = validation_data[:2]
        X_val, y_val = self._validate_data(X_val, y_val)
        weights = None
        if len(validation_data) == 3 and validation_data[2] is not None:
            weights = np.asarray(validation_data[2], dtype=np.float64)
            check_consistent_length(X_val, weights)
        return X_val, self._encode_validation_target(y_val), weights

    # -- fitting -------------------------------------------------------------
    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **kwargs):
        """Fit the network on token-id matrix ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Padded token ids (0 = padding, 1 = unknown), e.g. the output of
            ``SequencePadder``; a pandas or polars frame of ids works too.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets: class labels (any type) or a label indicator
            matrix of 0 and 1 (multilabel: a column per label, as
            ``MultiLabelBinarizer`` gives) for a classifier; numbers for a
            regressor.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **kwargs
            Arguments of ``keras.Model.fit`` (prefer ``fit__*`` parameters),
            and ``validation_data=(X_val, y_val)`` or
            ``(X_val, y_val, sample_weight_val)``: rows to validate on
            instead of a hold-out of ``X``.

        Returns
        -------
        self
        """
        if sample_weight is not None and not np.isscalar(sample_weight):
            self._check_sample_weight_leaves_targets(np.asarray(y), np.asarray(sample_weight))
        return self._fit_guarded(super().fit, X, y, sample_weight=sample_weight, **kwargs)

    def _check_sample_weight_leaves_targets(self, y, sample_weight):
        """A hook: raise when the non-zero weights leave nothing to learn (classifiers check the classes)."""

    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, **kwargs):
        """Train for one epoch, keeping the weights of earlier calls.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Padded token ids, of the width of the first call.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets, as in :meth:`fit`.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **kwargs
            As in :meth:`fit`.

        Returns
        -------
        self
        """
        return self._fit_guarded(super().partial_fit, X, y, sample_weight=sample_weight, **kwargs)

    def _fit_guarded(self, method, X, y, sample_weight=None, **kwargs):
        # Never half-fitted: on any failure (a bad input found late, an
        # exception in Keras, Ctrl-C) the estimator is left as it was, with
        # a model trained in place (warm start, partial_fit) restored.
        before = dict(vars(self))
        history = copy.deepcopy(before.get("history_"))
        state = TrainingState(self.model_) if "model_" in before else None
        if sample_weight is not None and not np.isscalar(sample_weight):
            sample_weight = np.array(sample_weight, dtype=np.float64)  # scikeras scales it in place
        try:
            # scikeras' internal encoders are scikit-learn transformers: keep
            # them on NumPy whatever transform_output is set to.
            with config_context(transform_output="default"):
                method(X, y, sample_weight=sample_weight, **kwargs)
        except BaseException:
            if state is not None:
                state.restore()
            vars(self).clear()
            vars(self).update(before)
            if history is not None:
                self.history_ = history
            raise
        return self

    def _fit_arguments(self, kwargs):
        """Collect ``keras.Model.fit``'s arguments.

        The estimator's own, then the routed ``fit__*`` parameters, then
        ``fit``'s keyword arguments, each overriding the one before.
        """
        fit_args = route_params(self.get_params(), destination="fit", pass_filter=fit_keywords(self))
        fit_args = {k: v for k, v in fit_args.items() if not k.startswith("callbacks")}
        fit_args.update(kwargs)
        for handled_elsewhere in ("class_weight", "sample_weight", "epochs", "initial_epoch"):
            fit_args.pop(handled_elsewhere, None)
        return fit_args

    def _fit_keras_model(self, X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs):
        # ``epochs`` is the estimator's (or fit__epochs) in fit, 1 in partial_fit.
        stops_itself = isinstance(epochs, str)  # "auto"
        fit_args = self._fit_arguments(kwargs)
        batch_size = fit_args.pop("batch_size", None) or self.batch_size
        val_batch_size = fit_args.pop("validation_batch_size", None) or self.predict_batch_size
        shuffle = fit_args.pop("shuffle", self.shuffle)
        train, validation = self._split_validation(
            X, y, sample_weight, fit_args.pop("validation_split", None) or 0.0,
            fit_args.pop("validation_data", None), stops=stops_itself or self.early_stopping,
        )
        n_train = len(train[0])
        self.batch_size_ = auto_batch_size(n_train) if batch_size == "auto" else int(batch_size)
        max_epochs = self.max_epochs if stops_itself else int(epochs)
        if self.learning_rate_decay_ is None:  # a new model
            self.learning_rate_decay_ = resolve_learning_rate_decay(
                self.learning_rate_decay,
                cell_factor=CELL_DEFAULTS[self.cell_type]["decay"],
                learning_rate=self.model_.optimizer.learning_rate,
                n_train=n_train,
                epochs=None if stops_itself else max_epochs,
            )
        # The callbacks as set now: scikeras builds them with a new model
        # only, so callbacks set later would be ignored by warm fits.
        callbacks = fit_callbacks(self)
        if self.trainable_embeddings is not True:
            callbacks.append(self._embedding_schedule(initial_epoch))
        if self.learning_rate_decay_ != 1:
            callbacks.append(decay_callback(self.learning_rate_decay_))
        batches = self._batches(*train, self.batch_size_, shuffle)
        stopper = self._stopper(stops_itself, initial_epoch, len(batches))
        if stopper is not None:
            callbacks.append(stopper)
        build_training_state(self.model_, batches[0])
        if validation is not None:
            validation = self._batches(*validation, val_batch_size, False).as_dataset()
        dataset = batches.as_dataset(epochs=max_epochs, first_epoch=initial_epoch)
        with seed_scope(fit_seed(self)), quiet_retracing(), \
                shared_train_step(self.model_, dataset.element_spec, fit_seed(self)):
            hist = self.model_.fit(
                dataset,
                steps_per_epoch=len(batches),
                validation_data=validation,
                epochs=initial_epoch + max_epochs,
                initial_epoch=initial_epoch,
                callbacks=callbacks,
                shuffle=False,  # the batches are shuffled (by length) already
                **fit_args,
            )
        if not warm_start or not hasattr(self, "history_") or initial_epoch == 0:
            self.history_ = defaultdict(list)
        for key, values in hist.history.items():
            self.history_[key] += [float(v) for v in values]
        self._record_budget(len(hist.history.get("loss", [])), initial_epoch, max_epochs, stopper)

    def _stopper(self, stops_itself, initial_epoch, steps_per_epoch):
        """The callback that stops on the validation loss and keeps the best epoch; None when nothing stops.

        It may stop once the embedding's frozen epochs and then ``patience``
        epochs have run, and with ``epochs="auto"`` not before
        ``auto_min_epochs`` either.
        """
        if not (stops_itself or self.early_stopping):
            return None
        frozen = self.trainable_embeddings
        min_epochs = 0 if isinstance(frozen, (bool, np.bool_)) else max(int(frozen) - initial_epoch, 0)
        min_epochs += self.patience
        if stops_itself:
            min_epochs = max(min_epochs, auto_min_epochs(steps_per_epoch))
        return stopping_callback(self.patience, min_epochs=min_epochs)

    def _record_budget(self, epochs_run, initial_epoch, max_epochs, stopper):
        """Set ``n_epochs_`` and ``best_epoch_``; with ``verbose``, say why training stopped."""
        self.n_epochs_ = int(epochs_run)
        kept = stopper is not None and stopper.best_epoch is not None
        self.best_epoch_ = int(stopper.best_epoch + 1 if kept else initial_epoch + epochs_run)
        if not self.verbose or stopper is None:
            return
        if stopper.stopped:
            why = f"the validation loss had not improved for {self.patience} epochs"
        elif epochs_run < max_epochs:
            why = "a callback stopped it"
        else:
            why = f"it reached {'max_epochs' if isinstance(self.epochs, str) else 'epochs'}={max_epochs}"
        loss = f" (val_loss {stopper.best_loss:.4f})" if kept else ""
        print(
            f"{type(self).__name__}: trained {epochs_run} epochs in batches of {self.batch_size_}; stopped because "
            f"{why}; kept the weights of epoch {self.best_epoch_}{loss}.",
            flush=True,
        )

    def _embedding_schedule(self, initial_epoch):
        """Freeze or unfreeze the embedding layer as ``trainable_embeddings`` says, epoch by epoch."""
        layer = self.model_.get_layer("embedding")
        model = self.model_

        def set_trainable(epoch):
            trains = self._embeddings_train_at(epoch)
            if layer.trainable != trains:
                layer.trainable = trains
                model.make_train_function(force=True)  # traced for the new set of trainable weights

        set_trainable(initial_epoch)
        return keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: set_trainable(epoch))

    def _split_validation(self, X, y, sample_weight, validation_split, validation_data, *, stops):
        """Split the training rows from the validation rows.

        ``stops``: the fit stops on the validation loss (``epochs="auto"``
        or ``early_stopping``), so it validates on ``AUTO_HOLDOUT`` of the
        rows when ``validation_split`` is 0. Returns ``(train,
        validation)``, each ``(X, y, sample_weight)``; validation is None
        when nothing is validated.
        """
        if validation_data is not None:
            if validation_split:
                raise ValueError(
                    f"validation_data and validation_split={validation_split} were both given; "
                    "validate on one: set validation_split=0 to use validation_data."
                )
            return (X, y, sample_weight), self._check_validation_data(validation_data)
        parameter, also = "validation_split", ""
        if stops and not validation_split:
            validation_split = AUTO_HOLDOUT
            auto = isinstance(self.epochs, str)
            parameter = ("validation_split (the hold-out of epochs='auto')" if auto
                         else "validation_split (early stopping's default)")
            also = WITHOUT_HOLDOUT if auto else ""
        if not validation_split:
            return (X, y, sample_weight), None
        rows, val_rows = self._holdout_rows(y, validation_split, parameter, also)

        def take(a, index):
            return None if a is None else a[index]

        return (
            (X[rows], y[rows], take(sample_weight, rows)),
            (X[val_rows], y[val_rows], take(sample_weight, val_rows)),
        )

    def _uses_buckets(self):
        return self.bucket_by_length and self.mask_padding

    def _batches(self, X, y, sample_weight, batch_size, shuffle):
        # Batch order: a function of (random_state, epoch), so partial_fit's
        # later epochs shuffle differently and every fit is reproducible.
        seed = None if fit_seed(self) is None else int(fit_seed(self))
        return LengthBatches(
            X, y, sample_weight, batch_size=batch_size, shuffle=shuffle, seed=seed,
            by_length=self._uses_buckets(),
        )

    def __getstate__(self):
        state = dict(super().__getstate__())  # object.__getstate__ gives the instance's own dict
        if "model_" in state:
            state["model_"] = picklable_with_frozen_layers(state["model_"])
        return state

    # -- prediction ------------------------------------------------------------
    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    def _predict_raw(self, X, **kwargs):
        check_is_fitted(self)
        X, _ = self._validate_data(X=X, y=None)
        args = route_params(self.get_params(), destination="predict", pass_filter=set(), strict=True)
        args = {k: v for k, v in args.items() if not k.startswith("callbacks")}
        args.update(kwargs)
        batch_size = args.pop("batch_size", None) or self.predict_batch_size
        callbacks = predict_callbacks(self) + list(args.pop("callbacks", None) or [])
        verbose = args.pop("verbose", 0)
        with random_state_kept(self.model_):
            if self._uses_buckets() and not args:
                return predict_by_length(self.model_, X, batch_size=batch_size, callbacks=callbacks, verbose=verbose)
            # Arguments the length-sorted path has no use for (e.g. ``steps``):
            # Keras' own predict over the full width, the same function.
            return self.model_.predict(X, batch_size=batch_size, callbacks=callbacks, verbose=verbose, **args)

    def count_params(self):
        """Number of trainable parameters of the fitted Keras model.

        Returns
        -------
        n : int
        """
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
