"""Part 4 of the battery: run every check on every named transform, write the data, the figures and the report.

``escort battery NAME...`` calls :func:`run_battery`. For each transform it writes, under ``out_dir/<name>/``:
``summary.json`` (every number of the report's row, with the derivatives and exact witnesses), ``nl_points.csv``
(the sampled NŁ ratios and the paper's bound at each point), ``gravity_well.csv`` and ``damping.csv``
(trajectories at log-spaced iterations). ``out_dir/battery.json`` gathers the rows; ``battery.provenance.json``
holds versions, parameters and wall times, so that the data files are byte-identical for the same seed.
``docs_dir/transforms.md`` is the comparison table rendered from those rows, with figures in ``docs_dir/figures``.

All transforms share the seed: the same near-vertex paths, rewards and starting points, so the rows differ only
by the transform.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import numpy as np
from tqdm import tqdm

from foundation.artifacts import StageOutput, atomic_write_text, provenance, write_csv, write_json
from foundation.validation import InputError, check_seed
from numerics.experiments.battery import dynamics, symbolic
from numerics.experiments.battery.figures import draw_figures
from numerics.experiments.battery.markdown import render
from numerics.experiments.battery.nl_coefficient import (
    FIT_WINDOW, FLOAT_WINDOW, OBJECTIVES, NLSamples, PowerLawFit, claim_kind, fit_power_law, sample_nl,
)
from numerics.experiments.battery.sizes import SIZES, BatterySizes
from foundation.executor import sweep
from numerics.kernels.transform_kernels import kernels
from theory.transforms import Transform, check_transform, transform

__all__ = ["COMPARED", "battery_row", "paper_verdict", "run", "run_battery"]

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
    reached = well.hit_time[well.hit_time > 0]
    row["gravity_well"] = {
        "K": well.K, "runs": sizes.gravity_runs, "steps": well.steps, "step_size": well.step_size,
        "bad_fraction": well.bad_fraction, "hit_time": well.hit_time,
        "median_initial_optimal_probability": float(np.median(well.optimal_probability[:, 0])),
        "median_hit_time": float(np.median(reached)) if reached.size else None,
        "never_reached": int(np.sum(well.hit_time < 0)),
        **well.outcome(),
    }
    step(STEPS[4])
    damped = dynamics.damping(kernels(t, sizes.damping_K), K=sizes.damping_K, runs=sizes.damping_runs,
                              steps=sizes.damping_steps, rng=np.random.default_rng(seed))
    row["damping"] = {"K": damped.K, "runs": sizes.damping_runs, "steps": damped.steps,
                      "step_size": damped.step_size, **damped.rate()}
    return row, samples, well, damped


def _timed_row(t: Transform, sizes: BatterySizes, seed: int, progress: bool) -> tuple:
    """:func:`battery_row` and its wall time in seconds: one transform, one sweep unit (its progress bar, on the
    stderr of the process that runs it, names each step)."""
    start = time.perf_counter()
    bar = tqdm(total=len(STEPS), desc=f"battery {t.name}", unit="step", disable=not progress, file=sys.stderr)
    row, samples, well, damped = battery_row(t, sizes, seed=seed, step=_announce(bar, t.name))
    bar.update()
    bar.close()
    return row, samples, well, damped, round(time.perf_counter() - start, 2)


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


def run(*, quick: bool, out_dir: Path, docs_dir: Path, seed: int, resume: bool) -> StageOutput:
    """The registered experiment ``transforms``: the battery on :data:`COMPARED` (each transform is one sweep unit
    and takes seconds, so ``resume`` has no finished units to keep)."""
    return run_battery(list(COMPARED), quick=quick, out_dir=out_dir, docs_dir=docs_dir, seed=seed)


def run_battery(names: Sequence[str | Transform], *, quick: bool, out_dir: Path, docs_dir: Path,
                seed: int = 0, progress: bool = True) -> StageOutput:
    """Run the battery on ``names`` (built-in names, ``module:attr`` strings or :class:`Transform` objects) and
    write data, figures and ``docs_dir/transforms.md``; ``progress`` shows each step on stderr."""
    if isinstance(names, (str, Transform)) or not names:
        raise InputError("names must list at least one transform, e.g. ['softmax', 'escort:2']")
    seed = check_seed(seed)
    transforms = list({t.name: t for t in (transform(n) if isinstance(n, str) else check_transform(n)
                                           for n in names)}.values())
    sizes = SIZES.pick(quick)
    out_dir, docs_dir = Path(out_dir), Path(docs_dir)
    rows, paths, timings, traces = [], [], {}, {}
    measured = sweep([(t.name, partial(_timed_row, t, sizes, seed, progress)) for t in transforms])
    for t, (row, samples, well, damped, seconds) in zip(transforms, measured):
        folder = out_dir / _slug(t.name)
        paths += [write_json(folder / "summary.json", row), *_write_data(folder, samples, well, damped)]
        timings[t.name] = seconds
        rows.append(row)
        traces[t.name] = (samples, well, damped)
    paths.append(write_json(out_dir / "battery.json", {"sizes": sizes.__dict__, "seed": seed, "rows": rows}))
    command = "escort battery " + " ".join(t.name for t in transforms) + (" --quick" if quick else "")
    paths.append(write_json(out_dir / "battery.provenance.json", provenance(
        command=command, parameters={"names": [t.name for t in transforms], "quick": quick, "sizes": sizes.__dict__},
        seed=seed, wall_time=sum(timings.values())) | {"seconds_per_transform": timings}))
    figures = draw_figures(traces, docs_dir / "figures")
    headline, problems = _summary(rows)
    paths += figures
    paths.append(atomic_write_text(docs_dir / "transforms.md",
                                   render(rows, command=command, sizes=sizes, data=os.path.relpath(out_dir, docs_dir),
                                          figures=[os.path.relpath(f, docs_dir) for f in figures],
                                          windows=(FIT_WINDOW, FLOAT_WINDOW), agreement=AGREEMENT, problems=problems)))
    return StageOutput(name="battery", paths=tuple(paths), headline=headline, problems=problems)


def _announce(bar: tqdm, name: str) -> Callable[[str], None]:
    """A ``step`` callback that advances ``bar`` past the previous step and names the next one."""
    started = []

    def step(label: str) -> None:
        if started:
            bar.update()
        started.append(label)
        bar.set_description(f"battery {name}: {label}")

    return step


def _summary(rows: list[dict]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    headline, problems = [], []
    for row in rows:
        parts = []
        for objective, record in row["nl"].items():
            fit = record["fit"]
            if fit is not None and len(fit["classes"]) > 1:
                described = "; ".join(f"{c['exponent']:.6f} [{c['low']:.6f}, {c['high']:.6f}] on {len(c['paths'])} "
                                      f"paths ({c['condition'] or 'no recorded condition'})" for c in fit["classes"])
                problems.append(f"{row['name']}: warning: the {objective} NŁ exponent depends on the path, "
                                f"{len(fit['classes'])} classes: {described}")
                parts.append(f"{objective} NŁ exponent path-dependent ({len(fit['classes'])} classes)")
            elif fit is not None and fit["exponent"] is not None:
                parts.append(f"{objective} NŁ exponent {fit['exponent']:.4f}")
            paper = record["paper"]
            if paper is not None and paper["agrees"] is False:
                fit = record["fit"]
                problems.append(f"{row['name']}: {objective} NŁ exponent {fit['exponent']:.6f} "
                                f"[{fit['low']:.6f}, {fit['high']:.6f}] against the paper's {paper['claim']} "
                                f"{paper['exponent']:.6f}: {paper['verdict']}")
            if paper is not None and paper["bound_holds"] < record["points"]:
                problems.append(f"{row['name']}: the paper's {objective} NŁ bound fails at "
                                f"{record['points'] - paper['bound_holds']} of {record['points']} points")
        agreement, visited = row["fast_vs_symbolic"], row["fast_at_visited"]
        worst = max(agreement["pi"], agreement["jacobian"], agreement["vjp"])
        if worst > AGREEMENT:
            problems.append(f"{row['name']}: fast kernels differ from the SymPy definition by {worst:.3g}")
        if max(visited["pi"], visited["vjp"]) > AGREEMENT:
            problems.append(f"{row['name']}: fast kernels differ from the SymPy definition by "
                            f"{max(visited['pi'], visited['vjp']):.3g} (relative) at the NŁ points visited, "
                            f"|θ| from {visited['smallest']:.3g} to {visited['largest']:.3g}")
        headline.append(f"- battery `{row['name']}`: Jacobian {row['symmetry']['verdict']}; " + "; ".join(parts)
                        + f"; {row['gravity_well']['bad_fraction']:.0%} bad runs; damping {row['damping']['verdict']}")
    return tuple(headline), tuple(problems)
