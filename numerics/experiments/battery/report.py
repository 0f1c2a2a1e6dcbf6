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
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from foundation.artifacts import StageOutput, atomic_write_text, provenance, write_csv, write_json
from foundation.validation import InputError, check_seed
from numerics.experiments.battery import dynamics, symbolic
from numerics.experiments.battery.figures import draw_figures
from numerics.kernels.transform_kernels import kernels
from numerics.experiments.battery.markdown import render
from numerics.experiments.battery.sizes import Sizes
from numerics.experiments.battery.nl_coefficient import FIT_WINDOW, OBJECTIVES, ROUNDING, NLSamples, fit_power_law, sample_nl
from theory.transforms import Transform, transform

__all__ = ["battery_row", "run_battery"]

AGREEMENT = 1e-9
"""Largest |fast − SymPy| (π, Jacobian and Jᵀw entries, O(1) at the test points) accepted as agreement."""


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _fit_record(samples: NLSamples, rng: np.random.Generator, resamples: int) -> dict:
    fit = fit_power_law(samples.x, samples.ratio, samples.path, rng=rng, resamples=resamples)
    record: dict = {
        "points": int(len(samples.x)),
        "exits": samples.exits,
        "exit_ratio": samples.exit_ratio,
        "exit_gradient_astar": samples.exit_gradient,
        "empty_paths": samples.empty_paths,
        "fit": None if fit is None else fit.__dict__,
        "paper": None,
    }
    if samples.bound is not None:
        paper = fit_power_law(samples.x, samples.bound, samples.path, rng=rng, resamples=resamples)
        tolerance = ROUNDING * np.finfo(float).eps / samples.x
        record["paper"] = {
            "exponent": None if paper is None else paper.exponent,
            "bound_holds": int(np.sum(samples.ratio >= samples.bound * (1 - tolerance))),
            "agrees": None if fit is None or paper is None else fit.contains(paper.exponent),
        }
    return record


def battery_row(
    t: Transform, sizes: Sizes, *, seed: int
) -> tuple[dict, dict[str, NLSamples], dynamics.GravityWell, dynamics.Damping]:
    """Everything the battery measures for one transform: (summary row, NŁ samples, gravity well, damping).

    A map found 0-homogeneous (π(cθ) = π(θ)) without a declared ``invariant_norm`` is measured at ‖θ‖_2 = 1 with
    the step sizes of a 0-homogeneous map: otherwise the growth of ‖θ‖ along a path would enter its NŁ exponent.
    """
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
    for objective in OBJECTIVES:
        samples[objective] = sample_nl(kern, objective, K=sizes.nl_K, paths=sizes.nl_paths,
                                       rng=np.random.default_rng(seed))
        row["nl"][objective] = _fit_record(samples[objective], np.random.default_rng(seed), sizes.resamples)
    well = dynamics.gravity_well(kernels(t, sizes.gravity_K), K=sizes.gravity_K, runs=sizes.gravity_runs,
                                 steps=sizes.gravity_steps, rng=np.random.default_rng(seed))
    reached = well.hit_time[well.hit_time > 0]
    row["gravity_well"] = {
        "K": well.K, "runs": sizes.gravity_runs, "steps": well.steps, "step_size": well.step_size,
        "bad_fraction": well.bad_fraction, "hit_time": well.hit_time,
        "median_initial_optimal_probability": float(np.median(well.optimal_probability[:, 0])),
        "median_hit_time": float(np.median(reached)) if reached.size else None,
        "never_reached": int(np.sum(well.hit_time < 0)),
    }
    damped = dynamics.damping(kernels(t, sizes.damping_K), K=sizes.damping_K, runs=sizes.damping_runs,
                              steps=sizes.damping_steps, rng=np.random.default_rng(seed))
    row["damping"] = {"K": damped.K, "runs": sizes.damping_runs, "steps": damped.steps,
                      "step_size": damped.step_size, **damped.rate()}
    return row, samples, well, damped


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


def run_battery(names: Sequence[str], *, quick: bool, out_dir: Path, docs_dir: Path, seed: int = 0) -> StageOutput:
    """Run the battery on the transforms ``names`` and write data, figures and ``docs_dir/transforms.md``."""
    if not names:
        raise InputError("names must list at least one transform, e.g. 'softmax escort:2'")
    seed = check_seed(seed)
    transforms = list({t.name: t for t in (transform(n) for n in names)}.values())
    sizes = Sizes.of(quick)
    out_dir, docs_dir = Path(out_dir), Path(docs_dir)
    rows, paths, timings, traces = [], [], {}, {}
    for t in transforms:
        start = time.perf_counter()
        row, samples, well, damped = battery_row(t, sizes, seed=seed)
        folder = out_dir / _slug(t.name)
        paths += [write_json(folder / "summary.json", row), *_write_data(folder, samples, well, damped)]
        timings[t.name] = round(time.perf_counter() - start, 2)
        rows.append(row)
        traces[t.name] = (samples, well, damped)
    paths.append(write_json(out_dir / "battery.json", {"sizes": sizes.__dict__, "seed": seed, "rows": rows}))
    command = "escort battery " + " ".join(names) + (" --quick" if quick else "")
    paths.append(write_json(out_dir / "battery.provenance.json", provenance(
        command=command, parameters={"names": list(names), "quick": quick, "sizes": sizes.__dict__},
        seed=seed, wall_time=sum(timings.values())) | {"seconds_per_transform": timings}))
    figures = draw_figures(traces, docs_dir / "figures")
    headline, problems = _summary(rows)
    paths += figures
    paths.append(atomic_write_text(docs_dir / "transforms.md",
                                   render(rows, command=command, sizes=sizes, data=os.path.relpath(out_dir, docs_dir),
                                          figures=[os.path.relpath(f, docs_dir) for f in figures],
                                          window=FIT_WINDOW, agreement=AGREEMENT, problems=problems)))
    return StageOutput(name="battery", paths=tuple(paths), headline=headline, problems=problems)


def _summary(rows: list[dict]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    headline, problems = [], []
    for row in rows:
        parts = []
        for objective, record in row["nl"].items():
            if record["fit"] is not None:
                parts.append(f"{objective} NŁ exponent {record['fit']['exponent']:.4f}")
            paper = record["paper"]
            if paper is not None and paper["agrees"] is False:
                problems.append(f"{row['name']}: {objective} NŁ exponent {record['fit']['exponent']:.5f} outside the "
                                f"95% interval of the paper's {paper['exponent']:.5f}")
            if paper is not None and paper["bound_holds"] < record["points"]:
                problems.append(f"{row['name']}: the paper's {objective} NŁ bound fails at "
                                f"{record['points'] - paper['bound_holds']} of {record['points']} points")
        agreement = row["fast_vs_symbolic"]
        worst = max(agreement["pi"], agreement["jacobian"], agreement["vjp"])
        if worst > AGREEMENT:
            problems.append(f"{row['name']}: fast kernels differ from the SymPy definition by {worst:.3g}")
        headline.append(f"- battery `{row['name']}`: Jacobian {row['symmetry']['verdict']}; " + "; ".join(parts)
                        + f"; {row['gravity_well']['bad_fraction']:.0%} bad runs; damping {row['damping']['verdict']}")
    return tuple(headline), tuple(problems)
