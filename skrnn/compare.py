"""``skrnn compare``: RNN pipelines against TF-IDF baselines on IMDB.

:func:`run_comparison` is the library form; ``skrnn compare`` (see
``skrnn._cli``) is the command line around it.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ._plots import plot_history

__all__ = [
    "MODELS",
    "DEFAULT_MODELS",
    "ModelSpec",
    "check_model_names",
    "make_model",
    "run_comparison",
    "ComparisonResult",
    "timed",
    "timed_fit_predict",
    "plot_history",
]

#: Bigram models share the vocabulary and the sequence between words and
#: bigrams: they get this many times ``max_features``, and twice ``maxlen``.
BIGRAM_VOCABULARY_FACTOR = 6


@dataclass(frozen=True)
class ModelSpec:
    """One model of the registry: what it is, its kind and how to build it.

    Attributes
    ----------
    description : str
        One line for reports and ``--help``.
    kind : {"tfidf", "rnn"}
        A TF-IDF baseline or a recurrent pipeline (which trains for epochs
        and reports a history).
    build : callable
        ``build(epochs=..., max_features=..., maxlen=..., random_state=...,
        callbacks=..., validation_split=...)`` -> an unfitted ``Pipeline``;
        a TF-IDF baseline ignores the recurrent settings.
    """

    description: str
    kind: str
    build: Callable = field(repr=False)


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


def _rnn(classifier, *, bidirectional=False, bigrams=False):
    def build(*, epochs=5, max_features=10000, maxlen=500, random_state=0, callbacks=None, validation_split=0.1):
        from sklearn.pipeline import make_pipeline

        import skrnn

        if bigrams:
            vectorizer = skrnn.TextVectorizer(
                max_features=max_features * BIGRAM_VOCABULARY_FACTOR, ngram_range=(1, 2)
            )
            maxlen = 2 * maxlen
        else:
            vectorizer = skrnn.TextVectorizer(max_features=max_features)
        extra = {"bidirectional": True} if bidirectional else {}
        return make_pipeline(
            vectorizer,
            skrnn.SequencePadder(maxlen=maxlen),
            getattr(skrnn, classifier)(
                epochs=epochs, validation_split=validation_split, random_state=random_state,
                callbacks=callbacks, **extra,
            ),
        )

    return build


#: Every model ``skrnn compare`` can train, by name.
MODELS = {
    "tfidf-unigram": ModelSpec(
        "TF-IDF (unigrams, min_df=2, sublinear tf) + LogisticRegression(C=4)", "tfidf", _tfidf((1, 1), 4)),
    "tfidf-bigram": ModelSpec(
        "TF-IDF (1-2-grams, min_df=2, sublinear tf) + LogisticRegression(C=10)", "tfidf", _tfidf((1, 2), 10)),
    "simple_rnn": ModelSpec(
        "TextVectorizer -> SequencePadder -> SimpleRNNClassifier", "rnn", _rnn("SimpleRNNClassifier")),
    "lstm": ModelSpec("TextVectorizer -> SequencePadder -> LSTMClassifier", "rnn", _rnn("LSTMClassifier")),
    "gru": ModelSpec("TextVectorizer -> SequencePadder -> GRUClassifier", "rnn", _rnn("GRUClassifier")),
    "bilstm": ModelSpec(
        "TextVectorizer -> SequencePadder -> LSTMClassifier(bidirectional=True)", "rnn",
        _rnn("LSTMClassifier", bidirectional=True)),
    "lstm-bigrams": ModelSpec(
        "TextVectorizer(ngram_range=(1, 2)) -> SequencePadder -> LSTMClassifier "
        "(words and bigrams: 6x the vocabulary, 2x maxlen)", "rnn", _rnn("LSTMClassifier", bigrams=True)),
}
DEFAULT_MODELS = ("tfidf-unigram", "tfidf-bigram", "simple_rnn", "lstm", "lstm-bigrams")


def check_model_names(names):
    """Return ``names`` as a list, or raise ``ValueError`` naming the unknown ones.

    Parameters
    ----------
    names : iterable of str
        Model names, each a key of :data:`MODELS`.

    Returns
    -------
    names : list of str

    Examples
    --------
    >>> check_model_names(["lstm", "tfidf-bigram"])
    ['lstm', 'tfidf-bigram']
    """
    names = list(names)
    unknown = [name for name in names if name not in MODELS]
    if unknown or not names:
        raise ValueError(
            f"unknown model(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(MODELS)}"
        )
    return names


def make_model(name, **settings):
    """Build the pipeline ``skrnn compare`` trains under ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`MODELS`.
    **settings
        ``epochs``, ``max_features``, ``maxlen``, ``random_state``,
        ``callbacks``, ``validation_split`` (recurrent models only).

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted.
    """
    (name,) = check_model_names([name])
    return MODELS[name].build(**settings)


def timed(fn):
    """Call ``fn()``; return its result and the seconds it took (``time.perf_counter``)."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


@dataclass
class ModelResult:
    name: str
    description: str
    accuracy: float
    f1: float
    roc_auc: float
    fit_seconds: float
    predict_seconds: float
    trainable_params: int
    history: dict = field(default_factory=dict)


