"""Theorem 4 against entropy-regularised EPG runs: the largest C_τ each run allows, read off the run (no fit).

Theorem 4 (Eq. (6)): for p ≥ 2, entropy-regularised EPG satisfies

    Ṽ^{π*_τ}(ρ) − Ṽ^{π_t}(ρ) ≤ P·exp(−C_τ·c'²·t),   P = ‖1/μ‖_∞(1 + τ log A)/(1 − γ)²,   c' > c = inf_{s,a,t} π_t(a|s),

with c_τ (in the step) and C_τ "problem-dependent constants" the paper does not give; the runs use the project's
reading c_τ = p²τ(4 + 8 log A) (``BOUNDS["thm4"]``, labelled there). So the statement is *not checkable as
stated*; what the runs determine, per run, without fitting anything:

* the largest rate κ for which Eq. (6)'s form holds at every recorded step, κ_max = min_t log(P/gap_t)/t (the
  supremum over t of gap_t/(P·e^{−κt}) is ≤ 1 exactly for κ ≤ κ_max), over the steps whose gap is above the
  rounding floor (1e-11: soft value iteration stops at 1e-12, below it the gap is not resolved);
* the largest C_τ the run allows, κ_max/c² (c' ↓ c; any c' > c only lowers it); a problem's C_τ must serve all its
  runs, so :mod:`numerics.experiments.bounds.statuses` reports the smallest over them;
* :func:`status_at`: the status of Eq. (6) at a *given* C_τ (holds / vacuous on this horizon / exceeded), against
  the trivial bound (1 + τ log A)/(1 − γ) of a soft sub-optimality; a C_τ above κ_max/c² is exceeded;
* the shape, as a diagnostic only: R² of log gap against t (linear rate) beside R² against log t (a power law).

The comparison row's ratio is max_t gap_t/P, Eq. (6) as C_τ → 0 (the only number the statement fixes).

Runs: :func:`numerics.engine.mdp_policy_gradient.run_mdp` ("epg-entropy", step_scale = 1: the theorem's step in the
reading documented there; the step size is never tuned here), p = 2, on the random MDPs of
:func:`numerics.experiments.bounds.thm3.problems` with γ = 0.5 (the γ = 0.9 step, (1−γ)³ = 1e-3 times smaller, does not reach
the linear regime within the budget), μ = ρ uniform, τ = 0.1 and 0.5.
"""

from __future__ import annotations

import numpy as np

from numerics.experiments.bounds.comparison import BoundComparison, Theorem
from numerics.experiments.bounds.sizes import RunSizes
from numerics.analysis.bound_status import BoundStatus, classify
from numerics.experiments.bounds.thm3 import problems
from numerics.analysis.statistics import fit_line
from numerics.environments.mdp import FiniteMDP
from numerics.engine.mdp_policy_gradient import run_mdp
from numerics.engine.step_sizes import theorem4_prefactor
from theory.statements import Relation

__all__ = ["ROUNDING_FLOOR", "compare", "largest_rate", "prefactor", "status_at", "trivial_bound"]

ROUNDING_FLOOR = 1e-11
"""Sub-optimalities below this are rounding (Ṽ*_τ is known to 1e-12/(1 − γ)); they do not enter κ_max."""
P = 2.0


def prefactor(mdp: FiniteMDP, tau: float) -> float:
    """‖1/μ‖_∞ · (1 + τ log A)/(1 − γ)² of Eq. (6), μ = the MDP's ρ."""
    return theorem4_prefactor(float(np.max(1 / mdp.rho)), tau, mdp.n_actions, mdp.gamma)


def trivial_bound(mdp: FiniteMDP, tau: float) -> float:
    """(1 + τ log A)/(1 − γ): the largest soft sub-optimality of any policy (rewards in [0, 1], entropy ≤ log A)."""
    return (1 + tau * np.log(mdp.n_actions)) / (1 - mdp.gamma)


