"""Steps 2–4 of a check: hypothesis search in float64, Arb confirmation, shrinking to a minimal witness.

* **search** — hypothesis draws points from the domain's strategy and is steered with ``hypothesis.target``
  towards the smallest normalised margin (universal claims) or the largest (existential claims). Float64
  margins come from the lambdified statement; where float64 cannot tell the sign of the margin (overflow,
  0/0, both sides rounded to the same number) it is computed in ball arithmetic instead.
* **confirm** — a float64 violation is recomputed from the *same* float inputs (converted exactly) with Arb
  ball arithmetic (:meth:`proofs_check.margins.MarginFunction.enclosure`) at 60, 120, 240, … digits until the
  enclosure of the margin lies on one side of 0 (:func:`confirm`). Fixed-precision mpmath is not enough: where a probability of 1e-143 sits next to 1, 60
  and 120 digits cancel to the same wrong 0 and "agree". Unconfirmed alarms are float-only false alarms:
  counted, reported, never failures; points whose sign no precision decides are counted as unresolved.
* **shrink** — the first confirmed violation stops the search; :func:`shrink_witness` then drops actions and
  rounds coordinates to the fewest significant digits while the violation stays confirmed. (Hypothesis' own
  shrinker is switched off: it re-runs the interval confirmation hundreds of times, minutes for a K = 4
  Hessian, where this bounded shrinker needs a few dozen confirmations.)
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Any

import mpmath
from hypothesis import given, seed, target

from proofs_check.claims import Domain
from proofs_check.margins import MarginFunction, margin_function
from proofs_check.profiles import reproducible_draws, search_settings
from proofs_check.verdicts import SearchOutcome
from theory.statements import Relation, Statement

__all__ = ["DIGITS", "PRECISIONS", "Confirmation", "confirm", "search", "shrink_witness"]

PRECISIONS: tuple[int, ...] = (60, 120, 240, 480)
"""Working precisions (decimal digits) of the interval confirmation, tried in turn until the sign is decided."""

DIGITS = PRECISIONS[0]

RESOLUTION_GUARD = 10
"""At d digits, relative margins above −10^−(d − RESOLUTION_GUARD) count as no violation (below resolution)."""

_EQUALITY_ALARM = 1e-9
"""Float64 relative differences of an identity below this are rounding, not sent to mpmath (speed only)."""


@dataclass(frozen=True)
class Confirmation:
    """The interval enclosure of the margin at the precision that decided its sign, and what it says.

    ``decided``: some precision of :data:`PRECISIONS` gave an enclosure on one side of 0 (or showed both sides
    exactly 0: ``degenerate``). ``confirmed``: the enclosure lies below 0 (universal claims: a violation) or
    above 0 (existential claims: a witness). ``margin`` is the enclosure's midpoint.
    """

    margin: mpmath.mpf
    enclosure: tuple[str, str]
    digits: int
    decided: bool
    confirmed: bool
    degenerate: bool = False

    def as_dict(self) -> dict[str, object]:
        return {"margin": mpmath.nstr(self.margin, 20), "enclosure": list(self.enclosure), "digits": self.digits}


def confirm(function: MarginFunction, point: dict[str, float]) -> Confirmation:
    """Enclose the margin at ``point`` in interval arithmetic at 60, 120, 240, … digits until it is decided.

    Ball arithmetic (Arb, a local precision per evaluation) makes the decision rigorous: a
    cancellation that float64, or mpmath at any fixed precision, would get wrong widens the enclosure instead of
    faking a sign. A universal claim is confirmed violated when the enclosure lies below 0, and cleared when it
    lies above −10^−(d−10) at d digits (a violation would have to be smaller than the resolution); existential
    claims symmetrically. Otherwise the precision is doubled.
    """
    enclosure = None
    for digits in PRECISIONS:
        enclosure = function.enclosure(point, digits)
        if enclosure is None:
            return Confirmation(mpmath.nan, ("0", "0"), digits, True, False, degenerate=True)
        resolution = mpmath.mpf(10) ** -(digits - RESOLUTION_GUARD)
        low, high = (enclosure.a, enclosure.b) if not function.existential else (-enclosure.b, -enclosure.a)
        if high < 0 or low >= -resolution:
            return Confirmation(_middle(enclosure), _ends(enclosure), digits, True, bool(high < 0))
    return Confirmation(_middle(enclosure), _ends(enclosure), PRECISIONS[-1], False, False)


def _middle(enclosure: mpmath.iv.mpf) -> mpmath.mpf:
    """The midpoint of the enclosure clipped to [−1, 1], where every margin lies by construction."""
    low, high = max(mpmath.mpf(enclosure.a), -1), min(mpmath.mpf(enclosure.b), 1)
    return (low + high) / 2


def _ends(enclosure: mpmath.iv.mpf) -> tuple[str, str]:
    return mpmath.nstr(mpmath.mpf(enclosure.a), 12), mpmath.nstr(mpmath.mpf(enclosure.b), 12)


def _alarm(function: MarginFunction, margin: float) -> bool:
    if function.existential:
        return margin > 0
    if function.relation is Relation.EQUAL:
        return margin < -_EQUALITY_ALARM
    return margin < 0


def _K(point: dict[str, float]) -> int:
    return max(2, sum(1 for name in point if name.startswith("theta_")))


class _Violation(AssertionError):
    """Raised inside the hypothesis test for a confirmed counterexample, so hypothesis shrinks it."""

    def __init__(self, point: dict[str, float], confirmation: Confirmation) -> None:
        super().__init__(f"confirmed violation at {point}")
        self.point = point
        self.confirmation = confirmation


@dataclass
class _Tally:
    examples: int = 0
    false_alarms: int = 0
    float_undecided: int = 0
    degenerate: int = 0
    unresolved: int = 0
    worst_margin: float | None = None
    worst_digits: int = 16
    worst_point: dict[str, float] | None = None
    witness: dict[str, Any] | None = None

    def record(self, margin: float, digits: int, point: dict[str, float], existential: bool) -> None:
        worst = self.worst_margin
        better = worst is None or (margin > worst if existential else margin < worst)
        if better:
            self.worst_margin, self.worst_digits, self.worst_point = margin, digits, dict(point)


_SIMPLE_VALUES = (1.0, 2.0, 0.5, 1.5, 3.0, 0.1, 10.0)
"""Values a witness coordinate is tried at before it is rounded (θ(a) = 0 is never tried: Eq. (3) needs θ ≠ 0)."""


def _drop_action(point: dict[str, float], index: int) -> dict[str, float]:
    """The point with action ``index`` (1-based) removed from θ and r, later actions renumbered."""
    shrunk = {}
    for name, value in point.items():
        stem, _, number = name.partition("_")
        if stem in ("theta", "r") and number.isdigit():
            if int(number) != index:
                shrunk[f"{stem}_{int(number) - (int(number) > index)}"] = value
        else:
            shrunk[name] = value
    return shrunk


def shrink_witness(statement: Statement, domain: Domain, point: dict[str, float]) -> dict[str, float]:
    """A smaller counterexample that stays in ``domain`` and is still confirmed at every step.

    First actions are dropped (never action 1, which is a* and a_y) while the violation stays confirmed, then
    each coordinate is replaced by the first of :data:`_SIMPLE_VALUES` (and 0 for rewards) that keeps it
    confirmed, or else rounded to the fewest significant digits (1…17) that do.
    """

    def still_violates(candidate: dict[str, float]) -> bool:
        return domain.admits(candidate) and confirm(margin_function(statement, _K(candidate)), candidate).confirmed

    current = dict(point)
    dropped = True
    while dropped and _K(current) > statement.min_K and any(n.startswith("theta_") for n in current):
        candidates = (_drop_action(current, index) for index in range(_K(current), 1, -1))
        shrunk = next((c for c in candidates if still_violates(c)), None)
        dropped = shrunk is not None
        current = shrunk or current
    for name in sorted(current):
        simple = _SIMPLE_VALUES + ((0.0,) if name.startswith("r_") else ())
        value = next((v for v in simple if still_violates(current | {name: v})), None)
        if value is not None:
            current = current | {name: value}
            continue
        for digits in range(1, 18):
            candidate = float(f"{current[name]:.{digits}g}")
            if candidate == current[name]:
                break
            if still_violates(current | {name: candidate}):
                current = current | {name: candidate}
                break
    return current


def _witness(statement: Statement, point: dict[str, float], domain: Domain | None) -> dict[str, Any]:
    """The witness record; counterexamples are shrunk within ``domain`` first (existential witnesses are not)."""
    final = shrink_witness(statement, domain, point) if domain is not None else point
    function = margin_function(statement, _K(final))
    confirmation = confirm(function, final)
    sides = function.sides(final, confirmation.digits)
    shown = {} if sides is None else {"lhs": mpmath.nstr(sides[0], 12), "rhs": mpmath.nstr(sides[1], 12)}
    return {"K": _K(final), "point": final, **confirmation.as_dict(), **shown}


def search(statement: Statement, domain: Domain, *, profile: str, label: str) -> SearchOutcome:
    """Search ``domain`` for counterexamples (or witnesses, for existential statements) of ``statement``.

    ``label`` (claim id and domain name) seeds the randomised ``thorough`` profile reproducibly.
    """
    tally = _Tally()
    existential = margin_function(statement, domain.K_range[0]).existential
    random_seed = zlib.crc32(label.encode())

    def probe(point: dict[str, float]) -> None:
        function = margin_function(statement, _K(point))
        tally.examples += 1
        margin, confirmation = function.float64(point), None
        if not math.isfinite(margin) or margin == 0.0:
            # float64 overflowed, hit 0/0, or both sides rounded to the same value: it cannot tell the sign
            tally.float_undecided += 1
            confirmation = confirm(function, point)
            margin = float(confirmation.margin)
        if confirmation is not None and confirmation.degenerate:
            tally.degenerate += 1
            return
        if confirmation is not None and not confirmation.decided:
            tally.unresolved += 1
            return
        if math.isfinite(margin):
            target(margin if existential else -margin, label="normalised margin")
        if not _alarm(function, margin):
            tally.record(margin, 16 if confirmation is None else confirmation.digits, point, existential)
            return
        confirmation = confirmation or confirm(function, point)
        if not confirmation.decided or confirmation.degenerate:
            tally.unresolved += not confirmation.decided
            tally.degenerate += confirmation.degenerate
            return
        tally.record(float(confirmation.margin), confirmation.digits, point, existential)
        if not confirmation.confirmed:
            tally.false_alarms += 1
        elif existential:
            if tally.witness is None or confirmation.margin > tally.witness["margin"]:
                tally.witness = {"point": dict(point), "margin": confirmation.margin}
        else:
            raise _Violation(dict(point), confirmation)

    run = given(domain.points())(probe)
    run = search_settings(profile)(run)
    if profile != "ci":
        run = seed(random_seed)(run)
    try:
        with reproducible_draws():
            run()
    except _Violation as violation:
        tally.witness = _witness(statement, violation.point, domain)
    if existential and tally.witness is not None:
        tally.witness = _witness(statement, tally.witness["point"], None)
    return SearchOutcome(
        examples=tally.examples,
        false_alarms=tally.false_alarms,
        float_undecided=tally.float_undecided,
        degenerate=tally.degenerate,
        unresolved=tally.unresolved,
        worst_margin=tally.worst_margin,
        worst_digits=tally.worst_digits,
        worst_point=tally.worst_point,
        witness=tally.witness,
        seed="derandomised" if profile == "ci" else str(random_seed),
    )
