"""Every step size numerics/ uses, lambdified from :data:`theory.statements.BOUNDS` (derived, never re-typed).

=====================  ==================  ====================================================================
function               RateBound           step
=====================  ==================  ====================================================================
theorem2_log_constant  ``thm2-ascent``     log η at ‖θ‖_p = 1: log(2/(9p²K^{1/p})); log η_t = 2 log‖θ_t‖_p + it
theorem2_step          ``thm2-ascent``     η_t = 2‖θ_t‖_p²/(9p²K^{1/p}) at given norms (sampled-action runs)
theorem3_step          ``thm3``            η_t(s) = (1−γ)³‖θ_t(s, ·)‖_p²/(10p²A^{2/p})
spg_mdp_step           ``thm3-spg``        (1−γ)³/8, SPG on a tabular MDP (Mei et al. 2020)
theorem4_log_denominator ``thm4``          log(10p²A^{1/p} + c_τ), c_τ = p²τ(4 + 8 log A) (the project's reading);
                                           log η_t = 2 log‖θ_t‖_p + 3 log(1−γ) − it (a bandit: γ = 0, A = K)
theorem5_step          ``thm5``            η_t = ‖θ_t‖_2²/(4(3 + c₁²)), c₁² = 1/π_{θ₁}(a_y)
sce_step               ``sce``             1/L = 2 (δ is ½-smooth)
theorem4_prefactor     ``thm4`` (bound)    ‖1/μ‖_∞(1 + τ log A)/(1 − γ)², Eq. (6) at t = 0
=====================  ==================  ====================================================================

The log forms split each step into its factors with SymPy (``expand_log``), so they stay finite where ‖θ‖_p²
overflows; tests/numerics/engine/test_step_sizes.py checks every function against the lambdified RateBound.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from theory import definitions as d
from theory.statements import A_SYM, BOUNDS, C1, GAMMA, INV_MU, K_SYM, NORM, T

__all__ = [
    "sce_step",
    "spg_mdp_step",
    "theorem2_log_constant",
    "theorem2_step",
    "theorem3_step",
    "theorem4_gamma_factor",
    "theorem4_log_denominator",
    "theorem4_prefactor",
    "theorem5_step",
]

_P, _TAU = d.P, d.TAU
_C1_SQUARED = sp.Symbol("c1_squared", positive=True)

_THM2 = BOUNDS["thm2-ascent"].step_size
_THM2_COEFFICIENT = _THM2.subs({NORM: 1, K_SYM: 1})
_THM2_STEP = sp.lambdify((NORM, _P, K_SYM), _THM2, "numpy")
_THM2_LOG_COEFFICIENT = sp.lambdify((_P,), sp.log(_THM2_COEFFICIENT), "numpy")
_THM2_LOG_K_FACTOR = sp.lambdify((_P, K_SYM), sp.expand_log(sp.log(_THM2.subs(NORM, 1) / _THM2_COEFFICIENT), force=True), "numpy")
_THM3 = sp.lambdify((GAMMA, NORM, _P, A_SYM), BOUNDS["thm3"].step_size, "numpy")
_SPG_MDP = sp.lambdify((GAMMA,), BOUNDS["thm3-spg"].step_size, "numpy")
_THM4 = BOUNDS["thm4"].step_size
_THM4_GAMMA_FACTOR = sp.lambdify((GAMMA,), sp.simplify(_THM4 / _THM4.subs(GAMMA, 0)), "numpy")
_THM4_DENOMINATOR = sp.lambdify((_P, A_SYM, _TAU), 1 / (_THM4 / NORM**2).subs(GAMMA, 0), "numpy")
_THM4_PREFACTOR = sp.lambdify((INV_MU, _TAU, A_SYM, GAMMA), BOUNDS["thm4"].bound.subs(T, 0), "numpy")
_THM5 = sp.lambdify((NORM, _C1_SQUARED), BOUNDS["thm5"].step_size.subs(C1**2, _C1_SQUARED), "numpy")
_SCE = float(BOUNDS["sce"].step_size)


def theorem2_log_constant(p: float, K: int) -> float:
    """log(2/(9p²K^{1/p})): Theorem 2's step at ‖θ‖_p = 1, from ``BOUNDS['thm2-ascent'].step_size``."""
    return float(_THM2_LOG_COEFFICIENT(p) + _THM2_LOG_K_FACTOR(p, K))


def theorem2_step(norm: np.ndarray | float, p: float, K: int) -> np.ndarray | float:
    """η_t = 2‖θ_t‖_p²/(9p²K^{1/p}) of Theorem 2 at the given norms, from ``BOUNDS['thm2-ascent'].step_size``."""
    return _THM2_STEP(norm, p, K)


def theorem3_step(norm: np.ndarray, *, gamma: float, p: float, A: int) -> np.ndarray:
    """η_t(s) = (1−γ)³‖θ_t(s, ·)‖_p²/(10p²A^{2/p}) of Theorem 3 at the given norms."""
    return _THM3(gamma, norm, p, A)


def spg_mdp_step(gamma: float) -> float:
    """SPG's theoretical step (1−γ)³/8 on a tabular MDP (Mei et al. 2020, Theorem 4)."""
    return float(_SPG_MDP(gamma))


def theorem4_log_denominator(p: float, A: int, tau: float) -> float:
    """log(10p²A^{1/p} + c_τ), c_τ = p²τ(4 + 8 log A): Theorem 4's step is (1−γ)³‖θ_t‖_p² over its exponential."""
    return float(np.log(_THM4_DENOMINATOR(p, A, tau)))


def theorem4_gamma_factor(gamma: float) -> float:
    """(1−γ)³: Theorem 4's step on an MDP over its bandit form (γ = 0)."""
    return float(_THM4_GAMMA_FACTOR(gamma))


def theorem4_prefactor(inv_mu: float, tau: float, A: int, gamma: float) -> float:
    """‖1/μ‖_∞(1 + τ log A)/(1 − γ)², the right-hand side of Eq. (6) at t = 0."""
    return float(_THM4_PREFACTOR(inv_mu, tau, A, gamma))


def theorem5_step(norm: np.ndarray, c1_squared: np.ndarray) -> np.ndarray:
    """η_t = ‖θ_t‖_2²/(4(3 + c₁²)) of Theorem 5."""
    return _THM5(norm, c1_squared)


def sce_step() -> float:
    """SCE's step 1/L = 2 (``BOUNDS['sce']``)."""
    return _SCE
