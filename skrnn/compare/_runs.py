"""Runs of a comparison: one (model, seed, fold) fit and prediction, its costs, and the store that keeps it."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from ._registry import make_model

__all__ = ["Run", "fingerprint", "RunStore", "fit_on_split", "reset_peak_rss", "peak_rss_mib", "fit_and_predict",
           "timed", "timed_fit_predict", "train_runs", "clock"]


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
        """The stored :class:`Run` called ``name``, or None."""
        data = self.get_json(name)
        return None if data is None else Run.from_json(data)

    def get_json(self, name):
        """The stored JSON object called ``name``, or None."""
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

    def put(self, name, run):
        """Keep :class:`Run` ``run`` as ``name``."""
        self.put_json(name, asdict(run))

    def put_json(self, name, data):
        """Keep a JSON object as ``name``, written whole or not at all."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(name)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(data), encoding="utf-8")
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


@dataclass
class Run:
    """One finished (model, seed, fold) run: its test predictions and what it cost.

    Attributes
    ----------
    pred : list
        Test predictions: labels, or a regressor's numbers.
    fit_seconds, predict_seconds : float
    peak_rss_mib : float or None
        The process's peak resident memory during this fit and prediction,
        TensorFlow and the loaded data included; None where the peak cannot
        be reset.
    proba, classes : list or None
        A classifier's test probabilities per class, in ``classes``' order.
    val_proba : list or None
        A classifier's probabilities on the split's validation rows (the
        blend learns its weights on them).
    history : dict
        A network's per-epoch loss and metrics.
    budget : dict or None
        A network's batch size, epochs run and the epoch whose weights it kept.
    trainable_params : int or None
    weights : list or None
        The blend's weights of the two models' log-probabilities.
    tuning : dict or None
        With ``--tune``: the settings the search chose and what it cost
        (:class:`._tune.Tuning`).
    """

    pred: list
    fit_seconds: float
    predict_seconds: float
    peak_rss_mib: float | None = None
    proba: list | None = None
    classes: list | None = None
    val_proba: list | None = None
    history: dict = field(default_factory=dict)
    budget: dict | None = None
    trainable_params: int | None = None
    weights: list | None = None
    tuning: dict | None = None

    @classmethod
    def from_json(cls, data):
        """A run from its stored JSON object."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def fit_on_split(model, split, *, validates):
    """Fit ``model`` on the split's fit rows; a network (``validates``) stops on its validation rows.

    Every model trains on the same rows, the training rows less the
    validation rows. A recurrent pipeline's preprocessing is fitted on the
    fit rows, and its network gets the validation rows, transformed, as
    ``validation_data``.
    """
    if not (validates and len(split.y_val)):
        model.fit(split.X_fit, split.y_fit)
        return
    head, final = model[:-1], model[-1]
    X_fit = head.fit_transform(split.X_fit, split.y_fit)
    final.fit(X_fit, split.y_fit, validation_data=(head.transform(split.X_val), split.y_val))


def fit_and_predict(model, split, *, validates=False):
    """Fit on the split's fit rows (:func:`fit_on_split`), predict its test rows; a :class:`Run` with the costs.

    A classifier also predicts the validation rows' probabilities.
    """
    from sklearn.base import is_regressor

    measured = reset_peak_rss()
    start = time.perf_counter()
    fit_on_split(model, split, validates=validates)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    if is_regressor(model):
        outputs = {"pred": np.round(np.asarray(model.predict(split.X_test), dtype=float), 6).tolist()}
    else:
        proba = model.predict_proba(split.X_test)
        classes = model.classes_
        outputs = {"pred": classes[np.argmax(proba, axis=1)].tolist(), "proba": np.round(proba, 6).tolist(),
                   "classes": classes.tolist()}
    predict_seconds = time.perf_counter() - start
    if "proba" in outputs and len(split.y_val):
        outputs["val_proba"] = np.round(model.predict_proba(split.X_val), 6).tolist()
    final = model[-1] if hasattr(model, "steps") else model
    return Run(
        **outputs,
        fit_seconds=fit_seconds,
        predict_seconds=predict_seconds,
        peak_rss_mib=peak_rss_mib() if measured else None,
        history={k: list(v) for k, v in getattr(final, "history_", {}).items()},
        budget=({"batch_size": int(final.batch_size_), "epochs": int(final.n_epochs_),
                 "best_epoch": int(final.best_epoch_)} if hasattr(final, "n_epochs_") else None),
        trainable_params=trainable_params(model),
    )


def timed(fn):
    """Call ``fn()``; return its result and the seconds it took (``time.perf_counter``).

    Parameters
    ----------
    fn : callable
        Called with no arguments.

    Returns
    -------
    result : object
        What ``fn()`` returned.
    seconds : float
    """
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def timed_fit_predict(model, X_train, y_train, X_test):
    """Fit, then ``predict_proba`` of the positive class; with both durations.

    Parameters
    ----------
    model : estimator
        A binary classifier (or a pipeline ending in one).
    X_train, y_train : array-like
        Its training rows and labels.
    X_test : array-like
        The rows to predict.

    Returns
    -------
    proba : ndarray of shape (n_test,)
    fit_seconds, predict_seconds : float
    """
    _, fit_seconds = timed(lambda: model.fit(X_train, y_train))
    proba, predict_seconds = timed(lambda: model.predict_proba(X_test)[:, 1])
    return proba, fit_seconds, predict_seconds


def trainable_params(pipeline):
    final = pipeline[-1]
    if hasattr(final, "count_params"):
        return final.count_params()
    return int(final.coef_.size + np.size(final.intercept_))


def train_runs(task, models, splits, store, progress, *, seeds, sizes, random_state, tune=None):
    """Train (or take from ``store``) every (model, seed, fold) run; ``{name: [[Run per fold] per seed]}``.

    ``sizes`` holds the networks' ``epochs``, ``max_features`` and
    ``maxlen``; ``tune``, when given, is ``(candidates, folds)``: each model
    is searched first on each fold (:mod:`._tune`), and every seed trains
    the settings chosen there.
    """
    registry = task.registry
    n_seeds = {name: seeds if registry[name].kind == "rnn" else 1 for name in models}
    tunings = tune_all(task, models, splits, store, progress, sizes=sizes, random_state=random_state,
                       budget=tune) if tune else {}
    jobs = [(name, seed, fold) for name in models for seed in range(n_seeds[name]) for fold in range(len(splits))]
    all_runs = {name: [[None] * len(splits) for _ in range(n_seeds[name])] for name in models}
    spent = []
    for i, (name, seed, fold) in enumerate(jobs):
        run_name = f"{name}-seed{seed}-fold{fold}"
        run = store.get(run_name)
        where = f"[{i + 1}/{len(jobs)}] {name}, seed {random_state + seed}, fold {fold + 1}/{len(splits)}"
        if run is not None:
            progress.line(f"{where}: stored, skipped")
        else:
            left = eta(spent, jobs[i:])
            progress.line(f"{where}: fitting ({registry[name].description})"
                          + (f"; ETA {clock(left)}" if left is not None else ""))
            start = time.perf_counter()
            run = _train_one(task, name, splits[fold], store, progress, run_name, sizes=sizes,
                             seed=random_state + seed, tuning=tunings.get((name, fold)), keep=seed == 0 and fold == 0)
            spent.append((name, time.perf_counter() - start))
            progress.line(f"{where}: {task.score_line(splits[fold].y_test, run.pred)}, fit {run.fit_seconds:.1f} s"
                          f"{_trained(run.budget)}, elapsed {clock(progress.elapsed())}")
        all_runs[name][seed][fold] = run
    return all_runs


def _trained(budget):
    if not budget:
        return ""
    return f", {budget['epochs']} epochs (kept {budget['best_epoch']}) in batches of {budget['batch_size']}"


def _train_one(task, name, split, store, progress, run_name, *, sizes, seed, tuning, keep):
    """One run, trained now and stored; the first seed's first fold keeps its pipeline for the explanations."""
    from ._tune import tuned_model

    rnn = task.registry[name].kind == "rnn"
    callbacks = [progress.keras_callback(name, sizes["epochs"])] if rnn else None
    pipeline = tuned_model(make_model(name, task.name, random_state=seed, callbacks=callbacks, **sizes), tuning)
    run = fit_and_predict(pipeline, split, validates=rnn)
    run.tuning = None if tuning is None else tuning.to_json()
    if keep and task.name == "classification":
        if rnn:
            pipeline[-1].set_params(callbacks=None)  # the progress callback is not part of the model
        store.put_model(run_name, pipeline)
    store.put(run_name, run)
    return run


