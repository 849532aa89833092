"""The kind of target a comparison predicts: classes or numbers.

A task is a small object that supplies what differs between the two: its
models, how its validation rows are carved, its metrics and the statistics
against the baseline, the results table, the words of the report and its
plots. Everything else in a comparison runs on one path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._stats import bootstrap_difference, corrected_resampled_ttest, mcnemar_test, verdict
from ._registry import DEFAULT_MODELS, DEFAULT_RATING_MODELS, MODELS, RATING_MODELS

__all__ = ["Figures", "Classification", "Regression", "task_for", "find_model", "best_network", "RATING_MIDPOINT",
           "spread", "markdown_table"]

#: IMDB's ratings are 1-4 (negative) and 7-10 (positive): a rating's side of
#: this midpoint is its sentiment.
RATING_MIDPOINT = 5.5


def markdown_table(head, rows):
    """A Markdown table: the first column left-aligned, the others right-aligned."""
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    return "\n".join(lines + ["| " + " | ".join(cells) + " |" for cells in rows])


def spread(values):
    """Mean ± standard deviation over seeds as a table cell (the value alone for one seed)."""
    values = np.asarray(values, dtype=float)
    if values.size == 1:
        return f"{values[0]:.4f}"
    return f"{values.mean():.4f} ± {values.std(ddof=1):.4f}"


def _p_cell(values):
    values = np.asarray(values, dtype=float)
    if values.size == 1:
        return f"{values[0]:.3g}"
    return f"{np.median(values):.3g} (median of {values.size})"


@dataclass
class Figures:
    """One model's figures over its runs: ``scores`` maps each metric to one value per seed."""

    scores: dict
    fold_scores: list
    fit_seconds: float
    predict_seconds: float
    peak_rss_mib: float | None
    per_class: dict = field(default_factory=dict)


def figures_of(runs, scores, fold_scores, per_class=None):
    """:class:`Figures` with the costs of ``runs``: mean fit and predict seconds, the highest peak memory."""
    flat = [r for seed_runs in runs for r in seed_runs]
    peaks = [r.peak_rss_mib for r in flat if r.peak_rss_mib is not None]
    return Figures(scores=scores, fold_scores=fold_scores, per_class=per_class or {},
                   fit_seconds=float(np.mean([r.fit_seconds for r in flat])),
                   predict_seconds=float(np.mean([r.predict_seconds for r in flat])),
                   peak_rss_mib=max(peaks) if peaks else None)


def _cost_head(c):
    return ["fit s", "predict s", "peak MiB"] + (["tune s"] if c.settings.get("tune") else [])


def _cost_cells(c, m):
    """A model's fit and predict seconds and peak memory (and its search's seconds under --tune), as cells."""
    cells = [f"{m.fit_seconds:.1f}", f"{m.predict_seconds:.1f}",
             "-" if m.peak_rss_mib is None else f"{m.peak_rss_mib:,.0f}"]
    if c.settings.get("tune"):
        cells.append(f"{m.tuning['seconds']:.1f}" if m.tuning else "-")
    return cells


