"""Theorem 2's gradient flow: the velocity is the theorem's step size times Eq. (5); the flow obeys its bound."""

from __future__ import annotations

import doctest

import mpmath
import numpy as np
import pytest
import sympy as sp

import numerics.engine.flow as flow
from foundation.validation import InputError
from numerics.environments import bandit
from numerics.engine import run_bandit
from numerics.kernels.transforms import p_norm
from theory.statements import BOUNDS, C, NORM, STATEMENTS, T


@pytest.mark.parametrize("p", [1.0, 2.0, 4.0])
def test_velocity_is_theorem2_flow_step_times_eq5(p):
    rng = np.random.default_rng(3)
    theta, r = rng.standard_normal(4) * 1e-5, rng.uniform(size=4)
    instance = STATEMENTS["eq5"].build(4)
    s = instance.setting
    gradient = sp.lambdify([*s.theta, *s.r, s.p], list(instance.derived), "mpmath")
    step = sp.lambdify([NORM, s.p], BOUNDS["thm2-flow"].step_size)
    with mpmath.workdps(50):
        exact = np.array([float(g) for g in gradient(*theta, *r, p)]) * step(float(p_norm(theta, p)), p)
    assert np.allclose(flow.flow_velocity(theta, r, p), exact, rtol=1e-13, atol=0)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_flow_respects_theorem2_flow_bound(p):
    """(π* − π_t)ᵀr ≤ 1/(c^{2−2/p}(t − 1) + 1), c = inf_t π_t(a*) = π₁(a*) when π_t(a*) never decreases."""
    rng = np.random.default_rng(4)
    theta = bandit.initial_parameters(rng, 1, 4, transform="escort", p=p, optimal_probability=1e-2)
    r = bandit.gap_rewards(4, gap=1.0, base=0.0)
    times = np.geomspace(1.0, 1e3, 25)
    solution = flow.gradient_flow(theta, r, times, p=p)
    assert np.all(np.diff(solution.optimal_probability, axis=1) >= -1e-12)
    c = solution.optimal_probability[:, :1]
    bound = sp.lambdify([C, T, sp.Symbol("p", positive=True)], BOUNDS["thm2-flow"].bound)(c, times, p)
    assert np.all(solution.suboptimality <= bound * (1 + 1e-9))


def test_epg_is_an_euler_discretisation_of_the_flow():
    """EPG's step 2‖θ‖²/(9p²K^{1/p}) is the flow's η_t times h = 2/(9K^{1/p}): n EPG steps ≈ flow time 1 + n·h."""
    rng = np.random.default_rng(5)
    p, K = 2.0, 3
    theta = bandit.initial_parameters(rng, 1, K, transform="escort", p=p, optimal_probability=0.2)
    r = bandit.gap_rewards(K, gap=0.5, base=0.25)
    h = 2 / (9 * K ** (1 / p))
    steps = 400
    discrete = run_bandit("epg", theta, r, steps, p=p, record_every=100)
    continuous = flow.gradient_flow(theta, r, 1 + discrete.steps * h, p=p)
    assert np.allclose(discrete.suboptimality, continuous.suboptimality, rtol=0.1, atol=1e-3)
    assert not np.allclose(discrete.suboptimality[:, 1:], continuous.suboptimality[:, :-1], rtol=0.1, atol=1e-3)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"times": [0.5, 2.0]}, "times must be"),
        ({"times": [2.0, 1.5]}, "times must be"),
        ({"theta0": [0.0, 1.0]}, "no zero entries"),
        ({"r": [1.0, 0.0, 0.0]}, "r must have shape"),
        ({"p": 0.5}, "p must be"),
    ],
)
def test_bad_input_is_rejected_with_a_named_argument(kwargs, fragment):
    arguments = {"theta0": [1.0, 2.0], "r": [1.0, 0.0], "times": [1.0, 2.0]} | kwargs
    p = arguments.pop("p", 2.0)
    with pytest.raises(InputError, match=fragment):
        flow.gradient_flow(arguments["theta0"], arguments["r"], arguments["times"], p=p)


def test_doctests():
    assert doctest.testmod(flow).failed == 0
