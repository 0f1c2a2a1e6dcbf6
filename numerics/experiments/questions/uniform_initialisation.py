"""Question 6 (reviewer 2): with the common uniform initialisation π₁ = 1/K, how much of the gravity well remains?

Theorem 1 needs an initialisation near a suboptimal corner; the uniform policy is as far from every corner as
possible. The well can still form on the way: SPG's update of θ(a) is π(a)(r(a) − πᵀr), so an action that is
good but not the best grows first and can capture the policy before a* does. This module runs SPG (η = 0.4, the
paper's) and EPG p = 2 (Theorem 2's step) from π₁ = 1/K (θ₁ = 0 for softmax, θ₁ = 1 for the escort) on random
rewards (r(a*) = 1, others U[0, 0.9]) and measures t_ε, the first recorded step with (π* − π_t)ᵀr ≤ ε = 0.01:
its median and its 90th percentile (the slow tail, where a plateau would show), per K.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from foundation.artifacts import Checkpoint, write_csv
from numerics.analysis.check import Check
from numerics.experiments.protocol import Sizes
from numerics.engine import run_bandit
from numerics.reporting.section import Section, curve_figure
from numerics.analysis.summary import censored_quantile, fmt, markdown_table
from numerics.analysis.first_hit import first_hit
from numerics.environments.trap import parameters_for, uniform_problem
from foundation.executor import sweep

__all__ = ["SIZES", "Settings", "UniformResult", "checks", "measure", "render", "section"]

EPSILON = 0.01
METHODS = (("SPG η=0.4", "spg", "softmax"), ("EPG p=2", "epg", "escort"))


@dataclass(frozen=True)
class Settings:
    """Numbers of actions and run sizes (quick and full forms differ only here)."""

    actions: tuple[int, ...]
    runs: int
    steps: int
    record_every: int


SIZES = Sizes(
    quick=Settings(actions=(10, 100), runs=12, steps=3000, record_every=10),
    full=Settings(actions=(10, 100, 1000), runs=12, steps=20_000, record_every=20),
)
"""Quick: K ∈ {10, 100}, 12 runs, 3,000 steps; full: K ∈ {10, 100, 1000}, 12 runs, 20,000 steps."""


def _unit(config: Settings, K: int, algorithm: str, transform: str, seed: int) -> dict:
    problem = uniform_problem(K, runs=config.runs, rng=np.random.default_rng([seed, K]))
    theta = parameters_for(problem.initial_policy, transform=transform, p=2.0)
    trajectory = run_bandit(algorithm, theta, problem.rewards, config.steps, p=2.0, eta=0.4,
                            record_every=config.record_every, backend="compiled")
    steps = np.asarray(trajectory.steps)
    return {"steps": steps.tolist(), "mean_suboptimality": trajectory.suboptimality.mean(axis=0).tolist(),
            "steps_to_epsilon": first_hit(trajectory.suboptimality, steps, level=EPSILON, below=True).tolist()}


@dataclass(frozen=True)
class UniformResult:
    """Question 6 measured: the mean curves per (K, method), one row per (K, method) (the CSV's columns) and the
    conclusions."""

    quick: bool
    config: Settings
    curves: dict[tuple[int, str], dict]
    rows: tuple[list, ...]
    conclusions: tuple[str, ...]


def _steps_text(value: float, config: Settings) -> str:
    return fmt(value) if np.isfinite(value) else f"> {config.steps}"


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> UniformResult:
    """SPG and EPG from the uniform policy: steps to ε per K, median and 90th percentile."""
    config = SIZES.pick(quick)
    grid = [(K, label, algorithm, transform) for K in config.actions for label, algorithm, transform in METHODS]
    values = sweep([(f"q6/K={K}/{label}", partial(_unit, config, K, algorithm, transform, seed))
                    for K, label, algorithm, transform in grid], checkpoint=checkpoint, scope=config)
    units = {(K, label): value for (K, label, _, _), value in zip(grid, values)}
    rows = []
    for (K, label), unit in units.items():
        reached = np.isfinite(np.array(unit["steps_to_epsilon"], dtype=float))
        rows.append([K, label, int(reached.sum()), config.runs, censored_quantile(unit["steps_to_epsilon"], 0.5),
                     censored_quantile(unit["steps_to_epsilon"], 0.9)])
    conclusions = []
    for K in config.actions:
        spg, epg = ([r for r in rows if r[0] == K and r[1] == label][0] for label, _, _ in METHODS)
        tails = np.nan_to_num([spg[5], epg[5]], nan=np.inf)
        ratio = tails[0] / tails[1] if np.all(np.isfinite(tails)) else float("nan")
        slower = ("beyond the step budget for both" if np.all(np.isinf(tails))
                  else "slower" if tails[0] > tails[1] else "not slower")
        conclusions.append(
            f"- K = {K}: SPG reached ε = {EPSILON:g} in {spg[2]} of {config.runs} runs (median "
            f"{_steps_text(spg[4], config)}, 90th percentile {_steps_text(spg[5], config)} steps), EPG in {epg[2]} of "
            f"{config.runs} (median {_steps_text(epg[4], config)}, 90th percentile {_steps_text(epg[5], config)}); "
            f"SPG's slow tail is {slower}"
            + ("" if np.all(np.isinf(tails)) else " than EPG's")
            + (f" (ratio {fmt(ratio)})." if np.isfinite(ratio) else ".")
        )
    return UniformResult(quick, config, units, tuple(rows), tuple(conclusions))


def checks(result: UniformResult) -> tuple[Check, ...]:
    """None: the question is a reviewer's, not a claim of the paper (the comparison is the section's notes)."""
    return ()


def render(result: UniformResult, folder: Path) -> tuple[Path, ...]:
    """The rows (``question_uniform_initialisation.csv``) and the mean curves (``.png``) in ``folder``."""
    data = write_csv(folder / "question_uniform_initialisation.csv",
                     ["K", "method", "runs_reaching_epsilon", "runs", "median_steps", "p90_steps"], result.rows)
    figure = curve_figure(
        folder / "question_uniform_initialisation.png",
        panels=[(f"K = {K}, π₁ = 1/K", [(label, result.curves[K, label]) for label, _, _ in METHODS])
                for K in result.config.actions],
        ylabel="mean sub-optimality (π* − π_t)ᵀr",
    )
    return data, figure


def section(result: UniformResult) -> Section:
    """The findings section: set-up, table and conclusions."""
    config = result.config
    table = markdown_table(
        ["K", "method", f"reached ε = {EPSILON:g}", "median steps", "90th percentile steps"],
        [[r[0], r[1], f"{r[2]} of {r[3]}", _steps_text(r[4], config), _steps_text(r[5], config)]
         for r in result.rows],
    )
    return Section(
        title="Question 6: uniform initialisation",
        question="Reviewer 2: it is common practice to start from π = 1/K; how much of the gravity well remains?",
        setup=(f"SPG (η = 0.4) and EPG p = 2 from π₁ = 1/K, K ∈ {{{', '.join(map(str, config.actions))}}}, "
               f"{config.runs} runs of random rewards, at most {config.steps} steps; t_ε = first step with "
               f"sub-optimality ≤ {EPSILON:g} (runs that never got there count as slower than any that did)."),
        figure="question_uniform_initialisation.png", table=table, conclusions=result.conclusions,
    )
