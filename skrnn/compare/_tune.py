"""``--tune``: every model searched by the same protocol and budget on its fit rows.

Each model, TF-IDF baseline or network, gets the same search:
scikit-learn's successive halving over random candidates
(``HalvingRandomSearchCV``, the rows as the resource), ``candidates`` of
them, scored by ``folds``-fold cross-validation of the fit rows (stratified
for classes), seeded. The validation and test rows play no part. The
chosen settings are then trained as every untuned model is: on the fit
rows, the networks stopping on the validation rows.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import numpy as np

from ._data import plain

__all__ = ["Tuning", "search_space", "tune", "tuned_model", "describe", "TUNE_CANDIDATES", "TUNE_FOLDS",
           "MIN_TUNE_ROWS"]

#: The default budget: this many candidates per model, each scored by this many folds. Six candidates keep a
#: tuned comparison of SST-5 (8,544 sentences, three seeds) under 20 minutes on 2 CPU cores (docs/benchmarks.md).
TUNE_CANDIDATES, TUNE_FOLDS = 6, 3
#: Successive halving starts its first round on at least this many rows (or all of them): a network on fewer
#: has too few rows for its own stopping hold-out.
MIN_TUNE_ROWS = 300
#: Each round keeps a third of the candidates, on three times the rows.
HALVING_FACTOR = 3


@dataclass
class Tuning:
    """What a search chose for one model on one split, and what it cost."""

    params: dict
    score: float
    seconds: float
    candidates: int
    folds: int
    rounds: int

    @classmethod
    def from_json(cls, data):
        """A tuning from its stored JSON object (n-gram ranges back as tuples)."""
        params = {k: tuple(v) if isinstance(v, list) else v for k, v in data["params"].items()}
        return cls(**{**data, "params": params})

    def to_json(self):
        return asdict(self)


def search_space(kind, pipeline):
    """The settings a model's search draws from, as ``param_distributions`` of its pipeline.

    TF-IDF: the n-gram range, ``min_df`` and LogisticRegression's ``C``
    (log-uniform; Ridge chooses its own alpha by cross-validation). A
    network: its width, embedding size, dropout and bidirectionality.
    """
    from scipy.stats import loguniform

    final = pipeline.steps[-1][0]
    if kind == "tfidf":
        space = {"tfidfvectorizer__ngram_range": [(1, 1), (1, 2), (1, 3)], "tfidfvectorizer__min_df": [1, 2, 3, 5]}
        if "C" in pipeline[-1].get_params():
            space[f"{final}__C"] = loguniform(0.1, 100)
        return space
    return {f"{final}__units": [16, 32, 64, 128], f"{final}__embedding_dim": [32, 64, 128],
            f"{final}__dropout": [0.0, 0.2, 0.5], f"{final}__bidirectional": [False, True]}


def _min_rows(n, candidates):
    """The rows of the first round: all of them in the last round, and at least ``MIN_TUNE_ROWS``."""
    rounds = max(1, math.ceil(math.log(max(candidates, 1), HALVING_FACTOR)))
    return int(min(n, max(MIN_TUNE_ROWS, n // HALVING_FACTOR ** rounds)))


def tune(pipeline, kind, split, task, *, candidates=TUNE_CANDIDATES, folds=TUNE_FOLDS, random_state=0):
    """Search ``pipeline``'s settings on the split's fit rows; a :class:`Tuning`."""
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401 - makes the import below available
    from sklearn.model_selection import HalvingRandomSearchCV, KFold, StratifiedKFold

    X, y = split.X_fit, split.y_fit
    splitter = (StratifiedKFold if task.stratified else KFold)(folds, shuffle=True, random_state=random_state)
    search = HalvingRandomSearchCV(
        pipeline, search_space(kind, pipeline), n_candidates=candidates, factor=HALVING_FACTOR,
        min_resources=_min_rows(len(y), candidates), cv=splitter, random_state=random_state, refit=False,
        scoring="accuracy" if task.name == "classification" else "neg_root_mean_squared_error",
    )
    start = time.perf_counter()
    search.fit(X, y)
    seconds = time.perf_counter() - start
    if not np.isfinite(search.best_score_):
        raise ValueError("every candidate of the search failed; rerun without --tune, or with more rows.")
    params = {k: plain(v) for k, v in search.best_params_.items()}
    return Tuning(params=params, score=float(search.best_score_), seconds=seconds, candidates=candidates,
                  folds=folds, rounds=int(search.n_iterations_))


def describe(params):
    """Chosen settings in words: ``units=64, dropout=0.2, C=4.43`` (step prefixes left out)."""
    def shown(value):
        return f"{value:.3g}" if isinstance(value, float) else repr(value)

    return ", ".join(f"{name.split('__')[-1]}={shown(value)}" for name, value in params.items())


def tuned_model(pipeline, tuning):
    """``pipeline`` with the settings ``tuning`` chose."""
    return pipeline if tuning is None else pipeline.set_params(**tuning.params)
