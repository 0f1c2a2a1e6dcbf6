"""Fig. 1: softmax policy gradient (SPG) from random initialisations gets stuck near suboptimal corners.

K = 6 arms, r(a) ~ U[0, 1], θ₁(a) ~ N(0, 1), 20 runs, full-gradient SPG

    θ_{t+1}(a) = θ_t(a) + η·π_t(a)·[r(a) − π_tᵀr],  π_t = softmax(θ_t),  η = 0.4          (Eq. (1))

for T = 3·10⁴ steps. A run is *good* if π_T(a*) ≥ 0.99 at the last iterate, else *bad*. Panels: (a) and (b)
sub-optimality (π* − π_t)ᵀr of good and bad runs, (c) π_t(a*) of both groups, (d) the long-run time to
convergence, the first t with π_t(a*) ≥ 0.99, on a log scale. Bad runs are continued from θ_T (compiled
backend) for up to ``long_run`` more steps; a run still unconverged is *censored*: its time is at least the
horizon, drawn as an open marker and counted at the horizon, which can only shrink the bad/good ratio.

Check: both groups occur, and the median convergence time of bad runs is at least 10× (one order of
magnitude) that of good runs — the paper says "many orders of magnitude".

Regenerate: ``escort run fig1`` (``--quick``: continuation horizon 10⁵ instead of 10⁷).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes

from foundation.artifacts import Checkpoint
from numerics.analysis.check import Check
from numerics.analysis import statistics as stats
from numerics.analysis.first_hit import first_hit
from numerics.engine import run_bandit
from numerics.environments.bandit import initial_parameters, random_rewards
from numerics.experiments.protocol import Sizes
from numerics.reporting import plotting as pl

__all__ = ["SIZES", "Fig1Result", "checks", "convergence_times", "measure", "render"]

GOOD_LEVEL = 0.99
"""A run is good if π_T(a*) ≥ GOOD_LEVEL; the time to convergence is the first t with π_t(a*) ≥ GOOD_LEVEL."""


def convergence_times(steps: np.ndarray, optimal_probability: np.ndarray) -> np.ndarray:
    """First recorded step (1-based t, the paper's θ_t) with π_t(a*) ≥ 0.99 per run; ``inf`` where never reached.

    >>> convergence_times(np.array([0, 10, 100]), np.array([[0.5, 0.995, 1.0], [0.1, 0.2, 0.3]])).tolist()
    [11.0, inf]
    """
    t = first_hit(optimal_probability, steps, level=GOOD_LEVEL) + 1.0
    return np.where(np.isnan(t), np.inf, t)


def _continued_times(theta: np.ndarray, r: np.ndarray, offset: int, horizon: int, eta: float) -> list[float]:
    """Continue SPG from θ_T for up to ``horizon`` steps; each run stops once (π* − π)ᵀr < 0.01·Δ_min.

    (π* − π)ᵀr ≥ (1 − π(a*))·Δ, so a sub-optimality below 0.01·Δ implies π(a*) > 0.99: stopping there never cuts
    a run before its convergence time.
    """
    ordered = np.sort(r, axis=1)
    gap = float(np.min(ordered[:, -1] - ordered[:, -2]))
    traj = run_bandit("spg", theta, r, horizon, eta=eta, record_per_decade=100, backend="compiled",
                      stop_below=0.01 * gap)
    return (convergence_times(traj.steps, traj.optimal_probability) + offset).tolist()


@dataclass(frozen=True)
class Fig1Sizes:
    """How long bad runs are continued from θ_T (the long-run horizon)."""

    long_run: int


SIZES = Sizes(quick=Fig1Sizes(long_run=100_000), full=Fig1Sizes(long_run=10_000_000))


@dataclass(frozen=True)
class Fig1Result:
    """Fig. 1 measured: the good/bad split, convergence times (censored runs at the horizon) and the bands drawn."""

    K: int
    runs: int
    eta: float
    steps: int
    long_run: int
    quick: bool
    t: np.ndarray
    good: np.ndarray
    counted: np.ndarray
    censored: np.ndarray
    median_ratio: float
    suboptimality: dict[str, stats.Band]
    optimal_probability: dict[str, stats.Band]

    @property
    def parameters(self) -> dict[str, object]:
        return {"K": self.K, "runs": self.runs, "eta": self.eta, "steps": self.steps, "long_run": self.long_run,
                "quick": self.quick}

    @property
    def results(self) -> dict[str, object]:
        return {"good": self.good, "convergence_time": self.counted, "censored": self.censored,
                "median_ratio": self.median_ratio}

    @property
    def notes(self) -> tuple[str, ...]:
        return (f"- Fig. 1: {int(self.censored.sum())} bad run(s) not converged within "
                f"{self.steps + self.long_run} steps (censored)",)


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint, K: int = 6, runs: int = 20, eta: float = 0.4,
            steps: int = 30_000, long_run: int | None = None) -> Fig1Result:
    """Simulate Fig. 1; see the module docstring for the maths."""
    horizon = long_run or SIZES.pick(quick).long_run
    rng = np.random.default_rng(seed)
    r = random_rewards(rng, runs, K)
    theta0 = initial_parameters(rng, runs, K, transform="softmax")
    traj = run_bandit("spg", theta0, r, steps, eta=eta, record_per_decade=40, backend="compiled")
    good = traj.optimal_probability[:, -1] >= GOOD_LEVEL
    times = convergence_times(traj.steps, traj.optimal_probability)
    key = f"seed={seed}/horizon={horizon}"
    if not good.all():
        continued = checkpoint.unit(
            key, lambda: _continued_times(traj.theta_final[~good], r[~good], steps, horizon, eta),
            scope={"K": K, "runs": runs, "eta": eta, "steps": steps},
        )
        times[~good] = np.asarray(continued, dtype=float)
    censored = ~np.isfinite(times)
    counted = np.where(censored, steps + horizon, times)
    ratio = (float(np.median(counted[~good]) / np.median(counted[good]))
             if good.any() and not good.all() else float("nan"))
    groups = {name: group for name, group in (("good", good), ("bad", ~good)) if group.any()}
    return Fig1Result(
        K=K, runs=runs, eta=eta, steps=steps, long_run=horizon, quick=quick, t=traj.steps + 1, good=good,
        counted=counted, censored=censored, median_ratio=ratio,
        suboptimality={name: stats.quantile_band(traj.suboptimality[g]) for name, g in groups.items()},
        optimal_probability={name: stats.bootstrap_band(traj.optimal_probability[g], rng=rng)
                             for name, g in groups.items()},
    )


def checks(result: Fig1Result) -> tuple[Check, ...]:
    """Both groups occur, and bad runs take at least ten times longer (median) than good ones."""
    good = result.good
    return (
        Check("number of bad runs (π_T(a*) < 0.99)", float((~good).sum()), None, 1.0,
              "the figure needs at least one bad run"),
        Check("number of good runs", float(good.sum()), None, 1.0, "the figure needs at least one good run"),
        Check("log10(median bad / median good convergence time)", float(np.log10(result.median_ratio)), None, 1.0,
              "'many orders of magnitude': at least one; censored bad runs count at the horizon, a lower bound"),
    )


def render(result: Fig1Result, folder: Path) -> tuple[Path, ...]:
    """Draw Fig. 1's four panels and write them with the plotted data to ``folder``."""
    data = pl.PlottedData()
    good = result.good
    with pl.panels(4, width=3.0) as (figure, axes):
        for ax, letter, group, name in ((axes[0], "a", good, "good"), (axes[1], "b", ~good, "bad")):
            if group.any():
                pl.draw_band(ax, data, letter, f"{name} runs ({int(group.sum())})", result.t,
                             result.suboptimality[name], color="C0" if name == "good" else "C3")
            ax.set(xscale="log", yscale="log", xlabel="t", ylabel=r"$(\pi^*-\pi_t)^\top r$")
            pl.panel_title(ax, letter, f"{name} initialisations")
            ax.legend()
        for name, colour in (("good", "C0"), ("bad", "C3")):
            if name in result.optimal_probability:
                pl.draw_band(axes[2], data, "c", f"{name} runs", result.t, result.optimal_probability[name],
                             color=colour)
        axes[2].set(xscale="log", xlabel="t", ylabel=r"$\pi_t(a^*)$ (mean, 95% CI)")
        pl.panel_title(axes[2], "c", "optimal action probability")
        axes[2].legend()
        _draw_times(axes[3], data, result.counted, good, result.censored)
        figure.suptitle(f"Fig. 1: SPG, K = {result.K}, η = {result.eta}, {result.runs} runs, T = {result.steps}")
        return pl.save_plot(figure, data, out_dir=folder, stem="fig1")


def _draw_times(ax: Axes, data: pl.PlottedData, counted: np.ndarray, good: np.ndarray, censored: np.ndarray) -> None:
    """Panel (d): box (25–75 %) of log10 convergence times per group, with every run as a point."""
    groups = [(good, "good", "C0"), (~good, "bad", "C3")]
    present = [(g, n, c) for g, n, c in groups if g.any()]
    ax.boxplot([np.log10(counted[g]) for g, _, _ in present], whis=(0, 100), widths=0.5, showfliers=False)
    for position, (group, name, colour) in enumerate(present, start=1):
        values = np.log10(counted[group])
        open_ = censored[group]
        pl.draw_points(ax, data, "d", f"{name} runs", np.full(values.size, float(position)), values,
                       color=colour, zorder=3)
        if open_.any():
            ax.scatter(np.full(open_.sum(), position), values[open_], s=60, facecolors="none",
                       edgecolors="black", zorder=4, label="censored (≥ horizon)")
    ax.set_xticks(range(1, len(present) + 1), [n for _, n, _ in present])
    ax.set(ylabel=r"$\log_{10} T$ with $\pi_T(a^*)\geq 0.99$")
    pl.panel_title(ax, "d", "long-run time to convergence")
    if censored.any():
        ax.legend()
