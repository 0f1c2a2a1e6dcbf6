"""Theorem 5: escort cross entropy (ECE, p = 2) converges linearly, Eq. (13).

    −log π_t(a_y) = KL(y‖π_t) ≤ KL(y‖π_1)·exp{−(t − 1)/(2(3 + c₁²))},   η_t = ‖θ_t‖_2²/(4(3 + c₁²)),
    1/c₁² = π_{θ₁}(a_y)

(``BOUNDS["thm5"]``, lambdified here). Runs: gradient descent with this step (:func:`run_classification` "ece",
its default step), label a_y = 0, θ₁ standard normal, and θ₁ with π_{θ₁}(a_y) = 10⁻³ (a large c₁²). One row per
run: the empirical value is δ_t at the t ≥ 2 maximising δ_t/bound, the bound its value there (at t = 1 both sides
are δ₁). Points with δ_t below 1e-250 are left out: δ is then at the end of double precision, and the bound
would be compared with rounding.

Beside :mod:`numerics.experiments.bounds.thm5_rate` (which decides Theorem 5's status): both test Eq. (13) on ECE
runs, but over different horizons. ``thm5_rate`` stops each run once the guarantee asks for 3 e-folds and records
60 steps per decade; these rows record *every* step of a fixed horizon (10⁴ steps in the full form), which for
standard normal θ₁ (c₁² ≈ K) is tens of guaranteed e-folds: the only check of the bound deep into convergence.
"""


from __future__ import annotations

import numpy as np
import sympy as sp

from numerics.engine import run_classification
from numerics.experiments.bounds.comparison import BoundComparison, Theorem
from numerics.experiments.bounds.sizes import RunSizes
from theory.statements import BOUNDS, C1, T, Relation

__all__ = ["compare", "cross_entropy_bound"]

FLOOR = 1e-250

cross_entropy_bound = sp.lambdify((sp.Symbol("kl_1", positive=True), T, C1), BOUNDS["thm5"].bound, "numpy")
"""KL(y‖π₁)·exp{−(t − 1)/(2(3 + c₁²))}, lambdified from ``BOUNDS["thm5"]``."""


def _initial(rng: np.random.Generator, runs: int, K: int, label_probability: float | None) -> np.ndarray:
    """Standard normal θ₁, or rescaled so that the escort p = 2 gives π_{θ₁}(a_y = 0) = ``label_probability``."""
    theta = rng.standard_normal((runs, K))
    if label_probability is not None:
        rest = np.sum(theta[:, 1:] ** 2, axis=1)
        theta[:, 0] = np.sign(theta[:, 0]) * np.sqrt(label_probability / (1 - label_probability) * rest)
    return theta


def compare(*, sizes: RunSizes, seed: int) -> list[BoundComparison]:
    """ECE p = 2 rows for K ∈ {2, 10, 50} and two kinds of initialisation."""
    runs, steps = sizes.runs, sizes.steps
    rng = np.random.default_rng(seed)
    rows = []
    for K in (2, 10, 50):
        for start in (None, 1e-3):
            theta0 = _initial(rng, runs, K, start)
            traj = run_classification("ece", theta0, 0, steps, p=2.0, record_every=1)
            t = traj.steps + 1.0
            delta = traj.cross_entropy
            for b in range(runs):
                keep = (delta[b] > FLOOR) & (t >= 2)
                c1_squared = float(np.exp(delta[b, 0]))
                bound = cross_entropy_bound(delta[b, 0], t[keep], np.sqrt(c1_squared))
                i = int(np.argmax(delta[b, keep] / bound))
                rows.append(BoundComparison(
                    Theorem.THM5, Relation.LESS_EQUAL, float(delta[b, keep][i]), float(bound[i]),
                    {"K": K, "p": 2.0, "label": 0, "steps": steps, "c1_squared": c1_squared, "t": int(t[keep][i]),
                     "theta_1": theta0[b].tolist(), "seed": seed},
                    "θ₁ standard normal" if start is None else f"θ₁ with π₁(a_y) = {start:g}",
                ))
    return rows
