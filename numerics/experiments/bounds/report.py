"""``escort run bounds``: every theorem's bound against measured runs, as data and as docs/bounds.md.

docs/bounds.md leads with one status per theorem and setting from the fixed vocabulary of
:mod:`numerics.analysis.bound_status` (holds / vacuous on this horizon / exceeded / not checkable as stated;
:mod:`numerics.experiments.bounds.statuses` decides them), then the stress search's worst cases (``escort stress``, read from
``docs_dir/stress/*.json`` when the full form has written them), then the float64 ratios per group.

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
from functools import partial
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
from numerics.experiments.bounds import thm5_rate
from numerics.experiments.bounds.comparison import BoundComparison
from numerics.analysis.bound_status import Status
from numerics.experiments.bounds.statuses import StatusRow, status_rows
from numerics.reporting import plotting as pl
from foundation.executor import sweep

__all__ = ["THEOREMS", "Collected", "Group", "collect", "group_rows", "render_markdown", "run"]

THEOREMS = ("thm1", "thm2", "thm3", "thm4", "thm5")
"""Theorem modules of :mod:`numerics.experiments.bounds`, in the paper's order."""

OUTSIDE = "outside stated domain"

LABELS = {"Theorem 1": "Theorem 1", "thm2-ascent": "Theorem 2 (ascent)", "thm2-flow": "Theorem 2 (flow)",
          "Theorem 3": "Theorem 3", "Theorem 4": "Theorem 4", "thm5": "Theorem 5"}
"""The one name of each theorem's rows in tables and figures."""


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
        """How many runs lie on the wrong side of the bound in float64 (not a status of the vocabulary: that
        needs the horizon and a confirmation, :mod:`numerics.experiments.bounds.statuses`)."""
        counted = f"{len(self.exceeded)} of {len(self.checked)} runs on the wrong side in float64"
        return f"{OUTSIDE}; {counted}" if self.outside_domain else counted


@dataclass(frozen=True)
class Collected:
    """What the theorem modules returned: rows, optional summaries, their docstrings' first paragraphs, gaps."""

    rows: list[BoundComparison]
    summaries: dict[str, dict]
    descriptions: dict[str, str]
    missing: list[str]


def _compared(name: str, quick: bool, seed: int) -> list[dict]:
    """The rows of ``numerics.experiments.bounds.<name>.compare`` as JSON data: one theorem, one sweep unit."""
    module = importlib.import_module(f"numerics.experiments.bounds.{name}")
    return [asdict(r) for r in module.compare(quick=quick, seed=seed)]


def collect(names: Sequence[str], *, quick: bool, seed: int, checkpoint: Checkpoint) -> Collected:
    """Rows of every available theorem module, their summaries, and notes on the modules that are missing."""
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
        if not hasattr(module, "compare"):
            missing.append(f"{name}: numerics.experiments.bounds.{name} has no compare(*, quick, seed)")
            continue
        modules[name] = module
    units = [(f"{name}/seed={seed}/quick={quick}", partial(_compared, name, quick, seed)) for name in modules]
    for (name, module), saved in zip(modules.items(), sweep(units, checkpoint=checkpoint)):
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
    shown = {k: v for k, v in row.parameters.items() if not isinstance(v, list)}
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items())


