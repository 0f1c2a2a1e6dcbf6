"""Tests of numerics.kernels.entmax against exact arithmetic: rational sparsemax, 50-digit α-entmax and its Jacobian.

The references take the float inputs as exact numbers (``Fraction(float)`` / ``mpmath.mpf``) and apply the
definition Σ_a [(α−1)θ(a) − τ]_+^{1/(α−1)} = 1 without any shift, so they share no trick with the kernel.
Tolerance: π is O(1) after the shift, so the kernel is within a few ε·K of the exact value (float32: of its ε).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from foundation.validation import InputError
from numerics.kernels.entmax import entmax, entmax_jacobian, entmax_vjp, sparsemax

ALPHAS = [1.5, 2.0, 1.2, 1.7, 3.0]


def _exact_sparsemax(row: np.ndarray) -> list[Fraction]:
    """Sparsemax in rationals: the largest k with 1 + k·z_(k) > Σ_{i≤k} z_(i) (Martins & Astudillo 2016, Alg. 1)."""
    z = [Fraction(float(v)) for v in row]
    ordered = sorted(z, reverse=True)
    size = max(k for k in range(1, len(z) + 1) if 1 + k * ordered[k - 1] > sum(ordered[:k]))
    tau = (sum(ordered[:size]) - 1) / size
    return [max(v - tau, Fraction(0)) for v in z]


def _definition(theta: list, alpha: float) -> list:
    """α-entmax of mpf entries at the working precision: bisection on τ of Σ[(α−1)θ − τ]_+^{1/(α−1)} = 1."""
    a = mpmath.mpf(alpha)
    x = [(a - 1) * v for v in theta]
    low, high = max(x) - 1, max(x)
    for _ in range(240):  # the interval has width 1: 2^-240 ≈ 1e-72, beyond the 50 digits compared
        middle = (low + high) / 2
        total = sum(max(v - middle, 0) ** (1 / (a - 1)) for v in x)
        low, high = (middle, high) if total >= 1 else (low, middle)
    return [max(v - low, 0) ** (1 / (a - 1)) for v in x]


def _reference_entmax(row: np.ndarray, alpha: float, digits: int = 50) -> list[mpmath.mpf]:
    """α-entmax of the exact float values at ``digits`` digits (20 guard digits, plus the digits of max|θ| so that
    the bisection interval [max x − 1, max x] is resolved)."""
    magnitude = max(0, int(np.log10(np.abs(row).max() + 1.0)))
    with mpmath.workdps(digits + 20 + magnitude):
        return _definition([mpmath.mpf(float(v)) for v in row], alpha)


def _close(pi: np.ndarray, reference: list, atol: float) -> None:
    np.testing.assert_allclose(pi.astype(np.float64), [float(v) for v in reference], rtol=0, atol=atol)


HARD_CASES = [
    np.array([0.0, 0.5, 1.0]) + 1e8,
    np.array([1e16, 1e16 + 2]),
    np.array([1e200, 0.0]),
    np.full(3, 1e16),
    np.array([0.3, 0.3, 0.3, -0.2]),
    np.array([1e12 + 0.5, 1e12, 1e12 - 0.25, -1e12]),
    np.array([1e-300, -1e-300, 5e-324, 0.0]),
    np.array([-1e308, 1e308, 0.0]),
    np.array([2.0, 2.0, 1.0, -1e150, 1.999999999999]),
]


@pytest.mark.parametrize("theta", HARD_CASES, ids=range(len(HARD_CASES)))
def test_sparsemax_equals_exact_rational_sparsemax(theta: np.ndarray) -> None:
    _close(sparsemax(theta), _exact_sparsemax(theta), atol=4e-16 * len(theta))


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("theta", HARD_CASES, ids=range(len(HARD_CASES)))
def test_entmax_equals_the_50_digit_definition(theta: np.ndarray, alpha: float) -> None:
    pi = entmax(theta, alpha)
    _close(pi, _reference_entmax(theta, alpha), atol=1e-15 * len(theta))
    assert abs(pi.sum() - 1) <= 4e-16 * len(theta)


def test_the_issues_cases() -> None:
    np.testing.assert_allclose(entmax(1e8 + np.array([0, 0.5, 1]), 1.5), [0.08414, 0.29167, 0.62420], atol=5e-6)
    np.testing.assert_array_equal(entmax(np.array([1e16, 1e16 + 2]), 2), [0.0, 1.0])


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (5,), elements=st.floats(-3, 3)), st.sampled_from([0.0, 1e4, -1e8, 1e12]),
       st.sampled_from(ALPHAS))
def test_entmax_is_shift_invariant_and_exact_at_any_offset(theta: np.ndarray, offset: float, alpha: float) -> None:
    shifted = theta + offset
    _close(entmax(shifted, alpha), _reference_entmax(shifted, alpha, digits=30), atol=5e-15)


@pytest.mark.parametrize("alpha", ALPHAS)
def test_float32_in_float32_out_within_float32_rounding(alpha: float) -> None:
    theta = np.random.default_rng(0).normal(size=(6, 6)).astype(np.float32) + np.float32(1000)
    pi = entmax(theta, alpha)
    assert pi.dtype == np.float32 and entmax_jacobian(theta, alpha).dtype == np.float32
    for row, pi_row in zip(theta, pi):
        _close(pi_row, _reference_entmax(row, alpha, digits=20), atol=4 * np.finfo(np.float32).eps)


def _reference_jacobian(theta: np.ndarray, alpha: float) -> np.ndarray:
    """Central differences of the 50-digit definition with step 1e-25: error O(1e-50) on a smooth piece."""
    step = mpmath.mpf("1e-25")
    columns = []
    with mpmath.workdps(70):
        for j in range(len(theta)):
            up, down = ([mpmath.mpf(float(v)) + (s * step if i == j else 0) for i, v in enumerate(theta)]
                        for s in (1, -1))
            plus, minus = _definition(up, alpha), _definition(down, alpha)
            columns.append([float((p - m) / (2 * step)) for p, m in zip(plus, minus)])
    return np.array(columns).T


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_jacobian_and_vjp_equal_the_50_digit_derivative(alpha: float, offset: float) -> None:
    theta = np.array([1.3, 0.2, -2.0, 0.9, 1.1]) + offset
    jacobian = entmax_jacobian(theta, alpha)
    np.testing.assert_allclose(jacobian, _reference_jacobian(theta, alpha), rtol=0, atol=1e-14)
    v = np.array([0.3, -1.0, 2.0, 0.5, 0.0])
    np.testing.assert_allclose(entmax_vjp(theta, v, alpha), jacobian.T @ v, rtol=0, atol=1e-14)


def test_vjp_is_batched_without_a_k_by_k_matrix() -> None:
    theta = np.random.default_rng(1).normal(size=(3, 2, 7))
    v = np.random.default_rng(2).normal(size=(3, 2, 7))
    expected = np.einsum("...ij,...i->...j", entmax_jacobian(theta, 1.5), v)
    np.testing.assert_allclose(entmax_vjp(theta, v, 1.5), expected, rtol=0, atol=1e-14)


@pytest.mark.parametrize("bad", [np.array([0.75, np.nan, 0.25]), np.array([np.inf, 0.0]), np.zeros((2, 0))])
def test_non_finite_or_empty_input_is_rejected(bad: np.ndarray) -> None:
    with pytest.raises(InputError, match="theta"):
        entmax(bad, 1.5)


@pytest.mark.parametrize("alpha", [1.0, 0.5, -2.0, float("nan"), float("inf"), "two"])
def test_alpha_outside_its_range_is_rejected(alpha: object) -> None:
    with pytest.raises(InputError, match="alpha must be a finite number > 1"):
        entmax(np.array([0.0, 1.0]), alpha)


def test_a_wrong_kernel_fails_the_exact_comparison() -> None:
    """The old kernel's mistake (no max shift, mean of squares minus squared mean at 1e8) is caught."""
    theta = np.array([0.0, 0.5, 1.0]) + 1e8
    x = theta / 2
    k = np.arange(1, 4)
    mean, mean_square = np.cumsum(x) / k, np.cumsum(x**2) / k
    tau = mean - np.sqrt(np.maximum(1 / k - (mean_square - mean**2), 0.0))
    wrong = np.maximum(x - tau[np.sum(tau < x) - 1], 0) ** 2
    with pytest.raises(AssertionError):
        _close(wrong, _reference_entmax(theta, 1.5), atol=1e-15 * 3)


def test_agrees_with_the_reference_library_when_installed() -> None:
    torch = pytest.importorskip("torch")
    library = pytest.importorskip("entmax")
    theta = np.random.default_rng(3).normal(size=(50, 8)) * 3
    tensor = torch.tensor(theta, dtype=torch.float64)
    np.testing.assert_allclose(entmax(theta, 1.5), library.entmax15(tensor, dim=-1).numpy(), atol=1e-12)
    np.testing.assert_allclose(entmax(theta, 2.0), library.sparsemax(tensor, dim=-1).numpy(), atol=1e-12)
    np.testing.assert_allclose(entmax(theta, 1.3), library.entmax_bisect(tensor, 1.3, dim=-1).numpy(), atol=1e-10)
