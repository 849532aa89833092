"""The work behind ``skrnn compare``: data splits, resumable runs, metrics, the blend.

``skrnn.compare`` is the public face (the model registry, ``run_comparison``
and the report); this module owns how a comparison is carried out:

- :func:`load_splits` reads IMDB or the user's data and makes the splits
  (IMDB's own, a ``--test`` file, a stratified hold-out or stratified K
  folds);
- :class:`RunStore` keeps every finished (model, seed, fold) run as one JSON
  file under ``<out>/.runs/<fingerprint>/``, written atomically, so an
  interrupted comparison resumes where it stopped;
- :func:`fit_and_predict` trains one model and measures it: fit and predict
  seconds, and the process's peak resident memory during the run;
- :func:`blend` combines the best recurrent pipeline with the best TF-IDF one
  by a logistic regression on their log-probabilities, whose weights are
  learnt on a held-out part of the training rows only;
- :func:`summarize` turns the runs into the per-model figures and the
  comparisons against the strongest TF-IDF baseline;
  :func:`summarize_ratings` does the same for rating regressors (RMSE,
  MAE, R² and the rating's sentiment side).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "Split", "load_splits", "RunStore", "fit_and_predict", "blend", "summarize", "summarize_ratings", "fingerprint",
    "reset_peak_rss", "peak_rss_mib", "RATING_MIDPOINT",
]

#: IMDB's ratings are 1-4 (negative) and 7-10 (positive): a rating's side of
#: this midpoint is its sentiment.
RATING_MIDPOINT = 5.5


@dataclass
class Split:
    """One train / test split (a fold under ``cv``)."""

    X_train: list
    y_train: np.ndarray
    X_test: list
    y_test: np.ndarray


def load_splits(data=None, *, test=None, test_size=0.2, cv=None, sample=None, random_state=0,
                text_column="text", label_column="label", encoding="utf-8", target="label"):
    """The splits to compare on, and a description of the data.

    ``target="rating"`` gives IMDB's star ratings as ``y`` (IMDB only).

    Returns
    -------
    splits : list of Split
        One split, or ``cv`` folds.
    description : str
    """
    from sklearn.model_selection import StratifiedKFold, train_test_split

    from .datasets import has_imdb, load_imdb_sample, load_text_dataset

    if data is None or has_imdb(data):
        if test is not None or cv is not None:
            raise ValueError("--test and --cv are for your own data; IMDB comes with its own test split.")
        X_train, y_train, X_test, y_test = load_imdb_sample(sample, data_home=data, random_state=random_state,
                                                            verbose=True, target=target)
        rated = " (their star ratings, 1-4 and 7-10)" if target == "rating" else ""
        return [Split(X_train, y_train, X_test, y_test)], (
            f"IMDB: {len(X_train):,} training and {len(X_test):,} test reviews{rated}")
    if target == "rating":
        raise ValueError(f"--target rating reads IMDB's star ratings, but {data} is not IMDB; compare "
                         "classifiers on your own labels with the default --target label.")
    options = dict(text_column=text_column, label_column=label_column, encoding=encoding)
    train = load_text_dataset(data, **options)
    X, y = train.data, train.target
    if test is not None:
        if cv is not None:
            raise ValueError("pass --test or --cv, not both.")
        held = load_text_dataset(test, min_classes=1, **options)
        held.target = _as_training_labels(held.target, y)
        unseen = sorted(set(held.target.tolist()) - set(y.tolist()), key=str)
        if unseen:
            raise ValueError(
                f"{test} holds label(s) the training data never has: {', '.join(map(repr, unseen))}; "
                "a classifier cannot predict them."
            )
        X_train, y_train = _sample(X, y, sample, random_state)
        X_test, y_test = _sample(held.data, held.target, sample, random_state)
        splits = [Split(X_train, y_train, X_test, y_test)]
        where = f"{len(X_train):,} training rows from {data}, {len(X_test):,} test rows from {test}"
    elif cv is not None:
        X, y = _sample(X, y, sample, random_state)
        if len(y) < cv:
            raise ValueError(f"--cv {cv} needs at least {cv} rows, but the data has {len(y)}.")
        folds = StratifiedKFold(cv, shuffle=True, random_state=random_state).split(np.zeros(len(y)), y)
        X = np.asarray(X, dtype=object)
        splits = [Split(X[tr].tolist(), y[tr], X[te].tolist(), y[te]) for tr, te in folds]
        where = f"{len(y):,} rows from {data}, stratified {cv}-fold cross-validation"
    else:
        X, y = _sample(X, y, sample and int(sample / (1 - test_size)), random_state)
        try:
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, test_size=test_size, stratify=y, random_state=random_state)
        except ValueError as exc:
            raise ValueError(f"a stratified {test_size} test split of {data} is impossible: {exc}") from None
        splits = [Split(list(X_train), y_train, list(X_test), y_test)]
        where = f"{len(y_train):,} training and {len(y_test):,} test rows (stratified {test_size} hold-out) from {data}"
    classes = np.unique(y)
    return splits, f"{where}; {classes.size} classes ({', '.join(map(str, classes.tolist()))})"


def _as_training_labels(test_labels, train_labels):
    """The test labels written as the training data writes them, where only the writing differs.

    A test file whose labels are the text "0" and "1" holds the training
    data's integers 0 and 1 when every one of them reads as a training
    label's text; otherwise the labels are kept as they are.
    """
    by_text = {str(label): label for label in train_labels.tolist()}
    labels = test_labels.tolist()
    if set(labels) <= set(by_text.values()) or not all(str(label) in by_text for label in labels):
        return test_labels
    return np.asarray([by_text[str(label)] for label in labels], dtype=np.asarray(train_labels).dtype)


def _sample(X, y, n, random_state):
    from sklearn.model_selection import train_test_split

    if n is None or n >= len(y):
        return list(X), np.asarray(y)
    X, _, y, _ = train_test_split(list(X), y, train_size=n, stratify=y, random_state=random_state)
    return list(X), np.asarray(y)


def fingerprint(splits, settings):
    """A hash of the data (every text and label of every split) and the settings."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    for split in splits:
        for texts, labels in ((split.X_train, split.y_train), (split.X_test, split.y_test)):
            digest.update("\x00".join(texts).encode("utf-8", "surrogatepass"))
            digest.update(json.dumps(np.asarray(labels).tolist()).encode())
    return digest.hexdigest()[:16]


