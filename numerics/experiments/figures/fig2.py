"""Fig. 2: escape time and softmax gravity wells.

(a) Escape time. Rewards r = (b + Δ, b, …, b) with b = 0.4, Δ = 0.5 (K = 5); θ₁ random with π_{θ₁}(a*) = q set
exactly (:func:`numerics.environments.bandit.initial_parameters`), SPG with η = 0.4. t₀ is the first t after which
(π* − π_t)ᵀr < 0.9Δ for good (:func:`numerics.engine.escape_times`). Theorem 1 says t₀ ≥ C/(Δ·π₁(a*)); the
paper observes log t₀ = −log π₁(a*) + C, a slope −1 on log–log axes as π₁(a*) → 0. The slope is fitted on
q ≤ 10⁻²; a drift t₀ = C'/q + D changes the local slope by D·q/C', and D/C' is of order one (t₀ ≈ 2 already at
q = 0.1), so within 0.05 of −1 is what the claim allows on this range.

(b, c) K = 5, r = (1, 0.9, 0.8, 0.7, 0.1), SPG with η = 0.4 from θ₁ = (0, 1.5, 3, 4.5, 6) and (0, 1, 2, 3, 4):
the iterates visit the suboptimal corners (vertices 2, 3, 4 in the paper's 1-based names) in turn; the
sub-optimality shows a plateau at r(a*) − r(i) near each visited corner i. Check: the first trajectory visits
(π_t(i) ≥ 0.9 at some t) at least two suboptimal corners.

Escape times are saved per q (:class:`foundation.artifacts.Checkpoint`); ``--resume`` skips the finished ones.

Regenerate: ``escort run fig2`` (``--quick``: q ∈ [10⁻⁴, 10⁻¹], 3 runs each; full: q ∈ [10⁻⁶, 10⁻¹], 6 runs each).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from foundation.artifacts import Checkpoint
from numerics.analysis.check import Check
from numerics.analysis import statistics as stats
from numerics.engine import ALGORITHMS, escape_times, recording_steps, run_bandit
from numerics.environments.bandit import gap_rewards, initial_parameters
from numerics.experiments.protocol import Sizes
from numerics.reporting import plotting as pl
from numerics.kernels.transforms import policy
from foundation.executor import sweep

__all__ = ["SIZES", "Fig2Result", "checks", "measure", "policy_path", "render"]

CORNER_LEVEL = 0.9
"""A suboptimal corner i counts as visited when π_t(i) ≥ CORNER_LEVEL at some recorded t."""

CORNER_REWARDS = np.array([1.0, 0.9, 0.8, 0.7, 0.1])
CORNER_STARTS = (np.array([0.0, 1.5, 3.0, 4.5, 6.0]), np.array([0.0, 1.0, 2.0, 3.0, 4.0]))


def policy_path(algorithm: str, theta0: np.ndarray, r: np.ndarray, steps: int, *, eta: float = 0.4,
                p: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Recorded steps (log-spaced, 20 a decade) and the whole policy π_t (T', K) of one run from ``theta0``.

    The engine records only π_t(a*); the run is continued segment by segment from each θ_t (every step rule is
    a function of θ_t alone, so this is identical to one long run) to read the whole policy at each recorded step.
    Fig. 3(b) draws its simplex trajectories with it.
    """
    schedule = recording_steps(steps, record_per_decade=20)
    theta = np.asarray(theta0, dtype=float)[None, :]
    transform = ALGORITHMS[algorithm].transform
    policies = [policy(theta[0], transform=transform, p=p)]
    for length in np.diff(schedule):
        segment = run_bandit(algorithm, theta, r, int(length), eta=eta, p=p, record_every=int(length),
                             backend="compiled")
        theta = segment.theta_final
        policies.append(segment.policy_final[0])
    return schedule, np.array(policies)


def _escape_unit(theta0: np.ndarray, r: np.ndarray, eta: float, max_steps: int) -> list[float]:
    return escape_times(theta0, r, eta=eta, max_steps=max_steps).tolist()


@dataclass(frozen=True)
class Fig2Sizes:
    """The π₁(a*) grid (``smallest`` = its last point, ``points`` of them), runs per point, and the trajectory
    horizon of panels (b)–(c)."""

    smallest: float
    points: int
    repeats: int
    horizon: int


SIZES = Sizes(quick=Fig2Sizes(smallest=1e-4, points=7, repeats=3, horizon=10**5),
              full=Fig2Sizes(smallest=1e-6, points=11, repeats=6, horizon=10**6))


