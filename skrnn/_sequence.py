"""Ragged integer sequences -> a fixed-length matrix (Keras' ``pad_sequences``)."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._compat.validation import Interval, StrOptions, fit_context
from ._ids import PAD_ID, validate_sequences

__all__ = ["SequencePadder"]


def _pad(flat, lengths, maxlen, *, padding="pre", truncating="pre", value=PAD_ID, dtype="int32"):
    """Vectorized ``keras.utils.pad_sequences`` over a (flat, lengths) pair."""
    n = len(lengths)
    out = np.full((n, maxlen), value, dtype=dtype)
    kept = np.minimum(lengths, maxlen)
    total = int(kept.sum())
    if total == 0:
        return out
    starts = np.cumsum(lengths) - lengths
    if truncating == "pre":
        starts = starts + lengths - kept
    dest = (maxlen - kept) if padding == "pre" else np.zeros_like(kept)
    rows = np.repeat(np.arange(n), kept)
    within = np.arange(total) - np.repeat(np.cumsum(kept) - kept, kept)
    out[rows, dest[rows] + within] = flat[starts[rows] + within]
    return out


class SequencePadder(TransformerMixin, BaseEstimator):
    """Pad (and truncate) integer sequences to a rectangular matrix.

    The scikit-learn transformer form of ``keras.utils.pad_sequences``, with
    the same parameters and the same output, so that it can sit between a
    :class:`TextVectorizer` and a recurrent classifier in a ``Pipeline``.

    Parameters
    ----------
    maxlen : int or None, default=None
        Length of the output rows. ``None`` learns it in ``fit`` as the
        length of the longest training sequence (``maxlen_``); it is then
        fixed for ``transform``, so train and test matrices agree. When
        every training sequence is empty there is nothing to learn it from:
        ``fit`` raises ``ValueError`` (``pad_sequences`` would return a
        matrix of width 0). A 2-D array of width 0 is a ``ValueError``
        whatever ``maxlen``, as scikit-learn's estimators refuse data of
        zero features.
    padding : {"pre", "post"}, default="pre"
        Pad before or after each sequence. ``"pre"`` keeps the real tokens
        at the end, next to the recurrent layer's output, which is what a
        recurrent network that reads the last state wants.
    truncating : {"pre", "post"}, default="pre"
        Drop tokens from the start (``"pre"``) or from the end of sequences
        longer than ``maxlen``.
    value : int or float, default=0
        The padding value (0 is the padding id of :class:`TextVectorizer`).
    dtype : str or numpy dtype, default="int32"
        Output dtype.

    Attributes
    ----------
    maxlen_ : int
        The row length used by ``transform``.

    See Also
    --------
    TextVectorizer : Produces the sequences.
    keras.utils.pad_sequences : The Keras function this transformer mirrors.

    Examples
    --------
    >>> from skrnn import SequencePadder
    >>> SequencePadder(maxlen=3).fit_transform([[1, 2, 3, 4], [5]])
    array([[2, 3, 4],
           [0, 0, 5]], dtype=int32)
    >>> SequencePadder(padding="post", truncating="post").fit_transform([[1, 2], [3]])
    array([[1, 2],
           [3, 0]], dtype=int32)
    """

    _parameter_constraints = {
        "maxlen": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "padding": [StrOptions({"pre", "post"})],
        "truncating": [StrOptions({"pre", "post"})],
        "value": [numbers.Real],
        "dtype": "no_validation",
    }

    def __init__(self, maxlen=None, *, padding="pre", truncating="pre", value=PAD_ID, dtype="int32"):
        self.maxlen = maxlen
        self.padding = padding
        self.truncating = truncating
        self.value = value
        self.dtype = dtype

    def _check_dtype(self):
        try:
            dtype = np.dtype(self.dtype)
        except TypeError:
            raise ValueError(f"dtype={self.dtype!r} is not a numpy dtype.") from None
        if dtype.kind not in "iuf":
            raise ValueError(f"dtype must be an integer or float dtype, got {dtype}.")
        return dtype

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn ``maxlen_`` (the given ``maxlen``, or the longest sequence).

        Parameters
        ----------
        X : list of sequences of int, or 2-D array
            Token id sequences.
        y : None
            Ignored.

        Returns
        -------
        self : SequencePadder
        """
        self._fit(X)
        return self

    def _fit(self, X):
        self._check_dtype()
        flat, lengths = validate_sequences(X, where="SequencePadder input")
        zero_width = getattr(X, "ndim", 0) == 2 and X.shape[1] == 0
        if zero_width or (self.maxlen is None and lengths.max() == 0):
            shape = ""
            if getattr(X, "ndim", 0) == 2:
                shape = f" (a 2-D array of 0 feature(s) (shape={X.shape}) while a minimum of 1 is required)"
            advice = ("so maxlen cannot be learned from them; pass maxlen=... explicitly"
                      if self.maxlen is None else "so there is nothing to fit; pass sequences with tokens")
            raise ValueError(
                f"Every one of the {len(lengths)} sequences passed to SequencePadder is empty{shape}, {advice}."
            )
        self.maxlen_ = int(self.maxlen) if self.maxlen is not None else int(lengths.max())
        return flat, lengths

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit, then pad ``X``; validates the input once."""
        flat, lengths = self._fit(X)
        return self._transform(flat, lengths)

    def transform(self, X):
        """Pad and truncate each sequence to ``maxlen_``.

        Parameters
        ----------
        X : list of sequences of int, or 2-D array
            Token id sequences.

        Returns
        -------
        Xt : ndarray of shape (n_sequences, maxlen)
            Equal to ``keras.utils.pad_sequences(X, maxlen=maxlen_, ...)``.
        """
        check_is_fitted(self, "maxlen_")
        flat, lengths = validate_sequences(X, where="SequencePadder input")
        return self._transform(flat, lengths)

    def _transform(self, flat, lengths):
        dtype = self._check_dtype()
        if dtype.kind in "iu" and flat.size and flat.max() > np.iinfo(dtype).max:
            raise ValueError(
                f"Token id {flat.max()} does not fit in dtype {dtype}; use a "
                "wider dtype, e.g. dtype='int64'."
            )
        return _pad(
            flat,
            lengths,
            self.maxlen_,
            padding=self.padding,
            truncating=self.truncating,
            value=self.value,
            dtype=dtype,
        )

    def get_feature_names_out(self, input_features=None):
        """Position names ``t0 ... t{maxlen_-1}``, one per output column.

        They name the columns of a pandas or polars output
        (``set_output(transform="pandas")``).

        Parameters
        ----------
        input_features : None
            Ignored: the input is a list of sequences, not named columns.

        Returns
        -------
        names : ndarray of object of shape (maxlen,)
        """
        check_is_fitted(self, "maxlen_")
        return np.asarray([f"t{i}" for i in range(self.maxlen_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        tags.target_tags.required = False
        # The output dtype is the ``dtype`` parameter, whatever the input's.
        tags.transformer_tags.preserves_dtype = []
        return tags
