"""docs/derivations.md is what `escort derive` writes now, and its headline counts only what is established."""

from __future__ import annotations

from pathlib import Path

from theory.export import ITEMS, Derivations, derive, render, write_derivations
from theory.index_form import IndexProof
from theory.proof import Method, Proof

_COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "derivations.md"


def test_committed_derivations_match_a_fresh_run(tmp_path: Path) -> None:
    output = write_derivations(tmp_path)
    assert output.paths == (tmp_path / "derivations.md",)
    assert output.paths[0].read_text(encoding="utf-8") == _COMMITTED.read_text(encoding="utf-8"), (
        "docs/derivations.md is stale: run `escort derive`"
    )
    assert output.problems == ()
    assert output.headline[0].startswith("- 23 of 23 statements with an index form established for every K ≥ 2")


def test_first_lines_name_the_regenerating_command() -> None:
    assert "`escort derive`" in "".join(_COMMITTED.read_text(encoding="utf-8").splitlines()[:3])


def test_render_reports_a_refuted_identity_and_never_counts_rational_evaluation() -> None:
    fresh = derive(ITEMS[5:6])  # Remark 1: per-K proofs only
    refuted = Proof("remark1-p1", 2, False, Method.COUNTEREXAMPLE, "entry 0 is non-zero", (("p", "1"),))
    evidence = Proof("remark1", 2, True, Method.EXACT_EVALUATION, "0 at 12 exact rational points")
    text = render(Derivations(fresh.index, {"remark1": (evidence,), "remark1-p1": (refuted,)}), ITEMS[5:6])
    assert "0 of 2 statements without an index form established" in text
    assert "1 only evidenced by exact rational evaluation (not counted)" in text
    assert "| 2 | refuted | exact rational counterexample |" in text


def test_render_reports_an_index_form_that_fails() -> None:
    fresh = derive(ITEMS[:1])
    failed = {key: IndexProof(key, False, proof.cases, proof.method) for key, proof in fresh.index.items()}
    text = render(Derivations(failed, fresh.per_K), ITEMS[:1])
    assert "0 of 1 statements with an index form established" in text and "**not established**" in text
