"""Fig. 3: softmax gravity wells on the 3-simplex, and escort policy gradient (EPG) escaping them.

K = 3, r = (0.2, 0.9, 1.0), a* = a₃. Simplex points are drawn in barycentric coordinates: a₁ (r = 0.2) at the top,
a₂ (r = 0.9) bottom right, a₃ = a* bottom left.

(a) dπ(a*)/dt under the SPG flow dθ/dt = ∇_θ πᵀr: with g = π⊙(r − πᵀr) (Eq. (1)) and the softmax Jacobian
    diag(π) − ππᵀ, dπ(a*)/dt = π(a*)·(g(a*) − πᵀg). It is < 0 near the a₂ corner: there SPG *lowers* π(a*).
(b) Trajectories from π₁ = (0.6, 0.35, 0.05): SPG (η = 0.4), EPG with Theorem 2's step for p ∈ {1, 2, 4, 8}
    (θ₁ = π₁^{1/p}, so f_p(θ₁) = π₁) and KL mirror descent π_{t+1} ∝ π_t·exp(η r) (η = 0.4).
(c) Sub-optimality (π* − π_t)ᵀr until it is ≤ 0.005.

Checks: the fraction of the simplex grid with dπ(a*)/dt < 0 is > 0 (the dark region of the paper), and SPG
needs at least twice as many steps as EPG p = 2 to reach 0.005 (the plateau must cost a visible factor).

Regenerate: ``escort run fig3`` (``--quick``: a 60-point grid side and horizon 2·10⁴ instead of 200 and 2·10⁵).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.colors import TwoSlopeNorm
from matplotlib.tri import Triangulation

from foundation.artifacts import Checkpoint
from numerics.analysis.check import Check
from numerics.engine import run_bandit
from numerics.experiments.protocol import Sizes
from numerics.reporting import plotting as pl
from numerics.experiments.figures.fig2 import policy_path
from numerics.kernels.gradients import reward_gradient

__all__ = ["SIZES", "Fig3Result", "checks", "measure", "optimal_probability_velocity", "render", "simplex_grid", "to_plane"]

REWARDS = np.array([0.2, 0.9, 1.0])
START = np.array([0.6, 0.35, 0.05])
LEVEL = 0.005
"""Panel (c) stops each method at its first (π* − π_t)ᵀr ≤ LEVEL."""

CORNERS = np.array([[0.5, np.sqrt(3) / 2], [1.0, 0.0], [0.0, 0.0]])
"""Plane positions of the vertices a₁, a₂, a₃."""

METHODS: tuple[tuple[str, str, float | None], ...] = (
    ("SPG", "spg", None), ("MD", "md", None),
    ("EPG p = 1", "epg", 1.0), ("EPG p = 2", "epg", 2.0), ("EPG p = 4", "epg", 4.0), ("EPG p = 8", "epg", 8.0),
)


def simplex_grid(side: int) -> np.ndarray:
    """Interior barycentric grid points (i, j, k)/side with i, j, k ≥ 1, shape (N, 3).

    >>> simplex_grid(4).tolist()
    [[0.25, 0.25, 0.5], [0.25, 0.5, 0.25], [0.5, 0.25, 0.25]]
    """
    points = [(i, j, side - i - j) for i in range(1, side) for j in range(1, side - i)]
    return np.array(points, dtype=float) / side


def to_plane(pi: np.ndarray) -> np.ndarray:
    """Barycentric π (…, 3) to plane coordinates (…, 2) with the vertices at :data:`CORNERS`."""
    return np.asarray(pi) @ CORNERS


def optimal_probability_velocity(pi: np.ndarray, r: np.ndarray) -> np.ndarray:
    """dπ(a*)/dt = π(a*)·(g(a*) − πᵀg), g = π⊙(r − πᵀr), along the SPG flow at each row of ``pi``."""
    g = reward_gradient(np.log(pi), r, transform="softmax")
    astar = int(np.argmax(r))
    return pi[:, astar] * (g[:, astar] - np.sum(pi * g, axis=1))


def _initial_parameters(p: float | None) -> np.ndarray:
    """θ₁ with policy START: log START for softmax methods, START^{1/p} for the escort (f_p(θ₁) = START)."""
    return np.log(START) if p is None else START ** (1.0 / p)


@dataclass(frozen=True)
class Fig3Sizes:
    """Grid points per simplex side for the heat map, and the horizon of each method's run."""

    side: int
    horizon: int


SIZES = Sizes(quick=Fig3Sizes(side=60, horizon=20_000), full=Fig3Sizes(side=200, horizon=200_000))