def tune_all(task, models, splits, store, progress, *, sizes, random_state, budget):
    """Each model's :class:`Tuning` on each fold, from the store or searched now; ``{(name, fold): Tuning}``."""
    from ._tune import Tuning, describe, tune

    candidates, folds = budget
    found = {}
    for name in models:
        for fold, split in enumerate(splits):
            key = f"tune-{name}-fold{fold}"
            stored = store.get_json(key)
            if stored is not None:
                found[name, fold] = Tuning.from_json(stored)
                continue
            progress.line(f"[tune] {name}, fold {fold + 1}/{len(splits)}: {candidates} candidates x {folds} folds "
                          "by successive halving on the fit rows")
            pipeline = make_model(name, task.name, random_state=random_state, **sizes)
            tuning = tune(pipeline, task.registry[name].kind, split, task, candidates=candidates, folds=folds,
                          random_state=random_state)
            store.put_json(key, tuning.to_json())
            progress.line(f"[tune] {name}: chose {describe(tuning.params)} (cross-validated score "
                          f"{tuning.score:.4f}) in {tuning.seconds:.0f} s")
            found[name, fold] = tuning
    return found


def eta(spent, remaining):
    """Seconds left: each remaining run at its model's mean so far (else the mean of all runs so far)."""
    if not spent:
        return None
    overall = np.mean([s for _, s in spent])
    by_model = {}
    for name, seconds in spent:
        by_model.setdefault(name, []).append(seconds)
    return float(sum(np.mean(by_model.get(name, [overall])) for name, _, _ in remaining))


def clock(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"

