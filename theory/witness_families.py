"""Existential statements for every K: parametric witness families, proved symbolically.

**Proposition 1.**
Proposition 1 says θ ↦ f_p(θ)ᵀr is not concave. The family: θ = (1, …, 1) (so π = 1/K for every p) and
r = e_1 ∈ [0, 1]^K. With the index-form Hessian entries of :mod:`theory.index_form` (derivation
``prop1-hessian``, valid for every K) evaluated there — K is a symbol, the other actions' sums are R = K − 1
(or K − 2) and Q = Σ_{others} w_c r(c) — the quadratic form xᵀHx is positive for

* x = e_2 (an unrewarded action) when p(K − 2) < K:  H_22 = p·(K + 2p − pK)/K³;
* x = e_1 when p(K − 2) > K:                        H_11 = p(K − 1)·(pK − K − 2p)/K³;
* x = e_1 − e_2 when p(K − 2) = K (K = 2p/(p − 1)):  H_11 + H_22 − 2H_12 = 2p/K²,

so λ_max(H) ≥ xᵀHx/xᵀx > 0 for every K ≥ 2 and every p > 0 (the paper states p ≥ 1).

**Smoothness fails for 1 < p < 2** (the step sizes of Theorems 2 and 3 need p = 1 or p ≥ 2). The diagonal entry
H_aa of the same Hessian, with w = |θ(a)|^p and the other actions fixed (R > 0, Q), satisfies

    H_aa·|θ(a)|^{2−p} → p(p − 1)(r(a)·R − Q)/R²   as θ(a) → 0,

which is non-zero for p ≠ 1 and r(a) ≠ Q/R (the other actions' mean reward). For 1 < p < 2, |θ(a)|^{p−2} → ∞, so
|λ|_max ≥ |H_aa| → ∞, while ‖θ‖_p² → R^{2/p} keeps the bound 9p²K^{1/p}/(2‖θ‖_p²) (or Theorem 3's) finite: the
implied smoothness fails near θ(a) = 0, for every K ≥ 2.

>>> verify_prop1_family().established
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from theory.index_form import DERIVATIONS, IndexSymbols

__all__ = ["FamilyProof", "prop1_quadratic_forms", "smoothness_blowup", "verify_prop1_family"]

K = sp.Symbol("K", positive=True)


@dataclass(frozen=True)
class FamilyProof:
    """A witness family checked for every K and p: established, the cases, and the method in words."""

    established: bool
    cases: tuple[str, ...]
    method: str


def prop1_quadratic_forms() -> dict[str, sp.Expr]:
    """H_11, H_22, H_12 at θ = 1, r = e_1 from the index-form Hessian entries (K a symbol)."""
    s = IndexSymbols()
    same, other = (case.stated for case in DERIVATIONS["prop1-hessian"].cases())
    uniform = {s.theta_a: 1, s.theta_b: 1}
    return {
        "H11": sp.simplify(same.subs(uniform | {s.r_a: 1, s.R: K - 1, s.Q: 0})),
        "H22": sp.simplify(same.subs(uniform | {s.r_a: 0, s.R: K - 1, s.Q: 1})),
        "H12": sp.simplify(other.subs(uniform | {s.r_a: 1, s.r_b: 0, s.R: K - 2, s.Q: 0})),
    }


@functools.cache
def verify_prop1_family() -> FamilyProof:
    """Each case's quadratic form equals the positive expression of the module docstring (SymPy)."""
    p = IndexSymbols().p
    forms = prop1_quadratic_forms()
    checks = (
        sp.simplify(forms["H22"] - p * (K + 2 * p - p * K) / K**3) == 0,
        sp.simplify(forms["H11"] - p * (K - 1) * (p * K - K - 2 * p) / K**3) == 0,
        sp.simplify((forms["H11"] + forms["H22"] - 2 * forms["H12"] - 2 * p / K**2).subs(K, 2 * p / (p - 1))) == 0,
    )
    established = all(checks) and DERIVATIONS["prop1-hessian"].verify().established
    return FamilyProof(
        established,
        ("x = e_2 if p(K − 2) < K", "x = e_1 if p(K − 2) > K", "x = e_1 − e_2 if p(K − 2) = K"),
        "θ = (1, …, 1), r = e_1; index-form Hessian with K a symbol; xᵀHx = p(K + 2p − pK)/K³, "
        "p(K − 1)(pK − K − 2p)/K³ or 2p/K² > 0 in the three cases",
    )


@functools.cache
def smoothness_blowup() -> FamilyProof:
    """The limit of H_aa·|θ(a)|^{2−p} as θ(a) → 0 (SymPy, in w = |θ(a)|^p → 0), compared with the docstring's."""
    s = IndexSymbols()
    same = DERIVATIONS["prop1-hessian"].cases()[0].stated
    u, w, R = sp.Symbol("u", positive=True), sp.Symbol("w", positive=True), sp.Symbol("R", positive=True)
    scaled = sp.simplify((same * sp.Abs(s.theta_a) ** (2 - s.p)).subs(s.theta_a, u).subs(s.R, R))
    in_w = sp.simplify(sp.powsimp(sp.expand_power_base(scaled, force=True), force=True).subs(u**s.p, w))
    limit = sp.limit(in_w, w, 0)
    expected = s.p * (s.p - 1) * (s.r_a * R - s.Q) / R**2
    established = u not in in_w.free_symbols and sp.simplify(limit - expected) == 0 and (
        DERIVATIONS["prop1-hessian"].verify().established)
    return FamilyProof(
        established, ("θ(a) → 0, other actions fixed with r(a) ≠ their mean reward",),
        f"H_aa·|θ(a)|^(2−p) → {sp.sstr(expected)} ≠ 0 as θ(a) → 0 (SymPy limit of the index-form Hessian), "
        "so |λ|max ≥ |H_aa| → ∞ for 1 < p < 2 while ‖θ‖_p stays bounded",
    )
