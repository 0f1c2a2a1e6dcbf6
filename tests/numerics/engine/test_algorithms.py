"""numerics.engine and numerics.environments.bandit: steps against theory, metamorphic identities, escape times, SCE/ECE."""

from __future__ import annotations

import doctest

import mpmath
import numpy as np
import pytest
import sympy as sp

import numerics.engine.classification as classification
import numerics.engine.escape as escape
import numerics.engine.runs as runs
import numerics.environments.bandit as bandit
from foundation.validation import InputError
from numerics.engine import ALGORITHMS, NRD_LOGIT_THRESHOLD, escape_times, recording_steps, run_bandit
from numerics.engine import run_classification
from numerics.kernels.transforms import escort, log_policy, p_norm, softmax
from theory.statements import BOUNDS, K_SYM, NORM, STATEMENTS

RNG_SEED = 20201


def _statement(statement: str, K: int, side: str = "derived"):
    instance = STATEMENTS[statement].build(K)
    s = instance.setting
    eta = sp.Symbol("eta", positive=True)
    return sp.lambdify([*s.theta, *s.r, s.p, eta], list(getattr(instance, side)), "mpmath")


def _one_step(algorithm: str, theta: np.ndarray, r: np.ndarray, **kwargs) -> np.ndarray:
    return run_bandit(algorithm, theta[None], r, 1, **kwargs).theta_final[0]


def test_spg_step_is_theta_plus_eta_times_eq1():
    rng = np.random.default_rng(RNG_SEED)
    theta, r = rng.standard_normal(4), rng.uniform(size=4)
    with mpmath.workdps(50):
        gradient = np.array([float(g) for g in _statement("eq1", 4)(*theta, *r, 1.0, 0.4)])
    assert np.allclose(_one_step("spg", theta, r, eta=0.4), theta + 0.4 * gradient, rtol=1e-14, atol=0)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.5])
def test_epg_step_is_theorem2_step_size_times_eq5(p):
    rng = np.random.default_rng(RNG_SEED)
    theta, r = rng.standard_normal(5) * 1e3, rng.uniform(size=5)
    step = sp.lambdify([NORM, sp.Symbol("p", positive=True), K_SYM], BOUNDS["thm2-ascent"].step_size)
    eta_t = step(float(p_norm(theta, p)), p, 5)
    with mpmath.workdps(50):
        gradient = np.array([float(g) for g in _statement("eq5", 5)(*theta, *r, p, 0.0)])
    assert np.allclose(_one_step("epg", theta, r, p=p), theta + eta_t * gradient, rtol=1e-13, atol=0)


def test_md_step_is_kl_mirror_descent():
    """Section 3: softmax(θ + ηr) ∝ π·exp(ηr), the stated form of ``md-link``."""
    rng = np.random.default_rng(RNG_SEED)
    theta, r = rng.standard_normal(3), rng.uniform(size=3)
    with mpmath.workdps(50):
        stated = np.array([float(v) for v in _statement("md-link", 3, "stated")(*theta, *r, 1.0, 0.7)])
    assert np.allclose(softmax(_one_step("md", theta, r, eta=0.7)), stated, rtol=1e-14, atol=0)


def test_normalised_epg_visits_the_same_policies_as_epg():
    """Metamorphic (Algorithm 2 / Lemma 9): dividing θ by ‖θ‖_p after each step leaves the policies unchanged."""
    rng = np.random.default_rng(RNG_SEED)
    theta = bandit.initial_parameters(rng, 4, 5, transform="escort", p=3.0, optimal_probability=1e-3) * 50.0
    r = bandit.random_rewards(rng, 4, 5)
    plain = run_bandit("epg", theta, r, 300, p=3.0)
    normalised = run_bandit("epg-normalised", theta, r, 300, p=3.0)
    assert np.allclose(plain.policy_final, normalised.policy_final, rtol=1e-9, atol=1e-300)
    assert np.allclose(plain.suboptimality, normalised.suboptimality, rtol=1e-9, atol=1e-15)
    assert np.allclose(normalised.norm[:, 1:], 1.0, rtol=1e-14)


def test_normalised_spg_takes_steps_of_length_eta():
    rng = np.random.default_rng(RNG_SEED)
    theta, r = rng.standard_normal((3, 4)), bandit.random_rewards(rng, 3, 4)
    moved = run_bandit("spg-normalised", theta, r, 1, eta=0.25).theta_final
    assert np.allclose(np.linalg.norm(moved - theta, axis=-1), 0.25, rtol=1e-14)


