"""Aggregate statistics over repeated runs, as the RL evaluation community recommends (Agarwal et al., "Deep
Reinforcement Learning at the Edge of the Statistical Precipice", NeurIPS 2021; the ``rliable`` library).

Scores form a matrix x ∈ R^{N×M}: N runs (seeds) of one method on each of M tasks (M = 1 for a single setting).
A failed run may score ±inf (the worst value); the IQM stays finite while at most a quarter of the runs do.

* Interquartile mean: the mean of the middle half of all N·M scores,
      IQM(x) = mean of the sorted scores with ⌊NM/4⌋ removed at each end
  (``scipy.stats.trim_mean(·, 0.25)``, as ``rliable.metrics.aggregate_iqm``). Unlike the mean it ignores a few
  outlying runs; unlike the median it uses half of the runs, so its confidence intervals are narrower.
* Probability of improvement of method X over Y, averaged over tasks m,
      P(X > Y) = (1/M) Σ_m (1/(N_X N_Y)) Σ_{i,j} ( 1[x_im > y_jm] + ½ 1[x_im = y_jm] ),
  the Mann–Whitney U statistic divided by N_X·N_Y. "Better" means higher unless ``lower_is_better`` (errors,
  losses, hitting times), in which case the inequalities are reversed.
* Stratified bootstrap: a confidence interval for any such statistic from B resamples in which the runs of each
  task (and of each method) are drawn with replacement *separately*, so every resample keeps all M tasks and the
  run counts. The interval is the percentile interval (as ``rliable``'s default) of the B resampled statistics.

Why scipy and not ``rliable`` itself: ``rliable`` 1.2.0 (its last release, 2024) requires ``arch < 8``, seaborn
and absl-py only for this resampling; ``scipy.stats.bootstrap`` (scipy is already a dependency) resamples several
samples independently, which is exactly the stratified bootstrap, with a vectorised statistic.

>>> interquartile_mean([1, 2, 3, 4, 5, 6, 7, 1000])       # the middle half is 3, 4, 5, 6
4.5
>>> probability_of_improvement([1, 2], [0, 3])            # 2 of the 4 pairs have x > y
0.5
>>> probability_of_improvement([1, 2], [0, 3], lower_is_better=True)
0.5
>>> interval = iqm_interval([0.2, 0.2, 0.2, 0.2], seed=0)  # identical runs: no spread to resample
>>> interval.estimate, interval.low, interval.high
(0.2, 0.2, 0.2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from foundation.validation import InputError, check_probability

__all__ = [
    "Interval",
    "improvement_interval",
    "interquartile_mean",
    "iqm_interval",
    "probability_of_improvement",
    "stratified_bootstrap",
]

RESAMPLES = 2000
"""Bootstrap resamples per interval (``rliable``'s default for interval estimates)."""
CONFIDENCE = 0.95
"""Confidence level of every interval."""


@dataclass(frozen=True)
class Interval:
    """A point estimate and its stratified-bootstrap percentile confidence interval [low, high]."""

    estimate: float
    low: float
    high: float
    confidence: float = CONFIDENCE

    def excludes(self, value: float) -> bool:
        """True when ``value`` lies outside [low, high]."""
        return value < self.low or value > self.high


def _tasks(scores: object, *, name: str) -> list[np.ndarray]:
    """The columns (one per task) of a runs × tasks matrix, or one column for a 1-D array of runs."""
    try:
        array = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be an array of numbers (runs, or runs × tasks); got {scores!r}") from None
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise InputError(f"{name} must be a non-empty 1-D (runs) or 2-D (runs × tasks) array; got shape {array.shape}")
    if np.any(np.isnan(array)):
        raise InputError(f"{name} must contain only numbers (no NaN; ±inf is allowed, e.g. for a diverged run)")
    return list(array.T)


def _iqm(*columns: np.ndarray, axis: int = -1) -> np.ndarray:
    return stats.trim_mean(np.concatenate(columns, axis=axis), 0.25, axis=axis)


def _improvement(lower_is_better: bool) -> Callable[..., np.ndarray]:
    def statistic(*columns: np.ndarray, axis: int = -1) -> np.ndarray:
        half = len(columns) // 2
        per_task = []
        for x, y in zip(columns[:half], columns[half:]):
            x, y = np.moveaxis(x, axis, -1)[..., :, None], np.moveaxis(y, axis, -1)[..., None, :]
            better = (x < y) if lower_is_better else (x > y)
            per_task.append((better + 0.5 * (x == y)).mean(axis=(-2, -1)))
        return np.mean(per_task, axis=0)

    return statistic


def stratified_bootstrap(
    statistic: Callable[..., np.ndarray],
    samples: Sequence[np.ndarray],
    *,
    seed: int,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
) -> Interval:
    """``statistic(*samples)`` with a percentile interval from resampling each sample separately (module docstring).

    ``statistic`` must accept an ``axis`` keyword and reduce along it (scipy's vectorised convention).
    """
    check_probability(confidence, name="confidence")
    samples = [np.asarray(sample, dtype=float) for sample in samples]
    estimate = float(statistic(*samples, axis=-1))
    if all(np.all(sample == sample[0]) for sample in samples):
        return Interval(estimate, estimate, estimate, confidence)
    result = stats.bootstrap(
        samples, statistic, n_resamples=resamples, vectorized=True, confidence_level=confidence,
        method="percentile", random_state=np.random.default_rng(seed),
    )
    low, high = result.confidence_interval
    return Interval(estimate, float(low), float(high), confidence)


def interquartile_mean(scores: object) -> float:
    """IQM of all scores of a runs (× tasks) array (module docstring)."""
    return float(_iqm(*_tasks(scores, name="scores")))


def iqm_interval(scores: object, *, seed: int, confidence: float = CONFIDENCE) -> Interval:
    """IQM with its stratified-bootstrap confidence interval (runs resampled within each task)."""
    return stratified_bootstrap(_iqm, _tasks(scores, name="scores"), seed=seed, confidence=confidence)


def _pair(x: object, y: object) -> list[np.ndarray]:
    columns_x, columns_y = _tasks(x, name="x"), _tasks(y, name="y")
    if len(columns_x) != len(columns_y):
        raise InputError(f"x and y must have the same number of tasks (columns); got {len(columns_x)} and {len(columns_y)}")
    return columns_x + columns_y


def probability_of_improvement(x: object, y: object, *, lower_is_better: bool = False) -> float:
    """P(X > Y) (or P(X < Y) when ``lower_is_better``), ties counting one half, averaged over tasks."""
    return float(_improvement(lower_is_better)(*_pair(x, y)))


def improvement_interval(
    x: object, y: object, *, seed: int, lower_is_better: bool = False, confidence: float = CONFIDENCE
) -> Interval:
    """Probability of improvement of X over Y with its stratified-bootstrap interval (X and Y resampled apart)."""
    return stratified_bootstrap(_improvement(lower_is_better), _pair(x, y), seed=seed, confidence=confidence)
