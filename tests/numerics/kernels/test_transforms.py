"""numerics.kernels.transforms against the SymPy definitions of theory.definitions, evaluated by mpmath at 50 digits."""

from __future__ import annotations

import doctest
import functools

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import numerics.kernels.transforms as transforms
from foundation.validation import InputError
from proofs_check.strategies import escort_exponents, escort_parameters, softmax_logits
from theory import definitions as d

EPS = np.finfo(np.float64).eps


@functools.lru_cache(maxsize=None)
def _exact(kind: str, K: int):
    """mpmath function (θ..., p) -> list of 50-digit values of the SymPy definition."""
    theta = d.parameters(K)
    expression = {
        "softmax": lambda: d.softmax(theta),
        "escort": lambda: d.escort(theta, d.P),
        "p_norm": lambda: sp.Matrix([d.p_norm(theta, d.P)]),
    }[kind]()
    return sp.lambdify([*theta, d.P], list(expression), "mpmath")


def _reference(kind: str, theta, p: float = 1.0) -> list:
    with mpmath.workdps(50):
        return _exact(kind, len(theta))(*map(mpmath.mpf, theta), mpmath.mpf(p))


def _log_escort_error_bound(log_exact: float, p: float, K: int) -> float:
    """Rounding budget of the log-domain escort: ~ε per operation on z = p·log(|θ|/m), whose size is ~|log π| + p."""
    return 8 * EPS * (abs(log_exact) + p + K)


@settings(max_examples=60)
@given(st.integers(2, 6).flatmap(lambda K: softmax_logits(K)))
def test_log_softmax_matches_the_definition(theta):
    exact = _reference("softmax", theta)
    with mpmath.workdps(50):
        log_exact = np.array([float(mpmath.log(v)) for v in exact])
    computed = transforms.log_softmax(np.array(theta))
    assert np.all(np.abs(computed - log_exact) <= 8 * EPS * (np.abs(log_exact) + len(theta)))


@settings(max_examples=80)
@given(
    st.tuples(st.integers(2, 5), escort_exponents(((1.0, 1000.0),))).flatmap(
        lambda kp: st.tuples(escort_parameters(kp[0], kp[1], min_scale=1e-290, max_scale=1e290), st.just(kp[1]))
    )
)
def test_log_escort_matches_the_definition_over_extreme_scales(case):
    theta, p = case
    exact = _reference("escort", theta, p)
    with mpmath.workdps(50):
        log_exact = np.array([float(mpmath.log(v)) for v in exact])
    computed = transforms.log_escort(np.array(theta), p)
    assert np.all(np.isfinite(computed))
    for value, reference in zip(computed, log_exact):
        assert abs(value - reference) <= _log_escort_error_bound(reference, p, len(theta))


def test_log_of_absolute_values_would_fail_the_same_bound():
    """The bound above is tight enough to catch the naive z = p·log|θ| at |θ| ≈ 1e300 (absolute error p·ε·690)."""
    theta, p = np.array([1e300, 1.7e300, 2.3e300]), 997.0
    log_exact = [float(mpmath.log(v)) for v in _reference("escort", tuple(theta), p)]
    naive = transforms._log_softmax(p * np.log(np.abs(theta)))
    errors = [abs(a - b) - _log_escort_error_bound(b, p, 3) for a, b in zip(naive, log_exact)]
    assert max(errors) > 0
    computed = transforms.log_escort(theta, p)
    assert all(abs(a - b) <= _log_escort_error_bound(b, p, 3) for a, b in zip(computed, log_exact))


@settings(max_examples=60)
@given(
    st.tuples(st.integers(2, 5), escort_exponents(((1.0, 1000.0),))).flatmap(
        lambda kp: st.tuples(escort_parameters(kp[0], kp[1], min_scale=1e-290, max_scale=1e290), st.just(kp[1]))
    )
)
def test_p_norm_matches_the_definition(case):
    theta, p = case
    (exact,) = _reference("p_norm", theta, p)
    assert transforms.p_norm(np.array(theta), p) == pytest.approx(float(exact), rel=4 * EPS * len(theta) * 4)
    assert transforms.log_p_norm(np.array(theta), p) == pytest.approx(float(mpmath.log(exact)), rel=1e-14, abs=1e-14)


