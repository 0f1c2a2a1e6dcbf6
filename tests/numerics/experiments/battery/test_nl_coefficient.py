"""Tests of numerics.experiments.battery.nl_coefficient: the fit recovers planted exponents; measured exponents vs the paper."""

from __future__ import annotations

import numpy as np
import pytest

from numerics.kernels.transform_kernels import kernels
from numerics.experiments.battery.nl_coefficient import ROUNDING, fit_power_law, sample_nl
from theory.transforms import transform

def test_fit_recovers_a_planted_exponent_with_path_factors_and_corrections() -> None:
    rng = np.random.default_rng(3)
    x = np.tile(np.logspace(-10, -4, 13), 6)
    path = np.repeat(np.arange(6), 13)
    amplitude, correction = rng.uniform(0.5, 2, 6)[path], rng.uniform(-50, 50, 6)[path]
    y = amplitude * x**0.37 * (1 + correction * x) * np.exp(rng.normal(scale=1e-3, size=x.size))
    fit = fit_power_law(x, y, path, rng=rng)
    assert fit is not None and fit.contains(0.37)
    assert not fit.contains(0.40), "a wrong exponent must fall outside the interval"
    assert fit.ci_low < fit.exponent < fit.ci_high


def test_fit_needs_two_paths() -> None:
    x = np.logspace(-10, -4, 8)
    assert fit_power_law(x, x, np.zeros(8, dtype=int), rng=np.random.default_rng(0)) is None


@pytest.mark.parametrize(("name", "objective", "paper"), [("softmax", "policy gradient", 1.0),
                                                          ("softmax", "cross entropy", 1.0),
                                                          ("escort:2", "policy gradient", 0.5),
                                                          ("escort:2", "cross entropy", 0.0)])
def test_measured_exponents_match_the_paper(name: str, objective: str, paper: float) -> None:
    kern = kernels(transform(name), 4)
    samples = sample_nl(kern, objective, K=4, paths=5, rng=np.random.default_rng(0))
    fit = fit_power_law(samples.x, samples.ratio, samples.path, rng=np.random.default_rng(0))
    bound = fit_power_law(samples.x, samples.bound, samples.path, rng=np.random.default_rng(0))
    assert abs(bound.exponent - paper) < 1e-9, "the paper's bound, fitted, gives its stated exponent"
    assert fit.contains(paper) and fit.contains(bound.exponent)
    assert np.all(samples.ratio >= samples.bound * (1 - ROUNDING * np.finfo(float).eps / samples.x))


def test_escort_exponent_depends_on_the_scale_only_through_a_constant() -> None:
    """The escort is 0-homogeneous: samples are rescaled to ‖θ‖_p = 1, so they are scale-free by construction."""
    kern = kernels(transform("escort:3"), 4)
    samples = sample_nl(kern, "policy gradient", K=4, paths=4, rng=np.random.default_rng(1))
    fit = fit_power_law(samples.x, samples.ratio, samples.path, rng=np.random.default_rng(1))
    assert fit.contains(2 / 3) and not fit.contains(1.0)


def test_sparsemax_reports_zero_gradient_when_the_optimal_action_leaves_the_support() -> None:
    kern = kernels(transform("sparsemax"), 4)
    samples = sample_nl(kern, "policy gradient", K=4, paths=6, rng=np.random.default_rng(0))
    assert samples.bound is None and samples.exits > 0
    assert samples.exit_gradient == 0.0
