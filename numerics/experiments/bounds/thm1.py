"""Theorem 1: SPG cannot escape a suboptimal corner before t₀ = C/(Δ·π_{θ₁}(a*)) (``BOUNDS["thm1"]``).

Setting (Eq. (2)): rewards r = (b + Δ, b, …, b) ∈ [0, 1]^K with b = (1 − Δ)/2, SPG with a constant step
η ∈ (0, 1], θ₁ random with π_{θ₁}(a*) = π₁ set exactly. The measured escape time t₀ is the first t after which
(π* − π_t)ᵀr < 0.9Δ for good (:func:`numerics.engine.escape_times`).

The π₁ grid starts at 10⁻² (at π₁ = 0.1 the start is already at the level 0.9Δ and t₀ = 1 trivially).
C is existential, so the check is of the bound's *shape*: the products t₀·Δ·π₁ must stay bounded away from 0 as
π₁ → 0. C is calibrated as half the smallest product over the *reference* runs (the larger half of the π₁ grid);
the *test* runs (smaller π₁) then face the bound C/(Δ·π₁) and any of them escaping earlier is an exceedance. The
factor ½ is the allowance for run-to-run spread: the K − 1 other logits are random, and within one (Δ, η, π₁)
cell the products vary by about ±15 %, so the smallest of a few reference runs is undercut by a further sample
without any change of shape. If t₀ grew more slowly than 1/π₁, the products would fall towards 0 and the test
runs would still cross the calibrated bound within a decade or two of π₁.
Also reported: the fitted constant per η (median product) and the slope of log(t₀Δπ₁) on log π₁ (≈ 0 or negative
for the stated shape; clearly positive would mean the products vanish as π₁ → 0).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from foundation.validation import check_num_actions
from numerics.engine import escape_times
from numerics.environments.bandit import gap_rewards, initial_parameters
from numerics.experiments.bounds.comparison import BoundComparison
from numerics.analysis.statistics import fit_line
from theory.statements import BOUNDS, C, DELTA, PI1

__all__ = ["compare", "escape_bound", "summary"]

SPREAD_ALLOWANCE = 0.5
"""C = SPREAD_ALLOWANCE × the smallest reference product (see the module docstring)."""

escape_bound = sp.lambdify((C, DELTA, PI1), BOUNDS["thm1"].bound, "numpy")
"""t₀ = C/(Δ·π₁), lambdified from ``BOUNDS["thm1"]``."""


def _grid(quick: bool) -> tuple[np.ndarray, tuple[float, ...], tuple[float, ...], int]:
    if quick:
        return np.logspace(-2, -4, 5), (0.2, 0.8), (0.25, 1.0), 2
    return np.logspace(-2, -5, 7), (0.2, 0.5, 0.9), (0.25, 0.5, 1.0), 4


def compare(*, quick: bool, seed: int, K: int = 4) -> list[BoundComparison]:
    """Escape times over the (π₁, Δ, η) grid against C/(Δ·π₁) with C calibrated on the reference half."""
    K = check_num_actions(K)
    rng = np.random.default_rng(seed)
    probabilities, gaps, steps, runs = _grid(quick)
    measured = []
    for gap in gaps:
        r = gap_rewards(K, gap=gap, base=(1.0 - gap) / 2)
        for eta in steps:
            for pi1 in probabilities:
                theta0 = initial_parameters(rng, runs, K, transform="softmax", optimal_probability=float(pi1))
                t0 = escape_times(theta0, r, eta=eta, max_steps=int(200 / (eta * gap * pi1)))
                measured += [(gap, eta, float(pi1), float(t), theta0[i]) for i, t in enumerate(t0)]
    reference = probabilities[: (probabilities.size + 1) // 2]
    constant = SPREAD_ALLOWANCE * min(t * gap * pi1 for gap, _, pi1, t, _ in measured if pi1 in reference)
    rows = []
    for gap, eta, pi1, t, theta0 in measured:
        role = "reference (calibrates C)" if pi1 in reference else "test"
        rows.append(BoundComparison(
            theorem="thm1", relation=">=", empirical=t, bound=float(escape_bound(constant, gap, pi1)),
            parameters={"K": K, "Delta": gap, "base": (1.0 - gap) / 2, "eta": eta, "pi_1": pi1, "C": constant,
                        "theta_1": theta0.tolist(), "seed": seed},
            note=role,
        ))
    return rows


def summary(rows: list[BoundComparison]) -> dict[str, object]:
    """Fitted constant per η (median t₀Δπ₁), smallest product, and the slope of log(t₀Δπ₁) on log π₁."""
    finite = [r for r in rows if np.isfinite(r.empirical)]
    products = np.array([r.empirical * r.parameters["Delta"] * r.parameters["pi_1"] for r in finite])
    pi1 = np.array([r.parameters["pi_1"] for r in finite])
    etas = sorted({r.parameters["eta"] for r in finite})
    small = pi1 <= np.median(pi1)
    slope = fit_line(np.log10(pi1[small]), np.log10(products[small])).slope
    return {
        "C_fitted_by_eta": {eta: float(np.median(products[[r.parameters["eta"] == eta for r in finite]]))
                            for eta in etas},
        "C_min": float(products.min()),
        "slope_log_product_on_log_pi1_small_half": slope,
        "undecided_runs": len(rows) - len(finite),
    }
