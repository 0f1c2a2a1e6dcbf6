"""The bandit problem on which the questions measure the gravity well: a policy that starts in a trap.

Rewards: r(a*) = 1 for a* = 0 and r(a) ~ U[0, 0.9] for the K − 1 other actions, drawn per run; the trap is the
best suboptimal action ā = argmax_{a ≠ a*} r(a). The initial policy puts π₁(ā) = 0.9 on the trap, a chosen
π₁(a*) < 0.1 on the optimal action and the rest, 0.1 − π₁(a*), evenly on the K − 2 others: π₁ lies near the
corner of a suboptimal vertex, Theorem 1's situation.

Softmax and escort start from the *same* policy: θ = log π₁ (softmax) and θ = π₁^{1/p} (escort, ‖θ‖_p = 1).
The escape step is the first recorded step with π_t(a*) ≥ 1/2.

>>> problem = trap_problem(3, runs=2, optimal_probability=0.01, rng=np.random.default_rng(0))
>>> problem.initial_policy.sum(axis=1)
array([1., 1.])
>>> bool(np.allclose(problem.initial_policy[:, 0], 0.01))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import InputError, check_num_actions

__all__ = [
    "ESCAPE_LEVEL", "TRAP_MASS", "TrapProblem", "parameters_for", "trap_problem", "uniform_problem",
]

ESCAPE_LEVEL = 0.5
"""A run has escaped the trap once π_t(a*) ≥ 1/2 (read by :func:`numerics.analysis.first_hit.first_hit`)."""

TRAP_MASS = 0.9
"""Probability on the trap action at the start (the remaining mass, less π₁(a*), is spread evenly)."""


@dataclass(frozen=True)
class TrapProblem:
    """Per-run rewards r (R, K), with r(a*) = 1 at a* = 0, and the initial policies π₁ (R, K)."""

    rewards: np.ndarray
    initial_policy: np.ndarray

    @property
    def gap(self) -> np.ndarray:
        """Δ = r(a*) − max_{a ≠ a*} r(a) per run."""
        return self.rewards[:, 0] - self.rewards[:, 1:].max(axis=1)


def _rewards(K: int, runs: int, rng: np.random.Generator) -> np.ndarray:
    rewards = rng.uniform(0.0, 0.9, size=(runs, K))
    rewards[:, 0] = 1.0
    return rewards


def trap_problem(K: int, *, runs: int, optimal_probability: float, rng: np.random.Generator) -> TrapProblem:
    """Random rewards and π₁ with π₁(a*) = ``optimal_probability`` < 0.1, π₁(trap) = 0.9 (K = 2: 1 − π₁(a*))."""
    K = check_num_actions(K)
    if not 0 < optimal_probability < 1 - TRAP_MASS:
        raise InputError(f"optimal_probability must lie in (0, {1 - TRAP_MASS:g}); got {optimal_probability!r}")
    rewards = _rewards(K, runs, rng)
    trap = 1 + np.argmax(rewards[:, 1:], axis=1)
    policy = np.zeros((runs, K))
    if K > 2:
        policy[:, 1:] = (1 - TRAP_MASS - optimal_probability) / (K - 2)
        policy[np.arange(runs), trap] = TRAP_MASS
    else:
        policy[:, 1] = 1 - optimal_probability
    policy[:, 0] = optimal_probability
    return TrapProblem(rewards, policy)


def uniform_problem(K: int, *, runs: int, rng: np.random.Generator) -> TrapProblem:
    """The same random rewards with the uniform initial policy π₁ = 1/K (reviewer 2's suggestion)."""
    K = check_num_actions(K)
    return TrapProblem(_rewards(K, runs, rng), np.full((runs, K), 1.0 / K))


def parameters_for(policy: np.ndarray, *, transform: str, p: float = 2.0) -> np.ndarray:
    """θ with π_θ = ``policy``: log π for softmax, π^{1/p} (so ‖θ‖_p = 1) for the escort f_p."""
    return np.log(policy) if transform == "softmax" else policy ** (1.0 / p)
