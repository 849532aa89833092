"""The recurrent regressors: a number (or several) per text.

:class:`SimpleRNNRegressor`, :class:`LSTMRegressor` and
:class:`GRURegressor` add to :class:`skrnn._base.RecurrentEstimator` what
is particular to numeric targets: the check of ``y``, its standardisation
(learnt in fit, undone in predict), a linear output layer with mean squared
error, a plain random hold-out, and ``predict``. ``score`` is R², as for
every scikit-learn regressor.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_array

from ._base import RecurrentEstimator, parameters_doc, with_parameters
from ._compat import KerasRegressorCompat, fit_seed
from ._training import random_holdout_split

__all__ = ["SimpleRNNRegressor", "LSTMRegressor", "GRURegressor"]


class _TargetScaler(TransformerMixin, BaseEstimator):
    """Target encoder that standardises each target column (scikeras' ``target_encoder`` interface).

    The network learns ``(y - mean_) / scale_``; ``inverse_transform``
    turns its outputs back into the targets' units and shape. A constant
    column keeps a scale of 1, as ``StandardScaler`` does.
    ``standardize=False`` leaves the targets as they are.
    """

    def __init__(self, standardize=True):
        self.standardize = standardize

    def fit(self, y):
        y = np.asarray(y, dtype=np.float64)
        self.shape_ = y.shape[1:]
        columns = y.reshape(len(y), -1)
        if self.standardize:
            self.mean_ = columns.mean(axis=0)
            scale = columns.std(axis=0)
            self.scale_ = np.where(scale > 0, scale, 1.0)
        else:
            self.mean_, self.scale_ = np.zeros(columns.shape[1]), np.ones(columns.shape[1])
        return self

    def transform(self, y):
        columns = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        return ((columns - self.mean_) / self.scale_).astype(np.float32)

    def inverse_transform(self, y):
        columns = np.asarray(y, dtype=np.float64).reshape(-1, self.mean_.size)
        return (columns * self.scale_ + self.mean_).reshape(-1, *self.shape_)

    def get_metadata(self):
        return {"n_outputs_": int(self.mean_.size), "n_outputs_expected_": 1}


class _RecurrentRegressor(RecurrentEstimator, KerasRegressorCompat):
    """Shared base of the recurrent regressors.

    ``scikeras.wrappers.KerasRegressor`` lists ``RegressorMixin`` after
    ``BaseWrapper``, so the mixin cannot come first here (Python's MRO
    forbids it); the regressor tags are set in ``_compat``.
    """

    def __init__(self, *, standardize_target=True, **params):
        super().__init__(**params)
        self.standardize_target = standardize_target

    __init__.__signature__ = with_parameters(RecurrentEstimator.__init__, standardize_target=True)

    _parameter_constraints = {**RecurrentEstimator._parameter_constraints, "standardize_target": ["boolean"]}

    # -- the target ------------------------------------------------------------
    @property
    def target_encoder(self):
        return _TargetScaler(standardize=self.standardize_target)

    def _check_target(self, y, *, reset):
        name = type(self).__name__
        raw = y
        y = check_array(y, ensure_2d=False, dtype=None, ensure_all_finite=False, input_name="y")
        if y.dtype.kind not in "biuf":
            try:
                y = y.astype(np.float64)
            except (TypeError, ValueError):
                first = next((v for v in np.asarray(raw, dtype=object).ravel() if not _is_number(v)), None)
                raise ValueError(
                    f"{name} needs numeric targets, but y holds {first!r} (dtype {y.dtype}); pass numbers "
                    "(e.g. ratings), or use the classifier of the same cell for class labels."
                ) from None
        y = y.astype(np.float64)
        bad = ~np.isfinite(y.reshape(len(y), -1)).all(axis=1)
        if bad.any():
            rows = np.flatnonzero(bad)
            shown = ", ".join(map(str, rows[:5])) + (", ..." if rows.size > 5 else "")
            raise ValueError(
                f"{name} target y holds NaN or infinite values in {rows.size} row(s) ({shown}); regression "
                "targets must be finite numbers: drop those rows or fill them in."
            )
        if reset:
            self.y_dtype_ = y.dtype
            self.y_ndim_ = y.ndim
        elif hasattr(self, "target_encoder_") and y.shape[1:] != self.target_encoder_.shape_:
            raise ValueError(
                f"{name} was fitted on y of shape (n_samples, *{self.target_encoder_.shape_}), got {y.shape}."
            )
        return y

    def _encode_validation_target(self, y_val):
        return self.target_encoder_.transform(y_val)

    def _holdout_rows(self, y, fraction, parameter, also=""):
        return random_holdout_split(len(y), fraction, fit_seed(self), parameter=parameter, also=also)

    # -- the network's head ---------------------------------------------------
    def _output_head(self):
        return self.n_outputs_, "linear"

    def _default_loss(self):
        return "mean_squared_error"

    def _default_metrics(self):
        return None

    @property
    def target_mean_(self):
        """The targets' mean learnt in fit (0 with ``standardize_target=False``)."""
        return self.target_encoder_.mean_

    @property
    def target_scale_(self):
        """The targets' standard deviation learnt in fit (1 with ``standardize_target=False``)."""
        return self.target_encoder_.scale_

    # -- prediction ------------------------------------------------------------
    def predict(self, X, **kwargs):
        """Predicted targets, in their own units.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Padded token ids.
        **kwargs
            Arguments of ``keras.Model.predict`` (prefer ``predict__*``
            parameters): ``batch_size``, ``verbose`` (a progress bar),
            ``callbacks``, ``steps``.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Float64, of the shape of the training targets.
        """
        outputs = self._predict_raw(X, **kwargs)  # checks that the estimator is fitted
        return np.asarray(self.target_encoder_.inverse_transform(outputs), dtype=np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _is_number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


_REGRESSOR_DOC = parameters_doc(
    holdout=(
        "The held-out rows are a\n"
        "        random sample drawn with ``random_state`` (as scikit-learn's\n"
        "        ``validation_fraction`` in ``MLPRegressor``), so a seeded fit\n"
        "        holds out the same rows."
    ),
    target_parameter=(
        "    standardize_target : bool, default=True\n"
        "        Train on the targets standardised per column (their mean and\n"
        "        standard deviation learnt in fit, undone in predict), so that\n"
        "        the defaults (initial weights, learning rate) suit targets of\n"
        "        any scale, e.g. ratings of 1 to 10. The loss and ``history_``\n"
        "        are then in standard deviations of the target.\n"
    ),
    scikeras="KerasRegressor",
    loss=(
        "``loss=None`` is mean squared error; any Keras regression\n"
        "        loss works, e.g. ``loss=\"huber\"``."
    ),
    history="``loss``",
    attributes=(
        "    n_outputs_ : int\n"
        "        Target columns.\n"
        "    target_mean_, target_scale_ : ndarray of shape (n_outputs,)\n"
        "        The standardisation of the targets (0 and 1 without it).\n"
    ),
)


def _doc(name, title, layer):
    return f"""{title} text regressor (scikit-learn API, Keras model).

    ``Embedding -> {layer} (x n_layers) -> pooling -> Dense`` over padded token
    ids, with a linear output trained on mean squared error, through
    scikeras. Put it after a :class:`TextVectorizer` and a
    :class:`SequencePadder` in a pipeline to predict a number per text
    (e.g. a review's star rating). ``score`` is R². The targets are
    standardised internally (``standardize_target``).
{_REGRESSOR_DOC}
    See Also
    --------
    SimpleRNNRegressor, LSTMRegressor, GRURegressor
    SimpleRNNClassifier, LSTMClassifier, GRUClassifier : The same networks for classes.
    skrnn.reference : The same forward pass in NumPy.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from skrnn import TextVectorizer, SequencePadder, {name}
    >>> texts = ["great film", "loved it", "awful film", "hated it"] * 8
    >>> ratings = [9, 8, 2, 1] * 8
    >>> reg = make_pipeline(TextVectorizer(), SequencePadder(maxlen=4),
    ...                     {name}(units=8, epochs=2, random_state=0))
    >>> reg.fit(texts, ratings).predict(["great film"]).shape
    (1,)
    """


class SimpleRNNRegressor(_RecurrentRegressor):
    __doc__ = _doc("SimpleRNNRegressor", "Simple RNN", "SimpleRNN")
    cell_type = "simple_rnn"


class LSTMRegressor(_RecurrentRegressor):
    __doc__ = _doc("LSTMRegressor", "LSTM", "LSTM")
    cell_type = "lstm"


class GRURegressor(_RecurrentRegressor):
    __doc__ = _doc("GRURegressor", "GRU", "GRU")
    cell_type = "gru"
