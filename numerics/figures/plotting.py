"""The shared look and the shared outputs of every figure (Figs. 1–6).

One figure = one call of :func:`panels` (a style context and a row of axes), curves drawn with :func:`draw_line`,
:func:`draw_band` (the shaded spread across runs) or :func:`draw_points`, each of which also *records* what it drew
in a :class:`PlottedData`, and one call of :func:`save_figure`, which writes, side by side under ``out_dir``:

* ``<stem>.png`` and ``<stem>.pdf`` — the figure (PDF without a creation date, so it is byte-stable),
* ``<stem>.csv`` — exactly the plotted data, long format ``panel, series, x, y, y_lower, y_upper``,
* ``<stem>.json`` — parameters and the quantitative :class:`Check` results,
* ``<stem>.provenance.json`` — versions, git commit, seed and wall time (kept apart so the data stay byte-identical).

Spread across runs (``(R, T)`` arrays, one row per run) is summarised by :func:`quantile_band` (median and a central
quantile interval: how runs differ) or :func:`bootstrap_band` (mean and a percentile-bootstrap confidence interval:
how well the mean is known). Straight-line fits on log axes (the slopes of Figs. 2(a) and 4(b)) come from
:func:`fit_line`.

>>> band = quantile_band([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], level=0.5)
>>> band.centre.tolist(), band.lower.tolist(), band.upper.tolist()
([3.0, 4.0], [2.0, 3.0], [4.0, 5.0])
>>> fit = fit_line([0.0, 1.0, 2.0], [1.0, -1.0, -3.0])
>>> round(fit.slope, 12), round(fit.intercept, 12), round(fit.r_squared, 12)
(-2.0, 1.0, 1.0)
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from foundation.artifacts import provenance, write_csv, write_json
from foundation.validation import InputError, check_finite_array, check_probability

__all__ = [
    "Band",
    "Check",
    "LineFit",
    "PlottedData",
    "bootstrap_band",
    "draw_band",
    "draw_fit",
    "draw_line",
    "draw_points",
    "fit_line",
    "panel_title",
    "panels",
    "quantile_band",
    "save_figure",
    "save_png",
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


@dataclass(frozen=True)
class Band:
    """A centre curve with a shaded interval across runs: ``method`` says which statistic and interval."""

    centre: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    method: str
    level: float


@dataclass(frozen=True)
class LineFit:
    """Least-squares line y ≈ slope·x + intercept over ``n`` points, with its coefficient of determination R²."""

    slope: float
    intercept: float
    r_squared: float
    n: int


@dataclass(frozen=True)
class Check:
    """One quantitative claim of a figure, measured: ``measured`` lies in ``target ± tolerance`` or it fails.

    ``why`` justifies the tolerance (finite horizon, finite sample, …); it goes into the headline bullet so a reader
    can judge it. A check with ``target`` None is one-sided: it passes when ``measured >= tolerance``.
    """

    name: str
    measured: float
    target: float | None
    tolerance: float
    why: str

    @property
    def passed(self) -> bool:
        if not math.isfinite(self.measured):
            return False
        if self.target is None:
            return self.measured >= self.tolerance
        return abs(self.measured - self.target) <= self.tolerance

    def headline(self, figure: str) -> str:
        """A Markdown bullet stating the measured value, the tolerance and its justification."""
        wanted = f">= {self.tolerance:g}" if self.target is None else f"{self.target:g} ± {self.tolerance:g}"
        verdict = "holds" if self.passed else "FAILS"
        return f"- {figure}, {self.name}: measured {self.measured:.3g}, expected {wanted} ({self.why}) — {verdict}"


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


def _runs(values: object) -> np.ndarray:
    array = check_finite_array(values, name="values", ndim=2)
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise InputError(f"values must hold at least one run and one time point; got shape {array.shape}")
    return array


def quantile_band(values: object, *, level: float = 0.8) -> Band:
    """Median over runs (axis 0) and the central ``level`` quantile interval, e.g. 10–90 % for 0.8."""
    array = _runs(values)
    level = check_probability(level, name="level")
    lower, centre, upper = np.quantile(array, [(1 - level) / 2, 0.5, (1 + level) / 2], axis=0)
    return Band(centre, lower, upper, "median, central quantile interval", level)


def bootstrap_band(values: object, *, level: float = 0.95, resamples: int = 1000,
                   rng: np.random.Generator) -> Band:
    """Mean over runs and its percentile-bootstrap ``level`` confidence interval (runs resampled with replacement)."""
    array = _runs(values)
    level = check_probability(level, name="level")
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 10:
        raise InputError(f"resamples must be an integer >= 10; got {resamples!r}")
    picks = rng.integers(0, array.shape[0], size=(resamples, array.shape[0]))
    means = array[picks].mean(axis=1)
    lower, upper = np.quantile(means, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return Band(array.mean(axis=0), lower, upper, "mean, percentile-bootstrap confidence interval", level)


def fit_line(x: object, y: object) -> LineFit:
    """Ordinary least squares y ≈ slope·x + intercept; R² = 1 − SS_res/SS_tot (needs ≥ 3 points, x not constant)."""
    xs = check_finite_array(x, name="x", ndim=1)
    ys = check_finite_array(y, name="y", ndim=1)
    if xs.shape != ys.shape or xs.size < 3:
        raise InputError(f"x and y must be equally long with at least 3 points; got {xs.size} and {ys.size}")
    if np.ptp(xs) == 0:
        raise InputError("x must not be constant for a line fit")
    slope, intercept = np.polyfit(xs, ys, 1)
    residual = ys - (slope * xs + intercept)
    total = float(np.sum((ys - ys.mean()) ** 2))
    r_squared = 1.0 - float(np.sum(residual**2)) / total if total > 0 else 1.0
    return LineFit(float(slope), float(intercept), r_squared, int(xs.size))


@contextmanager
def panels(n: int, *, width: float = 3.2, height: float = 2.7) -> Iterator[tuple[Figure, list[Axes]]]:
    """A figure with ``n`` panels in a row, drawn and saved inside the shared :data:`STYLE` (no pyplot state)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"n must be a positive integer number of panels; got {n!r}")
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


def save_figure(
    figure: Figure,
    data: PlottedData,
    *,
    out_dir: str | os.PathLike[str],
    stem: str,
    command: str,
    parameters: Mapping[str, Any],
    seed: int | None,
    checks: Sequence[Check] = (),
    results: Mapping[str, Any] | None = None,
    wall_time: float | None = None,
    tables: Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]] | None = None,
) -> tuple[Path, ...]:
    """Write PNG, PDF, CSV (plotted data), JSON (parameters, results, checks) and provenance; return the paths.

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
    record = {
        "command": command,
        "parameters": dict(parameters),
        "seed": seed,
        "results": dict(results or {}),
        "checks": [{**asdict(c), "passed": c.passed} for c in checks],
    }
    paths.append(write_json(folder / f"{stem}.json", record))
    paths.append(write_json(folder / f"{stem}.provenance.json",
                            provenance(command=command, parameters=parameters, seed=seed, wall_time=wall_time)))
    return tuple(paths)

