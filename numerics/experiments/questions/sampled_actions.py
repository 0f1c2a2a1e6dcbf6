"""Question 1 (reviewer 3): with sampled actions instead of exact gradients, does EPG still avoid the plateaus?

REINFORCE on the trap bandit of :mod:`numerics.environments.trap`: each step every run samples one action
a ~ π_θ, observes r(a) and ascends the unbiased estimate

    ĝ = (r(a) − b)·∇_θ log π_θ(a),     E_{a∼π}[ĝ] = d(πᵀr)/dθ   (for any b not depending on a),

with the score ∇ log π(a) of :func:`numerics.engine.neural.heads.score` (softmax: e_a − π; escort: (p/θ) ⊙ (e_a − π)),
run by the one REINFORCE engine (:func:`numerics.engine.reinforce.run_bandit_reinforce`). Baselines: none (b = 0)
or a running average of observed rewards, b ← b + 0.05·(r(a) − b) (:data:`numerics.engine.reinforce.BANDIT_BASELINE`).

Step sizes. SPG: θ ← θ + η ĝ. EPG: θ ← u + η·η₀ ĝ(u) with u = θ/‖θ‖_p and Theorem 2's step at ‖u‖_p = 1,
η₀ = 2/(9p²K^{1/p}) (``BOUNDS['thm2-ascent'].step_size``), the same policies as Theorem 2's η_t (see the engine).
The multiplier η is taken from a grid, per method and baseline, by the lowest interquartile mean of the final
sub-optimality.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from foundation.artifacts import Checkpoint, write_csv
from numerics.analysis.check import Check
from numerics.experiments.protocol import Sizes
from numerics.experiments.questions.step_selection import StepSelection, select_step_multipliers
from numerics.reporting.section import Section, curve_figure
from numerics.analysis.aggregate import iqm_interval
from numerics.analysis.summary import compare, fmt, markdown_table
from numerics.analysis.first_hit import first_hit
from numerics.environments.trap import ESCAPE_LEVEL, parameters_for, trap_problem
from numerics.engine.reinforce import REINFORCE_ALGORITHMS, run_bandit_reinforce

__all__ = ["SIZES", "SampledActionsResult", "Settings", "checks", "measure", "render", "section"]

METHODS: tuple[tuple[str, str, float], ...] = (("SPG", "spg", 1.0), ("EPG p=2", "epg", 2.0))
"""(label, algorithm of :func:`numerics.engine.reinforce.run_bandit_reinforce`, p)."""
BASELINES = ("no baseline", "running-average baseline")


@dataclass(frozen=True)
class Settings:
    """Sizes and step-size grid of the REINFORCE study (quick and full forms differ only here)."""

    K: int
    runs: int
    steps: int
    optimal_probability: float
    step_multipliers: tuple[float, ...]
    record_every: int


SIZES = Sizes(
    quick=Settings(K=10, runs=16, steps=1200, optimal_probability=0.01, step_multipliers=(0.3, 1.0),
        record_every=30),
    full=Settings(K=10, runs=50, steps=10000, optimal_probability=0.01, step_multipliers=(0.1, 0.3, 1.0, 3.0),
        record_every=100),
)
"""Quick: 16 runs × 1,200 steps, η ∈ {0.3, 1}; full: 50 runs × 10,000 steps, η ∈ {0.1, 0.3, 1, 3}."""


def _unit(config: Settings, method: tuple[str, str, float], baseline: bool, eta: float, seed: int) -> dict:
    problem = trap_problem(config.K, runs=config.runs, optimal_probability=config.optimal_probability,
                           rng=np.random.default_rng(seed))
    steps, gaps, optimal = run_bandit_reinforce(
        method[1], problem.rewards,
        parameters_for(problem.initial_policy, transform=REINFORCE_ALGORITHMS[method[1]].transform, p=method[2]),
        config.steps, p=method[2], baseline=baseline, eta=eta, record_every=config.record_every,
        rng=np.random.default_rng(seed + 1),
    )
    return {"steps": steps.tolist(), "mean_suboptimality": gaps.mean(axis=0).tolist(),
            "final_suboptimality": gaps[:, -1].tolist(), "escape": first_hit(optimal, steps, level=ESCAPE_LEVEL).tolist()}


@dataclass(frozen=True)
class SampledActionsResult:
    """Question 1 measured: the step selection, one row per (method, baseline, η) (the CSV's columns) and the
    conclusions."""

    quick: bool
    config: Settings
    selection: StepSelection
    rows: tuple[list, ...]
    conclusions: tuple[str, ...]


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> SampledActionsResult:
    """Measure every (method, baseline, η) unit, select η per (method, baseline), and compare the chosen units."""
    config = SIZES.pick(quick)
    selection = select_step_multipliers(
        partial(_unit, config, seed=seed), methods=METHODS, baselines=BASELINES, multipliers=config.step_multipliers,
        key=lambda method, baseline, eta: f"q1/{method}/{baseline}/eta={eta:g}", score="final_suboptimality",
        checkpoint=checkpoint, scope=config)
    units, selected = selection.units, selection.selected
    rows = []
    for (name, baseline, eta), unit in units.items():
        escape = np.array(unit["escape"], dtype=float)
        final = iqm_interval(unit["final_suboptimality"], seed=0)
        rows.append([name, baseline, eta, "yes" if selected[name, baseline] == eta else "no",
                     final.estimate, final.low, final.high,
                     int(np.isfinite(escape).sum()), config.runs,
                     float(np.nanmedian(escape)) if np.isfinite(escape).any() else "never"])
    conclusions = []
    for baseline in BASELINES:
        spg, epg = (selection.chosen(m[0], baseline) for m in METHODS)
        escaped = [int(np.isfinite(np.array(u["escape"], dtype=float)).sum()) for u in (spg, epg)]
        verdict = ("EPG escaped in more runs than SPG" if escaped[1] > escaped[0]
                   else "EPG escaped in no more runs than SPG")
        conclusions.append(
            f"- {baseline.capitalize()}: π_t(a*) reached 1/2 within {config.steps} steps in {escaped[1]} of "
            f"{config.runs} EPG runs and {escaped[0]} of {config.runs} SPG runs ({verdict}); "
            + compare("SPG", spg["final_suboptimality"], "EPG p=2", epg["final_suboptimality"],
                      quantity="final sub-optimality").text + "."
        )
    return SampledActionsResult(quick, config, selection, tuple(rows), tuple(conclusions))


def checks(result: SampledActionsResult) -> tuple[Check, ...]:
    """None: the question is a reviewer's, not a claim of the paper (the comparison is the section's notes)."""
    return ()


def render(result: SampledActionsResult, folder: Path) -> tuple[Path, ...]:
    """The rows (``question_sampled_actions.csv``) and the mean curves at the chosen η (``.png``) in ``folder``."""
    data = write_csv(folder / "question_sampled_actions.csv",
                     ["method", "baseline", "eta", "selected", "final_suboptimality_iqm", "final_suboptimality_iqm_low",
                      "final_suboptimality_iqm_high",
                      "runs_escaped", "runs", "median_escape_step"], result.rows)
    selected = result.selection.selected
    figure = curve_figure(
        folder / "question_sampled_actions.png", panels=[
            (baseline, [(f"{m[0]} (η={selected[m[0], baseline]:g})", result.selection.chosen(m[0], baseline))
                        for m in METHODS])
            for baseline in BASELINES
        ], ylabel="mean sub-optimality (π* − π)ᵀr",
    )
    return data, figure


def section(result: SampledActionsResult) -> Section:
    """The findings section: set-up, table and conclusions."""
    config = result.config
    table = markdown_table(
        ["method", "baseline", "η", "selected", "final sub-optimality: IQM [95 % interval]", "escaped",
         "median escape step"],
        [[r[0], r[1], r[2], r[3], f"{fmt(r[4])} [{fmt(r[5])}, {fmt(r[6])}]", f"{r[7]} of {r[8]}",
          r[9] if isinstance(r[9], str) else fmt(r[9])] for r in result.rows],
    )
    return Section(
        title="Question 1: sampled actions (REINFORCE)",
        question="Reviewer 3: the experiments use exact gradients; does EPG still avoid the plateaus with "
                 "sampled actions?",
        setup=(f"K = {config.K}, {config.runs} runs with random rewards (r(a*) = 1, others U[0, 0.9]), started at "
               f"π₁(a*) = {config.optimal_probability:g} with 0.9 on the best suboptimal action; one sampled action "
               f"per step, {config.steps} steps; η from {{{', '.join(map(fmt, config.step_multipliers))}}} chosen per "
               "method and baseline by the lowest interquartile mean (IQM) of the final sub-optimality. 'Escaped' = π_t(a*) ≥ 1/2."),
        figure="question_sampled_actions.png", table=table, conclusions=result.conclusions,
    )
