"""One status per theorem and setting (the vocabulary of :mod:`numerics.analysis.bound_status`) from the measured rows.

For each group of rows (a theorem and its setting: p, K, problem, role) every run gets a status, and the group
gets the strongest one present: *exceeded* (a run above its bound, confirmed at 50 digits) before *holds* (some
run's bound bites on the horizon and no run is above it) before *vacuous on this horizon* (no run's bound ever
gets below the trivial bound; the earliest step at which one would). Theorem 4 is *not checkable as stated*.

Trivial bounds: Theorem 1 t₀ ≥ 1; Theorem 2 (π* − π)ᵀr ≤ max r − min r; Theorem 3 V* − V ≤ 1/(1 − γ) (rewards in
[0, 1]); Theorem 5 has none (the cross entropy is unbounded), so its bound always bites.
A float64 exceedance of Theorem 2 is confirmed on the group's run cheapest to confirm (first exceeding step × K²): the engine
re-runs it with every step recorded, then :func:`numerics.engine.precise.precise_suboptimality` re-runs that prefix
at 50 digits; the other runs above the bound in float64 are counted, not confirmed one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from numerics.engine import run_bandit
from numerics.experiments.bounds import thm2, thm4
from foundation.artifacts import to_jsonable
from numerics.experiments.bounds.comparison import BoundComparison, Theorem
from numerics.experiments.bounds.sizes import Role
from numerics.engine.precise import precise_suboptimality
from numerics.analysis.bound_status import BoundStatus, Status, classify, first_biting_step, not_checkable
from numerics.experiments.bounds.thm3 import theorem3_bound
from theory.statements import Relation

__all__ = ["PRECEDENCE", "StatusRow", "combine", "status_rows"]

PRECEDENCE = (Status.EXCEEDED, Status.HOLDS, Status.VACUOUS, Status.NOT_CHECKABLE)

@dataclass(frozen=True)
class StatusRow:
    """One line of the status table: theorem, setting, number of runs, the group's status and its numbers.

    A :class:`~numerics.analysis.check.Verdict` of the bounds experiment: it fails (``passed`` False) exactly when the
    status is *exceeded* in a setting inside the statement's domain (``in_stated_domain``).
    """

    theorem: Theorem
    setting: str
    runs: int
    status: BoundStatus
    numbers: str
    in_stated_domain: bool = True

    @property
    def passed(self) -> bool:
        return not (self.status.status is Status.EXCEEDED and self.in_stated_domain)

    def headline(self, label: str) -> str:
        """``- <theorem>, <setting>: <status sentence>`` (the row names its theorem; ``label`` is not repeated)."""
        return f"- {self.theorem.label}, {self.setting}: {self.status.describe()}"

    def record(self) -> dict[str, Any]:
        """Theorem, setting, runs, status (value, sentence, replay), numbers, domain and ``passed``."""
        return {"theorem": self.theorem.label, "setting": self.setting, "runs": self.runs,
                "status": self.status.status.value, "describe": self.status.describe(), "numbers": self.numbers,
                "replay": to_jsonable(self.status.replay), "in_stated_domain": self.in_stated_domain,
                "passed": self.passed}


def combine(statuses: Sequence[BoundStatus], *, upper: bool = True) -> BoundStatus:
    """The group's status: the first of :data:`PRECEDENCE` present; among equals the worst ratio (largest for an
    upper bound, smallest for a lower one), and for vacuous groups the earliest biting step."""
    for kind in PRECEDENCE:
        members = [s for s in statuses if s.status is kind]
        if not members:
            continue
        if kind is Status.VACUOUS:
            known = [s for s in members if s.biting_step is not None]
            return min(known, key=lambda s: s.biting_step) if known else members[0]
        if kind is Status.NOT_CHECKABLE:
            return members[0]
        return max(members, key=lambda s: s.worst_ratio if upper else -s.worst_ratio)
    raise ValueError("no statuses to combine")


def _single(t: float, empirical: float, bound: float, **kwargs) -> BoundStatus:
    return classify(np.array([t]), np.array([empirical]), np.array([bound]), **kwargs)


def _theorem1(rows: list[BoundComparison]) -> list[StatusRow]:
    out = []
    for role in Role:
        for K in sorted({r.parameters["K"] for r in rows if r.parameters["role"] == role}):
            group = [r for r in rows if r.parameters["role"] == role and r.parameters["K"] == K]
            statuses = [_single(1.0, r.empirical, r.bound, relation=Relation.GREATER_EQUAL, trivial=1.0)
                        for r in group]
            status = combine(statuses, upper=False)
            out.append(StatusRow(
                Theorem.THM1, f"{role} cells, K = {K}", len(group), status,
                f"smallest t₀/bound {min(r.ratio for r in group):.4g}; smallest t₀Δπ₁ "
                f"{min(r.empirical * r.parameters['Delta'] * r.parameters['pi_1'] for r in group):.3g} (C = 1/4)",
            ))
    return out


def _thm2_first_exceedance(row: BoundComparison) -> tuple[int, float, float]:
    """(first exceeding step, value, bound) of one Theorem 2 ascent run, re-run by the engine step by step."""
    p, K, c = row.parameters["p"], row.parameters["K"], row.parameters["c"]
    theta, r = np.array(row.parameters["theta_1"]), np.array(row.parameters["r"])
    traj = run_bandit("epg", theta[None], r, row.parameters["steps"], p=p, record_every=1, backend="compiled")
    t = traj.steps + 1.0
    bound = thm2.ascent_bound(t, c, K, p)
    i = int(np.argmax(traj.suboptimality[0] > bound))
    return int(traj.steps[i]), float(traj.suboptimality[0, i]), float(bound[i])


def _by_p(rows: list[BoundComparison]) -> list[tuple[float, list[BoundComparison]]]:
    """The rows grouped by the escort power p, in increasing p."""
    return [(p, [r for r in rows if r.parameters["p"] == p]) for p in sorted({r.parameters["p"] for r in rows})]


def _by_problem(rows: list[BoundComparison]) -> list[tuple[str, list[BoundComparison]]]:
    """The rows grouped by their problem (MDP and settings), in order of first appearance."""
    problems = dict.fromkeys(r.parameters["problem"] for r in rows)
    return [(problem, [r for r in rows if r.parameters["problem"] == problem]) for problem in problems]


def _biting_status(row: BoundComparison, bound_at: Callable[[float], float], *, start: float,
                   horizon: float) -> BoundStatus:
    """Holds (at the run's worst ratio) if the upper bound ``bound_at(t)`` gets tighter than the trivial bound
    max r − min r by step ``horizon``, else vacuous with the step where it would start to bite."""
    params = row.parameters
    biting = first_biting_step(bound_at, relation=Relation.LESS_EQUAL, trivial=max(params["r"]) - min(params["r"]),
                               start=start)
    if biting is None or biting > horizon:
        return BoundStatus(Status.VACUOUS, biting_step=biting)
    return BoundStatus(Status.HOLDS, row.ratio, params["t"], biting_step=biting)


def _theorem2_ascent(rows: list[BoundComparison]) -> list[StatusRow]:
    out = []
    for p, group in _by_p(rows):
        statuses = []
        for r in group:
            q = r.parameters
            status = _biting_status(r, lambda t: thm2.ascent_bound(t, q["c"], q["K"], p), start=1.0,
                                    horizon=q["steps"] + 1)
            if status.status is Status.VACUOUS or not r.violated:  # a biting run above the bound is confirmed below
                statuses.append(status)
        above = [r for r in group if r.violated]
        if above:
            firsts = [(_thm2_first_exceedance(r), r) for r in above]
            # Any one confirmed run makes the group exceeded; confirm the cheapest: a 50-digit step costs ~K²
            # (measured 2.6 ms at K = 3, 43 ms at K = 10), so the earliest crossing at K = 10 can take many minutes.
            (step, value, bound), first = min(firsts, key=lambda pair: pair[0][0] * pair[1].parameters["K"] ** 2)
            precise = precise_suboptimality(np.array(first.parameters["theta_1"]), np.array(first.parameters["r"]),
                                            p, step)[step]
            worst = max(above, key=lambda r: r.ratio)
            if precise > bound:
                statuses.append(BoundStatus(
                    Status.EXCEEDED, worst.ratio, worst.parameters["t"],
                    replay={"K": first.parameters["K"], "p": p, "r": first.parameters["r"],
                            "theta_1": first.parameters["theta_1"], "steps": step},
                    confirmation=f"first crossing at step {step} of the run cheapest to confirm (K = {first.parameters['K']}): {precise:.6g} > bound "
                                 f"{bound:.6g} at 50 digits"))
            else:
                statuses.append(BoundStatus(Status.HOLDS, worst.ratio, worst.parameters["t"], unconfirmed=len(above)))
        domain = "" if thm2.in_ascent_domain(p) else " (outside the stated p ∈ {1} ∪ [2, ∞))"
        status = combine(statuses)
        out.append(StatusRow(
            Theorem.THM2_ASCENT, f"p = {p:g}{domain}", len(group), status,
            f"{len(above)} of {len(group)} runs above the bound in float64; worst ratio "
            f"{max(r.ratio for r in group):.3g}", in_stated_domain=thm2.in_ascent_domain(p),
        ))
    return out


def _theorem2_flow(rows: list[BoundComparison]) -> list[StatusRow]:
    out = []
    for p, group in _by_p(rows):
        statuses = []
        for r in group:
            q = r.parameters
            statuses.append(BoundStatus(Status.HOLDS, r.ratio, q["t"], unconfirmed=1) if r.violated else
                            _biting_status(r, lambda t: thm2.flow_bound(t, q["c"], p), start=2.0, horizon=q["horizon"]))
        out.append(StatusRow(Theorem.THM2_FLOW, f"p = {p:g}", len(group), combine(statuses),
                             f"worst ratio {max(r.ratio for r in group):.3g} (flow integrated at rtol 1e-10)"))
    return out


def _theorem3(rows: list[BoundComparison]) -> list[StatusRow]:
    out = []
    for problem, group in _by_problem(rows):
        statuses = []
        for r in group:
            q = r.parameters
            biting = first_biting_step(
                lambda t: theorem3_bound(t, q["c"], q["gamma"], q["distribution_factor"], q["p"], q["S"], q["A"]),
                relation=Relation.LESS_EQUAL, trivial=1 / (1 - q["gamma"]), start=1.0, limit=1e30)
            if biting is None or biting > q["steps"] + 1:
                statuses.append(BoundStatus(Status.VACUOUS, biting_step=biting))
            else:
                statuses.append(BoundStatus(Status.HOLDS, r.ratio, q["t"], biting_step=biting,
                                            unconfirmed=int(r.violated)))
        out.append(StatusRow(Theorem.THM3, problem, len(group), combine(statuses),
                             f"horizon {group[0].parameters['steps']} steps; worst ratio "
                             f"{max(r.ratio for r in group):.3g}"))
    return out


def _theorem4(rows: list[BoundComparison]) -> list[StatusRow]:
    out = []
    for problem, group in _by_problem(rows):
        needed = min(r.parameters["largest_C_tau"] for r in group)
        # just below the supremum: at κ_max/c² itself the binding step meets the bound with equality
        admissible = combine([thm4.status_at(needed * (1 - 1e-12), np.array(q["t"]), np.array(q["gap"]), q["c"],
                                             q["prefactor"], q["trivial"])
                              for q in (r.parameters for r in group)])
        out.append(StatusRow(
            Theorem.THM4, problem, len(group), not_checkable("C_τ (with c' > c; c_τ in the step is the project's "
                                                            "reading p²τ(4 + 8 log A))", needed),
            f"largest C_τ for which Eq. (6) holds at every recorded step of every run: {needed:.4g} (min over runs "
            f"of min_t log(P/gap_t)/(c²t), no fit); Eq. (6) at that C_τ — {admissible.describe()}; any larger C_τ "
            f"is exceeded; max gap/P {max(r.ratio for r in group):.3g}"))
    return out


def _theorem5(records: list[dict]) -> list[StatusRow]:
    out = []
    for K in sorted({r["K"] for r in records}):
        for start in dict.fromkeys(r["start"] for r in records if r["K"] == K):
            group = [r for r in records if r["K"] == K and r["start"] == start]
            worst = min(group, key=lambda r: r["worst_average_rate_ratio"])
            ratio = 1 / worst["worst_average_rate_ratio"]  # upper-bound form: guaranteed rate / achieved rate
            status = BoundStatus(Status.HOLDS, ratio, worst["worst_t"], biting_step=2.0, unconfirmed=int(ratio > 1))
            out.append(StatusRow(
                Theorem.THM5, f"K = {K}, θ₁ {start}", len(group), status,
                f"c₁² {min(r['c1_squared'] for r in group):.3g}…{max(r['c1_squared'] for r in group):.3g}; average "
                f"rate ≥ {worst['worst_average_rate_ratio']:.3g}× the guaranteed 1/(2(3 + c₁²)); fitted linear "
                f"rate {min(r['observed_over_guaranteed'] for r in group):.3g}…"
                f"{max(r['observed_over_guaranteed'] for r in group):.3g}×; guarantee asks for "
                f"{min(r['guaranteed_efolds'] for r in group):.3g}+ e-folds",
            ))
    return out


def status_rows(rows: Sequence[BoundComparison], thm5_rates: Sequence[dict]) -> list[StatusRow]:
    """Every theorem × setting's status row, from the experiment's rows and Theorem 5's rate records."""
    by = {theorem: [r for r in rows if r.theorem is theorem] for theorem in Theorem}
    return (
        _theorem1(by[Theorem.THM1])
        + _theorem2_ascent(by[Theorem.THM2_ASCENT])
        + _theorem2_flow(by[Theorem.THM2_FLOW])
        + _theorem3(by[Theorem.THM3])
        + _theorem4(by[Theorem.THM4])
        + _theorem5(list(thm5_rates))
    )
