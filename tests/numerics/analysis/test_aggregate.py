"""Known answers for the aggregate statistics of numerics.analysis.aggregate, and their failure on bad input."""

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.analysis.aggregate import (
    improvement_interval,
    interquartile_mean,
    iqm_interval,
    probability_of_improvement,
    stratified_bootstrap,
)


def test_iqm_is_the_mean_of_the_middle_half_and_ignores_outliers():
    assert interquartile_mean([1, 2, 3, 4, 5, 6, 7, 8]) == 4.5
    assert interquartile_mean([-1e9, 2, 3, 4, 5, 6, 7, 1e9]) == 4.5
    # ten runs: ⌊10/4⌋ = 2 cut at each end, the mean of the middle six
    assert interquartile_mean(np.arange(10.0)) == pytest.approx(4.5)
    assert interquartile_mean([0, 0, 0, 10, 10, 10, 10, 10]) == pytest.approx(7.5)


def test_iqm_over_tasks_pools_all_scores():
    scores = np.array([[1, 10], [2, 20], [3, 30], [4, 40]], dtype=float)  # 4 runs × 2 tasks
    assert interquartile_mean(scores) == pytest.approx(np.mean([3, 4, 10, 20]))


def test_probability_of_improvement_known_answers():
    assert probability_of_improvement([1, 2], [0, 3]) == 0.5
    assert probability_of_improvement([5, 6, 7], [1, 2]) == 1.0
    assert probability_of_improvement([5, 6, 7], [1, 2], lower_is_better=True) == 0.0
    assert probability_of_improvement([1, 1], [1, 1]) == 0.5
    assert probability_of_improvement([1, 2, 3], [2]) == pytest.approx(0.5)  # one win, one tie, one loss
    # averaged over tasks: task 0 always better, task 1 always worse
    assert probability_of_improvement([[2, 0], [3, 0]], [[1, 5], [1, 5]]) == 0.5


def test_bootstrap_interval_of_the_mean_matches_the_normal_theory_width():
    sample = np.random.default_rng(1).normal(size=400)
    interval = stratified_bootstrap(lambda x, axis: x.mean(axis=axis), [sample], seed=0)
    expected = 2 * 1.96 * sample.std(ddof=1) / np.sqrt(sample.size)
    assert interval.low < sample.mean() < interval.high
    assert interval.high - interval.low == pytest.approx(expected, rel=0.12)


def test_iqm_interval_covers_the_centre_of_a_symmetric_distribution_about_95_percent_of_the_time():
    rng = np.random.default_rng(2)
    covered = [not iqm_interval(rng.normal(size=20), seed=k).excludes(0.0) for k in range(200)]
    assert 0.87 <= np.mean(covered) <= 0.99


def test_resampling_is_stratified_by_task():
    # Task 0 scores are all 0, task 1 all 1: a resample within each task keeps the IQM at 0.5 exactly; pooling the
    # runs before resampling would not.
    scores = np.array([[0.0, 1.0]] * 4) + np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1e-9, 0.0]])
    interval = iqm_interval(scores, seed=0)
    assert interval.high - interval.low < 1e-8


def test_improvement_interval_separates_clearly_different_methods_and_not_equal_ones():
    rng = np.random.default_rng(3)
    better, worse = rng.normal(0.0, 1.0, 10), rng.normal(3.0, 1.0, 10)
    assert improvement_interval(better, worse, seed=0, lower_is_better=True).low > 0.5
    same_a, same_b = rng.normal(size=10), rng.normal(size=10)
    assert not improvement_interval(same_a, same_b, seed=0).excludes(0.5)


def test_interval_is_reproducible_for_a_seed():
    data = np.random.default_rng(4).normal(size=12)
    assert iqm_interval(data, seed=7) == iqm_interval(data, seed=7)


@pytest.mark.parametrize("bad", [[], [1.0, float("nan")], [[[1.0]]], "abc"])
def test_bad_scores_are_rejected(bad):
    with pytest.raises(InputError, match="scores"):
        interquartile_mean(bad)


def test_a_failed_run_scored_inf_is_outvoted_by_the_middle_half():
    assert interquartile_mean([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, float("inf")]) == 4.5
    assert probability_of_improvement([1.0, float("inf")], [2.0, 2.0], lower_is_better=True) == 0.5


def test_mismatched_task_counts_are_rejected():
    with pytest.raises(InputError, match="same number of tasks"):
        probability_of_improvement(np.ones((3, 2)), np.ones((3, 1)))


def test_confidence_outside_zero_one_is_rejected():
    with pytest.raises(InputError, match="confidence"):
        iqm_interval([1.0, 2.0], seed=0, confidence=1.5)
