"""The status vocabulary: a planted too-strong bound turns a real run into "exceeded" (confirmed at 50 digits), an
inflated bound into "vacuous" with the step where it would bite, a float-only alarm never into "exceeded"."""

import numpy as np
import pytest

from numerics.engine import run_bandit
from numerics.experiments.bounds import thm2
from numerics.engine.precise import precise_suboptimality
from numerics.analysis.bound_status import Status, classify, first_biting_step, not_checkable
from foundation.validation import InputError
from theory.statements import Relation

STEPS = 300


@pytest.fixture(scope="module")
def epg_run():
    rng = np.random.default_rng(3)
    theta, r = rng.standard_normal(3), rng.uniform(size=3)
    traj = run_bandit("epg", theta[None], r, STEPS, p=2.0, record_every=1, backend="compiled")
    t = traj.steps + 1.0
    c = float(traj.optimal_probability[0].min())
    return theta, r, t, traj.suboptimality[0], thm2.ascent_bound(t, c, 3, 2.0), float(r.max() - r.min())


def _confirm(theta, r, bound):
    def confirm(i: int) -> tuple[bool, str]:
        precise = precise_suboptimality(theta, r, 2.0, i)
        return bool(precise[i] > bound[i]), "confirmed by a 50-digit re-run"
    return confirm


def test_the_stated_bound_holds_where_it_bites(epg_run):
    theta, r, t, gap, bound, trivial = epg_run
    status = classify(t, gap, bound, relation=Relation.LESS_EQUAL, trivial=trivial, confirm=_confirm(theta, r, bound))
    assert status.status is Status.HOLDS
    assert 1 < status.biting_step < STEPS and status.worst_ratio <= 1


def test_a_planted_too_strong_bound_is_exceeded_and_confirmed_with_a_minimal_replay(epg_run):
    theta, r, t, gap, bound, trivial = epg_run
    strong = bound / 1e3
    status = classify(t, gap, strong, relation=Relation.LESS_EQUAL, trivial=trivial, confirm=_confirm(theta, r, strong),
                      replay=lambda i: {"steps": int(t[i] - 1)})
    assert status.status is Status.EXCEEDED
    assert status.worst_ratio > 1 and "50-digit" in status.confirmation
    first = int(np.argmax(gap > strong))
    assert status.replay == {"steps": first} and status.worst_step == t[first]


def test_an_unconfirmed_float_alarm_is_never_exceeded(epg_run):
    theta, r, t, gap, bound, trivial = epg_run
    status = classify(t, gap, bound / 1e3, relation=Relation.LESS_EQUAL, trivial=trivial, confirm=lambda i: (False, ""))
    assert status.status is Status.HOLDS and status.unconfirmed > 0


def test_an_inflated_bound_is_vacuous_with_the_step_where_it_bites(epg_run):
    _, _, t, gap, _, trivial = epg_run
    inflated = 1e6 / t
    status = classify(t, gap, inflated, relation=Relation.LESS_EQUAL, trivial=trivial, bound_at=lambda s: 1e6 / s)
    assert status.status is Status.VACUOUS
    assert status.biting_step == pytest.approx(np.floor(1e6 / trivial) + 1, abs=1)
    assert "vacuous" in status.describe()


def test_lower_bounds_bite_above_the_trivial_value_and_are_exceeded_below():
    t = np.array([1.0])
    assert classify(t, np.array([50.0]), np.array([10.0]), relation=Relation.GREATER_EQUAL, trivial=1.0).status is Status.HOLDS
    assert classify(t, np.array([50.0]), np.array([0.5]), relation=Relation.GREATER_EQUAL, trivial=1.0).status is Status.VACUOUS
    below = classify(t, np.array([5.0]), np.array([10.0]), relation=Relation.GREATER_EQUAL, trivial=1.0, confirm=lambda i: (True, "x"))
    assert below.status is Status.EXCEEDED and below.worst_ratio == 0.5


def test_first_biting_step_is_the_first_integer_where_the_bound_is_informative():
    assert first_biting_step(lambda s: 100 / s, relation=Relation.LESS_EQUAL, trivial=1.0, start=1.0) == 101.0
    assert first_biting_step(lambda s: 100.0, relation=Relation.LESS_EQUAL, trivial=1.0, start=1.0, limit=1e3) is None


def test_not_checkable_names_the_constant_and_the_value_needed():
    status = not_checkable("C_τ", 0.25)
    assert status.status is Status.NOT_CHECKABLE and "C_τ" in status.describe() and "0.25" in status.describe()


def test_first_biting_step_ends_where_floats_cannot_split_a_step():
    """A bound that bites only after ~1e20 steps (Theorem 3's do): the search ends, within nine digits."""
    step = first_biting_step(lambda s: 3e20 / s, relation=Relation.LESS_EQUAL, trivial=1.0, start=1.0, limit=1e30)
    assert step is not None and abs(step - 3e20) <= 1e-8 * 3e20


def test_a_relation_that_is_not_a_bound_is_refused():
    t = np.array([1.0])
    with pytest.raises(InputError, match="relation"):
        classify(t, t, t, relation=Relation.EQUAL, trivial=1.0)
    with pytest.raises(InputError, match="relation"):
        first_biting_step(lambda s: 1 / s, relation=Relation.LIMIT, trivial=1.0, start=1.0)
