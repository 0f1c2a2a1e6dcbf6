"""Question 1 (reviewer 3): with sampled actions instead of exact gradients, does EPG still avoid the plateaus?

REINFORCE on the trap bandit of :mod:`numerics.environments.trap`: each step every run samples one action
a ~ π_θ, observes r(a) and ascends the unbiased estimate

    ĝ = (r(a) − b)·∇_θ log π_θ(a),     E_{a∼π}[ĝ] = d(πᵀr)/dθ   (for any b not depending on a),

with the score ∇ log π(a) of :func:`numerics.engine.neural.heads.score` (softmax: e_a − π; escort: (p/θ) ⊙ (e_a − π)).
Baselines: none (b = 0) or a running average of observed rewards, b ← b + 0.05·(r(a) − b).

Step sizes. SPG: θ ← θ + η ĝ. EPG: θ ← u + η·η₀ ĝ(u) with u = θ/‖θ‖_p and Theorem 2's step at ‖u‖_p = 1,
η₀ = 2/(9p²K^{1/p}) (``BOUNDS['thm2-ascent'].step_size``): the same policies as η_t = η·2‖θ_t‖_p²/(9p²K^{1/p})
because ĝ is homogeneous of degree −1 in θ and π of degree 0 (Algorithm 2 / Lemma 9 of the paper). The
multiplier η is taken from a grid, per method and baseline, by the lowest interquartile mean of the final
sub-optimality.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import sympy as sp

from foundation.artifacts import Checkpoint, write_csv
from numerics.environments.bandit import suboptimality
from numerics.engine.neural.heads import score
from numerics.reporting.section import Section, curve_figure
from numerics.analysis.aggregate import interquartile_mean, iqm_interval
from numerics.analysis.summary import compare, fmt, markdown_table
from numerics.analysis.first_hit import first_hit
from numerics.environments.trap import ESCAPE_LEVEL, parameters_for, trap_problem
from numerics.kernels.transforms import p_norm, policy
from foundation.executor import sweep
from theory.definitions import P
from theory.statements import BOUNDS, K_SYM, NORM

__all__ = ["Settings", "run", "settings"]

METHODS: tuple[tuple[str, str, float], ...] = (("SPG", "softmax", 1.0), ("EPG p=2", "escort", 2.0))
BASELINES = ("no baseline", "running-average baseline")
_BASELINE_RATE = 0.05
_THEOREM2_STEP = sp.lambdify((NORM, P, K_SYM), BOUNDS["thm2-ascent"].step_size, "numpy")


@dataclass(frozen=True)
class Settings:
    """Sizes and step-size grid of the REINFORCE study (quick and full forms differ only here)."""

    K: int
    runs: int
    steps: int
    optimal_probability: float
    step_multipliers: tuple[float, ...]
    record_every: int


def settings(quick: bool) -> Settings:
    """Quick: 16 runs × 1,200 steps, η ∈ {0.3, 1}; full: 50 runs × 10,000 steps, η ∈ {0.1, 0.3, 1, 3}."""
    if quick:
        return Settings(K=10, runs=16, steps=1200, optimal_probability=0.01, step_multipliers=(0.3, 1.0),
                        record_every=30)
    return Settings(K=10, runs=50, steps=10000, optimal_probability=0.01, step_multipliers=(0.1, 0.3, 1.0, 3.0),
                    record_every=100)


def reinforce(
    rewards: np.ndarray, initial_policy: np.ndarray, *, transform: str, p: float, baseline: bool, eta: float,
    steps: int, record_every: int, rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run REINFORCE on every row; return (recorded steps, sub-optimality (R, T'), π_t(a*) (R, T'))."""
    runs, K = rewards.shape
    theta = parameters_for(initial_policy, transform=transform, p=p)
    rate = eta if transform == "softmax" else eta * float(_THEOREM2_STEP(1.0, p, K))
    b = np.zeros((runs, 1))
    recorded, gaps, optimal = [], [], []
    for t in range(steps + 1):
        pi = policy(theta, transform=transform, p=p)
        if t % record_every == 0:
            recorded.append(t)
            gaps.append(suboptimality(pi, rewards))
            optimal.append(pi[:, 0])
        if t == steps:
            break
        actions = np.minimum((rng.random((runs, 1)) > np.cumsum(pi, axis=1)).sum(axis=1), K - 1)
        reward = rewards[np.arange(runs), actions][:, None]
        theta = theta + rate * (reward - b) * score(theta, actions, transform=transform, p=p)
        if transform == "escort":
            theta = theta / p_norm(theta, p)[:, None]
        if baseline:
            b += _BASELINE_RATE * (reward - b)
    return np.array(recorded), np.array(gaps).T, np.array(optimal).T


