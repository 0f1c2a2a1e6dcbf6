"""Exact gradients of the paper's single-state objectives, batched over leading axes (θ of shape (..., K)).

Every gradient has the form g(a) = s(a)·u(a): a *sensitivity* s(a) of π(a) to its own parameter times a
centred signal u. With π = softmax(θ), s(a) = π(a); with π = f_p(θ),

    s(a) = p·π(a)/θ(a) = p·sgn θ(a)·|θ(a)|^{p−1}/Σ_a' |θ(a')|^p            (Eq. (4))
         = p/‖θ‖_p·sgn θ(a)·π(a)^{1−1/p}                                  (Eq. (5), the same number)

* expected reward πᵀr:            u = r − πᵀr                          (Eq. (1) softmax, Eq. (5) escort)
* regularised πᵀr + τH(π):        u = r̃ − πᵀr̃, r̃ = r − τ log π        (Theorem 4's objective)
* cross entropy −log π(a_y):      g = π − y (softmax), p·diag(1/θ)(π − y) (escort)   (Section 5, Eq. (12))

Numerics (why the kernels stay finite and accurate for |θ| ∈ [1e-300, 1e300] and p ≤ 1e3):

* s(a) is formed as p·sgn θ(a)·exp(log π(a) − log|θ(a)|) from the log-domain policy of
  :mod:`numerics.kernels.transforms`, so neither |θ|^p nor 1/θ is ever formed on its own.
* r(a) − πᵀr is evaluated relative to the most probable action m,
  (r(a) − r(m)) − Σ_b π(b)(r(b) − r(m)): near a vertex (π(m) ≈ 1) the naive r(m) − πᵀr cancels
  catastrophically, while here the sum only collects the small terms.
* 1 − π(a_y) in the cross-entropy gradient is Σ_{b≠y} π(b), taken as a log-sum-exp of log π(b).

The public functions validate their input once; the private kernels (leading underscore) are what the step loops
of :mod:`numerics.engine` call. The SymPy forms they implement are ``eq1``, ``eq5``, ``ce-gradient-*`` and
``entropy-gradient-*`` in :data:`theory.statements.STATEMENTS`; the tests lambdify those and compare.

>>> reward_gradient(np.array([0.0, 0.0]), np.array([1.0, 0.0]), transform="softmax")
array([ 0.25, -0.25])
>>> reward_gradient(np.array([1.0, -1.0]), np.array([1.0, 0.0]), transform="escort", p=2.0)
array([0.5, 0.5])
"""

from __future__ import annotations

import numpy as np

from foundation.validation import InputError, check_finite_array, check_index, check_temperature
from numerics.kernels.transforms import _checked, _log_policy, _logsumexp, check_transform

__all__ = ["cross_entropy_gradient", "regularised_reward_gradient", "reward_gradient"]


def sensitivity(
    theta: np.ndarray, log_pi: np.ndarray, transform: str, p: float, log_scale: float | np.ndarray = 0.0
) -> np.ndarray:
    """e^{log_scale}·s(a): s(a) = π(a) for softmax, p·π(a)/θ(a) for the escort (Eq. (4)), in the log domain.

    ``log_scale`` lets a step size such as Theorem 2's 2‖θ‖_p²/(9p²K^{1/p}) enter inside the exponential, where
    ‖θ‖_p² cannot overflow.
    """
    if transform == "softmax":
        return np.exp(log_pi + log_scale)
    return p * np.sign(theta) * np.exp(log_pi - np.log(np.abs(theta)) + log_scale)


