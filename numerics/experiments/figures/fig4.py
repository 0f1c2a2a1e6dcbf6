"""Fig. 4: softmax damping — gradient descent on softmax cross entropy (SCE) converges only as Θ(1/t).

K = 10 classes, label a_y = 0 (one-hot y), θ₁(a) ~ N(0, 1) for each of ``runs`` runs, δ_t := −log π_t(a_y)
(Eq. (10)). SCE: θ ← θ − η(π − y) with η = 2 = 1/L (δ is ½-smooth); ECE: the escort with p = 2 and
Theorem 5's step η_t = ‖θ_t‖²/(4(3 + c₁²)), θ ← θ − η_t·p·diag(1/θ)(π − y) (Eq. (12)).

Panels: (a) log δ_t against t for SCE (flattening: not linear), (b) log δ_t against log t with the fitted slope
(→ −1, i.e. δ_t = Θ(1/t); Eq. (11)'s NŁ coefficient min_a π(a) vanishes), (c) ‖y − π_t‖² against t on log–log
axes (the same rate in another measure), (d) log δ_t against t for ECE p = 2: linear (Theorem 5, Eq. (13)).

Checks (median over runs): the slope of log δ_t on log t over the last decade of SCE is −1 ± 0.05; the R² of a
straight-line fit of ln δ_t on t for ECE over t ∈ [T_ECE/10, T_ECE] is ≥ 0.99 (an exact exponential gives 1;
SCE's R² on its own last decade is reported for contrast).

Regenerate: ``escort run fig4`` (``--quick``: T = 10⁴ and T_ECE = 2000 instead of 10⁵ and 10⁴).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes

from foundation.artifacts import Checkpoint
from numerics.analysis import statistics as stats
from numerics.analysis.check import Check
from numerics.engine import ClassificationTrajectory, run_classification
from numerics.experiments.protocol import Sizes
from numerics.reporting import plotting as pl

__all__ = ["SIZES", "Fig4Result", "checks", "measure", "render"]

FLOOR = 1e-250
"""δ_t below this is at the end of double precision (δ is computed by log1p down to ~1e-300); not fitted."""


def _fits(t: np.ndarray, values: np.ndarray, *, log_t: bool) -> list[stats.LineFit]:
    """Per-run line fits of ln(values) on t (or on ln t), over the recorded points above :data:`FLOOR`."""
    fits = []
    for row in values:
        keep = row > FLOOR
        x = np.log(t[keep]) if log_t else t[keep]
        fits.append(stats.fit_line(x, np.log(row[keep])))
    return fits


@dataclass(frozen=True)
class Fig4Sizes:
    """Horizons of SCE (``steps``) and of ECE (``ece_steps``)."""

    steps: int
    ece_steps: int


SIZES = Sizes(quick=Fig4Sizes(steps=10_000, ece_steps=2_000), full=Fig4Sizes(steps=100_000, ece_steps=10_000))


@dataclass(frozen=True)
class Fig4Result:
    """Fig. 4 measured: the SCE and ECE cross-entropy curves and their fits (medians over runs)."""

    K: int
    runs: int
    label: int
    steps: int
    ece_steps: int
    quick: bool
    t_sce: np.ndarray
    sce: ClassificationTrajectory
    t_ece: np.ndarray
    ece: ClassificationTrajectory
    sce_slope: float
    sce_linear_r2: float
    ece_r2: float
    ece_rate: float

    @property
    def parameters(self) -> dict[str, object]:
        return {"K": self.K, "runs": self.runs, "label": self.label, "steps": self.steps,
                "ece_steps": self.ece_steps, "quick": self.quick}

    @property
    def results(self) -> dict[str, object]:
        return {"sce_slope": self.sce_slope, "sce_linear_r2": self.sce_linear_r2, "ece_r2": self.ece_r2,
                "ece_rate_per_step": self.ece_rate}

    @property
    def notes(self) -> tuple[str, ...]:
        return (f"- Fig. 4(d): ECE p = 2 decays as δ_t ∝ exp(−{self.ece_rate:.3g}·t) (median rate over runs)",)

    @property
    def last_decade(self) -> np.ndarray:
        """The recorded SCE steps in the last decade, t ≥ T/10 (where the slope is fitted)."""
        return self.t_sce >= self.steps / 10


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint, K: int = 10, runs: int = 20, label: int = 0,
            steps: int | None = None, ece_steps: int | None = None) -> Fig4Result:
    """Simulate SCE and ECE (p = 2) and fit their decay; see the module docstring for the maths."""
    sizes = SIZES.pick(quick)
    steps = steps or sizes.steps
    ece_steps = ece_steps or sizes.ece_steps
    rng = np.random.default_rng(seed)
    theta0 = rng.standard_normal((runs, K))
    sce = run_classification("sce", theta0, label, steps, record_per_decade=40)
    ece = run_classification("ece", theta0, label, ece_steps, p=2.0, record_every=max(1, ece_steps // 400))
    t_sce, t_ece = sce.steps + 1.0, ece.steps + 1.0
    last = t_sce >= steps / 10
    sce_slope = np.median([f.slope for f in _fits(t_sce[last], sce.cross_entropy[:, last], log_t=True)])
    sce_linear = np.median([f.r_squared for f in _fits(t_sce[last], sce.cross_entropy[:, last], log_t=False)])
    window = t_ece >= ece_steps / 10
    ece_fits = _fits(t_ece[window], ece.cross_entropy[:, window], log_t=False)
    return Fig4Result(
        K=K, runs=runs, label=label, steps=steps, ece_steps=ece_steps, quick=quick, t_sce=t_sce, sce=sce,
        t_ece=t_ece, ece=ece, sce_slope=sce_slope, sce_linear_r2=sce_linear,
        ece_r2=float(np.median([f.r_squared for f in ece_fits])),
        ece_rate=float(np.median([-f.slope for f in ece_fits])),
    )


def checks(result: Fig4Result) -> tuple[Check, ...]:
    """SCE's slope on log–log axes is −1 (Θ(1/t)); ECE p = 2 is linear in t on a log scale."""
    return (
        Check("(b) SCE slope of log δ_t on log t, last decade", float(result.sce_slope), -1.0, 0.05,
              "δ_t ≈ a/(t + b) has local slope −t/(t + b), within 0.05 of −1 once t ≥ 20b"),
        Check("(d) ECE p = 2, R² of ln δ_t linear in t", result.ece_r2, None, 0.99,
              f"an exponential gives 1; SCE's R² on its last decade is {result.sce_linear_r2:.3f} for contrast"),
    )


