"""numerics.environments.mdp: exact values satisfy the Bellman equations, d_ρ is a distribution that solves its own fixed-point
equation, policy gradients equal central finite differences of the exact value, optimal values are optimal.

Finite differences: V(ρ) is smooth in θ, the central difference with h = 1e-5 has truncation error ~h²·|V'''| and
rounding error ~ε·|V|/h; for the small MDPs here (|V| ≤ 1/(1−γ) = 5) both are below 1e-8, so 1e-7 (relative to
max(1, |g|)) can only fail for a formula error, e.g. a missing 1/(1−γ) (a factor 5 here).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.validation import InputError
from numerics.environments.mdp import (
    FiniteMDP,
    evaluate,
    optimal_actions,
    optimal_values,
    policy_gradient,
    random_mdp,
    state_distribution,
    value,
)
from numerics.kernels.transforms import policy

FD_STEP = 1e-5
FD_TOLERANCE = 1e-7


def _mdp(seed: int, S: int = 4, A: int = 3, gamma: float = 0.8) -> FiniteMDP:
    return random_mdp(np.random.default_rng(seed), S, A, gamma)


def _finite_difference(mdp: FiniteMDP, theta: np.ndarray, rho: np.ndarray, transform: str, tau: float) -> np.ndarray:
    gradient = np.zeros_like(theta)
    for index in np.ndindex(theta.shape):
        shift = np.zeros_like(theta)
        shift[index] = FD_STEP
        up = value(mdp, policy(theta + shift, transform=transform), rho, tau=tau)
        down = value(mdp, policy(theta - shift, transform=transform), rho, tau=tau)
        gradient[index] = (up - down) / (2 * FD_STEP)
    return gradient


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    transform=st.sampled_from(["softmax", "escort"]),
    tau=st.sampled_from([0.0, 0.3]),
)
def test_policy_gradient_equals_finite_differences(seed: int, transform: str, tau: float) -> None:
    rng = np.random.default_rng(seed)
    mdp = random_mdp(rng, 3, 3, 0.8)
    theta = rng.standard_normal((3, 3))  # escort: entries of both signs, as Theorem 3 allows
    rho = rng.dirichlet(np.ones(3))
    exact = policy_gradient(mdp, theta, rho, transform=transform, p=2.0, tau=tau)
    numeric = _finite_difference(mdp, theta, rho, transform, tau)
    assert np.max(np.abs(exact - numeric)) <= FD_TOLERANCE * max(1.0, np.max(np.abs(exact)))


def test_escort_gradient_with_negative_parameters_and_p3() -> None:
    mdp = _mdp(3)
    theta = -np.abs(np.random.default_rng(3).standard_normal((4, 3)))
    exact = policy_gradient(mdp, theta, mdp.rho, transform="escort", p=3.0)
    shift = np.zeros_like(theta)
    shift[1, 2] = FD_STEP
    values = [value(mdp, policy(theta + sign * shift, transform="escort", p=3.0), mdp.rho) for sign in (1, -1)]
    assert exact[1, 2] == pytest.approx((values[0] - values[1]) / (2 * FD_STEP), abs=FD_TOLERANCE)


def test_a_gradient_without_the_discount_normalisation_fails_the_check() -> None:
    """The same check rejects the gradient scaled by (1 − γ), i.e. with the 1/(1 − γ) of the theorem dropped."""
    mdp = _mdp(1)
    theta = np.random.default_rng(1).standard_normal((4, 3))
    numeric = _finite_difference(mdp, theta, mdp.rho, "softmax", 0.0)
    wrong = (1 - mdp.gamma) * policy_gradient(mdp, theta, mdp.rho, transform="softmax")
    assert np.max(np.abs(wrong - numeric)) > FD_TOLERANCE * max(1.0, np.max(np.abs(wrong)))


def test_batched_gradient_equals_per_run_gradients() -> None:
    mdp = _mdp(2)
    rng = np.random.default_rng(2)
    theta, rho = rng.standard_normal((3, 4, 3)), rng.dirichlet(np.ones(4), size=3)
    batched = policy_gradient(mdp, theta, rho, transform="escort")
    single = [policy_gradient(mdp, theta[b], rho[b], transform="escort") for b in range(3)]
    np.testing.assert_allclose(batched, single, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("tau", [0.0, 0.5])
def test_values_satisfy_the_bellman_equations(tau: float) -> None:
    mdp = _mdp(4)
    pi = policy(np.random.default_rng(4).standard_normal((4, 3)), transform="softmax")
    V, Q = evaluate(mdp, pi, tau=tau)
    np.testing.assert_allclose(Q, mdp.r + mdp.gamma * mdp.P @ V, rtol=1e-12)
    np.testing.assert_allclose(V, np.sum(pi * (Q - tau * np.log(pi)), axis=-1), rtol=1e-12)


def test_state_distribution_sums_to_one_and_is_the_discounted_occupancy() -> None:
    mdp = _mdp(5)
    pi = policy(np.random.default_rng(5).standard_normal((4, 3)), transform="softmax")
    rho = np.array([1.0, 0.0, 0.0, 0.0])
    d = state_distribution(mdp, pi, rho)
    transition = np.einsum("sa,sat->st", pi, mdp.P)
    assert d.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(d, (1 - mdp.gamma) * rho + mdp.gamma * d @ transition, atol=1e-13)
    series = (1 - mdp.gamma) * sum(mdp.gamma**t * rho @ np.linalg.matrix_power(transition, t) for t in range(400))
    np.testing.assert_allclose(d, series, atol=1e-12)


def test_optimal_values_dominate_every_deterministic_policy_and_are_attained() -> None:
    mdp = _mdp(6, S=3, A=2)
    best = optimal_values(mdp)
    values = [evaluate(mdp, np.eye(2)[list(actions)])[0] for actions in np.ndindex(2, 2, 2)]
    np.testing.assert_allclose(best, np.max(values, axis=0), rtol=1e-12)
    greedy = np.eye(2)[np.argmax(optimal_actions(mdp), axis=-1)]
    np.testing.assert_allclose(evaluate(mdp, greedy)[0], best, rtol=1e-12)


def test_soft_optimal_values_are_the_soft_bellman_fixed_point_and_beat_softmax_policies() -> None:
    mdp, tau = _mdp(7), 0.2
    soft = optimal_values(mdp, tau=tau)
    Q = mdp.r + mdp.gamma * mdp.P @ soft
    softmax_optimal = policy(Q / tau, transform="softmax")
    np.testing.assert_allclose(evaluate(mdp, softmax_optimal, tau=tau)[0], soft, atol=1e-9)
    other = policy(np.random.default_rng(7).standard_normal((4, 3)), transform="softmax")
    assert np.all(evaluate(mdp, other, tau=tau)[0] <= soft + 1e-9)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"gamma": 1.0}, "gamma"),
        ({"P": np.full((2, 2, 2), 0.7)}, "P must hold probabilities"),
        ({"r": np.zeros((2, 3))}, "r must have shape"),
        ({"rho": np.array([0.5, 0.6])}, "rho must be a probability"),
        ({"P": np.full((2, 1, 2), 0.5)}, "number of actions"),
    ],
)
def test_invalid_mdps_are_rejected(change: dict, message: str) -> None:
    fields = {"P": np.full((2, 2, 2), 0.5), "r": np.zeros((2, 2)), "gamma": 0.5, "rho": np.array([0.5, 0.5])} | change
    with pytest.raises(InputError, match=message):
        FiniteMDP(**fields)


def test_invalid_arguments_are_rejected() -> None:
    mdp = _mdp(8)
    with pytest.raises(InputError, match="pi must have shape"):
        evaluate(mdp, np.full((3, 3), 1 / 3))
    with pytest.raises(InputError, match="no zero entries"):
        policy_gradient(mdp, np.zeros((4, 3)), mdp.rho, transform="escort")
    with pytest.raises(InputError, match="tau"):
        value(mdp, np.full((4, 3), 1 / 3), mdp.rho, tau=-1.0)
    with pytest.raises(InputError, match="branching"):
        random_mdp(np.random.default_rng(0), 3, 2, 0.5, branching=4)


def test_random_mdp_is_reproducible_and_sparse_when_asked() -> None:
    first = random_mdp(np.random.default_rng(9), 5, 2, 0.9, branching=2)
    second = random_mdp(np.random.default_rng(9), 5, 2, 0.9, branching=2)
    np.testing.assert_array_equal(first.P, second.P)
    assert np.all(np.count_nonzero(first.P, axis=-1) <= 2)
