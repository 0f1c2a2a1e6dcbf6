"""Verdicts: what the evidence of each step says about a claim on one domain.

========== =====================================================================================
PROVED     a symbolic proof covers every K of the domain: a lemma chain or an index-form derivation for every
           K ≥ 2 (the label names the range of K and p it holds on), or per-K proofs of each K in the domain
CERTIFIED  interval arithmetic certifies the claim on the whole domain, or (existential claims) certifies
           a witness point
HOLDS      no confirmed counterexample among n examples; worst margin and its precision are reported
FAILS      a counterexample confirmed in interval arithmetic (a witness, shrunk) or an exact symbolic
           counterexample; never overridden by anything
UNDECIDED  an existential claim without a certified witness
========== =====================================================================================

:func:`decide` applies these rules in the order FAILS, PROVED, CERTIFIED, HOLDS/UNDECIDED: a confirmed
counterexample always wins, whatever else was found.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Certificate", "DomainResult", "Evidence", "SearchOutcome", "SymbolicOutcome", "Verdict", "decide", "label",
]


class Verdict(enum.Enum):
    PROVED = "PROVED"
    CERTIFIED = "CERTIFIED"
    HOLDS = "HOLDS"
    FAILS = "FAILS"
    UNDECIDED = "UNDECIDED"


@dataclass(frozen=True)
class SymbolicOutcome:
    """The symbolic step: the Ks it proved (or exactly refuted) the claim for, the Ks it tried, and how.

    ``all_K``: proved for every K ≥ 2 (lemma chain or index-form derivation); ``refuted_all_K``: disproved
    for every K ≥ 2 (a proved limit); ``scope`` then says for which K and p in words (e.g. "every K ≥ 2, p > 0").
    """

    proved_K: tuple[int, ...]
    tried_K: tuple[int, ...]
    method: str
    refuted_K: tuple[int, ...] = ()
    all_K: bool = False
    scope: str = ""
    refuted_all_K: bool = False

    def covers(self, K_range: tuple[int, int]) -> bool:
        return self.all_K or set(range(K_range[0], K_range[1] + 1)) <= set(self.proved_K)


@dataclass(frozen=True)
class SearchOutcome:
    """The hypothesis search on one domain, after confirmation and shrinking.

    ``worst_margin`` is the smallest margin seen (universal claims) or the largest (existential claims),
    ``worst_digits`` the precision it was computed in (16 for float64, more when recomputed in mpmath).
    ``witness``: a confirmed counterexample (universal) or a confirmed witness (existential), as a point with its
    high-precision margins. ``false_alarms``: float64 violations that mpmath did not confirm;
    ``float_undecided``: examples whose margin float64 could not sign (recomputed in mpmath);
    ``degenerate``: examples where both sides vanish at high precision (no margin to report);
    ``unresolved``: examples on which no two precisions agreed (they confirm nothing).
    """

    examples: int
    false_alarms: int
    float_undecided: int
    degenerate: int
    unresolved: int
    worst_margin: float | None
    worst_digits: int
    worst_point: dict[str, float] | None
    witness: dict[str, Any] | None
    seed: str


@dataclass(frozen=True)
class Certificate:
    """An interval branch-and-bound run on one slice: status certified / counterexample / undecided."""

    status: str
    slice: str
    boxes: int
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """Everything gathered for one claim on one domain."""

    symbolic: SymbolicOutcome | None
    search: SearchOutcome
    certificates: tuple[Certificate, ...]
    existential: bool
    covered_by_slices: bool
    K_range: tuple[int, int]


@dataclass(frozen=True)
class DomainResult:
    """The verdict of one claim on one domain ('stated' or 'wider'), with its evidence."""

    claim: str
    domain: str
    description: str
    verdict: Verdict
    evidence: Evidence


def decide(evidence: Evidence) -> Verdict:
    """Combine the steps into one verdict (see the module docstring for the rules)."""
    certificates = evidence.certificates
    if evidence.symbolic is not None and (evidence.symbolic.refuted_K or evidence.symbolic.refuted_all_K):
        return Verdict.FAILS
    if not evidence.existential:
        if evidence.search.witness is not None or any(c.status == "counterexample" for c in certificates):
            return Verdict.FAILS
    if evidence.symbolic is not None and evidence.symbolic.covers(evidence.K_range):
        return Verdict.PROVED
    if evidence.existential:
        return Verdict.CERTIFIED if any(c.status == "certified" for c in certificates) else Verdict.UNDECIDED
    if certificates and evidence.covered_by_slices and all(c.status == "certified" for c in certificates):
        return Verdict.CERTIFIED
    return Verdict.HOLDS


def label(result: DomainResult) -> str:
    """The verdict with its quantifiers: "PROVED for every K ≥ 2, p > 0", "HOLDS (200 examples, K ≤ 10)", …"""
    evidence, verdict = result.evidence, result.verdict
    search, symbolic = evidence.search, evidence.symbolic
    low, high = evidence.K_range
    if verdict is Verdict.PROVED:
        if symbolic.all_K:
            return f"PROVED for {symbolic.scope}"
        return f"PROVED for K = {low}…{high}" if high > low else f"PROVED (K = {low})"
    if verdict is Verdict.FAILS:
        if symbolic is not None and symbolic.refuted_all_K:
            return f"FAILS for {symbolic.scope} (proved limit)"
        if search.witness is not None:
            return f"FAILS (witness at K = {search.witness['K']}, confirmed at {search.witness['digits']} digits)"
        return "FAILS (exact or interval counterexample)"
    if verdict is Verdict.HOLDS:
        text = f"HOLDS ({search.examples} examples, K ≤ {high})"
        if search.worst_margin is not None and search.worst_margin < 0:
            text += f"; smallest margin < 0 at {search.worst_digits} digits: an unresolved equality case"
        return text
    if verdict is Verdict.CERTIFIED:
        return "CERTIFIED (witness)" if evidence.existential else "CERTIFIED (interval certificate of the domain)"
    return verdict.value
