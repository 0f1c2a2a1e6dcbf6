"""numerics.engine.reinforce (the one REINFORCE engine): the sampled gradient is unbiased for the exact one (and a fixed-horizon estimator is
caught as biased by the same check), the closed-form score sum equals heads.score, one step of each method, EPG's
rescaling invariance, the running-average baseline, seeds and rejected input."""

from __future__ import annotations

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.environments.mdp import policy_gradient, random_mdp
from numerics.engine.mdp_policy_gradient import theorem3_step
from numerics.engine.step_sizes import spg_mdp_step
from numerics.engine.reinforce import (
    _estimate,
    BANDIT_BASELINE,
    MDP_BASELINE,
    _update_baseline,
    run_bandit_reinforce,
    reinforce_gradient,
    run_reinforce,
)
from numerics.engine.neural.heads import score
from numerics.kernels.transforms import p_norm, policy

ESTIMATES = 200_000
"""Independent single-episode estimates per check: standard errors at most ~4 % of the largest gradient entry."""


def _mdp():
    return random_mdp(np.random.default_rng(3), 3, 2, 0.8)


def _theta(transform: str, runs: int = 1) -> np.ndarray:
    logits = np.random.default_rng(1).standard_normal((3, 2))
    # the escort θ has negative entries and another policy than the softmax one (not a rescaled copy of its test)
    theta = logits if transform == "softmax" else np.exp(logits) * np.array([1.0, -0.5])
    return np.broadcast_to(theta, (runs, 3, 2)).copy()


def _standard_error(samples: np.ndarray) -> np.ndarray:
    return samples.std(axis=0, ddof=1) / np.sqrt(samples.shape[0])


def _agrees(samples: np.ndarray, exact: np.ndarray) -> bool:
    """Every entry of the sample mean within 4 standard errors (from the sample) of the exact value."""
    return bool(np.all(np.abs(samples.mean(axis=0) - exact) <= 4 * _standard_error(samples)))


@pytest.mark.parametrize("transform", ["softmax", "escort"])
@pytest.mark.parametrize("baseline", [None, np.array([1.0, 2.5, 0.5])])
def test_mean_of_estimates_is_the_exact_gradient(transform, baseline):
    mdp, theta = _mdp(), _theta(transform, ESTIMATES)
    estimates = reinforce_gradient(mdp, theta, mdp.rho, transform=transform, baseline=baseline, seed=5)
    exact = policy_gradient(mdp, theta[0], mdp.rho, transform=transform)
    assert _standard_error(estimates).max() < 0.05 * np.abs(exact).max()  # power: a 20 % bias would show
    assert _agrees(estimates, exact)


@pytest.mark.parametrize("transform", ["softmax", "escort"])
def test_a_fixed_horizon_estimator_is_rejected_by_the_same_check(transform):
    """Deliberately wrong: every episode lasts 20 steps (undiscounted) instead of a geometric horizon."""
    mdp, theta = _mdp(), _theta(transform, ESTIMATES)
    rng = np.random.default_rng(6)
    starts, lengths = rng.integers(0, 3, size=(ESTIMATES, 1)), np.full((ESTIMATES, 1), 20)
    wrong = _estimate(theta, transform, 2.0, np.cumsum(mdp.P, axis=-1), mdp.r, np.zeros((ESTIMATES, 3)),
                      (starts, lengths, rng.random((20 * ESTIMATES, 2))))[0]
    assert not _agrees(wrong, policy_gradient(mdp, theta[0], mdp.rho, transform=transform))


