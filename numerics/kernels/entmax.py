"""α-entmax θ ↦ π for any α > 1, batched along the last axis, with its Jacobian and vector–Jacobian product.

α-entmax (Peters, Niculae & Martins 2019) maximises πᵀθ + H_α(π) over the simplex (H_α: Tsallis entropy);
its solution is

    π(a) = [(α−1)θ(a) − τ]_+^{1/(α−1)},  τ fixed by Σ_a π(a) = 1;

α = 2 is sparsemax (Martins & Astudillo 2016), α → 1 tends to softmax (not accepted here: use softmax).

Numerics (every step keeps π exactly what the definition gives, up to rounding of O(1) numbers):

* **Shift.** θ ↦ θ + c moves τ by (α−1)c and leaves π unchanged, so x = (α−1)(θ − max θ) is used: max x = 0.
* **Range of τ.** π(argmax) = (−τ)^{1/(α−1)} lies in [1/K, 1], so τ ∈ [−1, −K^{1−α}].
* **Clipping.** An entry with x < −1 lies below τ, so it is off the support and contributes nothing to Σπ;
  replacing it by −1 changes neither τ nor π. Then every x ∈ [−1, 0]: no square of a huge entry can overflow
  and no large offset can cancel (``entmax(1e8 + [0, .5, 1], 1.5)`` and ``entmax([1e16, 1e16 + 2], 2)`` are
  as accurate as without the offset).
* **Threshold.** α ∈ {2, 3/2} (degree d = 1/(α−1) ∈ {1, 2}): sort x decreasingly; the support is the top k for
  the largest k with Σ_{i<k} (x_(i) − x_(k))^d < 1 (equivalently τ_k < x_(k)); τ then solves the degree-d equation
  on the support in closed form, with the two-pass variance Σ_S (x − mean_S)² (no mean-of-squares cancellation).
  Any other α: bisection on τ ∈ [−1, −K^{1−α}] to the last bit (64 halvings of a width ≤ 1), the method of
  Blondel, Martins & Niculae (2020, ``entmax_bisect``). π is renormalised to Σπ = 1 in both cases.

Jacobian (Peters et al. 2019, Prop. 1; from differentiating Σπ = 1): with s(a) = π(a)^{2−α} on the support and 0
off it, J = dπ/dθ = diag(s) − s sᵀ/Σs (symmetric), so Jᵀv = s ⊙ v − s·(sᵀv)/Σs costs O(K) per row, never K².

dtype: the computation runs in float64; floating input (float32, float64) gets π in its own dtype.

>>> entmax(np.array([0.0, 0.5, 1.0]) + 1e8, 1.5).round(5)
array([0.08414, 0.29167, 0.6242 ])
>>> entmax(np.array([1e16, 1e16 + 2]), 2)
array([0., 1.])
"""

from __future__ import annotations

import numpy as np

from foundation.validation import InputError, check_entmax_alpha, check_finite_array

__all__ = ["entmax", "entmax_jacobian", "entmax_vjp", "sparsemax"]

_CLOSED_FORM = {2.0: 1, 1.5: 2}
"""α with a closed-form threshold on each support, and its degree 1/(α−1)."""
_HALVINGS = 64


def _checked(theta: object) -> tuple[np.ndarray, np.dtype]:
    """θ as float64 with at least one axis of at least one entry, and the dtype π is returned in."""
    dtype = np.asarray(theta).dtype
    array = check_finite_array(theta, name="theta", ndim=range(1, 33))
    if array.shape[-1] == 0:
        raise InputError(f"theta must have at least one entry (action) along its last axis; got shape {array.shape}")
    return array, dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def _shifted(theta: np.ndarray, alpha: float) -> np.ndarray:
    """x = (α−1)(θ − max θ), clipped below at −1 (see the module docstring: shift and clipping)."""
    with np.errstate(over="ignore"):  # a difference beyond 1.8e308 is −inf, clipped to −1 like any x < −1
        return np.maximum((alpha - 1) * (theta - theta.max(axis=-1, keepdims=True)), -1.0)


