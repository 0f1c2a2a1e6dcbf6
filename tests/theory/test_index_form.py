"""Index-form derivations hold for every K, and a planted wrong entry formula is not established."""

from __future__ import annotations

import dataclasses

import pytest

from theory.index_form import DERIVATIONS, Case, covering
from theory.statements import STATEMENTS


@pytest.mark.parametrize("derivation_id", ["eq1", "eq7", "ce-gradient-escort", "eq12-entry", "eq9-identity"])
def test_derivation_is_established(derivation_id: str) -> None:
    assert DERIVATIONS[derivation_id].verify().established


def test_planted_wrong_jacobian_is_not_established() -> None:
    """Eq. (7) with the off-diagonal entry doubled: derivative − stated no longer vanishes."""
    right = DERIVATIONS["eq7"]

    def doubled() -> tuple[Case, ...]:
        same, other = right.cases()
        return same, dataclasses.replace(other, stated=2 * other.stated)

    assert not dataclasses.replace(right, cases=doubled).verify().established


def test_every_covered_statement_exists() -> None:
    covered = {sid for d in DERIVATIONS.values() for sid in d.statement_ids}
    assert covered <= set(STATEMENTS)
    assert covering("eq12-gradient").id == "ce-gradient-escort" and covering("eq12") is None


def test_mdp_reduction_matches_the_matrices_of_a_random_mdp() -> None:
    """The Sherman–Morrison scalars reproduce V(ρ), d_ρ(s)/(1 − γ), V(s), Q(s, ·) of a random 3-state, 4-action MDP."""
    import numpy as np
    import sympy as sp

    from theory.index_form import MDP_SCALARS, S, mdp_reduced_forms

    rng = np.random.default_rng(0)
    states, actions, gamma, s = 3, 4, 0.9, 1
    P = rng.dirichlet(np.ones(states), size=(states, actions))
    r, rho, pi = rng.uniform(size=(states, actions)), rng.dirichlet(np.ones(states)), rng.dirichlet(
        np.ones(actions), size=states)
    P_pi, r_pi = np.einsum("sa,sat->st", pi, P), (pi * r).sum(axis=1)
    M = np.linalg.inv(np.eye(states) - gamma * P_pi)
    V = M @ r_pi
    P_0, r_0 = P_pi.copy(), r_pi.copy()
    P_0[s], r_0[s] = 0, 0
    A_inv = np.linalg.inv(np.eye(states) - gamma * P_0)
    kappa, lam = P[s] @ A_inv[:, s], P[s] @ A_inv @ r_0
    c, k, ell = sp.symbols("c k l")
    forms = mdp_reduced_forms(c, k, ell)
    for a in range(actions):
        values = dict(zip(MDP_SCALARS, (rho @ A_inv[:, s], rho @ A_inv @ r_0, kappa[a], lam[a], gamma))) | {
            c: pi[s] @ r[s], k: pi[s] @ kappa, ell: pi[s] @ lam, S.r_a: r[s, a]}
        got = {name: float(form.subs(values)) for name, form in forms.items()}
        assert got["value"] == pytest.approx(rho @ V, rel=1e-12)
        assert got["occupancy"] == pytest.approx((rho @ M)[s], rel=1e-12)
        assert got["state_value"] == pytest.approx(V[s], rel=1e-12)
        assert got["q_value"] == pytest.approx(r[s, a] + gamma * P[s, a] @ V, rel=1e-12)
