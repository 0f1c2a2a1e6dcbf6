"""numerics.experiments.bounds.thm3: rows with finite ratios, the measured c and distribution factor on cases known by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from numerics.experiments.bounds import thm3
from numerics.experiments.bounds.sizes import SIZES
from numerics.experiments.bounds.comparison import Theorem
from theory.statements import Relation
from numerics.environments.mdp import FiniteMDP


def test_compare_returns_one_finite_row_per_run_and_theorem3_holds_on_them() -> None:
    rows = thm3.compare(sizes=SIZES.quick.thm3, seed=0)
    assert len(rows) == 2 * len(thm3.problems(seed=0))
    for row in rows:
        assert row.theorem is Theorem.THM3 and row.relation is Relation.LESS_EQUAL
        assert math.isfinite(row.ratio) and row.empirical > 0 and row.bound > 0
        assert 0 < row.parameters["c"] <= 1 and row.parameters["distribution_factor"] >= 1
    assert not any(row.violated for row in rows)  # a violation would be a finding; none is measured at seed 0


def _two_state_chain(gamma: float) -> FiniteMDP:
    """State 0 -> state 1 (absorbing) under both actions; rewards only say which action is optimal."""
    P = np.zeros((2, 2, 2))
    P[:, :, 1] = 1.0
    return FiniteMDP(P=P, r=np.array([[1.0, 0.0], [0.0, 1.0]]), gamma=gamma, rho=np.array([0.5, 0.5]))


def test_distribution_factor_uses_the_discounted_distribution_of_the_optimal_policy() -> None:
    """d_μ^{π*} = ((1−γ)/2, (1+γ)/2) on the chain, so ‖d/μ‖² ‖1/μ‖ = (1+γ)²·2 — not 1, as d = μ would give."""
    mdp = _two_state_chain(0.5)
    star = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert thm3.distribution_factor(mdp, star, mdp.rho) == pytest.approx(1.5**2 * 2, rel=1e-12)


def test_favourable_optimal_policy_breaks_ties_by_the_larger_running_minimum() -> None:
    P = np.zeros((1, 3, 1))
    P[...] = 1.0
    mdp = FiniteMDP(P=P, r=np.array([[1.0, 1.0, 0.0]]), gamma=0.5, rho=np.ones(1))
    star = thm3.favourable_optimal_policy(mdp, np.array([[0.1, 0.3, 0.6]]))
    np.testing.assert_array_equal(star, [[0.0, 1.0, 0.0]])
