"""Verdict rules: a confirmed counterexample always wins; proofs must cover the whole K range."""

from __future__ import annotations

from proofs_check.claims import CLAIMS
from proofs_check.verdicts import (
    Certificate, DomainResult, Evidence, SearchOutcome, SymbolicOutcome, Verdict, decide, label,
)


def _search(witness=None) -> SearchOutcome:
    return SearchOutcome(10, 0, 0, 0, 0, 0.5, 16, None, witness, "derandomised")


def _evidence(symbolic=None, witness=None, certificates=(), existential=False, covered=False) -> Evidence:
    return Evidence(symbolic, _search(witness), tuple(certificates), existential, covered, (2, 3))


def test_counterexample_beats_a_proof_and_a_certificate() -> None:
    proof = SymbolicOutcome((2, 3), (2, 3), "test")
    certified = Certificate("certified", "box", 5)
    assert decide(_evidence(proof, {"K": 2}, [certified], covered=True)) is Verdict.FAILS


def test_partial_proof_is_not_proved() -> None:
    assert decide(_evidence(SymbolicOutcome((2,), (2,), "test"))) is Verdict.HOLDS
    assert decide(_evidence(SymbolicOutcome((2, 3), (2, 3), "test"))) is Verdict.PROVED


def test_slice_certificate_certifies_only_a_covered_domain() -> None:
    certified = Certificate("certified", "box", 5)
    assert decide(_evidence(certificates=[certified])) is Verdict.HOLDS
    assert decide(_evidence(certificates=[certified], covered=True)) is Verdict.CERTIFIED


def test_existential_needs_a_certified_witness() -> None:
    assert decide(_evidence(existential=True)) is Verdict.UNDECIDED
    witness = Certificate("certified", "witness", 1)
    assert decide(_evidence(existential=True, certificates=[witness])) is Verdict.CERTIFIED


def test_domains_reject_points_outside_them() -> None:
    wider = CLAIMS["thm2-smoothness"].wider
    point = {"p": 1.5, "r_1": 1.0, "r_2": 0.5, "theta_1": 1.0, "theta_2": 0.1}
    assert wider.admits(point)
    assert not wider.admits(point | {"p": 0.5})  # p ≥ 1
    assert not wider.admits(point | {"r_2": 2.0})  # r(a*) maximal, r ∈ [−1, 1]
    assert not wider.admits(point | {"theta_2": 0.0})  # θ(a) ≠ 0
    assert not CLAIMS["thm2-smoothness"].stated.admits(point)  # p = 1.5 is outside {1} ∪ [2, 32]


def test_domains_admit_only_the_theta_scales_they_print() -> None:
    """The printed scale bounds ‖θ‖_p (what the search draws), and the smallest π(a) = |θ(a)|^p/‖θ‖_p^p."""
    wider = CLAIMS["thm3-smoothness"].wider
    assert "‖θ‖_p = s ∈ 1e-8…1e8 and π(a) ≥ 1e-300" in wider.description
    witness = {"gamma": 0.5, "p": 1.5, "r_1": 1.0, "r_2": 0.5, "theta_1": 1.0, "theta_2": 7e-83}
    assert wider.admits(witness)  # π(a₂) ≈ 6e-124
    assert not wider.admits(witness | {"theta_1": 1e9})  # ‖θ‖_p = 1e9
    assert not wider.admits(witness | {"theta_1": 1e-9, "theta_2": 1e-9})  # ‖θ‖_p ≈ 1.6e-9
    assert not wider.admits(witness | {"theta_2": 1e-250})  # π(a₂) ≈ 1e-375
    assert CLAIMS["thm5-smoothness"].stated.admits({"theta_1": 1.0, "theta_2": 1e-140})  # p = 2: π ≈ 1e-280
    assert not CLAIMS["thm5-smoothness"].stated.admits({"theta_1": 1.0, "theta_2": 1e-160})


def _result(evidence: Evidence) -> DomainResult:
    return DomainResult("c", "stated", "d", decide(evidence), evidence)


def test_labels_carry_their_quantifiers() -> None:
    every_K = SymbolicOutcome((), (), "chain", all_K=True, scope="every K ≥ 2, p > 0")
    assert label(_result(_evidence(every_K))) == "PROVED for every K ≥ 2, p > 0"
    assert label(_result(_evidence(SymbolicOutcome((2, 3), (2, 3), "test")))) == "PROVED for K = 2…3"
    assert label(_result(_evidence())) == "HOLDS (10 examples, K ≤ 3)"
    assert label(_result(_evidence(witness={"K": 2, "digits": 60}))) == "FAILS (witness at K = 2, confirmed at 60 digits)"
    refuted = SymbolicOutcome((), (), "limit", refuted_all_K=True, scope="every K ≥ 2, 1 < p < 2")
    assert label(_result(_evidence(refuted))) == "FAILS for every K ≥ 2, 1 < p < 2 (proved limit)"


def test_negative_smallest_margin_is_an_unresolved_equality_case() -> None:
    evidence = Evidence(None, SearchOutcome(10, 0, 0, 0, 0, -1e-70, 60, None, None, "s"), (), False, False, (2, 3))
    assert "unresolved equality case" in label(_result(evidence))
