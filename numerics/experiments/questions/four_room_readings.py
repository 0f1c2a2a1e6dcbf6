"""Question 8 (Fig. 5c): the Four-room ambiguity map — SPG versus EPG p = 2 over the readings the paper leaves open.

Section 6 describes Four-room in a few sentences, and a reviewer found it ambiguous. This experiment runs both
methods, with exact gradients, over a full factorial design of the plausible readings:

* rewards: ``re-entry`` (a continuing MDP on the cells, rewards paid on every entry, so the agent collects one by
  stepping away and back; :func:`numerics.environments.gridworld.four_room`) or ``terminal`` (each (sub-)goal absorbing,
  its reward paid once; ``terminal=True``) — both keep the cell a Markov state;
* start: ``uniform`` (ρ uniform over the free cells) or ``one cell`` (ρ = δ_{s₀}, s₀ drawn per run among the
  cells without reward: "the starting position is randomly generated");
* discount γ = 0.99 or 0.9 (the paper gives none; at 0.9 a sub-goal is optimal from most cells);
* policy and optimiser: ``tabular`` (θ(s, ·) per state, plain gradient ascent with the steps of this toolkit's
  Fig. 5(c): SPG η = 0.025 = λ(1−0.99)³/8 and EPG λ = 2·10⁵ times Theorem 3's η_t(s), at every γ the same
  actual steps as at γ = 0.99), or the paper's ``network`` (one hidden layer of 64 ReLU units on one-hot state
  features, :mod:`numerics.engine.neural.four_room`) with Adam (a reviewer's reading) or plain gradient ascent, η = 0.01;
* the escort's initial scale θ₁ ≈ c·1 of the network (c = 1 or 0.1; softmax starts at θ₁ ≈ 0 either way;
  the tabular EPG step renormalises θ, so its scale does not matter there).

Each run of a reading uses the same start cell and seed for SPG and EPG (paired runs). With plain gradient
ascent both methods take the same η, while the escort's gradient scales as p/θ: a smaller c is, in effect, a
larger escort step, so a reading where only the escort moves within the budget may reflect step size rather
than a sub-goal plateau; the table's final gaps tell the two apart (a plateau keeps a gap near 0.3). A run *reaches the optimum*
when its final normalised gap (V*(ρ) − V^{π_T}(ρ)) / V*(ρ) is at most 0.05: a policy that settles on a sub-goal
keeps a gap near 0.3 where the goal is optimal. A run that had to stop (a tabular escort parameter leaving the
domain, or a network output reaching exactly 0, where Eq. (4) is 0/0) counts with its last value (network) or
with the worst gap, 1 (tabular, whose last value is lost). The comparison per reading uses
:func:`numerics.analysis.summary.compare` (IQM, bootstrap intervals, probability of improvement).
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from foundation.artifacts import Checkpoint, write_csv
from foundation.executor import sweep
from numerics.analysis.check import Check
from foundation.validation import InputError
from numerics.experiments.protocol import Sizes
from numerics.analysis.summary import compare, markdown_table
from numerics.engine.mdp_policy_gradient import run_mdp
from numerics.engine.step_sizes import spg_mdp_step
from numerics.engine.neural.four_room import train
from numerics.environments.bandit import same_policy_starts
from numerics.environments.gridworld import four_room
from numerics.environments.mdp import optimal_values
from numerics.experiments.figures.fig5 import SIZES as FIG5_SIZES
from numerics.reporting.plotting import save_png
from numerics.reporting.section import Section

__all__ = ["LEVEL", "Reading", "ReadingsResult", "SIZES", "Settings", "checks", "measure", "readings", "render",
           "section"]

LEVEL = 0.05
"""A run reaches the optimum when its final normalised gap is at most LEVEL."""
P = 2.0
NETWORK_RATE = 0.01


@dataclass(frozen=True)
class Reading:
    """One combination of the readings (module docstring); ``escort_scale`` is c of the network's escort."""

    rewards: str
    start: str
    gamma: float
    policy: str
    optimiser: str
    escort_scale: float

    @property
    def environment(self) -> str:
        return f"{self.rewards}, {self.start}, γ={self.gamma:g}"

    @property
    def learner(self) -> str:
        if self.policy == "tabular":
            return "tabular + GD"
        return f"network + {'Adam' if self.optimiser == 'adam' else 'GD'}, c={self.escort_scale:g}"


@dataclass(frozen=True)
class Settings:
    """Runs per reading and steps (quick and full forms differ only here)."""

    runs: int
    tabular_steps: int
    network_steps: int


SIZES = Sizes(
    quick=Settings(runs=2, tabular_steps=100, network_steps=40),
    full=Settings(runs=6, tabular_steps=1000, network_steps=400),
)
"""Quick: 2 runs, 100 tabular and 40 network steps; full: 6 runs, 1000 and 400 steps (about 1 s of one core
per run; 448 runs).
"""


