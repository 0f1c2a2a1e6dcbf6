"""docs/derivations.md is what `escort derive` writes now, and its headline counts the verdicts."""

from __future__ import annotations

from pathlib import Path

from theory.export import ITEMS, render, write_derivations
from theory.proof import Method, Proof

_COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "derivations.md"


def test_committed_derivations_match_a_fresh_run(tmp_path: Path) -> None:
    output = write_derivations(tmp_path)
    assert output.paths == (tmp_path / "derivations.md",)
    assert output.paths[0].read_text(encoding="utf-8") == _COMMITTED.read_text(encoding="utf-8"), (
        "docs/derivations.md is stale: run `escort derive`"
    )
    assert output.problems == ()
    assert output.headline[0].startswith("- 68 of 68 identity checks (statement × K, K ∈ {2, 3, 4})")


def test_first_lines_name_the_regenerating_command() -> None:
    assert "`escort derive`" in "".join(_COMMITTED.read_text(encoding="utf-8").splitlines()[:3])


def test_render_reports_a_refuted_identity() -> None:
    results = {sid: () for item in ITEMS for sid in item.statement_ids}
    results["eq1"] = (Proof("eq1", 2, False, Method.COUNTEREXAMPLE, "entry 0 is non-zero", (("theta_1", "1"),)),)
    text = render(results)
    assert "0 of 1 identity checks" in text and "| 2 | refuted | exact rational counterexample |" in text