class RunStore:
    """Finished runs, one JSON file each, under ``<out>/.runs/<fingerprint>/``.

    A file is written to a temporary name and renamed, so an interrupted
    write never leaves a half file; a run with another fingerprint (other
    data or settings) is never read.
    """

    def __init__(self, out, key, resume=True):
        self.folder = Path(out) / ".runs" / key
        self.resume = resume

    def _path(self, name):
        return self.folder / f"{name}.json"

    def get(self, name):
        path = self._path(name)
        if not self.resume or not path.is_file():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def get_model(self, name):
        """The fitted pipeline stored with run ``name``, or None."""
        import joblib

        path = self.folder / f"{name}.joblib"
        if not self.resume or not path.is_file():
            return None
        return joblib.load(path)

    def put_model(self, name, model):
        """Keep a fitted pipeline with run ``name`` (for the report's explanations)."""
        import joblib

        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{name}.joblib"
        partial = path.with_suffix(".joblib-partial")
        joblib.dump(model, partial)
        os.replace(partial, path)

    def put(self, name, record):
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(name)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(record), encoding="utf-8")
        os.replace(partial, path)


def reset_peak_rss():
    """Reset the process's peak resident memory (Linux: ``/proc/self/clear_refs``).

    Returns False where that is impossible, and the peak then counts from
    the process's start.
    """
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss_mib():
    """The process's peak resident memory (since the last reset), in MiB.

    Reads VmHWM from /proc/self/status where there is one: Linux carries
    ``ru_maxrss`` over from the parent into a child started with fork +
    exec, so a fresh subprocess would report its parent's peak.
    """
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fit_and_predict(model, split):
    """Fit on the split's training rows, predict its test rows; with the costs.

    Returns a JSON-ready record: ``pred`` (labels, or a regressor's
    numbers), ``proba`` (per class, in ``classes``' order; not for a
    regressor), ``classes``, ``fit_seconds``, ``predict_seconds``,
    ``peak_rss_mib`` (the process's peak resident memory during this fit and
    prediction, TensorFlow and the loaded data included; None where the
    peak cannot be reset), the classifier's ``history`` if it has one, and
    for a recurrent network its ``budget``: the batch size, the epochs run
    and the epoch whose weights it kept.
    """
    measured = reset_peak_rss()
    start = time.perf_counter()
    model.fit(split.X_train, split.y_train)
    fit_seconds = time.perf_counter() - start
    from sklearn.base import is_regressor

    start = time.perf_counter()
    if is_regressor(model):
        figures = {"pred": np.round(np.asarray(model.predict(split.X_test), dtype=float), 6).tolist()}
    else:
        proba = model.predict_proba(split.X_test)
        classes = model.classes_
        figures = {"pred": classes[np.argmax(proba, axis=1)].tolist(), "proba": np.round(proba, 6).tolist(),
                   "classes": classes.tolist()}
    predict_seconds = time.perf_counter() - start
    final = model[-1] if hasattr(model, "steps") else model
    return {
        **figures,
        "fit_seconds": fit_seconds,
        "predict_seconds": predict_seconds,
        "peak_rss_mib": peak_rss_mib() if measured else None,
        "history": {k: list(v) for k, v in getattr(final, "history_", {}).items()},
        "budget": ({"batch_size": int(final.batch_size_), "epochs": int(final.n_epochs_),
                    "best_epoch": int(final.best_epoch_)} if hasattr(final, "n_epochs_") else None),
    }


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
    from ._stats import bootstrap_difference, corrected_resampled_ttest, mcnemar_test, verdict

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

    from ._stats import bootstrap_difference, verdict

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
