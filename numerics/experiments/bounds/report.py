"""``escort run bounds``: every theorem's bound against measured runs, as data and as docs/bounds.md.

An experiment of the protocol (:mod:`numerics.experiments.protocol`): :func:`measure` runs every theorem module and
decides one status per theorem and setting from the fixed vocabulary of :mod:`numerics.analysis.bound_status`
(holds / vacuous on this horizon / exceeded / not checkable as stated; :mod:`numerics.experiments.bounds.statuses`
decides them); :func:`checks` returns those statuses (a status *exceeded* inside the statement's domain fails);
:func:`render` writes ``bounds.csv`` (one row per run, parameters as JSON for replay) and the figure of all ratios;
:func:`publish` writes ``docs_dir/bounds.md`` with ``docs_dir/figures/bounds_ratios.png``: the statuses, then the
stress search's worst cases (``escort stress``, read from ``docs_dir/stress/*.json`` when the full form has written
them), then the float64 ratios per group. The record ``bounds.json`` holds the groups, Theorem 5's rate records,
the summaries, the missing modules and the statuses (its checks).

Each theorem module ``numerics.experiments.bounds.thmN`` exposes ``compare(*, sizes, seed) -> list[BoundComparison]``
(its sizes are the field ``thmN`` of :data:`SIZES`, one form picked by :func:`measure`) and, optionally, ``summary(rows) -> dict`` (theorem-specific numbers such as Theorem 1's fitted constant). Modules
are imported lazily: a missing one (or one without ``compare``) is reported as such instead of stopping the others.
Rows are grouped by theorem and escort exponent p; per group the worst case is the largest empirical/bound ratio
of an upper bound (≤) or the smallest of a lower bound (≥). A row whose parameters lie outside the statement's
domain (``in_stated_domain`` False) is flagged "outside stated domain" and does not count as an exceedance of the
theorem.
"""

from __future__ import annotations

import importlib
import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import numpy as np

from foundation.artifacts import Checkpoint, atomic_write_text, to_jsonable, write_csv
from foundation.executor import sweep
from numerics.analysis.bound_status import Status
from numerics.experiments.bounds import thm5_rate
from numerics.experiments.bounds.comparison import BoundComparison, Theorem
from numerics.experiments.bounds.sizes import SIZES, BoundsSizes
from numerics.experiments.bounds.statuses import StatusRow, status_rows
from numerics.experiments.protocol import command
from numerics.reporting import plotting as pl

__all__ = ["SIZES", "THEOREMS", "BoundsResult", "Collected", "Group", "checks", "collect", "group_rows", "measure",
           "publish", "render", "render_markdown"]

THEOREMS = ("thm1", "thm2", "thm3", "thm4", "thm5")
"""Theorem modules of :mod:`numerics.experiments.bounds`, in the paper's order."""

OUTSIDE = "outside stated domain"


@dataclass(frozen=True)
class Group:
    """The rows of one theorem (and one p) and their worst case."""

    theorem: Theorem
    p: float | None
    rows: tuple[BoundComparison, ...]

    @property
    def upper(self) -> bool:
        """True for an upper bound (every row of a theorem has its relation)."""
        return self.rows[0].upper

    @property
    def worst(self) -> BoundComparison:
        return max(self.rows, key=(lambda r: r.ratio) if self.upper else (lambda r: -r.ratio))

    @property
    def exceeded(self) -> tuple[BoundComparison, ...]:
        return tuple(r for r in self.rows if r.violated)

    @property
    def outside_domain(self) -> bool:
        return not any(r.in_stated_domain for r in self.rows)

    @property
    def status(self) -> str:
        """How many runs lie on the wrong side of the bound in float64 (not a status of the vocabulary: that
        needs the horizon and a confirmation, :mod:`numerics.experiments.bounds.statuses`)."""
        counted = f"{len(self.exceeded)} of {len(self.rows)} runs on the wrong side in float64"
        return f"{OUTSIDE}; {counted}" if self.outside_domain else counted


@dataclass(frozen=True)
class Collected:
    """What the theorem modules returned: rows, optional summaries, their docstrings' first paragraphs, gaps."""

    rows: list[BoundComparison]
    summaries: dict[str, dict]
    descriptions: dict[str, str]
    missing: list[str]


