"""What a comparison measured, as dataclasses: one path for classes and numbers."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass, field

import numpy as np

from ._tasks import task_for

__all__ = ["ModelResult", "ComparisonResult", "versions", "summarize"]


@dataclass
class ModelResult:
    """One model's figures over its seeds (and folds).

    ``scores`` maps each metric (``accuracy``, ``macro_f1`` and for two
    classes ``roc_auc``; or ``rmse``, ``mae``, ``r2`` and for IMDB's ratings
    ``sign_accuracy``) to one value per seed; ``vs_baseline`` compares the
    model with the strongest TF-IDF baseline on the same test rows (None
    for that baseline itself). ``training`` gives each network seed's batch
    size, epochs run and the epoch it kept, on the first fold. ``tuning``
    (with ``--tune``) holds the settings chosen on the first fold, their
    cross-validated score, and the search's mean seconds per fold.

    Attributes
    ----------
    name, description : str
        The registry's name and description of the model.
    kind : {"tfidf", "rnn", "blend"}
    scores : dict
        Metric -> one value per seed.
    fit_seconds, predict_seconds : float
        Mean seconds per seed.
    peak_rss_mib : float or None
        The process's peak memory while the model ran.
    trainable_params : int or None
    per_class : dict
        Per-class precision, recall and F1 (classification).
    fold_scores : list
        Each fold's scores, with ``--cv``.
    vs_baseline : dict or None
        Difference, interval, p-value and verdict against the baseline.
    history : dict
        A network's ``history_`` (first seed).
    training : list
        Per network seed: batch size, epochs run, epoch kept.
    tuning : dict or None
        With ``--tune``: the chosen settings and their cost.
    """

    name: str
    description: str
    kind: str
    scores: dict
    fit_seconds: float
    predict_seconds: float
    peak_rss_mib: float | None
    trainable_params: int | None
    per_class: dict = field(default_factory=dict)
    fold_scores: list = field(default_factory=list)
    vs_baseline: dict | None = None
    history: dict = field(default_factory=dict)
    training: list = field(default_factory=list)
    tuning: dict | None = None

    def mean(self, metric):
        """The mean over seeds of ``metric``."""
        return float(np.mean(self.scores[metric]))


@dataclass
class ComparisonResult:
    """Everything ``skrnn compare`` measured; ``table()`` is the Markdown table.

    ``task`` is ``"classification"`` or ``"regression"``; ``rows`` says
    how many rows every model trained on, was validated on and was tested
    on; ``classes`` is empty for a numeric target; ``midpoint`` is the
    rating's midpoint of IMDB's star ratings (else None).

    Attributes
    ----------
    task : {"classification", "regression"}
    settings : dict
        The comparison's settings (seeds, sizes, budget, tuning).
    versions : dict
        The Python and library versions it ran on.
    data : str
        The data in words.
    rows : dict
        The rows every model trained on, was validated on and was tested on.
    n_train, n_test : int
    classes : list
    baseline : str
        The name of the strongest TF-IDF baseline.
    models : list of ModelResult
    midpoint : float or None
    disagreement : dict or None
        Where the best network and the baseline disagree (first seed).
    explanations : dict or None
        The words that moved the best network's predictions.
    warnings : list of str
    """

    task: str
    settings: dict
    versions: dict
    data: str
    rows: dict
    n_train: int
    n_test: int
    classes: list
    baseline: str
    models: list
    midpoint: float | None = None
    disagreement: dict | None = None
    explanations: dict | None = None
    warnings: list = field(default_factory=list)

    def table(self):
        """The results as a Markdown table: mean ± standard deviation over seeds."""
        return task_for(self.task, midpoint=self.midpoint).table(self)

    def verdicts(self):
        """One sentence per model against the baseline."""
        return [m.vs_baseline["verdict"] for m in self.models if m.vs_baseline]


def versions():
    """The versions of Python and of the libraries a comparison ran on."""
    import sklearn

    from .. import __version__

    found = {"python": platform.python_version(), "skrnn": __version__, "scikit-learn": sklearn.__version__,
             "numpy": np.__version__}
    for name in ("keras", "tensorflow", "scikeras"):
        module = sys.modules.get(name)
        if module is not None:
            found[name] = getattr(module, "__version__", "?")
    return found


def summarize(task, all_runs, splits, baselines, described):
    """Every model's figures, and each one's comparison with the strongest baseline.

    ``described`` maps each name to its ``(description, kind)``. Returns
    ``(models, baseline)``: :class:`ModelResult` in the order of
    ``all_runs``, and the baseline's name.
    """
    figures = {name: task.figures(runs, splits) for name, runs in all_runs.items()}
    baseline = task.best(baselines, figures)
    models = []
    for name, runs in all_runs.items():
        fig = figures[name]
        description, kind = described[name]
        models.append(ModelResult(
            name=name, description=description, kind=kind, scores=fig.scores, fit_seconds=fig.fit_seconds,
            predict_seconds=fig.predict_seconds, peak_rss_mib=fig.peak_rss_mib,
            trainable_params=runs[0][0].trainable_params, per_class=fig.per_class, fold_scores=fig.fold_scores,
            vs_baseline=None if name == baseline else task.versus(name, baseline, all_runs, splits, figures),
            history=runs[0][0].history, training=[seed_runs[0].budget for seed_runs in runs if seed_runs[0].budget],
            tuning=_tuning(runs),
        ))
    return models, baseline


def _tuning(runs):
    """The first fold's chosen settings and score, with the search's mean seconds over the folds; None untuned."""
    tunings = [r.tuning for r in runs[0] if r.tuning]
    if not tunings:
        return None
    return {**tunings[0], "seconds": float(np.mean([t["seconds"] for t in tunings]))}
