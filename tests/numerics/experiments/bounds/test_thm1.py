"""Theorem 1 against the derived constant: measured escape times sit above 1 + (1/π₁ − 10)/(2ηΔ), nearly on it for
K = 2 (where the one-step lemma is tight), and a planted too-large step breaks the bound."""

from dataclasses import replace

import numpy as np
import pytest

from numerics.engine import escape_times
from numerics.environments.bandit import gap_rewards, initial_parameters
from numerics.experiments.bounds import thm1
from numerics.experiments.bounds.sizes import SIZES, Role
from numerics.analysis.bound_status import Status
from numerics.experiments.bounds.statuses import status_rows


def _t0(K: int, eta: float, gap: float, pi1: float, runs: int = 3) -> np.ndarray:
    theta0 = initial_parameters(np.random.default_rng(5), runs, K, transform="softmax", optimal_probability=pi1)
    return escape_times(theta0, gap_rewards(K, gap=gap, base=(1 - gap) / 2), eta=eta,
                        max_steps=int(4 / (eta * gap * pi1)) + 100)


def test_the_bound_is_the_derived_expression():
    assert thm1.derived_escape_bound(1e-3, 0.5, 0.2) == pytest.approx(1 + (1e3 - 10) / (2 * 0.5 * 0.2))


@pytest.mark.parametrize("K", [2, 5])
def test_escape_times_stay_above_the_derived_bound_and_k2_is_nearly_tight(K):
    t0 = _t0(K, eta=0.8, gap=0.5, pi1=1e-3)
    bound = thm1.derived_escape_bound(1e-3, 0.8, 0.5)
    assert np.all(t0 >= bound)
    if K == 2:
        assert np.all(t0 <= 1.02 * bound)  # the lemma's 2ηΔ is attained as π(a*) → 0 when K = 2


def test_a_planted_larger_step_falls_below_the_bound_for_the_stated_step():
    t0 = _t0(2, eta=1.0, gap=0.5, pi1=1e-3)
    assert np.all(t0 < thm1.derived_escape_bound(1e-3, 0.5, 0.5))


def test_calibration_and_test_cells_share_no_setting():
    for calibration, test in (SIZES.quick.thm1.cells, SIZES.full.thm1.cells):
        for name in ("gaps", "etas", "probabilities"):
            assert not set(getattr(calibration, name)) & set(getattr(test, name))


def test_fixed_initialisations_get_their_plateau_from_the_r_chosen_for_them_and_not_from_any_r():
    rows = thm1._fixed_initialisations(SIZES.quick.thm1.fixed, 0)
    assert rows and all(r.parameters["role"] is Role.FIXED for r in rows)
    assert all(r.empirical >= r.bound > 1 for r in rows)  # ∃r: a* = the rarest action of the fixed θ₁
    assert all(r.parameters["t0_likeliest"] < r.bound for r in rows)  # not ∀r: a* = the likeliest escapes at once
    (status,) = [s for s in status_rows(rows, []) if s.setting.startswith("fixed")]
    assert status.status.status is Status.HOLDS
    planted = [replace(r, bound=2 * r.empirical) for r in rows[:1]]  # a bound the run cannot meet
    (failed,) = [s for s in status_rows(planted, []) if s.setting.startswith("fixed")]
    assert failed.status.status is not Status.HOLDS
