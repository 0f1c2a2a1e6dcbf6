"""``escort run bounds``: every theorem's bound against measured runs, as data and as docs/bounds.md.

Each theorem module ``numerics.experiments.bounds.thmN`` exposes ``compare(*, quick, seed) -> list[BoundComparison]`` and,
optionally, ``summary(rows) -> dict`` (theorem-specific numbers such as Theorem 1's fitted constant). Modules are
imported lazily: a missing one (or one without ``compare``) is reported as such instead of stopping the others.
Rows are grouped by theorem and escort exponent p; per group the worst case is the largest empirical/bound ratio
of an upper bound (``<=``) or the smallest of a lower bound (``>=``; Theorem 1's calibration rows excluded, they
satisfy the bound by construction). A row whose parameters lie outside the statement's domain is flagged
"outside stated domain" and does not count as an exceedance of the theorem.

Writes ``bounds.csv`` (one row per run, parameters as JSON for replay), ``bounds.json`` (groups, summaries,
missing modules), their provenance, a figure of all ratios, and ``docs_dir/bounds.md`` with
``docs_dir/figures/bounds_ratios.png``.
"""

from __future__ import annotations

import importlib
import json
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from foundation.artifacts import (
    Checkpoint,
    StageOutput,
    atomic_write_text,
    provenance,
    to_jsonable,
    write_csv,
    write_json,
)
from numerics.experiments.bounds.comparison import BoundComparison
from numerics.reporting import plotting as pl

__all__ = ["THEOREMS", "Collected", "Group", "collect", "group_rows", "render_markdown", "run"]

THEOREMS = ("thm1", "thm2", "thm3", "thm4", "thm5")
"""Theorem modules of :mod:`numerics.experiments.bounds`, in the paper's order."""

OUTSIDE = "outside stated domain"


@dataclass(frozen=True)
class Group:
    """The rows of one theorem (and one p) and their worst case."""

    theorem: str
    p: float | None
    rows: tuple[BoundComparison, ...]

    @property
    def checked(self) -> tuple[BoundComparison, ...]:
        """The rows that test the bound (Theorem 1's calibration rows excluded)."""
        return tuple(r for r in self.rows if not r.note.startswith("reference"))

    @property
    def worst(self) -> BoundComparison:
        key = (lambda r: r.ratio) if self.rows[0].relation == "<=" else (lambda r: -r.ratio)
        return max(self.checked, key=key)

    @property
    def exceeded(self) -> tuple[BoundComparison, ...]:
        return tuple(r for r in self.checked if r.violated)

    @property
    def outside_domain(self) -> bool:
        return all(r.note.startswith(OUTSIDE) for r in self.rows)

    @property
    def status(self) -> str:
        if self.outside_domain:
            return f"{OUTSIDE} ({len(self.exceeded)} above the bound)" if self.exceeded else OUTSIDE
        return f"**EXCEEDED** in {len(self.exceeded)} of {len(self.checked)} runs" if self.exceeded else "holds"


@dataclass(frozen=True)
class Collected:
    """What the theorem modules returned: rows, optional summaries, their docstrings' first paragraphs, gaps."""

    rows: list[BoundComparison]
    summaries: dict[str, dict]
    descriptions: dict[str, str]
    missing: list[str]


def collect(names: Sequence[str], *, quick: bool, seed: int, checkpoint: Checkpoint) -> Collected:
    """Rows of every available theorem module, their summaries, and notes on the modules that are missing."""
    rows: list[BoundComparison] = []
    summaries: dict[str, dict] = {}
    descriptions: dict[str, str] = {}
    missing: list[str] = []
    for name in names:
        try:
            module = importlib.import_module(f"numerics.experiments.bounds.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"numerics.experiments.bounds.{name}":
                raise
            missing.append(f"{name}: module numerics.experiments.bounds.{name} not available")
            continue
        if not hasattr(module, "compare"):
            missing.append(f"{name}: numerics.experiments.bounds.{name} has no compare(*, quick, seed)")
            continue
        key = f"{name}/seed={seed}/quick={quick}"
        saved = checkpoint.unit(key, lambda: [asdict(r) for r in module.compare(quick=quick, seed=seed)])
        found = [BoundComparison(**row) for row in saved]
        rows += found
        descriptions[name] = " ".join((module.__doc__ or "").strip().split("\n\n")[0].split())
        if hasattr(module, "summary"):
            summaries[name] = module.summary(found)
    return Collected(rows, summaries, descriptions, missing)


def group_rows(rows: Sequence[BoundComparison]) -> list[Group]:
    """Rows grouped by (theorem, p), in first-seen order."""
    groups: dict[tuple[str, float | None], list[BoundComparison]] = {}
    for row in rows:
        groups.setdefault((row.theorem, row.parameters.get("p")), []).append(row)
    return [Group(theorem, p, tuple(members)) for (theorem, p), members in groups.items()]


def _replay(row: BoundComparison) -> str:
    shown = {k: v for k, v in row.parameters.items() if k not in ("theta_1", "r")}
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items())


