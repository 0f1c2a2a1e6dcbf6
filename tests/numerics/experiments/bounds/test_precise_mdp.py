"""numerics.experiments.bounds.precise_mdp: the 50-digit MDP re-run follows the engine's EPG trajectory (to 1e-12),
its values are theory.mdp's SymPy definition, and a different run (another p or μ) does not match."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from numerics.engine.mdp_policy_gradient import run_mdp
from numerics.environments.mdp import optimal_values, random_mdp
from numerics.experiments.bounds.precise_mdp import precise_mdp_suboptimality, precise_values
from theory.mdp import TabularMDP, escort_policy, state_values

RNG = np.random.default_rng(3)
MDP = random_mdp(RNG, 2, 3, 0.5)
MU, RHO = RNG.dirichlet(np.ones(2)), RNG.dirichlet(np.ones(2))
THETA = np.array([[0.7, -0.02, 1.3], [-0.4, 0.9, 0.05]])  # two entries near the kink of f_1


def _engine(p: float, mu: np.ndarray, steps: int) -> np.ndarray:
    run = run_mdp("epg", MDP, THETA[None], mu, steps, p=p, record_every=1, record_trajectory=True)
    return (optimal_values(MDP) - run.values[0]) @ RHO


@pytest.mark.parametrize("p", [1.0, 2.0])
def test_the_precise_rerun_follows_the_engine_and_another_run_does_not(p):
    precise = precise_mdp_suboptimality(MDP.P, MDP.r, MDP.gamma, MU, RHO, THETA, p, 25)
    assert np.allclose(precise, _engine(p, MU, 25), rtol=0, atol=1e-12)
    assert not np.allclose(precise, _engine(p + 1, MU, 25), rtol=0, atol=1e-12)  # another p
    assert not np.allclose(precise, _engine(p, RHO, 25), rtol=0, atol=1e-12)  # the gradient started from ρ, not μ


def test_precise_values_are_the_sympy_definition():
    tabular = TabularMDP(sp.Matrix(MDP.P.reshape(6, 2).tolist()).applyfunc(sp.Rational),
                         sp.Matrix(MDP.r.tolist()).applyfunc(sp.Rational), sp.Rational(1, 2), sp.Matrix([[1, 0]]))
    theta = sp.Matrix(THETA.tolist()).applyfunc(sp.Rational)
    exact = state_values(tabular, escort_policy(theta, 2))
    with mpmath.workdps(50):
        policy = [[mpmath.mpf(str(sp.N(x, 60))) for x in escort_policy(theta, 2).row(s)] for s in range(2)]
        table = [[[mpmath.mpf(str(sp.N(x, 60))) for x in tabular.transitions.row(3 * s + a)] for a in range(3)]
                 for s in range(2)]
        rewards = [[mpmath.mpf(str(sp.N(x, 60))) for x in tabular.rewards.row(s)] for s in range(2)]
        values = precise_values(table, rewards, mpmath.mpf(1) / 2, policy)
        assert all(abs(v - mpmath.mpf(str(sp.N(e, 60)))) < mpmath.mpf(10) ** -45 for v, e in zip(values, exact))
