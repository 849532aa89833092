"""Token-id conventions and their validation, shared by every module.

Keras' conventions: id 0 is padding (``PAD_ID``), id 1 stands for an
out-of-vocabulary token (``OOV_ID``), and a vocabulary's tokens start at 2
(``FIRST_ID``). :func:`check_ids` and :func:`validate_sequences` turn any
input that claims to hold token ids into int64 arrays, or raise a
``ValueError`` that names the sequence and position of the first bad value.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse

__all__ = ["PAD_ID", "OOV_ID", "FIRST_ID", "check_ids", "validate_sequences"]

#: Id of the padding token (Keras convention: 0 is padding).
PAD_ID = 0
#: Id of the out-of-vocabulary token (Keras convention: 1 is OOV).
OOV_ID = 1
#: The first id a vocabulary token gets.
FIRST_ID = 2


def check_ids(flat, *, where, locate):
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
    elif kind == "c":
        raise ValueError(
            f"Complex data not supported: {where} holds complex numbers; token ids must be "
            "non-negative integers."
        )
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


def validate_sequences(X, *, where="X", allow_empty=False):
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
    if scipy.sparse.issparse(X):
        raise TypeError(
            f"Sparse data is not supported: {where} must be a list of integer sequences or a "
            "dense 2-D array; convert it with X.toarray()."
        )
    if X is None or isinstance(X, (str, bytes)):
        raise ValueError(
            f"{where} must be a list of integer sequences or a 2-D array, got "
            f"{type(X).__name__}."
        )
    if hasattr(X, "to_numpy") and not isinstance(X, np.ndarray):  # pandas, polars
        X = X.to_numpy()
    elif hasattr(X, "__array__") and not isinstance(X, (np.ndarray, list, tuple)):
        X = np.asarray(X)
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim != 2:
            hint = (
                " Reshape your data: one sequence is a list of one sequence, [ids], or "
                "ids.reshape(1, -1)."
                if X.ndim == 1 else ""
            )
            raise ValueError(
                f"{where} must be a list of sequences or a 2-D array, got a "
                f"{X.ndim}-D array of shape {X.shape}.{hint}"
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
                except (TypeError, ValueError) as exc:
                    raise TypeError(
                        f"Sequence {i} of {where} holds a value that is not a number ({exc}); "
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

    return check_ids(flat, where=where, locate=locate), lengths
