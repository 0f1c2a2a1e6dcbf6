"""Derivations for every number of actions K, in the paper's index notation.

A formula of the paper for entry a (or entry (a, b)) of a gradient, Jacobian or Hessian involves θ(a), θ(b) and
the other K − 2 actions only through sums. Writing those sums as opaque symbols makes the derivation one finite
SymPy computation that holds for every K ≥ 2:

* escort (Eq. (3)):  W = Σ_c |θ(c)|^p = |θ(a)|^p + |θ(b)|^p + R,  R = Σ_{c ∉ {a, b}} |θ(c)|^p ≥ 0,
* softmax:           W = Σ_c exp θ(c) = exp θ(a) + exp θ(b) + R,
* rewards:           πᵀr = (w_a r(a) + w_b r(b) + Q)/W,  Q = Σ_{c ∉ {a, b}} w_c r(c),

(for one distinguished index, b is absent). R and Q do not depend on θ(a), θ(b), so ∂W/∂θ(a) = ∂w_a/∂θ(a) exactly,
whatever K is; K = 2 is R = Q = 0. Each :class:`IndexDerivation` builds, per case (a = b and a ≠ b where the
entry has two indices), the definition, its derivative by ``sympy.diff`` and the paper's stated entry; the
derivation is established when derivative − stated simplifies to 0 on every sign orthant θ = σ·u (σ = ±1, u > 0).

>>> DERIVATIONS["eq1"].verify().established
True
>>> DERIVATIONS["eq1"].verify().cases
('every a',)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from theory.definitions import P, TAU

__all__ = [
    "DERIVATIONS", "MDP_SCALARS", "Case", "IndexDerivation", "IndexProof", "IndexSymbols", "covering",
    "mdp_reduced_forms", "normaliser", "policy_entry", "reward_entry", "weight",
]


@dataclass(frozen=True)
class IndexSymbols:
    """The symbols of an index-form derivation: two distinguished parameters, their rewards, the opaque sums."""

    theta_a: sp.Symbol = sp.Symbol("theta_a", real=True, nonzero=True)
    theta_b: sp.Symbol = sp.Symbol("theta_b", real=True, nonzero=True)
    r_a: sp.Symbol = sp.Symbol("r_a", real=True)
    r_b: sp.Symbol = sp.Symbol("r_b", real=True)
    R: sp.Symbol = sp.Symbol("R", nonnegative=True)
    Q: sp.Symbol = sp.Symbol("Q", real=True)
    L: sp.Symbol = sp.Symbol("L", real=True)
    R_eta: sp.Symbol = sp.Symbol("R_eta", positive=True)
    eta: sp.Symbol = sp.Symbol("eta", positive=True)
    p: sp.Symbol = P
    tau: sp.Symbol = TAU


S = IndexSymbols()


@dataclass(frozen=True)
class Case:
    """One case of an entry formula: its name, the definition, the derivative taken, and the stated entry."""

    name: str
    definition: sp.Expr
    derived: sp.Expr
    stated: sp.Expr


@dataclass(frozen=True)
class IndexProof:
    """The outcome of :meth:`IndexDerivation.verify`: established for every K ≥ 2, per case, and how."""

    derivation: str
    established: bool
    cases: tuple[str, ...]
    method: str


_METHOD = "sympy.diff with the normaliser W and the other actions' sums as symbols; derivative − stated " \
          "simplifies to 0 on every sign orthant (valid for every K ≥ 2)"


@dataclass(frozen=True)
class IndexDerivation:
    """One entry formula of the paper derived for every K: the statements it covers and how to build its cases."""

    id: str
    reference: str
    text: str
    transform: str
    statement_ids: tuple[str, ...]
    cases: Callable[[], tuple[Case, ...]]
    where: str = ""
    scope: str = ""
    """The K, p and other values it holds for, in words ("" = every K ≥ 2, with p > 0 for the escort)."""

    def verify(self) -> IndexProof:
        """Derivative − stated ≡ 0 in every case and on every sign orthant of the distinguished θ's."""
        cases = self.cases()
        established = all(_vanishes(case.derived - case.stated) for case in cases)
        return IndexProof(self.id, established, tuple(c.name for c in cases), _METHOD)