def _status_table(statuses: Sequence[StatusRow]) -> list[str]:
    lines = ["| theorem | setting | runs | status | numbers behind it |", "|---|---|---|---|---|"]
    for row in statuses:
        lines.append(f"| {row.theorem} | {row.setting} | {row.runs} | {row.status.describe()} | {row.numbers} |")
    replays = [row for row in statuses if row.status.replay is not None]
    if replays:
        lines += ["", "Minimal replays of the confirmed exceedances:", ""]
        lines += [f"- {row.theorem}, {row.setting}: `{json.dumps(to_jsonable(row.status.replay), sort_keys=True)}`"
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


def render_markdown(groups: Sequence[Group], collected: Collected, statuses: Sequence[StatusRow],
                    stress_cases: Sequence[dict], *, command: str, quick: bool,
                    stress_runs: Sequence[dict] = ()) -> str:
    """docs/bounds.md: statuses per theorem and setting, stress worst cases, float64 ratios, exceedances."""
    summaries, missing = collected.summaries, collected.missing
    lines = [
        "# Theorems' bounds against measured runs",
        "",
        f"Generated by `{command}` ({'quick' if quick else 'full'} form); do not edit by hand. Every run's full "
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
        *_status_table(statuses),
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
        lines.append(f"| {LABELS.get(g.theorem, g.theorem)} | {'' if g.p is None else f'{g.p:g}'} | {w.relation} | "
                     f"{len(g.checked)} | {w.ratio:.3g} | {len(g.exceeded)} | {_replay(w)} |")
    lines += ["", "## Summaries", ""]
    for name, values in summaries.items():
        lines.append(f"- {name}: `{json.dumps(to_jsonable(values), sort_keys=True)}`")
    for note in missing:
        lines.append(f"- not checked: {note}")
    lines += ["", "![bound margins per run](figures/bounds_ratios.png)", ""]
    return "\n".join(lines)


def _figure(groups: Sequence[Group], statuses: Sequence[StatusRow], out_dir: Path, *, command: str, seed: int,
            quick: bool) -> tuple[Path, ...]:
    """One column per theorem group, one point per run: the margin log10(bound/empirical) for upper bounds and
    log10(empirical/bound) for lower bounds, so above 0 is "bound respected" for both; a point is red only if its
    own run is above (below) its bound, grey where the group's bound is vacuous on the horizon."""
    data = pl.PlottedData()
    vacuous = {row.theorem for row in statuses} - {row.theorem for row in statuses
                                                    if row.status.status is not Status.VACUOUS}
    with pl.panels(1, width=max(6.0, 0.6 * len(groups)), height=3.4) as (figure, (ax,)):
        for i, g in enumerate(groups):
            label = LABELS.get(g.theorem, g.theorem) + ("" if g.p is None else f" p={g.p:g}")
            sign = 1.0 if g.rows[0].relation == ">=" else -1.0
            for exceeded in (False, True):
                runs = [r for r in g.checked if r.violated == exceeded and np.isfinite(r.ratio) and r.ratio > 0]
                margins = sign * np.log10([r.ratio for r in runs])
                grey = LABELS.get(g.theorem, g.theorem) in vacuous or g.outside_domain
                colour = "C3" if exceeded else ("grey" if grey else "C0")
                pl.draw_points(ax, data, "margins", f"{label} ({'exceeded' if exceeded else 'respected'})",
                               np.full(margins.size, float(i)), margins, color=colour, label=None)
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(groups)), [LABELS.get(g.theorem, g.theorem).replace(" (", "\n(") +
                                           ("" if g.p is None else f"\np={g.p:g}") for g in groups], fontsize=6)
        ax.set(ylabel="log10 margin (> 0: bound respected)")
        ax.set_title("Bounds: one point per run; blue respected, red above its bound, grey vacuous/outside domain")
        return (*pl.save_plot(figure, data, out_dir=out_dir, stem="bounds_ratios"),
                *pl.write_record(out_dir=out_dir, stem="bounds_ratios", command=command, parameters={"quick": quick},
                                 seed=seed))


def _stress_cases(docs_dir: Path) -> tuple[list[dict], list[dict]]:
    """The full stress search's worst cases and its provenance records (run times) from ``docs_dir/stress/``."""
    folder = docs_dir / "stress"
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    read = [(path, json.loads(path.read_text(encoding="utf-8"))) for path in files]
    return ([record | {"file": path.name} for path, record in read if not path.name.endswith(".provenance.json")],
            [record for path, record in read if path.name.endswith(".provenance.json")])


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
    rates = checkpoint.unit(f"thm5-rates/seed={seed}/quick={quick}", lambda: thm5_rate.rates(quick=quick, seed=seed))
    statuses = status_rows(rows, rates)
    stress_cases, stress_runs = _stress_cases(docs_dir)
    header = ("theorem", "relation", "empirical", "bound", "ratio", "violated", "note", "parameters")
    table = [(r.theorem, r.relation, r.empirical, r.bound, r.ratio, r.violated, r.note,
              json.dumps(to_jsonable(r.parameters), sort_keys=True)) for r in rows]
    record = {
        "command": command,
        "groups": [{"theorem": g.theorem, "p": g.p, "runs": len(g.checked), "worst_ratio": g.worst.ratio,
                    "exceeded": len(g.exceeded), "status": g.status} for g in groups],
        "statuses": [{"theorem": row.theorem, "setting": row.setting, "runs": row.runs,
                      "status": row.status.status.value, "describe": row.status.describe(), "numbers": row.numbers,
                      "replay": row.status.replay} for row in statuses],
        "thm5_rates": rates,
        "summaries": summaries,
        "missing": missing,
    }
    paths = [write_csv(out_dir / "bounds.csv", header, table), write_json(out_dir / "bounds.json", record)]
    figure_paths = _figure(groups, statuses, out_dir, command=command, seed=seed, quick=quick)
    docs_figure = docs_dir / "figures" / "bounds_ratios.png"
    docs_figure.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(figure_paths[0], docs_figure)
    markdown = render_markdown(groups, collected, statuses, stress_cases, command=command, quick=quick,
                               stress_runs=stress_runs)
    paths += [*figure_paths, docs_figure, atomic_write_text(docs_dir / "bounds.md", markdown)]
    paths.append(write_json(out_dir / "bounds.provenance.json", provenance(
        command=command, parameters={"quick": quick, "theorems": THEOREMS}, seed=seed,
        wall_time=time.perf_counter() - start)))
    headline = tuple(f"- {row.theorem}, {row.setting}: {row.status.describe()}" for row in statuses)
    headline += tuple(f"- not checked: {note}" for note in missing)
    problems = tuple(f"- {row.theorem}, {row.setting}: {row.status.describe()}" for row in statuses
                     if row.status.status is Status.EXCEEDED and "outside" not in row.setting)
    return StageOutput("bounds", tuple(paths), headline, problems)
