"""Theorem 4 against entropy-regularised EPG runs: the linear rate's *shape*, its fitted rate, and the prefactor.

Theorem 4 (Eq. (6)): for p ≥ 2, entropy-regularised EPG satisfies

    Ṽ^{π*_τ}(ρ) − Ṽ^{π_t}(ρ) ≤ ‖1/μ‖_∞ · (1 + τ log A)/(1 − γ)² · exp(−C_τ·c'²·t),   c' > c = inf_{s,a,t} π_t(a|s),

with c_τ (in the step) and C_τ "problem-dependent constants" the paper does not give. So no number can be
checked against the full right-hand side; what can be checked:

* shape: log(Ṽ* − Ṽ_t) is linear in t. We fit a line to log sub-optimality against t over the recorded steps
  t ≥ T/10 above the rounding floor (1e-11; soft value iteration stops at 1e-12) and report the fitted rate k̂
  and R², beside the R² of a line against log t (a power law t^{−β}, the shape of Theorem 3's O(1/t)): the
  linear shape is supported where the first R² is the larger;
* the prefactor: with the fitted rate, the smallest envelope A·exp(−k̂·t) over the run has A = max_t gap_t·e^{k̂t}.
  Eq. (6) with C_τ c'² = k̂ holds iff A ≤ ‖1/μ‖_∞(1 + τ log A)/(1 − γ)² — that is the ratio reported (≤ 1 holds);
* c: inf over the run of min_{s,a} π_t(a|s), and k̂/c² ≥ k̂/c'², the largest C_τ the observed rate allows.

Runs: :func:`numerics.engine.mdp_policy_gradient.run_mdp` ("epg-entropy", step_scale = 1: the theorem's step in the
reading documented there; the step size is never tuned here), p = 2, on the random MDPs of
:func:`numerics.experiments.bounds.thm3.problems` with γ = 0.5 (the γ = 0.9 step, (1−γ)³ = 1e-3 times smaller, does not reach
the linear regime within the budget), μ = ρ uniform, τ = 0.1 and 0.5.
"""

from __future__ import annotations

import numpy as np

from numerics.experiments.bounds.comparison import BoundComparison
from numerics.experiments.bounds.thm3 import problems
from numerics.analysis.statistics import fit_line
from numerics.environments.mdp import FiniteMDP
from numerics.engine.mdp_policy_gradient import run_mdp
from numerics.engine.step_sizes import theorem4_prefactor

__all__ = ["ROUNDING_FLOOR", "compare", "prefactor"]

ROUNDING_FLOOR = 1e-11
"""Sub-optimalities below this are rounding (Ṽ*_τ is known to 1e-12/(1 − γ)); the fit ignores them."""
P = 2.0


def prefactor(mdp: FiniteMDP, tau: float) -> float:
    """‖1/μ‖_∞ · (1 + τ log A)/(1 − γ)² of Eq. (6), μ = the MDP's ρ."""
    return theorem4_prefactor(float(np.max(1 / mdp.rho)), tau, mdp.n_actions, mdp.gamma)


def _row(name: str, mdp: FiniteMDP, tau: float, t: np.ndarray, gap: np.ndarray, c: float, seed: int,
         run: int) -> BoundComparison:
    window = (t >= t[-1] / 10) & (gap > ROUNDING_FLOOR)
    fit = fit_line(t[window], np.log(gap[window]))
    power_law = fit_line(np.log(t[window]), np.log(gap[window]))
    rate = -fit.slope
    envelope = float(np.max(gap * np.exp(rate * t)))
    return BoundComparison(
        theorem="Theorem 4", relation="<=", empirical=envelope, bound=prefactor(mdp, tau),
        parameters={"problem": name, "run": run, "seed": seed, "tau": tau, "p": P, "gamma": mdp.gamma,
                    "steps": int(t[-1] - 1), "fitted_rate": rate, "r_squared": fit.r_squared,
                    "r_squared_power_law": power_law.r_squared, "fit_points": fit.n,
                    "c": c, "largest_C_tau": rate / c**2},
        note=f"log gap against t: fitted rate {rate:.3g} per step, R² = {fit.r_squared:.4f} (against log t: "
             f"{power_law.r_squared:.4f}); empirical = smallest "
             "prefactor of an envelope with that rate, bound = Eq. (6)'s prefactor; C_τ, c' unspecified",
    )


def compare(*, quick: bool, seed: int) -> list[BoundComparison]:
    """One :class:`BoundComparison` per (problem, τ, run); see the module docstring for what is compared."""
    steps, runs = (1500, 2) if quick else (20_000, 3)
    rows = []
    chosen = [(name, mdp) for name, mdp, p in problems(quick=quick, seed=seed)
              if name.startswith("random") and mdp.gamma == 0.5 and p == P]
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
