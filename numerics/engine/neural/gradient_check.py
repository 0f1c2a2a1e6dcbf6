"""Central finite differences for checking hand-derived gradients of a scalar function of parameter arrays.

For each entry w_i of each array, ∂L/∂w_i ≈ (L(w + h e_i) − L(w − h e_i)) / (2h), with truncation error
O(h²·|∂³L|) and rounding error O(ε_mach·|L|/h); h = 1e-6 balances the two for losses of order one in float64.
The comparison :func:`relative_error` is ‖g − ĝ‖₂ / max(‖g‖₂, ‖ĝ‖₂) over all arrays at once.

>>> import numpy as np
>>> w = [np.array([1.0, 2.0])]
>>> numeric = finite_difference_gradients(lambda: float(np.sum(w[0] ** 3)), w)
>>> relative_error([3 * w[0] ** 2], numeric) < 1e-8
True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["finite_difference_gradients", "relative_error"]


def finite_difference_gradients(
    loss: Callable[[], float], parameters: list[np.ndarray], *, step: float = 1e-6
) -> list[np.ndarray]:
    """Central differences of ``loss()`` with respect to every entry of ``parameters`` (perturbed in place)."""
    gradients = []
    for w in parameters:
        g = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            original = w[index]
            w[index] = original + step
            upper = loss()
            w[index] = original - step
            lower = loss()
            w[index] = original
            g[index] = (upper - lower) / (2 * step)
        gradients.append(g)
    return gradients


def relative_error(analytic: list[np.ndarray], numeric: list[np.ndarray]) -> float:
    """‖g − ĝ‖₂ / max(‖g‖₂, ‖ĝ‖₂, 1e-300) over the concatenation of all arrays."""
    a = np.concatenate([np.ravel(g) for g in analytic])
    b = np.concatenate([np.ravel(g) for g in numeric])
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300))
