"""What a comparison measured, as dataclasses, and its results table."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass, field

import numpy as np

from ._registry import MODELS

__all__ = ["ModelResult", "ComparisonResult", "RatingModelResult", "RatingComparisonResult", "markdown_table",
           "versions", "training", "comparison_result"]


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
            cells = [m.name, spread(m.accuracy), spread(m.macro_f1)]
            if binary:
                cells.append(spread(m.roc_auc) if m.roc_auc else "-")
            vs = m.vs_baseline
            if vs is None:
                cells += ["(baseline)", "-"] + (["-"] if cv else [])
            else:
                cells.append(f"{100 * vs['difference']:+.2f} ({100 * vs['low']:+.2f} to {100 * vs['high']:+.2f})")
                cells.append(p_cell(vs["mcnemar_p"]))
                if cv:
                    cells.append(f"{vs['t_test_p']:.3g}")
            rows.append(cells + cost_cells(m))
        return markdown_table(head, rows)

    def verdicts(self):
        """One sentence per model against the baseline."""
        return verdicts_of(self.models)


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
            cells = [m.name, spread(m.rmse), spread(m.mae), spread(m.r2), spread(m.sign_accuracy)]
            vs = m.vs_baseline
            if vs is None:
                cells += ["(baseline)", "-", "-"]
            else:
                cells += [f"{vs['rmse_difference']:+.3f} ({vs['low']:+.3f} to {vs['high']:+.3f})",
                          f"{vs['t_test_p']:.3g}",
                          f"{100 * vs['sign_difference']:+.2f} ({100 * vs['sign_low']:+.2f} to "
                          f"{100 * vs['sign_high']:+.2f})"]
            rows.append(cells + cost_cells(m))
        return markdown_table(head, rows)

    def verdicts(self):
        """One sentence per model against the baseline, on RMSE."""
        return verdicts_of(self.models)


def markdown_table(head, rows):
    """A Markdown table: the first column left-aligned, the others right-aligned."""
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    return "\n".join(lines + ["| " + " | ".join(cells) + " |" for cells in rows])


def cost_cells(m):
    """A model's fit and predict seconds and peak memory, as table cells."""
    return [f"{m.fit_seconds:.1f}", f"{m.predict_seconds:.1f}",
            "-" if m.peak_rss_mib is None else f"{m.peak_rss_mib:,.0f}"]


def verdicts_of(models):
    return [m.vs_baseline["verdict"] for m in models if m.vs_baseline]


def spread(values):
    values = np.asarray(values, dtype=float)
    if values.size == 1:
        return f"{values[0]:.4f}"
    return f"{values.mean():.4f} ± {values.std(ddof=1):.4f}"


def p_cell(values):
    values = np.asarray(values, dtype=float)
    if values.size == 1:
        return f"{values[0]:.3g}"
    return f"{np.median(values):.3g} (median of {values.size})"


def versions():
    import sklearn

    from .. import __version__

    versions = {"python": platform.python_version(), "skrnn": __version__, "scikit-learn": sklearn.__version__,
                "numpy": np.__version__}
    for name in ("keras", "tensorflow", "scikeras"):
        module = sys.modules.get(name)
        if module is not None:
            versions[name] = getattr(module, "__version__", "?")
    return versions


def training(runs):
    """Each seed's training budget on the first fold (batch size, epochs run, epoch kept); [] for TF-IDF."""
    return [seed_runs[0]["budget"] for seed_runs in runs if seed_runs[0].get("budget")]


def comparison_result(all_runs, figures, baseline, splits, settings, described, *, extra_descriptions=None,
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
            history=first.get("history", {}), fold_accuracy=fig["fold_accuracy"], training=training(runs),
        ))
    return ComparisonResult(
        settings=settings, versions=versions(), data=described,
        n_train=int(np.mean([len(s.y_train) for s in splits])), n_test=sum(len(s.y_test) for s in splits),
        classes=[c.item() if hasattr(c, "item") else c for c in np.unique(np.concatenate([s.y_test for s in splits]))],
        baseline=baseline, models=results, disagreement=disagreement, explanations=explanations,
        warnings=list(warnings),
    )
