"""``skrnn compare``: RNN pipelines against TF-IDF baselines on IMDB.

:func:`run_comparison` is the library form; ``skrnn compare`` (see
``skrnn._cli``) is the command line around it. It compares classifiers on
labels (:data:`MODELS`), or, with ``target="rating"``, regressors on IMDB's
star ratings against TF-IDF + Ridge (:data:`RATING_MODELS`).
"""

from __future__ import annotations

import json
import numbers
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from ._comparison import peak_rss_mib, reset_peak_rss
from ._compat.validation import Interval, StrOptions, validate_params
from ._plots import plot_history
from ._stats import bootstrap_difference, corrected_resampled_ttest, mcnemar_test, paired_bootstrap

__all__ = [
    "MODELS",
    "DEFAULT_MODELS",
    "RATING_MODELS",
    "DEFAULT_RATING_MODELS",
    "RatingComparisonResult",
    "ModelSpec",
    "check_model_names",
    "make_model",
    "run_comparison",
    "ComparisonResult",
    "resolve_sizes",
    "timed",
    "timed_fit_predict",
    "plot_history",
    "paired_bootstrap",
    "bootstrap_difference",
    "mcnemar_test",
    "corrected_resampled_ttest",
    "peak_rss_mib",
    "reset_peak_rss",
]

#: Bigram models share the vocabulary and the sequence between words and
#: bigrams: they get this many times ``max_features``, and twice ``maxlen``.
BIGRAM_VOCABULARY_FACTOR = 6
#: Sizes from the data (:func:`resolve_sizes`): the vocabulary is every token in
#: at least ``MIN_DF`` training texts, as the TF-IDF baselines' ...
MIN_DF = 2
#: ... and ``maxlen`` this percentile of the training texts' token counts ...
MAXLEN_PERCENTILE = 95
#: ... at most this: longer sequences cost time in proportion and added no
#: accuracy on IMDB (maxlen 1000 against 500, docs/benchmarks.md).
MAXLEN_CAP = 500


@dataclass(frozen=True)
class ModelSpec:
    """One model of the registry: what it is, its kind and how to build it.

    Attributes
    ----------
    description : str
        One line for reports and ``--help``.
    kind : {"tfidf", "rnn"}
        A TF-IDF baseline or a recurrent pipeline (which trains for epochs
        and reports a history). In :data:`RATING_MODELS` they are
        regressors.
    build : callable
        ``build(epochs=..., max_features=..., maxlen=..., random_state=...,
        callbacks=..., validation_split=...)`` -> an unfitted ``Pipeline``;
        a TF-IDF baseline ignores the recurrent settings. ``max_features``
        is the word vocabulary's size (bigram models get
        ``BIGRAM_VOCABULARY_FACTOR`` times it); None keeps every word in
        ``MIN_DF`` training texts.
    """

    description: str
    kind: str
    build: Callable = field(repr=False)


#: The share of the training rows the recurrent models hold out for validation (early stopping, curves).
RNN_VALIDATION_SPLIT = 0.1
#: The share of the training rows the blend learns its weights on, and the fewest rows of a class it needs.
BLEND_HOLDOUT, BLEND_MIN_CLASS_ROWS = 0.2, 5


def _tfidf(ngram_range, C):
    def build(**_):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        return make_pipeline(
            TfidfVectorizer(ngram_range=ngram_range, min_df=2, sublinear_tf=True),
            LogisticRegression(C=C, max_iter=1000),
        )

    return build


def _ridge(ngram_range):
    def build(**_):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import RidgeCV
        from sklearn.pipeline import make_pipeline

        return make_pipeline(
            TfidfVectorizer(ngram_range=ngram_range, min_df=2, sublinear_tf=True),
            RidgeCV(alphas=RIDGE_ALPHAS, cv=RIDGE_FOLDS),
        )

    return build


#: The penalties RidgeCV chooses from, by K-fold cross-validation on the training rows (its
#: default leave-one-out would build and decompose an n x n Gram matrix: 5 GB and an hour for
#: IMDB's 25,000 reviews, where a sparse Ridge fit takes a second).
RIDGE_ALPHAS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
RIDGE_FOLDS = 5


def _rnn(estimator, *, bidirectional=False, bigrams=False):
    def build(*, epochs="auto", max_features=None, maxlen=MAXLEN_CAP, random_state=0, callbacks=None,
              validation_split=RNN_VALIDATION_SPLIT):
        from sklearn.pipeline import make_pipeline

        import skrnn

        if bigrams:
            vectorizer = skrnn.TextVectorizer(
                max_features=None if max_features is None else max_features * BIGRAM_VOCABULARY_FACTOR,
                ngram_range=(1, 2), min_df=MIN_DF,
            )
            maxlen = 2 * maxlen
        else:
            vectorizer = skrnn.TextVectorizer(max_features=max_features, min_df=MIN_DF)
        extra = {"bidirectional": True} if bidirectional else {}
        return make_pipeline(
            vectorizer,
            skrnn.SequencePadder(maxlen=maxlen),
            getattr(skrnn, estimator)(
                epochs=epochs, validation_split=validation_split, random_state=random_state,
                callbacks=callbacks, **extra,
            ),
        )

    return build