@dataclass(frozen=True)
class Fig2Result:
    """Fig. 2 measured: escape times against π₁(a*) with their power-law fit, and the corner-hopping trajectories."""

    K: int
    gap: float
    base: float
    eta: float
    quick: bool
    grid: np.ndarray
    repeats: int
    initial_optimal_probability: np.ndarray
    escape_times: np.ndarray
    fit: stats.LineFit
    trajectories: list[tuple[np.ndarray, np.ndarray]]
    visited: list[int]

    @property
    def decided(self) -> np.ndarray:
        """Runs whose escape time was reached within the budget."""
        return np.isfinite(self.escape_times)

    @property
    def parameters(self) -> dict[str, object]:
        return {"K": self.K, "gap": self.gap, "base": self.base, "eta": self.eta, "q_grid": self.grid,
                "repeats": self.repeats, "corner_rewards": CORNER_REWARDS, "corner_starts": CORNER_STARTS,
                "quick": self.quick}

    @property
    def results(self) -> dict[str, object]:
        return {"slope": self.fit.slope, "intercept": self.fit.intercept, "r_squared": self.fit.r_squared,
                "undecided_runs": int((~self.decided).sum()), "corners_visited_1based": [i + 1 for i in self.visited],
                "escape_times": self.escape_times, "initial_optimal_probability": self.initial_optimal_probability}

    @property
    def notes(self) -> tuple[str, ...]:
        return ()


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint, K: int = 5, gap: float = 0.5, base: float = 0.4,
            eta: float = 0.4) -> Fig2Result:
    """Measure escape times, fit the slope, follow the corner-hopping trajectories; see the module docstring."""
    sizes = SIZES.pick(quick)
    rng = np.random.default_rng(seed)
    r = gap_rewards(K, gap=gap, base=base)
    grid = np.logspace(-1, np.log10(sizes.smallest), sizes.points)
    repeats = sizes.repeats
    q = np.repeat(grid, repeats)
    units = [
        (f"seed={seed}/q={value:.6g}/repeats={repeats}",
         partial(_escape_unit, initial_parameters(rng, repeats, K, transform="softmax", optimal_probability=value),
                 r, eta, int(50 / value)))
        for value in grid
    ]
    measured = [t for unit in sweep(units, checkpoint=checkpoint, scope={"K": K, "gap": gap, "base": base, "eta": eta})
                for t in unit]
    t0 = np.array(measured, dtype=float)
    fitted = np.isfinite(t0) & (q <= 1e-2)
    fit = stats.fit_line(np.log10(q[fitted]), np.log10(t0[fitted]))
    trajectories = [policy_path("spg", theta, CORNER_REWARDS, sizes.horizon, eta=eta) for theta in CORNER_STARTS]
    astar = int(np.argmax(CORNER_REWARDS))
    visited = [i for i in range(CORNER_REWARDS.size) if i != astar and trajectories[0][1][:, i].max() >= CORNER_LEVEL]
    return Fig2Result(K=K, gap=gap, base=base, eta=eta, quick=quick, grid=grid, repeats=repeats,
                      initial_optimal_probability=q, escape_times=t0, fit=fit, trajectories=trajectories,
                      visited=visited)


def checks(result: Fig2Result) -> tuple[Check, ...]:
    """t₀ ∝ 1/π₁(a*) (slope −1 on log–log axes), and trajectory 1 visits at least two suboptimal corners."""
    return (
        Check("(a) slope of log t₀ on log π₁(a*), π₁ ≤ 1e-2", result.fit.slope, -1.0, 0.05,
              "t₀ = C'/π₁ + D shifts the slope by D·π₁/C' ≤ 0.05 on this range"),
        Check("(b) suboptimal corners visited by trajectory 1", float(len(result.visited)), None, 2.0,
              "gravity wells: the iterates must hop between at least two suboptimal corners"),
    )


def render(result: Fig2Result, folder: Path) -> tuple[Path, ...]:
    """Draw Fig. 2's three panels and write them with the plotted data to ``folder``."""
    q, t0, decided, grid = result.initial_optimal_probability, result.escape_times, result.decided, result.grid
    data = pl.PlottedData()
    with pl.panels(3, width=3.4) as (figure, axes):
        pl.draw_points(axes[0], data, "a", "runs", q[decided], t0[decided], color="C0", alpha=0.7)
        pl.draw_fit(axes[0], data, "a", result.fit, grid[grid <= 1e-2], log=True)
        axes[0].set(xscale="log", yscale="log", xlabel=r"$\pi_{\theta_1}(a^*)$", ylabel=r"escape time $t_0$")
        pl.panel_title(axes[0], "a", "escape time vs initial optimal probability")
        steps, policy = result.trajectories[0]
        for i in range(CORNER_REWARDS.size):
            pl.draw_line(axes[1], data, "b", f"π(a{i + 1}), r = {CORNER_REWARDS[i]:g}", steps + 1, policy[:, i])
        axes[1].set(xscale="log", xlabel="t", ylabel=r"$\pi_t(a)$")
        pl.panel_title(axes[1], "b", "trajectory 1: corners visited")
        for number, (steps, policy) in enumerate(result.trajectories, start=1):
            regret = policy @ (CORNER_REWARDS.max() - CORNER_REWARDS)
            pl.draw_line(axes[2], data, "c", f"trajectory {number}", steps + 1, regret)
        for i in range(1, CORNER_REWARDS.size - 1):
            axes[2].axhline(CORNER_REWARDS.max() - CORNER_REWARDS[i], color="grey", linestyle=":", linewidth=0.8)
        axes[2].set(xscale="log", xlabel="t", ylabel=r"$(\pi^*-\pi_t)^\top r$")
        pl.panel_title(axes[2], "c", "sub-optimality plateaus")
        for ax in axes:
            ax.legend()
        figure.suptitle("Fig. 2: dependence on initialisation and softmax gravity wells (SPG, η = 0.4)")
        return pl.save_plot(figure, data, out_dir=folder, stem="fig2")