def render(result: Fig4Result, folder: Path) -> tuple[Path, ...]:
    """Draw Fig. 4's four panels and write them with the plotted data to ``folder``."""
    t_sce, sce, t_ece, ece, sce_slope = result.t_sce, result.sce, result.t_ece, result.ece, result.sce_slope
    last = result.last_decade
    data = pl.PlottedData()
    with pl.panels(4, width=3.0) as (figure, axes):
        _log_band(axes[0], data, "a", "SCE", t_sce, sce.cross_entropy, "C3")
        axes[0].set(xlabel="t", ylabel=r"$\log_{10}\delta_t$")
        pl.panel_title(axes[0], "a", r"SCE: $\log \delta_t$ vs $t$")
        _log_band(axes[1], data, "b", "SCE", t_sce, sce.cross_entropy, "C3")
        offset = np.median(np.log10(sce.cross_entropy[:, -1]) - sce_slope * np.log10(t_sce[-1]))
        pl.draw_line(axes[1], data, "b", f"fit: slope {sce_slope:.3f}", t_sce[last],
                     offset + sce_slope * np.log10(t_sce[last]),
                     color="black", linestyle="--")
        axes[1].set(xscale="log", xlabel="t", ylabel=r"$\log_{10}\delta_t$")
        pl.panel_title(axes[1], "b", r"SCE: $\log \delta_t$ vs $\log t$")
        pl.draw_band(axes[2], data, "c", "SCE", t_sce, stats.quantile_band(sce.l2), color="C3")
        axes[2].set(xscale="log", yscale="log", xlabel="t", ylabel=r"$\|y-\pi_t\|_2^2$")
        pl.panel_title(axes[2], "c", r"SCE: $\ell_2$ distance")
        _log_band(axes[3], data, "d", "ECE p = 2", t_ece, ece.cross_entropy, "C0")
        axes[3].set(xlabel="t", ylabel=r"$\log_{10}\delta_t$")
        pl.panel_title(axes[3], "d", r"ECE ($p=2$): $\log \delta_t$ vs $t$")
        for ax in axes:
            ax.legend()
        figure.suptitle(f"Fig. 4: cross entropy, K = {result.K}, {result.runs} runs (median, 10–90 % across runs)")
        return pl.save_plot(figure, data, out_dir=folder, stem="fig4")


def _log_band(ax: Axes, data: pl.PlottedData, panel: str, series: str, t: np.ndarray, delta: np.ndarray,
              colour: str) -> None:
    """log10 δ_t across runs (median, 10–90 %), the floor of double precision masked out."""
    keep = np.all(delta > FLOOR, axis=0)
    pl.draw_band(ax, data, panel, series, t[keep], stats.quantile_band(np.log10(delta[:, keep])), color=colour)