def readings(quick: bool) -> list[Reading]:
    """The full factorial design: 8 environments × (tabular, network × {Adam, GD} × c ∈ {1, 0.1}); the quick form
    keeps the 8 environments with the tabular policy and the network with Adam and c = 1."""
    learners = [("tabular", "gd", 1.0)] + [("network", o, c) for o in ("adam", "gd") for c in (1.0, 0.1)]
    learners = learners[:2] if quick else learners
    return [Reading(rewards, start, gamma, *learner)
            for rewards, start, gamma in itertools.product(("re-entry", "terminal"), ("uniform", "one cell"),
                                                            (0.99, 0.9))
            for learner in learners]


def _tabular_gap(reading: Reading, transform: str, mdp, rho: np.ndarray, rng: np.random.Generator, steps: int):
    theta0 = same_policy_starts(rng, (1, mdp.n_states, mdp.n_actions), p=P)[transform]
    multiple = FIG5_SIZES.full.step_multiple
    try:
        run = run_mdp("spg" if transform == "softmax" else "epg", mdp, theta0, rho, steps, p=P,
                      eta=multiple * spg_mdp_step(0.99), step_scale=multiple * ((1 - 0.99) / (1 - reading.gamma)) ** 3,
                      record_every=steps)
    except InputError:
        return None
    return float(run.suboptimality[0, -1])


def _unit(reading: Reading, transform: str, index: int, seed: int, config: Settings) -> dict:
    """One run: the normalised final gap and whether it had to stop."""
    mdp, layout = four_room(gamma=reading.gamma, terminal=reading.rewards == "terminal")
    rng = np.random.default_rng([seed, index])
    plain = np.flatnonzero(layout.cell_reward[layout.cells[:, 0], layout.cells[:, 1]] == 0)
    start = int(rng.choice(plain))
    rho = mdp.rho if reading.start == "uniform" else np.eye(mdp.n_states)[start]
    best = float(optimal_values(mdp) @ rho)
    if reading.policy == "tabular":
        gap = _tabular_gap(reading, transform, mdp, rho, rng, config.tabular_steps)
        return {"gap": 1.0 if gap is None else gap / best, "stopped": gap is None}
    run = train(mdp, rho, np.eye(mdp.n_states), transform=transform, p=P, optimiser=reading.optimiser,
                learning_rate=NETWORK_RATE, steps=config.network_steps, record_every=config.network_steps,
                seed=seed * 1000 + index, escort_bias=reading.escort_scale)
    return {"gap": (best - float(run.values[-1])) / best, "stopped": run.stopped_at is not None}


def _runs(checkpoint: Checkpoint, reading: Reading, transform: str, seed: int, config: Settings) -> list[dict]:
    shared = reading if transform == "escort" else Reading(**{**asdict(reading), "escort_scale": 1.0})
    key = "/".join(str(v) for v in asdict(shared).values())
    return sweep([(f"q8/{transform}/{key}/run={i}", partial(_unit, shared, transform, i, seed, config))
                  for i in range(config.runs)], checkpoint=checkpoint, scope=config)


def _row(reading: Reading, spg: list[dict], epg: list[dict]) -> dict:
    gaps = {name: [u["gap"] for u in runs] for name, runs in (("spg", spg), ("epg", epg))}
    reached = {name: [g <= LEVEL for g in values] for name, values in gaps.items()}
    return {
        "rewards": reading.rewards, "start": reading.start, "gamma": reading.gamma, "learner": reading.learner,
        "epg_reached": sum(reached["epg"]), "spg_reached": sum(reached["spg"]),
        "epg_only": sum(e and not s for e, s in zip(reached["epg"], reached["spg"])),
        "spg_only": sum(s and not e for e, s in zip(reached["epg"], reached["spg"])),
        "epg_stopped": sum(u["stopped"] for u in epg), "spg_stopped": sum(u["stopped"] for u in spg),
        "runs": len(epg),
        "comparison": compare("SPG", gaps["spg"], "EPG p=2", gaps["epg"], quantity="final normalised gap"),
    }


