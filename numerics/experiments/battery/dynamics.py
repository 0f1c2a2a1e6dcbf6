"""Part 3 of the battery: gradient methods on any transform (the experiments of Fig. 1 and Fig. 4).

Both loops differentiate through the transform's Jacobian J = dπ/dθ (batched over runs):

* gravity well (Fig. 1): gradient ascent on πᵀr, θ ← θ + η_t·Jᵀr, for K = 6 arms with r ~ U[0, 1]^K and
  θ₁ ~ N(0, I) per run. A run is "bad" if π_T(a*) < 0.99 at the last iterate; the time to π_t(a*) ≥ 0.99 (the
  paper's 1-based t, every step inspected, NaN if never) is recorded per run with the one first-hit helper
  :func:`numerics.analysis.first_hit.first_hit`.
* damping (Fig. 4): gradient descent on the cross entropy δ = −log π(a_y), θ ← θ + η_t·J[a_y, :]/π(a_y), K = 10.
  The late iterates (t ≥ T/10) are fitted both as δ ∝ t^k (log δ on log t; the paper finds k ≈ −1 for softmax,
  "softmax damping") and as δ ∝ e^{−ct} (log δ on t; Theorem 5 for the escort); the better fit (R²) names the
  rate. A sparse transform can reach δ = 0 exactly (π(a_y) = 1 with the other actions off the support): that is
  reported as finite-time convergence, and a run that starts with π(a_y) = 0 has an undefined cross entropy.

A run that stops moving short of its goal (π_T(a*) < 0.99, or δ_T > 0 down by less than :data:`STALL` over the
second half of the steps) "stalls / does not converge"; if the transform's gradient is exactly 0 there, the run is
caught in a structural trap (a region where the gradient vanishes), and the runs are named.

Step sizes come from the paper where it has one and scale with the transform's declared parameter unit:

* 0-homogeneous transforms (``invariant_norm = q``): Theorem 2's η_t = 2‖θ_t‖_q²/(9q²K^{1/q}) for πᵀr and
  Theorem 5's η_t = ‖θ_t‖_q²/(4(3 + c₁²)), c₁² = 1/π₁(a_y), for the cross entropy (both read from
  :data:`theory.statements.BOUNDS`, with p = q);
* otherwise η = 0.4·c² for πᵀr (Fig. 1's SPG step, c = ``step_scale``, the temperature of softmax:τ) and
  η = 2·c² for the cross entropy (1/L with L = 1/2, the smoothness of softmax cross entropy). Transforms without
  a theorem (Taylor, entmax) use these softmax steps, which is a choice, not a result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from numerics.analysis.first_hit import first_hit
from numerics.analysis.statistics import fit_line
from numerics.engine.loop import simulate
from numerics.engine.step_sizes import sce_step
from numerics.kernels.transform_kernels import Kernels
from theory import definitions as d
from theory.statements import BOUNDS, C1, K_SYM, NORM

__all__ = ["FLOOR", "STALL", "Damping", "GravityWell", "checkpoints", "damping", "gravity_well", "step_rule"]

FLOOR = 1e-250
"""δ below this is at the floor of double precision (π(a) underflows); such points are left out of rate fits."""
STALL = 1e-3
"""A run stalls when its measure (π_t(a*) absolute, δ_t relative) moves by less than this over the second half
of its steps while short of the goal: "does not converge" rather than a rate fitted to a flat line."""


def checkpoints(steps: int, count: int = 60) -> np.ndarray:
    """Iterations 1..steps, log-spaced, unique."""
    return np.unique(np.geomspace(1, steps, count).round().astype(int))


def step_rule(kern: Kernels, objective: str, K: int) -> tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], str]:
    """η_t as a function of (θ_t of shape (R, K), π₁(a_y) of shape (R,)), and its formula for the report."""
    t = kern.transform
    if t.invariant_norm is None:
        eta = (0.4 if objective == "policy gradient" else sce_step()) * t.step_scale**2
        return (lambda theta, pi_1: np.full(theta.shape[0], eta)), f"η = {eta:g} (constant)"
    q = t.invariant_norm
    bound = BOUNDS["thm2-ascent"] if objective == "policy gradient" else BOUNDS["thm5"]
    expression = bound.step_size.subs({d.P: sp.nsimplify(q), K_SYM: K})
    function = sp.lambdify([NORM, C1], expression, modules="numpy")

    def eta(theta: np.ndarray, pi_1: np.ndarray) -> np.ndarray:
        return function(np.linalg.norm(theta, ord=q, axis=-1), np.sqrt(1 / pi_1)) * np.ones(theta.shape[0])

    return eta, f"η_t = {sp.sstr(expression)} ({bound.reference}, ‖θ‖ = ‖θ‖_{q:g})"


@dataclass(frozen=True)
class GravityWell:
    """Gradient ascent on πᵀr from random starts: π_t(a*) at ``checkpoints`` per run, hit times (1-based t, NaN:
    never), bad runs."""

    K: int
    steps: int
    step_size: str
    checkpoints: np.ndarray
    optimal_probability: np.ndarray
    hit_time: np.ndarray
    threshold: float
    trapped: np.ndarray

    @property
    def bad_fraction(self) -> float:
        """Fraction of runs with π_T(a*) < threshold at the last iterate (Fig. 1's "bad" initialisations)."""
        return float(np.mean(self.optimal_probability[:, -1] < self.threshold))

    def outcome(self) -> dict:
        """Bad runs split into stalled (π_t(a*) moved by less than :data:`STALL` over the second half of the steps) and
        trapped (Jᵀr exactly 0 at the last step: a region where the gradient vanishes, a structural trap)."""
        bad = self.optimal_probability[:, -1] < self.threshold
        late = self.optimal_probability[:, self.checkpoints >= self.steps / 2]
        stalled = bad & (np.ptp(late, axis=1) < STALL)
        return {"stalled": int(stalled.sum()), "trapped": int((bad & self.trapped).sum()),
                "trapped_runs": np.flatnonzero(bad & self.trapped).tolist()}


def gravity_well(kern: Kernels, *, K: int = 6, runs: int = 20, steps: int = 30_000, threshold: float = 0.99,
                 rng: np.random.Generator) -> GravityWell:
    """Fig. 1 for any transform (see the module docstring); hit_time is NaN for runs that never reach threshold."""
    r = rng.uniform(size=(runs, K))
    best = np.argmax(r, axis=1)
    theta = rng.normal(size=(runs, K))
    eta, formula = step_rule(kern, "policy gradient", K)
    marks = checkpoints(steps)
    ones = np.ones(runs)

    def observe(t: int, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return kern.pi(theta)[np.arange(runs), best], kern.vjp(theta, r)

    # iteration k = 1..steps of Fig. 1 is step t = k − 1 of the loop, every one recorded (the hit time inspects
    # each); the last gradient decides "trapped"
    run = simulate(theta, np.arange(steps), observe=observe, record=lambda t, theta, seen: seen[0],
                   update=lambda t, theta, seen: theta + eta(theta, ones)[:, None] * seen[1])
    optimal = np.stack(run.records, axis=-1)
    gradient = kern.vjp(run.state, r)
    return GravityWell(K, steps, formula, marks, optimal[:, marks - 1],
                       first_hit(optimal, np.arange(steps), level=threshold) + 1, threshold,
                       np.all(gradient == 0, axis=1))


@dataclass(frozen=True)
class Damping:
    """Gradient descent on −log π(a_y): δ_t at ``checkpoints`` per run (NaN: undefined, run started at π(a_y) = 0)."""

    K: int
    steps: int
    step_size: str
    checkpoints: np.ndarray
    delta: np.ndarray
    trapped: np.ndarray

    def rate(self) -> dict:
        """Late-phase fits (t ≥ T/10, δ > FLOOR): median log–log slope k, median linear rate c, their R², verdict."""
        defined = ~np.isnan(self.delta[:, 0])
        finite_time = defined & (self.delta[:, -1] == 0)
        late = self.checkpoints >= self.steps / 10
        # stalled: δ still above the floor and down by less than STALL (relative) over the second half of the steps
        first_late = self.delta[:, np.argmax(self.checkpoints >= self.steps / 2)]
        stalled = defined & (self.delta[:, -1] > FLOOR) & (self.delta[:, -1] >= first_late * (1 - STALL))
        slopes, rates, r2_power, r2_linear = [], [], [], []
        for row in self.delta[defined & ~finite_time & ~stalled]:
            use = late & (row > FLOOR) & np.isfinite(row)
            if use.sum() < 3:
                continue
            log_t, t, log_delta = np.log(self.checkpoints[use]), self.checkpoints[use], np.log(row[use])
            for x, store, r2 in ((log_t, slopes, r2_power), (t, rates, r2_linear)):
                line = fit_line(x, log_delta)
                store.append(line.slope)
                r2.append(line.r_squared)
        result = {
            "runs_defined": int(defined.sum()),
            "runs_finite_time": int(finite_time.sum()),
            "runs_fitted": len(slopes),
            "loglog_slope": float(np.median(slopes)) if slopes else None,
            "linear_rate": float(-np.median(rates)) if rates else None,
            "r2_loglog": float(np.median(r2_power)) if slopes else None,
            "r2_linear": float(np.median(r2_linear)) if rates else None,
            "runs_stalled": int(stalled.sum()),
            "runs_trapped": int((stalled & self.trapped).sum()),
            "trapped_runs": np.flatnonzero(stalled & self.trapped).tolist(),
        }
        if not defined.any():
            result["verdict"] = "undefined (π(a_y) = 0 at every start)"
        elif stalled.any() and stalled.sum() >= max(len(slopes), finite_time.sum()):
            result["verdict"] = "stalls / does not converge"
        elif finite_time.sum() > len(slopes):
            result["verdict"] = "finite time (δ = 0 reached)"
        elif not slopes:
            result["verdict"] = "too fast to fit (δ at the double-precision floor)"
        elif result["r2_linear"] > result["r2_loglog"]:
            result["verdict"] = "linear (log δ ∝ −c·t)"
        else:
            result["verdict"] = "sublinear (δ ∝ t^k)"
        return result


def damping(kern: Kernels, *, K: int = 10, runs: int = 5, steps: int = 20_000, rng: np.random.Generator,
            label: int = 0) -> Damping:
    """Fig. 4 for any transform (see the module docstring)."""
    theta = rng.normal(size=(runs, K))
    eta, formula = step_rule(kern, "cross entropy", K)
    pi_1 = kern.pi(theta)[:, label]
    defined = pi_1 > 0
    unit = np.eye(K)[label]
    marks = checkpoints(steps)

    def observe(t: int, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pi = kern.pi(theta)
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = -np.log1p(-np.sum(np.delete(pi, label, axis=1), axis=1))
            gradient = np.where(defined[:, None], kern.vjp(theta, unit) / pi[:, label, None], 0.0)
        return delta, gradient

    # iteration k = 1..steps of Fig. 4 is step t = k − 1 of the loop; runs at the floor stop it early
    run = simulate(
        theta, marks - 1, observe=observe, record=lambda t, theta, seen: seen[0],
        finished=lambda t, theta, seen: bool(np.all(seen[0][defined] <= FLOOR)),
        update=lambda t, theta, seen: theta + np.where(
            defined, eta(theta, np.where(defined, pi_1, 1.0)), 0.0)[:, None] * seen[1],
    )
    record = np.full((runs, len(marks)), np.nan)
    delta, gradient = observe(run.last, run.state)
    record[defined] = np.column_stack(run.records + [delta] * (len(marks) - len(run.records)))[defined]
    return Damping(K, steps, formula, marks, record, defined & np.all(gradient == 0, axis=1))