def _recurrent_models(kind):
    """The recurrent entries of a registry: ``kind`` is ``"Classifier"`` or ``"Regressor"``, under the same names."""
    pipe = "TextVectorizer -> SequencePadder -> "
    return {
        "simple_rnn": ModelSpec(f"{pipe}SimpleRNN{kind}", "rnn", _rnn(f"SimpleRNN{kind}")),
        "lstm": ModelSpec(f"{pipe}LSTM{kind}", "rnn", _rnn(f"LSTM{kind}")),
        "gru": ModelSpec(f"{pipe}GRU{kind}", "rnn", _rnn(f"GRU{kind}")),
        "bilstm": ModelSpec(f"{pipe}LSTM{kind}(bidirectional=True)", "rnn", _rnn(f"LSTM{kind}", bidirectional=True)),
        "lstm-bigrams": ModelSpec(
            f"TextVectorizer(ngram_range=(1, 2)) -> SequencePadder -> LSTM{kind} "
            "(words and bigrams: 6x the vocabulary, 2x maxlen)", "rnn", _rnn(f"LSTM{kind}", bigrams=True)),
    }


#: Every model ``skrnn compare`` can train, by name.
MODELS = {
    "tfidf-unigram": ModelSpec(
        "TF-IDF (unigrams, min_df=2, sublinear tf) + LogisticRegression(C=4)", "tfidf", _tfidf((1, 1), 4)),
    "tfidf-bigram": ModelSpec(
        "TF-IDF (1-2-grams, min_df=2, sublinear tf) + LogisticRegression(C=10)", "tfidf", _tfidf((1, 2), 10)),
    **_recurrent_models("Classifier"),
}
DEFAULT_MODELS = ("tfidf-unigram", "tfidf-bigram", "simple_rnn", "lstm", "lstm-bigrams")

#: Every model ``skrnn compare --target rating`` can train, by name: regressors of the star rating.
RATING_MODELS = {
    "tfidf-ridge-unigram": ModelSpec(
        "TF-IDF (unigrams, min_df=2, sublinear tf) + RidgeCV (alpha by 5-fold CV)", "tfidf", _ridge((1, 1))),
    "tfidf-ridge": ModelSpec(
        "TF-IDF (1-2-grams, min_df=2, sublinear tf) + RidgeCV (alpha by 5-fold CV)", "tfidf", _ridge((1, 2))),
    **_recurrent_models("Regressor"),
}
DEFAULT_RATING_MODELS = ("tfidf-ridge", "lstm", "lstm-bigrams")

#: The registry and default models of each ``target``.
_REGISTRIES = {"label": (MODELS, DEFAULT_MODELS), "rating": (RATING_MODELS, DEFAULT_RATING_MODELS)}


def _registry(target):
    if target not in _REGISTRIES:
        raise ValueError(f"target must be 'label' or 'rating', got {target!r}.")
    return _REGISTRIES[target][0]


def check_model_names(names, target="label"):
    """Return ``names`` as a list, or raise ``ValueError`` naming the unknown ones.

    Parameters
    ----------
    names : iterable of str
        Model names, each a key of :data:`MODELS` (or of
        :data:`RATING_MODELS` with ``target="rating"``).
    target : {"label", "rating"}, default="label"

    Returns
    -------
    names : list of str

    Examples
    --------
    >>> check_model_names(["lstm", "tfidf-bigram"])
    ['lstm', 'tfidf-bigram']
    """
    registry = _registry(target)
    names = list(names)
    unknown = [name for name in names if name not in registry]
    if unknown or not names:
        raise ValueError(
            f"unknown model(s) {', '.join(unknown) or '(none)'}"
            + (f" for --target {target}" if target != "label" else "")
            + f"; choose from {', '.join(registry)}"
        )
    return names


def make_model(name, target="label", **settings):
    """Build the pipeline ``skrnn compare`` trains under ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`MODELS` (or of :data:`RATING_MODELS`).
    target : {"label", "rating"}, default="label"
        Which registry ``name`` is from.
    **settings
        ``epochs``, ``max_features``, ``maxlen``, ``random_state``,
        ``callbacks``, ``validation_split`` (recurrent models only).

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted.
    """
    (name,) = check_model_names([name], target)
    return _registry(target)[name].build(**settings)