def test_inverse_optimal_spg_divides_the_spg_step_by_pi_of_the_optimal_action():
    rng = np.random.default_rng(RNG_SEED)
    theta, r = rng.standard_normal(4), np.array([0.2, 0.9, 0.4, 0.1])
    plain = _one_step("spg", theta, r, eta=0.3) - theta
    inverse = _one_step("spg-inverse-optimal", theta, r, eta=0.3) - theta
    assert np.allclose(inverse, plain / softmax(theta)[1], rtol=1e-13)


def test_nrd_does_not_push_logits_beyond_its_threshold():
    rng = np.random.default_rng(RNG_SEED)
    theta, r = rng.standard_normal((5, 4)), bandit.random_rewards(rng, 5, 4)
    final = run_bandit("nrd", theta, r, 2000, eta=0.1, record_every=2000).theta_final
    assert np.all(np.abs(final) <= np.maximum(np.abs(theta), NRD_LOGIT_THRESHOLD) + 0.1)
    assert np.any(np.abs(theta) < NRD_LOGIT_THRESHOLD - 0.5) and np.any(np.abs(final) > NRD_LOGIT_THRESHOLD - 0.1)


def test_entropy_regularised_runs_approach_the_softmax_optimal_policy():
    """With τ > 0 both regularised algorithms converge to π*_τ ∝ exp(r/τ) (the maximiser of πᵀr + τH(π))."""
    rng = np.random.default_rng(RNG_SEED)
    r, tau = np.array([0.9, 0.5, 0.1]), 0.2
    target = softmax(r / tau)
    for name in ("spg-entropy", "epg-entropy"):
        transform = ALGORITHMS[name].transform
        theta = bandit.initial_parameters(rng, 2, 3, transform=transform)
        final = run_bandit(name, theta, r, 20000, tau=tau, eta=1.0, record_every=20000, backend="compiled").policy_final
        assert np.allclose(final, target, atol=1e-6), name


@pytest.mark.parametrize("transform", ["softmax", "escort"])
@pytest.mark.parametrize("q", [0.5, 1e-7, 1e-300])
def test_initial_parameters_put_exactly_the_requested_probability_on_the_optimal_action(transform, q):
    rng = np.random.default_rng(RNG_SEED)
    theta = bandit.initial_parameters(rng, 6, 4, transform=transform, p=3.0, optimal_probability=q, optimal_action=2)
    log_pi = log_policy(theta, transform=transform, p=3.0)
    assert np.allclose(log_pi[:, 2], np.log(q), rtol=0, atol=1e-12)


def test_suboptimality_keeps_relative_accuracy_near_the_optimal_vertex():
    pi = np.array([1 - 1e-12, 1e-12, 0.0])
    assert bandit.suboptimality(pi, np.array([1.0, 0.25, 0.0])) == pytest.approx(0.75e-12, rel=1e-15)


def test_recorded_columns_and_stopping():
    rng = np.random.default_rng(RNG_SEED)
    theta = bandit.initial_parameters(rng, 3, 4, transform="softmax", optimal_probability=0.05)
    r = bandit.gap_rewards(4, gap=0.5, base=0.25)
    full = run_bandit("spg", theta, r, 400)
    stopped = run_bandit("spg", theta, r, 400, stop_below=0.1, record_per_decade=5)
    first_below = np.argmax(full.suboptimality < 0.1, axis=1)
    assert np.array_equal(stopped.steps_run, first_below)
    assert np.allclose(stopped.theta_final, [run_bandit("spg", theta[b : b + 1], r, int(t)).theta_final[0]
                                             for b, t in enumerate(first_below)], rtol=1e-15)
    assert np.array_equal(recording_steps(400, record_per_decade=5), stopped.steps)


def test_sign_changes_count_every_crossing_of_zero():
    theta, r = np.array([[0.05, -1.0, 1.0]]), np.array([1.0, 0.0, 0.0])
    traj = run_bandit("md", theta, np.array([-0.1, 0.0, 0.0]), 2)
    assert traj.sign_changes.tolist() == [1]
    assert run_bandit("spg", theta, r, 3).sign_changes.tolist() == [0]


