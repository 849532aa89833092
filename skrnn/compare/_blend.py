"""The blend: the best recurrent and the best TF-IDF pipeline, weighed by a logistic regression."""

from __future__ import annotations

import time

import numpy as np

from ._registry import BLEND_HOLDOUT, make_model
from ._runs import peak_rss_mib, reset_peak_rss

__all__ = ["blend", "blend_runs", "disagreement"]


def blend(rnn, tfidf, split, full_rnn, full_tfidf, *, holdout, random_state=0):
    """Combine two pipelines with weights learnt on the split's training rows only.

    Copies of both (``rnn``, ``tfidf``, unfitted) are trained on ``1 -
    holdout`` of the training rows (a stratified, seeded draw), and a
    logistic regression learns, on the held-out rows, how to weigh their
    log-probabilities. It then weighs the test-row probabilities of the two
    models trained on all the training rows (``full_rnn`` and
    ``full_tfidf``: their stored run records), as stacking does after its
    cross-validated fit. The test rows play no part in fitting anything.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    X_fit, X_hold, y_fit, y_hold = train_test_split(
        list(split.X_train), split.y_train, test_size=holdout, stratify=split.y_train, random_state=random_state)
    measured = reset_peak_rss()
    start = time.perf_counter()
    for model in (rnn, tfidf):
        model.fit(X_fit, y_fit)

    def features(X):
        return np.hstack([np.log(np.clip(m.predict_proba(X), 1e-7, 1.0)) for m in (rnn, tfidf)])

    combiner = LogisticRegression(max_iter=1000).fit(features(X_hold), y_hold)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    full = [full_rnn, full_tfidf]
    if any(r["classes"] != combiner.classes_.tolist() for r in full):
        raise ValueError("the blended models' classes differ from the hold-out's; the hold-out must hold every class.")
    test_features = np.hstack([np.log(np.clip(np.asarray(r["proba"]), 1e-7, 1.0)) for r in full])
    proba = combiner.predict_proba(test_features)
    predict_seconds = time.perf_counter() - start + sum(r["predict_seconds"] for r in full)
    return {
        "pred": combiner.classes_[np.argmax(proba, axis=1)].tolist(),
        "proba": np.round(proba, 6).tolist(),
        "classes": combiner.classes_.tolist(),
        "fit_seconds": fit_seconds,
        "predict_seconds": predict_seconds,
        "peak_rss_mib": peak_rss_mib() if measured else None,
        "history": {},
        "weights": np.round(combiner.coef_, 4).tolist(),
    }


def blend_runs(store, progress, all_runs, splits, best_rnn, baseline, *, epochs, max_features, maxlen,
                random_state):
    """The blend's run record on each fold, from the store or trained now; ``(row name, records)``."""
    blend_name = f"blend({best_rnn}+{baseline})"
    runs = []
    for fold, split in enumerate(splits):
        run_name = f"blend-{best_rnn}-{baseline}-fold{fold}"
        record = store.get(run_name)
        if record is None:
            progress.line(f"[blend] {best_rnn} + {baseline}, fold {fold + 1}/{len(splits)}: learning the "
                          f"weights on {BLEND_HOLDOUT:.0%} of the training rows (models trained on the other "
                          f"{1 - BLEND_HOLDOUT:.0%})")
            record = blend(make_model(best_rnn, epochs=epochs, max_features=max_features, maxlen=maxlen,
                                      random_state=random_state), make_model(baseline), split,
                           all_runs[best_rnn][0][fold], all_runs[baseline][0][fold], holdout=BLEND_HOLDOUT,
                           random_state=random_state)
            store.put(run_name, record)
        runs.append(record)
    return blend_name, runs


def disagreement(runs_a, runs_b, splits):
    """How often two models' (first seed) predictions differ, and who is right then."""
    y = np.concatenate([np.asarray(s.y_test) for s in splits])
    a = np.concatenate([np.asarray(r["pred"], dtype=y.dtype) for r in runs_a[0]])
    b = np.concatenate([np.asarray(r["pred"], dtype=y.dtype) for r in runs_b[0]])
    differ = a != b
    n = int(differ.sum())
    return {
        "rate": float(differ.mean()),
        "rows": n,
        "first_right": float(np.mean(a[differ] == y[differ])) if n else 0.0,
        "second_right": float(np.mean(b[differ] == y[differ])) if n else 0.0,
    }