@pytest.mark.parametrize("transform", ["softmax", "escort"])
def test_closed_form_sum_equals_the_score_function(transform):
    """One episode per run: ĝ(s, ·) = Σ_t score(θ(s_t, ·), a_t)·G_t, rebuilt from heads.score over the visits."""
    mdp, theta = _mdp(), _theta(transform, 4)
    rng = np.random.default_rng(2)
    starts, lengths = rng.integers(0, 3, size=(4, 1)), np.array([[3], [1], [5], [2]])
    uniforms = rng.random((11, 2))
    gradient = _estimate(theta, transform, 2.0, np.cumsum(mdp.P, axis=-1), mdp.r, np.zeros((4, 3)),
                         (starts, lengths, uniforms))[0]
    expected, k = np.zeros_like(theta), 0
    for b in range(4):
        pi = policy(theta[b], transform=transform)
        s, visits = starts[b, 0], []
        for _ in range(lengths[b, 0]):
            a = int(np.searchsorted(np.cumsum(pi[s]), uniforms[k, 0], side="right"))
            visits.append((s, a, mdp.r[s, a]))
            s = int(np.searchsorted(np.cumsum(mdp.P[s, a]), uniforms[k, 1], side="right"))
            k += 1
        for t, (s, a, _) in enumerate(visits):
            ret = sum(r for _, _, r in visits[t:])
            expected[b, s] += ret * score(theta[b, s][None], np.array([a]), transform=transform)[0]
    np.testing.assert_allclose(gradient, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("algorithm", ["spg", "epg"])
def test_one_step_is_the_stated_rule(algorithm):
    mdp = _mdp()
    transform = "softmax" if algorithm == "spg" else "escort"
    theta = _theta(transform, 3)
    run = run_reinforce(algorithm, mdp, theta, mdp.rho, 1, step_scale=40.0, seed=9)
    gradient = reinforce_gradient(mdp, theta, mdp.rho, transform=transform, seed=9)
    if algorithm == "spg":
        np.testing.assert_allclose(run.theta_final, theta + 40.0 * spg_mdp_step(0.8) * gradient, rtol=1e-12)
    else:
        moved = theta + 40.0 * theorem3_step(theta, gamma=0.8, p=2.0) * gradient
        np.testing.assert_allclose(run.theta_final, moved / p_norm(moved, 2.0)[..., None], rtol=1e-12)


def test_epg_is_invariant_under_rescaling_theta():
    """ĝ is of degree −1 and Theorem 3's step of degree 2 in θ(s, ·): the same policies, the same samples."""
    mdp, theta = _mdp(), _theta("escort", 3)
    first = run_reinforce("epg", mdp, theta, mdp.rho, 60, step_scale=30.0, baseline=True, record_every=20, seed=4)
    second = run_reinforce("epg", mdp, 7.5 * theta, mdp.rho, 60, step_scale=30.0, baseline=True, record_every=20,
                           seed=4)
    np.testing.assert_allclose(first.suboptimality, second.suboptimality, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("algorithm", ["spg", "epg"])
def test_sampled_ascent_improves_on_average(algorithm):
    mdp = _mdp()
    theta = _theta("softmax" if algorithm == "spg" else "escort", 8)
    run = run_reinforce(algorithm, mdp, theta, mdp.rho, 400, step_scale=50.0, baseline=True, episodes=4,
                        record_every=400, seed=0)
    assert run.suboptimality[:, -1].mean() < 0.5 * run.suboptimality[:, 0].mean()


def test_baseline_is_updated_after_the_gradient():
    """The first update sees b = 0 (its own returns must not enter its baseline); the second one differs."""
    mdp, theta = _mdp(), _theta("softmax", 3)
    plain, based = (run_reinforce("spg", mdp, theta, mdp.rho, 1, step_scale=40.0, baseline=b, seed=3)
                    for b in (False, True))
    assert np.array_equal(plain.theta_final, based.theta_final)
    plain, based = (run_reinforce("spg", mdp, theta, mdp.rho, 2, step_scale=40.0, baseline=b, seed=3)
                    for b in (False, True))
    assert not np.array_equal(plain.theta_final, based.theta_final)


def test_running_average_baseline():
    """A first visit sets b(s) to the mean return there; later visits move it by 0.1 of the difference."""
    baseline, seen = np.zeros((1, 3)), np.zeros((1, 3), dtype=bool)
    _update_baseline(baseline, seen, np.array([[4.0, 0.0, 9.0]]), np.array([[2.0, 0.0, 3.0]]), MDP_BASELINE.rate)
    assert baseline.tolist() == [[2.0, 0.0, 3.0]] and seen.tolist() == [[True, False, True]]
    _update_baseline(baseline, seen, np.array([[12.0, 5.0, 0.0]]), np.array([[1.0, 1.0, 0.0]]), MDP_BASELINE.rate)
    np.testing.assert_allclose(baseline, [[3.0, 5.0, 3.0]])


def test_same_seed_same_result_and_another_seed_differs():
    mdp, theta = _mdp(), _theta("escort", 4)
    runs = [run_reinforce("epg", mdp, theta, mdp.rho, 30, step_scale=30.0, baseline=True, seed=s) for s in (1, 1, 2)]
    assert np.array_equal(runs[0].theta_final, runs[1].theta_final)
    assert np.array_equal(runs[0].suboptimality, runs[1].suboptimality)
    assert not np.array_equal(runs[0].theta_final, runs[2].theta_final)


@pytest.mark.parametrize("change, match", [
    ({"algorithm": "npg"}, "algorithm"),
    ({"theta0": np.zeros((2, 3, 3))}, "theta must have shape"),
    ({"theta0": np.zeros((2, 3, 2))}, "no zero entries"),
    ({"rho": np.ones(3)}, "rho must be a probability distribution"),
    ({"rho": np.full((3, 3), 1 / 3)}, "rho must have shape"),
    ({"updates": -1}, "steps must be an integer"),
    ({"step_scale": 0.0}, "step_scale must be a finite number > 0"),
    ({"episodes": 0}, "episodes must be an integer >= 1"),
    ({"seed": -3}, "seed must be an integer >= 0"),
    ({"p": 0.5}, "p must be a finite number >= 1"),
])
def test_bad_input_is_rejected(change, match):
    mdp = _mdp()
    arguments = {"algorithm": "epg", "theta0": _theta("escort", 2), "rho": mdp.rho, "updates": 5, "step_scale": 1.0,
                 "episodes": 1, "seed": 0, "p": 2.0} | change
    with pytest.raises(InputError, match=match):
        run_reinforce(arguments.pop("algorithm"), mdp, arguments.pop("theta0"), arguments.pop("rho"),
                      arguments.pop("updates"), **arguments)


def test_bad_baseline_is_rejected():
    mdp = _mdp()
    with pytest.raises(InputError, match="baseline must have shape"):
        reinforce_gradient(mdp, _theta("softmax", 2), mdp.rho, transform="softmax", baseline=np.zeros(4), seed=0)
    with pytest.raises(InputError, match="transform"):
        reinforce_gradient(mdp, _theta("softmax", 2), mdp.rho, transform="sparsemax", seed=0)


def _hand_written_bandit_reinforce(rewards, theta, steps, eta, rate, baseline_rate, rng, transform, p):
    """The bandit REINFORCE loop written out (the form Question 1 used before the engine): θ ← θ + rate·(r(a) − b)·score,
    θ/‖θ‖_p for the escort, b ← b + baseline_rate·(r(a) − b); sub-optimality at every step."""
    runs, K = rewards.shape
    b = np.zeros((runs, 1))
    gaps = []
    for t in range(steps + 1):
        pi = policy(theta, transform=transform, p=p)
        gaps.append(np.sum(pi * (rewards.max(axis=1, keepdims=True) - rewards), axis=1))
        if t == steps:
            break
        actions = np.minimum((rng.random((runs, 1)) > np.cumsum(pi, axis=1)).sum(axis=1), K - 1)
        reward = rewards[np.arange(runs), actions][:, None]
        theta = theta + rate * ((reward - b) * score(theta, actions, transform=transform, p=p))
        if transform == "escort":
            theta = theta / p_norm(theta, p)[:, None]
        b += baseline_rate * (reward - b)
    return np.stack(gaps, axis=-1)


@pytest.mark.parametrize("algorithm, transform", [("spg", "softmax"), ("epg", "escort")])
def test_the_bandit_form_of_the_engine_equals_the_hand_written_loop_and_a_planted_baseline_rate_is_caught(
    algorithm, transform
):
    rng = np.random.default_rng(0)
    rewards = rng.uniform(size=(6, 4))
    rewards[:, 0] = 1.0
    theta = policy(rng.standard_normal((6, 4)), transform="softmax")
    theta = np.log(theta) if transform == "softmax" else np.sqrt(theta)  # θ₁ of unit 2-norm for the escort
    rate = 0.5 if transform == "softmax" else 0.5 * 2 / (9 * 4 * 4**0.5)  # η·η₀, η₀ = 2/(9p²K^{1/p}) at p = 2
    steps, gaps, _ = run_bandit_reinforce(algorithm, rewards, theta, 40, eta=0.5, baseline=True, record_every=1,
                                          rng=np.random.default_rng(7))
    assert steps.tolist() == list(range(41))
    expected = _hand_written_bandit_reinforce(rewards, theta, 40, 0.5, rate, BANDIT_BASELINE.rate,
                                              np.random.default_rng(7), transform, 2.0)
    np.testing.assert_allclose(gaps, expected, rtol=1e-12, atol=1e-15)
    planted = _hand_written_bandit_reinforce(rewards, theta, 40, 0.5, rate, MDP_BASELINE.rate,
                                             np.random.default_rng(7), transform, 2.0)
    assert not np.allclose(gaps, planted, rtol=1e-6, atol=0)


def test_bandit_reinforce_refuses_a_method_without_a_sampled_form():
    with pytest.raises(InputError, match="algorithm"):
        run_bandit_reinforce("md", np.ones((1, 2)), np.zeros((1, 2)), 1, eta=0.1, baseline=False, record_every=1,
                             rng=np.random.default_rng(0))