def _figure(path: Path, rows: tuple[dict, ...], headline: str) -> Path:
    environments = list(dict.fromkeys(f"{r['rewards']}, {r['start']}, γ={r['gamma']:g}" for r in rows))
    learners = list(dict.fromkeys(r["learner"] for r in rows))
    grid = np.zeros((len(learners), len(environments)))
    fig = Figure(figsize=(15, 4.2))
    ax = fig.subplots()
    for r in rows:
        i, j = learners.index(r["learner"]), environments.index(f"{r['rewards']}, {r['start']}, γ={r['gamma']:g}")
        grid[i, j] = (r["epg_reached"] - r["spg_reached"]) / r["runs"]
        ax.text(j, i, f"E {r['epg_reached']}/{r['runs']}\nS {r['spg_reached']}/{r['runs']}", ha="center",
                va="center", fontsize=7)
    image = ax.imshow(grid, cmap="coolwarm_r", vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(environments)), environments, rotation=20, ha="right", fontsize=7)
    ax.set_yticks(range(len(learners)), learners, fontsize=7)
    ax.set_xlabel("reading of the environment: rewards on re-entry or terminal goals, start distribution, γ")
    ax.set_ylabel("policy + optimiser, escort scale c")
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="(EPG − SPG runs at the optimum) / runs")
    fig.suptitle(headline, fontsize=9)
    fig.tight_layout()
    save_png(fig, path, dpi=110)
    return path


def _headline(rows: list[dict], quick: bool, config: Settings) -> str:
    better = [r for r in rows if r["comparison"].lower == "EPG p=2" and r["epg_only"] > r["spg_only"]]
    worse = [r for r in rows if r["comparison"].lower == "SPG"]
    where = "; ".join(f"{r['rewards']}, {r['start']}, γ={r['gamma']:g}, {r['learner']}" for r in better)
    text = (f"EPG reaches the optimum where SPG does not in {len(better)} of {len(rows)} readings"
            + (f" ({where})" if better else "") + f"; SPG has the lower final gap in {len(worse)}")
    return (f"Quick form ({config.runs} runs per reading, too few to call differences): " + text) if quick else text


@dataclass(frozen=True)
class ReadingsResult:
    """Question 8 measured: one row per reading (:func:`_row`, the CSV's columns), the headline over all readings
    and the conclusions."""

    quick: bool
    config: Settings
    rows: tuple[dict, ...]
    headline: str
    conclusions: tuple[str, ...]


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> ReadingsResult:
    """Run both methods over every reading (module docstring) and compare them per reading."""
    config = SIZES.pick(quick)
    rows = [_row(r, _runs(checkpoint, r, "softmax", seed, config), _runs(checkpoint, r, "escort", seed, config))
            for r in readings(quick)]
    headline = _headline(rows, quick, config)
    conclusions = (f"- {headline}.", *(
        f"- {r['rewards']}, {r['start']}, γ = {r['gamma']:g}, {r['learner']}: {r['comparison']}."
        for r in rows))
    return ReadingsResult(quick, config, tuple(rows), headline, conclusions)


def checks(result: ReadingsResult) -> tuple[Check, ...]:
    """None: the paper makes no claim per reading (Fig. 5(c)'s own claim is checked by ``escort run fig5``)."""
    return ()


def render(result: ReadingsResult, folder: Path) -> tuple[Path, ...]:
    """The rows (``question_four_room_readings.csv``) and the map (``.png``) in ``folder``."""
    header = list(result.rows[0])
    data = write_csv(folder / "question_four_room_readings.csv", header,
                     [[r[h] for h in header] for r in result.rows])
    return data, _figure(folder / "question_four_room_readings.png", result.rows, result.headline)


def section(result: ReadingsResult) -> Section:
    """The findings section: set-up, table and conclusions."""
    config = result.config
    table = markdown_table(
        ["rewards", "start", "γ", "policy + optimiser", "EPG at optimum", "SPG at optimum", "EPG only / SPG only",
         "stopped (EPG / SPG)"],
        [[r["rewards"], r["start"], f"{r['gamma']:g}", r["learner"], f"{r['epg_reached']} of {r['runs']}",
          f"{r['spg_reached']} of {r['runs']}", f"{r['epg_only']} / {r['spg_only']}",
          f"{r['epg_stopped']} / {r['spg_stopped']}"] for r in result.rows],
    )
    return Section(
        title="Question 8: Fig. 5(c) under every reading of Four-room (the ambiguity map)",
        question="Reviewers: Four-room's rewards, start, γ, initialisation, optimiser and network are ambiguous, and "
                 "Fig. 5(c) does not reproduce here; is there a reading under which EPG reaches the goal where SPG "
                 "stalls on a sub-goal?",
        setup=(f"Full factorial design over rewards (re-entry, terminal) × start (uniform, one cell) × γ (0.99, 0.9) × "
               f"policy (tabular with Fig. 5(c)'s steps; 64-unit network with Adam or GD, η = {NETWORK_RATE:g}, "
               f"escort scale c = 1 or 0.1); exact gradients; {config.runs} paired runs per reading, "
               f"{config.tabular_steps} tabular and {config.network_steps} network steps. A run reaches the optimum "
               f"when (V*(ρ) − V(ρ))/V*(ρ) ≤ {LEVEL:g} (numerics.experiments.questions.four_room_readings)."),
        figure="question_four_room_readings.png", table=table, conclusions=result.conclusions,
    )
