"""The shared look and the shared outputs of every figure (Figs. 1–6).

One figure = one call of :func:`panels` (a style context and a row of axes), curves drawn with :func:`draw_line`,
:func:`draw_band` (the shaded spread across runs) or :func:`draw_points`, each of which also *records* what it drew
in a :class:`PlottedData`, one call of :func:`save_plot` and one of :func:`write_record` (the experiment protocol
makes the latter), which write, side by side under ``out_dir``:

* ``<stem>.png`` and ``<stem>.pdf`` — the figure (PDF without a creation date, so it is byte-stable),
* ``<stem>.csv`` — exactly the plotted data, long format ``panel, series, x, y, y_lower, y_upper``,
* ``<stem>.json`` — parameters, results and the verdicts (:class:`~numerics.analysis.check.Verdict`),
* ``<stem>.provenance.json`` — versions, git commit, seed and wall time (kept apart so the data stay byte-identical).

The statistics drawn (bands, line fits) and the pass/fail :class:`~numerics.analysis.check.Check` come from
:mod:`numerics.analysis`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from foundation.artifacts import provenance, write_csv, write_json
from foundation.validation import check_count
from numerics.analysis.check import Verdict
from numerics.analysis.statistics import Band, LineFit

__all__ = [
    "PlottedData",
    "draw_band",
    "draw_fit",
    "draw_line",
    "draw_points",
    "panel_title",
    "panels",
    "save_plot",
    "save_png",
    "write_record",
]

STYLE: dict[str, Any] = {
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 7,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.4,
    "savefig.dpi": 150,
    "pdf.fonttype": 42,
}
"""Matplotlib rc settings shared by every figure of the toolkit (applied only inside :func:`panels`)."""

COLUMNS = ("panel", "series", "x", "y", "y_lower", "y_upper")
"""Columns of every figure's CSV: one row per plotted point; the band columns are empty for plain lines."""


class PlottedData:
    """The points a figure draws, in :data:`COLUMNS` order, so that the CSV holds exactly what is plotted."""

    def __init__(self) -> None:
        self._rows: list[tuple[Any, ...]] = []

    def record(self, panel: str, series: str, x: Sequence[float], y: Sequence[float],
               lower: Sequence[float] | None = None, upper: Sequence[float] | None = None) -> None:
        """Append one curve (or point cloud); ``lower``/``upper`` are the band limits, if any."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        lo = np.full(x.shape, np.nan) if lower is None else np.asarray(lower, dtype=float)
        hi = np.full(x.shape, np.nan) if upper is None else np.asarray(upper, dtype=float)
        for row in zip(x, y, lo, hi, strict=True):
            self._rows.append((panel, series, *(float(v) if math.isfinite(v) else "" for v in row)))

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        return list(self._rows)


@contextmanager
def panels(n: int, *, width: float = 3.2, height: float = 2.7) -> Iterator[tuple[Figure, list[Axes]]]:
    """A figure with ``n`` panels in a row, drawn and saved inside the shared :data:`STYLE` (no pyplot state)."""
    check_count(n, name="n (number of panels)", minimum=1)
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(width * n, height), layout="constrained")
        axes = figure.subplots(1, n, squeeze=False)[0]
        yield figure, list(axes)


def panel_title(ax: Axes, letter: str, title: str) -> None:
    """The paper's panel caption, e.g. ``(a) SPG, sub-optimality``."""
    ax.set_title(f"({letter}) {title}")


def draw_line(ax: Axes, data: PlottedData, panel: str, series: str, x: object, y: object, **style: Any) -> None:
    """Plot and record one curve; ``style`` goes to ``Axes.plot`` (label defaults to ``series``)."""
    style.setdefault("label", series)
    ax.plot(x, y, **style)
    data.record(panel, series, x, y)


