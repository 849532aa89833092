"""``run_comparison``: every model trained on the same rows, measured against the baseline, and reported."""

from __future__ import annotations

import numbers
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._compat.validation import Interval, StrOptions, validate_params
from ._blend import blend_runs, disagreement
from ._data import blend_too_small, carve_validation, load_splits, resolve_target
from ._explain import explain_best
from ._registry import VALIDATION_FRACTION, check_model_names, resolve_sizes
from ._report import write_report
from ._results import ComparisonResult, summarize, versions
from ._runs import RunStore, fingerprint, train_runs
from ._tasks import RATING_MIDPOINT, best_network, task_for
from ._tune import TUNE_FOLDS

__all__ = ["run_comparison"]


_COUNT = Interval(numbers.Integral, 1, None, closed="left")


@validate_params(
    {
        "data": [None, str, os.PathLike],
        "test": [None, str, os.PathLike],
        "test_size": [Interval(numbers.Real, 0, 1, closed="neither")],
        "cv": [None, Interval(numbers.Integral, 2, None, closed="left")],
        "seeds": [_COUNT],
        "models": [None, list, tuple],
        "target": [str],
        "task": [None, StrOptions({"classification", "regression"})],
        "epochs": [StrOptions({"auto"}), _COUNT],
        "max_features": [None, _COUNT],
        "maxlen": [None, _COUNT],
        "sample": [None, _COUNT],
        "out": [str, os.PathLike],
        "random_state": [numbers.Integral],
        "text_column": [str],
        "label_column": [str],
        "encoding": [str],
        "delimiter": [None, str],
        "tune": [None, _COUNT],
        "tune_folds": [Interval(numbers.Integral, 2, None, closed="left")],
        "resume": ["boolean"],
        "ensemble": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def run_comparison(
    *,
    data=None,
    test=None,
    test_size=0.2,
    cv=None,
    seeds=1,
    models=None,
    target="label",
    task=None,
    epochs="auto",
    max_features=None,
    maxlen=None,
    sample=None,
    out="skrnn-report",
    random_state=0,
    text_column="text",
    label_column="label",
    encoding="utf-8",
    delimiter=None,
    tune=None,
    tune_folds=TUNE_FOLDS,
    resume=True,
    ensemble=True,
    progress=None,
):
    """Train every model on the same training rows, evaluate on the test rows, write a report.

    Each split's training rows lose ``VALIDATION_FRACTION`` of their rows
    (stratified for classes, seeded with ``random_state``) to validation:
    every model trains on the rest, the networks stop on the validation rows
    and the blend learns its weights there. The report states the rows.

    Parameters
    ----------
    data : str or path-like, default=None
        IMDB (an aclImdb folder, a folder holding one, or a ``.tar.gz``
        archive; ``None`` uses :func:`skrnn.datasets.get_data_home`), or
        your own labelled texts: a CSV, TSV, JSON Lines or Parquet file, or
        a folder with one subfolder per class
        (:func:`skrnn.datasets.load_text_dataset`).
    test : str or path-like, default=None
        A separate test set for your own data, in the same forms.
    test_size : float, default=0.2
        Without ``test`` or ``cv``: a hold-out of your data (stratified for
        classes).
    cv : int, default=None
        K-fold cross-validation of your data instead (stratified for
        classes).
    seeds : int, default=1
        Train each recurrent model this many times (``random_state``,
        ``random_state + 1``, ...); the report gives mean ± standard
        deviation.
    models : sequence of str, default=None
        Names from :data:`MODELS` (:data:`RATING_MODELS` for a numeric
        target); at least one TF-IDF baseline. ``None`` is
        :data:`DEFAULT_MODELS` (:data:`DEFAULT_RATING_MODELS`).
    target : str, default="label"
        What to predict. ``"label"``: classify ``label_column``.
        ``"rating"`` on IMDB: each review's star rating (1-4 and 7-10),
        with regressors against TF-IDF + Ridge: RMSE, MAE, R² and the
        accuracy of the rating's side of 5.5 as sentiment, with the same
        seeds and uncertainty. Any other name (``"rating"`` too, on your own
        data) is a column of your file to predict as a number.
    task : {"classification", "regression"} or None, default=None
        Overrides what ``target`` implies: ``"regression"`` with
        ``target="label"`` predicts ``label_column`` as a number;
        ``"classification"`` with a column name classifies that column.
    epochs : int or "auto", default="auto"
        RNN training epochs; ``"auto"`` trains each network until its
        validation loss stops improving (the estimators' ``epochs="auto"``).
    max_features, maxlen : int or None, default=None
        RNN vocabulary size and padded length (bigram models:
        ``BIGRAM_VOCABULARY_FACTOR`` times the vocabulary and twice the
        length, since words and bigrams share both). ``None`` sizes them from
        the training texts (:func:`resolve_sizes`); the report gives the
        values used.
    sample : int or None
        Use a stratified sample of this many training (and as many test)
        rows.
    out : str or path-like
        Report folder: ``results.json``, ``report.md`` and PNG plots, written
        to a temporary folder and moved in only when the whole run has
        finished. Each finished (model, seed, fold) run is kept in
        ``out/.runs/``, under a fingerprint of the data and the settings, so a
        rerun skips it (``resume=False`` redoes it); Ctrl-C loses at most the
        run in progress.
    random_state : int
        Seed of the sampling, the splits and the first network.
    text_column, label_column, encoding : str
        How to read your own data.
    delimiter : str or None, default=None
        A CSV file's field separator; ``None`` sniffs it.
    tune : int or None, default=None
        Tune every model, TF-IDF baselines and networks alike, by the same
        protocol and budget before it trains: successive halving over this
        many random candidates (``HalvingRandomSearchCV``), each scored by
        ``tune_folds``-fold cross-validation of the fit rows. The baselines
        search the n-gram range, ``min_df`` and ``C``; the networks their
        width, embedding size, dropout and bidirectionality. The report
        gives the settings chosen and the search's seconds. ``None``: every
        model at its defaults, and the report says so.
    tune_folds : int, default=3
    resume : bool, default=True
    ensemble : bool, default=True
        Add a row that blends the best recurrent and the best TF-IDF
        pipeline (see docs/user-guide.md), and report how often the two
        disagree and which is right then.
    progress : skrnn._progress.Progress or None
        Where progress goes (default: a bar on a terminal, lines otherwise).

    Returns
    -------
    result : ComparisonResult
    """
    args = dict(locals())  # the parameters as given, for the plan
    from .._progress import Progress

    progress = progress or Progress()
    optional = _OptionalSteps(progress)
    plan = _plan(args, optional)
    progress.line(plan.described + ".")
    if plan.networks:
        progress.line(f"Recurrent models: {plan.settings['sizes']}.")
    # Runs are named by model, seed and fold, so adding models or seeds reuses the finished ones.
    run_settings = {k: v for k, v in plan.settings.items() if k not in ("models", "seeds")}
    store = RunStore(plan.out, fingerprint(plan.splits, {**run_settings, "skrnn": versions()["skrnn"]}),
                     resume=resume)
    all_runs = train_runs(plan.task, plan.models, plan.splits, store, progress, seeds=seeds, sizes=plan.sizes,
                          random_state=random_state, tune=plan.tune)
    # The table and results.json first: no optional step below can cost them.
    first = _result(plan, all_runs)
    write_report(first, plan.out, plots=False)
    extra = _blend_and_explain(plan, first, all_runs, store, progress, optional) \
        if plan.classifies_with_networks else {}
    comparison = _result(plan, all_runs, warnings=optional.warnings, **extra)
    write_report(comparison, plan.out, all_runs, plan.splits)
    progress.line(f"Report written to {plan.out}/")
    return comparison


@dataclass
class _Plan:
    """A comparison's settings, resolved and checked before anything trains."""

    goal: object
    task: object
    models: list
    baselines: list
    networks: list
    splits: list
    described: str
    out: Path
    ensemble: bool
    sizes: dict
    tune: tuple | None
    settings: dict
    described_models: dict = field(default_factory=dict)

    @property
    def classifies_with_networks(self):
        return self.goal.task == "classification" and bool(self.networks)


def _plan(args, optional):
    """Resolve what to predict, the models, the rows and the sizes; every cheap check before training."""
    goal = resolve_target(args["data"], args["target"], args["task"], args["label_column"])
    task = task_for(goal.task, midpoint=RATING_MIDPOINT if goal.imdb_ratings else None)
    models = check_model_names(task.default_models if args["models"] is None else args["models"], goal.task)
    baselines = [m for m in models if task.registry[m].kind == "tfidf"]
    if not baselines:
        example = "tfidf-ridge" if goal.task == "regression" else "tfidf-bigram"
        raise ValueError(f"the comparison needs at least one TF-IDF baseline among --models (e.g. {example}).")
    out = Path(args["out"])
    _check_writable(out)
    splits, described = load_splits(
        args["data"], target=goal, test=args["test"], test_size=args["test_size"], cv=args["cv"],
        sample=args["sample"], random_state=args["random_state"], text_column=args["text_column"],
        encoding=args["encoding"], delimiter=args["delimiter"],
    )
    carve_validation(splits, task, args["random_state"])
    networks = [m for m in models if task.registry[m].kind == "rnn"]
    ensemble = args["ensemble"] and goal.task == "classification" and bool(networks)
    too_small = blend_too_small(splits) if ensemble else None
    if too_small:
        ensemble = False
        optional.warn(f"The blend is left out: {too_small}.")
    max_features, maxlen, sized = resolve_sizes(splits[0].X_fit, max_features=args["max_features"],
                                                maxlen=args["maxlen"])
    tune = (args["tune"], args["tune_folds"]) if args["tune"] else None
    settings = {k: str(args[k]) if args[k] is not None else None for k in ("data", "test")}
    settings.update({k: args[k] for k in ("test_size", "cv", "seeds", "target", "epochs", "sample", "random_state")})
    settings.update(models=list(models), task=goal.task, column=goal.column, max_features=max_features,
                    maxlen=maxlen, sizes=sized, validation_fraction=VALIDATION_FRACTION,
                    tune=None if tune is None else {"candidates": tune[0], "folds": tune[1]})
    return _Plan(goal=goal, task=task, models=models, baselines=baselines, networks=networks, splits=splits,
                 described=described, out=out, ensemble=ensemble, tune=tune, settings=settings,
                 sizes={"epochs": args["epochs"], "max_features": max_features, "maxlen": maxlen},
                 described_models={m: (task.registry[m].description, task.registry[m].kind) for m in models})


def _result(plan, all_runs, **extra):
    """The :class:`ComparisonResult` of the runs so far."""
    found, baseline = summarize(plan.task, all_runs, plan.splits, plan.baselines, plan.described_models)
    splits = plan.splits
    y = np.concatenate([np.asarray(s.y_test) for s in splits])
    regression = plan.goal.task == "regression"
    return ComparisonResult(
        task=plan.goal.task, settings=plan.settings, versions=versions(), data=plan.described,
        rows={"fit": len(splits[0].y_fit), "validation": len(splits[0].y_val), "test": len(splits[0].y_test),
              "folds": len(splits)},
        n_train=int(np.mean([len(s.y_train) for s in splits])), n_test=sum(len(s.y_test) for s in splits),
        classes=[] if regression else [c.item() if hasattr(c, "item") else c for c in np.unique(y)],
        baseline=baseline, models=found, midpoint=plan.task.midpoint if regression else None, **extra,
    )


def _blend_and_explain(plan, comparison, all_runs, store, progress, optional):
    """The blend's row (added to ``all_runs``), the disagreement, and the explanations; each may fail alone.

    ``comparison`` is the result of the runs so far: its baseline and its
    best network are the two blended and explained.
    """
    baseline = comparison.baseline
    best_rnn = best_network(comparison, "accuracy", max).name
    extra = {}
    if plan.ensemble:
        blended = optional.run("the blend", "rerun with --no-ensemble to leave it out",
                               lambda: blend_runs(all_runs, plan.splits, best_rnn, baseline))
        if blended is not None:
            progress.line(f"[blend] {best_rnn} + {baseline}: weights learnt on the validation rows, seed by seed")
            blend_name = f"blend({best_rnn}+{baseline})"
            all_runs[blend_name] = blended
            plan.described_models[blend_name] = (
                f"{best_rnn} and {baseline}, their log-probabilities pooled with two weights fitted on the "
                "validation rows (one blend per seed of the network)", "blend")
            extra["disagreement"] = {"first": best_rnn, "second": baseline,
                                     **disagreement(all_runs[best_rnn], all_runs[baseline], plan.splits)}
    progress.line(f"[explain] {best_rnn}'s top tokens and misclassified test rows (integrated gradients)")
    extra["explanations"] = optional.run(
        "the explanations", "the table and verdicts above do not depend on them",
        lambda: explain_best(store, best_rnn, baseline, plan.splits[0], all_runs[best_rnn][0][0]),
    )
    return extra


def _check_writable(out):
    """Refuse an ``out`` folder that cannot be written, before anything trains (and without creating it)."""
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    reason = None
    if not existing.is_dir():
        reason = f"{existing} is a file, not a folder"
    elif existing == out:
        try:
            with tempfile.TemporaryFile(dir=out):
                pass
        except OSError as exc:
            reason = exc.strerror or str(exc)
    elif not os.access(existing, os.W_OK | os.X_OK):
        reason = f"{existing} cannot be written to"
    if reason:
        raise ValueError(f"--out {out} is not writable ({reason}); choose a folder you can write to.")


class _OptionalSteps:
    """Runs the steps a report can do without; one that fails leaves a warning, not a lost report."""

    def __init__(self, progress):
        self.progress = progress
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)
        self.progress.line(f"warning: {message}")

    def run(self, what, advice, step):
        try:
            return step()
        except Exception as exc:  # noqa: BLE001 - any failure of an optional step is reported, not raised
            message = f"{what} failed and {'is' if what.startswith('the') else 'are'} left out " \
                      f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no message'}); {advice}."
            self.warnings.append(message[0].upper() + message[1:])
            self.progress.line(f"warning: {message}")
            return None
