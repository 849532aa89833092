"""The recurrent classifiers: class labels, or a label indicator matrix.

:class:`SimpleRNNClassifier`, :class:`LSTMClassifier` and
:class:`GRUClassifier` add to :class:`skrnn._base.RecurrentEstimator` what
is particular to classes: the check and encoding of ``y``, the output
layer and loss (a sigmoid or a softmax with cross-entropy; one sigmoid per
label for a 2-D indicator ``y``), the stratified hold-out, and
``predict_proba`` / ``predict``.
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
from sklearn import config_context
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import column_or_1d
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array

from ._base import RecurrentEstimator, parameters_doc, with_parameters
from ._compat import KerasClassifierCompat, fit_seed, target_type
from ._training import holdout_split, multilabel_holdout_split

__all__ = ["SimpleRNNClassifier", "LSTMClassifier", "GRUClassifier"]

MULTILABEL = "multilabel-indicator"


class _IndicatorEncoder(TransformerMixin, BaseEstimator):
    """Target encoder of a label indicator matrix (scikeras' ``target_encoder`` interface).

    The columns are the labels (``classes_`` is ``0 .. n_labels - 1``, as
    in scikit-learn's ``MLPClassifier``); the network's sigmoid outputs
    are the probabilities, thresholded at 0.5 for the predicted indicator
    matrix. scikeras' own encoder reads a matrix with one 1 per row as
    one-hot classes instead, which a multilabel ``y`` may happen to be.
    """

    def fit(self, y):
        self.classes_ = np.arange(y.shape[1])
        self.n_classes_ = y.shape[1]
        return self

    def transform(self, y):
        return np.asarray(y, dtype=np.float32)

    def inverse_transform(self, y, return_proba=False):
        y = np.asarray(y).reshape(-1, self.n_classes_)
        return y if return_proba else (y > 0.5).astype(np.int64)

    def get_metadata(self):
        return {"classes_": self.classes_, "n_classes_": self.n_classes_, "n_outputs_": 1, "n_outputs_expected_": 1}


def _check_labels_are_one_kind(y, name):
    """Refuse missing labels (None, NaN) and labels that mix text and numbers, naming the rows."""
    missing = [i for i, v in enumerate(y) if v is None or (isinstance(v, float) and v != v)]
    if missing:
        rows = ", ".join(map(str, missing[:5])) + (", ..." if len(missing) > 5 else "")
        raise ValueError(
            f"{name} got {len(missing)} missing label(s) (None or NaN) in y, at rows {rows}; drop those rows or "
            "give each a class."
        )
    text = next((v for v in y if isinstance(v, str)), None)
    other = next((v for v in y if not isinstance(v, str)), None)
    if text is not None and other is not None:
        raise ValueError(
            f"{name} got labels that mix text and other values in y (e.g. {text!r} and {other!r}); write every "
            "label the same way, e.g. all as text."
        )


class _RecurrentClassifier(RecurrentEstimator, KerasClassifierCompat):
    """Shared base of the recurrent classifiers.

    ``scikeras.wrappers.KerasClassifier`` lists ``ClassifierMixin`` after
    ``BaseWrapper``, so the mixin cannot come first here (Python's MRO
    forbids it); the classifier tags are set in ``_compat``.
    """

    def __init__(self, *, class_weight=None, **params):
        super().__init__(**params)
        self.class_weight = class_weight

    __init__.__signature__ = with_parameters(RecurrentEstimator.__init__, class_weight=None)

    # -- the target ------------------------------------------------------------
    def _is_multilabel(self):
        return getattr(self, "target_type_", None) == MULTILABEL

    @property
    def target_encoder(self):
        return _IndicatorEncoder() if self._is_multilabel() else super().target_encoder

    def _check_target(self, y, *, reset):
        y = check_array(y, ensure_2d=False, dtype=None, ensure_all_finite=True, input_name="y")
        if y.ndim == 2 and y.shape[1] > 1:
            return self._check_indicator(y, reset=reset)
        if not reset and self._is_multilabel():
            raise ValueError(
                f"{type(self).__name__} was fitted on a label indicator matrix of {self.n_classes_} labels, "
                f"but y has shape {y.shape}; pass a 2-D 0/1 matrix with a column per label."
            )
        y = column_or_1d(y, warn=True)
        if y.dtype == object:
            _check_labels_are_one_kind(y, type(self).__name__)
        check_classification_targets(y)
        if reset:
            if getattr(self, "classes_", None) is None and np.unique(y).size < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes "
                    f"in y, but y contains only one class: {np.unique(y)[0]!r}."
                )
            self.target_type_ = target_type(self, y)
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

    def _check_indicator(self, y, *, reset):
        """A 2-D ``y``: a label indicator matrix of 0 and 1 (as ``MultiLabelBinarizer`` gives)."""
        name = type(self).__name__
        values = np.unique(y.astype(str) if y.dtype == object else y)
        try:
            valid = np.isin(values.astype(np.float64), [0, 1]).all()
        except (TypeError, ValueError):
            valid = False
        if not valid:
            shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in values[:5])
            raise ValueError(
                f"{name} read a 2-D y of shape {y.shape} as a label indicator matrix (a column per label, "
                f"1 where the label applies), but it holds values other than 0 and 1 ({shown}"
                f"{', ...' if values.size > 5 else ''}). Pass class labels as a 1-D y, or binarize label "
                "sets with sklearn.preprocessing.MultiLabelBinarizer."
            )
        y = y.astype(np.int64)
        if reset:
            if getattr(self, "classes_", None) is not None and len(self.classes_) != y.shape[1]:
                raise ValueError(
                    f"{name} got classes={list(self.classes_)!r}, but y has {y.shape[1]} label columns; "
                    "with a label indicator matrix, leave classes=None."
                )
            constant = [(j, int(y[0, j])) for j in range(y.shape[1]) if (y[:, j] == y[0, j]).all()]
            if constant:
                described = ", ".join(f"{j} ({'in every' if v else 'in no'} sample)" for j, v in constant[:5])
                warnings.warn(
                    f"{name}: label column(s) {described}{', ...' if len(constant) > 5 else ''} are constant in "
                    "the training data, so the network can only learn that constant for them; check that y's "
                    "columns are the labels you mean, or drop those columns.",
                    UserWarning,
                    stacklevel=4,
                )
            self.target_type_ = MULTILABEL
            self.y_dtype_ = y.dtype
            self.y_ndim_ = 2
        elif not self._is_multilabel() or y.shape[1] != self.n_classes_:
            fitted = f"{self.n_classes_} label columns" if self._is_multilabel() else "class labels (a 1-D y)"
            raise ValueError(f"{name} was fitted on {fitted}, but y has shape {y.shape}.")
        return y

    def _encode_validation_target(self, y_val):
        if not self._is_multilabel():
            unseen = np.setdiff1d(np.unique(y_val), self.classes_)
            if unseen.size:
                raise ValueError(
                    f"validation_data holds labels the training data does not: {unseen.tolist()!r}; "
                    f"the classes are {self.classes_.tolist()!r}."
                )
        return self.target_encoder_.transform(y_val)

    def _holdout_rows(self, y, fraction, parameter, also=""):
        if self._is_multilabel():
            return multilabel_holdout_split(y, fraction, fit_seed(self), parameter=parameter, also=also)
        labels = np.asarray(y).reshape(len(y), -1)
        labels = (labels[:, 0] if labels.shape[1] == 1 else labels.argmax(axis=1)).astype(np.int64)
        return holdout_split(labels, fraction, fit_seed(self), parameter=parameter, names=self.classes_, also=also)

    # -- the network's head ---------------------------------------------------
    def _output_head(self):
        if self._is_multilabel():
            return self.n_classes_, "sigmoid"
        return (1, "sigmoid") if self.n_classes_ <= 2 else (self.n_classes_, "softmax")

    def _default_loss(self):
        if self._is_multilabel() or self.n_classes_ <= 2:
            return "binary_crossentropy"
        return "sparse_categorical_crossentropy"

    def _default_metrics(self):
        if self._is_multilabel():
            # Keras reads "accuracy" with several outputs as categorical accuracy.
            return [keras.metrics.BinaryAccuracy(name="accuracy")]
        return ["accuracy"]

    # -- fitting ----------------------------------------------------------------
    def _check_sample_weight_leaves_targets(self, y, sample_weight):
        if sample_weight.shape == y.shape and np.unique(y[sample_weight != 0]).size == 1:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes "
                "with non-zero sample_weight, but only one class is left."
            )

    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs):
        """Train for one epoch, keeping the weights of earlier calls.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Padded token ids, of the width of the first call.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole stream; needed on the first call when
            it does not hold them all (not with an indicator matrix, whose
            columns are the labels).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **kwargs
            As in :meth:`fit`.

        Returns
        -------
        self
        """
        if classes is not None:
            classes = np.asarray(classes)  # scikeras stores it as given; predict indexes it
        elif hasattr(self, "model_") and not self._is_multilabel():
            labels = np.asarray(y, dtype=object).ravel() if np.ndim(y) == 1 else None
            new = [] if labels is None else sorted(set(labels.tolist()) - set(self.classes_.tolist()), key=str)
            if new:
                raise ValueError(
                    f"y holds class(es) {', '.join(map(repr, new))} that {type(self).__name__} has not seen; its "
                    f"classes are {self.classes_.tolist()}. A stream's classes are fixed on its first partial_fit "
                    "call: pass them all there, partial_fit(X, y, classes=[...])."
                )
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight, **kwargs)

    # -- prediction ------------------------------------------------------------
    def predict_proba(self, X, **kwargs):
        """Class probabilities, shape (n_samples, n_classes).

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
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``. With a label indicator
            matrix, each label's own probability (the rows need not sum to
            1).
        """
        with config_context(transform_output="default"):  # as in fit
            proba = super().predict_proba(X, **kwargs)
        return np.asarray(proba, dtype=np.float64).reshape(-1, self.n_classes_)

    def predict(self, X, **kwargs):
        """Predicted class labels (or label indicator matrix).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Padded token ids.
        **kwargs
            As in :meth:`predict_proba`.

        Returns
        -------
        labels : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The most probable class of each row, from ``classes_``; with a
            label indicator matrix, 1 for each label of probability above
            0.5.
        """
        proba = self.predict_proba(X, **kwargs)
        if self._is_multilabel():
            return (proba > 0.5).astype(np.int64)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


_CLASSIFIER_DOC = parameters_doc(
    holdout=(
        "The held-out rows are a\n"
        "        stratified random sample drawn with ``random_state`` (as\n"
        "        scikit-learn's ``validation_fraction`` in ``MLPClassifier``), so\n"
        "        every class is in them and a seeded fit holds out the same rows;\n"
        "        a hold-out that cannot hold every class on both sides is a\n"
        "        ``ValueError`` naming the class counts. With a label indicator\n"
        "        matrix, each label is split in proportion (iterative\n"
        "        stratification, Sechidis et al. 2011), so a rare label keeps\n"
        "        rows on both sides as far as it can."
    ),
    target_parameter=(
        '    class_weight : dict, "balanced" or None, default=None\n'
        "        Weights per class, folded into the sample weights.\n"
    ),
    scikeras="KerasClassifier",
    loss=(
        "``loss=None`` picks binary cross-entropy (two\n"
        "        classes, or a label indicator matrix) or sparse categorical\n"
        "        cross-entropy."
    ),
    history="``loss``, ``accuracy``",
    attributes=(
        "    classes_ : ndarray\n"
        "        The class labels; with a label indicator matrix, the column\n"
        "        indices ``0 .. n_labels - 1`` (as ``MLPClassifier``).\n"
        "    n_classes_ : int\n"
        "        Classes, or labels.\n"
    ),
)


def _doc(name, title, layer):
    return f"""{title} text classifier (scikit-learn API, Keras model).

    ``Embedding -> {layer} (x n_layers) -> pooling -> Dense`` over padded token
    ids, trained with Keras through scikeras. Put it after a
    :class:`TextVectorizer` and a :class:`SequencePadder` in a pipeline.
    ``y`` is class labels (a sigmoid or softmax output), or a 2-D label
    indicator matrix of 0 and 1 for multilabel classification (a sigmoid
    per label, binary cross-entropy; ``predict`` returns the indicator
    matrix, ``score`` the subset accuracy, as in scikit-learn). A label
    column that is constant in the training data is a ``UserWarning``.
{_CLASSIFIER_DOC}
    See Also
    --------
    SimpleRNNClassifier, LSTMClassifier, GRUClassifier
    SimpleRNNRegressor, LSTMRegressor, GRURegressor : The same networks for numbers.
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


class SimpleRNNClassifier(_RecurrentClassifier):
    __doc__ = _doc("SimpleRNNClassifier", "Simple RNN", "SimpleRNN")
    cell_type = "simple_rnn"


class LSTMClassifier(_RecurrentClassifier):
    __doc__ = _doc("LSTMClassifier", "LSTM", "LSTM")
    cell_type = "lstm"


class GRUClassifier(_RecurrentClassifier):
    __doc__ = _doc("GRUClassifier", "GRU", "GRU")
    cell_type = "gru"
