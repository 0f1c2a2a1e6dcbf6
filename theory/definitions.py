"""The paper's definitions as SymPy expressions: transforms, objectives and norms.

Everything else in :mod:`theory` is *derived* from these few definitions (differentiated, simplified,
compared with the paper's stated forms in :mod:`theory.statements`). Nothing here states a result.

* softmax: π(a) = exp θ(a) / Σ_a' exp θ(a')                                  (Section 1)
* escort:  π(a) = |θ(a)|^p / Σ_a' |θ(a')|^p,  p ≥ 1                          (Definition 1, Eq. (3))
* expected reward πᵀr (single-state MDP / bandit), cross entropy −log π(a_y), KL(y‖π), entropy H(π).

Symbols carry their assumptions: θ(a) real and nonzero (the escort needs |θ(a)| > 0), rewards real, p positive
(p ≥ 1 is the stated domain; results that need it say so).

>>> theta = parameters(2)
>>> softmax(theta)[0]
exp(theta_1)/(exp(theta_1) + exp(theta_2))
>>> escort(theta, 2)[1]
theta_2**2/(theta_1**2 + theta_2**2)
"""

from __future__ import annotations

import sympy as sp

__all__ = [
    "P",
    "TAU",
    "cross_entropy",
    "entropy",
    "escort",
    "expected_reward",
    "gradient",
    "jacobian",
    "kl_divergence",
    "one_hot",
    "p_norm",
    "parameters",
    "rewards",
    "softmax",
]

P = sp.Symbol("p", positive=True)
"""The escort exponent p of Eq. (3); positive, with p ≥ 1 the paper's domain."""

TAU = sp.Symbol("tau", positive=True)
"""The entropy-regularisation temperature τ of Theorem 4."""


def parameters(K: int, name: str = "theta") -> sp.Matrix:
    """A column of K real, nonzero parameter symbols θ_1, …, θ_K (logits of softmax, or escort inputs)."""
    return sp.Matrix([sp.Symbol(f"{name}_{i + 1}", real=True, nonzero=True) for i in range(K)])


def rewards(K: int, name: str = "r") -> sp.Matrix:
    """A column of K real reward symbols r_1, …, r_K."""
    return sp.Matrix([sp.Symbol(f"{name}_{i + 1}", real=True) for i in range(K)])


def one_hot(K: int, label: int) -> sp.Matrix:
    """The one-hot label vector y ∈ {0,1}^K with y(label) = 1 (Eq. (10))."""
    return sp.Matrix([1 if i == label else 0 for i in range(K)])


def softmax(theta: sp.Matrix) -> sp.Matrix:
    """π_θ = softmax(θ): π(a) = exp θ(a) / Σ_a' exp θ(a')."""
    weights = theta.applyfunc(sp.exp)
    return weights / sum(weights)


def escort(theta: sp.Matrix, p: sp.Expr = P) -> sp.Matrix:
    """π_θ = f_p(θ): π(a) = |θ(a)|^p / Σ_a' |θ(a')|^p (Definition 1, Eq. (3))."""
    weights = theta.applyfunc(lambda t: sp.Abs(t) ** p)
    return weights / sum(weights)


def p_norm(theta: sp.Matrix, p: sp.Expr = P) -> sp.Expr:
    """‖θ‖_p = (Σ_a |θ(a)|^p)^{1/p}."""
    return sum(sp.Abs(t) ** p for t in theta) ** (1 / p)


def expected_reward(pi: sp.Matrix, r: sp.Matrix) -> sp.Expr:
    """The single-state objective πᵀr (expected reward of a bandit policy)."""
    return (pi.T * r)[0, 0]


def cross_entropy(pi: sp.Matrix, label: int) -> sp.Expr:
    """The cross entropy −log π(a_y) of a one-hot label a_y (Eq. (10))."""
    return -sp.log(pi[label])


def kl_divergence(y: sp.Matrix, pi: sp.Matrix) -> sp.Expr:
    """KL(y‖π) = Σ_a y(a) log(y(a)/π(a)), with the convention 0·log 0 = 0 for entries y(a) = 0."""
    return sum(sp.S(ya) * sp.log(sp.S(ya) / pa) for ya, pa in zip(y, pi) if ya != 0)


def entropy(pi: sp.Matrix) -> sp.Expr:
    """Shannon entropy H(π) = −Σ_a π(a) log π(a) (0·log 0 = 0 for literal zeros)."""
    return -sum(pa * sp.log(pa) for pa in pi if pa != 0)


def gradient(objective: sp.Expr, theta: sp.Matrix) -> sp.Matrix:
    """Column gradient d objective / dθ."""
    return sp.Matrix([sp.diff(objective, t) for t in theta])


def jacobian(pi: sp.Matrix, theta: sp.Matrix) -> sp.Matrix:
    """The Jacobian dπ/dθ with entries [i, j] = ∂π(i)/∂θ(j)."""
    return pi.jacobian(theta)
