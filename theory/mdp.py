"""A small tabular MDP in SymPy: exact values by a linear solve, for the escort policy gradient of Section 3.

For a policy π(a|s), the state-transition matrix P_π(s, s') = Σ_a π(a|s)·P(s'|s, a), the reward r_π(s) =
Σ_a π(a|s)·r(s, a), and

    V = (I − γP_π)^{-1} r_π,      Q(s, a) = r(s, a) + γ Σ_s' P(s'|s, a)·V(s'),      V(ρ) = ρᵀV,
    d_ρ = (1 − γ)·ρᵀ(I − γP_π)^{-1}   (the normalised discounted state distribution).

With π = f_p(θ(s, ·)) per state (Eq. (3)), differentiating V(ρ) gives the escort policy gradient

    ∂V(ρ)/∂θ(s, a) = 1/(1 − γ) · d_ρ(s) · (p/θ(s, a)) · π(a|s) · (Q(s, a) − V(s)),

the MDP form of Eq. (4)/(7) used by Theorem 3; :mod:`theory.statements` compares the two.

>>> mdp = two_state_mdp(2)
>>> mdp.transitions.shape, mdp.gamma
((4, 2), 3/4)
>>> sum(discounted_state_distribution(mdp, sp.Matrix([[sp.S(1)/2] * 2] * 2)))
1
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from theory import definitions as d

__all__ = [
    "TabularMDP",
    "discounted_state_distribution",
    "escort_policy",
    "policy_parameters",
    "q_values",
    "state_values",
    "two_state_mdp",
]


@dataclass(frozen=True)
class TabularMDP:
    """Transitions P (row s·A + a holds P(·|s, a)), rewards r (S × A), discount γ and initial distribution ρ."""

    transitions: sp.Matrix
    rewards: sp.Matrix
    gamma: sp.Expr
    rho: sp.Matrix

    @property
    def num_states(self) -> int:
        return self.rewards.rows

    @property
    def num_actions(self) -> int:
        return self.rewards.cols


def two_state_mdp(num_actions: int) -> TabularMDP:
    """Two states, exact rational P(0|s, a) = (1 + a + s)/(A + 3), r(s, a) = (1 + 2a + 3s)/(2A + 4), γ = 3/4,
    ρ = (1/3, 2/3) (0-based s and a): the parameters θ(s, a) and p stay symbolic."""
    A = num_actions
    rows = [[sp.Rational(1 + a + s, A + 3), 1 - sp.Rational(1 + a + s, A + 3)] for s in range(2) for a in range(A)]
    rewards = sp.Matrix(2, A, lambda s, a: sp.Rational(1 + 2 * a + 3 * s, 2 * A + 4))
    return TabularMDP(sp.Matrix(rows), rewards, sp.Rational(3, 4), sp.Matrix([[sp.Rational(1, 3), sp.Rational(2, 3)]]))


def policy_parameters(num_states: int, num_actions: int) -> sp.Matrix:
    """θ(s, a) as real, nonzero symbols theta_sa (1-based names)."""
    return sp.Matrix(
        num_states, num_actions, lambda s, a: sp.Symbol(f"theta_{s + 1}{a + 1}", real=True, nonzero=True)
    )


def escort_policy(theta: sp.Matrix, p: sp.Expr = d.P) -> sp.Matrix:
    """π(·|s) = f_p(θ(s, ·)) for every state (Definition 1, Eq. (3)); rows are states."""
    return sp.Matrix.vstack(*[d.escort(theta.row(s).T, p).T for s in range(theta.rows)])


def _resolvent(mdp: TabularMDP, policy: sp.Matrix) -> sp.Matrix:
    """(I − γP_π)^{-1}."""
    S, A = mdp.num_states, mdp.num_actions
    p_pi = sp.Matrix(S, S, lambda s, t: sum(policy[s, a] * mdp.transitions[s * A + a, t] for a in range(A)))
    system = sp.eye(S) - mdp.gamma * p_pi
    return system.adjugate() / system.det(method="berkowitz")


def state_values(mdp: TabularMDP, policy: sp.Matrix) -> sp.Matrix:
    """V = (I − γP_π)^{-1} r_π as a column over states."""
    A = mdp.num_actions
    r_pi = sp.Matrix([sum(policy[s, a] * mdp.rewards[s, a] for a in range(A)) for s in range(mdp.num_states)])
    return _resolvent(mdp, policy) * r_pi


def q_values(mdp: TabularMDP, values: sp.Matrix) -> sp.Matrix:
    """Q(s, a) = r(s, a) + γ Σ_s' P(s'|s, a)·V(s') (S × A)."""
    A = mdp.num_actions
    return sp.Matrix(
        mdp.num_states, A, lambda s, a: mdp.rewards[s, a] + mdp.gamma * (mdp.transitions.row(s * A + a) * values)[0, 0]
    )


def discounted_state_distribution(mdp: TabularMDP, policy: sp.Matrix) -> sp.Matrix:
    """d_ρ = (1 − γ)·ρᵀ(I − γP_π)^{-1} (a row summing to 1)."""
    return (1 - mdp.gamma) * mdp.rho * _resolvent(mdp, policy)