def test_escort_is_batched_along_any_axis_and_matches_policy_by_name():
    theta = np.random.default_rng(0).standard_normal((4, 3))
    assert np.allclose(transforms.escort(theta, 3.0, axis=0), transforms.escort(theta.T, 3.0).T, rtol=1e-15)
    assert np.array_equal(transforms.policy(theta, transform="escort", p=3.0), transforms.escort(theta, 3.0))
    assert np.array_equal(transforms.policy(theta, transform="softmax"), transforms.softmax(theta))
    assert np.allclose(transforms.escort(theta, 2.0).sum(axis=-1), 1.0, rtol=0, atol=4 * EPS)


def test_spherical_transform_is_the_escort_with_p_two():
    """Metamorphic: θ²/Σθ² written by hand equals f_2(θ)."""
    theta = np.random.default_rng(1).standard_normal((5, 4))
    assert np.allclose(transforms.escort(theta, 2.0), theta**2 / np.sum(theta**2, axis=-1, keepdims=True), rtol=1e-14)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: transforms.escort(np.array([0.0, 1.0]), 2.0), "no zero entries"),
        (lambda: transforms.escort(np.array([1.0, 1.0]), 0.5), "p must be a finite number >= 1"),
        (lambda: transforms.softmax(np.array([np.nan, 1.0])), "finite"),
        (lambda: transforms.softmax(3.0), "axes"),
        (lambda: transforms.p_norm(np.zeros(3), 2.0), "zero vector"),
        (lambda: transforms.policy(np.ones(2), transform="softmaks"), "did you mean 'softmax'"),
        (lambda: transforms.softmax(np.ones(3), axis=3), r"axis must be an integer in \[-1, 0\]"),
        (lambda: transforms.escort(np.ones((2, 3)), 2.0, axis=-3), r"axis must be an integer in \[-2, 1\]"),
        (lambda: transforms.log_softmax(np.ones((2, 0)), axis=1), "at least one entry"),
    ],
)
def test_bad_input_is_rejected_with_a_named_argument(call, fragment):
    with pytest.raises(InputError, match=fragment):
        call()


def test_escort_along_a_leading_axis_is_the_transpose_of_the_last():
    theta = np.random.default_rng(2).standard_normal((4, 3))
    assert np.array_equal(transforms.escort(theta, 3.0, axis=0), transforms.escort(theta.T, 3.0).T)


def test_p_norm_allows_zero_entries():
    assert transforms.p_norm(np.array([0.0, 3.0, -4.0]), 2.0) == pytest.approx(5.0, rel=EPS)


def test_doctests():
    assert doctest.testmod(transforms).failed == 0


@settings(max_examples=60)
@given(
    st.tuples(st.integers(2, 5), escort_exponents(((1.0, 8.0),))).flatmap(
        lambda kp: st.tuples(escort_parameters(kp[0], kp[1], min_scale=1e-100, max_scale=1e100), st.just(kp[1]),
                             st.lists(st.booleans(), min_size=kp[0], max_size=kp[0]))
    )
)
def test_escort_at_kink_matches_the_definition_with_zero_entries(case):
    """π and q = p·π/θ against the 50-digit escort of Eq. (3) where θ ≠ 0; at θ(a) = 0, π(a) = 0 and q(a) is its
    limit 0 for p > 1 (NaN for p = 1, which has none)."""
    theta, p, zeros = case
    theta = np.where(np.array(zeros) & (np.arange(len(theta)) > 0), 0.0, np.array(theta))  # entry 0 stays nonzero
    exact = np.array([float(v) for v in _reference("escort", theta.tolist(), p)])
    pi, q = transforms.escort_at_kink(theta, p)
    assert np.allclose(pi, exact, rtol=64 * EPS * p, atol=0)
    nonzero = theta != 0
    assert np.allclose(q[nonzero], p * exact[nonzero] / theta[nonzero], rtol=64 * EPS * p, atol=0)
    assert np.all(pi[~nonzero] == 0)
    assert np.all(q[~nonzero] == 0) if p > 1 else np.all(np.isnan(q[~nonzero]))


def test_escort_at_kink_rejects_the_zero_vector():
    with pytest.raises(InputError, match="zero vector"):
        transforms.escort_at_kink(np.zeros((2, 3)), 2.0)