class Classification:
    """Predict a class: accuracy, macro-F1 and per class; LogisticRegression baselines; McNemar's test."""

    name = "classification"
    registry, default_models = MODELS, DEFAULT_MODELS
    metric = "accuracy"
    stratified = True

    def truth(self, splits):
        return np.concatenate([np.asarray(s.y_test) for s in splits])

    def predictions(self, runs, y):
        """Each seed's test predictions over all folds, concatenated."""
        return [np.concatenate([np.asarray(r.pred, dtype=y.dtype) for r in seed_runs]) for seed_runs in runs]

    def score_line(self, y_true, pred):
        return f"accuracy {np.mean(np.asarray(pred, dtype=object) == np.asarray(y_true).astype(object)):.4f}"

    def figures(self, runs, splits):
        """Per-seed accuracy and macro-F1 (pooled over folds), per-class figures, ROC AUC, fold accuracy."""
        from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support, roc_auc_score

        y = self.truth(splits)
        accuracy, macro_f1, auc, per_class = [], [], [], []
        for seed_runs, pred in zip(runs, self.predictions(runs, y)):
            accuracy.append(float(accuracy_score(y, pred)))
            macro_f1.append(float(f1_score(y, pred, average="macro")))
            classes = np.asarray(seed_runs[0].classes, dtype=y.dtype)
            precision, recall, f1, support = precision_recall_fscore_support(y, pred, labels=classes,
                                                                             zero_division=0)
            per_class.append(np.stack([precision, recall, f1]))
            if classes.size == 2:
                proba = np.concatenate([np.asarray(r.proba)[:, 1] for r in seed_runs])
                auc.append(float(roc_auc_score(y == classes[1], proba)))
        mean_class = np.mean(per_class, axis=0)
        scores = {"accuracy": accuracy, "macro_f1": macro_f1}
        if auc:
            scores["roc_auc"] = auc
        per_class = {str(c): {"precision": float(mean_class[0, i]), "recall": float(mean_class[1, i]),
                              "f1": float(mean_class[2, i]), "support": int(support[i])}
                     for i, c in enumerate(classes.tolist())}
        fold_scores = [float(np.mean([accuracy_score(s.y_test, np.asarray(seed_runs[f].pred, dtype=y.dtype))
                                      for seed_runs in runs])) for f, s in enumerate(splits)]
        return figures_of(runs, scores, fold_scores, per_class)

    def best(self, names, figures):
        """The strongest of ``names``: the highest mean accuracy."""
        return max(names, key=lambda n: np.mean(figures[n].scores["accuracy"]))

    def versus(self, name, baseline, all_runs, splits, figures):
        """``name`` against ``baseline`` on the same test rows: the difference, its interval, the tests, the verdict.

        The accuracy difference with its paired bootstrap 95% interval over
        the test rows (the seeds' per-row correctness averaged), McNemar's
        exact p-value per seed, under cross-validation the corrected
        resampled t-test, and the verdict in words.
        """
        y = self.truth(splits)
        preds = self.predictions(all_runs[name], y)
        base_pred = self.predictions(all_runs[baseline], y)
        correct = np.mean([p == y for p in preds], axis=0)
        base_correct = np.mean([p == y for p in base_pred], axis=0)
        diff, low, high = bootstrap_difference(correct, base_correct)
        p_values = [mcnemar_test(y, p, b)[2] for p, b in zip(preds, _cycle(base_pred, len(preds)))]
        comparison = {"difference": diff, "low": low, "high": high, "mcnemar_p": p_values}
        p_value = float(np.median(p_values))
        if len(splits) > 1:
            n_test = int(np.mean([len(s.y_test) for s in splits]))
            n_train = int(np.mean([len(s.y_train) for s in splits]))
            t, p_t = corrected_resampled_ttest(figures[name].fold_scores, figures[baseline].fold_scores,
                                               n_train=n_train, n_test=n_test)
            comparison.update(t=t, t_test_p=p_t)
            p_value = max(p_value, p_t)
        comparison["verdict"] = verdict(name, baseline, diff, low, high, p_value)
        return comparison

    def table(self, c):
        binary = len(c.classes) == 2
        cv = bool(c.settings.get("cv"))
        head = ["model", "accuracy", "macro-F1"] + (["ROC AUC"] if binary else []) + [
            f"vs {c.baseline} (95% CI)", "McNemar p"] + (["t-test p"] if cv else []) + _cost_head(c)
        rows = []
        for m in c.models:
            cells = [m.name, spread(m.scores["accuracy"]), spread(m.scores["macro_f1"])]
            if binary:
                cells.append(spread(m.scores["roc_auc"]) if m.scores.get("roc_auc") else "-")
            vs = m.vs_baseline
            if vs is None:
                cells += ["(baseline)", "-"] + (["-"] if cv else [])
            else:
                cells.append(f"{100 * vs['difference']:+.2f} ({100 * vs['low']:+.2f} to {100 * vs['high']:+.2f})")
                cells.append(_p_cell(vs["mcnemar_p"]))
                if cv:
                    cells.append(f"{vs['t_test_p']:.3g}")
            rows.append(cells + _cost_cells(c, m))
        return markdown_table(head, rows)

    def plots(self, c, all_runs, splits, draw):
        """The comparison chart, the best network's and the baseline's confusion matrices, and ROC curves.

        ``draw(name, fn)`` draws one; the ROC curves for two classes only.
        """
        from .._plots import plot_comparison, plot_confusion, plot_roc

        draw("comparison.png", lambda path: plot_comparison(c.models, path))
        if all_runs is None:
            return
        y = self.truth(splits)
        shown = [m for m in (best_network(c, "accuracy", max), find_model(c, c.baseline)) if m is not None]
        for m in shown:
            def confusion(path, m=m):
                plot_confusion(y, self.predictions(all_runs[m.name], y)[0], c.classes, path, title=m.name)

            draw(f"confusion_{m.name}.png", confusion)
        if len(c.classes) == 2:
            curves = {m.name: np.concatenate([np.asarray(r.proba)[:, 1] for r in all_runs[m.name][0]])
                      for m in shown}
            draw("roc.png", lambda path: plot_roc(y == c.classes[1], curves, path))

    def title(self, c):
        return "# skrnn compare"

    def explained_columns(self, c):
        """The paragraph under the title: what the table's columns are."""
        seeds = c.settings.get("seeds", 1)
        return (
            f"Accuracy and macro-F1: mean ± standard deviation over {seeds} seed(s) for the recurrent models "
            f"(TF-IDF is deterministic). Against {c.baseline}, the strongest TF-IDF baseline, on the same test "
            "rows: the accuracy difference in points with its paired bootstrap 95% interval (test rows resampled, "
            "seeds averaged per row), McNemar's exact p-value (median over seeds)"
            + (", and the corrected resampled t-test over the folds (Nadeau and Bengio)" if c.settings.get("cv")
               else "")
            + ". Peak MiB: the process's peak resident memory during the model's fit and prediction, TensorFlow "
            "and the loaded data included."
        )


