"""``skrnn compare``: RNN pipelines against TF-IDF baselines, on IMDB or the user's own texts.

:func:`run_comparison` is the library form; ``skrnn compare`` is the
command line around it. It compares classifiers on labels (:data:`MODELS`),
or regressors on a numeric target (:data:`RATING_MODELS`): IMDB's star
ratings, or a number column of the user's own file, against TF-IDF + Ridge.
Every model trains on the same rows (:data:`VALIDATION_FRACTION`).

One module per concern:

- ``_registry``: the models by name, and the recurrent networks' sizes;
- ``_data``: the data, its target and its rows (training, validation, test);
- ``_runs``: one (model, seed, fold) run as a typed record, its costs, and
  the store that lets a rerun resume;
- ``_tasks``: classification and regression, each a small object with its
  metrics, baseline, statistics, table, wording and plots;
- ``_results``: the result dataclasses, and the summary of the runs;
- ``_blend``: the blend of the best recurrent and TF-IDF pipelines;
- ``_explain``: what the best network reads;
- ``_report``: results.json, report.md and the plots;
- ``_run``: :func:`run_comparison`, which ties them together;
- ``_cli``: the ``skrnn compare`` command.
"""

from .._plots import plot_history
from .._stats import bootstrap_difference, corrected_resampled_ttest, mcnemar_test, paired_bootstrap
from ._registry import (
    BIGRAM_VOCABULARY_FACTOR,
    DEFAULT_MODELS,
    DEFAULT_RATING_MODELS,
    MAXLEN_CAP,
    MAXLEN_PERCENTILE,
    MIN_DF,
    MODELS,
    RATING_MODELS,
    VALIDATION_FRACTION,
    ModelSpec,
    check_model_names,
    make_model,
    resolve_sizes,
)
from ._report import write_report
from ._results import ComparisonResult, ModelResult
from ._run import run_comparison
from ._runs import peak_rss_mib, reset_peak_rss, timed, timed_fit_predict

__all__ = [
    "MODELS",
    "DEFAULT_MODELS",
    "RATING_MODELS",
    "DEFAULT_RATING_MODELS",
    "BIGRAM_VOCABULARY_FACTOR",
    "MIN_DF",
    "MAXLEN_PERCENTILE",
    "MAXLEN_CAP",
    "VALIDATION_FRACTION",
    "ModelSpec",
    "ModelResult",
    "ComparisonResult",
    "check_model_names",
    "make_model",
    "run_comparison",
    "resolve_sizes",
    "write_report",
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
