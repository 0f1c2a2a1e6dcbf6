"""Theorem 3 against EPG runs on finite MDPs: measured V*(ρ) − V^{π_t}(ρ) versus the stated bound.

Theorem 3 (as ``BOUNDS['thm3']``): EPG with the state-wise step η_t(s) = (1−γ)³‖θ_t(s, ·)‖_p²/(10p²A^{2/p}) and
any θ₁ with |θ₁(s, a)| > 0 satisfies, for p ≥ 2 or p = 1 and every t ≥ 1,

    V*(ρ) − V^{π_t}(ρ) ≤ 20·A^{2/p}·S / (c^{2−2/p}·(1−γ)⁶·t) · ‖d_μ^{π*}/μ‖²_∞ · ‖1/μ‖_∞,

c = inf_s inf_{t≥1} π_t(a*(s)|s). What we measure, per run (μ = ρ, the start distribution of the gradient):

* the run: :func:`numerics.engine.mdp_policy_gradient.run_mdp` ("epg", step_scale = 1: the theorem's step exactly);
* π*: where several actions are optimal (ties, e.g. Four-room's equally short routes), the theorem may use any
  optimal deterministic π*; we take in each state the optimal action with the largest inf_t π_t(a|s), which gives
  the largest c and so the *smallest* bound, the hardest test;
* c: inf over the run's steps of π_t(a*(s)|s) (the paper's inf runs over all t ≥ 1; beyond the horizon it can
  only be smaller, which would raise the bound, so the finite-horizon c makes the test stricter, never laxer);
* the distribution factor ‖d_μ^{π*}/μ‖²_∞·‖1/μ‖_∞ with d_μ^{π*} the *discounted state distribution* of π*
  from μ (a reviewer notes that Lemma 4 as printed needs it, not μ itself);
* the worst ratio max_t (V*(ρ) − V^{π_t}(ρ))/bound(t) over the recorded steps (t = step + 1).

Problems: random MDPs (S = 5, A = 3, γ = 0.5 and 0.9, p = 2 and p = 1) and Four-room (γ = 0.99, p = 2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from numerics.experiments.bounds.comparison import BoundComparison, Theorem
from numerics.experiments.bounds.sizes import RunSizes
from numerics.environments.gridworld import four_room
from numerics.environments.mdp import FiniteMDP, optimal_actions, random_mdp, state_distribution
from numerics.engine.mdp_policy_gradient import MDPTrajectory, run_mdp
from theory.statements import BOUNDS, Relation

__all__ = ["Problem", "compare", "distribution_factor", "favourable_optimal_policy", "problems", "theorem3_bound"]

theorem3_bound: Callable[..., np.ndarray] = sp.lambdify(
    sp.symbols("t c gamma distribution_factor p S A", positive=True), BOUNDS["thm3"].bound, modules="numpy"
)
"""Theorem 3's bound at (t, c, γ, ‖d_ρ^{π*}/μ‖²_∞‖1/μ‖_∞, p, S, A), lambdified from ``BOUNDS["thm3"]``."""


@dataclass(frozen=True)
class Problem:
    """One MDP of the comparison (ρ = μ uniform), its escort power p, and whether it is a random MDP (else
    Four-room)."""

    name: str
    mdp: FiniteMDP
    p: float
    random: bool


def problems(*, seed: int) -> list[Problem]:
    """The problems of the comparison; the random MDPs are seeded by ``seed``."""
    rng = np.random.default_rng([seed, 3])
    random = [Problem(f"random S=5 A=3 gamma={g} p={p:g}", random_mdp(rng, 5, 3, g), p, True)
              for g in (0.5, 0.9) for p in (2.0, 1.0)]
    return random + [Problem("four-room gamma=0.99 p=2", four_room()[0], 2.0, False)]


def favourable_optimal_policy(mdp: FiniteMDP, running_min: np.ndarray) -> np.ndarray:
    """Deterministic optimal π* (S, A) choosing, among the optimal actions of each state, the one with the largest
    inf_t π_t(a|s) (``running_min`` of one run)."""
    score = np.where(optimal_actions(mdp), running_min, -np.inf)
    return np.eye(mdp.n_actions)[np.argmax(score, axis=-1)]


def distribution_factor(mdp: FiniteMDP, optimal_policy: np.ndarray, mu: np.ndarray,
                        rho: np.ndarray | None = None) -> float:
    """‖d_ρ^{π*}/μ‖²_∞ · ‖1/μ‖_∞ with the discounted state distribution d_ρ^{π*} from the measured distribution ρ
    (default ρ = μ) and μ the gradient's start distribution (Theorem 3's last two factors)."""
    d = state_distribution(mdp, optimal_policy, mu if rho is None else rho)
    return float(np.max(d / mu) ** 2 * np.max(1 / mu))


def _rows(name: str, mdp: FiniteMDP, p: float, traj: MDPTrajectory, seed: int) -> list[BoundComparison]:
    rows = []
    t = traj.steps + 1.0
    for run in range(traj.suboptimality.shape[0]):
        star = favourable_optimal_policy(mdp, traj.running_min[run])
        c = float(np.min(np.sum(star * traj.running_min[run], axis=-1)))
        factor = distribution_factor(mdp, star, mdp.rho)
        bound = theorem3_bound(t, c, mdp.gamma, factor, p, mdp.n_states, mdp.n_actions)
        worst = int(np.argmax(traj.suboptimality[run] / bound))
        rows.append(BoundComparison(
            theorem=Theorem.THM3, relation=Relation.LESS_EQUAL, empirical=float(traj.suboptimality[run, worst]),
            bound=float(bound[worst]),
            parameters={"problem": name, "run": run, "seed": seed, "p": p, "gamma": mdp.gamma, "S": mdp.n_states,
                        "A": mdp.n_actions, "t": float(t[worst]), "steps": int(traj.steps[-1]), "c": c,
                        "distribution_factor": factor},
            note=f"worst ratio over the run at t = {t[worst]:g}; c and ‖d_μ^π*/μ‖²‖1/μ‖ = {factor:.4g} measured, "
                 "μ = ρ uniform, EPG at Theorem 3's step",
        ))
    return rows


def compare(*, sizes: RunSizes, seed: int) -> list[BoundComparison]:
    """One :class:`BoundComparison` per (problem, run): the run's worst ratio of sub-optimality to the bound."""
    steps, runs = sizes.steps, sizes.runs
    rows = []
    for problem in problems(seed=seed):
        name, mdp, p = problem.name, problem.mdp, problem.p
        rng = np.random.default_rng([seed, mdp.n_states, int(p)])
        theta0 = rng.standard_normal((runs, mdp.n_states, mdp.n_actions))
        length = steps // 10 if mdp.n_states > 10 else steps  # Four-room: 104 states, ~50x the cost of a step
        traj = run_mdp("epg", mdp, theta0, mdp.rho, length, p=p, record_per_decade=20)
        rows.extend(_rows(name, mdp, p, traj, seed))
    return rows
