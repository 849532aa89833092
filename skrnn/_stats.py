"""How sure a difference between two classifiers is, on the same test rows.

Three tests, each from SciPy's well-kept distributions:

- :func:`paired_bootstrap` resamples the test rows (with replacement) and
  gives a percentile interval of the accuracy difference
  (``scipy.stats.bootstrap`` with ``paired=True``);
- :func:`mcnemar_test` is McNemar's exact test on the rows where exactly one
  of the two is right: a two-sided binomial test of those discordant pairs
  (``scipy.stats.binomtest``);
- :func:`corrected_resampled_ttest` compares per-fold scores of a K-fold
  cross-validation with Nadeau and Bengio's variance correction for the
  overlap of the training sets (Machine Learning 52, 2003), Student's t with
  K - 1 degrees of freedom (``scipy.stats.t``).

:func:`verdict` turns an interval and a p-value into a sentence.
"""

from __future__ import annotations

import numpy as np

__all__ = ["paired_bootstrap", "bootstrap_difference", "mcnemar_test", "corrected_resampled_ttest", "verdict"]


def _correct(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred have different shapes: {y_true.shape} and {y_pred.shape}.")
    return (y_true == y_pred).astype(np.float64)


def paired_bootstrap(y_true, pred_a, pred_b, *, confidence=0.95, n_resamples=2000, random_state=0):
    """Percentile interval of accuracy(A) - accuracy(B), resampling the test rows.

    Parameters
    ----------
    y_true, pred_a, pred_b : array-like of shape (n_samples,)
        The labels and the two models' predictions on the same rows.
    confidence : float, default=0.95
    n_resamples : int, default=2000
    random_state : int, default=0

    Returns
    -------
    difference, low, high : float

    Examples
    --------
    >>> y = [1, 0, 1, 1, 0, 1, 0, 0] * 25
    >>> diff, low, high = paired_bootstrap(y, y, [1] * 200)  # A always right, B half the time
    >>> diff, bool(low > 0)
    (0.5, True)
    """
    return bootstrap_difference(
        _correct(y_true, pred_a), _correct(y_true, pred_b), confidence=confidence, n_resamples=n_resamples,
        random_state=random_state,
    )


def bootstrap_difference(scores_a, scores_b, *, of=None, confidence=0.95, n_resamples=2000, random_state=0):
    """Percentile interval of mean(A) - mean(B) over paired per-row scores.

    The scores are per test row: 1.0 or 0.0 for right or wrong, or the
    fraction of seeds that got the row right. ``of``, a function, makes it
    the interval of ``of(mean(A)) - of(mean(B))``: with squared errors and
    ``numpy.sqrt``, the RMSE difference.

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (n_samples,)
        The two models' scores on the same rows.
    of : callable, default=None
        Applied to each mean before the difference.
    confidence : float, default=0.95
    n_resamples : int, default=2000
    random_state : int, default=0

    Returns
    -------
    difference, low, high : float
    """
    from scipy.stats import bootstrap

    a, b = np.asarray(scores_a, dtype=np.float64), np.asarray(scores_b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"the two score vectors differ in shape: {a.shape} and {b.shape}.")
    if np.array_equal(a, b):
        return 0.0, 0.0, 0.0
    of = of or (lambda m: m)

    def statistic(x, y, axis=-1):
        return of(x.mean(axis=axis)) - of(y.mean(axis=axis))

    result = bootstrap(
        (a, b), statistic, paired=True, vectorized=True, n_resamples=n_resamples, batch=200,
        confidence_level=confidence, method="percentile", random_state=np.random.default_rng(random_state),
    )
    low, high = result.confidence_interval
    return float(of(a.mean()) - of(b.mean())), float(low), float(high)


def mcnemar_test(y_true, pred_a, pred_b):
    """McNemar's exact test: do A and B err on the same rows as often.

    Parameters
    ----------
    y_true, pred_a, pred_b : array-like of shape (n_samples,)
        The labels and the two models' predictions on the same rows.

    Returns
    -------
    a_only, b_only : int
        Rows only A gets right, rows only B gets right.
    p_value : float
        Two-sided exact p-value (1.0 when the two never disagree).

    Examples
    --------
    >>> mcnemar_test([1, 1, 1, 1, 0], [1, 1, 1, 1, 0], [0, 0, 0, 1, 0])
    (3, 0, 0.25)
    """
    from scipy.stats import binomtest

    a, b = _correct(y_true, pred_a).astype(bool), _correct(y_true, pred_b).astype(bool)
    a_only, b_only = int(np.sum(a & ~b)), int(np.sum(~a & b))
    if a_only + b_only == 0:
        return a_only, b_only, 1.0
    return a_only, b_only, float(binomtest(a_only, a_only + b_only, 0.5).pvalue)


def corrected_resampled_ttest(scores_a, scores_b, *, n_train, n_test):
    """Nadeau and Bengio's corrected resampled t-test over K folds.

    The per-fold differences' variance is scaled by ``1 / K + n_test /
    n_train`` instead of ``1 / K``, since the folds' training sets overlap.

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (K,)
        Per-fold scores of the two models, on the same folds.
    n_train, n_test : int
        Training and test rows of one fold.

    Returns
    -------
    t, p_value : float
        Two-sided, K - 1 degrees of freedom.
    """
    from scipy.stats import t as student

    d = np.asarray(scores_a, dtype=np.float64) - np.asarray(scores_b, dtype=np.float64)
    k = d.size
    if k < 2:
        raise ValueError(f"the corrected resampled t-test needs at least 2 folds, got {k}.")
    variance = d.var(ddof=1) * (1 / k + n_test / n_train)
    if variance == 0:
        return (0.0, 1.0) if d.mean() == 0 else (float(np.sign(d.mean()) * np.inf), 0.0)
    t = d.mean() / np.sqrt(variance)
    return float(t), float(2 * student.sf(abs(t), df=k - 1))


def verdict(name, baseline, difference, low, high, p_value, *, alpha=0.05, scale=100, unit="points", digits=2,
            higher_is_better=True):
    """Say in one sentence whether ``name`` is better than, worse than or level with ``baseline``.

    Significant when the interval excludes 0 and ``p_value < alpha``; when
    only one of the two holds, the sentence says which. The
    difference is shown times ``scale``, in ``unit``, with ``digits`` decimals: accuracy in points by
    default; ``higher_is_better=False`` for an error such as RMSE.

    >>> verdict("lstm", "tfidf", 0.02, 0.01, 0.03, 0.001)
    'lstm is significantly better than tfidf (+2.00 points, 95% interval +1.00 to +3.00, p = 0.001).'
    >>> verdict("lstm", "ridge", -0.1, -0.15, -0.05, 0.001, scale=1, unit="RMSE", digits=3, higher_is_better=False)
    'lstm is significantly better than ridge (-0.100 RMSE, 95% interval -0.150 to -0.050, p = 0.001).'
    >>> verdict("lstm", "tfidf", 0.002, -0.0001, 0.003, 0.03)
    'lstm and tfidf are not distinguishable at 5%: p is under 0.05 but the interval holds 0 (+0.20 points, ...).'
    """
    figures = (
        f"({scale * difference:+.{digits}f} {unit}, {100 * (1 - alpha):.0f}% interval {scale * low:+.{digits}f} to "
        f"{scale * high:+.{digits}f}, p = {p_value:.3g})"
    )
    above, below = ("better", "worse") if higher_is_better else ("worse", "better")
    excludes_zero, small_p = low > 0 or high < 0, p_value < alpha
    if excludes_zero and small_p:
        return f"{name} is significantly {above if low > 0 else below} than {baseline} {figures}."
    level = f"{name} and {baseline} are not distinguishable at {100 * alpha:.0f}%"
    if small_p:  # a borderline difference: say why a small p is not enough
        return f"{level}: p is under {alpha:g} but the interval holds 0 {figures}."
    if excludes_zero:
        return f"{level}: the interval excludes 0 but p is {alpha:g} or more {figures}."
    return f"{level} {figures}."
