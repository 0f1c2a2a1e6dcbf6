"""Statuses per theorem and setting: a real p = 1 run above Theorem 2's bound is exceeded with a 50-digit-confirmed
minimal replay, the same start at p = 2 holds, a short Theorem 3 run is vacuous with its biting step, Theorem 4 is
not checkable as stated."""

import numpy as np

from numerics.engine import run_bandit
from numerics.experiments.bounds import thm2
from numerics.experiments.bounds.comparison import BoundComparison, Theorem
from numerics.analysis.bound_status import BoundStatus, Status
from numerics.experiments.bounds.statuses import StatusRow, combine, status_rows
from theory.statements import Relation

THETA, R = [-0.8259542112148845, -0.4690784545938485], [1.0, 0.07145860646329744]


def _ascent_row(p: float, steps: int = 400) -> BoundComparison:
    traj = run_bandit("epg", np.array([THETA]), np.array(R), steps, p=p, record_every=1, backend="compiled")
    t = traj.steps + 1.0
    c = float(traj.optimal_probability[0].min())
    empirical, bound, worst_t = thm2._worst(t, traj.suboptimality[0], thm2.ascent_bound(t, c, 2, p))
    return BoundComparison(Theorem.THM2_ASCENT, Relation.LESS_EQUAL, empirical, bound,
                           {"K": 2, "p": p, "steps": steps, "c": c, "t": worst_t, "r": R, "theta_1": THETA})


def test_theorem2_at_p1_is_exceeded_with_a_confirmed_minimal_replay_and_p2_holds():
    rows = status_rows([_ascent_row(1.0), _ascent_row(2.0)], [])
    by_p = {row.setting: row.status for row in rows}
    exceeded = by_p["p = 1"]
    assert exceeded.status is Status.EXCEEDED and "50 digits" in exceeded.confirmation
    assert exceeded.replay["steps"] == 212  # the first step above 18/t (the stress search records 40 per decade: 224)
    assert by_p["p = 2"].status is Status.HOLDS and by_p["p = 2"].worst_ratio < 1
    failing = [row for row in rows if not row.passed]
    assert [row.setting for row in failing] == ["p = 1"]
    assert failing[0].headline("Bounds (quick form)").startswith("- Theorem 2 (ascent), p = 1: **exceeded**: ratio")


def test_an_exceeded_status_fails_only_inside_the_stated_domain():
    exceeded = BoundStatus(Status.EXCEEDED, 3.0, 7.0, confirmation="at 50 digits")
    inside = StatusRow(Theorem.THM2_ASCENT, "p = 1", 1, exceeded, "")
    outside = StatusRow(Theorem.THM2_ASCENT, "p = 1.5 (outside)", 1, exceeded, "", in_stated_domain=False)
    holds = StatusRow(Theorem.THM2_ASCENT, "p = 2", 1, BoundStatus(Status.HOLDS, 0.5, 10.0, 5.0), "")
    assert not inside.passed and outside.passed and holds.passed
    assert inside.record() | {"replay": None} == {
        "theorem": "Theorem 2 (ascent)", "setting": "p = 1", "runs": 1, "status": "exceeded",
        "describe": exceeded.describe(), "numbers": "", "replay": None, "in_stated_domain": True, "passed": False}


def test_a_short_theorem3_run_is_vacuous_with_the_step_where_its_bound_bites():
    params = {"problem": "planted", "p": 2.0, "gamma": 0.9, "S": 5, "A": 3, "t": 10.0, "steps": 300, "c": 0.1,
              "distribution_factor": 8.0}
    (row,) = status_rows([BoundComparison(Theorem.THM3, Relation.LESS_EQUAL, 1e-3, 10.0, params)], [])
    assert row.status.status is Status.VACUOUS and row.status.biting_step > 1e9


def test_theorem4_is_not_checkable_and_names_the_value_needed():
    t = np.arange(1.0, 101.0)
    gap = np.exp(-0.02 * t)  # P = 1, c = 0.5: κ_max = 0.02, largest C_τ = 0.08; bites below the trivial 0.5 at t ≈ 35
    params = {"problem": "planted", "largest_C_tau": 0.08, "c": 0.5, "prefactor": 1.0, "trivial": 0.5,
              "t": t.tolist(), "gap": gap.tolist()}
    (row,) = status_rows([BoundComparison(Theorem.THM4, Relation.LESS_EQUAL, 1.0, 2.0, params)], [])
    assert row.status.status is Status.NOT_CHECKABLE and "0.08" in row.status.describe()
    assert "holds: bites from step 35" in row.numbers
    (short,) = status_rows([BoundComparison(Theorem.THM4, Relation.LESS_EQUAL, 1.0, 2.0, params | {"t": t[:20].tolist(),
                                                                                  "gap": gap[:20].tolist()})], [])
    assert "vacuous on this horizon (the bound bites from step 35" in short.numbers


def test_combine_prefers_exceeded_then_holds_then_vacuous():
    vacuous, holds = BoundStatus(Status.VACUOUS, biting_step=50.0), BoundStatus(Status.HOLDS, 0.5, 10.0, 5.0)
    assert combine([vacuous, holds]) is holds
    assert combine([vacuous, BoundStatus(Status.VACUOUS, biting_step=20.0)]).biting_step == 20.0
    exceeded = BoundStatus(Status.EXCEEDED, 3.0, 7.0)
    assert combine([holds, exceeded, vacuous]) is exceeded
