"""Escape times of Section 2 (Fig. 2, Theorem 1): when a run leaves the plateau of a sub-optimal corner for good.

Definition (Section 2, 'Escape time'): a run escapes at t₀ if (π* − π_t)ᵀr < 0.9·Δ for all t ≥ t₀, with
Δ = r(a*) − max_{a≠a*} r(a) the reward gap and t counted from 1 (θ₁ is the initial parameter).

Deciding "for all t ≥ t₀" on a finite run: let L be the last update count with (π* − π)ᵀr ≥ 0.9Δ (L = −1 if there is
none); the candidate is t₀ = L + 2 in the paper's 1-based count. A run is stopped, and its t₀ accepted, once it has
stayed below 0.9Δ for a further :data:`CONFIRMATION` = 1/4 of the steps it took to get there (t − L > (L + 1)/4); a
return above the level before that would have moved L. A run that has not met this test within ``max_steps`` gets
``inf``. For SPG with η ≤ 2/5 (= 1/β for the β = 5/2-smooth softmax objective with r ∈ [0, 1]^K, Mei et al. 2020) the
expected reward never decreases, so the first step below the level is already final and the test is exact.
"""

from __future__ import annotations

import numpy as np

from foundation.validation import InputError, check_count, check_probability
from numerics.engine.runs import stops, validate_bandit_run, execute

__all__ = ["CONFIRMATION", "escape_times"]

CONFIRMATION = 0.25
"""After reaching the level at step L + 1, a run must stay below it for CONFIRMATION·(L + 1) more steps."""


def escape_times(
    theta0: np.ndarray,
    r: np.ndarray,
    *,
    algorithm: str = "spg",
    eta: float = 0.4,
    p: float = 2.0,
    threshold: float = 0.9,
    max_steps: int,
    backend: str = "compiled",
) -> np.ndarray:
    """Escape time t₀ (1-based, float; ``inf`` if undecided within ``max_steps``) of each of the B runs.

    ``r`` (K,) or (B, K); the level is ``threshold``·Δ with Δ the gap between the best and second-best reward.

    >>> from numerics.environments.bandit import gap_rewards
    >>> escape_times(np.zeros((1, 2)), gap_rewards(2, gap=1.0, base=0.0), max_steps=100, backend="numpy")
    array([1.])
    """
    spec, theta, rewards, params = validate_bandit_run(algorithm, theta0, r, p, eta, 0.0, backend)
    level_fraction = check_probability(threshold, name="threshold")
    ordered = np.sort(rewards, axis=-1)
    gap = ordered[:, -1] - ordered[:, -2]
    if np.any(gap <= 0):
        raise InputError("r must have a unique optimal action (reward gap > 0) in every run for an escape time")
    if np.ptp(gap) > 0:
        raise InputError("every run must have the same reward gap, so that one level 0.9*gap applies to all runs")
    horizon = check_count(max_steps, name="max_steps", minimum=1)
    schedule = np.array([0, horizon], dtype=np.int64)
    result = execute(spec, theta, rewards, schedule, params, backend, level_fraction * float(gap[0]), CONFIRMATION)
    decided = stops(result.steps_run, result.last_above, CONFIRMATION)
    return np.where(decided, result.last_above + 2.0, np.inf)
