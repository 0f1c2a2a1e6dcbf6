"""Question 1, Four-room half (reviewer 3): with sampled trajectories instead of exact gradients, does EPG still
avoid the sub-goal plateaus of Four-room?

REINFORCE of :mod:`numerics.engine.reinforce` on :func:`numerics.environments.gridworld.four_room` (goal 1.0, four sub-goals 0.7,
γ = 0.99) with tabular policies: each update averages the unbiased estimate

    ĝ = Σ_{t<T} ∇_θ log π(a_t|s_t)·(G_t − b(s_t)),   P(T > t) = γ^t,   E[ĝ] = ∂V^π(ρ)/∂θ,

over a few on-policy episodes, without a baseline (b = 0) or with the per-state running average of observed
returns. Each run has its own random start cell s₀ (ρ = δ_{s₀}, as in Fig. 5(c) read literally and question 7),
and SPG and EPG (p = 2) start from the same policy (:func:`numerics.environments.bandit.same_policy_starts`). Steps as
in Fig. 5(c): a multiple λ of each method's own theoretical step, SPG η = λ(1−γ)³/8 and EPG λ·η_t(s) of
Theorem 3; λ is taken from a grid per method and baseline by the lowest interquartile mean (IQM) of the final
normalised gap.

Measured exactly (:func:`numerics.environments.mdp.value`, :func:`numerics.environments.mdp.optimal_values`) at the recorded updates: the
normalised gap (V*(s₀) − V^{π_t}(s₀))/V*(s₀). A run has reached the goal if its final gap is ≤ 0.05
(:data:`~numerics.experiments.questions.neural_four_room.GOAL_GAP`): a policy that settles at a sub-goal keeps a gap near
0.2–0.3.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from foundation.artifacts import Checkpoint, write_csv
from numerics.analysis.check import Check
from numerics.experiments.protocol import Sizes
from numerics.environments.bandit import same_policy_starts
from numerics.experiments.figures.fig5 import P
from numerics.environments.gridworld import four_room
from numerics.environments.mdp import optimal_values
from numerics.engine.reinforce import run_reinforce
from numerics.experiments.questions.neural_four_room import GOAL_GAP
from numerics.experiments.questions.step_selection import StepSelection, select_step_multipliers
from numerics.reporting.section import Section, curve_figure
from numerics.analysis.aggregate import iqm_interval
from numerics.analysis.summary import compare, fmt, markdown_table

__all__ = ["FourRoomSamplesResult", "METHODS", "SIZES", "Settings", "checks", "measure", "render", "section"]

METHODS: tuple[tuple[str, str, str], ...] = (("SPG", "spg", "softmax"), ("EPG p=2", "epg", "escort"))
"""(label, algorithm of :func:`numerics.engine.reinforce.run_reinforce`, transform)."""
BASELINES = ("no baseline", "running-average baseline")
STALL = 0.01
"""A run short of the goal has stalled if its gap fell by less than this since the first recorded update ≥ U/2."""


@dataclass(frozen=True)
class Settings:
    """Sizes and step-multiplier grid (quick and full forms differ only here)."""

    runs: int
    updates: int
    episodes: int
    step_multipliers: tuple[float, ...]
    record_per_decade: int


SIZES = Sizes(
    quick=Settings(runs=8, updates=500, episodes=10, step_multipliers=(3e4, 1e5), record_per_decade=15),
    full=Settings(runs=40, updates=3000, episodes=10, step_multipliers=(3e4, 1e5, 3e5),
        record_per_decade=20),
)
"""Quick: 8 runs × 500 updates, λ ∈ {3e4, 1e5}; full: 40 runs × 3,000 updates, λ ∈ {3e4, 1e5, 3e5}.

