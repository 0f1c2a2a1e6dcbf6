"""High-precision re-runs of a bandit EPG trajectory: the confirmation behind every "exceeded" status.

The re-run starts from the same float64 θ₁ and r (converted exactly) and repeats Theorem 2's update
θ_{t+1} = θ_t + η_t·∇_θ f_p(θ_t)ᵀr at ``digits`` decimal digits, with the gradient lambdified from the *derived*
Eq. (4) (``STATEMENTS["eq4"]``) and η_t from ``BOUNDS["thm2-ascent"].step_size`` (times ``step_scale``), so
neither the engine's kernels nor float64 enter. An exceedance is confirmed when the high-precision sub-optimality
at the same step also exceeds the bound.
"""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import sympy as sp

from theory import definitions
from theory.definitions import P
from theory.statements import BOUNDS, K_SYM, NORM, STATEMENTS

__all__ = ["DIGITS", "precise_suboptimality"]

DIGITS = 50


@functools.lru_cache(maxsize=None)
def _kernels(K: int):
    instance = STATEMENTS["eq4"].build(K)
    s = instance.setting
    gradient = sp.lambdify([*s.theta, *s.r, s.p], list(instance.derived), "mpmath")
    norm = sp.lambdify([*s.theta, s.p], definitions.p_norm(s.theta, s.p), "mpmath")
    policy = sp.lambdify([*s.theta, s.p], list(definitions.escort(s.theta, s.p)), "mpmath")
    step = sp.lambdify((NORM, P, K_SYM), BOUNDS["thm2-ascent"].step_size, "mpmath")
    return gradient, norm, policy, step


def precise_suboptimality(theta_1: np.ndarray, r: np.ndarray, p: float, steps: int, *, step_scale: float = 1.0,
                          digits: int = DIGITS) -> np.ndarray:
    """(π* − π_t)ᵀr for t = 1 … steps + 1 (index 0 is θ₁), computed at ``digits`` digits and returned as float64."""
    theta_1, r = np.asarray(theta_1, dtype=float), np.asarray(r, dtype=float)
    gradient, norm, policy, step = _kernels(theta_1.size)
    out = np.empty(steps + 1)
    with mpmath.workdps(digits):
        theta = [mpmath.mpf(float(x)) for x in theta_1]
        rewards = [mpmath.mpf(float(x)) for x in r]
        power, scale, best = mpmath.mpf(float(p)), mpmath.mpf(float(step_scale)), max(rewards)
        for t in range(steps + 1):
            pi = policy(*theta, power)
            out[t] = float(best - mpmath.fsum(q * x for q, x in zip(pi, rewards)))
            if t == steps:
                break
            eta = scale * step(norm(*theta, power), power, theta_1.size)
            theta = [x + eta * g for x, g in zip(theta, gradient(*theta, *rewards, power))]
    return out
