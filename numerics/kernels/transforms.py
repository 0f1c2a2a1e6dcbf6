"""Softmax and escort transforms θ ↦ π as batched numpy functions, computed in the log domain.

* softmax (Section 1):            π(a) = exp θ(a) / Σ_a' exp θ(a')
* escort f_p (Definition 1, Eq. (3)): π(a) = |θ(a)|^p / Σ_a' |θ(a')|^p = softmax(p·log|θ|)(a)
* p-norm:                          ‖θ‖_p = (Σ_a |θ(a)|^p)^{1/p}

The escort is evaluated as the softmax of z = p·log(|θ|/max|θ|). This is the main numerical trick of the module:
|θ|^p overflows for |θ| = 1e300 already at p = 2 and underflows for |θ| = 1e-300, while z stays below 1.5e6 in size
for every p ≤ 1e3, and the shifted log-sum-exp of z is exact up to rounding. Probabilities far below 1e-308 are then
still available exactly as logarithms (:func:`log_escort`).

Rule for θ(a) = 0: the escort of Eq. (3) is defined there (π(a) = 0) but its gradient (Eqs. (4)-(5)) is not
for p = 1, and Theorem 2 assumes |θ₁(a)| > 0. The public functions therefore reject a zero entry with
:class:`foundation.validation.InputError`; the private kernels (leading underscore) assume valid input and are what the
algorithms call in their step loops. The one exception is :func:`escort_at_kink`, for the classifier heads, whose
network outputs can be exactly 0: with m = max|θ|, ρ = |θ|/m, S = Σ ρ^p,

    π = ρ^p / S,   q(a) := p·π(a)/θ(a) = p·sgn θ(a)·ρ(a)^{p−1} / (m·S),

both finite at θ(a) = 0 (π(a) = 0; q(a) → 0 as θ(a) → 0 when p > 1, no limit when p = 1). q is the factor of
the escort's score, d log π(a_y)/dθ = (p/θ) ⊙ (y − π), that stays finite: π(a_y)·(p/θ) ⊙ (y − π) = q(a_y)·y − π(a_y)·q.

Shapes: θ has shape (..., K); every function works along ``axis`` (default the last).

>>> escort(np.array([1.0, -2.0]), 2)
array([0.2, 0.8])
>>> float(p_norm(np.array([3e300, 4e300]), 2))
5e+300
>>> log_escort(np.array([1e-300, 1.0]), 1000.0)[0]
np.float64(-690775.5278982137)
"""

from __future__ import annotations

import numpy as np

from foundation.validation import InputError, check_choice, check_escort_power, check_finite_array, check_nonzero_parameters

__all__ = [
    "TRANSFORMS",
    "check_transform",
    "escort",
    "escort_at_kink",
    "log_escort",
    "log_p_norm",
    "log_policy",
    "log_softmax",
    "p_norm",
    "policy",
    "softmax",
]

TRANSFORMS: tuple[str, ...] = ("softmax", "escort")
"""The two transforms of the paper, by the names every ``transform=`` argument accepts."""


