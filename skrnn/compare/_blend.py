"""The blend: the best recurrent and the best TF-IDF pipeline, their log-probabilities pooled.

The blend's probabilities are ``softmax(a * log p_rnn + b * log p_tfidf)``
with two non-negative weights fitted on the validation rows (the log-loss
there, ``scipy.optimize.minimize``): a weighted geometric mean of the two
models, its temperature set by ``a + b``. The models themselves are the
ones already trained on the fit rows, so the blend trains nothing else and
has a run for every seed of the network. Two weights rather than a full
logistic regression on the ten or so log-probabilities: on SST-5's
development split the full one fitted the few hundred validation rows and
scored below the network alone (docs/benchmarks.md).
"""

from __future__ import annotations

import time

import numpy as np

from ._runs import Run

__all__ = ["blend", "blend_runs", "pool_weights", "disagreement"]


def _log_proba(proba):
    return np.log(np.clip(np.asarray(proba, dtype=float), 1e-7, 1.0))


def pool_weights(rnn_log, tfidf_log, y_codes):
    """The non-negative weights ``(a, b)`` of the two log-probability matrices with the least log-loss."""
    from scipy.optimize import minimize
    from scipy.special import log_softmax

    rows = np.arange(len(y_codes))

    def loss(weights):
        return -log_softmax(weights[0] * rnn_log + weights[1] * tfidf_log, axis=1)[rows, y_codes].mean()

    return minimize(loss, [0.5, 0.5], bounds=[(0, None), (0, None)], method="L-BFGS-B").x


def blend(rnn, tfidf, split):
    """The blend of two classifier runs on one split, as a :class:`Run`.

    The weights of the two models' log-probabilities are fitted on the
    split's validation rows (:func:`pool_weights`) and pool their test
    probabilities. The test rows play no part in fitting anything. Its cost
    is both models' and its own.
    """
    from scipy.special import softmax

    if rnn.classes != tfidf.classes:
        raise ValueError("the blended models' classes differ; both must be trained on the same rows.")
    classes = np.asarray(rnn.classes, dtype=object)
    y_val = np.asarray(split.y_val, dtype=object)
    position = {c: i for i, c in enumerate(rnn.classes)}
    if set(y_val.tolist()) - set(position) or len(set(y_val.tolist())) < len(classes):
        raise ValueError("the validation rows do not hold every class, so the blend cannot weigh them all.")
    start = time.perf_counter()
    weights = pool_weights(_log_proba(rnn.val_proba), _log_proba(tfidf.val_proba),
                           np.array([position[c] for c in y_val.tolist()]))
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    proba = softmax(weights[0] * _log_proba(rnn.proba) + weights[1] * _log_proba(tfidf.proba), axis=1)
    predict_seconds = time.perf_counter() - start
    peaks = [r.peak_rss_mib for r in (rnn, tfidf) if r.peak_rss_mib is not None]
    return Run(
        pred=classes[np.argmax(proba, axis=1)].tolist(),
        proba=np.round(proba, 6).tolist(),
        classes=list(rnn.classes),
        fit_seconds=fit_seconds + rnn.fit_seconds + tfidf.fit_seconds,
        predict_seconds=predict_seconds + rnn.predict_seconds + tfidf.predict_seconds,
        peak_rss_mib=max(peaks) if peaks else None,
        weights=np.round(weights, 4).tolist(),
    )


def blend_runs(all_runs, splits, best_rnn, baseline):
    """The blend's runs: one per seed of ``best_rnn`` and fold, each with the baseline's run of that fold."""
    return [[blend(seed_runs[fold], all_runs[baseline][0][fold], split) for fold, split in enumerate(splits)]
            for seed_runs in all_runs[best_rnn]]


def disagreement(runs_a, runs_b, splits):
    """How often two models' (first seed) predictions differ, and who is right then."""
    y = np.concatenate([np.asarray(s.y_test) for s in splits])
    a = np.concatenate([np.asarray(r.pred, dtype=y.dtype) for r in runs_a[0]])
    b = np.concatenate([np.asarray(r.pred, dtype=y.dtype) for r in runs_b[0]])
    differ = a != b
    n = int(differ.sum())
    return {
        "rate": float(differ.mean()),
        "rows": n,
        "first_right": float(np.mean(a[differ] == y[differ])) if n else 0.0,
        "second_right": float(np.mean(b[differ] == y[differ])) if n else 0.0,
    }
