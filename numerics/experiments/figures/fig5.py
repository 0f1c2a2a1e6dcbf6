"""Fig. 5: SPG versus EPG (p = 2) on one-state MDPs (a) and on Four-room (b, c), with exact gradients.

(a) One-state MDPs (bandits) with K = 10, 50, 100 actions, 20 runs each, r ~ U[0, 1]^K and a random θ₁ per run,
    T = 5·10⁴ steps: SPG θ ← θ + η·π⊙(r − πᵀr) with η = 0.4 (Eq. (1)) versus EPG p = 2 with Theorem 2's step
    η_t = 2‖θ_t‖_p²/(9p²K^{1/p}) (Eq. (5)). Both methods start from the *same policy* (the reviewers found the
    paper's initialisation underspecified): softmax logits z ~ N(0, 1) and escort parameters θ = exp(z/p), so
    f_p(θ) = softmax(z); EPG's step makes the scale of θ₁ irrelevant.
(b) The Four-room map of :mod:`numerics.environments.gridworld` (γ = 0.99, entering rewards 1.0 and 0.7).
(c) Four-room with tabular policies π(·|s) = softmax(θ(s, ·)) or f_2(θ(s, ·)) and exact policy gradients
    (:mod:`numerics.environments.mdp`), 20 runs with random θ₁ (same policy for both methods as in (a)). The start cell is
    random: ρ is uniform over the free cells, so V(ρ) is the expected return from a random start position.
    (Per-run start cells ρ = δ_{s₀}, the other reading of "the starting position is randomly generated", put
    d_ρ(s₀) up to ~0.5 on one cell, and there EPG at λ = 1e5 already drives an escort parameter to 0 within
    400 steps: measured.) The paper trains a 64-unit ReLU network with Adam; here the policy is tabular (the
    neural form is :mod:`numerics.engine.neural.four_room`) and the steps are plain gradient ascent: both methods take
    the same multiple λ = 2e5 of their own theoretical step, SPG η = λ(1−γ)³/8 (Mei et al. 2020, Theorem 4) and
    EPG λ times Theorem 3's η_t(s) (see :mod:`numerics.engine.mdp_policy_gradient`; λ = 1 would move θ by ~1e-8 per
    step). λ = 2e5 is the smaller of two values (2e5, 6e5) with which trial runs (5 runs, 1500 steps, ρ uniform)
    kept every escort parameter nonzero, for a margin; with per-run start cells 1e5 and 5e5 did not (see above).
    It was fixed before the 20-run comparison, and is the same for both methods.

Curves: median over runs and the 10–90 % band of the sub-optimality, on log axes. Checks (measured, stated before
the runs): (a) for every K, at least 95 % of EPG runs end with (π* − π_T)ᵀr < 1e-3 ("quickly converges to optimal
policies consistently": at most one of 20 runs may miss the level at the finite horizon), and SPG plateaus: at
least one SPG run per K ends above 1e-3; (c) at least 95 % of EPG runs end with V*(ρ) − V^{π_T}(ρ) < 0.1 (0.25 % of
V*, i.e. the goal is reached), and fewer SPG runs do.

Regenerate: ``escort run fig5`` (``--quick``: the paper's 20 runs and T = 5·10⁴ for (a), which the
compiled backend runs in seconds; 4 runs and T = 150 for (c)).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from foundation.artifacts import Checkpoint
from numerics.analysis.check import Check
from numerics.analysis import statistics as stats
from numerics.engine import run_bandit
from numerics.environments.bandit import random_rewards, same_policy_starts
from numerics.experiments.protocol import Sizes
from numerics.reporting import plotting as pl
from numerics.environments.gridworld import GridLayout, four_room
from numerics.engine import ALGORITHMS
from numerics.engine.mdp_policy_gradient import MDP_ALGORITHMS, run_mdp
from numerics.engine.step_sizes import spg_mdp_step
from foundation.executor import sweep

__all__ = ["SIZES", "Fig5Result", "Fig5Sizes", "checks", "measure", "render"]

BANDIT_LEVEL = 1e-3
"""(a): a run has reached the optimum when (π* − π_T)ᵀr < BANDIT_LEVEL."""
FOUR_ROOM_LEVEL = 0.1
"""(c): a run has reached the goal when V*(ρ) − V^{π_T}(ρ) < FOUR_ROOM_LEVEL (V* ≈ 41–50 on Four-room)."""
PLATEAU_LEVEL = 5.0
"""(c): a final V*(ρ) − V(ρ) above this is a sub-goal plateau (reported, not checked): V* − V ≈ 7–15 there."""
CONSISTENT = 0.95
"""Fraction of runs that must reach the level for "consistently" (19 of 20 runs)."""
P = 2.0


@dataclass(frozen=True)
class Fig5Sizes:
    """Sizes of both parts; the quick and full forms differ only here."""

    actions: tuple[int, ...]
    bandit_runs: int
    four_room_runs: int
    bandit_steps: int
    four_room_steps: int
    spg_eta: float = 0.4
    step_multiple: float = 2e5
    gamma: float = 0.99


SIZES = Sizes(
    quick=Fig5Sizes(actions=(10, 50, 100), bandit_runs=20, four_room_runs=4, bandit_steps=50_000,
                    four_room_steps=150),
    full=Fig5Sizes(actions=(10, 50, 100), bandit_runs=20, four_room_runs=20, bandit_steps=50_000,
                   four_room_steps=2000),
)
"""Full: 20 runs, T = 5·10⁴ (a) and 2000 (c); quick: the same for (a), 4 runs and T = 150 for (c).

