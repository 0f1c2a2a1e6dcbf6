"""numerics.kernels.gradients against the derived SymPy expressions of theory.statements, evaluated by mpmath at 50 digits.

Each kernel is compared component by component with the *derived* expression (the SymPy derivative of the
definition, never the paper's transcription). The tolerance of component a is relative to the size of its two
factors, |s(a)|·(max r − min r) with s(a) the exact sensitivity π(a) or p·π(a)/θ(a): the kernel promises full
relative accuracy of s(a) and of the centred signal, not of their difference where r(a) ≈ πᵀr.
"""

from __future__ import annotations

import doctest
import functools

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, reject, settings
from hypothesis import strategies as st

import numerics.kernels.gradients as gradients
from foundation.validation import InputError
from numerics.kernels.transforms import _log_policy, _log_p_norm
from proofs_check.strategies import escort_exponents, escort_parameters, reward_vectors, softmax_logits
from theory import definitions as d
from theory.statements import STATEMENTS

TOLERANCE = 1e-12
"""Relative to |s(a)|·(range of the signal): a few hundred ε for K ≤ 5 and |log π| up to ~1e3."""


@functools.lru_cache(maxsize=None)
def _derived(statement: str, K: int, label: int = 0):
    """mpmath function (θ..., r..., p, τ) -> derived expression of ``statement`` and the exact π."""
    instance = STATEMENTS[statement].build(K, label=label)
    s = instance.setting
    pi = d.softmax(s.theta) if instance.statement.transform == "softmax" else d.escort(s.theta, s.p)
    return sp.lambdify([*s.theta, *s.r, s.p, s.tau], [list(instance.derived), list(pi)], "mpmath")


def _digits(theta, transform: str, p: float) -> int:
    """Working precision: 50 digits plus those lost where the derived expression cancels, 1 − π(a) for π(a) ≈ 1
    needs log10(1/min π) more (the smallest probability sets how close to 1 the largest is)."""
    lost = -np.min(_log_policy(np.array(theta), transform, p)) / np.log(10.0)
    if lost >= 2000:
        reject()
    return 50 + int(np.ceil(lost))


def _exact(statement: str, theta, r, p: float, tau: float = 0.0, label: int = 0):
    """(derived gradient, exact sensitivity) as floats, at 50 digits beyond those lost to cancellation."""
    with mpmath.workdps(_digits(theta, STATEMENTS[statement].transform, p)):
        values = [mpmath.mpf(v) for v in (*theta, *r, p, tau)]
        gradient, pi = _derived(statement, len(theta), label)(*values)
        if STATEMENTS[statement].transform == "escort":
            sensitivity = [p * q / t for q, t in zip(pi, values)]
        else:
            sensitivity = pi
        return np.array([float(g) for g in gradient]), np.array([abs(float(x)) for x in sensitivity])


def _agrees(computed: np.ndarray, exact: np.ndarray, sensitivity: np.ndarray, spread: float) -> bool:
    return bool(np.all(np.abs(computed - exact) <= TOLERANCE * sensitivity * max(spread, 1.0) + 1e-300))


def _escort_case(K_max: int = 4, p_max: float = 1000.0):
    return st.tuples(st.integers(2, K_max), escort_exponents(((1.0, p_max),))).flatmap(
        lambda kp: st.tuples(
            escort_parameters(kp[0], kp[1], min_scale=1e-290, max_scale=1e290), reward_vectors(kp[0]), st.just(kp[1])
        )
    )


def _softmax_case(K_max: int = 4):
    return st.integers(2, K_max).flatmap(lambda K: st.tuples(softmax_logits(K), reward_vectors(K)))


@settings(max_examples=50)
@given(_escort_case())
def test_escort_reward_gradient_is_eq5(case):
    theta, r, p = case
    exact, sensitivity = _exact("eq5", theta, r, p)
    computed = gradients.reward_gradient(np.array(theta), np.array(r), transform="escort", p=p)
    assert _agrees(computed, exact, sensitivity, np.ptp(r))


@settings(max_examples=50)
@given(_softmax_case())
def test_softmax_reward_gradient_is_eq1(case):
    theta, r = case
    exact, sensitivity = _exact("eq1", theta, r, 1.0)
    computed = gradients.reward_gradient(np.array(theta), np.array(r), transform="softmax")
    assert _agrees(computed, exact, sensitivity, np.ptp(r))


@settings(max_examples=40)
@given(_escort_case(K_max=3, p_max=50.0), st.floats(1e-3, 10.0))
def test_regularised_escort_gradient_is_the_derivative_of_reward_plus_entropy(case, tau):
    theta, r, p = case
    exact, sensitivity = _exact("entropy-gradient-escort", theta, r, p, tau)
    computed = gradients.regularised_reward_gradient(np.array(theta), np.array(r), tau, transform="escort", p=p)
    log_pi = _log_policy(np.array(theta), "escort", p)
    spread = np.ptp(r) + tau * np.ptp(log_pi)
    assert _agrees(computed, exact, sensitivity, spread)