def _cycle(values, n):
    """``values`` repeated to length ``n``: a deterministic baseline's one run stands for every seed."""
    return [values[i % len(values)] for i in range(n)]


class Regression:
    """Predict a number: RMSE, MAE and R²; TF-IDF + Ridge baselines; the paired t-test of squared errors.

    Parameters
    ----------
    midpoint : float or None
        For IMDB's star ratings (:data:`RATING_MIDPOINT`): the accuracy of
        the predicted rating's side of it is reported as sentiment accuracy.
    """

    name = "regression"
    registry, default_models = RATING_MODELS, DEFAULT_RATING_MODELS
    metric = "rmse"
    stratified = False

    def __init__(self, midpoint=None):
        self.midpoint = midpoint

    def truth(self, splits):
        return np.concatenate([np.asarray(s.y_test, dtype=float) for s in splits])

    def predictions(self, runs, y=None):
        return [np.concatenate([np.asarray(r.pred, dtype=float) for r in seed_runs]) for seed_runs in runs]

    def score_line(self, y_true, pred):
        return f"RMSE {np.sqrt(np.mean((np.asarray(pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2)):.4f}"

    def figures(self, runs, splits):
        """Per seed: RMSE, MAE and R² (and the sentiment accuracy of the side of ``midpoint``)."""
        from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

        y = self.truth(splits)
        preds = self.predictions(runs)
        scores = {
            "rmse": [float(np.sqrt(mean_squared_error(y, p))) for p in preds],
            "mae": [float(mean_absolute_error(y, p)) for p in preds],
            "r2": [float(r2_score(y, p)) for p in preds],
        }
        if self.midpoint is not None:
            scores["sign_accuracy"] = [float(np.mean((p > self.midpoint) == (y > self.midpoint))) for p in preds]
        fold_scores = [float(np.mean([np.sqrt(np.mean((np.asarray(seed_runs[f].pred, dtype=float)
                                                      - np.asarray(s.y_test, dtype=float)) ** 2))
                                      for seed_runs in runs])) for f, s in enumerate(splits)]
        return figures_of(runs, scores, fold_scores)

    def best(self, names, figures):
        """The strongest of ``names``: the lowest mean RMSE."""
        return min(names, key=lambda n: np.mean(figures[n].scores["rmse"]))

    def versus(self, name, baseline, all_runs, splits, figures):
        """``name`` against ``baseline``, with the seeds' squared errors (and right sides) averaged per test row.

        The RMSE difference with its paired bootstrap 95% interval
        (``scipy.stats.bootstrap``, test rows resampled) and the paired
        t-test of the per-row squared errors (``scipy.stats.ttest_rel``; with
        independent rows, the Diebold-Mariano test of equal accuracy); with
        a midpoint, the sentiment accuracy difference with its interval.
        """
        from scipy.stats import ttest_rel

        y = self.truth(splits)

        def squared(n):
            return np.mean([(p - y) ** 2 for p in self.predictions(all_runs[n])], axis=0)

        mine, base = squared(name), squared(baseline)
        difference, low, high = bootstrap_difference(mine, base, of=np.sqrt)
        p_value = float(ttest_rel(mine, base).pvalue) if np.any(mine != base) else 1.0
        comparison = {"rmse_difference": difference, "low": low, "high": high, "t_test_p": p_value}
        if self.midpoint is not None:
            def right(n):
                side = y > self.midpoint
                return np.mean([(p > self.midpoint) == side for p in self.predictions(all_runs[n])], axis=0)

            sign_difference, sign_low, sign_high = bootstrap_difference(right(name), right(baseline))
            comparison.update(sign_difference=sign_difference, sign_low=sign_low, sign_high=sign_high)
        comparison["verdict"] = verdict(name, baseline, difference, low, high, p_value, scale=1, unit="RMSE",
                                        digits=3, higher_is_better=False)
        return comparison

    def table(self, c):
        sides = self.midpoint is not None
        head = ["model", "RMSE", "MAE", "R²"] + (["sentiment accuracy"] if sides else []) + [
            f"RMSE vs {c.baseline} (95% CI)", "t-test p"] + (["sentiment vs baseline (95% CI)"] if sides else []) + \
            _cost_head(c)
        rows = []
        for m in c.models:
            s = m.scores
            cells = [m.name, spread(s["rmse"]), spread(s["mae"]), spread(s["r2"])]
            if sides:
                cells.append(spread(s["sign_accuracy"]))
            vs = m.vs_baseline
            if vs is None:
                cells += ["(baseline)", "-"] + (["-"] if sides else [])
            else:
                cells += [f"{vs['rmse_difference']:+.3f} ({vs['low']:+.3f} to {vs['high']:+.3f})",
                          f"{vs['t_test_p']:.3g}"]
                if sides:
                    cells.append(f"{100 * vs['sign_difference']:+.2f} ({100 * vs['sign_low']:+.2f} to "
                                 f"{100 * vs['sign_high']:+.2f})")
            rows.append(cells + _cost_cells(c, m))
        return markdown_table(head, rows)

    def plots(self, c, all_runs, splits, draw):
        """Predicted against true values of the baseline and the best network (first seed)."""
        from .._plots import plot_predictions, plot_ratings

        if all_runs is None:
            return
        y = self.truth(splits)
        shown = [m.name for m in (find_model(c, c.baseline), best_network(c, "rmse", min)) if m is not None]
        predictions = {name: self.predictions(all_runs[name])[0] for name in shown}
        if self.midpoint is not None:
            draw("ratings.png", lambda path: plot_ratings(y, predictions, path))
        else:
            draw("predictions.png", lambda path: plot_predictions(y, predictions, path))

    def title(self, c):
        return "# skrnn compare: star ratings" if self.midpoint is not None else "# skrnn compare: a numeric target"

    def explained_columns(self, c):
        seeds = c.settings.get("seeds", 1)
        sides = (
            f", and the sentiment accuracy of their side of {self.midpoint} (ratings 1-4 are negative reviews, 7-10 "
            "positive)" if self.midpoint is not None else ""
        )
        return (
            f"RMSE, MAE and R² of the predictions{sides}: mean ± standard deviation over {seeds} seed(s) for the "
            f"recurrent models (TF-IDF + Ridge is deterministic). Against {c.baseline}, the TF-IDF baseline of "
            "lowest RMSE, on the same test rows (the seeds' squared errors averaged per row): the RMSE difference "
            "with its paired bootstrap 95% interval (test rows resampled) and the paired t-test of the squared "
            "errors" + (", and the sentiment accuracy difference in points with its interval"
                        if self.midpoint is not None else "")
            + ". Negative RMSE differences are better."
        )


def find_model(c, name):
    """The model called ``name`` in comparison ``c``, or None."""
    return next((m for m in c.models if m.name == name), None)


def best_network(c, metric, pick):
    """The recurrent model of ``c`` with the best mean ``metric`` (``pick`` is max or min), or None."""
    networks = [m for m in c.models if m.kind == "rnn"]
    return pick(networks, key=lambda m: m.mean(metric)) if networks else None


def task_for(name, *, midpoint=None):
    """The task object of ``"classification"`` or ``"regression"``."""
    return Classification() if name == "classification" else Regression(midpoint)