The quick form keeps the paper's sizes for (a) (seconds with the compiled backend): at T = 2000 EPG has not yet
reached 1e-3 for K = 50, 100, and with 4 runs no SPG run may happen to plateau, so its checks would report the
size of the quick form rather than the paper's claim.
"""


def _bandit_unit(config: Fig5Sizes, K: int, seed: int) -> dict[str, list]:
    """Both methods on the same 20 reward vectors and initial policies for K actions."""
    rng = np.random.default_rng([seed, K])
    r = random_rewards(rng, config.bandit_runs, K)
    starts = same_policy_starts(rng, (config.bandit_runs, K), p=P)
    unit = {}
    for name in ("spg", "epg"):
        traj = run_bandit(name, starts[ALGORITHMS[name].transform], r, config.bandit_steps, p=P, eta=config.spg_eta,
                          record_per_decade=30, backend="compiled")
        unit[name] = {"steps": traj.steps.tolist(), "suboptimality": traj.suboptimality.tolist()}
    return unit


def _four_room_unit(config: Fig5Sizes, algorithm: str, seed: int) -> dict[str, list]:
    mdp, _ = four_room(gamma=config.gamma)
    rng = np.random.default_rng([seed, 5])
    theta0 = same_policy_starts(rng, (config.four_room_runs, mdp.n_states, mdp.n_actions), p=P)
    traj = run_mdp(algorithm, mdp, theta0[MDP_ALGORITHMS[algorithm].transform], mdp.rho, config.four_room_steps, p=P,
                   eta=config.step_multiple * spg_mdp_step(config.gamma), step_scale=config.step_multiple,
                   record_per_decade=30)
    return {"steps": traj.steps.tolist(), "suboptimality": traj.suboptimality.tolist(),
            "optimal_probability": traj.optimal_probability.tolist()}


def _draw_map(ax, layout: GridLayout, data: pl.PlottedData) -> None:
    ax.imshow(layout.walls, cmap="Greys", vmin=0, vmax=1.4)
    for (row, column), marker, label, size in [(layout.goal, "*", "goal (1.0)", 160)] + [
        (cell, "o", "sub-goal (0.7)" if i == 0 else None, 60) for i, cell in enumerate(layout.subgoals)
    ]:
        ax.scatter([column], [row], marker=marker, s=size, color="C1" if marker == "*" else "C2", label=label, zorder=3)
    cells = [layout.goal, *layout.subgoals]
    data.record("b", "goal, then sub-goals (column, row)", [c[1] for c in cells], [c[0] for c in cells])
    ax.set(xticks=[], yticks=[])
    ax.grid(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3, fontsize=6)


def _curve(ax, data: pl.PlottedData, panel: str, series: str, steps: list, values: list, **style) -> None:
    x = np.asarray(steps) + 1.0
    pl.draw_band(ax, data, panel, series, x, stats.quantile_band(np.maximum(values, 1e-16)), **style)


def _fraction_below(values: list, level: float) -> float:
    return float(np.mean(np.asarray(values)[:, -1] < level))


@dataclass(frozen=True)
class Fig5Result:
    """Fig. 5 measured: per K the bandit curves of SPG and EPG (a), and the Four-room curves of both (c)."""

    sizes: Fig5Sizes
    quick: bool
    bandits: dict[int, dict]
    rooms: dict[str, dict]

    @property
    def reached(self) -> dict[str, float]:
        """Per method, the fraction of Four-room runs that end below :data:`FOUR_ROOM_LEVEL`."""
        return {a: _fraction_below(self.rooms[a]["suboptimality"], FOUR_ROOM_LEVEL) for a in self.rooms}

    @property
    def four_room_final(self) -> dict[str, np.ndarray]:
        """Per method, the final V*(ρ) − V(ρ) of each Four-room run."""
        return {a: np.asarray(self.rooms[a]["suboptimality"])[:, -1] for a in self.rooms}

    @property
    def parameters(self) -> dict[str, object]:
        return {**self.sizes.__dict__, "p": P, "bandit_level": BANDIT_LEVEL, "four_room_level": FOUR_ROOM_LEVEL,
                "quick": self.quick}

    @property
    def results(self) -> dict[str, object]:
        return {"four_room_reached": self.reached,
                "bandit_final": {K: {a: np.asarray(u[a]["suboptimality"])[:, -1] for a in u}
                                 for K, u in self.bandits.items()},
                "four_room_final": self.four_room_final}

    @property
    def notes(self) -> tuple[str, ...]:
        summary = "; ".join(
            f"{a.upper()} median {np.median(finals):.3g}, {int(np.sum(finals >= PLATEAU_LEVEL))}/{finals.size} runs "
            f"above {PLATEAU_LEVEL:g}" for a, finals in self.four_room_final.items())
        return (f"- Fig. 5 (c), final V*(ρ) − V(ρ) after T = {self.sizes.four_room_steps} steps: {summary} "
                "(above the level: still on a sub-goal plateau)",)


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> Fig5Result:
    """Simulate (a) and (c) of Fig. 5; see the module docstring for the set-up."""
    config = SIZES.pick(quick)
    tag = f"seed={seed}/quick={quick}"
    units = [(f"{tag}/a/K={K}", partial(_bandit_unit, config, K, seed)) for K in config.actions]
    units += [(f"{tag}/c/{a}", partial(_four_room_unit, config, a, seed)) for a in ("spg", "epg")]
    values = sweep(units, checkpoint=checkpoint, scope=config)
    return Fig5Result(sizes=config, quick=quick, bandits=dict(zip(config.actions, values)),
                      rooms=dict(zip(("spg", "epg"), values[len(config.actions):])))


def checks(result: Fig5Result) -> tuple[Check, ...]:
    """EPG reaches the level consistently for every K and on Four-room; SPG plateaus; see the module docstring."""
    found = []
    for K, unit in result.bandits.items():
        found.append(Check(f"(a) K = {K}: fraction of EPG runs with final (π* − π)ᵀr < {BANDIT_LEVEL:g}",
                           _fraction_below(unit["epg"]["suboptimality"], BANDIT_LEVEL), None, CONSISTENT,
                           "'consistently across all K': at most 1 in 20 runs may miss the level at T"))
        found.append(Check(f"(a) K = {K}: number of SPG runs still above {BANDIT_LEVEL:g} at T (plateau)",
                           float(np.sum(np.asarray(unit["spg"]["suboptimality"])[:, -1] >= BANDIT_LEVEL)),
                           None, 1.0, "SPG 'significantly' slower: at least one run still on a plateau"))
    reached = result.reached
    found.append(Check(f"(c) fraction of EPG runs with final V*(ρ) − V(ρ) < {FOUR_ROOM_LEVEL:g}", reached["epg"],
                       None, CONSISTENT, "'EPG quickly achieves the optimal goal' in (nearly) every run"))
    found.append(Check("(c) fraction of EPG runs at the goal minus that of SPG runs",
                       reached["epg"] - reached["spg"], None, 1e-9, "'SPG is easily stuck in plateaus': EPG "
                       "must reach the goal in more runs"))
    return tuple(found)


def render(result: Fig5Result, folder: Path) -> tuple[Path, ...]:
    """Draw Fig. 5's panels (one per K, the map, Four-room) and write them with the plotted data to ``folder``."""
    config, bandits, rooms = result.sizes, result.bandits, result.rooms
    _, layout = four_room(gamma=config.gamma)
    data = pl.PlottedData()
    with pl.panels(len(config.actions) + 2, width=2.9) as (figure, axes):
        for ax, (K, unit) in zip(axes, bandits.items()):
            for name, label, colour in (("spg", "SPG, η = 0.4", "C3"), ("epg", "EPG, p = 2", "C0")):
                _curve(ax, data, f"a, K={K}", label, unit[name]["steps"], unit[name]["suboptimality"], color=colour)
            ax.set(xscale="log", yscale="log", xlabel="t", ylabel=r"$(\pi^*-\pi_t)^\top r$")
            pl.panel_title(ax, "a", f"one-state MDP, K = {K}")
            ax.legend()
        _draw_map(axes[-2], layout, data)
        pl.panel_title(axes[-2], "b", "Four-room")
        ax = axes[-1]
        for name, label, colour in (("spg", "SPG", "C3"), ("epg", "EPG, p = 2", "C0")):
            _curve(ax, data, "c", label, rooms[name]["steps"], rooms[name]["suboptimality"], color=colour)
        ax.set(xscale="log", yscale="log", xlabel="t", ylabel=r"$V^*(\rho) - V^{\pi_t}(\rho)$")
        pl.panel_title(ax, "c", f"Four-room, steps: λ = {config.step_multiple:g} × theory")
        ax.legend()
        figure.suptitle(f"Fig. 5{' (quick form)' if result.quick else ''}: median and 10–90 % band over "
                        f"{config.bandit_runs} runs (a) and {config.four_room_runs} runs (c); (c) both methods take "
                        f"λ times their theoretical step: SPG η = λ(1−γ)³/8, EPG λ·η_t(s) of Theorem 3 (λ = 1 moves "
                        "θ by ~1e-8)", fontsize=8)
        return pl.save_plot(figure, data, out_dir=folder, stem="fig5")