def _unit(config: Settings, method: tuple[str, str, float], baseline: bool, eta: float, seed: int) -> dict:
    problem = trap_problem(config.K, runs=config.runs, optimal_probability=config.optimal_probability,
                           rng=np.random.default_rng(seed))
    steps, gaps, optimal = reinforce(
        problem.rewards, problem.initial_policy, transform=method[1], p=method[2], baseline=baseline, eta=eta,
        steps=config.steps, record_every=config.record_every, rng=np.random.default_rng(seed + 1),
    )
    return {"steps": steps.tolist(), "mean_suboptimality": gaps.mean(axis=0).tolist(),
            "final_suboptimality": gaps[:, -1].tolist(), "escape": first_hit(optimal, steps, level=ESCAPE_LEVEL).tolist()}


def run(*, quick: bool, seed: int, out_dir: Path, figures_dir: Path, checkpoint: Checkpoint) -> Section:
    """Measure every (method, baseline, η) unit, select η per (method, baseline), and write the section."""
    config = settings(quick)
    grid = [(method, baseline, baseline_name, eta) for method in METHODS
            for baseline, baseline_name in enumerate(BASELINES) for eta in config.step_multipliers]
    values = sweep([(f"q1/{method[0]}/{name}/eta={eta:g}", partial(_unit, config, method, bool(baseline), eta, seed))
                    for method, baseline, name, eta in grid], checkpoint=checkpoint, scope=config)
    units = {(method[0], name, eta): value for (method, _, name, eta), value in zip(grid, values)}
    selected = {
        (m[0], b): min(config.step_multipliers, key=lambda e: interquartile_mean(units[m[0], b, e]["final_suboptimality"]))
        for m in METHODS for b in BASELINES
    }
    rows = []
    for (name, baseline, eta), unit in units.items():
        escape = np.array(unit["escape"], dtype=float)
        final = iqm_interval(unit["final_suboptimality"], seed=0)
        rows.append([name, baseline, eta, "yes" if selected[name, baseline] == eta else "no",
                     final.estimate, final.low, final.high,
                     int(np.isfinite(escape).sum()), config.runs,
                     float(np.nanmedian(escape)) if np.isfinite(escape).any() else "never"])
    data = write_csv(out_dir / "question_sampled_actions.csv",
                     ["method", "baseline", "eta", "selected", "final_suboptimality_iqm", "final_suboptimality_iqm_low",
                      "final_suboptimality_iqm_high",
                      "runs_escaped", "runs", "median_escape_step"], rows)
    figure = figures_dir / "question_sampled_actions.png"
    curve_figure(
        figure, panels=[
            (baseline, [(f"{m[0]} (η={selected[m[0], baseline]:g})", units[m[0], baseline, selected[m[0], baseline]])
                        for m in METHODS])
            for baseline in BASELINES
        ], ylabel="mean sub-optimality (π* − π)ᵀr",
    )
    conclusions = []
    for baseline in BASELINES:
        spg, epg = (units[m[0], baseline, selected[m[0], baseline]] for m in METHODS)
        escaped = [int(np.isfinite(np.array(u["escape"], dtype=float)).sum()) for u in (spg, epg)]
        verdict = ("EPG escaped in more runs than SPG" if escaped[1] > escaped[0]
                   else "EPG escaped in no more runs than SPG")
        conclusions.append(
            f"- {baseline.capitalize()}: π_t(a*) reached 1/2 within {config.steps} steps in {escaped[1]} of "
            f"{config.runs} EPG runs and {escaped[0]} of {config.runs} SPG runs ({verdict}); "
            + compare("SPG", spg["final_suboptimality"], "EPG p=2", epg["final_suboptimality"],
                      quantity="final sub-optimality") + "."
        )
    table = markdown_table(
        ["method", "baseline", "η", "selected", "final sub-optimality: IQM [95 % interval]", "escaped",
         "median escape step"],
        [[r[0], r[1], r[2], r[3], f"{fmt(r[4])} [{fmt(r[5])}, {fmt(r[6])}]", f"{r[7]} of {r[8]}",
          r[9] if isinstance(r[9], str) else fmt(r[9])] for r in rows],
    )
    return Section(
        title="Question 1: sampled actions (REINFORCE)",
        question="Reviewer 3: the experiments use exact gradients; does EPG still avoid the plateaus with "
                 "sampled actions?",
        setup=(f"K = {config.K}, {config.runs} runs with random rewards (r(a*) = 1, others U[0, 0.9]), started at "
               f"π₁(a*) = {config.optimal_probability:g} with 0.9 on the best suboptimal action; one sampled action "
               f"per step, {config.steps} steps; η from {{{', '.join(map(fmt, config.step_multipliers))}}} chosen per "
               "method and baseline by the lowest interquartile mean (IQM) of the final sub-optimality. 'Escaped' = π_t(a*) ≥ 1/2."),
        figure=figure.name, table=table, conclusions=tuple(conclusions), data=(data,),
    )
