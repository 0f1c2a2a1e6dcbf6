"""Single-state MDPs (K-armed bandits with exact gradients): rewards, initial parameters, sub-optimality.

* gap form (Section 2, 'Escape time'):  r = (b + Δ, b, …, b) ∈ [0, 1]^K, reward gap Δ > 0, a* = 0;
* random form (Fig. 1, Section 6):       r(a) ~ Uniform[0, 1] independently;
* sub-optimality:                        (π* − π)ᵀr = r(a*) − πᵀr = Σ_a π(a)·(r(a*) − r(a)).

The last form is a sum of non-negative terms, so it keeps full relative accuracy down to 1e-300 near the
optimal vertex, where r(a*) − πᵀr would cancel to zero.

>>> gap_rewards(3, gap=0.5, base=0.25)
array([0.75, 0.25, 0.25])
>>> float(suboptimality(np.array([0.9, 0.1, 0.0]), gap_rewards(3, gap=0.5, base=0.25)))
0.05
"""

from __future__ import annotations

import numpy as np

from foundation.validation import (
    InputError,
    check_count,
    check_finite_array,
    check_index,
    check_num_actions,
    check_positive,
    check_probability,
)
from numerics.kernels.transforms import _escort_logits, _logsumexp, check_transform

__all__ = ["gap_rewards", "initial_parameters", "random_rewards", "same_policy_starts", "suboptimality"]


def gap_rewards(K: int, gap: float, base: float) -> np.ndarray:
    """r = (b + Δ, b, …, b) with a* = 0; needs 0 ≤ b and b + Δ ≤ 1 (rewards in [0, 1], Theorem 2)."""
    actions = check_num_actions(K)
    delta = check_positive(gap, name="gap")
    if not 0 <= base <= 1 - delta:
        raise InputError(f"base must lie in [0, 1 - gap] = [0, {1 - delta}] so that r is in [0, 1]^K; got {base!r}")
    r = np.full(actions, float(base))
    r[0] += delta
    return r


def random_rewards(rng: np.random.Generator, batch: int, K: int) -> np.ndarray:
    """Rewards of shape (batch, K) with independent Uniform[0, 1] entries (Fig. 1)."""
    return rng.uniform(0.0, 1.0, size=(check_count(batch, name="batch (number of runs)", minimum=1), check_num_actions(K)))


def initial_parameters(
    rng: np.random.Generator,
    batch: int,
    K: int,
    *,
    transform: str,
    p: float = 2.0,
    optimal_probability: float | None = None,
    optimal_action: int = 0,
) -> np.ndarray:
    """Random θ₁ of shape (batch, K); optionally with π_{θ₁}(a*) = ``optimal_probability`` to rounding.

    Entries are standard normal (logits for softmax, parameters with random signs for the escort). Given
    q = optimal_probability, the other K − 1 entries stay random and θ₁(a*) is solved for:

    * softmax:  θ(a*) = log(q/(1 − q)) + log Σ_{a≠a*} exp θ(a);
    * escort:   |θ(a*)| = exp{[log(q/(1 − q)) + log Σ_{a≠a*} |θ(a)|^p]/p}, with θ(a*)'s sign kept random.

    Both follow from π(a*)/(1 − π(a*)) = q/(1 − q) and are evaluated in the log domain, so q down to 1e-300
    is reached exactly.
    """
    runs, actions = check_count(batch, name="batch (number of runs)", minimum=1), check_num_actions(K)
    power = check_transform(transform, p)
    optimal_action = check_index(optimal_action, name="optimal_action", size=actions, what="index of the optimal action")
    theta = rng.standard_normal((runs, actions))
    if optimal_probability is None:
        return theta
    q = check_probability(optimal_probability, name="optimal_probability")
    rest = np.delete(theta, optimal_action, axis=1)
    logits = rest if transform == "softmax" else _escort_logits(rest, power)
    log_odds = np.log(q) - np.log1p(-q)
    target = log_odds + _logsumexp(logits)[:, 0]
    if transform == "softmax":
        theta[:, optimal_action] = target
    else:
        theta[:, optimal_action] = np.sign(theta[:, optimal_action]) * np.exp(target / power)
    return theta


def same_policy_starts(rng: np.random.Generator, shape: tuple[int, ...], *, p: float) -> dict[str, np.ndarray]:
    """Starts of equal policy for both transforms: softmax logits z ~ N(0, 1) and escort parameters exp(z/p),
    since f_p(exp(z/p)) = softmax(z) (Eq. (3))."""
    logits = rng.standard_normal(shape)
    return {"softmax": logits, "escort": np.exp(logits / p)}


def suboptimality(pi: np.ndarray, r: np.ndarray) -> np.ndarray:
    """(π* − π)ᵀr = Σ_a π(a)·(max r − r(a)) along the last axis; π (..., K), r (K,) or broadcastable."""
    policy = check_finite_array(pi, name="pi", ndim=range(1, 33))
    rewards = check_finite_array(r, name="r", ndim=range(1, 33))
    if rewards.shape[-1] != policy.shape[-1]:
        raise InputError(f"r must have {policy.shape[-1]} entries along its last axis, like pi; got {rewards.shape}")
    return suboptimality_unchecked(policy, rewards)


def suboptimality_unchecked(pi: np.ndarray, r: np.ndarray) -> np.ndarray:
    return np.sum(pi * (np.max(r, axis=-1, keepdims=True) - r), axis=-1)
