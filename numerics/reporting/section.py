"""One section of docs/findings.md per question: its question, set-up, figure, table and conclusions.

Also the figure every question module shares: :func:`curve_figure` (mean curves of several methods, one panel per
setting). Finished units are kept with :meth:`foundation.artifacts.Checkpoint.unit`, scoped by the question's settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from numerics.reporting.plotting import save_png

__all__ = ["Section", "curve_figure"]


@dataclass(frozen=True)
class Section:
    """A question's page section, rendered from its measured result: the question, the setup, a figure (file name
    under docs/figures), table, conclusions."""

    title: str
    question: str
    setup: str
    figure: str
    table: str
    conclusions: tuple[str, ...]

    def markdown(self) -> str:
        """The section as Markdown (figures are referenced relative to docs/)."""
        return "\n".join([
            f"## {self.title}", "", f"*{self.question}*", "", self.setup, "",
            f"![{self.title}](figures/{self.figure})", "", self.table, "", *self.conclusions,
        ])


def curve_figure(
    path: Path, *, panels: Sequence[tuple[str, Sequence[tuple[str, dict]]]], ylabel: str, logy: bool = True
) -> Path:
    """One panel per (title, [(label, unit)]), each unit with 'steps' and 'mean_suboptimality'; log–log axes."""
    fig = Figure(figsize=(5 * len(panels), 3.6))
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (title, curves) in zip(axes, panels):
        for label, unit in curves:
            steps = [max(s, 1) for s in unit["steps"]]
            ax.plot(steps, unit["mean_suboptimality"], label=label)
        ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("step t")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)
    fig.tight_layout()
    save_png(fig, path, dpi=110)
    return path