def _vanishes(expression: sp.Expr) -> bool:
    thetas = [t for t in (S.theta_a, S.theta_b) if t in expression.free_symbols]
    magnitudes = {t: sp.Symbol(f"u_{t.name[-1]}", positive=True) for t in thetas}
    for signs in itertools.product((1, -1), repeat=len(thetas)):
        orthant = {t: sign * magnitudes[t] for t, sign in zip(thetas, signs)}
        value = sp.simplify(sp.powsimp(sp.expand_power_base(expression.subs(orthant))))
        if value != 0 and sp.simplify(sp.expand(sp.expand_log(value))) != 0:
            return False
    return True


# --- the two normalisers ------------------------------------------------------------------------------------


def weight(transform: str) -> Callable[[sp.Expr], sp.Expr]:
    """w(θ): exp θ (softmax) or |θ|^p (escort, Eq. (3)); π(a) = w(θ(a))/Σ_c w(θ(c))."""
    return {"softmax": sp.exp, "escort": lambda t: sp.Abs(t) ** S.p}[transform]


def normaliser(transform: str, two: bool) -> sp.Expr:
    """W = w(θ(a)) [+ w(θ(b))] + R, R = Σ over the other actions."""
    w = weight(transform)
    return w(S.theta_a) + (w(S.theta_b) if two else 0) + S.R


def policy_entry(transform: str, theta: sp.Symbol, two: bool) -> sp.Expr:
    """π(a) (or π(b)) = w(θ)/W."""
    return weight(transform)(theta) / normaliser(transform, two)


def reward_entry(transform: str, two: bool) -> sp.Expr:
    """πᵀr = (w_a r(a) [+ w_b r(b)] + Q)/W."""
    w = weight(transform)
    numerator = w(S.theta_a) * S.r_a + (w(S.theta_b) * S.r_b if two else 0) + S.Q
    return numerator / normaliser(transform, two)


def _scale(transform: str, theta: sp.Symbol) -> sp.Expr:
    """∂ log w/∂θ: 1 for the softmax, p/θ for the escort (Eq. (7)'s p·diag(1/θ))."""
    return sp.Integer(1) if transform == "softmax" else S.p / theta


# --- the derivations ----------------------------------------------------------------------------------------


def _reward_gradient(transform: str, stated: Callable[[], sp.Expr]) -> Callable[[], tuple[Case, ...]]:
    def cases() -> tuple[Case, ...]:
        value = reward_entry(transform, False)
        return (Case("every a", value, sp.diff(value, S.theta_a), stated()),)

    return cases


def _eq1() -> sp.Expr:
    return policy_entry("softmax", S.theta_a, False) * (S.r_a - reward_entry("softmax", False))


def _eq4() -> sp.Expr:
    W = normaliser("escort", False)
    return S.p * sp.sign(S.theta_a) * sp.Abs(S.theta_a) ** (S.p - 1) / W * (S.r_a - reward_entry("escort", False))


def _eq5() -> sp.Expr:
    pi, W = policy_entry("escort", S.theta_a, False), normaliser("escort", False)
    return S.p / W ** (1 / S.p) * sp.sign(S.theta_a) * pi ** (1 - 1 / S.p) * (S.r_a - reward_entry("escort", False))


def _jacobian(transform: str) -> Callable[[], tuple[Case, ...]]:
    """∂π(a)/∂θ(b) = scale(b)·(δ_ab·π(a) − π(a)π(b)), scale = 1 (softmax) or p/θ(b) (escort, Eq. (7))."""

    def cases() -> tuple[Case, ...]:
        same = policy_entry(transform, S.theta_a, False)
        other = policy_entry(transform, S.theta_a, True)
        pb = policy_entry(transform, S.theta_b, True)
        return (
            Case("b = a", same, sp.diff(same, S.theta_a), _scale(transform, S.theta_a) * (same - same**2)),
            Case("b ≠ a", other, sp.diff(other, S.theta_b), -_scale(transform, S.theta_b) * other * pb),
        )

    return cases


def _jacobian_antisymmetric_part(transform: str) -> Callable[[], tuple[Case, ...]]:
    """∂π(a)/∂θ(b) − ∂π(b)/∂θ(a) for a ≠ b: 0 (softmax), p·π(a)π(b)·(1/θ(a) − 1/θ(b)) (escort)."""

    def cases() -> tuple[Case, ...]:
        pa, pb = policy_entry(transform, S.theta_a, True), policy_entry(transform, S.theta_b, True)
        derived = sp.diff(pa, S.theta_b) - sp.diff(pb, S.theta_a)
        stated = sp.Integer(0) if transform == "softmax" else S.p * pa * pb * (1 / S.theta_a - 1 / S.theta_b)
        return (Case("a ≠ b", pa, derived, stated),)

    return cases