def _compared(name: str, sizes: object, seed: int) -> list[dict]:
    """The rows of ``numerics.experiments.bounds.<name>.compare`` as JSON data: one theorem, one sweep unit."""
    module = importlib.import_module(f"numerics.experiments.bounds.{name}")
    return [r.record() for r in module.compare(sizes=sizes, seed=seed)]


def collect(names: Sequence[str], *, sizes: BoundsSizes, seed: int, checkpoint: Checkpoint) -> Collected:
    """Rows of every available theorem module (run at its field of ``sizes``; a finished module is kept under
    the same sizes), their summaries, and notes on the modules that are missing."""
    rows: list[BoundComparison] = []
    summaries: dict[str, dict] = {}
    descriptions: dict[str, str] = {}
    missing: list[str] = []
    modules = {}
    for name in names:
        try:
            module = importlib.import_module(f"numerics.experiments.bounds.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"numerics.experiments.bounds.{name}":
                raise
            missing.append(f"{name}: module numerics.experiments.bounds.{name} not available")
            continue
        if not hasattr(module, "compare") or not hasattr(sizes, name):
            missing.append(f"{name}: numerics.experiments.bounds.{name} has no compare(*, sizes, seed) or no sizes")
            continue
        modules[name] = module
    units = [(f"{name}/seed={seed}", partial(_compared, name, getattr(sizes, name), seed)) for name in modules]
    for (name, module), saved in zip(modules.items(), sweep(units, checkpoint=checkpoint, scope=sizes)):
        found = [BoundComparison.from_record(row) for row in saved]
        rows += found
        descriptions[name] = " ".join((module.__doc__ or "").strip().split("\n\n")[0].split())
        if hasattr(module, "summary"):
            summaries[name] = module.summary(found)
    return Collected(rows, summaries, descriptions, missing)


def group_rows(rows: Sequence[BoundComparison]) -> list[Group]:
    """Rows grouped by (theorem, p), in first-seen order."""
    groups: dict[tuple[Theorem, float | None], list[BoundComparison]] = {}
    for row in rows:
        groups.setdefault((row.theorem, row.parameters.get("p")), []).append(row)
    return [Group(theorem, p, tuple(members)) for (theorem, p), members in groups.items()]


def _replay(row: BoundComparison) -> str:
    shown = {k: v for k, v in row.parameters.items() if not isinstance(v, list)}
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items())


def _status_table(statuses: Sequence[StatusRow]) -> list[str]:
    lines = ["| theorem | setting | runs | status | numbers behind it |", "|---|---|---|---|---|"]
    for row in statuses:
        lines.append(f"| {row.theorem.label} | {row.setting} | {row.runs} | {row.status.describe()} | {row.numbers} |")
    replays = [row for row in statuses if row.status.replay is not None]
    if replays:
        lines += ["", "Minimal replays of the confirmed exceedances:", ""]
        lines += [f"- {row.theorem.label}, {row.setting}: "
                  f"`{json.dumps(to_jsonable(row.status.replay), sort_keys=True)}`"
                  for row in replays]
    return lines


def _stress_section(cases: Sequence[dict], runs: Sequence[dict] = ()) -> list[str]:
    if not cases:
        return ["Not run in this form: `escort stress thm2` and `escort stress thm3` (full forms) write "
                "`docs/stress/*.json`, which this page then lists."]
    lines = ["| theorem | family | p | worst ratio | at step | size | status | replay |",
             "|---|---|---|---|---|---|---|---|"]
    for case in cases:
        inputs = case["inputs"]
        domain = " (outside stated domain)" if case["outside_stated_domain"] else ""
        undefined = case.get("undefined_from_step")
        nan = "" if undefined is None else f" (run output NaN from t = {undefined:g})"
        lines.append(f"| {case['theorem']} | {case.get('family', 'bandit')} | {inputs['p']:g}{domain} | "
                     f"{case['max_ratio']:.4g} | {case['max_ratio_step']:g}{nan} | "
                     f"{case.get('size') or 'K = ' + str(len(inputs['r']))} | {case['describe']} | "
                     f"`escort stress {case['theorem']} --replay docs/stress/{case['file']}` |")
    lines.append("")
    lines += [f"`{run['command']}` took {run['wall_time_seconds'] / 60:.1f} min of wall time (load average at the end "
              f"{'/'.join(f'{x:.1f}' for x in run['parameters']['load_average_at_end'])}, 2 cores)." for run in runs
              if run.get("wall_time_seconds") is not None and "load_average_at_end" in run.get("parameters", {})]
    return lines


