"""The symbolic two-state MDP: Bellman equation, Q/V consistency and the state distribution, exactly."""

from __future__ import annotations

import pytest
import sympy as sp

from theory.mdp import discounted_state_distribution, escort_policy, q_values, state_values, two_state_mdp


@pytest.fixture(params=[2, 3])
def mdp_and_policy(request):
    mdp = two_state_mdp(request.param)
    theta = sp.Matrix(2, request.param, lambda s, a: sp.Rational((-1) ** a * (a + s + 1), 2))
    return mdp, escort_policy(theta, 2)


def test_values_satisfy_the_bellman_equation(mdp_and_policy) -> None:
    mdp, policy = mdp_and_policy
    values, q = state_values(mdp, policy), q_values(mdp, state_values(mdp, policy))
    for s in range(mdp.num_states):
        assert sum(policy[s, a] * q[s, a] for a in range(mdp.num_actions)) == values[s]


def test_state_distribution_is_a_distribution_weighting_rho(mdp_and_policy) -> None:
    mdp, policy = mdp_and_policy
    occupancy = discounted_state_distribution(mdp, policy)
    assert sum(occupancy) == 1 and all(x >= (1 - mdp.gamma) * r for x, r in zip(occupancy, mdp.rho))


def test_policy_rows_are_distributions(mdp_and_policy) -> None:
    _, policy = mdp_and_policy
    assert all(sum(policy.row(s)) == 1 for s in range(policy.rows))
