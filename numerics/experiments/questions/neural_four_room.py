"""Question 7 (reviewer 3, Fig. 5c): a neural Four-room policy, with Adam as in the paper and with plain
gradient descent, which is what the theory covers.

The policy is the 64-unit ReLU network of :mod:`numerics.engine.neural.four_room`; its gradient is exact (exact
V^{π_θ}(ρ) and dV/dΘ from :mod:`numerics.environments.mdp`, back-propagated through the network). Four-room is
:func:`numerics.environments.gridworld.four_room` (goal 1.0, four sub-goals 0.7, γ = 0.99). Each run draws a start cell s₀
(ρ = δ_{s₀}, as in the paper) and measures the normalised gap

    (V*(s₀) − V^{π_t}(s₀)) / V*(s₀)

over the steps. A run counts as having reached the goal if its final gap is ≤ 0.05: a policy that settles at a
sub-goal keeps a gap near 0.3 (the sub-goal pays 0.7 of the goal's reward), one that settles at the goal a gap
near 0, so the level separates the two outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from foundation.artifacts import Checkpoint, write_csv
from numerics.analysis.check import Check
from numerics.experiments.protocol import Sizes
from numerics.environments.gridworld import four_room
from numerics.environments.mdp import optimal_values
from numerics.engine.neural.four_room import state_features, train
from numerics.reporting.section import Section, curve_figure
from numerics.analysis.aggregate import Interval, iqm_interval
from numerics.analysis.summary import compare, interval_text, markdown_table
from foundation.executor import sweep

__all__ = ["GOAL_GAP", "METHODS", "NeuralFourRoomResult", "SIZES", "Settings", "checks", "measure", "render",
           "section"]

GOAL_GAP = 0.05
METHODS: tuple[tuple[str, str, str, float], ...] = (
    ("SPG + Adam", "softmax", "adam", 0.01),
    ("EPG p=2 + Adam", "escort", "adam", 0.01),
    ("SPG + GD", "softmax", "gd", 0.01),
    ("EPG p=2 + GD", "escort", "gd", 0.01),
)
"""(label, transform, optimiser, learning rate); the escort uses p = 2."""


@dataclass(frozen=True)
class Settings:
    """Features, start cells and steps (quick and full forms differ only here)."""

    features: tuple[str, ...]
    runs: int
    steps: int
    record_every: int


SIZES = Sizes(
    quick=Settings(features=("one-hot",), runs=3, steps=80, record_every=10),
    full=Settings(features=("one-hot", "coordinates"), runs=20, steps=600, record_every=10),
)
"""Quick: one-hot features, 3 start cells, 80 steps; full: one-hot and coordinates, 20 cells, 600 steps.