Both average 10 episodes per update (~1,000 environment steps). In trial runs (20 runs, 2,000 updates) a
single episode per update left both methods far from the optimum (mean gap 0.3–0.5); with 10, both settle
within ~1,000 updates. The grid brackets the best multiplier: at 3e5 EPG ends far off (mean gap ~0.55), and
3e4 is the slowest start (mean gap ~0.72 after 200 updates, against ~0.35 at 1e5).
"""


def _unit(config: Settings, method: tuple[str, str, str], baseline: bool, scale: float, seed: int) -> dict:
    mdp, _ = four_room()
    starts = np.random.default_rng(seed).integers(0, mdp.n_states, size=config.runs)
    theta0 = same_policy_starts(np.random.default_rng([seed, 5]), (config.runs, mdp.n_states, mdp.n_actions), p=P)
    trajectory = run_reinforce(
        method[1], mdp, theta0[method[2]], np.eye(mdp.n_states)[starts], config.updates, p=P, step_scale=scale,
        baseline=baseline, episodes=config.episodes, record_per_decade=config.record_per_decade, seed=seed + 1,
    )
    gaps = trajectory.suboptimality / optimal_values(mdp)[starts][:, None]
    half = int(np.searchsorted(trajectory.steps, config.updates // 2))
    return {"steps": trajectory.steps.tolist(), "mean_suboptimality": gaps.mean(axis=0).tolist(),
            "final_gap": gaps[:, -1].tolist(), "half_step": int(trajectory.steps[half]),
            "half_gap": gaps[:, half].tolist()}


def _iqm_row(values: list[float]) -> tuple[float, float, float]:
    """IQM of the runs with its 95 % bootstrap interval (numerics.analysis.aggregate)."""
    interval = iqm_interval(values, seed=0)
    return interval.estimate, interval.low, interval.high


def _at_goal(unit: dict) -> int:
    return int(np.sum(np.array(unit["final_gap"]) <= GOAL_GAP))


def _stalled(unit: dict) -> int:
    """Runs short of the goal whose gap fell by less than STALL over (about) the second half of the updates."""
    final, half = np.array(unit["final_gap"]), np.array(unit["half_gap"])
    return int(np.sum((final > GOAL_GAP) & (final > half - STALL)))


def _conclusion(baseline: str, spg: dict, epg: dict, scales: tuple[float, float], config: Settings) -> str:
    at_goal = (_at_goal(spg), _at_goal(epg))
    short = [g for unit in (spg, epg) for g in unit["final_gap"] if g > GOAL_GAP]
    rest = (f"the other {config.runs - at_goal[1]} EPG and {config.runs - at_goal[0]} SPG runs ended with gaps from "
            f"{fmt(min(short))} to {fmt(max(short))}" if short else "no run ended short of the goal")
    return (
        f"- {baseline.capitalize()} (λ = {fmt(scales[0])} for SPG, {fmt(scales[1])} for EPG): EPG reached the goal "
        f"in {at_goal[1]} of {config.runs} runs and SPG in {at_goal[0]} of {config.runs}; {rest}; "
        + compare("SPG", spg["final_gap"], "EPG p=2", epg["final_gap"], quantity="final normalised gap").text + "."
    )


@dataclass(frozen=True)
class FourRoomSamplesResult:
    """Question 1 on Four-room measured: the step selection, one row per (method, baseline, λ) (the CSV's
    columns), the update at which 'stalled' starts counting and the conclusions."""

    quick: bool
    config: Settings
    selection: StepSelection
    rows: tuple[list, ...]
    half_step: int
    conclusions: tuple[str, ...]


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> FourRoomSamplesResult:
    """Measure every (method, baseline, λ) unit, select λ per (method, baseline), and compare the chosen units."""
    config = SIZES.pick(quick)
    selection = select_step_multipliers(
        partial(_unit, config, seed=seed), methods=METHODS, baselines=BASELINES, multipliers=config.step_multipliers,
        key=lambda method, baseline, scale: f"q1-four-room/{method}/{baseline}/lambda={scale:g}", score="final_gap",
        checkpoint=checkpoint, scope=config)
    units, selected = selection.units, selection.selected
    rows = [[name, baseline, scale, "yes" if selected[name, baseline] == scale else "no",
             *_iqm_row(unit["final_gap"]),
             _at_goal(unit), _stalled(unit), config.runs]
            for (name, baseline, scale), unit in units.items()]
    conclusions = tuple(
        _conclusion(baseline, *(selection.chosen(m[0], baseline) for m in METHODS),
                    tuple(selected[m[0], baseline] for m in METHODS), config)
        for baseline in BASELINES
    )
    return FourRoomSamplesResult(quick, config, selection, tuple(rows), next(iter(units.values()))["half_step"],
                                 conclusions)


def checks(result: FourRoomSamplesResult) -> tuple[Check, ...]:
    """None: the question is a reviewer's, not a claim of the paper (the comparison is the section's notes)."""
    return ()


def render(result: FourRoomSamplesResult, folder: Path) -> tuple[Path, ...]:
    """The rows (``question_sampled_actions_four_room.csv``) and the mean curves at the chosen λ (``.png``)."""
    data = write_csv(folder / "question_sampled_actions_four_room.csv",
                     ["method", "baseline", "step_scale", "selected", "final_gap_iqm", "final_gap_iqm_low", "final_gap_iqm_high",
                      "runs_at_goal", "runs_stalled", "runs"], result.rows)
    selected = result.selection.selected
    figure = curve_figure(
        folder / "question_sampled_actions_four_room.png", panels=[
            (baseline, [(f"{m[0]} (λ={selected[m[0], baseline]:g})", result.selection.chosen(m[0], baseline))
                        for m in METHODS])
            for baseline in BASELINES
        ], ylabel="mean (V*(s₀) − V(s₀)) / V*(s₀)", logy=False,
    )
    return data, figure


def section(result: FourRoomSamplesResult) -> Section:
    """The findings section: set-up, table and conclusions."""
    config = result.config
    table = markdown_table(
        ["method", "baseline", "λ", "selected", "final normalised gap: IQM [95 % interval]", f"reached the goal (gap ≤ {GOAL_GAP:g})",
         "stalled short of it"],
        [[r[0], r[1], r[2], r[3], f"{fmt(r[4])} [{fmt(r[5])}, {fmt(r[6])}]", f"{r[7]} of {r[9]}", f"{r[8]} of {r[9]}"]
         for r in result.rows],
    )
    return Section(
        title="Question 1 (Four-room): sampled trajectories (REINFORCE)",
        question="Reviewer 3: the experiments use exact gradients; does EPG still avoid the plateaus of Four-room "
                 "with sampled actions?",
        setup=(f"Four-room (γ = 0.99), tabular policies, {config.runs} runs, each from its own random start cell s₀ "
               f"and the same initial policy for both methods; {config.updates} updates, each averaging "
               f"{config.episodes} on-policy episodes of geometric length (mean 100 steps; unbiased for V(s₀)); "
               f"steps λ·(1−γ)³/8 (SPG) and λ·η_t(s) of Theorem 3 (EPG), λ from "
               f"{{{', '.join(map(fmt, config.step_multipliers))}}} chosen per method and baseline by the lowest "
               "IQM of the final gap. Gap = (V*(s₀) − V^{π_t}(s₀))/V*(s₀), computed exactly; 'reached the goal' = final "
               f"gap ≤ {GOAL_GAP:g} (a sub-goal keeps it near 0.2–0.3); 'stalled' = short of the goal with the gap "
               f"down by less than {STALL:g} since update {result.half_step}."),
        figure="question_sampled_actions_four_room.png", table=table, conclusions=result.conclusions,
    )
