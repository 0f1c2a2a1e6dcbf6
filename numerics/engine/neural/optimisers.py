"""First-order optimisers that minimise a loss L(w) over a list of parameter arrays, updating them in place.

* plain gradient descent (the algorithm the paper's theorems analyse):   w ← w − η ∇L(w)
* heavy-ball SGD with momentum (Fig. 6):     m ← μ m + ∇L(w),   w ← w − η m
* Adam (Kingma & Ba 2015; Four-room, Fig. 5c):
      m ← β₁ m + (1 − β₁) ∇L,  v ← β₂ v + (1 − β₂) ∇L²,  w ← w − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)

To *ascend* an objective J, pass ∇L = −∇J.

>>> import numpy as np
>>> w = [np.array([1.0, -2.0])]
>>> optimiser = make_optimiser("gd", learning_rate=0.5)
>>> optimiser.step(w, [2 * w[0]])  # L(w) = ‖w‖²: η = 1/2 lands on the minimiser
>>> w[0]
array([0., 0.])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from foundation.validation import check_choice, check_positive

__all__ = ["OPTIMISERS", "Adam", "GradientDescent", "Optimiser", "SGDMomentum", "make_optimiser"]


@dataclass
class GradientDescent:
    """w ← w − η ∇L(w): the update of Theorems 1–5 (a constant η here)."""

    learning_rate: float

    def step(self, parameters: list[np.ndarray], gradients: list[np.ndarray]) -> None:
        for w, g in zip(parameters, gradients):
            w -= self.learning_rate * g


@dataclass
class SGDMomentum:
    """Heavy-ball momentum: m ← μ m + ∇L, w ← w − η m (in one pass over each array, :func:`_heavy_ball_step`)."""

    learning_rate: float
    momentum: float = 0.9
    _velocity: list[np.ndarray] = field(default_factory=list, repr=False)

    def step(self, parameters: list[np.ndarray], gradients: list[np.ndarray]) -> None:
        if not self._velocity:
            self._velocity = [np.zeros_like(w) for w in parameters]
        for w, g, m in zip(parameters, gradients, self._velocity):
            precision = w.dtype.type
            _heavy_ball_step(w, m, np.ascontiguousarray(g), precision(self.learning_rate),
                             precision(self.momentum))


@njit(cache=True)
def _heavy_ball_step(w: np.ndarray, m: np.ndarray, g: np.ndarray, rate: float, momentum: float) -> None:
    """m ← μ m + g, then w ← w − η m, elementwise and in place, for C-contiguous arrays (μ and η in w's precision).

    The roundings are numpy's ``m *= μ; m += g; w -= η * m`` (μ and η in the arrays' precision, no fused
    multiply-add), so the values are the same to the last bit; one pass instead of four over arrays that outgrow
    the cache (MNIST's 784 × 512 first layer: 0.23 ms instead of 0.54 ms per step in float32).
    """
    w, m, g = w.reshape(-1), m.reshape(-1), g.reshape(-1)
    for i in range(w.size):
        m[i] = m[i] * momentum + g[i]
        w[i] -= rate * m[i]


@dataclass
class Adam:
    """Adam with bias-corrected first and second moment estimates (module docstring)."""

    learning_rate: float
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    _first: list[np.ndarray] = field(default_factory=list, repr=False)
    _second: list[np.ndarray] = field(default_factory=list, repr=False)
    _t: int = field(default=0, repr=False)

    def step(self, parameters: list[np.ndarray], gradients: list[np.ndarray]) -> None:
        if not self._first:
            self._first = [np.zeros_like(w) for w in parameters]
            self._second = [np.zeros_like(w) for w in parameters]
        self._t += 1
        correction1 = 1.0 - self.beta1**self._t
        correction2 = 1.0 - self.beta2**self._t
        for w, g, m, v in zip(parameters, gradients, self._first, self._second):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            w -= self.learning_rate * (m / correction1) / (np.sqrt(v / correction2) + self.epsilon)


Optimiser = GradientDescent | SGDMomentum | Adam

OPTIMISERS: dict[str, type] = {"gd": GradientDescent, "momentum": SGDMomentum, "adam": Adam}
"""Optimiser name -> class."""


def make_optimiser(name: str, *, learning_rate: float) -> Optimiser:
    """A fresh optimiser ``name`` ('gd', 'momentum' with μ = 0.9, 'adam' with β = (0.9, 0.999)) and rate η."""
    check_choice(name, OPTIMISERS, name="optimiser")
    check_positive(learning_rate, name="learning_rate")
    return OPTIMISERS[name](learning_rate=float(learning_rate))
