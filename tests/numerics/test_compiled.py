"""The numba backend repeats the numpy reference: whole trajectories agree to 1e-12 relative, for every rule."""

from __future__ import annotations

import numpy as np
import pytest

from numerics import bandit
from numerics.algorithms import ALGORITHMS, escape_times, run_bandit
from numerics.compiled import RULES

AGREEMENT = 1e-12


def _relative_gap(a: np.ndarray, b: np.ndarray) -> float:
    scale = np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.where(scale > 0, np.abs(a - b) / np.where(scale > 0, scale, 1.0), 0.0)))


def _both(name: str, theta: np.ndarray, r: np.ndarray, steps: int, **kwargs):
    return (run_bandit(name, theta, r, steps, backend=backend, **kwargs) for backend in ("numpy", "compiled"))


def _starts(name: str, rng: np.random.Generator) -> np.ndarray:
    """Three ordinary starts and one at an extreme scale (|θ| ~ 1e250 or a 1e-300 entry for the escort)."""
    transform = ALGORITHMS[name].transform
    theta = bandit.initial_parameters(rng, 4, 5, transform=transform, p=3.0, optimal_probability=1e-3)
    if transform == "escort":
        theta[3] *= 1e250
        theta[2, 1] = 1e-300
    return theta


@pytest.mark.parametrize("name", RULES)
def test_compiled_trajectories_equal_the_numpy_reference(name):
    rng = np.random.default_rng(7)
    theta, r = _starts(name, rng), bandit.random_rewards(rng, 4, 5)
    reference, compiled = _both(name, theta, r, 250, p=3.0, tau=0.05, eta=0.4, record_every=9)
    for field in ("suboptimality", "optimal_probability", "norm", "theta_final", "policy_final"):
        assert _relative_gap(getattr(reference, field), getattr(compiled, field)) <= AGREEMENT, field
    assert np.array_equal(reference.sign_changes, compiled.sign_changes)
    assert np.array_equal(reference.steps_run, compiled.steps_run)


def test_compiled_stopping_rule_equals_the_numpy_reference():
    rng = np.random.default_rng(8)
    theta = bandit.initial_parameters(rng, 5, 4, transform="softmax", optimal_probability=0.02)
    r = bandit.gap_rewards(4, gap=0.6, base=0.2)
    reference, compiled = _both("spg", theta, r, 3000, stop_below=0.05, record_per_decade=4)
    assert np.array_equal(reference.steps_run, compiled.steps_run)
    assert _relative_gap(reference.suboptimality, compiled.suboptimality) <= AGREEMENT
    numpy_times = escape_times(theta, r, max_steps=5000, backend="numpy")
    assert np.array_equal(numpy_times, escape_times(theta, r, max_steps=5000, backend="compiled"))


def test_the_agreement_check_can_fail():
    """A different step size in one backend is detected: the comparison is not vacuous."""
    rng = np.random.default_rng(9)
    theta, r = _starts("spg", rng), bandit.random_rewards(rng, 4, 5)
    reference = run_bandit("spg", theta, r, 50, eta=0.4)
    perturbed = run_bandit("spg", theta, r, 50, eta=0.4 * (1 + 1e-9), backend="compiled")
    assert _relative_gap(reference.theta_final, perturbed.theta_final) > AGREEMENT
