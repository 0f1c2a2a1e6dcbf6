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
* α-entmax:      J = diag(s) − s sᵀ/Σs, s = π^{2−α} on the support (:mod:`numerics.kernels.entmax`).

The built-in vector–Jacobian products apply these forms to v in O(K) per row, never forming the K×K matrix.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from foundation.validation import InputError
from numerics.kernels import transforms
from numerics.kernels.entmax import entmax, entmax_jacobian, entmax_vjp
from theory import definitions as d
from theory.transforms import Transform

__all__ = [
    "KernelError", "Kernels", "escort_jacobian", "escort_vjp", "kernels", "softmax", "softmax_jacobian", "softmax_vjp",
]

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
    return transforms.softmax(np.asarray(theta) / temperature)


def _covariance(pi: np.ndarray) -> np.ndarray:
    """diag(π) − ππᵀ, batched."""
    return pi[..., :, None] * (np.eye(pi.shape[-1]) - pi[..., None, :])


def _centred(pi: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(diag π − ππᵀ)v = π ⊙ (v − πᵀv), batched, without the K×K matrix."""
    return pi * (v - np.sum(pi * v, axis=-1, keepdims=True))


def softmax_jacobian(theta: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """(diag π − ππᵀ)/τ for π = softmax(θ/τ)."""
    return _covariance(softmax(theta, temperature)) / temperature


def softmax_vjp(theta: np.ndarray, v: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Jᵀv = π ⊙ (v − πᵀv)/τ (J is symmetric)."""
    return _centred(softmax(theta, temperature), v) / temperature


def escort_jacobian(theta: np.ndarray, p: float) -> np.ndarray:
    """p (diag π − ππᵀ) diag(1/θ): the transpose of Eq. (7)."""
    return p * _covariance(transforms.escort(theta, p)) / theta[..., None, :]


def escort_vjp(theta: np.ndarray, v: np.ndarray, p: float) -> np.ndarray:
    """Jᵀv = p·π ⊙ (v − πᵀv)/θ (Eq. (7) applied to v)."""
    return p * _centred(transforms.escort(theta, p), v) / theta


_BUILTIN: dict[str, tuple[Callable[[np.ndarray, float], np.ndarray], Callable[[np.ndarray, float], np.ndarray],
                          Callable[[np.ndarray, np.ndarray, float], np.ndarray]]] = {
    "softmax": (softmax, softmax_jacobian, softmax_vjp),
    "escort": (transforms.escort, escort_jacobian, escort_vjp),
    "entmax": (entmax, entmax_jacobian, entmax_vjp),
}


def _stack(values: list, shape: tuple[int, ...]) -> np.ndarray:
    """Stack lambdified outputs (arrays or constants) into shape (..., len(values))."""
    return np.stack([np.broadcast_to(np.asarray(v, dtype=np.float64), shape) for v in values], axis=-1)


def _lambdified(expressions: list[sp.Expr], arguments: list[sp.Symbol]) -> Callable[..., np.ndarray]:
    """numpy function of arrays (..., len(arguments)) split in blocks, returning (..., len(expressions))."""
    function = sp.lambdify(arguments, expressions, modules="numpy", cse=True)

    def kernel(*blocks: np.ndarray) -> np.ndarray:
        blocks = np.broadcast_arrays(*(np.asarray(b, dtype=np.float64) for b in blocks))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # the guard names a non-finite value
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
    return _checked(_guarded(_kernels(t, K)), K)


class KernelError(InputError):
    """A kernel returned a non-finite value at a finite θ: a failure of the numpy kernel (overflow, 0/0), not a
    property of the transform; the CLI reports it with exit code 2."""


def _finite(kern: Kernels, what: str, theta: np.ndarray, values: np.ndarray) -> np.ndarray:
    values = np.asarray(values)
    if not np.all(np.isfinite(values)):
        row = np.argwhere(~np.isfinite(values))[0][:-1]
        point = np.asarray(theta)[tuple(row)] if np.ndim(theta) > 1 else np.asarray(theta)
        raise KernelError(f"the {kern.source} kernel {what} of transform {kern.transform.name!r} is not finite at "
                          f"θ = {np.array2string(point, precision=6, separator=', ')}: the kernel fails there "
                          f"(overflow or 0/0), not the transform; give fast= kernels or a stabler formula")
    return values


def _guarded(kern: Kernels) -> Kernels:
    """``kern`` whose π, Jacobian and Jᵀv raise :class:`KernelError` instead of returning NaN or ±inf."""
    return dataclasses.replace(
        kern,
        pi=lambda theta: _finite(kern, "π", theta, kern.pi(theta)),
        jacobian=lambda theta: _finite(kern, "dπ/dθ", theta, kern.jacobian(theta)),
        vjp=lambda theta, v: _finite(kern, "Jᵀv", theta, kern.vjp(theta, v)),
    )


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


def _builtin(t: Transform) -> Kernels:
    pi, jacobian, product = _BUILTIN[t.family]
    return Kernels(t, lambda theta: pi(theta, t.parameter), lambda theta: jacobian(theta, t.parameter),
                   lambda theta, v: product(theta, v, t.parameter), "built-in numpy")


def _kernels(t: Transform, K: int) -> Kernels:
    if t.fast is None and t.fast_jacobian is None and t.family in _BUILTIN:
        return _builtin(t)
    pi, source = (t.fast, "given") if t.fast is not None else (None, "lambdified")
    jacobian = t.fast_jacobian
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