@dataclass
class ComparisonResult:
    settings: dict
    versions: dict
    n_train: int
    n_test: int
    models: list

    def table(self):
        """The results as a Markdown table."""
        lines = [
            "| model | test accuracy | F1 | ROC AUC | fit s | predict s | trainable params |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for m in self.models:
            lines.append(
                f"| {m.name} | {m.accuracy:.4f} | {m.f1:.4f} | {m.roc_auc:.4f} | "
                f"{m.fit_seconds:.1f} | {m.predict_seconds:.1f} | {m.trainable_params:,} |"
            )
        return "\n".join(lines)


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


def run_comparison(
    *,
    data=None,
    models=DEFAULT_MODELS,
    epochs=5,
    max_features=10000,
    maxlen=500,
    sample=None,
    out="skrnn-report",
    random_state=0,
    progress=None,
):
    """Train every model on IMDB train, evaluate on IMDB test, write a report.

    Parameters
    ----------
    data : str or path-like, default=None
        An aclImdb folder, a folder holding one, or a ``.tar.gz`` archive;
        ``None`` uses :func:`skrnn.datasets.get_data_home`.
    models : sequence of str
        Names from :data:`MODELS`.
    epochs, max_features, maxlen : int
        RNN training epochs, vocabulary size and padded length (bigram
        models: ``BIGRAM_VOCABULARY_FACTOR`` times the vocabulary and twice
        the length, since words and bigrams share both).
    sample : int or None
        Use a stratified sample of this many training and as many test
        reviews (``None``: all 25,000 of each).
    out : str or path-like
        Report folder: ``results.json``, ``report.md`` and PNG plots. Files
        are written to a temporary folder and moved in only when the whole
        run has finished, so an interrupted run leaves no half report.
    random_state : int
        Seed of the sampling, shuffling and network initialisation.
    progress : skrnn._progress.Progress or None
        Where progress goes (default: a bar on a terminal, lines otherwise).

    Returns
    -------
    result : ComparisonResult
    """
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

    from ._progress import Progress
    from .datasets import load_imdb_sample

    models = check_model_names(models)
    progress = progress or Progress()
    out = Path(out)
    progress.line(f"Loading IMDB from {data if data is not None else 'the data home'} ...")
    X_train, y_train, X_test, y_test = load_imdb_sample(
        sample, data_home=data, random_state=random_state, verbose=True
    )
    progress.line(f"{len(X_train):,} training and {len(X_test):,} test reviews.")

    results = []
    for name in models:
        rnn = MODELS[name].kind == "rnn"
        callbacks = [progress.keras_callback(name, epochs)] if rnn else None
        pipeline = make_model(
            name, epochs=epochs, max_features=max_features, maxlen=maxlen,
            random_state=random_state, callbacks=callbacks,
        )
        progress.line(f"[{name}] fitting: {MODELS[name].description}")
        proba, fit_seconds, predict_seconds = timed_fit_predict(pipeline, X_train, y_train, X_test)
        pred = (proba >= 0.5).astype(int)
        final = pipeline[-1]
        history = {k: list(v) for k, v in getattr(final, "history_", {}).items()}
        if rnn:
            final.set_params(callbacks=None)  # the progress callback is not part of the model
        result = ModelResult(
            name=name,
            description=MODELS[name].description,
            accuracy=float(accuracy_score(y_test, pred)),
            f1=float(f1_score(y_test, pred)),
            roc_auc=float(roc_auc_score(y_test, proba)),
            fit_seconds=fit_seconds,
            predict_seconds=predict_seconds,
            trainable_params=_trainable_params(pipeline),
            history=history,
        )
        results.append(result)
        progress.line(
            f"[{name}] test accuracy {result.accuracy:.4f}, fit {fit_seconds:.1f} s, "
            f"predict {predict_seconds:.1f} s"
        )

    comparison = ComparisonResult(
        settings={"data": str(data) if data is not None else None, "models": list(models), "epochs": epochs,
                  "max_features": max_features, "maxlen": maxlen, "sample": sample,
                  "random_state": random_state},
        versions=_versions(),
        n_train=len(X_train),
        n_test=len(X_test),
        models=results,
    )
    write_report(comparison, out)
    progress.line(f"Report written to {out}/")
    return comparison


def write_report(comparison, out):
    """Write results.json, report.md and the plots into ``out``, atomically per run."""
    from ._plots import plot_comparison, plot_history

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        data = asdict(comparison)
        (staging / "results.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
        plots = []
        for m in comparison.models:
            if m.history:
                name = f"curves_{m.name}.png"
                plot_history(m.history, staging / name, title=m.name)
                plots.append(name)
        plot_comparison(comparison.models, staging / "comparison.png")
        plots.append("comparison.png")
        (staging / "report.md").write_text(_report_markdown(comparison, plots), encoding="utf-8")
        out.mkdir(parents=True, exist_ok=True)
        for f in staging.iterdir():
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _report_markdown(c, plots):
    settings = "\n".join(f"- {k}: {v}" for k, v in c.settings.items())
    versions = ", ".join(f"{k} {v}" for k, v in c.versions.items())
    images = "\n\n".join(f"![{p}]({p})" for p in plots)
    return (
        "# skrnn compare: IMDB sentiment\n\n"
        f"{c.n_train:,} training and {c.n_test:,} test reviews.\n\n"
        f"{c.table()}\n\n## Settings\n\n{settings}\n\n## Versions\n\n{versions}\n\n"
        f"## Plots\n\n{images}\n"
    )
