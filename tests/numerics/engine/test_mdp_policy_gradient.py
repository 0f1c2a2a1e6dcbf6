"""numerics.engine.mdp_policy_gradient: step rules against one hand-written step, Theorem 3's step read from the statement,
monotone ascent at the theorems' steps, the rescaling invariance of EPG, and rejected input."""

from __future__ import annotations

import re

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.environments.gridworld import four_room
from numerics.environments.mdp import evaluate, policy_gradient, random_mdp
from numerics.engine.mdp_policy_gradient import run_mdp, theorem3_step
from numerics.kernels.transforms import escort, p_norm


def _setup(seed: int = 0, B: int = 2):
    rng = np.random.default_rng(seed)
    mdp = random_mdp(rng, 4, 3, 0.7)
    return mdp, rng.standard_normal((B, 4, 3))


def test_theorem3_step_is_the_printed_formula() -> None:
    theta = np.array([[3.0, -4.0, 0.5]])
    expected = (1 - 0.9) ** 3 * p_norm(theta[0], 2.0) ** 2 / (10 * 4 * 3 ** (2 / 2))
    assert theorem3_step(theta, gamma=0.9, p=2.0)[0, 0] == pytest.approx(expected, rel=1e-14)


def test_one_epg_step_is_theta_plus_statewise_step_times_exact_gradient() -> None:
    mdp, theta = _setup()
    run = run_mdp("epg", mdp, theta, mdp.rho, 1, step_scale=50.0)
    gradient = policy_gradient(mdp, theta, mdp.rho, transform="escort")
    moved = theta + 50.0 * theorem3_step(theta, gamma=mdp.gamma, p=2.0) * gradient
    np.testing.assert_allclose(run.theta_final, moved / p_norm(moved, 2.0)[..., None], rtol=1e-12)


def test_one_spg_step_and_the_recorded_suboptimality() -> None:
    mdp, theta = _setup(1)
    run = run_mdp("spg", mdp, theta, mdp.rho, 1, eta=0.3)
    gradient = policy_gradient(mdp, theta, mdp.rho, transform="softmax")
    np.testing.assert_allclose(run.theta_final, theta + 0.3 * gradient, rtol=1e-12)
    assert np.all(run.suboptimality > 0) and np.all(run.suboptimality[:, 1] < run.suboptimality[:, 0])


@pytest.mark.parametrize(("algorithm", "tau"), [("epg", 0.0), ("epg-entropy", 0.1), ("spg-entropy", 0.1)])
def test_theorem_steps_ascend_monotonically(algorithm: str, tau: float) -> None:
    """At a step below the smoothness bound, gradient ascent cannot decrease V (descent lemma)."""
    mdp, theta = _setup(2)
    run = run_mdp(algorithm, mdp, theta, mdp.rho, 200, tau=tau, eta=0.05, step_scale=1.0)
    assert np.all(np.diff(run.suboptimality, axis=-1) <= 1e-12)


def test_epg_is_invariant_under_rescaling_theta() -> None:
    mdp, theta = _setup(3)
    first = run_mdp("epg", mdp, theta, mdp.rho, 50, step_scale=100.0)
    second = run_mdp("epg", mdp, 7.5 * theta, mdp.rho, 50, step_scale=100.0)
    np.testing.assert_allclose(first.suboptimality, second.suboptimality, rtol=1e-9, atol=1e-12)


def test_running_minimum_is_below_every_recorded_optimal_probability() -> None:
    mdp, theta = _setup(4)
    run = run_mdp("spg", mdp, theta, mdp.rho, 30, eta=1.0, record_every=10)
    assert np.all(run.running_min.min(axis=(-2, -1))[:, None] <= run.min_probability + 1e-15)
    assert np.all((run.optimal_probability > 0) & (run.optimal_probability <= 1))