def _logsumexp(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """log Σ exp z along ``axis`` (kept as a length-1 axis), shifted by the maximum so that exp never overflows."""
    top = np.max(z, axis=axis, keepdims=True)
    return top + np.log(np.sum(np.exp(z - top), axis=axis, keepdims=True))


def _log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """(z − max z) − log Σ exp(z − max z): the maximum is never added back, so no error of size ε·|max z|."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _escort_logits(theta: np.ndarray, p: float) -> np.ndarray:
    """z = p·log|θ|, so that f_p(θ) = softmax(z) (Eq. (3))."""
    return p * np.log(np.abs(theta))


def _p_norm(theta: np.ndarray, p: float, axis: int = -1) -> np.ndarray:
    """‖θ‖_p = m·(Σ_a (|θ(a)|/m)^p)^{1/p} with m = max_a |θ(a)|, kept as a length-1 axis.

    Scaling by m keeps every power in [0, 1] and the sum in [1, K]: no overflow, and no loss of accuracy to an
    exp(log ·) round trip.
    """
    magnitude = np.abs(theta)
    top = np.max(magnitude, axis=axis, keepdims=True)
    return top * np.sum((magnitude / top) ** p, axis=axis, keepdims=True) ** (1.0 / p)


def _shifted_escort_logits(theta: np.ndarray, p: float, axis: int = -1) -> np.ndarray:
    """z = p·log(|θ|/m), m = max|θ|: the escort logits up to a constant, which softmax ignores.

    Taking the log of the ratio rather than log|θ| − log m keeps the absolute error of z at ~p·ε·|log ratio|
    instead of ~p·ε·|log|θ||, i.e. 1e-16·p for entries comparable to the largest one even when |θ| ≈ 1e±300.
    Ratios below the smallest normal float (1e-308) would lose digits or underflow, and take the difference of
    logarithms instead.
    """
    magnitude = np.abs(theta)
    top = np.max(magnitude, axis=axis, keepdims=True)
    ratio = magnitude / top
    normal = ratio >= np.finfo(np.float64).tiny
    with np.errstate(divide="ignore"):
        return p * np.where(normal, np.log(np.where(normal, ratio, 1.0)), np.log(magnitude) - np.log(top))


def _log_p_norm(theta: np.ndarray, p: float, axis: int = -1) -> np.ndarray:
    """log ‖θ‖_p = log m + (1/p)·log Σ_a (|θ(a)|/m)^p, kept as a length-1 axis."""
    magnitude = np.abs(theta)
    top = np.max(magnitude, axis=axis, keepdims=True)
    return np.log(top) + np.log(np.sum((magnitude / top) ** p, axis=axis, keepdims=True)) / p


def _log_policy(theta: np.ndarray, transform: str, p: float) -> np.ndarray:
    """log π_θ for ``transform`` ∈ TRANSFORMS (unchecked kernel of :func:`log_policy`)."""
    return _log_softmax(theta if transform == "softmax" else _shifted_escort_logits(theta, p))


def _checked(theta: object, axis: int = -1) -> np.ndarray:
    array = check_finite_array(theta, name="theta", ndim=range(1, 33))
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -array.ndim <= axis < array.ndim:
        raise InputError(f"axis must be an integer in [{-array.ndim}, {array.ndim - 1}] for theta of shape "
                         f"{array.shape}; got {axis!r}")
    if array.shape[axis] == 0:
        raise InputError(f"theta must have at least one entry (action) along axis {axis}; got shape {array.shape}")
    return array


def _checked_escort(theta: object, p: float, axis: int) -> tuple[np.ndarray, float]:
    return check_nonzero_parameters(_checked(theta, axis)), check_escort_power(p)


def _checked_norm(theta: object, p: float, axis: int) -> tuple[np.ndarray, float]:
    array, power = _checked(theta, axis), check_escort_power(p)
    if np.any(np.all(array == 0, axis=axis)):
        raise InputError("theta must not be the zero vector along the norm axis (log ||0||_p is -inf)")
    return array, power


def softmax(theta: np.ndarray, axis: int = -1) -> np.ndarray:
    """π = softmax(θ) along ``axis``: π(a) = exp θ(a) / Σ_a' exp θ(a') (max-shifted, never overflows)."""
    array = _checked(theta, axis)
    return np.exp(_log_softmax(array, axis))


def log_softmax(theta: np.ndarray, axis: int = -1) -> np.ndarray:
    """log softmax(θ) = θ − log Σ_a exp θ(a), exact for logits of any finite size."""
    array = _checked(theta, axis)
    return _log_softmax(array, axis)


def escort(theta: np.ndarray, p: float, axis: int = -1) -> np.ndarray:
    """π = f_p(θ) (Definition 1, Eq. (3)) computed as softmax(p·log|θ|); θ(a) = 0 raises InputError."""
    array, power = _checked_escort(theta, p, axis)
    return np.exp(_log_softmax(_shifted_escort_logits(array, power, axis), axis))


def escort_at_kink(theta: np.ndarray, p: float, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """(π, q = p·π/θ) of the escort along ``axis``, also where θ(a) = 0 (module docstring): π = ρ^p/S and
    q = p·sgn θ·ρ^{p−1}/(m·S). q(a) is NaN where θ(a) = 0 and p = 1 (no limit there); a zero vector raises."""
    array, power = _checked_norm(theta, p, axis)
    m = np.max(np.abs(array), axis=axis, keepdims=True)
    rho = np.abs(array) / m
    total = np.sum(rho**power, axis=axis, keepdims=True)
    q = power * np.sign(array) * rho ** (power - 1) / (m * total)
    if power == 1:
        q = np.where(array == 0, np.nan, q)
    return rho**power / total, q


def log_escort(theta: np.ndarray, p: float, axis: int = -1) -> np.ndarray:
    """log f_p(θ) = p·log|θ| − log Σ_a |θ(a)|^p (Eq. (3)); finite for every nonzero finite θ and p ≤ 1e3."""
    array, power = _checked_escort(theta, p, axis)
    return _log_softmax(_shifted_escort_logits(array, power, axis), axis)


def log_p_norm(theta: np.ndarray, p: float, axis: int = -1) -> np.ndarray:
    """log ‖θ‖_p, finite even where ‖θ‖_p itself over- or underflows; ``axis`` is removed; zero entries allowed."""
    array, power = _checked_norm(theta, p, axis)
    return np.squeeze(_log_p_norm(array, power, axis), axis=axis)


def p_norm(theta: np.ndarray, p: float, axis: int = -1) -> np.ndarray:
    """‖θ‖_p = (Σ_a |θ(a)|^p)^{1/p} without forming |θ|^p (no overflow for |θ| up to 1e300, p up to 1e3).

    Zero entries are allowed (a norm is defined there); an all-zero θ is rejected.
    """
    array, power = _checked_norm(theta, p, axis)
    return np.squeeze(_p_norm(array, power, axis), axis=axis)


def check_transform(transform: str, p: float, theta: np.ndarray | None = None) -> float:
    """Validate a (transform, p) pair (and θ's entries for the escort); return p as a float.

    p is only read by the escort (it must be ≥ 1, Eq. (3)); θ must then have no zero entry. Softmax ignores p.
    """
    check_choice(transform, TRANSFORMS, name="transform")
    if transform == "softmax":
        return float(p)
    if theta is not None:
        check_nonzero_parameters(theta)
    return check_escort_power(p)


def log_policy(theta: np.ndarray, *, transform: str, p: float = 2.0) -> np.ndarray:
    """log π_θ along the last axis: :func:`log_softmax` or :func:`log_escort` by name."""
    array = _checked(theta)
    return _log_policy(array, transform, check_transform(transform, p, array))


def policy(theta: np.ndarray, *, transform: str, p: float = 2.0) -> np.ndarray:
    """π_θ along the last axis: :func:`softmax` or :func:`escort` (Eq. (3)) by name."""
    return np.exp(log_policy(theta, transform=transform, p=p))