@settings(max_examples=40)
@given(_softmax_case(K_max=3), st.floats(1e-3, 10.0))
def test_regularised_softmax_gradient_is_the_derivative_of_reward_plus_entropy(case, tau):
    theta, r = case
    exact, sensitivity = _exact("entropy-gradient-softmax", theta, r, 1.0, tau)
    computed = gradients.regularised_reward_gradient(np.array(theta), np.array(r), tau, transform="softmax")
    spread = np.ptp(r) + tau * np.ptp(_log_policy(np.array(theta), "softmax", 1.0))
    assert _agrees(computed, exact, sensitivity, spread)


@settings(max_examples=50)
@given(_escort_case(), st.data())
def test_escort_cross_entropy_gradient_is_its_derivative(case, data):
    theta, _, p = case
    label = data.draw(st.integers(0, len(theta) - 1))
    exact, _ = _exact("ce-gradient-escort", theta, [0.0] * len(theta), p, label=label)
    computed = gradients.cross_entropy_gradient(np.array(theta), label, transform="escort", p=p)
    floor = 1e-300 * p / np.abs(np.array(theta))  # 1e-300·|p/θ|, formed without overflow for subnormal θ
    assert np.all(np.abs(computed - exact) <= TOLERANCE * np.maximum(np.abs(exact), floor))


@settings(max_examples=50)
@given(st.integers(2, 4).flatmap(lambda K: st.tuples(softmax_logits(K), st.integers(0, K - 1))))
def test_softmax_cross_entropy_gradient_is_pi_minus_y_to_full_relative_accuracy(case):
    theta, label = case
    exact, _ = _exact("ce-gradient-softmax", theta, [0.0] * len(theta), 1.0, label=label)
    computed = gradients.cross_entropy_gradient(np.array(theta), label, transform="softmax")
    assert np.all(np.abs(computed - exact) <= TOLERANCE * np.abs(exact) + 1e-300)


def _wrong_eq5(theta: np.ndarray, r: np.ndarray, p: float) -> np.ndarray:
    """Eq. (5) with the exponent 1 − 1/p mistyped as 1 − 2/p: a deliberately wrong kernel."""
    log_pi = _log_policy(theta, "escort", p)
    scale = p / np.exp(_log_p_norm(theta, p)) * np.sign(theta)
    return scale * np.exp((1 - 2 / p) * log_pi) * gradients.centred(log_pi, r)


def test_a_kernel_with_a_wrong_exponent_is_caught():
    theta, r, p = (0.3, -1.2, 2.0), (0.9, 0.1, 0.5), 3.0
    exact, sensitivity = _exact("eq5", theta, r, p)
    assert not _agrees(_wrong_eq5(np.array(theta), np.array(r), p), exact, sensitivity, np.ptp(r))
    right = gradients.reward_gradient(np.array(theta), np.array(r), transform="escort", p=p)
    assert _agrees(right, exact, sensitivity, np.ptp(r))


def test_gradients_are_batched_over_leading_axes():
    rng = np.random.default_rng(0)
    theta, r = rng.standard_normal((2, 3, 4)), rng.uniform(size=4)
    batched = gradients.reward_gradient(theta, r, transform="escort", p=2.5)
    single = np.array([[gradients.reward_gradient(t, r, transform="escort", p=2.5) for t in row] for row in theta])
    assert np.array_equal(batched, single)


def test_escort_gradient_stays_finite_at_extreme_scales():
    r = np.array([1.0, 0.0, 0.5])
    for scale in (1e-300, 1e300):
        g = gradients.reward_gradient(scale * np.array([1.0, -2.0, 3.0]), r, transform="escort", p=1000.0)
        assert np.all(np.isfinite(g))


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: gradients.reward_gradient(np.ones(3), np.ones(2)), "r must have K = 3"),
        (lambda: gradients.reward_gradient(np.ones(3), np.ones(3), transform="escrot"), "did you mean 'escort'"),
        (lambda: gradients.reward_gradient(np.array([1.0, 0.0]), np.ones(2), transform="escort"), "no zero"),
        (lambda: gradients.regularised_reward_gradient(np.ones(2), np.ones(2), -1.0), "tau must be"),
        (lambda: gradients.cross_entropy_gradient(np.ones(3), 3), r"label must be an integer in \[0, 2\]"),
        (lambda: gradients.reward_gradient(np.ones(3), np.ones(3), transform="escort", p=0.9), "p must be"),
    ],
)
def test_bad_input_is_rejected_with_a_named_argument(call, fragment):
    with pytest.raises(InputError, match=fragment):
        call()


def test_doctests():
    assert doctest.testmod(gradients).failed == 0
