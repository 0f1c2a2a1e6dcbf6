"""Part 4 of the battery, on the experiment protocol (:mod:`numerics.experiments.protocol`): every check on every
named transform; data, figures, verdicts and ``docs/transforms.md``.

``escort run transforms`` (the registered experiment, :data:`COMPARED`) and ``escort battery NAME...`` (any
transforms, :func:`run_battery`) run the same :func:`measure`, :func:`checks`, :func:`render` and :func:`publish`
through :func:`~numerics.experiments.protocol.run_protocol`. :func:`render` writes, under ``out_dir/<name>/``:
``summary.json`` (every number of the report's row, with the derivatives and exact witnesses), ``nl_points.csv``
(the sampled NŁ ratios and the paper's bound at each point), ``gravity_well.csv`` and ``damping.csv``
(trajectories at log-spaced iterations); the protocol's record ``out_dir/transforms.json`` gathers the rows
(results), the sizes and transforms (parameters) and the verdicts (checks). :func:`publish` writes
``docs_dir/transforms.md``, the comparison table rendered from those rows, with figures in ``docs_dir/figures``.

All transforms share the seed: the same near-vertex paths, rewards and starting points, so the rows differ only
by the transform.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from foundation.artifacts import Checkpoint, StageOutput, atomic_write_text, write_csv, write_json
from foundation.validation import InputError, check_seed
from numerics.experiments.battery import dynamics, symbolic
from numerics.experiments.battery.figures import draw_figures
from numerics.experiments.battery.markdown import render as render_page
from numerics.experiments.battery.nl_coefficient import (
    FIT_WINDOW, FLOAT_WINDOW, OBJECTIVES, NLSamples, PowerLawFit, claim_kind, fit_power_law, sample_nl,
)
from numerics.experiments.battery.sizes import SIZES, BatterySizes
from foundation.executor import sweep
from numerics.experiments.protocol import command, run_protocol
from numerics.kernels.transform_kernels import kernels
from theory.transforms import Transform, check_transform, transform

__all__ = ["COMPARED", "SIZES", "BatteryResult", "Measured", "TransformVerdict", "battery_command", "battery_row",
           "checks", "measure", "paper_verdict", "publish", "render", "resolve", "run_battery"]

AGREEMENT = 1e-9
"""Largest |fast − SymPy| (π, Jacobian and Jᵀw entries, O(1) at the test points) accepted as agreement."""


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def paper_verdict(fit: PowerLawFit, exponent: float, claim: str) -> tuple[bool, str]:
    """(agrees, verdict) of a measured exponent against the paper's exponent m of a lower bound C ≥ c·x^m.

    A claimed exponent agrees when m lies in the measured interval. A bound only constrains k ≤ m near the vertex
    (C ∝ x^k ≥ c·x^m as x → 0): it agrees when the interval reaches down to m, and is "loose" when the whole
    interval lies below m; an interval entirely above m would contradict the bound.
    """
    if claim == "exponent":
        return (True, "agrees") if fit.contains(exponent) else (False, "differs")
    if fit.low > exponent:
        return False, "differs: k > m contradicts the bound"
    return True, "agrees with the bound (tight)" if fit.contains(exponent) else "agrees with the bound (loose: k < m)"


def _fit_record(samples: NLSamples, t: Transform, objective: str) -> dict:
    fit = fit_power_law(samples.x, samples.ratio, samples.path, relative_error=samples.relative_error,
                        window=samples.window, conditions=samples.conditions)
    record: dict = {
        "points": int(len(samples.x)),
        "window": list(samples.window),
        "precision": "float64 kernels" if samples.window == FLOAT_WINDOW else "50 digits",
        "exits": samples.exits,
        "exit_ratio": samples.exit_ratio,
        "exit_gradient_astar": samples.exit_gradient,
        "empty_paths": samples.empty_paths,
        "fit": None if fit is None else dataclasses.asdict(fit),
        "paper": None,
    }
    if samples.bound is not None:
        eps = np.finfo(float).eps
        paper = fit_power_law(samples.x, samples.bound, samples.path, relative_error=eps, window=samples.window)
        claim = claim_kind(t, objective)
        if fit is not None and len(fit.classes) > 1:
            agrees, verdict = None, f"undetermined: the exponent depends on the path ({len(fit.classes)} classes)"
        elif fit is None or paper is None or paper.exponent is None or fit.exponent is None:
            agrees, verdict = None, "undetermined (no settled exponent)"
        else:
            agrees, verdict = paper_verdict(fit, paper.exponent, claim)
        record["paper"] = {
            "exponent": None if paper is None else paper.exponent,  # None also when no path of the bound settled
            "claim": claim,
            "bound_holds": int(np.sum(samples.ratio >= samples.bound * (1 - samples.relative_error - eps))),
            "agrees": agrees,
            "verdict": verdict,
        }
    return record


STEPS = ("symbolic checks", *(f"NŁ ratios, {objective}" for objective in OBJECTIVES), "gravity well", "damping")
"""The steps of one battery row, in order (what ``step`` is called with)."""


def battery_row(
    t: Transform, sizes: BatterySizes, *, seed: int, step: Callable[[str], None] = lambda label: None
) -> tuple[dict, dict[str, NLSamples], dynamics.GravityWell, dynamics.Damping]:
    """Everything the battery measures for one transform: (summary row, NŁ samples, gravity well, damping).

    ``step(label)`` is called as each of :data:`STEPS` begins (progress output).

    A map found 0-homogeneous (π(cθ) = π(θ)) without a declared ``invariant_norm`` is measured at ‖θ‖_2 = 1 with
    the step sizes of a 0-homogeneous map: otherwise the growth of ‖θ‖ along a path would enter its NŁ exponent.
    """
    step(STEPS[0])
    scale_invariant = symbolic.is_scale_invariant(t, sizes.symbolic_K)
    if scale_invariant and t.invariant_norm is None:
        t = dataclasses.replace(t, invariant_norm=2.0)
    row: dict = {"name": t.name, "formula": t.formula, "reference": t.reference, "sparse": t.sparse,
                 "scale_invariant": scale_invariant, "invariant_norm": t.invariant_norm}
    kern = kernels(t, sizes.nl_K)
    row["kernel"] = kern.source
    row["fast_vs_symbolic"] = symbolic.fast_agreement(kernels(t, sizes.symbolic_K), sizes.symbolic_K, seed=seed)
    row["derivatives"] = symbolic.derivatives(t)
    row["symmetry"] = symbolic.symmetry(t, sizes.symbolic_K)
    row["concavity"] = symbolic.concavity_witness(t, sizes.symbolic_K)
    samples = {}
    row["nl"] = {}
    for objective, label in zip(OBJECTIVES, STEPS[1:3]):
        step(label)
        samples[objective] = sample_nl(kern, objective, K=sizes.nl_K, paths=sizes.nl_paths,
                                       rng=np.random.default_rng(seed))
        row["nl"][objective] = _fit_record(samples[objective], t, objective)
    visited = np.concatenate([samples[objective].theta for objective in OBJECTIVES])
    row["fast_at_visited"] = symbolic.visited_agreement(kern, sizes.nl_K, visited, seed=seed)
    step(STEPS[3])
    well = dynamics.gravity_well(kernels(t, sizes.gravity_K), K=sizes.gravity_K, runs=sizes.gravity_runs,
                                 steps=sizes.gravity_steps, rng=np.random.default_rng(seed))
    reached = well.hit_time[~np.isnan(well.hit_time)]
    row["gravity_well"] = {
        "K": well.K, "runs": sizes.gravity_runs, "steps": well.steps, "step_size": well.step_size,
        "bad_fraction": well.bad_fraction, "hit_time": well.hit_time,
        "median_initial_optimal_probability": float(np.median(well.optimal_probability[:, 0])),
        "median_hit_time": float(np.median(reached)) if reached.size else None,
        "never_reached": int(np.sum(np.isnan(well.hit_time))),
        **well.outcome(),
    }
    step(STEPS[4])
    damped = dynamics.damping(kernels(t, sizes.damping_K), K=sizes.damping_K, runs=sizes.damping_runs,
                              steps=sizes.damping_steps, rng=np.random.default_rng(seed))
    row["damping"] = {"K": damped.K, "runs": sizes.damping_runs, "steps": damped.steps,
                      "step_size": damped.step_size, **damped.rate()}
    return row, samples, well, damped


def _timed_row(t: Transform, sizes: BatterySizes, seed: int, progress: bool) -> tuple:
    """:func:`battery_row` of one transform and its wall time in seconds: one sweep unit (its progress bar, on the
    stderr of the process that runs it, names each step)."""
    start = time.perf_counter()
    bar = tqdm(total=len(STEPS), desc=f"battery {t.name}", unit="step", disable=not progress, file=sys.stderr)
    measured = battery_row(t, sizes, seed=seed, step=_announce(bar, t.name))
    bar.update()
    bar.close()
    return (*measured, round(time.perf_counter() - start, 2))


def _write_data(folder: Path, samples: dict[str, NLSamples], well: dynamics.GravityWell,
                damped: dynamics.Damping) -> list[Path]:
    nl_rows = []
    for objective, s in samples.items():
        bound = s.bound if s.bound is not None else np.full(len(s.x), np.nan)
        nl_rows += [(objective, int(p), float(x), float(c), float(b))
                    for p, x, c, b in zip(s.path, s.x, s.ratio, bound)]
    return [
        write_csv(folder / "nl_points.csv", ["objective", "path", "x", "ratio", "paper_bound"], nl_rows),
        write_csv(folder / "gravity_well.csv", ["run", "t", "pi_astar"],
                  [(run, int(t), float(v)) for run in range(len(well.optimal_probability))
                   for t, v in zip(well.checkpoints, well.optimal_probability[run])]),
        write_csv(folder / "damping.csv", ["run", "t", "delta"],
                  [(run, int(t), float(v)) for run in range(len(damped.delta))
                   for t, v in zip(damped.checkpoints, damped.delta[run])]),
    ]


COMPARED: tuple[str, ...] = ("softmax", "escort:2", "entmax:1.5", "sparsemax", "taylor", "spherical")
"""The transforms the registered experiment ``transforms`` (``escort run transforms``, ``escort all``) compares."""


def resolve(names: Sequence[str | Transform]) -> tuple[Transform, ...]:
    """The transforms named (built-in names, ``module:attr`` strings or :class:`Transform` objects), each once."""
    if isinstance(names, (str, Transform)) or not names:
        raise InputError("names must list at least one transform, e.g. ['softmax', 'escort:2']")
    return tuple({t.name: t for t in (transform(n) if isinstance(n, str) else check_transform(n)
                                      for n in names)}.values())


def battery_command(transforms: Sequence[Transform], *, quick: bool) -> str:
    """The command that regenerates the battery on ``transforms``: ``escort run transforms`` for
    :data:`COMPARED`, else ``escort battery NAME...``."""
    names = tuple(t.name for t in transforms)
    if names == COMPARED:
        return command("transforms", quick=quick)
    return "escort battery " + " ".join(names) + (" --quick" if quick else "")


@dataclass(frozen=True)
class Measured:
    """One transform's battery: its summary row, NŁ samples, gravity well and damping (:func:`battery_row`), and
    the seconds it took."""

    transform: Transform
    row: dict[str, Any]
    samples: dict[str, NLSamples]
    well: dynamics.GravityWell
    damped: dynamics.Damping
    seconds: float


@dataclass(frozen=True)
class BatteryResult:
    """The battery measured on each transform (in the order given), with the sizes and seed it ran at."""

    quick: bool
    seed: int
    sizes: BatterySizes
    measured: tuple[Measured, ...]

    @property
    def command(self) -> str:
        return battery_command([m.transform for m in self.measured], quick=self.quick)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [m.row for m in self.measured]

    @property
    def parameters(self) -> Mapping[str, Any]:
        return {"names": [m.transform.name for m in self.measured], "quick": self.quick,
                "sizes": dataclasses.asdict(self.sizes)}

    @property
    def results(self) -> Mapping[str, Any]:
        return {"rows": self.rows}

    @property
    def timings(self) -> Mapping[str, Any]:
        """Wall seconds per transform (provenance only)."""
        return {"seconds_per_transform": {m.transform.name: m.seconds for m in self.measured}}

    @property
    def notes(self) -> tuple[str, ...]:
        """One bullet per transform: Jacobian symmetry, NŁ exponents, bad runs, damping."""
        return tuple(_note(row) for row in self.rows)


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint, transforms: Sequence[str | Transform] = COMPARED,
            progress: bool = True) -> BatteryResult:
    """The battery on ``transforms`` (each one sweep unit; it takes seconds, so ``checkpoint`` keeps nothing);
    ``progress`` shows each step on stderr."""
    resolved = resolve(transforms)
    sizes = SIZES.pick(quick)
    measured = sweep([(t.name, partial(_timed_row, t, sizes, seed, progress)) for t in resolved])
    return BatteryResult(quick, seed, sizes, tuple(Measured(t, *values) for t, values in zip(resolved, measured)))


@dataclass(frozen=True)
class TransformVerdict:
    """One claim checked on one transform (a :class:`~numerics.analysis.check.Verdict`): it fails when
    ``failures`` (the sentences of what failed, as the page lists them) is not empty."""

    transform: str
    claim: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    def headline(self, label: str) -> str:
        """``- <label>, `<transform>`: <claim> — holds`` or ``… — FAILS: <failures>``."""
        verdict = "holds" if self.passed else "FAILS: " + "; ".join(self.failures)
        return f"- {label}, `{self.transform}`: {self.claim} — {verdict}"

    def record(self) -> dict[str, Any]:
        return {"transform": self.transform, "claim": self.claim, "failures": list(self.failures),
                "passed": self.passed}


def _path_classes(objective: str, fit: dict) -> str:
    described = "; ".join(f"{c['exponent']:.6f} [{c['low']:.6f}, {c['high']:.6f}] on {len(c['paths'])} "
                          f"paths ({c['condition'] or 'no recorded condition'})" for c in fit["classes"])
    return (f"warning: the {objective} NŁ exponent depends on the path, {len(fit['classes'])} classes: "
            f"{described}")


def _verdicts(row: dict[str, Any]) -> tuple[TransformVerdict, ...]:
    """The transform's verdicts: one NŁ exponent per objective, the paper's exponents and bounds (where the paper
    has them), fast kernels against the SymPy definition."""
    name, nl = row["name"], row["nl"].items()
    classes = tuple(_path_classes(objective, record["fit"]) for objective, record in nl
                    if record["fit"] is not None and len(record["fit"]["classes"]) > 1)
    paper = []
    for objective, record in nl:
        fit, claimed = record["fit"], record["paper"]
        if claimed is not None and claimed["agrees"] is False:
            paper.append(f"{objective} NŁ exponent {fit['exponent']:.6f} [{fit['low']:.6f}, {fit['high']:.6f}] "
                         f"against the paper's {claimed['claim']} {claimed['exponent']:.6f}: {claimed['verdict']}")
        if claimed is not None and claimed["bound_holds"] < record["points"]:
            paper.append(f"the paper's {objective} NŁ bound fails at {record['points'] - claimed['bound_holds']} "
                         f"of {record['points']} points")
    agreement, visited = row["fast_vs_symbolic"], row["fast_at_visited"]
    worst, reached = max(agreement["pi"], agreement["jacobian"], agreement["vjp"]), max(visited["pi"], visited["vjp"])
    kernels_differ = ((f"fast kernels differ from the SymPy definition by {worst:.3g}",) if worst > AGREEMENT else ())
    kernels_differ += ((f"fast kernels differ from the SymPy definition by {reached:.3g} (relative) at the NŁ "
                        f"points visited, |θ| from {visited['smallest']:.3g} to {visited['largest']:.3g}",)
                       if reached > AGREEMENT else ())
    verdicts = [TransformVerdict(name, "one NŁ exponent on every path", classes)]
    if any(record["paper"] is not None for _, record in nl):
        verdicts.append(TransformVerdict(name, "the paper's NŁ exponents and bounds", tuple(paper)))
    verdicts.append(TransformVerdict(name, f"fast kernels = SymPy definition (to {AGREEMENT:g})", kernels_differ))
    return tuple(verdicts)


def checks(result: BatteryResult) -> tuple[TransformVerdict, ...]:
    """Per transform: one NŁ exponent per objective on every path, the paper's exponents and bounds where it has
    them, fast kernels against the SymPy definition."""
    return tuple(v for row in result.rows for v in _verdicts(row))


def render(result: BatteryResult, folder: Path) -> tuple[Path, ...]:
    """Per transform, ``<name>/summary.json`` and the CSV data of its NŁ points, gravity well and damping."""
    paths: list[Path] = []
    for m in result.measured:
        sub = Path(folder) / _slug(m.transform.name)
        paths += [write_json(sub / "summary.json", m.row), *_write_data(sub, m.samples, m.well, m.damped)]
    return tuple(paths)


def publish(result: BatteryResult, *, out_dir: Path, docs_dir: Path) -> tuple[Path, ...]:
    """``docs_dir/transforms.md`` and its figures (``docs_dir/figures``), drawn from the measured traces."""
    docs_dir = Path(docs_dir)
    figures = draw_figures({m.transform.name: (m.samples, m.well, m.damped) for m in result.measured},
                           docs_dir / "figures")
    problems = [f"{v.transform}: {failure}" for v in checks(result) for failure in v.failures]
    page = render_page(result.rows, command=result.command, sizes=result.sizes,
                       data=os.path.relpath(out_dir, docs_dir), figures=[os.path.relpath(f, docs_dir) for f in figures],
                       windows=(FIT_WINDOW, FLOAT_WINDOW), agreement=AGREEMENT, problems=problems)
    return (*figures, atomic_write_text(docs_dir / "transforms.md", page))


def run_battery(names: Sequence[str | Transform], *, quick: bool, out_dir: Path, docs_dir: Path,
                seed: int = 0, progress: bool = True) -> StageOutput:
    """``escort battery``: the protocol of this module on ``names`` (built-in names, ``module:attr`` strings or
    :class:`Transform` objects); ``progress`` shows each step on stderr."""
    transforms = resolve(names)
    seed = check_seed(seed)
    return run_protocol(sys.modules[__name__], name="transforms", label="Transforms", quick=quick,
                        out_dir=Path(out_dir), docs_dir=Path(docs_dir), seed=seed, resume=False,
                        settings={"transforms": transforms, "progress": progress},
                        regenerate=battery_command(transforms, quick=quick))


def _announce(bar: tqdm, name: str) -> Callable[[str], None]:
    """A ``step`` callback that advances ``bar`` past the previous step and names the next one."""
    started = []

    def step(label: str) -> None:
        if started:
            bar.update()
        started.append(label)
        bar.set_description(f"battery {name}: {label}")

    return step


def _note(row: dict[str, Any]) -> str:
    """The transform's bullet: Jacobian symmetry, the NŁ exponents (or their path dependence), bad runs, damping."""
    parts = []
    for objective, record in row["nl"].items():
        fit = record["fit"]
        if fit is not None and len(fit["classes"]) > 1:
            parts.append(f"{objective} NŁ exponent path-dependent ({len(fit['classes'])} classes)")
        elif fit is not None and fit["exponent"] is not None:
            parts.append(f"{objective} NŁ exponent {fit['exponent']:.4f}")
    return (f"- battery `{row['name']}`: Jacobian {row['symmetry']['verdict']}; " + "; ".join(parts)
            + f"; {row['gravity_well']['bad_fraction']:.0%} bad runs; damping {row['damping']['verdict']}")
