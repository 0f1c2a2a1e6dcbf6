"""The check's findings: what is proved comes first, and a failing second reading never reads as its equation failing."""

from __future__ import annotations

from proofs_check.report import headline, write_markdown
from proofs_check.verdicts import DomainResult, Evidence, SearchOutcome, SymbolicOutcome, Verdict

_WITNESS = {"K": 2, "point": {"p": 1.0, "theta_1": 1.0, "theta_2": 0.1}, "margin": "-0.0187",
            "enclosure": ("-0.0187", "-0.0186"), "digits": 60}


def _result(claim: str, domain: str, verdict: Verdict, symbolic=None, witness=None) -> DomainResult:
    search = SearchOutcome(200, 0, 0, 0, 0, 0.1, 16, None, witness, "derandomised")
    return DomainResult(claim, domain, "p ∈ [1, 64]", verdict, Evidence(symbolic, search, (), False, False, (2, 8)))


def test_eq12_finding_names_the_reading_that_fails(tmp_path) -> None:
    proved = SymbolicOutcome((), (), "lemma chain", all_K=True, scope="every K ≥ 2, p > 0")
    results = [
        _result("eq12", "wider", Verdict.PROVED, proved),
        _result("eq12-min-pi", "wider", Verdict.FAILS, witness=_WITNESS),
    ]
    lines = headline(results)
    assert lines[0].startswith("- PROVED for every K") and "eq12 (every K ≥ 2, p > 0)" in lines[0]
    failure = next(line for line in lines if "FAILS" in line)
    assert failure.startswith("- eq12-min-pi, the other reading of Eq. (12) (not the printed one; the printed "
                              "reading `eq12`: PROVED for every K ≥ 2, p > 0)")
    text = write_markdown(results, tmp_path / "v.md", profile="ci").read_text(encoding="utf-8")
    assert "**Lemma chain** (reading: as printed" in text and "| 5 | ≥ |" in text
