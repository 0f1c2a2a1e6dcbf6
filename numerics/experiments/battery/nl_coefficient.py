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

The exponent k of C ∝ x^k is estimated path by path from local slopes with an asymptotic extrapolation
(:func:`fit_power_law`, which states the argument): near the vertex C(x) = A·x^k·(1 + B·x^β + …) with a path
constant A, B and a correction order β > 0 that depends on the transform (the escort: β = min(2/p, 1), from the
dominant action's own gradient entry; softmax: β = 1), so a fit of one slope with corrections of a fixed order is
biased whenever the true order differs. The ratios are computed at :data:`DIGITS` digits from the SymPy definition
where the transform is smooth (piecewise transforms use the numpy kernels, and the slope resolution then includes
their rounding, :data:`ROUNDING` ε/x relative). The paper's claim is extrapolated the same way from its own lower
bounds (:mod:`theory.statements`, Eqs. (8), (9), (11), (12)) at the same points; each point also checks that the
bound holds. :data:`CLAIMS` says whether the paper claims that exponent or only a bound that may be loose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from numerics.kernels.transform_kernels import Kernels
from theory import definitions as d
from theory.statements import STATEMENTS
from theory.transforms import Transform

__all__ = [
    "CLAIMS",
    "CONTRACTION",
    "DIGITS",
    "ExponentClass",
    "FIT_WINDOW",
    "FLOAT_WINDOW",
    "ROUNDING",
    "TARGETS",
    "OBJECTIVES",
    "NLSamples",
    "PowerLawFit",
    "claim_kind",
    "cross_entropy_ratio",
    "fit_power_law",
    "paper_bound",
    "precise_ratio",
    "reward_ratio",
    "sample_nl",
]

OBJECTIVES = ("policy gradient", "cross entropy")
FIT_WINDOW = (1e-20, 1e-4)
"""The asymptotic window of x = π(a*) or min π in which exponents are estimated (ratios at :data:`DIGITS` digits)."""
FLOAT_WINDOW = (1e-10, 1e-4)
"""The window for ratios from numpy kernels: below 1e-10 their rounding (ROUNDING·ε/x) exceeds 1e-4 relative."""
ROUNDING = 64
"""Relative accuracy of a computed NŁ ratio at x, in units of ε/x (ε = 2⁻⁵²): the kernels form 1 − π(a) for
π(a) → 1, which cancels to an absolute error of a few ε, i.e. a relative error of a few ε/x; 64 is a generous budget."""
TARGETS = np.logspace(-0.5, -19.5, 20)
"""Targets of x on each path: decade steps placed between decades, so no sample sits on a window end."""
CONTRACTION = 0.8
"""Largest factor |ρ| by which successive local-slope differences may shrink for the limit to be extrapolated
(1/(1 − ρ) ≤ 5 amplifies the errors of the last slopes); ρ = 10^{−β} at decade steps, so β ≥ 0.1."""
DIGITS = 50
"""Working precision of the NŁ ratios of smooth transforms (evaluated from the SymPy definition with mpmath)."""
_BOUND_STATEMENTS = {("softmax", OBJECTIVES[0]): "eq8", ("escort", OBJECTIVES[0]): "eq9",
                     ("softmax", OBJECTIVES[1]): "eq11", ("escort", OBJECTIVES[1]): "eq12"}
CLAIMS = {"eq8": "exponent", "eq9": "exponent", "eq11": "exponent", "eq12": "exponent if p >= 2"}
"""What the paper claims of each bound's exponent m. "exponent": the NŁ coefficient scales as x^m (Section 3:
softmax's π(a*) and min π; Section 4, after Eq. (9): the escort's π(a*)^{1−1/p} "strictly larger"). Eq. (12): the
paper calls min π^{1−2/p} strictly better "when p ≥ 2"; for p < 2 the minimum over the powered values as printed is
attained at the largest π and the bound is a constant, only a bound (the measured k may be smaller: loose)."""


def claim_kind(t: Transform, objective: str) -> str | None:
    """"exponent" or "bound" (see :data:`CLAIMS`) for the paper's statement on ``t`` and ``objective``, or None."""
    statement = _BOUND_STATEMENTS.get((t.family, objective))
    if statement is None:
        return None
    kind = CLAIMS[statement]
    if kind == "exponent if p >= 2":
        return "exponent" if t.parameter >= 2 else "bound"
    return kind


@dataclass(frozen=True)
class ExponentClass:
    """Paths whose exponent intervals chain together: their exponent (median), the union interval, the path ids,
    and the condition on the start of the path that singles them out (None if none of the recorded facts does)."""

    exponent: float
    low: float
    high: float
    paths: tuple[int, ...]
    condition: str | None


@dataclass(frozen=True)
class PowerLawFit:
    """C ∝ x^exponent near the vertex: per-path extrapolated exponents and the interval [low, high] that holds
    each of them with its truncation and numerical error (see :func:`fit_power_law`)."""

    exponent: float | None
    low: float | None
    high: float | None
    points: int
    paths: int
    unsettled: int
    path_exponents: tuple[float, ...]
    path_errors: tuple[float, ...]
    numerical: float
    last_slopes: tuple[float, float]
    classes: tuple[ExponentClass, ...] = ()

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in [low, high] (False when no path has settled or the paths disagree)."""
        return self.low is not None and self.low <= value <= self.high


@dataclass(frozen=True)
class NLSamples:
    """Measured NŁ ratios of one transform and objective, with the paper's bound at the same points (if any).

    A sparse transform can push x to exactly 0 at a finite s (a* or some action leaves the support): ``exits``
    counts such paths, ``exit_ratio`` is the largest NŁ ratio found there and ``exit_gradient`` the largest
    |∂f/∂θ(a*)| (policy gradient; 0 means a* gets no signal to return). ``empty_paths`` had x = 0 at the start.
    ``relative_error`` bounds the relative error of each ratio: ε (computed at :data:`DIGITS` digits, then rounded)
    or :data:`ROUNDING`·ε/x (numpy kernels). ``conditions`` holds, per path id, yes/no facts about the start of
    the path (initial signs, the direction of the push; keyed by (text if true, text if false)), by which classes
    of exponents can be recognised; b is the action pushed (b = a_y for cross entropy). ``theta``: the points.
    """

    objective: str
    x: np.ndarray
    ratio: np.ndarray
    bound: np.ndarray | None
    path: np.ndarray
    relative_error: np.ndarray
    window: tuple[float, float]
    exits: int
    exit_ratio: float | None
    exit_gradient: float | None
    empty_paths: int
    conditions: dict[tuple[str, str], np.ndarray]
    theta: np.ndarray


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
        # KL = log(1/π(a_y)) with π(a_y) → 1 cancels catastrophically in double precision: evaluate at 50 digits.
        with mpmath.workdps(DIGITS):
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
    with np.errstate(divide="ignore"):  # a sparse transform's x can be exactly 0: log 0 = −inf, not reached
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
    watched = "a*" if objective == OBJECTIVES[0] else "a_y"
    facts: dict[tuple[str, str], list[bool]] = {(f"θ₁({watched}) > 0", f"θ₁({watched}) < 0"): [],
                                                 ("θ₁(b) > 0", "θ₁(b) < 0"): [],
                                                 ("θ(b) pushed up", "θ(b) pushed down"): []}
    for path in range(paths):
        start = rng.normal(size=(1, K))
        r = rng.uniform(size=K)
        r[[0, int(np.argmax(r))]] = r[[int(np.argmax(r)), 0]]
        b = int(rng.integers(1, K)) if objective == OBJECTIVES[0] else 0
        unit = np.eye(K)[b]
        sign = 1.0 if kern.pi(start + unit)[0, b] >= kern.pi(start - unit)[0, b] else -1.0
        for fact, value in zip(facts, (start[0, 0] > 0, start[0, b] > 0, sign > 0)):
            facts[fact].append(bool(value))
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
    precise = precise_ratio(t, objective, K)
    x, ratio = _ratio(kern, objective, theta, r) if precise is None else precise(theta, r)
    eps = np.finfo(float).eps
    return NLSamples(
        objective=objective,
        x=x,
        ratio=ratio,
        bound=None if bound is None else bound(theta, r),
        path=np.concatenate(path_ids),
        relative_error=np.full(len(x), eps) if precise is not None else ROUNDING * eps / x,
        window=FIT_WINDOW if precise is not None else FLOAT_WINDOW,
        exits=len(exit_ratios),
        exit_ratio=float(np.nanmax(exit_ratios)) if exit_ratios else None,
        exit_gradient=max(exit_gradients) if exit_gradients and objective == OBJECTIVES[0] else None,
        empty_paths=empty,
        conditions={fact: np.array(values) for fact, values in facts.items()},
        theta=theta,
    )


def precise_ratio(t: Transform, objective: str, K: int
                  ) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None:
    """(x, NŁ ratio) at :data:`DIGITS` digits from the SymPy definition, for rows of (θ, r); None if piecewise.

    The gradient is derived by SymPy from π = ``t.expression(θ)`` and evaluated with mpmath at the float points
    taken as exact numbers, so the only error left is the final rounding to float64 (relative ε).
    """
    if t.piecewise:
        return None
    theta, r = d.parameters(K), d.rewards(K)
    pi = t.expression(theta)
    objective_expression = d.expected_reward(pi, r) if objective == OBJECTIVES[0] else d.cross_entropy(pi, 0)
    function = sp.lambdify([*theta, *r], [*pi, *d.gradient(objective_expression, theta)], modules="mpmath",
                          cse=True)

    def ratio(theta_rows: np.ndarray, r_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, values = [], []
        with mpmath.workdps(DIGITS):
            for row_theta, row_r in zip(theta_rows, r_rows):
                arguments = [mpmath.mpf(float(v)) for v in (*row_theta, *row_r)]
                result = function(*arguments)
                policy, gradient = result[:K], result[K:]
                norm_squared = mpmath.fsum(g**2 for g in gradient)
                if objective == OBJECTIVES[0]:
                    suboptimality = arguments[K] - mpmath.fsum(p * q for p, q in zip(policy, arguments[K:]))
                    x.append(policy[0])
                    values.append(mpmath.sqrt(norm_squared) / suboptimality)
                else:
                    x.append(min(policy))
                    values.append(norm_squared / -mpmath.log1p(-mpmath.fsum(policy[1:])))
        return np.array([float(v) for v in x]), np.array([float(v) for v in values])

    return ratio


def _ratio(kern: Kernels, objective: str, theta: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return reward_ratio(kern, theta, r) if objective == OBJECTIVES[0] else cross_entropy_ratio(kern, theta)


def _limit(slopes: np.ndarray, noise: float) -> float:
    """The limit of local slopes s_1, s_2, … whose differences shrink geometrically, from the last three:
    s_m + d·ρ/(1 − ρ) with d = s_m − s_{m−1}, ρ = d/(s_{m−1} − s_{m−2}); s_m itself if the last difference is
    within ``noise``; NaN unless |ρ| ≤ :data:`CONTRACTION` (the differences shrink too slowly, or not at all)."""
    first, last = slopes[-2] - slopes[-3], slopes[-1] - slopes[-2]
    if abs(last) <= noise:
        return float(slopes[-1])
    ratio = last / first if first != 0 else np.inf
    if not abs(ratio) <= CONTRACTION:
        return float("nan")
    return float(slopes[-1] + last * ratio / (1 - ratio))


def _path_exponent(x: np.ndarray, y: np.ndarray, relative_error: np.ndarray) -> tuple[float, float, float, float]:
    """(extrapolated exponent, its error bound, the numerical part of it, last local slope) on one path
    (x decreasing); the exponent is NaN if the slopes have not settled."""
    # logs of neighbour quotients: each is exact to a few ε relative, where a difference of two large logs
    # (|log x| ≈ 46 at x = 1e-20) would carry an absolute error of ~46ε
    step_x, step_y = np.log(x[1:] / x[:-1]), np.log(y[1:] / y[:-1])
    slopes = step_y / step_x
    # x is a float64 too: its rounding (ε) adds to the error of y; 4ε|s| for the quotients and logs themselves
    eps = np.finfo(float).eps
    rounding = relative_error + eps
    slope_error = (rounding[1:] + rounding[:-1]) / np.abs(step_x) + 4 * eps * np.abs(slopes)
    noise = 2 * float(slope_error[-2:].sum())
    exponent = _limit(slopes, noise)
    # what is left of the next-order terms: the change of the extrapolation over the two earlier triples
    earlier = [_limit(slopes[:-i], noise) for i in (1, 2) if len(slopes) - i >= 3]
    earlier = [value for value in earlier if not np.isnan(value)]
    truncation = max((abs(exponent - value) for value in earlier), default=abs(exponent - float(slopes[-1]))
                     + abs(float(slopes[-1] - slopes[-2])))
    numerical = 0.0
    for i in range(1, 4):
        moved = slopes.copy()
        moved[-i] += slope_error[-i]
        numerical += abs(_limit(moved, noise) - exponent)
    numerical = numerical if np.isfinite(numerical) else float(slope_error[-3:].sum())
    return exponent, truncation + numerical + noise, numerical + noise, float(slopes[-1])


def fit_power_law(x: np.ndarray, y: np.ndarray, groups: np.ndarray, *, relative_error: float | np.ndarray,
                  window: tuple[float, float] = FIT_WINDOW,
                  conditions: dict[tuple[str, str], np.ndarray] | None = None) -> PowerLawFit | None:
    """Exponent k of y ∝ x^k as x → 0 from local slopes on each path, extrapolated to the limit.

    Why: on a path C(x) = A·x^k·(1 + B·x^β + o(x^β)), so the local slope between neighbouring points,
    s(x) = d log C / d log x = k + β·B·x^β + o(x^β), converges to k with differences that shrink by the factor
    ρ = q^β per step (points a fixed factor q apart in x, here decades). The geometric tail is summed
    (Aitken's Δ²): k ≈ s_m + d·ρ/(1 − ρ), d = s_m − s_{m−1}, ρ = d/(s_{m−1} − s_{m−2}). No order β is assumed, so
    the escort's slow corrections (β = 2/p: x^{2/3} at p = 3, x^{1/4} at p = 8) are removed as well as softmax's
    (β = 1). The error of a path is the largest change of k when the extrapolation starts one or two points
    earlier (what is left of the next-order terms) plus the numerical resolution (each of the last slopes moved
    by its rounding bound (δ_i + δ_{i+1})/|Δlog x|, δ = ``relative_error`` of y). The sum 1/(1 − ρ) amplifies
    every error as ρ → 1, so a path with |ρ| > :data:`CONTRACTION` (β < 0.1 at decade steps: the escort beyond
    p = 20 by x = 1e-20) is "unsettled" and left out, as is a path whose differences do not shrink. The interval
    [low, high] is the union of the path intervals k ± error (the truth lies in it whenever it lies in any
    path's), the exponent their median; with no settled path they are None and ``last_slopes`` (the range of
    the last local slope over the paths) is what can be said.

    Paths need not agree: sorted by exponent, a path joins the class of its predecessor when their intervals
    overlap. With more than one class there is no single exponent (exponent, low and high are None) and
    ``classes`` lists each with the condition (a fact of ``conditions``, indexed by path id and keyed by its
    (true, false) texts, that holds on exactly that class's paths) that recognises it, where one does.

    Points outside ``window`` or with y ≤ 0 are ignored; paths need 5 points (two shrink factors ρ, so the
    extrapolation can be checked one point earlier); None if no path has 5 points in the window.
    """
    keep = (x >= window[0]) & (x <= window[1]) & (y > 0) & np.isfinite(y)
    error = np.broadcast_to(np.asarray(relative_error, dtype=float), x.shape)
    estimates, labels, last_slopes, unsettled, points = [], [], [], 0, 0
    for label in np.unique(groups[keep]):
        member = np.flatnonzero(keep & (groups == label))
        if len(member) < 5:
            continue
        order = member[np.argsort(-x[member])]
        exponent, bound, numerical, last = _path_exponent(x[order], y[order], error[order])
        last_slopes.append(last)
        if np.isnan(exponent):
            unsettled += 1
            continue
        estimates.append((exponent, bound, numerical))
        labels.append(int(label))
        points += len(member)
    if not last_slopes:
        return None
    span = (float(min(last_slopes)), float(max(last_slopes)))
    if not estimates:
        return PowerLawFit(None, None, None, 0, 0, unsettled, (), (), 0.0, span)
    exponents, bounds, numerical = (np.array(column) for column in zip(*estimates))
    classes = _classes(exponents, bounds, labels, conditions or {})
    single = len(classes) == 1
    return PowerLawFit(
        exponent=classes[0].exponent if single else None, low=classes[0].low if single else None,
        high=classes[0].high if single else None, points=points, paths=len(estimates), unsettled=unsettled,
        path_exponents=tuple(float(v) for v in exponents), path_errors=tuple(float(v) for v in bounds),
        numerical=float(numerical.max()), last_slopes=span, classes=tuple(classes),
    )


def _classes(exponents: np.ndarray, bounds: np.ndarray, labels: list[int],
             conditions: dict[tuple[str, str], np.ndarray]) -> list[ExponentClass]:
    """Chain paths sorted by exponent into classes of overlapping intervals k ± error (see fit_power_law)."""
    order = np.argsort(exponents)
    groups: list[list[int]] = [[int(order[0])]]
    for i in order[1:]:
        previous = groups[-1]
        if exponents[i] - bounds[i] <= max(exponents[j] + bounds[j] for j in previous):
            previous.append(int(i))
        else:
            groups.append([int(i)])
    result = []
    for members in groups:
        paths = tuple(labels[i] for i in members)
        result.append(ExponentClass(
            exponent=float(np.median(exponents[members])), low=float(np.min(exponents[members] - bounds[members])),
            high=float(np.max(exponents[members] + bounds[members])), paths=paths,
            condition=None if len(groups) == 1 else _condition(paths, labels, conditions),
        ))
    return result


def _condition(paths: tuple[int, ...], labels: list[int],
               conditions: dict[tuple[str, str], np.ndarray]) -> str | None:
    """A recorded fact that holds on exactly these paths (among the settled ones), or fails on exactly them."""
    inside = np.isin(labels, paths)
    for (true, false), values in conditions.items():
        held = values[labels]
        if np.all(held == inside):
            return true
        if np.all(held == ~inside):
            return false
    return None