def render_markdown(groups: Sequence[Group], collected: Collected, *, command: str, quick: bool) -> str:
    """docs/bounds.md: the table of worst cases, the exceedances with full parameters, theorem summaries."""
    summaries, missing = collected.summaries, collected.missing
    lines = [
        "# Theorems' bounds against measured runs",
        "",
        f"Generated by `{command}` ({'quick' if quick else 'full'} form); do not edit by hand. Every run's full "
        "parameters (θ₁, r, seed) are in `results/bounds/bounds.csv`; step sizes and constants are the stated ones.",
        "",
        "Ratio = empirical / bound: an upper bound (≤) holds where the ratio is ≤ 1, a lower bound (≥) where it "
        "is ≥ 1.",
        "",
        "## What is compared",
        "",
        *(f"- `numerics.experiments.bounds.{name}`: {text}" for name, text in collected.descriptions.items()),
        "",
        "## Worst case per theorem and p",
        "",
        "| theorem | p | relation | runs | worst ratio | status | worst run |",
        "|---|---|---|---|---|---|---|",
    ]
    for g in groups:
        w = g.worst
        lines.append(f"| {g.theorem} | {'' if g.p is None else f'{g.p:g}'} | {w.relation} | {len(g.checked)} | "
                     f"{w.ratio:.3g} | {g.status} | {_replay(w)} |")
    exceeded = [r for g in groups for r in g.exceeded]
    lines += ["", "## Exceedances", ""]
    if not exceeded:
        lines.append("None: every measured run satisfies its bound.")
    for r in exceeded:
        lines.append(f"- **{r.theorem}**, ratio {r.ratio:.4g} (empirical {r.empirical:.4g}, bound {r.bound:.4g}); "
                     f"{r.note}; replay: `{json.dumps(to_jsonable(r.parameters), sort_keys=True)}`")
    lines += ["", "## Summaries", ""]
    for name, values in summaries.items():
        lines.append(f"- {name}: `{json.dumps(to_jsonable(values), sort_keys=True)}`")
    for note in missing:
        lines.append(f"- not checked: {note}")
    lines += ["", "![empirical/bound ratios](figures/bounds_ratios.png)", ""]
    return "\n".join(lines)


def _figure(groups: Sequence[Group], out_dir: Path, *, command: str, seed: int, quick: bool) -> tuple[Path, ...]:
    data = pl.PlottedData()
    with pl.panels(1, width=max(6.0, 0.6 * len(groups)), height=3.2) as (figure, (ax,)):
        for i, g in enumerate(groups):
            ratios = np.array([r.ratio for r in g.checked])
            shown = np.log10(ratios[np.isfinite(ratios) & (ratios > 0)])
            label = f"{g.theorem}" + ("" if g.p is None else f" p={g.p:g}")
            colour = "C3" if g.exceeded and not g.outside_domain else ("grey" if g.outside_domain else "C0")
            pl.draw_points(ax, data, "ratios", label, np.full(shown.size, float(i)), shown, color=colour, label=None)
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(groups)), [f"{g.theorem}\np={g.p:g}" if g.p is not None else g.theorem
                                           for g in groups], fontsize=6)
        ax.set(ylabel="log10(empirical / bound)")
        ax.set_title("Bounds: each point one run (red: exceeded in domain, grey: outside stated domain)")
        return pl.save_figure(figure, data, out_dir=out_dir, stem="bounds_ratios", command=command,
                              parameters={"quick": quick}, seed=seed)


def run(*, quick: bool, out_dir: Path, docs_dir: Path, seed: int, resume: bool) -> StageOutput:
    """Compare every theorem's bound with measured runs and write data, figure and docs/bounds.md."""
    start = time.perf_counter()
    out_dir, docs_dir = Path(out_dir), Path(docs_dir)
    command = "escort run bounds" + (" --quick" if quick else "")
    checkpoint = Checkpoint(out_dir / "checkpoint")
    if not resume:
        checkpoint.clear()
    collected = collect(THEOREMS, quick=quick, seed=seed, checkpoint=checkpoint)
    rows, summaries, missing = collected.rows, collected.summaries, collected.missing
    groups = group_rows(rows)
    header = ("theorem", "relation", "empirical", "bound", "ratio", "violated", "note", "parameters")
    table = [(r.theorem, r.relation, r.empirical, r.bound, r.ratio, r.violated, r.note,
              json.dumps(to_jsonable(r.parameters), sort_keys=True)) for r in rows]
    record = {
        "command": command,
        "groups": [{"theorem": g.theorem, "p": g.p, "runs": len(g.checked), "worst_ratio": g.worst.ratio,
                    "exceeded": len(g.exceeded), "status": g.status} for g in groups],
        "summaries": summaries,
        "missing": missing,
    }
    paths = [write_csv(out_dir / "bounds.csv", header, table), write_json(out_dir / "bounds.json", record)]
    figure_paths = _figure(groups, out_dir, command=command, seed=seed, quick=quick)
    docs_figure = docs_dir / "figures" / "bounds_ratios.png"
    docs_figure.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(figure_paths[0], docs_figure)
    markdown = render_markdown(groups, collected, command=command, quick=quick)
    paths += [*figure_paths, docs_figure, atomic_write_text(docs_dir / "bounds.md", markdown)]
    paths.append(write_json(out_dir / "bounds.provenance.json", provenance(
        command=command, parameters={"quick": quick, "theorems": THEOREMS}, seed=seed,
        wall_time=time.perf_counter() - start)))
    headline = tuple(f"- {g.theorem}{'' if g.p is None else f' p={g.p:g}'}: worst empirical/bound "
                     f"{g.worst.ratio:.3g} over {len(g.checked)} runs — {g.status}" for g in groups)
    headline += tuple(f"- not checked: {note}" for note in missing)
    problems = tuple(f"- {g.theorem}{'' if g.p is None else f' p={g.p:g}'}: bound exceeded in {len(g.exceeded)} "
                     f"runs, worst ratio {g.worst.ratio:.3g} ({_replay(g.worst)})"
                     for g in groups if g.exceeded and not g.outside_domain)
    return StageOutput("bounds", tuple(paths), headline, problems)
