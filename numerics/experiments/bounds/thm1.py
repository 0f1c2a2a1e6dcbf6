"""Theorem 1 as a test that can fail: measured escape times against the derived constant, on held-out settings.

Setting (Theorem 1, Section 2 'Escape time'): r = (b + Δ, b, …, b) ∈ [0, 1]^K with b = (1 − Δ)/2, SPG with a
constant η ∈ (0, 1], θ₁ random with π_{θ₁}(a*) = π₁ set exactly (the other logits standard normal). t₀ is the
first step with (π* − π_t)ᵀr < 0.9Δ (final: under two-level rewards π_t(a*) only grows).

The paper's appendix is not in the project's copy of the paper, so the constant is the project's derivation
(statement ``thm1-odds-step``, checked by ``escort check``): one step lowers x = (1 − π(a*))/π(a*) by at most
2ηΔ, and (π* − π)ᵀr ≥ 0.9Δ iff x ≥ 9, so t₀ > 1 + (1/π₁ − 10)/(2ηΔ) (``BOUNDS["thm1-two-level"]``) from *every*
θ₁: t₀·Δ·π₁ ≥ (1 − 10π₁)/(2η) ≥ 1/4 for η ≤ 1, π₁ ≤ 1/20.

Three checks, each able to fail:

* **the derived bound**, run by run (status from :mod:`numerics.analysis.bound_status`; trivial value t₀ ≥ 1);
* **held-out shape**: C is calibrated as the smallest t₀·Δ·π₁ on the *calibration* cells (larger π₁, their own
  η, Δ and seeds); the *test* cells (smaller π₁, other η, Δ and seeds) must all stay above it — if t₀ grew more
  slowly than 1/π₁ they would fall below;
* **slope**: log10(η·t₀·Δ·π₁) against log10 π₁ on the test cells, with a bootstrap 95 % interval; the theorem's
  shape needs slope ≤ 0 (products bounded away from 0 as π₁ → 0). Also the η-normalised constant η·t₀·Δ·π₁
  (median, bootstrap interval) and the smallest t₀·Δ·π₁.

The quantifier question (∃ initialisation vs ∃ r): the derivation holds for every θ₁ once r is two-level with a*
the action the initialisation makes rare, so for a *fixed* θ₁ the reward vector with a* = argmin_a π_{θ₁}(a)
produces the plateau t₀ ≥ 1 + (1/min_a π_{θ₁}(a) − 10)/(2ηΔ). Measured on the *fixed-θ₁* cells
(:class:`~numerics.experiments.bounds.sizes.FixedInitialisations`): θ₁ is drawn once, entries N(0, σ²), without aiming at any π₁; then r is chosen for
it (a* = the rarest action), and each run gets a status against the derived bound like the test cells. How many
draws have a rare enough action (1e-5 ≤ min_a π_{θ₁}(a) ≤ 1/20, where the bound says more than t₀ ≥ 1 and the run
is affordable; others are skipped) is counted in the summary: ∃r needs θ₁ to make *some* action rare (a
near-uniform θ₁ admits no plateau for any r); the contrast, r with a* = the likeliest action, escapes at once (its
largest t₀ is in the summary).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics.analysis.statistics import fit_line
from numerics.engine import escape_times
from numerics.environments.bandit import gap_rewards, initial_parameters
from numerics.experiments.bounds.comparison import BoundComparison, Theorem
from numerics.experiments.bounds.sizes import FixedInitialisations, Role, Thm1Sizes
from theory.statements import BOUNDS, DELTA, ETA, PI1, Relation

__all__ = ["compare", "derived_escape_bound", "summary"]

derived_escape_bound = sp.lambdify((PI1, ETA, DELTA), BOUNDS["thm1-two-level"].bound, "numpy")
"""1 + (1/π₁ − 10)/(2ηΔ), lambdified from ``BOUNDS["thm1-two-level"]``."""


SMALLEST_PI1 = 1e-5
"""Fixed θ₁ whose rarest action is rarer than this are skipped (t₀ ~ 1/(ηΔπ₁) steps would be too long)."""


def _fixed_initialisations(fixed: FixedInitialisations, seed: int) -> list[BoundComparison]:
    """One row per fixed θ₁ with a rare enough action: t₀ under the r built for it (a* = its rarest action)."""
    Ks, sigma, draws, gap, eta = fixed.Ks, fixed.sigma, fixed.draws, fixed.gap, fixed.eta
    rng = np.random.default_rng([seed, 1, 2])
    rows = []
    for K in Ks:
        theta = sigma * rng.standard_normal((draws, K))
        pi = np.exp(theta - theta.max(axis=1, keepdims=True))
        pi /= pi.sum(axis=1, keepdims=True)
        rarest, likeliest = np.argmin(pi, axis=1), np.argmax(pi, axis=1)
        r = gap_rewards(K, gap=gap, base=(1.0 - gap) / 2)
        for i in range(draws):
            pi1 = float(pi[i, rarest[i]])
            if not SMALLEST_PI1 <= pi1 <= 1 / 20:
                continue
            contrast = escape_times(np.roll(theta[i], -likeliest[i])[None], r, eta=eta, max_steps=100)[0]
            # a* = index 0 of the engine: relabel the actions so that θ₁'s rarest one comes first
            t0 = escape_times(np.roll(theta[i], -rarest[i])[None], r, eta=eta,
                              max_steps=int(4 / (eta * gap * pi1)) + 100)[0]
            rows.append(BoundComparison(
                Theorem.THM1, Relation.GREATER_EQUAL, float(t0), float(derived_escape_bound(pi1, eta, gap)),
                {"role": Role.FIXED, "K": K, "Delta": gap, "eta": eta, "pi_1": pi1, "t0_likeliest": float(contrast),
                 "draws": draws, "sigma": sigma, "theta_1": theta[i].tolist(), "seed": seed},
                "fixed-θ₁ cell; r chosen for θ₁ (a* = its rarest action); derived t₀ > 1 + (1/π₁ − 10)/(2ηΔ)"))
    return rows


def compare(*, sizes: Thm1Sizes, seed: int) -> list[BoundComparison]:
    """One row per run: measured t₀ against the derived bound; role and calibrated C in the parameters."""
    rows = []
    for index, cell in enumerate(sizes.cells):
        rng = np.random.default_rng([seed, 1, index])
        for K in cell.Ks:
            for gap in cell.gaps:
                r = gap_rewards(K, gap=gap, base=(1.0 - gap) / 2)
                for eta in cell.etas:
                    for pi1 in cell.probabilities:
                        theta0 = initial_parameters(rng, sizes.runs, K, transform="softmax",
                                                    optimal_probability=pi1)
                        t0 = escape_times(theta0, r, eta=eta, max_steps=int(4 / (eta * gap * pi1)) + 100)
                        bound = float(derived_escape_bound(pi1, eta, gap))
                        rows += [BoundComparison(
                            Theorem.THM1, Relation.GREATER_EQUAL, float(t), bound,
                            {"role": cell.role, "K": K, "Delta": gap, "eta": eta, "pi_1": pi1,
                             "theta_1": theta0[i].tolist(), "seed": seed},
                            f"{cell.role} cell; derived t₀ > 1 + (1/π₁ − 10)/(2ηΔ)",
                        ) for i, t in enumerate(t0)]
    return rows + _fixed_initialisations(sizes.fixed, seed)


def _bootstrap(values: np.ndarray, statistic, rng: np.random.Generator, n: int = 2000) -> tuple[float, float]:
    draws = [statistic(rng.integers(0, len(values), len(values))) for _ in range(n)]
    return float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))


def summary(rows: list[BoundComparison]) -> dict[str, object]:
    """Calibrated C, the held-out test against it, the slope and the η-normalised constant with 95 % intervals."""
    fixed = [r for r in rows if r.parameters["role"] == Role.FIXED]
    rows = [r for r in rows if r.parameters["role"] != Role.FIXED]
    finite = [r for r in rows if np.isfinite(r.empirical)]
    product = np.array([r.empirical * r.parameters["Delta"] * r.parameters["pi_1"] for r in finite])
    eta = np.array([r.parameters["eta"] for r in finite])
    pi1 = np.array([r.parameters["pi_1"] for r in finite])
    test = np.array([r.parameters["role"] == Role.TEST for r in finite])
    calibrated = float(product[~test].min())  # the calibration cells (fixed-θ₁ rows are set aside above)
    x, y = np.log10(pi1[test]), np.log10(eta[test] * product[test])
    rng = np.random.default_rng(0)

    def slope(index: np.ndarray) -> float:
        return fit_line(x[index], y[index]).slope if np.ptp(x[index]) > 0 else np.nan

    normalised = eta[test] * product[test]
    return {
        "C_calibrated": calibrated,
        "test_runs": int(test.sum()),
        "test_runs_below_C_calibrated": int(np.sum(product[test] < calibrated)),
        "smallest_test_product": float(product[test].min()),
        "C_derived": 0.25,
        "runs_below_C_derived": int(np.sum(product < 0.25)),
        "slope": slope(np.arange(test.sum())),
        "slope_95": _bootstrap(x, slope, rng),
        "eta_normalised_constant_median": float(np.median(normalised)),
        "eta_normalised_constant_95": _bootstrap(normalised, lambda i: float(np.median(normalised[i])), rng),
        "undecided_runs": len(rows) - len(finite),
        "quantifier": "the derived bound holds for every θ₁ once r is two-level with a* the action θ₁ makes rare "
                      "(∃r for each initialisation, and ∀θ₁ for that r); the paper states ∃θ₁",
        "fixed_theta_draws": sum({r.parameters["K"]: r.parameters["draws"] for r in fixed}.values()),
        "fixed_theta_with_rare_action": len(fixed),
        "fixed_theta_below_derived_bound": sum(r.violated for r in fixed),
        "fixed_theta_smallest_product": min((r.empirical * r.parameters["Delta"] * r.parameters["pi_1"]
                                             for r in fixed), default=None),
        "fixed_theta_largest_t0_likeliest": max((r.parameters["t0_likeliest"] for r in fixed), default=None),
    }