def _lse_gradient() -> tuple[Case, ...]:
    potential = sp.log(normaliser("softmax", False))
    return (Case("every a", potential, sp.diff(potential, S.theta_a), policy_entry("softmax", S.theta_a, False)),)


def _lse_hessian() -> tuple[Case, ...]:
    one, two = sp.log(normaliser("softmax", False)), sp.log(normaliser("softmax", True))
    same, other = policy_entry("softmax", S.theta_a, False), policy_entry("softmax", S.theta_a, True)
    return (
        Case("b = a", one, sp.diff(one, S.theta_a, 2), sp.diff(same, S.theta_a)),
        Case("b ≠ a", two, sp.diff(two, S.theta_a, S.theta_b), sp.diff(other, S.theta_b)),
    )


def _md_link() -> tuple[Case, ...]:
    """softmax(θ + ηr)(a) = π(a)e^{ηr(a)}/Σ_c π(c)e^{ηr(c)}, with R_η = Σ_{c≠a} exp(θ(c) + ηr(c)) = W·Σ_{c≠a}π(c)e^{ηr(c)}."""
    updated = sp.exp(S.theta_a + S.eta * S.r_a)
    derived = updated / (updated + S.R_eta)
    pi, W = policy_entry("softmax", S.theta_a, False), normaliser("softmax", False)
    stated = pi * sp.exp(S.eta * S.r_a) / (pi * sp.exp(S.eta * S.r_a) + S.R_eta / W)
    return (Case("every a", derived, derived, stated),)


def _prop1_hessian() -> tuple[Case, ...]:
    """∂²(πᵀr)/∂θ(a)∂θ(b) = (p/θ(a))(p/θ(b))·[(p−1)/p·δ_ab·g(a) − (g(a)π(b) + π(a)g(b))], g = π∘(r − πᵀr)."""
    cases = []
    for name, two in (("b = a", False), ("b ≠ a", True)):
        value = reward_entry("escort", two)
        pa = policy_entry("escort", S.theta_a, two)
        ga = pa * (S.r_a - value)
        if two:
            pb = policy_entry("escort", S.theta_b, two)
            gb = pb * (S.r_b - value)
            stated = S.p**2 / (S.theta_a * S.theta_b) * (-(ga * pb + pa * gb))
            derived = sp.diff(value, S.theta_a, S.theta_b)
        else:
            stated = S.p / S.theta_a**2 * ((S.p - 1) * ga - 2 * S.p * ga * pa)
            derived = sp.diff(value, S.theta_a, 2)
        cases.append(Case(name, value, derived, stated))
    return tuple(cases)


def _eq9_identity() -> tuple[Case, ...]:
    """π(a)/|θ(a)| = π(a)^{1−1/p}/‖θ‖_p with ‖θ‖_p = W^{1/p}."""
    pi, W = policy_entry("escort", S.theta_a, False), normaliser("escort", False)
    derived = pi / sp.Abs(S.theta_a)
    return (Case("every a", pi, derived, pi ** (1 - 1 / S.p) / W ** (1 / S.p)),)


def _ce_gradient(transform: str) -> Callable[[], tuple[Case, ...]]:
    """∂(−log π(a_y))/∂θ(b) = scale(b)·(π(b) − y(b)); a is the label a_y here."""

    def cases() -> tuple[Case, ...]:
        one, two = -sp.log(policy_entry(transform, S.theta_a, False)), -sp.log(policy_entry(transform, S.theta_a, True))
        return (
            Case("b = a_y", one, sp.diff(one, S.theta_a),
                 _scale(transform, S.theta_a) * (policy_entry(transform, S.theta_a, False) - 1)),
            Case("b ≠ a_y", two, sp.diff(two, S.theta_b),
                 _scale(transform, S.theta_b) * policy_entry(transform, S.theta_b, True)),
        )

    return cases


def _eq12_entry() -> tuple[Case, ...]:
    """(p/θ(a))² = p²/‖θ‖_p²·π(a)^{−2/p}: each squared gradient entry of Eq. (12) in terms of π."""
    pi, W = policy_entry("escort", S.theta_a, False), normaliser("escort", False)
    derived = (S.p / S.theta_a) ** 2
    return (Case("every a", derived, derived, S.p**2 / W ** (2 / S.p) * pi ** (-2 / S.p)),)


