"""``run_comparison``: every model trained, measured against the baseline, and reported."""

from __future__ import annotations

import numbers
import os
import tempfile
from pathlib import Path

import numpy as np

from .._compat.validation import Interval, StrOptions, validate_params
from ._blend import blend_runs, disagreement
from ._data import blend_too_small, check_holdouts, load_splits
from ._explain import explain_best
from ._registry import (
    BLEND_HOLDOUT,
    MODELS,
    RATING_MODELS,
    check_model_names,
    default_models,
    registry_for,
    resolve_sizes,
)
from ._report import write_rating_report, write_report
from ._results import RatingComparisonResult, RatingModelResult, comparison_result, training, versions
from ._runs import RunStore, fingerprint, train_runs
from ._summary import summarize, summarize_ratings

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
        "target": [StrOptions({"label", "rating"})],
        "epochs": [StrOptions({"auto"}), _COUNT],
        "max_features": [None, _COUNT],
        "maxlen": [None, _COUNT],
        "sample": [None, _COUNT],
        "out": [str, os.PathLike],
        "random_state": [numbers.Integral],
        "text_column": [str],
        "label_column": [str],
        "encoding": [str],
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
    epochs="auto",
    max_features=None,
    maxlen=None,
    sample=None,
    out="skrnn-report",
    random_state=0,
    text_column="text",
    label_column="label",
    encoding="utf-8",
    resume=True,
    ensemble=True,
    progress=None,
):
    """Train every model on the training rows, evaluate on the test rows, write a report.

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
        Without ``test`` or ``cv``: a stratified hold-out of your data.
    cv : int, default=None
        Stratified K-fold cross-validation of your data instead.
    seeds : int, default=1
        Train each recurrent model this many times (``random_state``,
        ``random_state + 1``, ...); the report gives mean ± standard
        deviation.
    models : sequence of str, default=None
        Names from :data:`MODELS` (:data:`RATING_MODELS` with
        ``target="rating"``); at least one TF-IDF baseline. ``None`` is
        :data:`DEFAULT_MODELS` (:data:`DEFAULT_RATING_MODELS`).
    target : {"label", "rating"}, default="label"
        Classify the labels, or, on IMDB, predict each review's star rating
        (1-4 and 7-10) with regressors against TF-IDF + Ridge: RMSE, MAE,
        R² and the accuracy of the rating's side of 5.5 as sentiment, with
        the same seeds and uncertainty (:class:`RatingComparisonResult`).
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
    resume : bool, default=True
    ensemble : bool, default=True
        Add a row that blends the best recurrent and the best TF-IDF
        pipeline (see docs/user-guide.md), and report how often the two
        disagree and which is right then.
    progress : skrnn._progress.Progress or None
        Where progress goes (default: a bar on a terminal, lines otherwise).

    Returns
    -------
    result : ComparisonResult or RatingComparisonResult
    """
    from .._progress import Progress

    registry = registry_for(target)
    models = check_model_names(default_models(target) if models is None else models, target)
    baselines = [m for m in models if registry[m].kind == "tfidf"]
    if not baselines:
        example = "tfidf-ridge" if target == "rating" else "tfidf-bigram"
        raise ValueError(f"the comparison needs at least one TF-IDF baseline among --models (e.g. {example}).")
    progress = progress or Progress()
    out = Path(out)
    _check_writable(out)
    splits, described = load_splits(
        data, test=test, test_size=test_size, cv=cv, sample=sample, random_state=random_state,
        text_column=text_column, label_column=label_column, encoding=encoding, target=target,
    )
    # Every cheap check before the first model trains.
    optional = _OptionalSteps(progress)
    too_small = None
    if target == "label" and any(registry[m].kind == "rnn" for m in models):
        check_holdouts(splits)
        too_small = blend_too_small(splits) if ensemble else None
    progress.line(described + ".")
    max_features, maxlen, sized = resolve_sizes(splits[0].X_train, max_features=max_features, maxlen=maxlen)
    progress.line(f"Recurrent models: {sized}.")
    if too_small:
        ensemble = False
        optional.warn(f"The blend is left out: {too_small}.")
    settings = {"data": str(data) if data is not None else None, "test": str(test) if test is not None else None,
                "test_size": test_size, "cv": cv, "seeds": seeds, "models": list(models), "target": target,
                "epochs": epochs, "max_features": max_features, "maxlen": maxlen, "sizes": sized,
                "sample": sample, "random_state": random_state}
    # Runs are named by model, seed and fold, so adding models or seeds reuses the finished ones.
    run_settings = {k: v for k, v in settings.items() if k not in ("models", "seeds")}
    key = fingerprint(splits, {**run_settings, "skrnn": versions()["skrnn"]})
    store = RunStore(out, key, resume=resume)
    all_runs = train_runs(registry, target, models, splits, store, progress, seeds=seeds, epochs=epochs,
                           max_features=max_features, maxlen=maxlen, random_state=random_state)
    if target == "rating":
        return _finish_rating_comparison(all_runs, splits, baselines, settings, described, out, progress)

    figures, baseline = summarize(all_runs, splits, baselines)
    rnn_names = [m for m in models if MODELS[m].kind == "rnn"]
    result = comparison_result(all_runs, figures, baseline, splits, settings, described)
    # The table and results.json first: no optional step below can cost them.
    write_report(result, out, plots=False)
    extra_descriptions, agreement = {}, None
    if ensemble and rnn_names:
        best_rnn = max(rnn_names, key=lambda n: np.mean(figures[n]["accuracy"]))
        blended = optional.run(
            "the blend", "rerun with --no-ensemble to leave it out",
            lambda: blend_runs(store, progress, all_runs, splits, best_rnn, baseline, epochs=epochs,
                                max_features=max_features, maxlen=maxlen, random_state=random_state),
        )
        if blended is not None:
            blend_name, runs = blended
            all_runs[blend_name] = [runs]
            figures, baseline = summarize(all_runs, splits, baselines)
            extra_descriptions = {blend_name: (
                f"{best_rnn} (first seed) and {baseline}, their log-probabilities weighed by a logistic "
                f"regression learnt on {BLEND_HOLDOUT:.0%} of the training rows from copies trained on the other "
                f"{1 - BLEND_HOLDOUT:.0%}", "blend")}
            agreement = {"first": best_rnn, "second": baseline,
                         **disagreement(all_runs[best_rnn], all_runs[baseline], splits)}

    explanations = None
    if rnn_names:
        best_rnn = max(rnn_names, key=lambda n: np.mean(figures[n]["accuracy"]))
        progress.line(f"[explain] {best_rnn}'s top tokens and misclassified test rows (integrated gradients)")
        explanations = optional.run(
            "the explanations", "the table and verdicts above do not depend on them",
            lambda: explain_best(store, best_rnn, baseline, splits[0], all_runs[best_rnn][0][0]),
        )

    comparison = comparison_result(all_runs, figures, baseline, splits, settings, described,
                                    extra_descriptions=extra_descriptions, disagreement=agreement,
                                    explanations=explanations, warnings=optional.warnings)
    write_report(comparison, out, all_runs, splits)
    progress.line(f"Report written to {out}/")
    return comparison


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


def _finish_rating_comparison(all_runs, splits, baselines, settings, described, out, progress):
    """The rating figures, the result and its report."""
    figures, baseline = summarize_ratings(all_runs, splits, baselines)
    results = []
    for name, runs in all_runs.items():
        fig, first = figures[name], runs[0][0]
        results.append(RatingModelResult(
            name=name, description=RATING_MODELS[name].description, kind=RATING_MODELS[name].kind,
            rmse=fig["rmse"], mae=fig["mae"], r2=fig["r2"], sign_accuracy=fig["sign_accuracy"],
            fit_seconds=fig["fit_seconds"], predict_seconds=fig["predict_seconds"],
            peak_rss_mib=fig["peak_rss_mib"], trainable_params=first.get("trainable_params"), training=training(runs),
            vs_baseline=fig.get("vs_baseline"), history=first.get("history", {}),
        ))
    comparison = RatingComparisonResult(
        settings=settings, versions=versions(), data=described, n_train=len(splits[0].y_train),
        n_test=len(splits[0].y_test), baseline=baseline, models=results,
    )
    write_rating_report(comparison, out, all_runs, splits)
    progress.line(f"Report written to {out}/")
    return comparison