def timed(fn):
    """Call ``fn()``; return its result and the seconds it took (``time.perf_counter``)."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


@dataclass
class ModelResult:
    """One model's figures over its seeds (and folds).

    ``accuracy`` and ``macro_f1`` hold one value per seed; ``vs_baseline``
    compares the model with the strongest TF-IDF baseline on the same test
    rows (absent for that baseline itself).
    """

    name: str
    description: str
    kind: str
    accuracy: list
    macro_f1: list
    roc_auc: list | None
    per_class: dict
    fit_seconds: float
    predict_seconds: float
    peak_rss_mib: float | None
    trainable_params: int | None
    vs_baseline: dict | None = None
    history: dict = field(default_factory=dict)
    fold_accuracy: list = field(default_factory=list)
    training: list = field(default_factory=list)

    @property
    def mean_accuracy(self):
        return float(np.mean(self.accuracy))


@dataclass
class ComparisonResult:
    """Everything ``skrnn compare`` measured; ``table()`` is the Markdown table."""

    settings: dict
    versions: dict
    data: str
    n_train: int
    n_test: int
    classes: list
    baseline: str
    models: list
    disagreement: dict | None = None
    explanations: dict | None = None
    warnings: list = field(default_factory=list)

    def table(self):
        """The results as a Markdown table: mean ± standard deviation over seeds."""
        binary = len(self.classes) == 2
        cv = bool(self.settings.get("cv"))
        head = ["model", "accuracy", "macro-F1"] + (["ROC AUC"] if binary else []) + [
            f"vs {self.baseline} (95% CI)", "McNemar p"] + (["t-test p"] if cv else []) + [
            "fit s", "predict s", "peak MiB"]
        rows = []
        for m in self.models:
            cells = [m.name, _spread(m.accuracy), _spread(m.macro_f1)]
            if binary:
                cells.append(_spread(m.roc_auc) if m.roc_auc else "-")
            vs = m.vs_baseline
            if vs is None:
                cells += ["(baseline)", "-"] + (["-"] if cv else [])
            else:
                cells.append(f"{100 * vs['difference']:+.2f} ({100 * vs['low']:+.2f} to {100 * vs['high']:+.2f})")
                cells.append(_p(vs["mcnemar_p"]))
                if cv:
                    cells.append(f"{vs['t_test_p']:.3g}")
            rows.append(cells + _cost_cells(m))
        return _markdown_table(head, rows)

    def verdicts(self):
        """One sentence per model against the baseline."""
        return _verdicts(self.models)


@dataclass
class RatingModelResult:
    """One rating model's figures: one value per seed of each metric; ``vs_baseline`` as in the table."""

    name: str
    description: str
    kind: str
    rmse: list
    mae: list
    r2: list
    sign_accuracy: list
    fit_seconds: float
    predict_seconds: float
    peak_rss_mib: float | None
    trainable_params: int | None
    vs_baseline: dict | None = None
    history: dict = field(default_factory=dict)
    training: list = field(default_factory=list)


@dataclass
class RatingComparisonResult:
    """What ``skrnn compare --target rating`` measured; ``table()`` is the Markdown table."""

    settings: dict
    versions: dict
    data: str
    n_train: int
    n_test: int
    baseline: str
    models: list

    def table(self):
        """The results as a Markdown table: mean ± standard deviation over seeds."""
        head = ["model", "RMSE", "MAE", "R²", "sentiment accuracy", f"RMSE vs {self.baseline} (95% CI)",
                "t-test p", "sentiment vs baseline (95% CI)", "fit s", "predict s", "peak MiB"]
        rows = []
        for m in self.models:
            cells = [m.name, _spread(m.rmse), _spread(m.mae), _spread(m.r2), _spread(m.sign_accuracy)]
            vs = m.vs_baseline
            if vs is None:
                cells += ["(baseline)", "-", "-"]
            else:
                cells += [f"{vs['rmse_difference']:+.3f} ({vs['low']:+.3f} to {vs['high']:+.3f})",
                          f"{vs['t_test_p']:.3g}",
                          f"{100 * vs['sign_difference']:+.2f} ({100 * vs['sign_low']:+.2f} to "
                          f"{100 * vs['sign_high']:+.2f})"]
            rows.append(cells + _cost_cells(m))
        return _markdown_table(head, rows)

    def verdicts(self):
        """One sentence per model against the baseline, on RMSE."""
        return _verdicts(self.models)


def _markdown_table(head, rows):
    """A Markdown table: the first column left-aligned, the others right-aligned."""
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    return "\n".join(lines + ["| " + " | ".join(cells) + " |" for cells in rows])


def _cost_cells(m):
    """A model's fit and predict seconds and peak memory, as table cells."""
    return [f"{m.fit_seconds:.1f}", f"{m.predict_seconds:.1f}",
            "-" if m.peak_rss_mib is None else f"{m.peak_rss_mib:,.0f}"]


def _verdicts(models):
    return [m.vs_baseline["verdict"] for m in models if m.vs_baseline]


def _spread(values):
    values = np.asarray(values, dtype=float)
    if values.size == 1:
        return f"{values[0]:.4f}"
    return f"{values.mean():.4f} ± {values.std(ddof=1):.4f}"


def _p(values):
    values = np.asarray(values, dtype=float)
    if values.size == 1:
        return f"{values[0]:.3g}"
    return f"{np.median(values):.3g} (median of {values.size})"


def timed_fit_predict(model, X_train, y_train, X_test):
    """Fit, then ``predict_proba`` of the positive class; with both durations.

    Returns
    -------
    proba : ndarray of shape (n_test,)
    fit_seconds, predict_seconds : float
    """
    _, fit_seconds = timed(lambda: model.fit(X_train, y_train))
    proba, predict_seconds = timed(lambda: model.predict_proba(X_test)[:, 1])
    return proba, fit_seconds, predict_seconds


