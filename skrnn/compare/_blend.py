"""The blend: the best recurrent and the best TF-IDF pipeline, weighed by a logistic regression.

The weights are learnt on the validation rows, from the two models'
predicted probabilities there; the models themselves are the ones already
trained on the fit rows, so the blend trains nothing else and has a run for
every seed of the network.
"""

from __future__ import annotations

import time

import numpy as np

from ._runs import Run

__all__ = ["blend", "blend_runs", "disagreement"]


def _log_proba(proba):
    return np.log(np.clip(np.asarray(proba, dtype=float), 1e-7, 1.0))


def blend(rnn, tfidf, split):
    """The blend of two classifier runs on one split, as a :class:`Run`.

    A logistic regression learns, on the split's validation rows, how to
    weigh the two models' log-probabilities there, and weighs their test
    probabilities with them. The test rows play no part in fitting anything.
    Its cost is both models' and its own.
    """
    from sklearn.linear_model import LogisticRegression

    if rnn.classes != tfidf.classes:
        raise ValueError("the blended models' classes differ; both must be trained on the same rows.")
    start = time.perf_counter()
    combiner = LogisticRegression(max_iter=1000).fit(
        np.hstack([_log_proba(r.val_proba) for r in (rnn, tfidf)]), np.asarray(split.y_val))
    fit_seconds = time.perf_counter() - start
    if combiner.classes_.tolist() != rnn.classes:
        raise ValueError("the validation rows do not hold every class, so the blend cannot weigh them all.")
    start = time.perf_counter()
    proba = combiner.predict_proba(np.hstack([_log_proba(r.proba) for r in (rnn, tfidf)]))
    predict_seconds = time.perf_counter() - start
    peaks = [r.peak_rss_mib for r in (rnn, tfidf) if r.peak_rss_mib is not None]
    return Run(
        pred=combiner.classes_[np.argmax(proba, axis=1)].tolist(),
        proba=np.round(proba, 6).tolist(),
        classes=combiner.classes_.tolist(),
        fit_seconds=fit_seconds + rnn.fit_seconds + tfidf.fit_seconds,
        predict_seconds=predict_seconds + rnn.predict_seconds + tfidf.predict_seconds,
        peak_rss_mib=max(peaks) if peaks else None,
        weights=np.round(combiner.coef_, 4).tolist(),
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
