"""Tests of numerics.kernels.transform_kernels: every numpy kernel against the SymPy definition it optimises."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from foundation.validation import InputError
from numerics.kernels.transform_kernels import entmax, entmax_jacobian, kernels
from numerics.experiments.battery.symbolic import fast_agreement
from theory.transforms import Transform, transform

BUILTINS = ["softmax", "softmax:0.5", "escort:2", "escort:3", "entmax:1.5", "sparsemax", "taylor", "spherical"]


@pytest.mark.parametrize("name", BUILTINS)
def test_kernels_agree_with_the_symbolic_definition(name: str) -> None:
    agreement = fast_agreement(kernels(transform(name), 3), 3, points=6)
    assert max(agreement["pi"], agreement["jacobian"], agreement["vjp"]) < 1e-12


@pytest.mark.parametrize("name", ["softmax:0.5", "escort:2", "taylor"])
def test_builtin_and_lambdified_kernels_agree_on_batches(name: str) -> None:
    t = transform(name)
    theta = np.random.default_rng(1).normal(size=(3, 2, 5))
    fast, generated = kernels(t, 5), kernels(dataclasses.replace(t, family="user"), 5)
    assert generated.source == "lambdified"
    np.testing.assert_allclose(fast.pi(theta), generated.pi(theta), rtol=0, atol=1e-14)
    np.testing.assert_allclose(fast.jacobian(theta), generated.jacobian(theta), rtol=0, atol=1e-13)
    v = np.random.default_rng(2).normal(size=(3, 2, 5))
    np.testing.assert_allclose(fast.vjp(theta, v), generated.vjp(theta, v), rtol=0, atol=1e-13)


def test_a_wrong_fast_kernel_is_caught_by_the_cross_check() -> None:
    t = transform("softmax")
    wrong = dataclasses.replace(t, fast=lambda theta: kernels(transform("softmax:0.9"), 3).pi(theta))
    agreement = fast_agreement(kernels(wrong, 3), 3, points=4)
    assert agreement["pi"] > 1e-3


def test_a_map_outside_the_simplex_is_rejected() -> None:
    halves = Transform(name="halves", formula="θ/2", symbolic=lambda theta, at: theta / 2)
    with pytest.raises(InputError, match="probability simplex"):
        kernels(halves, 3)


def test_piecewise_transforms_need_their_own_kernels() -> None:
    bare = dataclasses.replace(transform("sparsemax"), family="user")
    with pytest.raises(InputError, match="piecewise"):
        kernels(bare, 3)


def _sorted_reference(theta: np.ndarray, alpha: float) -> np.ndarray:
    """α-entmax by bisection on τ from the definition Σ[(α−1)θ − τ]_+^{1/(α−1)} = 1 (independent of sorting)."""
    x = (alpha - 1) * theta
    low, high = x.max(axis=-1) - 1, x.max(axis=-1)
    for _ in range(200):
        tau = (low + high) / 2
        total = np.sum(np.maximum(x - tau[..., None], 0) ** (1 / (alpha - 1)), axis=-1)
        low, high = np.where(total > 1, tau, low), np.where(total > 1, high, tau)
    return np.maximum(x - tau[..., None], 0) ** (1 / (alpha - 1))


@settings(max_examples=40)
@given(arrays(np.float64, (4, 6), elements=st.floats(-5, 5)), st.sampled_from([1.5, 2.0]))
def test_entmax_matches_bisection_and_sums_to_one(theta: np.ndarray, alpha: float) -> None:
    pi = entmax(theta, alpha)
    np.testing.assert_allclose(pi, _sorted_reference(theta, alpha), rtol=0, atol=1e-12)
    np.testing.assert_allclose(pi.sum(axis=-1), 1.0, rtol=0, atol=1e-12)


def test_entmax_jacobian_matches_finite_differences_and_is_zero_off_support() -> None:
    theta = np.array([1.3, 0.2, -2.0, 0.9])
    for alpha in (1.5, 2.0):
        jacobian = entmax_jacobian(theta, alpha)
        step = 1e-6
        numeric = np.column_stack([(entmax(theta + step * e, alpha) - entmax(theta - step * e, alpha)) / (2 * step)
                                   for e in np.eye(4)])
        np.testing.assert_allclose(jacobian, numeric, atol=1e-7)
        off = entmax(theta, alpha) == 0
        assert off.any() and np.all(jacobian[off] == 0) and np.all(jacobian[:, off] == 0)


def test_exact_and_numeric_entmax_choose_the_same_support() -> None:
    values = [sp.Rational(13, 10), sp.Rational(1, 5), sp.Integer(-2), sp.Rational(9, 10)]
    exact = transform("entmax:1.5").expression(sp.Matrix(values), at=values)
    numeric = entmax(np.array([float(v) for v in values]), 1.5)
    np.testing.assert_allclose([float(v) for v in exact], numeric, atol=1e-14)