def _trainable_params(pipeline):
    final = pipeline[-1]
    if hasattr(final, "count_params"):
        return final.count_params()
    return int(final.coef_.size + np.size(final.intercept_))


def _versions():
    import sklearn

    from . import __version__

    versions = {"python": platform.python_version(), "skrnn": __version__, "scikit-learn": sklearn.__version__,
                "numpy": np.__version__}
    for name in ("keras", "tensorflow", "scikeras"):
        module = sys.modules.get(name)
        if module is not None:
            versions[name] = getattr(module, "__version__", "?")
    return versions


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
    from ._comparison import RunStore, disagreement, fingerprint, load_splits, summarize
    from ._progress import Progress

    registry = _registry(target)
    models = check_model_names(_REGISTRIES[target][1] if models is None else models, target)
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
        _check_holdouts(splits)
        too_small = _blend_too_small(splits) if ensemble else None
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
    key = fingerprint(splits, {**run_settings, "skrnn": _versions()["skrnn"]})
    store = RunStore(out, key, resume=resume)
    all_runs = _train_runs(registry, target, models, splits, store, progress, seeds=seeds, epochs=epochs,
                           max_features=max_features, maxlen=maxlen, random_state=random_state)
    if target == "rating":
        return _finish_rating_comparison(all_runs, splits, baselines, settings, described, out, progress)

    figures, baseline = summarize(all_runs, splits, baselines)
    rnn_names = [m for m in models if MODELS[m].kind == "rnn"]
    result = _comparison_result(all_runs, figures, baseline, splits, settings, described)
    # The table and results.json first: no optional step below can cost them.
    write_report(result, out, plots=False)
    extra_descriptions, agreement = {}, None
    if ensemble and rnn_names:
        best_rnn = max(rnn_names, key=lambda n: np.mean(figures[n]["accuracy"]))
        blended = optional.run(
            "the blend", "rerun with --no-ensemble to leave it out",
            lambda: _blend_runs(store, progress, all_runs, splits, best_rnn, baseline, epochs=epochs,
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
            lambda: _explanations(store, best_rnn, baseline, splits[0], all_runs[best_rnn][0][0]),
        )

    comparison = _comparison_result(all_runs, figures, baseline, splits, settings, described,
                                    extra_descriptions=extra_descriptions, disagreement=agreement,
                                    explanations=explanations, warnings=optional.warnings)
    write_report(comparison, out, all_runs, splits)
    progress.line(f"Report written to {out}/")
    return comparison


def resolve_sizes(texts, *, max_features=None, maxlen=None):
    """The recurrent models' vocabulary size and padded length, from the training texts where not given.

    Parameters
    ----------
    texts : list of str
        The training texts (of the first split under ``cv``).
    max_features, maxlen : int or None
        Given values are kept. ``max_features=None`` is the number of words
        in at least ``MIN_DF`` texts; ``maxlen=None`` the
        ``MAXLEN_PERCENTILE``-th percentile of the texts' token counts,
        between 1 and ``MAXLEN_CAP``.

    Returns
    -------
    max_features, maxlen : int
    described : str
        One line saying what was resolved and from what.

    Examples
    --------
    >>> from skrnn.compare import resolve_sizes
    >>> resolve_sizes(["a good film", "a bad film", "good"] * 2)[:2]
    (4, 3)
    """
    from ._text import TextVectorizer

    given = {"max_features": max_features, "maxlen": maxlen}
    parts = []
    if max_features is None:
        try:
            max_features = len(TextVectorizer(min_df=MIN_DF).fit(texts).vocabulary_)
        except ValueError:
            raise ValueError(
                f"no word is in at least {MIN_DF} of the {len(texts)} training texts, so the recurrent models "
                "have no vocabulary to learn; use more texts, or leave the recurrent models out of --models."
            ) from None
        parts.append(f"vocabulary of {max_features:,} words (every word in at least {MIN_DF} training texts)")
    if maxlen is None:
        analyze = TextVectorizer().build_analyzer()
        counts = np.fromiter((len(analyze(t)) for t in texts), dtype=np.int64, count=len(texts))
        share = np.percentile(counts, MAXLEN_PERCENTILE) if len(counts) else 1
        maxlen = int(np.clip(np.ceil(share), 1, MAXLEN_CAP))
        parts.append(f"maxlen {maxlen} (the {MAXLEN_PERCENTILE}th percentile of the training texts' "
                     f"{len(counts):,} token counts, at most {MAXLEN_CAP})")
    parts += [f"{name} {value:,} (given)" for name, value in given.items() if value is not None]
    return int(max_features), int(maxlen), "; ".join(parts)


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


def _class_counts(y):
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    return [_plain(c) for c in classes], counts


def _check_holdouts(splits):
    """Refuse training rows too few for the recurrent models' stratified validation hold-out.

    The estimators' own hold-out (``holdout_split``) decides; the message is
    worded for ``skrnn compare``'s options.
    """
    from ._training import holdout_split

    for split in splits:
        try:
            holdout_split(split.y_train, RNN_VALIDATION_SPLIT, 0)
        except ValueError:
            classes, counts = _class_counts(split.y_train)
            n = len(split.y_train)
            raise ValueError(
                f"the recurrent models hold out {RNN_VALIDATION_SPLIT:.0%} of the {n} training rows for "
                f"validation ({int(np.ceil(RNN_VALIDATION_SPLIT * n))} rows), stratified, which needs at least one "
                f"row of each of the {len(classes)} classes on each side and 2 rows of every class (the smallest, "
                f"{classes[counts.argmin()]!r}, has {counts.min()}); use more rows, a smaller --test-size, or "
                "leave the recurrent models out of --models."
            ) from None


def _blend_too_small(splits):
    """Why the blend cannot learn its weights on these splits, or None."""
    for split in splits:
        classes, counts = _class_counts(split.y_train)
        if counts.min() < BLEND_MIN_CLASS_ROWS:
            return (f"it learns its weights on {BLEND_HOLDOUT:.0%} of the training rows, stratified, and class "
                    f"{classes[counts.argmin()]!r} has {counts.min()} training row(s), fewer than the "
                    f"{BLEND_MIN_CLASS_ROWS} it needs there")
    return None


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


def _blend_runs(store, progress, all_runs, splits, best_rnn, baseline, *, epochs, max_features, maxlen,
                random_state):
    """The blend's run record on each fold, from the store or trained now; ``(row name, records)``."""
    from ._comparison import blend

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


def _training(runs):
    """Each seed's training budget on the first fold (batch size, epochs run, epoch kept); [] for TF-IDF."""
    return [seed_runs[0]["budget"] for seed_runs in runs if seed_runs[0].get("budget")]


def _training_lines(models):
    """The report's lines on how long each network trained, seed by seed."""
    lines = []
    for m in models:
        if m.training:
            def each(key, m=m):
                return "/".join(str(t[key]) for t in m.training)

            lines.append(f"- {m.name}: batches of {each('batch_size')}; {each('epochs')} epochs run, the weights of "
                         f"epoch {each('best_epoch')} kept (seed by seed, first fold)")
    if not lines:
        return ""
    return "\n\n## How long each network trained\n\n" + "\n".join(lines)


def _comparison_result(all_runs, figures, baseline, splits, settings, described, *, extra_descriptions=None,
                       disagreement=None, explanations=None, warnings=()):
    """The ``ComparisonResult`` of the runs' figures."""
    results = []
    for name, runs in all_runs.items():
        fig = figures[name]
        description, kind = (extra_descriptions or {}).get(name) or (MODELS[name].description, MODELS[name].kind)
        first = runs[0][0]
        results.append(ModelResult(
            name=name, description=description, kind=kind, accuracy=fig["accuracy"], macro_f1=fig["macro_f1"],
            roc_auc=fig["roc_auc"], per_class=fig["per_class"], fit_seconds=fig["fit_seconds"],
            predict_seconds=fig["predict_seconds"], peak_rss_mib=fig["peak_rss_mib"],
            trainable_params=first.get("trainable_params"), vs_baseline=fig.get("vs_baseline"),
            history=first.get("history", {}), fold_accuracy=fig["fold_accuracy"], training=_training(runs),
        ))
    return ComparisonResult(
        settings=settings, versions=_versions(), data=described,
        n_train=int(np.mean([len(s.y_train) for s in splits])), n_test=sum(len(s.y_test) for s in splits),
        classes=[c.item() if hasattr(c, "item") else c for c in np.unique(np.concatenate([s.y_test for s in splits]))],
        baseline=baseline, models=results, disagreement=disagreement, explanations=explanations,
        warnings=list(warnings),
    )


def _train_runs(registry, target, models, splits, store, progress, *, seeds, epochs, max_features, maxlen,
                random_state):
    """Train (or take from ``store``) every (model, seed, fold) run; ``{name: [[record per fold] per seed]}``."""
    from ._comparison import fit_and_predict

    n_seeds = {name: seeds if registry[name].kind == "rnn" else 1 for name in models}
    jobs = [(name, seed, fold) for name in models for seed in range(n_seeds[name]) for fold in range(len(splits))]
    all_runs = {name: [[None] * len(splits) for _ in range(n_seeds[name])] for name in models}
    spent = []
    for i, (name, seed, fold) in enumerate(jobs):
        run_name = f"{name}-seed{seed}-fold{fold}"
        record = store.get(run_name)
        where = f"{name}, seed {random_state + seed}, fold {fold + 1}/{len(splits)}"
        if record is not None:
            progress.line(f"[{i + 1}/{len(jobs)}] {where}: stored, skipped")
        else:
            eta = _eta(spent, jobs[i:])
            progress.line(f"[{i + 1}/{len(jobs)}] {where}: fitting ({registry[name].description})"
                          + (f"; ETA {_clock(eta)}" if eta is not None else ""))
            rnn = registry[name].kind == "rnn"
            callbacks = [progress.keras_callback(name, epochs)] if rnn else None
            pipeline = make_model(name, target, epochs=epochs, max_features=max_features, maxlen=maxlen,
                                  random_state=random_state + seed, callbacks=callbacks)
            start = time.perf_counter()
            record = fit_and_predict(pipeline, splits[fold])
            record["trainable_params"] = _trainable_params(pipeline)
            spent.append((name, time.perf_counter() - start))
            if seed == 0 and fold == 0 and target == "label":  # kept for the report's explanations
                if rnn:
                    pipeline[-1].set_params(callbacks=None)  # the progress callback is not part of the model
                store.put_model(run_name, pipeline)
            store.put(run_name, record)
            truth, pred = splits[fold].y_test, np.asarray(record["pred"], dtype=object)
            score = (f"RMSE {np.sqrt(np.mean((pred.astype(float) - truth) ** 2)):.4f}" if target == "rating"
                     else f"accuracy {np.mean(pred == truth.astype(object)):.4f}")
            budget = record.get("budget")
            trained = (f", {budget['epochs']} epochs (kept {budget['best_epoch']}) in batches of "
                       f"{budget['batch_size']}" if budget else "")
            progress.line(f"[{i + 1}/{len(jobs)}] {where}: {score}, "
                          f"fit {record['fit_seconds']:.1f} s{trained}, elapsed {_clock(progress.elapsed())}")
        all_runs[name][seed][fold] = record
    return all_runs


def _finish_rating_comparison(all_runs, splits, baselines, settings, described, out, progress):
    """The rating figures, the result and its report."""
    from ._comparison import summarize_ratings

    figures, baseline = summarize_ratings(all_runs, splits, baselines)
    results = []
    for name, runs in all_runs.items():
        fig, first = figures[name], runs[0][0]
        results.append(RatingModelResult(
            name=name, description=RATING_MODELS[name].description, kind=RATING_MODELS[name].kind,
            rmse=fig["rmse"], mae=fig["mae"], r2=fig["r2"], sign_accuracy=fig["sign_accuracy"],
            fit_seconds=fig["fit_seconds"], predict_seconds=fig["predict_seconds"],
            peak_rss_mib=fig["peak_rss_mib"], trainable_params=first.get("trainable_params"), training=_training(runs),
            vs_baseline=fig.get("vs_baseline"), history=first.get("history", {}),
        ))
    comparison = RatingComparisonResult(
        settings=settings, versions=_versions(), data=described, n_train=len(splits[0].y_train),
        n_test=len(splits[0].y_test), baseline=baseline, models=results,
    )
    write_rating_report(comparison, out, all_runs, splits)
    progress.line(f"Report written to {out}/")
    return comparison


def write_rating_report(comparison, out, all_runs, splits):
    """Write results.json, report.md and the plots of a rating comparison into ``out``, all at once."""
    from ._comparison import RATING_MIDPOINT
    from ._plots import plot_history, plot_ratings

    def write(staging):
        (staging / "results.json").write_text(
            json.dumps(asdict(comparison), indent=2, default=_json_default), encoding="utf-8")
        plots, warnings = [], []
        for m in comparison.models:
            if m.history:
                _draw(staging, f"curves_{m.name}.png", lambda path, m=m: plot_history(m.history, path, title=m.name),
                      plots, warnings)
        best_rnn = min((m for m in comparison.models if m.kind == "rnn"), key=lambda m: np.mean(m.rmse), default=None)
        shown = [m.name for m in (_model(comparison, comparison.baseline), best_rnn) if m is not None]
        y = np.concatenate([np.asarray(s.y_test, dtype=float) for s in splits])
        _draw(staging, "ratings.png", lambda path: plot_ratings(
            y, {name: np.concatenate([np.asarray(r["pred"], dtype=float) for r in all_runs[name][0]])
                for name in shown}, path), plots, warnings)
        c = comparison
        seeds = c.settings.get("seeds", 1)
        settings = "\n".join(f"- {k}: {v}" for k, v in c.settings.items())
        versions = ", ".join(f"{k} {v}" for k, v in c.versions.items())
        images = "\n\n".join(f"![{p}]({p})" for p in plots)
        verdicts = "\n".join(f"- {v}" for v in c.verdicts())
        (staging / "report.md").write_text(
            "# skrnn compare: star ratings\n\n"
            + "".join(f"> **Warning:** {w}\n\n" for w in warnings)
            + f"{c.data}.\n\n"
            f"RMSE, MAE and R² of the predicted ratings, and the sentiment accuracy of their side of "
            f"{RATING_MIDPOINT} (ratings 1-4 are negative reviews, 7-10 positive): mean ± standard deviation over "
            f"{seeds} seed(s) for the recurrent models (TF-IDF + Ridge is deterministic). Against {c.baseline}, the "
            "TF-IDF baseline of lowest RMSE, on the same test rows (the seeds' squared errors averaged per row): "
            "the RMSE difference with its paired bootstrap 95% interval (test rows resampled) and the paired "
            "t-test of the squared errors, and the sentiment accuracy difference in points with its interval. "
            "Negative RMSE differences are better.\n\n"
            f"{c.table()}\n\n## In words (5% level)\n\n{verdicts}{_training_lines(c.models)}\n\n"
            f"## Settings\n\n{settings}\n\n"
            f"## Versions\n\n{versions}\n\n## Plots\n\n{images}\n",
            encoding="utf-8")

    _write_all_at_once(out, write)


def _write_all_at_once(out, write):
    """Call ``write(folder)`` on a temporary folder inside ``out``, then move its files into ``out``.

    An interrupted run leaves no half report; nothing is written outside ``out``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    try:
        write(staging)
        for f in staging.iterdir():
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _eta(spent, remaining):
    """Seconds left: each remaining run at its model's mean so far (else the mean of all runs so far)."""
    if not spent:
        return None
    overall = np.mean([s for _, s in spent])
    by_model = {}
    for name, seconds in spent:
        by_model.setdefault(name, []).append(seconds)
    return float(sum(np.mean(by_model.get(name, [overall])) for name, _, _ in remaining))


#: Test rows whose explanations are averaged into the report's top tokens, and misclassified rows explained.
EXPLAINED_ROWS, MISCLASSIFIED_SHOWN = 300, 3


def _explanations(store, rnn, baseline, split, rnn_record):
    """The best RNN's top tokens next to the baseline's top coefficients, and a few of its mistakes explained."""
    from .inspection import top_tokens

    rnn_model = store.get_model(f"{rnn}-seed0-fold0")
    tfidf_model = store.get_model(f"{baseline}-seed0-fold0")
    if rnn_model is None or tfidf_model is None:
        return None
    texts = list(split.X_test[:EXPLAINED_ROWS])
    rnn_top = top_tokens(rnn_model, texts, n=15)
    names = tfidf_model[0].get_feature_names_out()
    linear = tfidf_model[-1]
    classes = list(linear.classes_)
    coef = linear.coef_
    tfidf_top = {}
    for k, label in enumerate(classes):
        weights = (coef[0] if k == 1 else -coef[0]) if len(classes) == 2 else coef[k]
        order = np.argsort(-weights)[:15]
        tfidf_top[label] = [(str(names[i]), float(weights[i])) for i in order]
    from .inspection import explain

    pred = np.asarray(rnn_record["pred"], dtype=object)
    wrong = np.flatnonzero(pred != np.asarray(split.y_test, dtype=object))[:MISCLASSIFIED_SHOWN]
    explained = explain(rnn_model, [split.X_test[i] for i in wrong]) if len(wrong) else []
    return {
        "rnn": rnn, "baseline": baseline, "rows": len(texts),
        "rnn_top": {str(c): v for c, v in rnn_top.items()},
        "tfidf_top": {str(c): v for c, v in tfidf_top.items()},
        "misclassified": [
            {"text": e.text, "true": _plain(split.y_test[i]), "predicted": _plain(e.label), "proba": e.proba,
             "strongest": e.strongest(8), "html": e.to_html()}
            for i, e in zip(wrong, explained)
        ],
    }


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _clock(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


def write_report(comparison, out, all_runs=None, splits=None, *, plots=True):
    """Write results.json, report.md and the plots into ``out``, all at once.

    Files are written to a temporary folder inside ``out`` and moved in
    only when all are there, so an interrupted run leaves no half report.
    A plot that fails is left out with a warning in the report; the table
    and results.json never depend on one. ``plots=False`` writes the table
    and results.json alone.
    """
    def write(staging):
        warnings = list(comparison.warnings)
        drawn = _draw_plots(comparison, staging, all_runs, splits, warnings) if plots else []
        shown = comparison if warnings == comparison.warnings else replace(comparison, warnings=warnings)
        data = asdict(shown)
        (staging / "results.json").write_text(json.dumps(data, indent=2, default=_json_default), encoding="utf-8")
        (staging / "report.md").write_text(_report_markdown(shown, drawn), encoding="utf-8")

    _write_all_at_once(out, write)


def _draw_plots(comparison, staging, all_runs, splits, warnings):
    """Draw the report's plots and page of explanations into ``staging``; the names of those drawn.

    Each one that fails adds a line to ``warnings`` and is left out.
    """
    from ._plots import plot_comparison, plot_confusion, plot_history, plot_roc

    drawn = []

    def draw(name, fn):
        _draw(staging, name, fn, drawn, warnings)

    for m in comparison.models:
        if m.history:
            draw(f"curves_{m.name}.png", lambda path, m=m: plot_history(m.history, path, title=m.name))
    draw("comparison.png", lambda path: plot_comparison(comparison.models, path))
    if all_runs is not None:
        y = np.concatenate([np.asarray(s.y_test) for s in splits])
        best_rnn = max((m for m in comparison.models if m.kind == "rnn"), key=lambda m: m.mean_accuracy,
                       default=None)
        shown = [m for m in (best_rnn, _model(comparison, comparison.baseline)) if m is not None]
        for m in shown:
            def confusion(path, m=m):
                pred = np.concatenate([np.asarray(r["pred"], dtype=y.dtype) for r in all_runs[m.name][0]])
                plot_confusion(y, pred, comparison.classes, path, title=m.name)

            draw(f"confusion_{m.name}.png", confusion)
        if len(comparison.classes) == 2:
            curves = {m.name: np.concatenate([np.asarray(r["proba"])[:, 1] for r in all_runs[m.name][0]])
                      for m in shown}
            draw("roc.png", lambda path: plot_roc(y == comparison.classes[1], curves, path))
    if comparison.explanations and comparison.explanations["misclassified"]:
        from .inspection import explanations_to_html

        def page(path):
            body = "\n".join(m["html"] for m in comparison.explanations["misclassified"])
            path.write_text(explanations_to_html([], title="skrnn compare: misclassified test rows").replace(
                "<body>\n\n</body>", f"<body>\n{body}\n</body>"), encoding="utf-8")

        draw("explanations.html", page)
        if "explanations.html" in drawn:
            drawn.remove("explanations.html")  # a page, not an image
    return drawn


def _draw(staging, name, fn, drawn, warnings):
    """``fn(staging / name)``, adding ``name`` to ``drawn``; a failure adds a line to ``warnings`` instead."""
    try:
        fn(staging / name)
        drawn.append(name)
    except Exception as exc:  # noqa: BLE001 - a plot is optional: reported, not raised
        warnings.append(f"The plot {name} failed and is left out ({type(exc).__name__}: {exc}).")


def _model(comparison, name):
    return next((m for m in comparison.models if m.name == name), None)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _report_markdown(c, plots):
    settings = "\n".join(f"- {k}: {v}" for k, v in c.settings.items())
    versions = ", ".join(f"{k} {v}" for k, v in c.versions.items())
    images = "\n\n".join(f"![{p}]({p})" for p in plots)
    verdicts = "\n".join(f"- {v}" for v in c.verdicts())
    per_class = []
    for m in c.models:
        rows = "\n".join(f"| {label} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |"
                         for label, v in m.per_class.items())
        head = "| class | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|"
        per_class.append(f"### {m.name}\n\n{head}\n{rows}")
    agreement = ""
    if c.disagreement:
        d = c.disagreement
        agreement = (
            f"\n\n## Where the best RNN and the best baseline disagree\n\n{d['first']} and {d['second']} "
            f"predict differently on {100 * d['rate']:.1f}% of the test rows ({d['rows']:,}); there "
            f"{d['first']} is right on {100 * d['first_right']:.1f}% and {d['second']} on "
            f"{100 * d['second_right']:.1f}% (first seed).\n"
        )
    explained = ""
    if c.explanations:
        x = c.explanations
        blocks = []
        for label in x["rnn_top"]:
            rnn_words = ", ".join(f"`{t}` {s:+.3f}" for t, s in x["rnn_top"][label][:10])
            tfidf_words = ", ".join(f"`{t}` {s:+.2f}" for t, s in x["tfidf_top"].get(label, [])[:10])
            blocks.append(f"- **{label}**\n  - {x['rnn']} (mean push): {rnn_words}\n"
                          f"  - {x['baseline']} (coefficient): {tfidf_words}")
        mistakes = []
        for m in x["misclassified"]:
            words = ", ".join(f"`{t}` {s:+.3f}" for t, s in m["strongest"])
            text = m["text"][:300] + ("..." if len(m["text"]) > 300 else "")
            mistakes.append(f"- true {m['true']}, predicted {m['predicted']} (p = {m['proba']:.3f}): {words}\n"
                            f"  > {text.replace(chr(10), ' ')}")
        explained = (
            f"\n\n## What the models read\n\nTokens pushing towards each class: {x['rnn']}'s integrated "
            f"gradients averaged over {x['rows']} test rows (first seed), next to {x['baseline']}'s largest "
            "coefficients.\n\n" + "\n".join(blocks)
            + ("\n\n### Misclassified test rows, explained\n\nThe strongest tokens towards the predicted class "
               "(coloured in explanations.html):\n\n" + "\n".join(mistakes) if mistakes else "")
        )
    seeds = c.settings.get("seeds", 1)
    one_draw = (
        "One seed per network is one draw: a network's accuracy moves by several points from seed to seed at a few "
        "epochs, which the intervals below do not include. Rerun with --seeds 3 or more before trusting a verdict "
        "about a network.\n\n" if seeds == 1 else ""
    )
    warned = "".join(f"> **Warning:** {w}\n\n" for w in c.warnings)
    return (
        "# skrnn compare\n\n"
        f"{warned}{c.data}.\n\n"
        f"Accuracy and macro-F1: mean ± standard deviation over {seeds} seed(s) for the recurrent models "
        f"(TF-IDF is deterministic). Against {c.baseline}, the strongest TF-IDF baseline, on the same test "
        "rows: the accuracy difference in points with its paired bootstrap 95% interval (test rows resampled, "
        "seeds averaged per row), McNemar's exact p-value (median over seeds)"
        + (", and the corrected resampled t-test over the folds (Nadeau and Bengio)" if c.settings.get("cv") else "")
        + ". Peak MiB: the process's peak resident memory during the model's fit and prediction, TensorFlow and "
        "the loaded data included.\n\n"
        f"{one_draw}{c.table()}\n\n## In words (5% level)\n\n{verdicts}{agreement}{explained}\n\n## Per class\n\n"
        + "\n\n".join(per_class)
        + f"{_training_lines(c.models)}\n\n## Settings\n\n{settings}\n\n## Versions\n\n{versions}\n\n"
        f"## Plots\n\n{images}\n"
    )
