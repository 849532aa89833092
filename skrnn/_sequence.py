"""Ragged integer sequences -> a fixed-length matrix (Keras' ``pad_sequences``)."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

__all__ = ["SequencePadder"]


def _check_ids(flat, *, where, locate):
    """Check that ``flat`` holds non-negative integral numbers; return int64."""
    kind = flat.dtype.kind
    if kind in "iu":
        ids = flat.astype(np.int64, copy=False)
    elif kind == "b":
        ids = flat.astype(np.int64)
    elif kind == "f":
        bad = ~np.isfinite(flat)
        if bad.any():
            raise ValueError(
                f"{where} contains NaN or infinity {locate(np.flatnonzero(bad)[0])}; "
                "token ids must be finite non-negative integers."
            )
        frac = flat != np.floor(flat)
        if frac.any():
            i = np.flatnonzero(frac)[0]
            raise ValueError(
                f"{where} contains the non-integral value {flat[i].item()!r} "
                f"{locate(i)}; token ids must be non-negative integers."
            )
        if flat.size and np.abs(flat).max() >= 2**62:
            raise ValueError(f"{where} contains a value too large to be a token id.")
        ids = flat.astype(np.int64)
    else:
        raise ValueError(
            f"{where} must hold integer token ids, got values of dtype "
            f"{flat.dtype} (did you forget to apply TextVectorizer?)."
        )
    if ids.size and ids.min() < 0:
        i = np.flatnonzero(ids < 0)[0]
        raise ValueError(
            f"Negative values in data passed to {where}: found {ids[i]} "
            f"{locate(i)}; token ids must be >= 0."
        )
    return ids


def _validate_sequences(X, *, where="X", allow_empty=False):
    """Validate a collection of integer sequences.

    Accepts a list (or tuple, or 1-D object array, or pandas Series) of
    1-D sequences, or a 2-D numeric array (one row per sequence).

    Returns
    -------
    flat : ndarray of int64
        All ids, sequence after sequence.
    lengths : ndarray of int64
        The length of each sequence.
    """
    if X is None or isinstance(X, (str, bytes)):
        raise ValueError(
            f"{where} must be a list of integer sequences or a 2-D array, got "
            f"{type(X).__name__}."
        )
    if hasattr(X, "to_numpy") and not isinstance(X, np.ndarray):  # pandas
        X = X.to_numpy()
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim != 2:
            raise ValueError(
                f"{where} must be a list of sequences or a 2-D array, got a "
                f"{X.ndim}-D array of shape {X.shape}."
            )
        n, width = X.shape
        lengths = np.full(n, width, dtype=np.int64)
        flat = X.reshape(-1)
    else:
        try:
            seqs = list(X)
        except TypeError:
            raise ValueError(
                f"{where} must be a list of integer sequences or a 2-D array, "
                f"got {type(X).__name__}."
            ) from None
        arrays = []
        for i, s in enumerate(seqs):
            if s is None or isinstance(s, (str, bytes, numbers.Number)):
                raise ValueError(
                    f"Sequence {i} of {where} is {type(s).__name__} ({s!r:.40}), "
                    "not a sequence of token ids; pass a list of sequences, "
                    "e.g. [[3, 7, 2], [5]] (raw text goes through TextVectorizer)."
                )
            a = s if isinstance(s, np.ndarray) else np.asarray(s)
            if a.ndim != 1:
                raise ValueError(
                    f"Sequence {i} of {where} has {a.ndim} dimensions (shape "
                    f"{a.shape}); each sequence must be a flat list of token ids."
                )
            if a.dtype == object:
                try:
                    a = a.astype(np.float64)
                except (TypeError, ValueError):
                    raise ValueError(
                        f"Sequence {i} of {where} holds non-numeric values; "
                        "token ids must be non-negative integers."
                    ) from None
            arrays.append(a)
        lengths = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
        nonempty = [a for a in arrays if a.size]
        flat = np.concatenate(nonempty) if nonempty else np.zeros(0, dtype=np.int64)
    if not allow_empty and len(lengths) == 0:
        raise ValueError(f"{where} is empty: at least one sequence is needed.")
    ends = np.cumsum(lengths)

    def locate(pos):
        row = int(np.searchsorted(ends, pos, side="right"))
        return f"(sequence {row}, position {int(pos - (ends[row] - lengths[row]))})"

    return _check_ids(flat, where=where, locate=locate), lengths


def _pad(flat, lengths, maxlen, *, padding="pre", truncating="pre", value=0, dtype="int32"):
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
        fixed for ``transform``, so train and test matrices agree.
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

    def __init__(self, maxlen=None, *, padding="pre", truncating="pre", value=0, dtype="int32"):
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
        self._validate_params()
        self._check_dtype()
        flat, lengths = _validate_sequences(X, where="SequencePadder input")
        self.maxlen_ = int(self.maxlen) if self.maxlen is not None else int(lengths.max())
        return flat, lengths

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
        Xt : ndarray of shape (n_sequences, maxlen_)
            Equal to ``keras.utils.pad_sequences(X, maxlen=maxlen_, ...)``.
        """
        check_is_fitted(self, "maxlen_")
        flat, lengths = _validate_sequences(X, where="SequencePadder input")
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
        """Position names ``t0 ... t{maxlen_-1}``."""
        check_is_fitted(self, "maxlen_")
        return np.asarray([f"t{i}" for i in range(self.maxlen_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        tags.target_tags.required = False
        return tags