def centred(log_pi: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values − πᵀvalues along the last axis, referenced to the most probable action (no cancellation near a vertex)."""
    top = np.argmax(log_pi, axis=-1)[..., None]
    offset = values - np.take_along_axis(np.broadcast_to(values, log_pi.shape), top, axis=-1)
    return offset - np.sum(np.exp(log_pi) * offset, axis=-1, keepdims=True)


def reward_gradient_unchecked(theta: np.ndarray, r: np.ndarray, transform: str, p: float) -> np.ndarray:
    """d(πᵀr)/dθ = s ⊙ (r − πᵀr) (Eq. (1), Eq. (5)); unchecked kernel."""
    log_pi = _log_policy(theta, transform, p)
    return sensitivity(theta, log_pi, transform, p) * centred(log_pi, r)


def regularised_reward_gradient_unchecked(theta: np.ndarray, r: np.ndarray, tau: float, transform: str, p: float) -> np.ndarray:
    """d(πᵀr + τH(π))/dθ = s ⊙ (r̃ − πᵀr̃), r̃ = r − τ log π (Theorem 4's objective); unchecked kernel."""
    log_pi = _log_policy(theta, transform, p)
    return sensitivity(theta, log_pi, transform, p) * centred(log_pi, r - tau * log_pi)


def cross_entropy_gradient_unchecked(theta: np.ndarray, label: int, transform: str, p: float) -> np.ndarray:
    """d(−log π(a_y))/dθ = scale ⊙ (π − y), scale = 1 (softmax) or p/θ (escort, Eq. (12)); unchecked kernel.

    Off the label this is s(a); at the label it is −scale(a_y)·(1 − π(a_y)), 1 − π(a_y) = Σ_{b≠y} π(b).
    """
    log_pi = _log_policy(theta, transform, p)
    gradient = sensitivity(theta, log_pi, transform, p)
    others = log_pi.copy()
    others[..., label] = -np.inf
    log_rest = _logsumexp(others)[..., 0]
    if transform == "softmax":
        gradient[..., label] = -np.exp(log_rest)
    else:
        at_label = theta[..., label]
        gradient[..., label] = -p * np.sign(at_label) * np.exp(log_rest - np.log(np.abs(at_label)))
    return gradient


def _checked_rewards(r: object, K: int) -> np.ndarray:
    rewards = check_finite_array(r, name="r", ndim=range(1, 33))
    if rewards.shape[-1] != K:
        raise InputError(f"r must have K = {K} entries along its last axis (one per action); got shape {rewards.shape}")
    return rewards


def reward_gradient(theta: np.ndarray, r: np.ndarray, *, transform: str = "softmax", p: float = 2.0) -> np.ndarray:
    """Gradient of the expected reward θ ↦ π_θᵀr for π_θ = softmax(θ) (Eq. (1)) or f_p(θ) (Eq. (5)).

    softmax: g(a) = π(a)·[r(a) − πᵀr];  escort: g(a) = p/‖θ‖_p·sgn θ(a)·π(a)^{1−1/p}·[r(a) − πᵀr].
    ``r`` has shape (K,) or broadcasts against θ's (..., K).
    """
    array = _checked(theta)
    power = check_transform(transform, p, array)
    return reward_gradient_unchecked(array, _checked_rewards(r, array.shape[-1]), transform, power)


def regularised_reward_gradient(
    theta: np.ndarray, r: np.ndarray, tau: float, *, transform: str = "softmax", p: float = 2.0
) -> np.ndarray:
    """Gradient of πᵀr + τH(π) (Theorem 4's entropy-regularised objective, τ ≥ 0).

    g(a) = s(a)·[r̃(a) − πᵀr̃] with the soft reward r̃ = r − τ log π; s(a) = π(a) for softmax and p·π(a)/θ(a)
    for the escort (statements ``entropy-gradient-softmax`` / ``entropy-gradient-escort``).
    """
    array = _checked(theta)
    power = check_transform(transform, p, array)
    temperature = check_temperature(tau)
    return regularised_reward_gradient_unchecked(array, _checked_rewards(r, array.shape[-1]), temperature, transform, power)


def cross_entropy_gradient(
    theta: np.ndarray, label: int, *, transform: str = "softmax", p: float = 2.0
) -> np.ndarray:
    """Gradient of the cross entropy θ ↦ −log π_θ(a_y) for the one-hot label a_y = ``label`` (0-based).

    softmax: π − y (Section 5);  escort: p·diag(1/θ)(π − y) (Eq. (12)).
    """
    array = _checked(theta)
    power = check_transform(transform, p, array)
    K = array.shape[-1]
    label = check_index(label, name="label", size=K, what="index of the true class")
    return cross_entropy_gradient_unchecked(array, label, transform, power)
