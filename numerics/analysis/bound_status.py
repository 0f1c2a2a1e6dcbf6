"""The status of a theorem's bound against one run, from a fixed vocabulary that never calls a vacuous check "holds".

======================  ==========================================================================================
status                  when
======================  ==========================================================================================
holds                   the bound is tighter than the trivial bound at some recorded step (so the run *could* have
                        contradicted it there) and no step contradicts it; reports the first such step and the
                        worst ratio over the steps where it bites
vacuous on this horizon the bound never gets tighter than the trivial bound on the recorded steps; reports the step
                        at which it would start to bite (extrapolated from the bound's formula, or None if never)
exceeded                some step contradicts the bound *and* a high-precision re-run of the same trajectory
                        confirms it; reports a minimal replay (the run cut at the first confirmed exceedance)
not checkable           the statement lacks a constant (Theorem 4's C_τ, Theorem 1's C): names it and the value the
as stated               runs would need
======================  ==========================================================================================

The trivial bound is what the measured quantity satisfies for every policy: an upper bound (``Relation.LESS_EQUAL``) is informative
only where it is *below* the largest possible value (e.g. Δ_max = max r − min r for a bandit, 1/(1 − γ) for an MDP
value), a lower bound (``Relation.GREATER_EQUAL``) only where it is *above* the smallest possible value (an escape
time is ≥ 1).
A float64 exceedance the re-run does not confirm is reported, but the status is decided as if it were absent
(float64 alone can fake violations).

>>> t = np.array([1.0, 10.0, 100.0])
>>> classify(t, np.array([0.5, 0.05, 0.004]), 1 / t, relation=Relation.LESS_EQUAL, trivial=1.0).status.value
'holds'
>>> classify(t, np.array([0.5, 0.4, 0.3]), 100 / t, relation=Relation.LESS_EQUAL, trivial=1.0,
...          bound_at=lambda s: 100 / s).biting_step
101.0
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from foundation.validation import InputError
from theory.statements import Relation

__all__ = ["BoundStatus", "Status", "classify", "first_biting_step", "not_checkable"]


class Status(enum.Enum):
    HOLDS = "holds"
    VACUOUS = "vacuous on this horizon"
    EXCEEDED = "exceeded"
    NOT_CHECKABLE = "not checkable as stated"


@dataclass(frozen=True)
class BoundStatus:
    """One status with the numbers behind it (see the module docstring for which fields each status fills)."""

    status: Status
    worst_ratio: float | None = None
    worst_step: float | None = None
    biting_step: float | None = None
    replay: Mapping[str, Any] | None = None
    confirmation: str = ""
    unconfirmed: int = 0
    first_unconfirmed_step: float | None = None
    unconfirmed_ratio: float | None = None
    missing_constant: str = ""
    needed_value: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """One sentence for docs/bounds.md."""
        if self.status is Status.NOT_CHECKABLE:
            return f"not checkable as stated: {self.missing_constant} is not given; the runs need {self.needed_value:.4g}"
        if self.status is Status.VACUOUS:
            bite = "never within 1e12 steps" if self.biting_step is None else f"from step {self.biting_step:.3g}"
            return f"vacuous on this horizon (the bound bites {bite})"
        if self.status is Status.EXCEEDED:
            return (f"**exceeded**: ratio {self.worst_ratio:.4g} at step {self.worst_step:g}, {self.confirmation}")
        text = (f"holds: bites from step {self.biting_step:g}, worst ratio there {self.worst_ratio:.3g} "
                f"at step {self.worst_step:g}")
        if self.first_unconfirmed_step is not None:
            text += (f"; but above the bound in float64 at {self.unconfirmed} recorded steps from step "
                     f"{self.first_unconfirmed_step:g} (ratio up to {self.unconfirmed_ratio:.3g}), not confirmed at "
                     "50 digits (beyond the re-run budget or not reproduced)")
        return text


def _upper(relation: Relation) -> bool:
    """True for an upper bound, False for a lower one; any other relation is not a bound."""
    if relation not in (Relation.LESS_EQUAL, Relation.GREATER_EQUAL):
        raise InputError(f"relation must be Relation.LESS_EQUAL or Relation.GREATER_EQUAL; got {relation!r}.")
    return relation is Relation.LESS_EQUAL


def first_biting_step(bound_at: Callable[[float], float], *, relation: Relation, trivial: float, start: float,
                      limit: float = 1e12) -> float | None:
    """The first step t ≥ ``start`` at which ``bound_at(t)`` is tighter than ``trivial`` (doubling, then bisection
    on integers, to nine significant digits where steps exceed 1e9); None if not before ``limit``. Assumes the bound is
    monotone in t beyond ``start``."""

    def bites(t: float) -> bool:
        value = float(bound_at(t))
        return value < trivial if _upper(relation) else value > trivial

    low, high = float(start), float(start)
    while not bites(high):
        if high > limit:
            return None
        low, high = high, 2 * high
    # To the integer below 2**53, to nine significant digits beyond: a float cannot split a gap of 1 at 1e20, and
    # the loop would never end (Theorem 3's bounds bite only after ~1e20 steps).
    while high - low > max(1.0, 1e-9 * high):
        middle = float(np.floor((low + high) / 2))
        low, high = (low, middle) if bites(middle) else (middle, high)
    return high if not bites(low) else low


def classify(
    t: np.ndarray,
    empirical: np.ndarray,
    bound: np.ndarray,
    *,
    relation: Relation,
    trivial: float,
    bound_at: Callable[[float], float] | None = None,
    confirm: Callable[[int], tuple[bool, str]] | None = None,
    replay: Callable[[int], Mapping[str, Any]] | None = None,
) -> BoundStatus:
    """The status of one run: ``empirical`` and ``bound`` at the recorded steps ``t`` (same shapes).

    ``confirm(i)`` re-runs the trajectory to the recorded index ``i`` at high precision and says whether the
    exceedance there is real (and a sentence saying how it was confirmed); without it no exceedance is confirmed.
    Only the earliest crossing is sent to ``confirm``; the others are counted (``unconfirmed``). Steps with a
    non-finite ratio (an undefined output) are ignored.
    ``replay(i)`` gives the minimal replay for a confirmed exceedance at index ``i``. ``bound_at`` extrapolates
    the bound beyond the horizon to find where a vacuous bound would start to bite.
    """
    t, empirical, bound = (np.asarray(x, dtype=float) for x in (t, empirical, bound))
    upper = _upper(relation)
    ratio = empirical / bound
    bites = bound < trivial if upper else bound > trivial
    crossed = np.flatnonzero(empirical > bound if upper else empirical < bound)
    for i in crossed[:1]:  # the earliest crossing: its prefix is the minimal replay
        real, how = confirm(int(i)) if confirm is not None else (False, "")
        if real:
            return BoundStatus(Status.EXCEEDED, float(ratio[i]), float(t[i]), replay=None if replay is None
                               else replay(int(i)), confirmation=how)
    unconfirmed = {} if not crossed.size else {
        "unconfirmed": int(crossed.size), "first_unconfirmed_step": float(t[crossed[0]]),
        "unconfirmed_ratio": float(np.max(ratio[crossed]))}
    bites &= ~np.isin(np.arange(t.size), crossed) & np.isfinite(ratio)
    if not bites.any():
        biting = None if bound_at is None else first_biting_step(bound_at, relation=relation, trivial=trivial,
                                                                   start=float(t[-1]))
        return BoundStatus(Status.VACUOUS, biting_step=biting, **unconfirmed)
    informative = np.flatnonzero(bites)
    worst = informative[np.argmax(ratio[informative]) if upper else np.argmin(ratio[informative])]
    return BoundStatus(Status.HOLDS, float(ratio[worst]), float(t[worst]), biting_step=float(t[informative[0]]),
                       **unconfirmed)


def not_checkable(constant: str, needed_value: float, **extra: Any) -> BoundStatus:
    """A statement missing ``constant``: the runs would need it to be ``needed_value`` for the bound to hold."""
    return BoundStatus(Status.NOT_CHECKABLE, missing_constant=constant, needed_value=needed_value, extra=extra)
