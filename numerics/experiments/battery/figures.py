"""Figures of the battery, drawn from the measured data only: NŁ ratios, gravity wells, damping.

* ``transforms_nl.png``: the measured NŁ ratios against π(a*) (policy gradient) and min_a π(a) (cross entropy),
  log–log, one colour per transform, the paper's bound dashed where it has one;
* ``transforms_gravity.png``: median and quartiles of π_t(a*) over runs (Fig. 1(c) style);
* ``transforms_damping.png``: median δ_t = −log π_t(a_y) over runs, log–log (Fig. 4(b) style).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from numerics.experiments.battery.nl_coefficient import OBJECTIVES  # noqa: E402
from numerics.reporting.plotting import save_png  # noqa: E402

__all__ = ["draw_figures"]

_MARKERS = ("o", "x", "s", "+", "^", "1", "D", "v", "*", "<")
_LINES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), "-", "--", "-.", ":")
_X_LABEL = {OBJECTIVES[0]: "π(a*)", OBJECTIVES[1]: "min_a π(a)"}
_Y_LABEL = {OBJECTIVES[0]: "‖∇πᵀr‖ / (π* − π)ᵀr", OBJECTIVES[1]: "‖∇KL‖² / KL"}


def _save(figure: plt.Figure, path: Path) -> Path:
    save_png(figure, path, dpi=110)
    plt.close(figure)
    return path


def _nl(traces: dict, path: Path) -> Path:
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for (name, (samples, _, _)), colour, marker in zip(traces.items(), plt.cm.tab10.colors, _MARKERS):
        for axis, objective in zip(axes, OBJECTIVES):
            s = samples[objective]
            keep = (s.x > 0) & (s.ratio > 0) & np.isfinite(s.ratio)
            axis.scatter(s.x[keep], s.ratio[keep], s=10, color=colour, marker=marker, label=name, alpha=0.6)
            if s.bound is not None:
                order = np.argsort(s.x[keep])
                axis.plot(s.x[keep][order], s.bound[keep][order], "--", color=colour, lw=0.8, alpha=0.6)
    for axis, objective in zip(axes, OBJECTIVES):
        axis.set(xscale="log", yscale="log", xlabel=_X_LABEL[objective], ylabel=_Y_LABEL[objective],
                 title=f"NŁ ratio, {objective} (dashed: the paper's bound)")
    axes[0].legend(fontsize=7, markerscale=2)
    figure.tight_layout()
    return _save(figure, path)


def _gravity(traces: dict, path: Path) -> Path:
    figure, axis = plt.subplots(figsize=(6, 4))
    for (name, (_, well, _)), colour, line in zip(traces.items(), plt.cm.tab10.colors, _LINES):
        low, middle, high = np.percentile(well.optimal_probability, [25, 50, 75], axis=0)
        axis.plot(well.checkpoints, middle, color=colour, ls=line, label=f"{name} ({well.bad_fraction:.0%} bad)")
        axis.fill_between(well.checkpoints, low, high, color=colour, alpha=0.15)
    axis.axhline(0.99, color="grey", lw=0.6, ls=":")
    axis.set(xscale="log", xlabel="iteration t", ylabel="π_t(a*) (median, quartiles)",
             title="Gravity well (Fig. 1 style)")
    axis.legend(fontsize=7)
    figure.tight_layout()
    return _save(figure, path)


def _damping(traces: dict, path: Path) -> Path:
    figure, axis = plt.subplots(figsize=(6, 4))
    for (name, (_, _, damped)), colour, line in zip(traces.items(), plt.cm.tab10.colors, _LINES):
        defined = ~np.isnan(damped.delta[:, 0])
        if not defined.any():
            continue
        median = np.median(damped.delta[defined], axis=0)
        positive = median > 0
        axis.plot(damped.checkpoints[positive], median[positive], color=colour, ls=line, label=name)
    axis.set(xscale="log", yscale="log", xlabel="iteration t", ylabel="δ_t = −log π_t(a_y) (median)",
             title="Damping (Fig. 4 style)")
    axis.legend(fontsize=7)
    figure.tight_layout()
    return _save(figure, path)


def draw_figures(traces: dict, folder: Path) -> list[Path]:
    """Draw the three figures into ``folder`` from {name: (NŁ samples, gravity well, damping)}."""
    return [
        _nl(traces, folder / "transforms_nl.png"),
        _gravity(traces, folder / "transforms_gravity.png"),
        _damping(traces, folder / "transforms_damping.png"),
    ]