def _closed_form_threshold(x: np.ndarray, degree: int) -> np.ndarray:
    """τ (shape (..., 1)) for degree 1 or 2: support from the sort rule, then the closed form on the support."""
    x_sorted = -np.sort(-x, axis=-1)
    k = np.arange(1, x.shape[-1] + 1)
    if degree == 1:
        # Σ_{i<k}(x_(i) − x_(k)) = S_k − k·x_(k); all terms are O(1) after the shift and clip
        excess = np.cumsum(x_sorted, axis=-1) - k * x_sorted
    else:
        # Σ_{i<k}(x_(i) − x_(k))² = Q_k − 2 x_(k) S_k + k x_(k)², formed from differences to x_(k) that are in [0, 1]
        mean = np.cumsum(x_sorted, axis=-1) / k
        spread = np.cumsum(x_sorted**2, axis=-1) / k - mean**2
        excess = k * (np.maximum(spread, 0.0) + (mean - x_sorted) ** 2)
    size = np.sum(excess < 1, axis=-1, keepdims=True)
    support = x >= np.take_along_axis(x_sorted, size - 1, axis=-1)
    count = np.sum(support, axis=-1, keepdims=True)
    mean = np.sum(np.where(support, x, 0.0), axis=-1, keepdims=True) / count
    if degree == 1:
        return mean - 1 / count
    spread = np.sum(np.where(support, (x - mean) ** 2, 0.0), axis=-1, keepdims=True)
    return mean - np.sqrt(np.maximum(1 - spread, 0.0) / count)


def _bisected_threshold(x: np.ndarray, alpha: float) -> np.ndarray:
    """τ (shape (..., 1)) with Σ[x − τ]_+^{1/(α−1)} = 1, by bisection on [−1, −K^{1−α}]."""
    degree = 1 / (alpha - 1)
    low = np.full(x.shape[:-1] + (1,), -1.0)
    high = np.full_like(low, -float(x.shape[-1]) ** (1 - alpha))
    for _ in range(_HALVINGS):
        middle = (low + high) / 2
        above = np.sum(np.maximum(x - middle, 0.0) ** degree, axis=-1, keepdims=True) >= 1
        low, high = np.where(above, middle, low), np.where(above, high, middle)
    return low


def _entmax(theta: np.ndarray, alpha: float) -> np.ndarray:
    """α-entmax of finite float64 θ (unchecked kernel of :func:`entmax`)."""
    x = _shifted(theta, alpha)
    degree = _CLOSED_FORM.get(alpha)
    tau = _closed_form_threshold(x, degree) if degree else _bisected_threshold(x, alpha)
    pi = np.maximum(x - tau, 0.0) ** (1 / (alpha - 1))
    return pi / pi.sum(axis=-1, keepdims=True)


def entmax(theta: np.ndarray, alpha: float) -> np.ndarray:
    """π = α-entmax(θ) along the last axis, for any α > 1 (see the module docstring)."""
    array, dtype = _checked(theta)
    return _entmax(array, check_entmax_alpha(alpha)).astype(dtype, copy=False)


def sparsemax(theta: np.ndarray) -> np.ndarray:
    """π = sparsemax(θ) = 2-entmax(θ): the Euclidean projection of θ onto the simplex (Martins & Astudillo 2016)."""
    return entmax(theta, 2.0)


def _weights(theta: np.ndarray, alpha: float) -> np.ndarray:
    """s = π^{2−α} on the support, 0 off it (the building block of J)."""
    pi = _entmax(theta, alpha)
    with np.errstate(divide="ignore"):
        return np.where(pi > 0, pi ** (2 - alpha), 0.0)


def entmax_jacobian(theta: np.ndarray, alpha: float) -> np.ndarray:
    """dπ/dθ = diag(s) − s sᵀ/Σs, shape (..., K, K) (only for inspection: the loops use :func:`entmax_vjp`)."""
    array, dtype = _checked(theta)
    s = _weights(array, check_entmax_alpha(alpha))
    K = s.shape[-1]
    jacobian = s[..., :, None] * np.eye(K) - s[..., :, None] * s[..., None, :] / s.sum(axis=-1)[..., None, None]
    return jacobian.astype(dtype, copy=False)


def entmax_vjp(theta: np.ndarray, v: np.ndarray, alpha: float) -> np.ndarray:
    """Jᵀv = s ⊙ v − s·(sᵀv)/Σs for rows of θ and v (broadcast), without forming the K×K Jacobian."""
    array, dtype = _checked(theta)
    vector = check_finite_array(v, name="v")
    s = _weights(array, check_entmax_alpha(alpha))
    product = s * vector - s * np.sum(s * vector, axis=-1, keepdims=True) / s.sum(axis=-1, keepdims=True)
    return product.astype(dtype, copy=False)
