"""Metamorphic checks of the bandit methods: a constant temperature is a rescaled step, and REINFORCE's
estimate is unbiased for the exact gradient."""

import numpy as np
import pytest

from numerics.kernels.gradients import reward_gradient
from numerics.engine.neural.heads import score
from numerics.experiments.questions.bandit_methods import algorithm, tempered_softmax
from numerics.environments.trap import trap_problem


@pytest.mark.parametrize("tau", [0.5, 3.0])
def test_constant_temperature_equals_spg_with_rescaled_step(tau):
    """softmax(θ/τ) ascended with η (our own loop) = SPG on z = θ/τ with η/τ² (run_bandit)."""
    problem = trap_problem(4, runs=3, optimal_probability=0.05, rng=np.random.default_rng(2))
    looped = tempered_softmax("loop", lambda t: tau).run(problem, 300, 5)
    rescaled = algorithm("rule", "spg", eta=0.4, temperature=tau).run(problem, 300, 5)
    assert np.array_equal(looped[0], rescaled[0])
    assert np.allclose(looped[1], rescaled[1], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("transform, p", [("softmax", 2.0), ("escort", 2.0), ("escort", 3.0)])
def test_reinforce_estimate_is_unbiased(transform, p):
    """Σ_a π(a)·r(a)·score(θ, a) = d(πᵀr)/dθ exactly (the expectation, computed over all actions)."""
    theta = np.array([[0.3, -1.2, 2.0, 0.7]])
    r = np.array([0.2, 1.0, 0.1, 0.5])
    pi = np.exp(theta) / np.exp(theta).sum() if transform == "softmax" else np.abs(theta) ** p / (np.abs(theta) ** p).sum()
    expectation = sum(pi[0, a] * r[a] * score(theta, np.array([a]), transform=transform, p=p) for a in range(4))
    assert np.allclose(expectation, reward_gradient(theta, r, transform=transform, p=p), rtol=1e-12)