@dataclass(frozen=True)
class Fig3Result:
    """Fig. 3 measured: dπ(a*)/dt on the simplex grid, each method's path and its steps to :data:`LEVEL`."""

    eta: float
    side: int
    horizon: int
    quick: bool
    grid: np.ndarray
    velocity: np.ndarray
    reached: dict[str, float]
    curves: dict[str, tuple[np.ndarray, np.ndarray]]

    @property
    def negative_fraction(self) -> float:
        """The fraction of the grid where π(a*) decreases under the SPG flow."""
        return float(np.mean(self.velocity < 0))

    @property
    def speedup(self) -> float:
        """Steps to :data:`LEVEL` of SPG over those of EPG p = 2."""
        return self.reached["SPG"] / self.reached["EPG p = 2"]

    @property
    def parameters(self) -> dict[str, object]:
        return {"rewards": REWARDS, "start": START, "eta": self.eta, "grid_side": self.side,
                "horizon": self.horizon, "level": LEVEL, "quick": self.quick}

    @property
    def results(self) -> dict[str, object]:
        return {"negative_fraction": self.negative_fraction, "steps_to_level": self.reached,
                "spg_over_epg2": self.speedup}

    @property
    def notes(self) -> tuple[str, ...]:
        steps_text = ", ".join(f"{k}: {v:g}" for k, v in self.reached.items())
        return (f"- Fig. 3(c): steps to sub-optimality ≤ 0.005 (inf = not within {self.horizon}): {steps_text}",)


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint, eta: float = 0.4) -> Fig3Result:
    """Heat map of dπ(a*)/dt and each method's run from :data:`START`; see the module docstring."""
    sizes = SIZES.pick(quick)
    grid = simplex_grid(sizes.side)
    reached: dict[str, float] = {}
    curves = {}
    for label, algorithm, p in METHODS:
        theta0 = _initial_parameters(p)[None, :]
        stop = run_bandit(algorithm, theta0, REWARDS, sizes.horizon, eta=eta, p=p or 2.0,
                          record_every=sizes.horizon, backend="compiled", stop_below=LEVEL)
        reached[label] = float(stop.steps_run[0]) if stop.suboptimality[0, -1] <= LEVEL else float("inf")
        length = int(min(stop.steps_run[0], sizes.horizon))
        curves[label] = policy_path(algorithm, theta0[0], REWARDS, max(length, 1), eta=eta, p=p or 2.0)
    return Fig3Result(eta=eta, side=sizes.side, horizon=sizes.horizon, quick=quick, grid=grid,
                      velocity=optimal_probability_velocity(grid, REWARDS), reached=reached, curves=curves)


def checks(result: Fig3Result) -> tuple[Check, ...]:
    """A region where π(a*) decreases exists, and SPG's plateau costs at least twice EPG p = 2's steps."""
    return (
        Check("(a) fraction of the simplex with dπ(a*)/dt < 0 under SPG", result.negative_fraction, None, 1e-3,
              "a region of decrease must exist, at least one grid cell in a thousand"),
        Check("(c) steps to reach 0.005, SPG / EPG p = 2", result.speedup, None, 2.0,
              "the SPG plateau must cost at least a factor 2 to be the visible effect the paper shows"),
    )


def render(result: Fig3Result, folder: Path) -> tuple[Path, ...]:
    """Draw Fig. 3's three panels and write them, the plotted data and the heat-map grid to ``folder``."""
    grid, velocity = result.grid, result.velocity
    data = pl.PlottedData()
    with pl.panels(3, width=3.6, height=3.1) as (figure, axes):
        plane = to_plane(grid)
        mesh = axes[0].tripcolor(Triangulation(plane[:, 0], plane[:, 1]), velocity, shading="gouraud",
                                 cmap="RdBu", norm=TwoSlopeNorm(vcenter=0.0))
        axes[0].tricontour(plane[:, 0], plane[:, 1], velocity, levels=[0.0], colors="black", linewidths=0.8)
        figure.colorbar(mesh, ax=axes[0], label=r"$d\pi(a^*)/dt$ (SPG)", shrink=0.8)
        pl.panel_title(axes[0], "a", r"$d\pi_\theta(a^*)/dt$ for SPG")
        for label, (steps, policies) in result.curves.items():
            xy = to_plane(policies)
            style = {"linestyle": "--"} if label in ("SPG", "MD") else {}
            pl.draw_line(axes[1], data, "b", label, xy[:, 0], xy[:, 1], **style)
            regret = policies @ (REWARDS.max() - REWARDS)
            pl.draw_line(axes[2], data, "c", label, steps + 1, regret, **style)
        for ax in axes[:2]:
            ax.fill(CORNERS[:, 0], CORNERS[:, 1], fill=False, color="grey")
            for (x, y), name in zip(CORNERS, ("a₁ (0.2)", "a₂ (0.9)", "a₃ = a* (1.0)")):
                ax.annotate(name, (x, y), ha="center", va="bottom" if y > 0 else "top", fontsize=7)
            ax.set(aspect="equal", xticks=[], yticks=[])
            ax.grid(False)
        pl.panel_title(axes[1], "b", "trajectories on the simplex")
        axes[1].legend(loc="upper left", fontsize=6)
        axes[2].axhline(LEVEL, color="grey", linestyle=":")
        axes[2].set(xscale="log", yscale="log", xlabel="t", ylabel=r"$(\pi^*-\pi_t)^\top r$")
        pl.panel_title(axes[2], "c", r"sub-optimality until $\leq 0.005$")
        axes[2].legend(fontsize=6)
        figure.suptitle(f"Fig. 3: K = 3, r = (0.2, 0.9, 1.0), π₁ = {tuple(START.tolist())}")
        heat = (("pi_1", "pi_2", "pi_3", "dpi_astar_dt"), np.column_stack([grid, velocity]).tolist())
        return pl.save_plot(figure, data, out_dir=folder, stem="fig3", tables={"heatmap": heat})