def render_markdown(result: BoundsResult, stress_cases: Sequence[dict], stress_runs: Sequence[dict] = ()) -> str:
    """docs/bounds.md: statuses per theorem and setting, stress worst cases, float64 ratios, exceedances."""
    collected, groups, quick = result.collected, result.groups, result.quick
    summaries, missing = collected.summaries, collected.missing
    lines = [
        "# Theorems' bounds against measured runs",
        "",
        f"Generated by `{command('bounds', quick=quick)}` ({'quick' if quick else 'full'} form); do not edit by "
        "hand. Every run's full "
        "parameters (θ₁, r, seed) are in `results/bounds/bounds.csv`; step sizes and constants are the stated ones.",
        "",
        "## Status per theorem and setting",
        "",
        "Vocabulary: **holds** — the bound gets tighter than the trivial bound within the horizon (so the run could "
        "have contradicted it) and no run does; **vacuous on this horizon** — the bound never gets below the "
        "trivial bound on the recorded steps (the step where it would start to bite is given); **exceeded** — a "
        "run is above the bound and a 50-digit re-run of the same trajectory confirms it (minimal replay below); "
        "**not checkable as stated** — a constant is missing (named, with the value the runs would need). "
        "Trivial bounds: t₀ ≥ 1 (Theorem 1), max r − min r (Theorem 2), 1/(1 − γ) (Theorem 3).",
        "",
        *_status_table(result.statuses),
        "",
        "## Stress search (worst cases over K, p, r, θ₁, γ; for Theorem 3 also P, μ ≠ ρ on multi-state MDPs)",
        "",
        *_stress_section(stress_cases, stress_runs),
        "",
        "## What is compared",
        "",
        *(f"- `numerics.experiments.bounds.{name}`: {text}" for name, text in collected.descriptions.items()),
        "",
        "## Float64 ratios per theorem and p",
        "",
        "Ratio = empirical / bound: an upper bound (≤) holds where the ratio is ≤ 1, a lower bound (≥) where it "
        "is ≥ 1. The ratio is a maximum over all recorded steps, including those where the bound is vacuous.",
        "",
        "| theorem | p | relation | runs | worst ratio | float64 above the bound | worst run |",
        "|---|---|---|---|---|---|---|",
    ]
    for g in groups:
        w = g.worst
        lines.append(f"| {g.theorem.label} | {'' if g.p is None else f'{g.p:g}'} | {w.relation.value} | "
                     f"{len(g.rows)} | {w.ratio:.3g} | {len(g.exceeded)} | {_replay(w)} |")
    lines += ["", "## Summaries", ""]
    for name, values in summaries.items():
        lines.append(f"- {name}: `{json.dumps(to_jsonable(values), sort_keys=True)}`")
    for note in missing:
        lines.append(f"- not checked: {note}")
    lines += ["", "![bound margins per run](figures/bounds_ratios.png)", ""]
    return "\n".join(lines)


def _figure(result: BoundsResult, out_dir: Path) -> tuple[Path, ...]:
    """One column per theorem group, one point per run: the margin log10(bound/empirical) for upper bounds and
    log10(empirical/bound) for lower bounds, so above 0 is "bound respected" for both; a point is red only if its
    own run is above (below) its bound, grey where the group's bound is vacuous on the horizon."""
    data = pl.PlottedData()
    groups, statuses = result.groups, result.statuses
    vacuous = {row.theorem for row in statuses} - {row.theorem for row in statuses
                                                    if row.status.status is not Status.VACUOUS}
    with pl.panels(1, width=max(6.0, 0.6 * len(groups)), height=3.4) as (figure, (ax,)):
        for i, g in enumerate(groups):
            label = g.theorem.label + ("" if g.p is None else f" p={g.p:g}")
            sign = -1.0 if g.upper else 1.0
            for exceeded in (False, True):
                runs = [r for r in g.rows if r.violated == exceeded and np.isfinite(r.ratio) and r.ratio > 0]
                margins = sign * np.log10([r.ratio for r in runs])
                grey = g.theorem in vacuous or g.outside_domain
                colour = "C3" if exceeded else ("grey" if grey else "C0")
                pl.draw_points(ax, data, "margins", f"{label} ({'exceeded' if exceeded else 'respected'})",
                               np.full(margins.size, float(i)), margins, color=colour, label=None)
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(groups)), [g.theorem.label.replace(" (", "\n(") +
                                           ("" if g.p is None else f"\np={g.p:g}") for g in groups], fontsize=6)
        ax.set(ylabel="log10 margin (> 0: bound respected)")
        ax.set_title("Bounds: one point per run; blue respected, red above its bound, grey vacuous/outside domain")
        return (*pl.save_plot(figure, data, out_dir=out_dir, stem="bounds_ratios"),
                *pl.write_record(out_dir=out_dir, stem="bounds_ratios", command=command("bounds", quick=result.quick),
                                 parameters={"quick": result.quick}, seed=result.seed))


