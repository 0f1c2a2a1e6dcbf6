"""Steps 2–4 of a check: hypothesis search in float64, mpmath confirmation, shrinking to a minimal witness.

* **search** — hypothesis draws points from the domain's strategy and is steered with ``hypothesis.target``
  towards the smallest normalised margin (universal claims) or the largest (existential claims). Float64
  margins come from the lambdified statement; where float64 cannot tell the sign of the margin (overflow,
  0/0, both sides rounded to the same number) it is computed in mpmath instead.
* **confirm** — a float64 violation is recomputed from the *same* float inputs (converted exactly) in mpmath at
  60, 120, 240, … digits until two consecutive precisions agree (:func:`confirm`); 60 digits alone is not
  enough where a probability of 1e-61 sits next to 1. It is confirmed only when the agreed margin lies beyond
  a level rounding cannot reach. Unconfirmed alarms are float-only false alarms: counted, reported, never
  failures; points on which no two precisions agree are counted as unresolved.
* **shrink** — the check raises only for confirmed violations, so hypothesis' shrinker (fewer actions, simpler
  floats) keeps a counterexample that is still confirmed at every step; :func:`simplify_witness` then rounds
  each coordinate to the fewest significant digits that keep the violation confirmed.
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
from proofs_check.profiles import search_settings
from proofs_check.verdicts import SearchOutcome
from theory.statements import Relation, Statement

__all__ = ["DIGITS", "PRECISIONS", "Confirmation", "confirm", "search", "simplify_witness"]

PRECISIONS: tuple[int, ...] = (60, 120, 240, 480, 960)
"""Working precisions (decimal digits) of the confirmation step, tried in turn until two consecutive agree."""

DIGITS = PRECISIONS[0]

_AGREEMENT_DIGITS = 20
"""Two precisions agree when their margins differ by less than 10^−(d − 20), d the lower precision; a margin
counts as a violation only beyond the same level, out of reach of rounding at d digits."""

_EQUALITY_ALARM = 1e-9
"""Float64 relative differences of an identity below this are rounding, not sent to mpmath (speed only)."""


@dataclass(frozen=True)
class Confirmation:
    """The high-precision margin, the two precisions that agreed on it, and what it confirms.

    ``stable`` is False when no two consecutive precisions of :data:`PRECISIONS` agreed (the point needs more
    digits than the largest precision, e.g. probabilities below 10^−960 next to 1); such a point confirms
    nothing.
    """

    margin: mpmath.mpf
    digits: int
    recheck_digits: int
    stable: bool
    confirmed: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "margin": mpmath.nstr(self.margin, 20),
            "digits": self.digits,
            "recheck_digits": self.recheck_digits,
        }


def _agree(low: mpmath.mpf, high: mpmath.mpf, digits: int) -> bool:
    if mpmath.isnan(low) or mpmath.isnan(high):
        return bool(mpmath.isnan(low) and mpmath.isnan(high))
    return bool(abs(high - low) <= mpmath.mpf(10) ** -(digits - _AGREEMENT_DIGITS) * (1 + abs(high)))


def confirm(function: MarginFunction, point: dict[str, float]) -> Confirmation:
    """Recompute the margin from the same float inputs at rising precision until two precisions agree.

    Each evaluation runs in its own local precision context (``mpmath.workdps``). A universal claim is
    confirmed violated when the agreed margin is < −10^−(d − 20); an existential one confirmed witnessed when
    it is > 10^−(d − 20) (d: the lower of the two agreeing precisions).
    """
    previous = function.high_precision(point, PRECISIONS[0])
    for low, high in zip(PRECISIONS, PRECISIONS[1:]):
        margin = function.high_precision(point, high)
        if _agree(previous, margin, low):
            level = mpmath.mpf(10) ** -(low - _AGREEMENT_DIGITS)
            confirmed = margin > level if function.existential else margin < -level
            return Confirmation(margin, low, high, True, bool(confirmed))
        previous = margin
    return Confirmation(previous, PRECISIONS[-1], PRECISIONS[-1], False, False)


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
        better = self.worst_margin is None or (margin > self.worst_margin if existential else margin < self.worst_margin)
        if better:
            self.worst_margin, self.worst_digits, self.worst_point = margin, digits, dict(point)


def simplify_witness(statement: Statement, point: dict[str, float]) -> dict[str, float]:
    """Round each coordinate to the fewest significant digits (1…17) that keep the violation confirmed."""
    function = margin_function(statement, _K(point))
    current = dict(point)
    for name in sorted(current):
        for digits in range(1, 18):
            candidate = float(f"{current[name]:.{digits}g}")
            if candidate == current[name]:
                break
            trial = current | {name: candidate}
            if confirm(function, trial).confirmed:
                current = trial
                break
    return current


def _witness(statement: Statement, point: dict[str, float], simplify: bool) -> dict[str, Any]:
    final = simplify_witness(statement, point) if simplify else point
    confirmation = confirm(margin_function(statement, _K(final)), final)
    return {"K": _K(final), "point": final, **confirmation.as_dict()}


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
        if confirmation is not None and not confirmation.stable:
            tally.unresolved += 1
            return
        if math.isnan(margin):
            tally.degenerate += 1
            return
        target(margin if existential else -margin, label="normalised margin")
        if not _alarm(function, margin):
            tally.record(margin, 16 if confirmation is None else confirmation.digits, point, existential)
            return
        confirmation = confirmation or confirm(function, point)
        if not confirmation.stable:
            tally.unresolved += 1
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
        run()
    except _Violation as violation:
        tally.witness = _witness(statement, violation.point, simplify=True)
    if existential and tally.witness is not None:
        tally.witness = _witness(statement, tally.witness["point"], simplify=False)
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
