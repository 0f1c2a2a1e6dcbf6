"""Batched numpy forms of a transform: π(θ), its Jacobian dπ/dθ and Jᵀv, for θ of shape (..., K).

Source of each kernel, in order of preference: the transform's own ``fast`` / ``fast_jacobian``; a built-in numpy
kernel for the families softmax, escort (π from :mod:`numerics.kernels.transforms`, computed in the log domain) and
entmax; otherwise ``sympy.lambdify`` of :meth:`theory.transforms.Transform.expression`, its Jacobian and
∇_θ(vᵀπ) = Jᵀv (the product the gradient loops need: K expressions instead of K²). Each numpy kernel is an
optimisation of the SymPy definition, and the tests (and :func:`numerics.experiments.battery.symbolic.fast_agreement`)
cross-check them.

Jacobians: entry [..., i, j] = ∂π(i)/∂θ(j).

* softmax(θ/τ):  J = (diag π − ππᵀ)/τ.
* escort f_p:    J = p (diag π − ππᵀ) diag(1/θ)   (the transpose of Eq. (7)).
* α-entmax:      π(i) = (x(i) − τ)^n on the support S, x = (α−1)θ, n = 1/(α−1); differentiating Σπ = 1 gives
  J = diag(s) − s sᵀ/Σs with s(i) = π(i)^{2−α} on S and 0 off S (Peters et al. 2019, Prop. 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from foundation.validation import InputError
from numerics.kernels import transforms
from theory import definitions as d
from theory.transforms import Transform

__all__ = ["Kernels", "entmax", "entmax_jacobian", "escort_jacobian", "kernels", "softmax", "softmax_jacobian"]

Kernel = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Kernels:
    """π, dπ/dθ and the vector–Jacobian product (θ, v) ↦ Jᵀv of one transform, batched; where they came from."""

    transform: Transform
    pi: Kernel
    jacobian: Kernel
    vjp: Callable[[np.ndarray, np.ndarray], np.ndarray]
    source: str


def softmax(theta: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """softmax(θ/τ) along the last axis (:func:`numerics.kernels.transforms.softmax` of the rescaled logits)."""
    return transforms.softmax(theta / temperature)


def _covariance(pi: np.ndarray) -> np.ndarray:
    """diag(π) − ππᵀ, batched."""
    return pi[..., :, None] * (np.eye(pi.shape[-1]) - pi[..., None, :])


def softmax_jacobian(theta: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """(diag π − ππᵀ)/τ for π = softmax(θ/τ)."""
    return _covariance(softmax(theta, temperature)) / temperature


def escort_jacobian(theta: np.ndarray, p: float) -> np.ndarray:
    """p (diag π − ππᵀ) diag(1/θ): the transpose of Eq. (7)."""
    return p * _covariance(transforms.escort(theta, p)) / theta[..., None, :]


def _entmax_threshold(x_sorted: np.ndarray, degree: int) -> np.ndarray:
    """τ_k for every prefix k of the decreasingly sorted x: Σ_{i≤k}(x_(i) − τ_k)^degree = 1 (degree 1 or 2)."""
    k = np.arange(1, x_sorted.shape[-1] + 1)
    mean = np.cumsum(x_sorted, axis=-1) / k
    if degree == 1:
        return mean - 1 / k
    mean_square = np.cumsum(x_sorted**2, axis=-1) / k
    return mean - np.sqrt(np.maximum(1 / k - (mean_square - mean**2), 0.0))


def entmax(theta: np.ndarray, alpha: float) -> np.ndarray:
    """α-entmax for α ∈ {3/2, 2}, sort-based: the support is the largest prefix whose threshold τ_k < x_(k)."""
    degree = round(1 / (alpha - 1))
    x = (alpha - 1) * theta
    x_sorted = -np.sort(-x, axis=-1)
    tau_k = _entmax_threshold(x_sorted, degree)
    size = np.sum(tau_k < x_sorted, axis=-1, keepdims=True)
    tau = np.take_along_axis(tau_k, size - 1, axis=-1)
    return np.maximum(x - tau, 0.0) ** degree


def entmax_jacobian(theta: np.ndarray, alpha: float) -> np.ndarray:
    """diag(s) − s sᵀ/Σs with s = π^{2−α} on the support (0 elsewhere)."""
    pi = entmax(theta, alpha)
    s = np.where(pi > 0, pi ** (2 - alpha), 0.0)
    return s[..., :, None] * np.eye(pi.shape[-1]) - s[..., :, None] * s[..., None, :] / s.sum(axis=-1)[..., None, None]


_BUILTIN: dict[str, tuple[Callable[[np.ndarray, float], np.ndarray], Callable[[np.ndarray, float], np.ndarray]]] = {
    "softmax": (softmax, softmax_jacobian),
    "escort": (transforms.escort, escort_jacobian),
    "entmax": (entmax, entmax_jacobian),
}


def _stack(values: list, shape: tuple[int, ...]) -> np.ndarray:
    """Stack lambdified outputs (arrays or constants) into shape (..., len(values))."""
    return np.stack([np.broadcast_to(np.asarray(v, dtype=np.float64), shape) for v in values], axis=-1)


def _lambdified(expressions: list[sp.Expr], arguments: list[sp.Symbol]) -> Callable[..., np.ndarray]:
    """numpy function of arrays (..., len(arguments)) split in blocks, returning (..., len(expressions))."""
    function = sp.lambdify(arguments, expressions, modules="numpy", cse=True)

    def kernel(*blocks: np.ndarray) -> np.ndarray:
        blocks = np.broadcast_arrays(*(np.asarray(b, dtype=np.float64) for b in blocks))
        with np.errstate(divide="ignore", invalid="ignore"):
            columns = [column for block in blocks for column in np.moveaxis(block, -1, 0)]
            return _stack(function(*columns), blocks[0].shape[:-1])

    return kernel


def _lazy_jacobian(expression: sp.Matrix, theta: sp.Matrix) -> Kernel:
    """The lambdified K×K Jacobian, generated on first use (the loops only need vector–Jacobian products)."""
    cache: list[Callable[..., np.ndarray]] = []
    K = len(theta)

    def jacobian(values: np.ndarray) -> np.ndarray:
        if not cache:
            cache.append(_lambdified(list(d.jacobian(expression, theta)), list(theta)))
        return cache[0](values).reshape(*np.shape(values)[:-1], K, K)

    return jacobian


def kernels(t: Transform, K: int) -> Kernels:
    """The batched π, Jacobian and Jᵀv of ``t`` for K actions (given, built-in, or lambdified from the definition).

    Raises :class:`foundation.validation.InputError` if π does not map random points into the simplex.
    """
    return _checked(_kernels(t, K), K)


def _checked(kern: Kernels, K: int) -> Kernels:
    """Reject a transform whose π is not a probability vector of length K at random points (entries 1..2 in size)."""
    rng = np.random.default_rng(0)
    theta = rng.uniform(1, 2, size=(4, K)) * rng.choice([-1.0, 1.0], size=(4, K))
    pi, product = np.asarray(kern.pi(theta)), np.asarray(kern.vjp(theta, np.ones((4, K))))
    if pi.shape != (4, K) or product.shape != (4, K):
        raise InputError(f"transform {kern.transform.name!r} must map (..., {K}) to (..., {K}) with a (..., {K}, {K}) "
                         f"Jacobian; got shapes {pi.shape} and {product.shape} for π and Jᵀv")
    if not (np.all(np.isfinite(pi)) and np.all(pi >= 0) and np.allclose(pi.sum(axis=-1), 1, rtol=0, atol=1e-12)):
        raise InputError(f"transform {kern.transform.name!r} must map into the probability simplex "
                         f"(entries >= 0 summing to 1); got rows summing to {pi.sum(axis=-1)}")
    return kern


def _product(jacobian: Kernel) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    return lambda theta, v: np.einsum("...ij,...i->...j", jacobian(theta), v)


def _kernels(t: Transform, K: int) -> Kernels:
    if t.fast is not None:
        pi, source = t.fast, "given"
    elif t.family in _BUILTIN:
        pi, source = (lambda theta, f=_BUILTIN[t.family][0]: f(theta, t.parameter)), "built-in numpy"
    else:
        pi, source = None, "lambdified"
    if t.fast_jacobian is not None:
        jacobian = t.fast_jacobian
    elif t.family in _BUILTIN:
        jacobian = lambda theta, f=_BUILTIN[t.family][1]: f(theta, t.parameter)  # noqa: E731
    else:
        jacobian = None
    if pi is not None and jacobian is not None:
        return Kernels(t, pi, jacobian, _product(jacobian), source)
    if t.piecewise:
        raise InputError(f"transform {t.name!r} is piecewise: give both fast and fast_jacobian (numpy) kernels")
    theta = d.parameters(K)
    v = sp.Matrix(sp.symbols(f"v_1:{K + 1}", real=True))
    expression = t.expression(theta)
    if pi is None:
        pi = _lambdified(list(expression), list(theta))
    # Jᵀv = ∇_θ(vᵀπ): K expressions instead of K², what the gradient loops evaluate at every step
    vjp = _lambdified(list(d.gradient((v.T * expression)[0, 0], theta)), [*theta, *v])
    if jacobian is None:
        jacobian = _lazy_jacobian(expression, theta)
        source = f"{source}; Jacobian lambdified" if source != "lambdified" else source
        return Kernels(t, pi, jacobian, vjp, source)
    return Kernels(t, pi, jacobian, _product(jacobian), source)
