"""Tests of numerics.experiments.battery.dynamics: step sizes from the theorems, damping rates, gravity-well bookkeeping."""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics.experiments.battery.dynamics import damping, gravity_well, step_rule
from numerics.kernels.transform_kernels import kernels
from theory import definitions as d
from theory.transforms import Transform, transform


def test_escort_steps_are_theorem_2_and_theorem_5() -> None:
    kern = kernels(transform("escort:2"), 6)
    theta = np.array([[3.0, -4.0, 1.0, 1.0, 1.0, 1.0]])
    norm_squared = np.sum(theta**2)
    ascent, _ = step_rule(kern, "policy gradient", 6)
    descent, _ = step_rule(kern, "cross entropy", 6)
    np.testing.assert_allclose(ascent(theta, np.ones(1)), 2 * norm_squared / (9 * 4 * np.sqrt(6)))
    np.testing.assert_allclose(descent(theta, np.array([0.25])), norm_squared / (4 * (3 + 4)))


def test_softmax_steps_scale_with_the_temperature_squared() -> None:
    eta, _ = step_rule(kernels(transform("softmax:0.5"), 3), "policy gradient", 3)
    np.testing.assert_allclose(eta(np.zeros((2, 3)), np.ones(2)), 0.4 * 0.25)


def test_softmax_is_damped_and_the_escort_is_linear() -> None:
    softmax = damping(kernels(transform("softmax"), 10), runs=2, steps=1500, rng=np.random.default_rng(0)).rate()
    escort = damping(kernels(transform("escort:2"), 10), runs=2, steps=1500, rng=np.random.default_rng(0)).rate()
    assert softmax["verdict"].startswith("sublinear") and abs(softmax["loglog_slope"] + 1) < 0.05
    assert escort["verdict"].startswith("linear") and escort["linear_rate"] > 0


def test_sparse_cross_entropy_is_undefined_off_the_support_or_finite_time() -> None:
    record = damping(kernels(transform("sparsemax"), 10), runs=6, steps=300, rng=np.random.default_rng(2)).rate()
    assert record["runs_defined"] < 6
    assert record["runs_finite_time"] == record["runs_defined"]


def test_gravity_well_bookkeeping() -> None:
    well = gravity_well(kernels(transform("softmax"), 6), runs=8, steps=2000, rng=np.random.default_rng(0))
    assert well.checkpoints[0] == 1 and well.checkpoints[-1] == 2000
    assert well.bad_fraction == np.mean(well.optimal_probability[:, -1] < 0.99)
    reached = ~np.isnan(well.hit_time)
    assert reached.any() and np.all((well.hit_time[reached] >= 1) & (well.hit_time[reached] <= 2000))
    for run in np.flatnonzero(reached):
        before = well.checkpoints < well.hit_time[run]
        assert np.all(well.optimal_probability[run, before] < 0.99)
    assert np.all(well.optimal_probability[~reached] < 0.99)  # never: below the level at every recorded step
    np.testing.assert_array_equal(well.hit_time, [686, 730, 1591, np.nan, 612, np.nan, 1651, 863])  # every step


def _clipped(theta: np.ndarray) -> np.ndarray:
    """A planted trap: softmax of θ clipped to [−1/2, 1/2], whose gradient is exactly 0 once every |θ(a)| > 1/2."""
    z = np.clip(theta, -0.5, 0.5)
    weights = np.exp(z - z.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def _clipped_jacobian(theta: np.ndarray) -> np.ndarray:
    pi = _clipped(theta)
    inside = (np.abs(theta) < 0.5).astype(float)
    return pi[..., :, None] * (np.eye(theta.shape[-1]) - pi[..., None, :]) * inside[..., None, :]


CLIPPED = Transform(
    name="clipped softmax", formula="", piecewise=True, fast=_clipped, fast_jacobian=_clipped_jacobian,
    symbolic=lambda theta, at: d.softmax(sp.Matrix([t if abs(a) < 0.5 else sp.sign(a) / 2
                                                    for t, a in zip(theta, at)])),
)


def test_a_transform_with_a_zero_gradient_region_stalls_and_is_named_a_trap() -> None:
    well = gravity_well(kernels(CLIPPED, 6), runs=4, steps=2000, rng=np.random.default_rng(0))
    outcome = well.outcome()
    assert well.bad_fraction == 1 and outcome["stalled"] == 4 and outcome["trapped"] == 4
    record = damping(kernels(CLIPPED, 10), runs=3, steps=2000, rng=np.random.default_rng(0)).rate()
    assert record["verdict"] == "stalls / does not converge" and record["runs_trapped"] == 3
    assert record["loglog_slope"] is None and record["linear_rate"] is None, "no rate fitted to a flat line"


def test_converging_runs_are_not_called_stalled() -> None:
    softmax = damping(kernels(transform("softmax"), 10), runs=2, steps=1500, rng=np.random.default_rng(0)).rate()
    assert softmax["runs_stalled"] == 0 and softmax["verdict"].startswith("sublinear")
    well = gravity_well(kernels(transform("softmax"), 6), runs=8, steps=2000, rng=np.random.default_rng(0))
    assert well.outcome()["trapped"] == 0
