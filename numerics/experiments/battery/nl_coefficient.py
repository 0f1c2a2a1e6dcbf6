"""Part 2 of the battery: NŁ coefficients measured near the vertices of the simplex, and their power laws.

The NŁ inequality (Definition 2) with ξ = 0 reads ‖∇f(θ)‖ ≥ C(θ)·|f(θ) − f*|. The paper bounds C(θ) by

* policy gradient, f = πᵀr:      C ≥ π(a*) for softmax (Eq. (8)), p·π(a*)/|θ(a*)| = p·π(a*)^{1−1/p}/‖θ‖_p for
  the escort (Eq. (9));
* cross entropy, ‖∇KL‖² ≥ C·KL:  C ≥ min_a π(a) for softmax (Eq. (11)), p²/‖θ‖_p²·min_a π(a)^{1−2/p} for the
  escort (Eq. (12)).

The battery measures the ratios ‖∇πᵀr‖/(π* − π)ᵀr against π(a*) and ‖∇KL‖²/KL against min_a π(a) for any
transform, on near-vertex configurations: from a random θ₀, the coordinate of one action b is pushed (θ₀ + s·e_b,
the sign that raises π(b)) until π(a*) (b ≠ a*, a suboptimal action dominates) or min π (b = a_y, the iterate
converges to the label) hits each target on a log grid, found by bisection on s. A 0-homogeneous transform
(π(cθ) = π(θ), e.g. the escort) is then rescaled to ‖θ‖_q = 1: its gradients scale as 1/‖θ‖, so the coefficient
is only defined up to that scale, and the paper's bounds carry the factor 1/‖θ‖_p explicitly.

The exponent of C ∝ x^k is fitted by least squares of log C on log x over the asymptotic window 10⁻¹⁰ ≤ x ≤ 10⁻⁴
(one intercept and one first-order correction per path, a common exponent: see :func:`fit_power_law`), with the
OLS standard error, a 95 % bootstrap interval over whole paths (points on one path are correlated) and a
systematic error (the change when the window moves closer to the vertex) and the numerical resolution (the
largest slope change that rounding of the ratios, at most :data:`ROUNDING` ulp / x relative, can cause).
The paper's prediction is fitted the same way from its own lower bounds (:mod:`theory.statements`, Eqs. (8),
(9), (11), (12)) evaluated at the same points; each sampled point also checks that the bound holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from numerics.kernels.transform_kernels import Kernels
from theory.statements import STATEMENTS
from theory.transforms import Transform

__all__ = [
    "FIT_WINDOW",
    "ROUNDING",
    "TARGETS",
    "OBJECTIVES",
    "NLSamples",
    "PowerLawFit",
    "cross_entropy_ratio",
    "fit_power_law",
    "paper_bound",
    "reward_ratio",
    "sample_nl",
]

OBJECTIVES = ("policy gradient", "cross entropy")
FIT_WINDOW = (1e-10, 1e-4)
"""The asymptotic window of x = π(a*) or min π in which exponents are fitted."""
ROUNDING = 64
"""Relative accuracy of a computed NŁ ratio at x, in units of ε/x (ε = 2⁻⁵²): the kernels form 1 − π(a) for
π(a) → 1, which cancels to an absolute error of a few ε, i.e. a relative error of a few ε/x; 64 is a generous budget."""
TARGETS = np.logspace(-0.75, -9.75, 19)
"""Targets of x on each path: half-decade steps placed between decades, so no sample sits on a window end."""
_BOUND_STATEMENTS = {("softmax", OBJECTIVES[0]): "eq8", ("escort", OBJECTIVES[0]): "eq9",
                     ("softmax", OBJECTIVES[1]): "eq11", ("escort", OBJECTIVES[1]): "eq12"}


@dataclass(frozen=True)
class PowerLawFit:
    """C ∝ x^exponent fitted on log–log axes: OLS standard error, path-bootstrap 95 % interval, systematic error
    (window dependence) and numerical resolution (rounding of the ratios)."""

    exponent: float
    standard_error: float
    ci_low: float
    ci_high: float
    points: int
    paths: int
    systematic: float
    numerical: float

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the 95 % bootstrap interval widened by the systematic and numerical errors."""
        margin = self.systematic + self.numerical
        return self.ci_low - margin <= value <= self.ci_high + margin


