"""Question 2 (reviewers 1, 2, 4): how should p be chosen?

Theorem 2 (EPG, step η_t = 2‖θ_t‖_p²/(9p²K^{1/p})) bounds the sub-optimality by 9K^{1/p}/(c^{2−2/p}·t), with
c = inf_t π_t(a*). Solving for the first t with bound ≤ ε gives the step count the theorem guarantees,

    t_bound(p) = 9·K^{1/p} / (c^{2−2/p}·ε)        (``BOUNDS['thm2-ascent'].bound`` at t = 1, divided by ε),

a trade-off: K^{1/p} falls with p while c^{−(2−2/p)} rises with p (c < 1). Since
log t_bound = log(9/ε) − 2 log c + (log K + 2 log c)/p, the bound prefers p = 1 when c < 1/√K and large p
when c > 1/√K. This module measures the real step count t_ε (first recorded step with (π* − π_t)ᵀr ≤ ε), with
c measured on the same run (min_t π_t(a*) up to t_ε), for p ∈ {1, 2, 3, 4, 8} (Theorem 2 covers p = 1 and
p ≥ 2), several K, and two initialisations: uniform π₁ = 1/K and a trap with π₁(a*) = 10⁻³.
A measured t_ε above t_bound would contradict Theorem 2: the runs where it does are counted, and the check wants none.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import sympy as sp
from matplotlib.figure import Figure

from foundation.artifacts import Checkpoint, write_csv
from numerics.analysis.check import Check
from numerics.experiments.protocol import Sizes
from numerics.engine import run_bandit
from numerics.reporting.plotting import save_png
from numerics.reporting.section import Section
from numerics.analysis.summary import censored_quantile, fmt, markdown_table
from numerics.analysis.first_hit import first_hit
from numerics.environments.trap import parameters_for, trap_problem, uniform_problem
from foundation.executor import sweep
from theory.definitions import P
from theory.statements import BOUNDS, C, K_SYM, T

__all__ = ["SIZES", "EscortPowerResult", "Settings", "checks", "measure", "render", "section"]

EPSILON = 0.01
_BOUND_AT_ONE = sp.lambdify((K_SYM, C, P), BOUNDS["thm2-ascent"].bound.subs(T, 1), "numpy")


@dataclass(frozen=True)
class Settings:
    """The p values, numbers of actions and run sizes of the sweep (quick and full forms differ only here)."""

    powers: tuple[float, ...]
    actions: tuple[int, ...]
    runs: int
    steps: int
    record_every: int
    trap_probability: float = 1e-3


SIZES = Sizes(
    quick=Settings(powers=(1.0, 2.0, 4.0, 8.0), actions=(10, 100), runs=6, steps=2000, record_every=10),
    full=Settings(powers=(1.0, 2.0, 3.0, 4.0, 8.0), actions=(10, 100, 1000), runs=20, steps=20_000, record_every=20),
)
"""Quick: K ∈ {10, 100}, 6 runs, 2,000 steps; full: K ∈ {10, 100, 1000}, 20 runs, 20,000 steps."""


def _unit(config: Settings, K: int, init: str, p: float, seed: int) -> dict:
    rng = np.random.default_rng([seed, K, init == "uniform"])
    problem = (uniform_problem(K, runs=config.runs, rng=rng) if init == "uniform"
               else trap_problem(K, runs=config.runs, optimal_probability=config.trap_probability, rng=rng))
    theta = parameters_for(problem.initial_policy, transform="escort", p=p)
    trajectory = run_bandit("epg", theta, problem.rewards, config.steps, p=p, record_every=config.record_every,
                            backend="compiled")
    steps = np.asarray(trajectory.steps)
    reached = first_hit(trajectory.suboptimality, steps, level=EPSILON, below=True)
    until = np.where(np.isfinite(reached), reached, steps[-1])
    c = np.array([row[steps <= u].min() for row, u in zip(trajectory.optimal_probability, until)])
    return {"steps_to_epsilon": reached.tolist(), "c": c.tolist(),
            "bound_steps": (_BOUND_AT_ONE(K, c, p) / EPSILON).tolist()}


@dataclass(frozen=True)
class EscortPowerResult:
    """Question 2 measured: one row per (K, initialisation, p) (the CSV's columns), Theorem 2's violations per p,
    and the conclusions."""

    quick: bool
    config: Settings
    inits: tuple[str, ...]
    rows: tuple[list, ...]
    violations: dict[float, int]
    runs: int
    conclusions: tuple[str, ...]


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> EscortPowerResult:
    """Sweep p, K and the initialisation; compare measured and guaranteed step counts; recommend a p."""
    config = SIZES.pick(quick)
    inits = ("uniform", f"trap π₁(a*)={config.trap_probability:g}")
    grid = [(K, init, p) for K in config.actions for init in inits for p in config.powers]
    values = sweep([(f"q2/K={K}/{init}/p={p:g}", partial(_unit, config, K, init, p, seed)) for K, init, p in grid],
                   checkpoint=checkpoint, scope=config)
    units = dict(zip(grid, values))
    rows, best_measured, best_bound = [], {}, {}
    violations = dict.fromkeys(config.powers, 0)
    for (K, init, p), unit in units.items():
        measured = np.array(unit["steps_to_epsilon"], dtype=float)
        bound = np.array(unit["bound_steps"], dtype=float)
        # a run that never reached ε violates the bound only if the bound fell inside the step budget
        violations[p] += int(np.sum(np.where(np.isfinite(measured), measured > bound, bound < config.steps)))
        rows.append([K, init, p, int(np.isfinite(measured).sum()), config.runs, censored_quantile(unit["steps_to_epsilon"], 0.5),
                     float(np.median(unit["c"])), float(np.median(bound))])
    for K in config.actions:
        for init in inits:
            setting = [r for r in rows if r[0] == K and r[1] == init]
            fastest = min(setting, key=lambda r: np.nan_to_num(r[5], nan=np.inf))
            best_measured[K, init] = fastest[2] if np.isfinite(fastest[5]) else None
            best_bound[K, init] = min(setting, key=lambda r: r[7])[2]
    wins = {p: sum(1 for v in best_measured.values() if v == p) for p in config.powers}
    recommended = max(config.powers, key=lambda p: (wins[p], -p))
    agree = sum(best_measured[k] == best_bound[k] for k in best_measured)
    conclusions = (
        f"- The p with the fewest measured steps to ε = {EPSILON:g}: "
        + "; ".join(f"K = {K}, {init}: " + (f"p = {fmt(best)}" if best is not None else
                                             f"none (no p reached ε in most runs within {config.steps} steps)")
                    + f" (bound prefers p = {fmt(best_bound[K, init])})"
                    for (K, init), best in best_measured.items()) + ".",
        f"- The bound's preferred p matches the measured best p in {agree} of {len(best_measured)} settings.",
        f"- Measured steps exceeded Theorem 2's guaranteed steps in {sum(violations.values())} of "
        f"{len(units) * config.runs} runs" + (
            " (the bound held in every run)." if not any(violations.values()) else
            " (" + ", ".join(f"p = {fmt(p)}: {n}" for p, n in violations.items() if n)
            + ") — a contradiction of Theorem 2 as we read it, at those p."),
        f"- Recommendation from these runs: p = {fmt(recommended)} was fastest in {wins[recommended]} of "
        f"{len(best_measured)} settings.",
    )
    return EscortPowerResult(quick, config, inits, tuple(rows), violations, len(units) * config.runs, conclusions)


def checks(result: EscortPowerResult) -> tuple[Check, ...]:
    """Theorem 2 bounds every run: no measured t_ε may exceed the guaranteed t_bound of its own run."""
    return (Check("Question 2: runs whose steps to ε exceeded Theorem 2's guaranteed steps t_bound",
                  float(sum(result.violations.values())), 0.0, 0.0,
                  f"Theorem 2 is an upper bound for every run, with c measured on the run itself; "
                  f"{result.runs} runs"),)


def render(result: EscortPowerResult, folder: Path) -> tuple[Path, ...]:
    """The rows (``question_escort_power.csv``) and the figure (``question_escort_power.png``) in ``folder``."""
    data = write_csv(folder / "question_escort_power.csv",
                     ["K", "initialisation", "p", "runs_reaching_epsilon", "runs", "median_steps_to_epsilon",
                      "median_c", "median_bound_steps"], result.rows)
    return data, _figure(folder / "question_escort_power.png", result.rows, result.config, result.inits)


def section(result: EscortPowerResult) -> Section:
    """The findings section: set-up, table and conclusions."""
    config = result.config
    table = markdown_table(
        ["K", "initialisation", "p", f"reached ε = {EPSILON:g}", "median steps", "median c", "median bound steps"],
        [[r[0], r[1], r[2], f"{r[3]} of {r[4]}", r[5] if np.isfinite(r[5]) else f"> {config.steps}", r[6], r[7]]
         for r in result.rows],
    )
    return Section(
        title="Question 2: the choice of p",
        question="Reviewers 1, 2, 4: what is the trade-off in p, and which p should one use?",
        setup=(f"EPG with Theorem 2's step, p ∈ {{{', '.join(map(fmt, config.powers))}}}, K ∈ "
               f"{{{', '.join(map(str, config.actions))}}}, {config.runs} runs per setting with random rewards "
               f"(r(a*) = 1, others U[0, 0.9]), uniform or trap initialisation, at most {config.steps} steps. "
               f"'Bound steps' = 9K^{{1/p}}/(c^{{2−2/p}}ε), Theorem 2 solved for t with the run's own c."),
        figure="question_escort_power.png", table=table, conclusions=result.conclusions,
    )


def _figure(path: Path, rows: tuple[list, ...], config: Settings, inits: tuple[str, ...]) -> Path:
    fig = Figure(figsize=(5 * len(inits), 3.8))
    for ax, init in zip(fig.subplots(1, len(inits), squeeze=False)[0], inits):
        for K in config.actions:
            setting = [r for r in rows if r[0] == K and r[1] == init]
            line = ax.plot([r[2] for r in setting], [r[5] for r in setting], marker="o", label=f"K={K} measured")
            ax.plot([r[2] for r in setting], [r[7] for r in setting], linestyle="--", color=line[0].get_color(),
                    label=f"K={K} Theorem 2 bound")
        ax.set_yscale("log")
        ax.set_xlabel("p")
        ax.set_ylabel(f"median steps to sub-optimality ≤ {EPSILON:g}")
        ax.set_title(init, fontsize=10)
        ax.legend(fontsize=7)
    fig.tight_layout()
    save_png(fig, path, dpi=110)
    return path