def _regularised(transform: str) -> Callable[[], tuple[Case, ...]]:
    """∂(πᵀr + τH(π))/∂θ(a) = scale(a)·π(a)·(r̃(a) − πᵀr̃), r̃ = r − τ log π, πᵀr̃ = πᵀr + τH(π).

    H(π) = log W − (w_a log w_a + L)/W with L = Σ_{c≠a} w_c log w_c.
    """

    def cases() -> tuple[Case, ...]:
        w = weight(transform)(S.theta_a)
        W = normaliser(transform, False)
        pi, value = w / W, reward_entry(transform, False)
        entropy = sp.log(W) - (w * sp.log(w) + S.L) / W
        objective = value + S.tau * entropy
        stated = _scale(transform, S.theta_a) * pi * (S.r_a - S.tau * sp.log(pi) - value - S.tau * entropy)
        return (Case("every a", objective, sp.diff(objective, S.theta_a), stated),)

    return cases


def _eq10() -> tuple[Case, ...]:
    """For one-hot y: H(y) = 0 and KL(y‖π) = Σ_a y(a) log(y(a)/π(a)) = log(1/π(a_y)) (0·log 0 = 0)."""
    x = sp.Symbol("pi_y", positive=True)
    return (Case("every K", -sp.log(x), -sp.log(x), 0 + 1 * sp.log(1 / x)),)


def _sce_kl() -> tuple[Case, ...]:
    """KL(y‖π) at y = (0, 1), π = (ε, 1 − ε): the one term y(2)·log(y(2)/π(2)) = log(1/(1 − ε)), with 1 − ε > 0."""
    rest = sp.Symbol("one_minus_epsilon", positive=True)
    definition = 1 * sp.log(1 / rest)
    return (Case("ε ∈ (0, 1)", definition, definition, -sp.log(rest)),)


MDP_SCALARS = sp.symbols("alpha beta kappa_a lambda_a gamma", real=True)
"""α, β, κ_a, λ_a, γ of the MDP reduction (see :func:`mdp_reduced_forms`)."""


def mdp_reduced_forms(c: sp.Expr, k: sp.Expr, ell: sp.Expr) -> dict[str, sp.Expr]:
    """V(ρ), d_ρ(s)/(1 − γ), V(s) and Q(s, a) in the scalars of the Sherman–Morrison reduction.

    Write I − γP_π = A − γe_s uᵀ with A = I − γP_0 (row s of P_0 zero, so e_sᵀA⁻¹ = e_sᵀ) and
    u = Σ_a π(a|s)P(·|s, a). Sherman–Morrison gives M = (I − γP_π)⁻¹ = A⁻¹ + γA⁻¹e_s uᵀA⁻¹/(1 − γk) with
    α = ρᵀA⁻¹e_s, β = ρᵀA⁻¹r_0, κ_a = P(·|s, a)ᵀA⁻¹e_s, λ_a = P(·|s, a)ᵀA⁻¹r_0 (none depends on θ(s, ·)),
    c = Σ_a π(a|s)r(s, a), k = Σ_a π(a|s)κ_a, l = Σ_a π(a|s)λ_a.
    """
    alpha, beta, kappa, lam, gamma = MDP_SCALARS
    feedback = (ell + k * c) / (1 - gamma * k)
    return {
        "value": beta + alpha * c + gamma * alpha * feedback,
        "occupancy": alpha / (1 - gamma * k),
        "state_value": c + gamma * feedback,
        "q_value": S.r_a + gamma * (lam + kappa * c + gamma * kappa * feedback),
    }


def _mdp_gradient() -> tuple[Case, ...]:
    """∂V(ρ)/∂θ(s, a) for every S and A: only row s of P_π and entry s of r_π depend on θ(s, ·) (see
    :func:`mdp_reduced_forms`); R_r, R_κ, R_λ are the other actions' Σ_{b≠a} w_b·(r(s, b), κ_b, λ_b)."""
    _, _, kappa, lam, gamma = MDP_SCALARS
    R_r, R_k, R_l = sp.symbols("R_r R_kappa R_lambda", real=True)
    w = weight("escort")(S.theta_a)
    W = normaliser("escort", False)
    forms = mdp_reduced_forms((w * S.r_a + R_r) / W, (w * kappa + R_k) / W, (w * lam + R_l) / W)
    stated = forms["occupancy"] * S.p / S.theta_a * (w / W) * (forms["q_value"] - forms["state_value"])
    value = forms["value"]
    return (_sherman_morrison(gamma), Case("every s, a", value, sp.diff(value, S.theta_a), stated))