def _stress_cases(docs_dir: Path) -> tuple[list[dict], list[dict]]:
    """The full stress search's worst cases and its provenance records (run times) from ``docs_dir/stress/``."""
    folder = docs_dir / "stress"
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    read = [(path, json.loads(path.read_text(encoding="utf-8"))) for path in files]
    return ([record | {"file": path.name} for path, record in read if not path.name.endswith(".provenance.json")],
            [record for path, record in read if path.name.endswith(".provenance.json")])




@dataclass(frozen=True)
class BoundsResult:
    """The bounds measured: every theorem module's rows (:class:`Collected`), Theorem 5's rate records and the
    status per theorem and setting."""

    quick: bool
    seed: int
    theorems: tuple[str, ...]
    collected: Collected
    thm5_rates: tuple[dict[str, Any], ...]
    statuses: tuple[StatusRow, ...]

    @cached_property
    def groups(self) -> list[Group]:
        """The rows grouped by theorem and p (:func:`group_rows`)."""
        return group_rows(self.collected.rows)

    @property
    def parameters(self) -> Mapping[str, Any]:
        return {"quick": self.quick, "theorems": self.theorems}

    @property
    def results(self) -> Mapping[str, Any]:
        return {"groups": [{"theorem": g.theorem.value, "p": g.p, "runs": len(g.rows), "worst_ratio": g.worst.ratio,
                            "exceeded": len(g.exceeded), "status": g.status} for g in self.groups],
                "thm5_rates": list(self.thm5_rates), "summaries": self.collected.summaries,
                "missing": self.collected.missing}

    @property
    def notes(self) -> tuple[str, ...]:
        """The theorem modules that could not be checked."""
        return tuple(f"- not checked: {note}" for note in self.collected.missing)


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint, theorems: Sequence[str] = THEOREMS) -> BoundsResult:
    """Every theorem module's comparison rows (one sweep unit each), Theorem 5's rates, and the statuses."""
    sizes = SIZES.pick(quick)
    collected = collect(theorems, sizes=sizes, seed=seed, checkpoint=checkpoint)
    rates = checkpoint.unit(f"thm5-rates/seed={seed}", lambda: thm5_rate.rates(sizes=sizes.thm5_rate, seed=seed),
                            scope=sizes.thm5_rate)
    return BoundsResult(quick, seed, tuple(theorems), collected, tuple(rates),
                        tuple(status_rows(collected.rows, rates)))


def checks(result: BoundsResult) -> tuple[StatusRow, ...]:
    """One status per theorem and setting; a status *exceeded* inside the stated domain fails."""
    return result.statuses


def render(result: BoundsResult, folder: Path) -> tuple[Path, ...]:
    """``bounds.csv`` (one row per run) and the figure of every run's margin, with its plotted data."""
    header = ("theorem", "relation", "empirical", "bound", "ratio", "violated", "note", "parameters")
    table = [(r.theorem.value, r.relation.value, r.empirical, r.bound, r.ratio, r.violated, r.note,
              json.dumps(to_jsonable(r.parameters), sort_keys=True)) for r in result.collected.rows]
    return (write_csv(Path(folder) / "bounds.csv", header, table), *_figure(result, Path(folder)))


def publish(result: BoundsResult, *, out_dir: Path, docs_dir: Path) -> tuple[Path, ...]:
    """``docs_dir/bounds.md`` and the figure it shows (copied from ``out_dir``), with the stress search's cases
    from ``docs_dir/stress/``."""
    docs_figure = Path(docs_dir) / "figures" / "bounds_ratios.png"
    docs_figure.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(out_dir) / "bounds_ratios.png", docs_figure)
    stress_cases, stress_runs = _stress_cases(Path(docs_dir))
    return docs_figure, atomic_write_text(Path(docs_dir) / "bounds.md",
                                          render_markdown(result, stress_cases, stress_runs))
