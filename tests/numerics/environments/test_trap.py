"""The trap bandit: the initial policy it promises, the same policy for both transforms, first-passage steps."""

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.environments.trap import parameters_for, trap_problem, uniform_problem
from numerics.kernels.transforms import policy


def test_trap_policy_and_rewards():
    problem = trap_problem(6, runs=5, optimal_probability=0.02, rng=np.random.default_rng(1))
    pi, r = problem.initial_policy, problem.rewards
    assert np.allclose(pi.sum(axis=1), 1) and np.allclose(pi[:, 0], 0.02)
    trap = 1 + np.argmax(r[:, 1:], axis=1)
    assert np.allclose(pi[np.arange(5), trap], 0.9)
    assert np.all(r[:, 0] == 1) and np.all(problem.gap > 0)


@pytest.mark.parametrize("transform, p", [("softmax", 2.0), ("escort", 2.0), ("escort", 4.0)])
def test_parameters_reproduce_the_policy(transform, p):
    problem = uniform_problem(5, runs=2, rng=np.random.default_rng(0))
    trap = trap_problem(5, runs=2, optimal_probability=0.001, rng=np.random.default_rng(0))
    for pi in (problem.initial_policy, trap.initial_policy):
        assert np.allclose(policy(parameters_for(pi, transform=transform, p=p), transform=transform, p=p), pi)


def test_bad_trap_probability():
    with pytest.raises(InputError, match="optimal_probability"):
        trap_problem(4, runs=1, optimal_probability=0.2, rng=np.random.default_rng(0))