def test_bad_arguments_are_rejected() -> None:
    mdp, theta = _setup(5)
    with pytest.raises(InputError, match="algorithm"):
        run_mdp("epgg", mdp, theta, mdp.rho, 1)
    with pytest.raises(InputError, match="theta0 must have shape"):
        run_mdp("spg", mdp, theta[:, :3], mdp.rho, 1)
    with pytest.raises(InputError, match="tau must be > 0 exactly"):
        run_mdp("epg-entropy", mdp, theta, mdp.rho, 1)
    with pytest.raises(InputError, match="step_scale"):
        run_mdp("epg", mdp, theta, mdp.rho, 1, step_scale=0.0)


def test_a_step_far_too_long_is_reported_not_turned_into_nan() -> None:
    """2e7 times Theorem 3's step on Four-room drives an escort parameter below the smallest normal float (measured:
    step 154 of this run on this machine; it then reaches a subnormal, not 0, so an exact-zero test missed it)."""
    mdp, _ = four_room()
    theta = np.random.default_rng(0).standard_normal((3, 104, 4))
    with pytest.raises(InputError, match="too large"):
        run_mdp("epg", mdp, theta, mdp.rho, 400, step_scale=2e7)


def test_constant_step_and_trajectories_match_a_hand_written_loop() -> None:
    """EPG with a constant η, θ_t and V_t recorded: the loop an independent implementation would write from the
    public gradient and evaluation (no rescaling of θ), step for step."""
    mdp, theta = _setup(5)
    run = run_mdp("epg", mdp, theta, mdp.rho, 30, eta=0.2, epg_step="constant", record_trajectory=True)
    expected = theta.copy()
    for t in range(31):
        np.testing.assert_allclose(run.theta[:, t], expected, rtol=1e-14, atol=1e-15)
        pi = escort(expected, 2.0)
        for b in range(theta.shape[0]):
            np.testing.assert_allclose(run.values[b, t], evaluate(mdp, pi[b])[0], rtol=1e-13)
        expected = expected + 0.2 * policy_gradient(mdp, expected, mdp.rho, transform="escort")
    np.testing.assert_allclose(run.theta_final, run.theta[:, -1], rtol=0)


def test_norm_squared_step_is_theorem3_with_its_constant_replaced() -> None:
    mdp, theta = _setup(6)
    eta = 0.3
    constant = theorem3_step(np.ones((1, 3)), gamma=mdp.gamma, p=2.0)[0, 0] / 3.0  # ‖(1, 1, 1)‖_2² = 3
    rule = run_mdp("epg", mdp, theta, mdp.rho, 40, eta=eta, epg_step="norm-squared")
    scaled = run_mdp("epg", mdp, theta, mdp.rho, 40, step_scale=eta / constant)
    np.testing.assert_allclose(rule.suboptimality, scaled.suboptimality, rtol=1e-10, atol=1e-13)
    different = run_mdp("epg", mdp, theta, mdp.rho, 40, eta=eta, epg_step="constant")
    assert not np.allclose(rule.suboptimality, different.suboptimality)


def test_trajectories_are_not_kept_unless_asked() -> None:
    mdp, theta = _setup(7)
    run = run_mdp("spg", mdp, theta, mdp.rho, 5)
    assert run.theta is None and run.values is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(steps=10**12), "steps must be at most 1e+10"),
        (dict(steps=10**7, record_trajectory=True, theta0=np.ones((4000, 4, 3))), "GiB"),
        (dict(epg_step="linear"), "unknown epg_step 'linear'"),
        (dict(algorithm="spg", epg_step="constant"), "epg_step must be 'theorem3'"),
    ],
)
def test_absurd_sizes_and_wrong_rules_are_refused_before_any_work(kwargs: dict, message: str) -> None:
    mdp, theta = _setup(8)
    arguments = dict(algorithm="epg", theta0=theta, steps=10) | kwargs
    with pytest.raises(InputError, match=re.escape(message)):
        run_mdp(arguments.pop("algorithm"), mdp, arguments.pop("theta0"), mdp.rho, arguments.pop("steps"),
                **arguments)
