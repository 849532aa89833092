"""The figures of a comparison: each model's scores over its seeds, and how it stands against the baseline."""

from __future__ import annotations

import numpy as np

__all__ = ["summarize", "summarize_ratings", "RATING_MIDPOINT"]

#: IMDB's ratings are 1-4 (negative) and 7-10 (positive): a rating's side of
#: this midpoint is its sentiment.
RATING_MIDPOINT = 5.5


def _model_figures(runs, splits):
    """Per-seed accuracy and macro-F1 (pooled over folds), per-class report, ROC AUC, costs."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support, roc_auc_score

    y = np.concatenate([np.asarray(s.y_test) for s in splits])
    accuracy, macro_f1, auc, per_class = [], [], [], []
    for seed_runs in runs:  # one list of per-fold records per seed
        pred = np.concatenate([np.asarray(r["pred"], dtype=y.dtype) for r in seed_runs])
        accuracy.append(accuracy_score(y, pred))
        macro_f1.append(f1_score(y, pred, average="macro"))
        classes = np.asarray(seed_runs[0]["classes"], dtype=y.dtype)
        precision, recall, f1, support = precision_recall_fscore_support(y, pred, labels=classes, zero_division=0)
        per_class.append(np.stack([precision, recall, f1]))
        if classes.size == 2:
            proba = np.concatenate([np.asarray(r["proba"])[:, 1] for r in seed_runs])
            auc.append(roc_auc_score(y == classes[1], proba))
    mean_class = np.mean(per_class, axis=0)
    return {
        "accuracy": accuracy,
        "macro_f1": macro_f1,
        "roc_auc": auc or None,
        "per_class": {str(c): {"precision": float(mean_class[0, i]), "recall": float(mean_class[1, i]),
                               "f1": float(mean_class[2, i]), "support": int(support[i])}
                      for i, c in enumerate(classes.tolist())},
        **_costs(runs),
        "fold_accuracy": [float(np.mean([accuracy_score(s.y_test, np.asarray(seed_runs[f]["pred"], dtype=y.dtype))
                                         for seed_runs in runs])) for f, s in enumerate(splits)],
    }


def summarize(all_runs, splits, baseline_names):
    """Per-model figures and each model's comparison with the strongest TF-IDF baseline.

    ``all_runs`` maps a model name to its runs: a list per seed of records
    per fold. Returns ``(figures, baseline)``: figures per model, with
    ``vs_baseline`` (the accuracy difference, its paired bootstrap 95%
    interval over the test rows with the seeds averaged, McNemar's exact
    p-value per seed, under cross-validation the corrected resampled t-test,
    and the verdict in words) for every model but the baseline.
    """
    from .._stats import bootstrap_difference, corrected_resampled_ttest, mcnemar_test, verdict

    figures = {name: _model_figures(runs, splits) for name, runs in all_runs.items()}
    baseline = max(baseline_names, key=lambda n: np.mean(figures[n]["accuracy"]))
    y = np.concatenate([np.asarray(s.y_test) for s in splits])

    def predictions(name):
        return [np.concatenate([np.asarray(r["pred"], dtype=y.dtype) for r in seed_runs])
                for seed_runs in all_runs[name]]

    base_pred = predictions(baseline)[0]
    for name in all_runs:
        if name == baseline:
            continue
        preds = predictions(name)
        # The seeds' per-row correctness, averaged: the interval is of the mean accuracy over seeds.
        correct = np.mean([p == y for p in preds], axis=0)
        diff, low, high = bootstrap_difference(correct, (base_pred == y).astype(float))
        p_values = [mcnemar_test(y, p, base_pred)[2] for p in preds]
        comparison = {"difference": diff, "low": low, "high": high, "mcnemar_p": p_values}
        p_value = float(np.median(p_values))
        if len(splits) > 1:
            n_test = int(np.mean([len(s.y_test) for s in splits]))
            n_train = int(np.mean([len(s.y_train) for s in splits]))
            t, p_t = corrected_resampled_ttest(figures[name]["fold_accuracy"], figures[baseline]["fold_accuracy"],
                                               n_train=n_train, n_test=n_test)
            comparison.update(t=t, t_test_p=p_t)
            p_value = max(p_value, p_t)
        comparison["verdict"] = verdict(name, baseline, diff, low, high, p_value)
        figures[name]["vs_baseline"] = comparison
    return figures, baseline


def _costs(runs):
    """Mean fit and predict seconds over every run, and the highest peak memory."""
    flat = [r for seed_runs in runs for r in seed_runs]
    peaks = [r["peak_rss_mib"] for r in flat if r["peak_rss_mib"] is not None]
    return {
        "fit_seconds": float(np.mean([r["fit_seconds"] for r in flat])),
        "predict_seconds": float(np.mean([r["predict_seconds"] for r in flat])),
        "peak_rss_mib": max(peaks) if peaks else None,
    }


def _rating_predictions(runs):
    """Each seed's predictions over all folds, concatenated."""
    return [np.concatenate([np.asarray(r["pred"], dtype=float) for r in seed_runs]) for seed_runs in runs]


def summarize_ratings(all_runs, splits, baseline_names):
    """Per-model rating figures and each model's comparison with the TF-IDF baseline of lowest RMSE.

    Per seed: RMSE, MAE and R² of the predicted ratings, and the sentiment
    accuracy of their side of :data:`RATING_MIDPOINT`. Against the
    baseline, on the same test rows, with the seeds' squared errors (and
    right sides) averaged per row: the RMSE difference with its paired
    bootstrap 95% interval (``scipy.stats.bootstrap``, test rows
    resampled) and the paired t-test of the per-row squared errors
    (``scipy.stats.ttest_rel``; with independent rows, the Diebold-Mariano
    test of equal accuracy), the sentiment accuracy difference with its
    bootstrap interval, and the verdict in words. Returns
    ``(figures, baseline)``.
    """
    from scipy.stats import ttest_rel
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    from .._stats import bootstrap_difference, verdict

    y = np.concatenate([np.asarray(s.y_test, dtype=float) for s in splits])
    side = y > RATING_MIDPOINT
    figures = {}
    for name, runs in all_runs.items():
        preds = _rating_predictions(runs)
        figures[name] = {
            "rmse": [float(np.sqrt(mean_squared_error(y, p))) for p in preds],
            "mae": [float(mean_absolute_error(y, p)) for p in preds],
            "r2": [float(r2_score(y, p)) for p in preds],
            "sign_accuracy": [float(np.mean((p > RATING_MIDPOINT) == side)) for p in preds],
            **_costs(runs),
        }
    baseline = min(baseline_names, key=lambda n: np.mean(figures[n]["rmse"]))

    def per_row(name):
        preds = _rating_predictions(all_runs[name])
        return (np.mean([(p - y) ** 2 for p in preds], axis=0),
                np.mean([(p > RATING_MIDPOINT) == side for p in preds], axis=0))

    base_squared, base_right = per_row(baseline)
    for name in all_runs:
        if name == baseline:
            continue
        squared, right = per_row(name)
        difference, low, high = bootstrap_difference(squared, base_squared, of=np.sqrt)
        p_value = float(ttest_rel(squared, base_squared).pvalue)
        sign_difference, sign_low, sign_high = bootstrap_difference(right, base_right)
        figures[name]["vs_baseline"] = {
            "rmse_difference": difference, "low": low, "high": high, "t_test_p": p_value,
            "sign_difference": sign_difference, "sign_low": sign_low, "sign_high": sign_high,
            "verdict": verdict(name, baseline, difference, low, high, p_value, scale=1, unit="RMSE", digits=3,
                               higher_is_better=False),
        }
    return figures, baseline