@dataclass(frozen=True)
class NLSamples:
    """Measured NŁ ratios of one transform and objective, with the paper's bound at the same points (if any).

    A sparse transform can push x to exactly 0 at a finite s (a* or some action leaves the support): ``exits``
    counts such paths, ``exit_ratio`` is the largest NŁ ratio found there and ``exit_gradient`` the largest
    |∂f/∂θ(a*)| (policy gradient; 0 means a* gets no signal to return). ``empty_paths`` had x = 0 at the start.
    """

    objective: str
    x: np.ndarray
    ratio: np.ndarray
    bound: np.ndarray | None
    path: np.ndarray
    exits: int
    exit_ratio: float | None
    exit_gradient: float | None
    empty_paths: int


def reward_ratio(kern: Kernels, theta: np.ndarray, r: np.ndarray, astar: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(π(a*), ‖Jᵀr‖₂ / (r(a*) − πᵀr)) for rows of θ and r."""
    pi = kern.pi(theta)
    gradient = kern.vjp(theta, r)
    suboptimality = r[..., astar] - np.sum(pi * r, axis=-1)
    return pi[..., astar], np.linalg.norm(gradient, axis=-1) / suboptimality


def cross_entropy_ratio(kern: Kernels, theta: np.ndarray, label: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(min_a π(a), ‖∇KL(y‖π)‖₂² / KL(y‖π)) with KL = −log π(a_y) = −log1p(−Σ_{a≠a_y} π(a)) (no cancellation)."""
    pi = kern.pi(theta)
    rest = np.sum(np.delete(pi, label, axis=-1), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        gradient = -kern.vjp(theta, np.eye(pi.shape[-1])[label]) / pi[..., label, None]
        ratio = np.sum(gradient**2, axis=-1) / -np.log1p(-rest)
    return pi.min(axis=-1), ratio


def paper_bound(t: Transform, objective: str, K: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray] | None:
    """The paper's lower bound on the NŁ coefficient as a numpy function of (θ, r), or None for other transforms.

    Built from the stated right-hand side of Eq. (8)/(9) divided by (π* − π)ᵀr, or of Eq. (11)/(12) divided by KL.
    softmax:τ is softmax of θ/τ, whose gradient is 1/τ times softmax's: the bound is evaluated at θ/τ and scaled.
    """
    statement = _BOUND_STATEMENTS.get((t.family, objective))
    if statement is None:
        return None
    instance = STATEMENTS[statement].build(K)
    s = instance.setting
    normaliser = s.r[s.astar] - sum(a * b for a, b in zip(_policy(t, s.theta), s.r))
    if objective == OBJECTIVES[1]:
        normaliser = -sp.log(_policy(t, s.theta)[s.label])
    expression = (instance.stated / normaliser).subs(s.p, sp.nsimplify(t.parameter))
    function = sp.lambdify([*s.theta, *s.r], expression, modules="mpmath")
    scale, power = (t.step_scale, 1 if objective == OBJECTIVES[0] else 2) if t.family == "softmax" else (1.0, 0)

    def bound(theta: np.ndarray, r: np.ndarray) -> np.ndarray:
        # KL = log(1/π(a_y)) with π(a_y) → 1 cancels catastrophically in double precision: evaluate at 40 digits.
        with mpmath.workdps(40):
            values = [float(function(*(mpmath.mpf(float(v)) for v in (*row_theta / scale, *row_r))))
                      for row_theta, row_r in zip(theta.reshape(-1, theta.shape[-1]), r.reshape(-1, r.shape[-1]))]
        return np.array(values).reshape(theta.shape[:-1]) / scale**power

    return bound


def _policy(t: Transform, theta: sp.Matrix) -> sp.Matrix:
    """π in the statements' own parametrisation (softmax at temperature 1 on θ/τ, escort with its p)."""
    if t.family == "softmax":
        return sp.Matrix(theta).applyfunc(sp.exp) / sum(theta.applyfunc(sp.exp))
    return t.expression(theta)


def _measure(kern: Kernels, objective: str, label: int) -> Callable[[np.ndarray], np.ndarray]:
    if objective == OBJECTIVES[0]:
        return lambda theta: kern.pi(theta)[..., label]
    return lambda theta: kern.pi(theta).min(axis=-1)


def _rescaled(t: Transform, theta: np.ndarray) -> np.ndarray:
    if t.invariant_norm is None:
        return theta
    return theta / np.linalg.norm(theta, ord=t.invariant_norm, axis=-1, keepdims=True)


def _path_points(kern: Kernels, start: np.ndarray, direction: np.ndarray, targets: np.ndarray,
                 measure: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Points start + s·direction where measure = each target (bisection on s); rows of NaN where unreachable."""
    if len(targets) == 0:
        return np.empty((0, start.shape[-1])), start
    high = np.ones(1)
    for _ in range(64):
        if measure(start + high * direction)[0] < targets.min():
            break
        high = 2 * high
    low_all = np.zeros(len(targets))
    high_all = np.full(len(targets), high[0])
    for _ in range(100):
        middle = (low_all + high_all) / 2
        above = measure(start + middle[:, None] * direction) > targets
        low_all, high_all = np.where(above, middle, low_all), np.where(above, high_all, middle)
    points = start + high_all[:, None] * direction
    reached = np.abs(np.log(measure(points)) - np.log(targets)) < 1e-3
    points[~reached] = np.nan
    return points, start + 2 * high * direction


def sample_nl(kern: Kernels, objective: str, *, K: int, paths: int, rng: np.random.Generator,
              targets: np.ndarray = TARGETS) -> NLSamples:
    """NŁ ratios on ``paths`` near-vertex paths, one point per reachable target (see module docstring)."""
    t = kern.transform
    measure = _measure(kern, objective, 0)
    bound = paper_bound(t, objective, K)
    rows, rewards, path_ids, exit_ratios, exit_gradients, empty = [], [], [], [], [], 0
    for path in range(paths):
        start = rng.normal(size=(1, K))
        r = rng.uniform(size=K)
        r[[0, int(np.argmax(r))]] = r[[int(np.argmax(r)), 0]]
        b = int(rng.integers(1, K)) if objective == OBJECTIVES[0] else 0
        unit = np.eye(K)[b]
        sign = 1.0 if kern.pi(start + unit)[0, b] >= kern.pi(start - unit)[0, b] else -1.0
        empty += int(measure(start)[0] == 0)
        points, beyond = _path_points(kern, start, sign * unit, targets[targets < measure(start)[0]], measure)
        points = points[~np.isnan(points).any(axis=1)]
        rows.append(_rescaled(t, points))
        rewards.append(np.broadcast_to(r, points.shape))
        path_ids.append(np.full(len(points), path))
        if measure(beyond)[0] == 0 and measure(start)[0] > 0:
            exit_ratios.append(_ratio(kern, objective, _rescaled(t, beyond), r[None])[1][0])
            gradient = kern.vjp(_rescaled(t, beyond), r[None])
            exit_gradients.append(abs(float(gradient[0, 0])))
    theta, r = np.concatenate(rows), np.concatenate(rewards)
    x, ratio = _ratio(kern, objective, theta, r)
    return NLSamples(
        objective=objective,
        x=x,
        ratio=ratio,
        bound=None if bound is None else bound(theta, r),
        path=np.concatenate(path_ids),
        exits=len(exit_ratios),
        exit_ratio=float(np.nanmax(exit_ratios)) if exit_ratios else None,
        exit_gradient=max(exit_gradients) if exit_gradients and objective == OBJECTIVES[0] else None,
        empty_paths=empty,
    )


def _ratio(kern: Kernels, objective: str, theta: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return reward_ratio(kern, theta, r) if objective == OBJECTIVES[0] else cross_entropy_ratio(kern, theta)


def fit_power_law(x: np.ndarray, y: np.ndarray, groups: np.ndarray, *, rng: np.random.Generator,
                  resamples: int = 400, window: tuple[float, float] = FIT_WINDOW) -> PowerLawFit | None:
    """Fit log y = k·log x + c_path + d_path·x on window[0] ≤ x ≤ window[1], y > 0, with a common exponent k.

    A coefficient with a power law near the vertex expands as C(x) = A·x^k·(1 + B·x + o(x)); A and B depend on
    the path (its rewards and start), so each path gets its own intercept and first-order correction, and k is
    estimated from the variation along paths (Frisch–Waugh: residualise log x and log y on (1, x) per path).
    Returns k, its OLS standard error, a 95 % percentile interval from resampling whole paths, a systematic error
    (the change of k when the window's upper end moves 100× closer to the vertex: what is left of the
    pre-asymptotic terms) and the numerical resolution Σ|r_i|·δ_i / Σr_i², the largest change of k that relative
    errors δ_i = ROUNDING·ε/x_i in the ratios can cause (r_i: the residualised log x_i, as k = Σ r_i·log y_i / Σr_i²).
    None with fewer than 2 paths of at least 4 points each.
    """
    core = _fit(x, y, groups, rng, resamples, window)
    if core is None:
        return None
    narrow = _fit(x, y, groups, rng, resamples, (window[0], window[1] / 100))
    systematic = 0.0 if narrow is None else abs(narrow[0] - core[0])
    exponent, standard_error, low, high, points, paths, numerical = core
    return PowerLawFit(exponent, standard_error, low, high, points, paths, systematic, numerical)


def _fit(x: np.ndarray, y: np.ndarray, groups: np.ndarray, rng: np.random.Generator, resamples: int,
         window: tuple[float, float]) -> tuple[float, float, float, float, int, int, float] | None:
    keep = (x >= window[0]) & (x <= window[1]) & (y > 0) & np.isfinite(y)
    lx, ly, xs, g = np.log(x[keep]), np.log(y[keep]), x[keep], groups[keep]
    members = [m for m in (np.flatnonzero(g == label) for label in np.unique(g)) if len(m) >= 4]
    if len(members) < 2:
        return None

    def residuals(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        nuisance = np.column_stack([np.ones(len(m)), xs[m] / xs[m].max()])
        projection = nuisance @ np.linalg.pinv(nuisance)
        return lx[m] - projection @ lx[m], ly[m] - projection @ ly[m]

    parts = [residuals(m) for m in members]
    rounding = ROUNDING * np.finfo(float).eps / np.concatenate([xs[m] for m in members])

    def slope(chosen: list[tuple[np.ndarray, np.ndarray]]) -> float:
        rx = np.concatenate([a for a, _ in chosen])
        ry = np.concatenate([b for _, b in chosen])
        return float(rx @ ry / (rx @ rx))

    exponent = slope(parts)
    rx = np.concatenate([a for a, _ in parts])
    ry = np.concatenate([b for _, b in parts])
    dof = len(rx) - 2 * len(parts) - 1
    sigma2 = float(np.sum((ry - exponent * rx) ** 2)) / dof if dof > 0 else 0.0
    standard_error = float(np.sqrt(sigma2 / (rx @ rx)))
    slopes = [slope([parts[i] for i in rng.integers(0, len(parts), len(parts))]) for _ in range(resamples)]
    low, high = np.percentile(slopes, [2.5, 97.5])
    numerical = float(np.abs(rx) @ rounding / (rx @ rx))
    return exponent, standard_error, float(low), float(high), int(len(rx)), len(parts), numerical