def test_escape_time_grows_like_one_over_the_initial_optimal_probability():
    """Fig. 2(a) / Theorem 1: log t₀ = −log π₁(a*) + C, slope −1 in log-log."""
    rng = np.random.default_rng(RNG_SEED)
    r = bandit.gap_rewards(5, gap=0.8, base=0.1)
    probabilities = np.array([1e-3, 1e-4, 1e-5])
    rest = bandit.initial_parameters(rng, 1, 5, transform="softmax")
    times = []
    for q in probabilities:
        theta = rest.copy()
        theta[0, 0] = np.log(q / (1 - q)) + np.log(np.sum(np.exp(rest[0, 1:])))
        times.append(escape_times(theta, r, max_steps=10**7)[0])
    slope = np.polyfit(np.log(probabilities), np.log(times), 1)[0]
    assert -1.05 < slope < -0.95


def test_escape_time_edge_cases():
    r = bandit.gap_rewards(3, gap=0.5, base=0.0)
    assert escape_times(np.array([[5.0, 0.0, 0.0]]), r, max_steps=10, backend="numpy")[0] == 1.0
    assert escape_times(np.array([[-10.0, 0.0, 0.0]]), r, max_steps=10, backend="numpy")[0] == np.inf


def test_ece_converges_linearly_and_sce_does_not():
    """Theorem 5: −log π_t(a_y) ≤ −log π_1(a_y)·exp{−(t − 1)/(2(3 + c₁²))} for ECE with p = 2; SCE is sublinear."""
    rng = np.random.default_rng(RNG_SEED)
    theta = rng.standard_normal((4, 5))
    ece = run_classification("ece", theta, 2, 400, record_every=50)
    c1_squared = 1 / escort(theta, 2.0)[:, 2]
    bound = ece.cross_entropy[:, :1] * np.exp(-ece.steps / (2 * (3 + c1_squared[:, None])))
    assert np.all(ece.cross_entropy <= bound * (1 + 1e-9))
    sce = run_classification("sce", theta, 2, 400, record_every=50)
    assert np.all(sce.cross_entropy[:, -1] > 100 * ece.cross_entropy[:, -1])


def test_cross_entropy_record_is_accurate_near_the_label_vertex():
    logits = np.array([[40.0, 0.0, -3.0]])
    cross_entropy, l2 = classification._losses(logits, 0)
    with mpmath.workdps(50):
        exact = -mpmath.log(mpmath.exp(40) / (mpmath.exp(40) + 1 + mpmath.exp(-3)))
        rest = [mpmath.exp(v - 40) / (1 + mpmath.exp(-40) + mpmath.exp(-43)) for v in (0.0, -3.0)]
        exact_l2 = sum(rest) ** 2 + sum(x**2 for x in rest)
    assert cross_entropy[0] == pytest.approx(float(exact), rel=1e-14)
    assert l2[0] == pytest.approx(float(exact_l2), rel=1e-14)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: run_bandit("sgp", np.ones((1, 3)), np.ones(3), 1), "did you mean 'spg'"),
        (lambda: run_bandit("spg", np.ones(3), np.ones(3), 1), "theta0 must have 2 axes"),
        (lambda: run_bandit("spg", np.ones((2, 3)), np.ones((3, 3)), 1), r"r must have shape \(3,\) \(shared by the runs\) or \(2, 3\)"),
        (lambda: run_bandit("epg", np.zeros((1, 3)), np.ones(3), 1), "no zero entries"),
        (lambda: run_bandit("spg", np.ones((1, 3)), np.ones(3), -1), "steps must be an integer >= 0"),
        (lambda: run_bandit("spg", np.ones((1, 3)), np.ones(3), 1, eta=0.0), "eta must be"),
        (lambda: run_bandit("spg", np.ones((1, 3)), np.ones(3), 1, backend="gpu"), "backend"),
        (lambda: escape_times(np.ones((1, 3)), np.ones(3), max_steps=5), "reward gap > 0"),
        (lambda: run_classification("ece", np.ones((1, 3)), 5, 1), "label must be"),
        (lambda: bandit.gap_rewards(3, gap=0.5, base=0.7), "base must lie in"),
        (lambda: bandit.initial_parameters(np.random.default_rng(0), 1, 3, transform="softmax",
                                           optimal_probability=1.0), "optimal_probability"),
    ],
)
def test_bad_input_is_rejected_with_a_named_argument(call, fragment):
    with pytest.raises(InputError, match=fragment):
        call()


@pytest.mark.parametrize("module", [runs, escape, classification, bandit])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(("steps", "record_every", "message"),
                         [(10**12, 10**6, "steps must be at most"), (10**9, 1, "record fewer steps")])
def test_absurd_run_sizes_are_refused_at_once(steps: int, record_every: int, message: str) -> None:
    with pytest.raises(InputError, match=message):
        run_bandit("spg", np.zeros((1, 3)), np.array([1.0, 0.0, 0.0]), steps, record_every=record_every)