def _sherman_morrison(gamma: sp.Symbol) -> Case:
    """(A − γe uᵀ)·(A⁻¹ + γA⁻¹e uᵀA⁻¹/(1 − γk)) = I in non-commutative symbols, with A·A⁻¹ = I, uᵀA⁻¹e = k."""
    A, A_inv, e, u = sp.symbols("A A^{-1} e_s u^T", commutative=False)
    k = sp.Symbol("k")
    product = (A - gamma * e * u) * (A_inv + gamma * A_inv * e * u * A_inv / (1 - gamma * k))
    reduced = sp.expand(product).subs(A * A_inv, 1).subs(u * A_inv * e, k)
    return Case("Sherman–Morrison", product, reduced, sp.Integer(1))


_LIST: tuple[IndexDerivation, ...] = (
    IndexDerivation("eq1", "Eq. (1)", "∂(πᵀr)/∂θ(a) = π(a)·(r(a) − πᵀr)", "softmax", ("eq1",),
                    _reward_gradient("softmax", _eq1)),
    IndexDerivation("eq4", "Eq. (4)", "∂(πᵀr)/∂θ(a) = p·sgn θ(a)·|θ(a)|^{p−1}/W·(r(a) − πᵀr)", "escort", ("eq4",),
                    _reward_gradient("escort", _eq4)),
    IndexDerivation("eq4-scaled", "Eq. (4), Eq. (7)", "∂(πᵀr)/∂θ(a) = (p/θ(a))·π(a)·(r(a) − πᵀr)", "escort", (),
                    _reward_gradient("escort", lambda: _scale("escort", S.theta_a)
                                     * policy_entry("escort", S.theta_a, False)
                                     * (S.r_a - reward_entry("escort", False)))),
    IndexDerivation("eq5", "Eq. (5)", "∂(πᵀr)/∂θ(a) = p/‖θ‖_p·sgn θ(a)·π(a)^{1−1/p}·(r(a) − πᵀr)", "escort",
                    ("eq5", "eq4-eq5"), _reward_gradient("escort", _eq5),
                    "Eq. (4) = Eq. (5) follows: both equal the same derivative"),
    IndexDerivation("eq7", "Eq. (7)", "∂π(a)/∂θ(b) = (p/θ(b))·(δ_ab·π(a) − π(a)π(b))", "escort", ("eq7",),
                    _jacobian("escort")),
    IndexDerivation("softmax-jacobian", "Section 3", "∂π(a)/∂θ(b) = δ_ab·π(a) − π(a)π(b)", "softmax",
                    ("softmax-jacobian",), _jacobian("softmax")),
    IndexDerivation("lse-gradient", "Remark 3", "∂ log W/∂θ(a) = π(a)", "softmax", ("lse-gradient",), _lse_gradient),
    IndexDerivation("lse-hessian", "Remark 3", "∂² log W/∂θ(a)∂θ(b) = ∂π(a)/∂θ(b)", "softmax",
                    ("lse-hessian",), _lse_hessian),
    IndexDerivation("softmax-jacobian-symmetric", "Remark 3", "∂π(a)/∂θ(b) − ∂π(b)/∂θ(a) = 0", "softmax",
                    ("softmax-jacobian-symmetric",), _jacobian_antisymmetric_part("softmax")),
    IndexDerivation("escort-jacobian-asymmetry", "Remark 3, Eq. (7)",
                    "∂π(a)/∂θ(b) − ∂π(b)/∂θ(a) = p·π(a)π(b)·(1/θ(a) − 1/θ(b))", "escort",
                    ("escort-jacobian-asymmetry", "remark3"), _jacobian_antisymmetric_part("escort")),
    IndexDerivation("md-link", "Section 3, mirror descent", "softmax(θ + ηr)(a) = π(a)e^{ηr(a)}/Σ_c π(c)e^{ηr(c)}",
                    "softmax", ("md-link",), _md_link, "R_η = Σ_{c≠a} exp(θ(c) + ηr(c)) = W·Σ_{c≠a} π(c)e^{ηr(c)}"),
    IndexDerivation("prop1-hessian", "Proposition 1",
                    "∂²(πᵀr)/∂θ(a)∂θ(b) = (p/θ(a))(p/θ(b))·((p−1)/p·δ_ab·g(a) − g(a)π(b) − π(a)g(b))",
                    "escort", ("prop1-hessian",), _prop1_hessian, "g = π∘(r − πᵀr)"),
    IndexDerivation("eq9-identity", "Section 4, after Eq. (9)", "π(a)/|θ(a)| = π(a)^{1−1/p}/‖θ‖_p", "escort",
                    ("eq9-identity",), _eq9_identity),
    IndexDerivation("eq10", "Eq. (10)", "−log π(a_y) = H(y) + KL(y‖π) for one-hot y", "softmax", ("eq10",), _eq10),
    IndexDerivation("sce-kl", "Section 5, SCE example", "KL(y‖π) = −log(1 − ε) at y = (0, 1), π = (ε, 1 − ε)",
                    "softmax", ("sce-example-kl-identity",), _sce_kl, "one_minus_epsilon = 1 − ε > 0"),
    IndexDerivation("ce-gradient-softmax", "Section 5, Eq. (11)", "∂(−log π(a_y))/∂θ(b) = π(b) − y(b)", "softmax",
                    ("ce-gradient-softmax", "eq11-gradient"), _ce_gradient("softmax"),
                    "KL(y‖π) = −log π(a_y) (Eq. (10)), so ‖∇KL‖² = Σ_b (π(b) − y(b))² = ‖y − π‖² (Eq. (11))"),
    IndexDerivation("ce-gradient-escort", "Eq. (12)", "∂(−log π(a_y))/∂θ(b) = (p/θ(b))·(π(b) − y(b))", "escort",
                    ("ce-gradient-escort", "eq12-gradient"), _ce_gradient("escort"),
                    "so ‖∇KL‖² = Σ_b (p/θ(b))²(π(b) − y(b))² = ‖p·diag(1/θ)(y − π)‖² (Eq. (12))"),
    IndexDerivation("eq12-entry", "Eq. (12)", "(p/θ(a))² = p²/‖θ‖_p²·π(a)^{−2/p}", "escort", (), _eq12_entry,
                    "so ‖∇KL‖² = p²/‖θ‖_p²·Σ_a π(a)^{−2/p}(y(a) − π(a))²"),
    IndexDerivation("mdp-policy-gradient", "Section 3, Theorem 3",
                    "∂V(ρ)/∂θ(s, a) = d_ρ(s)/(1 − γ)·(p/θ(s, a))·π(a|s)·(Q(s, a) − V(s)), every S and A", "escort",
                    ("mdp-policy-gradient",), _mdp_gradient,
                    "matrix form: I − γP_π = A − γe_s uᵀ, inverted by Sherman–Morrison (checked in non-commutative "
                    "symbols, first case); α = ρᵀA⁻¹e_s, β = ρᵀA⁻¹r_0, κ_a = P(·|s, a)ᵀA⁻¹e_s, λ_a = "
                    "P(·|s, a)ᵀA⁻¹r_0; R_r, R_κ, R_λ are Σ_{b≠a} w_b·(r(s, b), κ_b, λ_b)"),
    IndexDerivation("entropy-gradient-softmax", "Theorem 4", "∂(πᵀr + τH)/∂θ(a) = π(a)·(r̃(a) − πᵀr̃)", "softmax",
                    ("entropy-gradient-softmax",), _regularised("softmax"), "L = Σ_{c≠a} w_c log w_c"),
    IndexDerivation("entropy-gradient-escort", "Theorem 4", "∂(πᵀr + τH)/∂θ(a) = (p/θ(a))·π(a)·(r̃(a) − πᵀr̃)",
                    "escort", ("entropy-gradient-escort",), _regularised("escort"), "L = Σ_{c≠a} w_c log w_c"),
)

DERIVATIONS: dict[str, IndexDerivation] = {d.id: d for d in _LIST}
"""Every index-form derivation, by id."""


def covering(statement_id: str) -> IndexDerivation | None:
    """The index-form derivation that establishes ``statement_id`` for every K, if there is one."""
    return next((d for d in _LIST if statement_id in d.statement_ids), None)
