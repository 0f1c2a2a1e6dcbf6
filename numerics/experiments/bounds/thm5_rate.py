"""Theorem 5's guaranteed linear rate against the rate ECE actually achieves, from several initialisations.

Eq. (13): δ_t = −log π_t(a_y) ≤ δ₁·exp{−(t − 1)/(2(3 + c₁²))}, 1/c₁² = π_{θ₁}(a_y), with ECE (p = 2) at
η_t = ‖θ_t‖_2²/(4(3 + c₁²)) (``BOUNDS["thm5"]``). In rate form the bound holds at t iff the *average* rate
k̄_t = log(δ₁/δ_t)/(t − 1) is at least the guaranteed k = 1/(2(3 + c₁²)); so the check is min_t k̄_t/k ≥ 1 (it
fails if any t falls short), reported with the e-folds the guarantee asks for over the horizon, (T − 1)·k (a
guarantee of a fraction of one e-fold says little more than "the loss decreases"), and the observed linear rate
k̂ = −slope of log δ_t on t (least squares over the recorded steps with δ_t above 1e-250).

Initialisations: θ₁ standard normal (c₁² ≈ K), and θ₁ with π_{θ₁}(a_y) = 10⁻¹ … 10⁻⁴ (c₁² up to 10⁴, the trap);
the horizon is chosen per run so the guarantee asks for :data:`EFOLDS` e-folds: T = EFOLDS·2(3 + c₁²) + 1.
"""

from __future__ import annotations

import numpy as np

from numerics.analysis.statistics import fit_line
from numerics.engine import run_classification
from numerics.environments.bandit import initial_parameters
from numerics.experiments.bounds.sizes import Thm5RateSizes

__all__ = ["EFOLDS", "FLOOR", "cell_rates", "rates"]

EFOLDS = 3.0
"""The guarantee's e-folds over each run's horizon."""

FLOOR = 1e-250
"""δ_t below this is the end of double precision; such steps are left out of the rates."""


def rates(*, sizes: Thm5RateSizes, seed: int) -> list[dict[str, float]]:
    """One record per run (see :func:`cell_rates`) for every K and initialisation of ``sizes``."""
    Ks, probabilities, runs = sizes.Ks, sizes.probabilities, sizes.runs
    rng = np.random.default_rng([seed, 5])
    return [record for K in Ks for q in probabilities for record in cell_rates(rng, K, q, runs, seed=seed)]


def cell_rates(rng: np.random.Generator, K: int, q: float | None, runs: int, *, seed: int) -> list[dict[str, float]]:
    """``runs`` ECE runs from θ₁ with π_{θ₁}(a_y) = q (standard normal if None): c₁², the guaranteed rate k, the
    worst average rate ratio min_t k̄_t/k, the observed linear rate k̂, and the guarantee's e-folds."""
    theta0 = initial_parameters(rng, runs, K, transform="escort", p=2.0, optimal_probability=q)
    c1_squared = np.exp(_cross_entropy(theta0))
    steps = int(EFOLDS * 2 * (3 + c1_squared.max())) + 1
    traj = run_classification("ece", theta0, 0, steps, p=2.0, record_per_decade=60)
    t = traj.steps + 1.0
    records = []
    for b in range(runs):
        delta = traj.cross_entropy[b]
        keep = (delta > FLOOR) & (t >= 2)
        guaranteed = float(1 / (2 * (3 + c1_squared[b])))
        average = np.log(delta[0] / delta[keep]) / (t[keep] - 1)
        worst = int(np.argmin(average))
        slope = fit_line(t[keep], np.log(delta[keep])).slope if keep.sum() >= 3 else np.nan
        records.append({
            "K": K, "start": "standard normal" if q is None else f"π₁(a_y) = {q:g}", "run": b,
            "c1_squared": float(c1_squared[b]), "guaranteed_rate": guaranteed,
            "worst_average_rate_ratio": float(average[worst] / guaranteed), "worst_t": float(t[keep][worst]),
            "observed_rate": float(-slope), "observed_over_guaranteed": float(-slope / guaranteed),
            "guaranteed_efolds": float((t[-1] - 1) * guaranteed), "steps": steps, "seed": seed,
        })
    return records


def _cross_entropy(theta: np.ndarray) -> np.ndarray:
    """δ₁ = −log π_{θ₁}(a_y = 0) under the p = 2 escort: log(‖θ‖_2²/θ(0)²)."""
    return np.log(np.sum(theta**2, axis=1) / theta[:, 0] ** 2)