def largest_rate(t: np.ndarray, gap: np.ndarray, prefactor_value: float) -> float:
    """κ_max = min_t log(P/gap_t)/t over the recorded steps with gap_t > :data:`ROUNDING_FLOOR`: the largest κ with
    gap_t ≤ P·e^{−κt} at all of them (inf if none is resolved).

    >>> round(largest_rate(np.array([1.0, 2.0, 3.0]), np.exp(-np.array([0.5, 1.0, 1.2])), 1.0), 12)
    0.4
    """
    resolved = gap > ROUNDING_FLOOR
    if not resolved.any():
        return float("inf")
    return float(np.min(np.log(prefactor_value / gap[resolved]) / t[resolved]))


def status_at(C_tau: float, t: np.ndarray, gap: np.ndarray, c: float, prefactor_value: float,
              trivial: float) -> BoundStatus:
    """The status of Eq. (6) with the given C_τ and c' = c on one run, over the recorded steps whose gap is above
    :data:`ROUNDING_FLOOR` (as :func:`largest_rate`). An exceedance counts only where the gap is above the bound by
    more than the floor (there is no 50-digit MDP re-run; the confirmation says so)."""
    resolved = gap > ROUNDING_FLOOR
    t, gap = t[resolved], gap[resolved]
    bound = prefactor_value * np.exp(-C_tau * c**2 * t)

    def confirm(i: int) -> tuple[bool, str]:
        real = bool(gap[i] - bound[i] > ROUNDING_FLOOR)
        return real, (f"gap {gap[i]:.6g} above the bound {bound[i]:.6g} by more than the soft values' accuracy "
                      f"{ROUNDING_FLOOR:g} (float64 run; no high-precision MDP re-run)")

    return classify(t, gap, bound, relation=Relation.LESS_EQUAL, trivial=trivial, confirm=confirm,
                    bound_at=lambda s: prefactor_value * np.exp(-C_tau * c**2 * s))


def _row(name: str, mdp: FiniteMDP, tau: float, t: np.ndarray, gap: np.ndarray, c: float, seed: int,
         run: int) -> BoundComparison:
    window = (t >= t[-1] / 10) & (gap > ROUNDING_FLOOR)
    fit = fit_line(t[window], np.log(gap[window]))
    power_law = fit_line(np.log(t[window]), np.log(gap[window]))
    scale = prefactor(mdp, tau)
    rate = largest_rate(t, gap, scale)
    return BoundComparison(
        theorem=Theorem.THM4, relation=Relation.LESS_EQUAL, empirical=float(np.max(gap)), bound=scale,
        parameters={"problem": name, "run": run, "seed": seed, "tau": tau, "p": P, "gamma": mdp.gamma,
                    "steps": int(t[-1] - 1), "largest_rate": rate, "largest_C_tau": rate / c**2, "c": c,
                    "prefactor": scale, "trivial": trivial_bound(mdp, tau), "t": t.tolist(), "gap": gap.tolist(),
                    "fitted_rate_diagnostic": -fit.slope, "r_squared": fit.r_squared,
                    "r_squared_power_law": power_law.r_squared},
        note=f"largest rate with gap ≤ P·e^(−κt) at every recorded step κ_max = {rate:.4g}, so C_τ ≤ "
             f"{rate / c**2:.4g} (c = {c:.3g}); shape: R² {fit.r_squared:.4f} linear in t vs "
             f"{power_law.r_squared:.4f} in log t; ratio = max gap / P (C_τ → 0)",
    )


def compare(*, sizes: RunSizes, seed: int) -> list[BoundComparison]:
    """One :class:`BoundComparison` per (problem, τ, run); see the module docstring for what is compared."""
    steps, runs = sizes.steps, sizes.runs
    rows = []
    chosen = [(problem.name, problem.mdp) for problem in problems(seed=seed)
              if problem.random and problem.mdp.gamma == 0.5 and problem.p == P]
    for name, mdp in chosen:
        for tau in (0.1, 0.5):
            rng = np.random.default_rng([seed, 4, int(10 * tau)])
            theta0 = rng.standard_normal((runs, mdp.n_states, mdp.n_actions))
            traj = run_mdp("epg-entropy", mdp, theta0, mdp.rho, steps, p=P, tau=tau,
                           record_every=max(1, steps // 200))
            t = traj.steps + 1.0
            for run in range(runs):
                c = float(traj.running_min[run].min())
                rows.append(_row(f"{name} tau={tau:g}", mdp, tau, t, traj.suboptimality[run], c, seed, run))
    return rows
