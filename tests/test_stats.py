"""skrnn._stats against textbook cases and statsmodels."""

import numpy as np
import pytest

from skrnn._stats import corrected_resampled_ttest, mcnemar_test, paired_bootstrap, verdict


def rows_of_table(both, a_only, b_only, neither):
    """Labels and two prediction vectors whose 2x2 agreement table is the given one."""
    n = both + a_only + b_only + neither
    y = np.ones(n, dtype=int)
    a = np.r_[np.ones(both + a_only), np.zeros(b_only + neither)].astype(int)
    b = np.r_[np.ones(both), np.zeros(a_only), np.ones(b_only), np.zeros(neither)].astype(int)
    return y, a, b


@pytest.mark.parametrize("table", [(59, 6, 16, 80), (10, 0, 0, 5), (3, 9, 1, 2), (100, 25, 25, 0)])
def test_mcnemar_matches_statsmodels_exact(table):
    from statsmodels.stats.contingency_tables import mcnemar

    both, a_only, b_only, neither = table
    y, a, b = rows_of_table(*table)
    got = mcnemar_test(y, a, b)
    expected = mcnemar([[both, a_only], [b_only, neither]], exact=True).pvalue
    assert got[:2] == (a_only, b_only)
    assert got[2] == pytest.approx(min(expected, 1.0))


def test_mcnemar_textbook_value():
    # 6 and 16 discordant pairs: the exact two-sided p is 2 * P(X <= 6), X ~ Binomial(22, 1/2) = 0.0525.
    y, a, b = rows_of_table(59, 6, 16, 80)
    assert mcnemar_test(y, a, b)[2] == pytest.approx(0.05248, abs=1e-4)


def test_paired_bootstrap_covers_a_known_difference():
    rng = np.random.default_rng(0)
    n = 4000
    y = rng.integers(0, 2, n)
    right_a = rng.random(n) < 0.80  # A is right 80% of the time, B 70%: the true difference is 0.10
    right_b = rng.random(n) < 0.70
    a, b = np.where(right_a, y, 1 - y), np.where(right_b, y, 1 - y)
    diff, low, high = paired_bootstrap(y, a, b, n_resamples=1000)
    assert diff == pytest.approx(right_a.mean() - right_b.mean())
    assert low < 0.10 < high and high - low < 0.05
    same = paired_bootstrap(y, a, a)
    assert same == (0.0, 0.0, 0.0)


def test_corrected_resampled_ttest_by_hand():
    from scipy.stats import t as student

    a, b = np.array([0.82, 0.85, 0.80, 0.84, 0.83]), np.array([0.80, 0.84, 0.80, 0.81, 0.80])
    d = a - b
    t_expected = d.mean() / np.sqrt(d.var(ddof=1) * (1 / 5 + 200 / 800))
    t, p = corrected_resampled_ttest(a, b, n_train=800, n_test=200)
    assert t == pytest.approx(t_expected)
    assert p == pytest.approx(2 * student.sf(abs(t_expected), df=4))
    naive_t = d.mean() / np.sqrt(d.var(ddof=1) / 5)
    assert abs(t) < abs(naive_t)  # the correction widens the variance
    with pytest.raises(ValueError, match="at least 2 folds"):
        corrected_resampled_ttest([0.8], [0.7], n_train=10, n_test=2)


@pytest.mark.parametrize("low, high, p, word", [
    (0.01, 0.03, 0.01, "significantly better"),
    (-0.03, -0.01, 0.01, "significantly worse"),
    (-0.01, 0.03, 0.2, "not distinguishable at 5% (+1.00 points"),
    (0.001, 0.03, 0.07, "not distinguishable at 5%: the interval excludes 0 but p is 0.05 or more (+1.55 points"),
    (-0.0001, 0.0033, 0.03, "not distinguishable at 5%: p is under 0.05 but the interval holds 0 (+0.16 points"),
])
def test_verdict_says_it_in_words(low, high, p, word):
    assert word in verdict("rnn", "tfidf", (low + high) / 2, low, high, p)