Full-form sizes: with 6 cells (the earlier form) a difference of one run at the goal was 17 % of the runs; with
coordinate features and plain gradient descent the gap was still falling at step 400.
"""


def _unit(
    config: Settings, features: str, method: tuple[str, str, str, float], start: int, seed: int,
) -> dict:
    mdp, layout = four_room()
    optimal = optimal_values(mdp)[start]
    run = train(mdp, np.eye(mdp.n_states)[start], state_features(features, layout.cells),
                transform=method[1], p=2.0, optimiser=method[2], learning_rate=method[3],
                steps=config.steps, record_every=config.record_every, seed=seed)
    return {"start": start, "steps": run.steps.tolist(), "gap": ((optimal - run.values) / optimal).tolist(),
            "stopped_at": run.stopped_at}


@dataclass(frozen=True)
class NeuralFourRoomResult:
    """Question 7 measured: the mean curves and the IQM intervals of the final gap per (features, method), one
    row per (features, method) (the CSV's columns) and the conclusions."""

    quick: bool
    config: Settings
    curves: dict[tuple[str, str], dict]
    intervals: dict[tuple[str, str], Interval]
    rows: tuple[list, ...]
    conclusions: tuple[str, ...]


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> NeuralFourRoomResult:
    """Train every (features, method, start cell) unit and compare SPG with EPG under Adam and under GD."""
    config = SIZES.pick(quick)
    mdp, _ = four_room()
    starts = np.random.default_rng(seed).integers(0, mdp.n_states, size=config.runs)
    grid = [(features, method) for features in config.features for method in METHODS]
    values = sweep(
        [(f"q7/{features}/{method[0]}/run={i}", partial(_unit, config, features, method, int(starts[i]), seed + i))
         for features, method in grid for i in range(config.runs)],
        checkpoint=checkpoint, scope=config,
    )
    runs = config.runs
    units = {(features, method[0]): values[g * runs:(g + 1) * runs] for g, (features, method) in enumerate(grid)}
    finals = {key: [u["gap"][-1] for u in runs] for key, runs in units.items()}
    stops = {key: [u["stopped_at"] for u in runs if u["stopped_at"] is not None] for key, runs in units.items()}
    intervals = {key: iqm_interval(values, seed=0) for key, values in finals.items()}
    rows = [[features, label, intervals[features, label].estimate, intervals[features, label].low,
             intervals[features, label].high,
             sum(g <= GOAL_GAP for g in finals[features, label]), len(stops[features, label]), config.runs]
            for features in config.features for label, *_ in METHODS]
    curves = {key: {"steps": runs[0]["steps"], "mean_suboptimality": np.mean([u["gap"] for u in runs], axis=0).tolist()}
              for key, runs in units.items()}
    conclusions = []
    for features in config.features:
        for optimiser in ("Adam", "GD"):
            spg, epg = f"SPG + {optimiser}", f"EPG p=2 + {optimiser}"
            at_goal = [sum(g <= GOAL_GAP for g in finals[features, m]) for m in (spg, epg)]
            stopped = stops[features, epg]
            conclusions.append(
                f"- {features} features, {optimiser}: EPG reached the goal in {at_goal[1]} of {config.runs} runs, "
                f"SPG in {at_goal[0]} of {config.runs}; "
                f"{compare(spg, finals[features, spg], epg, finals[features, epg], quantity='final normalised gap')}"
                + (f"; {len(stopped)} of {config.runs} EPG runs stopped where an output θ(s, a) reached exactly 0 "
                   f"(steps {', '.join(map(str, sorted(stopped)))})" if stopped else "") + "."
            )
    return NeuralFourRoomResult(quick, config, curves, intervals, tuple(rows), tuple(conclusions))


def checks(result: NeuralFourRoomResult) -> tuple[Check, ...]:
    """None: the question is a reviewer's, not a claim of the paper (the comparison is the section's notes)."""
    return ()


def render(result: NeuralFourRoomResult, folder: Path) -> tuple[Path, ...]:
    """The rows (``question_neural_four_room.csv``) and the mean curves (``.png``) in ``folder``."""
    data = write_csv(folder / "question_neural_four_room.csv",
                     ["features", "method", "final_gap_iqm", "final_gap_iqm_low", "final_gap_iqm_high", "runs_at_goal",
                      "runs_stopped", "runs"],
                     result.rows)
    figure = curve_figure(
        folder / "question_neural_four_room.png",
        panels=[(f"{features} features", [(label, result.curves[features, label]) for label, *_ in METHODS])
                for features in result.config.features],
        ylabel="mean (V*(s₀) − V(s₀)) / V*(s₀)", logy=False,
    )
    return data, figure


def section(result: NeuralFourRoomResult) -> Section:
    """The findings section: set-up, table and conclusions."""
    config = result.config
    table = markdown_table(
        ["features", "method", "final normalised gap: IQM [95 % interval]", f"reached the goal (gap ≤ {GOAL_GAP:g})",
         "stopped at θ(s, a) = 0"],
        [[r[0], r[1], interval_text(result.intervals[r[0], r[1]]), f"{r[5]} of {r[7]}", f"{r[6]} of {r[7]}"]
         for r in result.rows],
    )
    return Section(
        title="Question 7: neural Four-room policy, Adam and plain gradient descent",
        question="Reviewer 3: the theory covers plain gradient descent, while Fig. 5(c) uses Adam; does EPG's "
                 "advantage hold under both?",
        setup=(f"One-hidden-layer ReLU policy network (64 units), exact gradients, {config.steps} steps, "
               f"{config.runs} random start cells (the same for every method), Adam and plain gradient descent, "
               f"both with η = 0.01; features: {', '.join(config.features)}. An escort run stops if an output "
               "θ(s, a) becomes exactly 0 (Eq. (4) is 0/0 there; see numerics.engine.neural.four_room.Training) and keeps "
               "its last value."),
        figure="question_neural_four_room.png", table=table, conclusions=result.conclusions,
    )
