"""The models ``skrnn compare`` trains, by name, and the sizes of its recurrent networks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

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


#: The share of each split's training rows carved out as validation rows, by one seeded rule (stratified for
#: classes) and the same rows for every model: the networks stop on them and the blend learns its weights on
#: them; every model trains on the rest.
VALIDATION_FRACTION = 0.1


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
              validation_split=0.0):
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

#: Every model ``skrnn compare`` can train on a numeric target (IMDB's star ratings, ``--target rating``, or a
#: column of the user's own), by name: regressors.
RATING_MODELS = {
    "tfidf-ridge-unigram": ModelSpec(
        "TF-IDF (unigrams, min_df=2, sublinear tf) + RidgeCV (alpha by 5-fold CV)", "tfidf", _ridge((1, 1))),
    "tfidf-ridge": ModelSpec(
        "TF-IDF (1-2-grams, min_df=2, sublinear tf) + RidgeCV (alpha by 5-fold CV)", "tfidf", _ridge((1, 2))),
    **_recurrent_models("Regressor"),
}
DEFAULT_RATING_MODELS = ("tfidf-ridge", "lstm", "lstm-bigrams")

#: The registry and default models of each task (``"label"`` and ``"rating"`` name them too).
REGISTRIES = {"classification": (MODELS, DEFAULT_MODELS), "regression": (RATING_MODELS, DEFAULT_RATING_MODELS)}
REGISTRIES.update(label=REGISTRIES["classification"], rating=REGISTRIES["regression"])


def registry_for(target):
    """The registry of ``target``: :data:`MODELS` (classification) or :data:`RATING_MODELS` (regression)."""
    if target not in REGISTRIES:
        raise ValueError(f"target must be 'classification' or 'regression', got {target!r}.")
    return REGISTRIES[target][0]


def default_models(target):
    """The names ``skrnn compare`` trains for ``target`` when none are given."""
    registry_for(target)
    return REGISTRIES[target][1]


def check_model_names(names, target="label"):
    """Return ``names`` as a list, or raise ``ValueError`` naming the unknown ones.

    Parameters
    ----------
    names : iterable of str
        Model names, each a key of :data:`MODELS` (or of
        :data:`RATING_MODELS` for a numeric target).
    target : {"label", "rating", "classification", "regression"}, default="label"
        The task: ``"label"`` is ``"classification"``, ``"rating"`` is
        ``"regression"``.

    Returns
    -------
    names : list of str

    Examples
    --------
    >>> check_model_names(["lstm", "tfidf-bigram"])
    ['lstm', 'tfidf-bigram']
    """
    registry = registry_for(target)
    names = list(names)
    unknown = [name for name in names if name not in registry]
    if unknown or not names:
        raise ValueError(
            f"unknown model(s) {', '.join(unknown) or '(none)'}"
            + (" for a numeric target" if registry is RATING_MODELS else "")
            + f"; choose from {', '.join(registry)}"
        )
    return names


def make_model(name, target="label", **settings):
    """Build the pipeline ``skrnn compare`` trains under ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`MODELS` (or of :data:`RATING_MODELS`).
    target : {"label", "rating", "classification", "regression"}, default="label"
        Which registry ``name`` is from (as in :func:`check_model_names`).
    **settings
        ``epochs``, ``max_features``, ``maxlen``, ``random_state``,
        ``callbacks``, ``validation_split`` (recurrent models only).

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted.
    """
    (name,) = check_model_names([name], target)
    return registry_for(target)[name].build(**settings)



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
    from .._text import TextVectorizer

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
