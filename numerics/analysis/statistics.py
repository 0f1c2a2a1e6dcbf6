"""Statistics of finished runs: spread across runs and straight-line fits.

Spread across runs (``(R, T)`` arrays, one row per run) is summarised by :func:`quantile_band` (median and a central
quantile interval: how runs differ) or :func:`bootstrap_band` (mean and a percentile-bootstrap confidence interval:
how well the mean is known). Straight-line fits on log axes (the slopes of Figs. 2(a) and 4(b), Theorems 1 and 4)
come from :func:`fit_line`, the one slope fit of the toolkit.

>>> band = quantile_band([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], level=0.5)
>>> band.centre.tolist(), band.lower.tolist(), band.upper.tolist()
([3.0, 4.0], [2.0, 3.0], [4.0, 5.0])
>>> fit = fit_line([0.0, 1.0, 2.0], [1.0, -1.0, -3.0])
>>> round(fit.slope, 12), round(fit.intercept, 12), round(fit.r_squared, 12)
(-2.0, 1.0, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import InputError, check_count, check_finite_array, check_probability

__all__ = ["Band", "LineFit", "bootstrap_band", "fit_line", "quantile_band"]


@dataclass(frozen=True)
class Band:
    """A centre curve with a shaded interval across runs: ``method`` says which statistic and interval."""

    centre: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    method: str
    level: float


@dataclass(frozen=True)
class LineFit:
    """Least-squares line y ≈ slope·x + intercept over ``n`` points, with its coefficient of determination R²."""

    slope: float
    intercept: float
    r_squared: float
    n: int


def _runs(values: object) -> np.ndarray:
    array = check_finite_array(values, name="values", ndim=2)
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise InputError(f"values must hold at least one run and one time point; got shape {array.shape}")
    return array


def quantile_band(values: object, *, level: float = 0.8) -> Band:
    """Median over runs (axis 0) and the central ``level`` quantile interval, e.g. 10–90 % for 0.8."""
    array = _runs(values)
    level = check_probability(level, name="level")
    lower, centre, upper = np.quantile(array, [(1 - level) / 2, 0.5, (1 + level) / 2], axis=0)
    return Band(centre, lower, upper, "median, central quantile interval", level)


def bootstrap_band(values: object, *, level: float = 0.95, resamples: int = 1000,
                   rng: np.random.Generator) -> Band:
    """Mean over runs and its percentile-bootstrap ``level`` confidence interval (runs resampled with replacement)."""
    array = _runs(values)
    level = check_probability(level, name="level")
    check_count(resamples, name="resamples", minimum=10)
    picks = rng.integers(0, array.shape[0], size=(resamples, array.shape[0]))
    means = array[picks].mean(axis=1)
    lower, upper = np.quantile(means, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return Band(array.mean(axis=0), lower, upper, "mean, percentile-bootstrap confidence interval", level)


def fit_line(x: object, y: object) -> LineFit:
    """Ordinary least squares y ≈ slope·x + intercept; R² = 1 − SS_res/SS_tot (needs ≥ 2 points, x not constant)."""
    xs = check_finite_array(x, name="x", ndim=1)
    ys = check_finite_array(y, name="y", ndim=1)
    if xs.shape != ys.shape or xs.size < 2:
        raise InputError(f"x and y must be equally long with at least 2 points; got {xs.size} and {ys.size}")
    if np.ptp(xs) == 0:
        raise InputError("x must not be constant for a line fit")
    slope, intercept = np.polyfit(xs, ys, 1)
    residual = ys - (slope * xs + intercept)
    total = float(np.sum((ys - ys.mean()) ** 2))
    r_squared = 1.0 - float(np.sum(residual**2)) / total if total > 0 else 1.0
    return LineFit(float(slope), float(intercept), r_squared, int(xs.size))
