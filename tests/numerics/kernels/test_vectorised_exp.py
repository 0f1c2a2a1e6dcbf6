"""The vectorised exponential is within 2 ulp of the correctly rounded e^x over the whole double range."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from numerics.kernels.vectorised_exp import exp_into

ULP_LIMIT = 2.0
SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)
SMALLEST_SUBNORMAL = math.ulp(0.0)


def _correctly_rounded(x: np.ndarray, offset: float) -> np.ndarray:
    """e^y for y = x − offset in double arithmetic (the kernel's contract), rounded once from 60 digits."""
    with mpmath.workdps(60):
        return np.array([float(mpmath.exp(mpmath.mpf(float(v)))) for v in x - offset])


def _errors(approx: np.ndarray, exact: np.ndarray) -> tuple[float, float]:
    """(largest error in ulps of the exact value over normal results, largest absolute error over subnormal ones)."""
    normal = exact >= SMALLEST_NORMAL
    finite = normal & np.isfinite(exact)
    ulps = np.abs(approx[finite] - exact[finite]) / np.spacing(exact[finite])
    below = ~normal
    return (float(ulps.max(initial=0.0)), float(np.abs(approx[below] - exact[below]).max(initial=0.0)))


def _exp(x: np.ndarray, offset: float = 0.0) -> np.ndarray:
    out = np.empty_like(x)
    exp_into(x, out, offset)
    return out


def test_accuracy_on_a_grid_through_every_binade():
    x = np.concatenate([
        np.linspace(-745.2, 709.7, 20_001),
        -np.logspace(-320, 2.8, 4_000),
        np.logspace(-320, 2.8, 4_000),
        [0.0, -0.0, SMALLEST_SUBNORMAL, -SMALLEST_SUBNORMAL, math.log(2.0) / 2, -math.log(2.0) / 2],
    ])
    ulps, subnormal = _errors(_exp(x), _correctly_rounded(x, 0.0))
    assert ulps <= ULP_LIMIT
    assert subnormal <= SMALLEST_SUBNORMAL


@settings(max_examples=60, deadline=None)
@given(
    x=arrays(np.float64, st.integers(1, 37), elements=st.floats(-740.0, 700.0)),
    offset=st.floats(-700.0, 700.0),
)
def test_accuracy_with_an_offset(x, offset):
    """out = e^{x − offset} for arrays of any length (the vector loop and its scalar remainder)."""
    ulps, subnormal = _errors(_exp(x, offset), _correctly_rounded(x, offset))
    assert ulps <= ULP_LIMIT
    assert subnormal <= SMALLEST_SUBNORMAL


def test_limits_and_special_values():
    x = np.array([-np.inf, -1e300, -745.2, 0.0, 709.8, 1e300, np.inf, np.nan])
    out = _exp(x)
    assert out[0] == 0.0 and out[1] == 0.0 and out[2] == 0.0
    assert out[3] == 1.0
    assert np.isposinf(out[4]) and np.isposinf(out[5]) and np.isposinf(out[6])
    assert np.isnan(out[7])


def test_in_place():
    x = np.linspace(-50.0, 0.0, 11)
    expected = _correctly_rounded(x, 0.0)
    exp_into(x, x, 0.0)
    assert _errors(x, expected)[0] <= ULP_LIMIT


@pytest.mark.parametrize("relative_error", [8e-16, 1e-13])
def test_the_ulp_check_can_fail(relative_error):
    """A result a few ulps off (here 4 to 900) is rejected by the same measure."""
    x = np.linspace(-700.0, 700.0, 101)
    exact = _correctly_rounded(x, 0.0)
    assert _errors(exact * (1 + relative_error), exact)[0] > ULP_LIMIT
