"""High-precision re-runs of an MDP EPG trajectory under Theorem 3's step: the confirmation of a multi-state
"exceeded" status.

The re-run starts from the same float64 θ₁, P, r, γ, μ, ρ (converted exactly) and works at ``digits`` decimal
digits throughout:

* π(·|s) = f_p(θ(s, ·)) (Eq. (3) per state) and the value V^π(μ) = μᵀ(I − γP_π)^{-1} r_π — the definitions of
  :mod:`theory.mdp` (``escort_policy``, ``state_values``), evaluated by an mpmath LU solve (a test compares the two);
* the gradient ∂V^π(μ)/∂θ(s, a) as the *derivative of that definition*, by the complex step
  Im V(μ)(θ + ih·e_{sa})/h with h = 10^{−digits/2}: no subtraction, so no cancellation, and a truncation error
  O(h²) = 10^{−digits} relative — neither the engine's policy-gradient formula nor float64 enters. |θ|^p is written
  (σθ)^p with σ the sign of θ(s, a), holomorphic near the real point (θ ≠ 0 on the whole run);
* η_t(s) from ``BOUNDS["thm3"].step_size``; θ(s, ·) is divided by ‖θ(s, ·)‖_p after each step as the engine does
  (π is homogeneous of degree 0, so the policies are the same either way);
* V*(ρ) = max over the A^S deterministic policies of ρᵀV^π (an optimal deterministic policy maximises every state's
  value at once, so it maximises ρᵀV too).

The cost is S·A + 1 complex S × S solves per step (≈ 5 ms at S = A = 3, 50 digits), so re-runs are capped.
"""

from __future__ import annotations

import functools
import itertools

import mpmath
import numpy as np
import sympy as sp

from theory.definitions import P
from theory.statements import A_SYM, BOUNDS, GAMMA, NORM

__all__ = ["DIGITS", "MAX_POLICIES", "precise_mdp_suboptimality", "precise_values"]

DIGITS = 50
MAX_POLICIES = 4096
"""The most deterministic policies A^S whose values are compared for V*(ρ)."""


@functools.lru_cache(maxsize=None)
def _step():
    return sp.lambdify((GAMMA, NORM, P, A_SYM), BOUNDS["thm3"].step_size, "mpmath")


def precise_values(P_table: list, r: list, gamma, policy: list) -> list:
    """V^π = (I − γP_π)^{-1} r_π at the current mpmath precision (real or complex entries of ``policy``)."""
    S, A = len(r), len(r[0])
    system = mpmath.matrix(S, S)
    reward = mpmath.matrix(S, 1)
    for s in range(S):
        reward[s] = mpmath.fsum(policy[s][a] * r[s][a] for a in range(A))
        for s2 in range(S):
            system[s, s2] = (1 if s == s2 else 0) - gamma * mpmath.fsum(policy[s][a] * P_table[s][a][s2]
                                                                        for a in range(A))
    solution = mpmath.lu_solve(system, reward)
    return [solution[s] for s in range(S)]


def _exact(array):
    """Nested lists of floats as mpf (exact conversions)."""
    return [_exact(x) for x in array] if isinstance(array, list) else mpmath.mpf(float(array))


def _policy(theta: list, signs: list, p) -> list:
    """f_p per state with |θ|^p written (σθ)^p, σ the sign of the real part (holomorphic for the complex step)."""
    rows = []
    for row, sign in zip(theta, signs):
        powers = [(x * s) ** p for x, s in zip(row, sign)]
        total = mpmath.fsum(powers)
        rows.append([x / total for x in powers])
    return rows


def _optimal_value(P_table: list, r: list, gamma, rho: list):
    S, A = len(r), len(r[0])
    if A**S > MAX_POLICIES:
        raise ValueError(f"V* by enumeration needs A^S <= {MAX_POLICIES} deterministic policies; got {A}^{S}")
    best = None
    for choice in itertools.product(range(A), repeat=S):
        policy = [[1 if a == choice[s] else 0 for a in range(A)] for s in range(S)]
        value = mpmath.fsum(q * v for q, v in zip(rho, precise_values(P_table, r, gamma, policy)))
        best = value if best is None else max(best, value)
    return best


def precise_mdp_suboptimality(P_table: np.ndarray, r: np.ndarray, gamma: float, mu: np.ndarray, rho: np.ndarray,
                              theta_1: np.ndarray, p: float, steps: int, *, digits: int = DIGITS) -> np.ndarray:
    """V*(ρ) − V^{π_t}(ρ) for t = 1 … steps + 1 (index 0 is θ₁) of EPG ascending V(μ) with Theorem 3's step,
    computed at ``digits`` digits and returned as float64."""
    S, A = np.shape(r)
    step = _step()
    out = np.empty(steps + 1)
    with mpmath.workdps(digits):
        table, rewards, start, weights, theta = (_exact(np.asarray(x, dtype=float).tolist())
                                                 for x in (P_table, r, mu, rho, theta_1))
        discount, power = mpmath.mpf(float(gamma)), mpmath.mpf(float(p))
        best = _optimal_value(table, rewards, discount, weights)
        h = mpmath.mpf(10) ** (-(digits // 2))
        for t in range(steps + 1):
            signs = [[1 if x > 0 else -1 for x in row] for row in theta]
            values = precise_values(table, rewards, discount, _policy(theta, signs, power))
            out[t] = float(best - mpmath.fsum(q * v for q, v in zip(weights, values)))
            if t == steps:
                break
            gradient = [[None] * A for _ in range(S)]
            for s, a in itertools.product(range(S), range(A)):
                shifted = [[x + (1j * h if (i, j) == (s, a) else 0) for j, x in enumerate(row)]
                           for i, row in enumerate(theta)]
                objective = mpmath.fsum(q * v for q, v in zip(start, precise_values(
                    table, rewards, discount, _policy(shifted, signs, power))))
                gradient[s][a] = mpmath.im(objective) / h
            for s in range(S):
                norm = mpmath.fsum(abs(x) ** power for x in theta[s]) ** (1 / power)
                eta = step(discount, norm, power, A)
                row = [x + eta * g for x, g in zip(theta[s], gradient[s])]
                scale = mpmath.fsum(abs(x) ** power for x in row) ** (1 / power)
                theta[s] = [x / scale for x in row]
    return out