def draw_band(ax: Axes, data: PlottedData, panel: str, series: str, x: object, band: Band, **style: Any) -> None:
    """Plot and record a band: centre line plus the shaded interval in the same colour."""
    style.setdefault("label", series)
    (line,) = ax.plot(x, band.centre, **style)
    ax.fill_between(x, band.lower, band.upper, color=line.get_color(), alpha=0.2, linewidth=0)
    data.record(panel, series, x, band.centre, band.lower, band.upper)


def draw_points(ax: Axes, data: PlottedData, panel: str, series: str, x: object, y: object, **style: Any) -> None:
    """Scatter and record a point cloud (one point per run)."""
    style.setdefault("label", series)
    style.setdefault("s", 14)
    ax.scatter(x, y, **style)
    data.record(panel, series, x, y)


def draw_fit(ax: Axes, data: PlottedData, panel: str, fit: LineFit, x: object, *, log: bool, **style: Any) -> None:
    """Plot and record a fitted line over ``x``; with ``log`` the fit is in log10–log10 space (a power law)."""
    xs = np.asarray(x, dtype=float)
    if log:
        ys = 10 ** (fit.intercept + fit.slope * np.log10(xs))
    else:
        ys = fit.intercept + fit.slope * xs
    style.setdefault("color", "black")
    style.setdefault("linestyle", "--")
    draw_line(ax, data, panel, f"fit: slope {fit.slope:.3f}", xs, ys, **style)


def save_png(figure: Figure, path: str | os.PathLike[str], *, dpi: float | None = None) -> Path:
    """Write ``figure`` as a PNG atomically (temporary file, then rename) with no timestamped metadata.

    The same figure gives byte-identical files; an interrupted save leaves the old file, never a truncated one.
    ``dpi=None`` uses the style's ``savefig.dpi``.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        figure.savefig(tmp, format="png", dpi=dpi, metadata={"Software": None})
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def save_plot(
    figure: Figure,
    data: PlottedData,
    *,
    out_dir: str | os.PathLike[str],
    stem: str,
    tables: Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]] | None = None,
) -> tuple[Path, ...]:
    """Write PNG, PDF and CSV (the plotted data) of ``figure``; return the paths.

    ``tables`` adds further CSVs ``<stem>_<name>.csv`` for data that is not a curve (e.g. a heat map grid).
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    png, pdf = folder / f"{stem}.png", folder / f"{stem}.pdf"
    save_png(figure, png)
    # The layout is solved by the first save; freezing it spares the PDF a second constrained-layout pass.
    figure.set_layout_engine("none")
    figure.savefig(pdf, metadata={"CreationDate": None, "Producer": None, "Creator": None})
    paths = [png, pdf, write_csv(folder / f"{stem}.csv", COLUMNS, data.rows)]
    for name, (header, rows) in (tables or {}).items():
        paths.append(write_csv(folder / f"{stem}_{name}.csv", header, rows))
    return tuple(paths)


def write_record(
    *,
    out_dir: str | os.PathLike[str],
    stem: str,
    command: str,
    parameters: Mapping[str, Any],
    seed: int | None,
    checks: Sequence[Verdict] = (),
    results: Mapping[str, Any] | None = None,
    wall_time: float | None = None,
    timings: Mapping[str, Any] | None = None,
) -> tuple[Path, Path]:
    """Write ``<stem>.json`` (command, parameters, seed, results, checks) and ``<stem>.provenance.json``.

    ``timings`` (wall times of the experiment's parts, which differ from run to run) go into the provenance only.
    """
    folder = Path(out_dir)
    record = {
        "command": command,
        "parameters": dict(parameters),
        "seed": seed,
        "results": dict(results or {}),
        "checks": [c.record() for c in checks],
    }
    return (write_json(folder / f"{stem}.json", record),
            write_json(folder / f"{stem}.provenance.json",
                       {**provenance(command=command, parameters=parameters, seed=seed, wall_time=wall_time),
                        **(timings or {})}))
