"""proofs_check.user_claims: a claim stated in a few lines gets the verdict the mathematics says."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import sympy as sp

from escort.cli import main
from foundation.validation import InputError
from proofs_check.user_claims import check, claim, load_claims, replay

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _softmax_claim(**kwargs):
    defaults = dict(transform="softmax", K=(2, 2), rewards=(0, 1))
    return claim("c", "a claim", **(defaults | kwargs))


def test_exists_is_certified_by_a_witness() -> None:
    result = check(_softmax_claim(lhs=lambda s: s.pi[s.astar], relation=">", rhs=lambda s: sp.Rational(9, 10),
                                  quantifier="exists"))
    assert result.verdicts == {"as stated": "CERTIFIED"}
    assert result.witness() is not None and "witness at K = 2" in result.text()


def test_exists_is_refuted_when_its_negation_is_proved() -> None:
    """∃ θ, r: ‖∇πᵀr‖₂ < π(a*)(r(a*) − πᵀr) is the negation of Eq. (8), which the symbolic step proves at K = 2."""
    result = check(_softmax_claim(lhs=lambda s: s.norm(s.grad(s.value)), relation="<",
                                  rhs=lambda s: s.pi[s.astar] * (s.r[s.astar] - s.value), quantifier="exists"))
    assert result.verdicts == {"as stated": "FAILS"}


def test_exists_without_a_witness_is_undecided() -> None:
    result = check(_softmax_claim(lhs=lambda s: s.pi[s.astar], relation=">", rhs=lambda s: sp.Integer(1),
                                  quantifier="exists"))
    assert result.verdicts == {"as stated": "UNDECIDED"}


def test_a_restated_claim_gets_the_same_verdict() -> None:
    """Metamorphic: ‖y − π‖₂² written as a norm or as a sum of squares; KL as −log π(a_y)."""
    first = check(claim("kl", "KL ≤ ‖y − π‖²", transform="softmax", lhs=lambda s: s.kl, relation="<=",
                        rhs=lambda s: s.norm(s.y - s.pi) ** 2, K=(2, 3)))
    second = check(claim("kl", "KL ≤ ‖y − π‖²", transform="softmax", lhs=lambda s: -sp.log(s.pi[s.label]),
                         relation="<=", rhs=lambda s: sum((s.y[a] - s.pi[a]) ** 2 for a in range(s.K)), K=(2, 3)))
    assert first.verdicts == second.verdicts == {"as stated": "FAILS"}


def test_markdown_and_json_forms() -> None:
    result = check(_softmax_claim(lhs=lambda s: s.pi[s.astar], relation=">=", rhs=lambda s: sp.Integer(0)))
    markdown = result._repr_markdown_()
    examples = result.results["as stated"].evidence.search.examples
    assert "| reading | verdict | evidence |" in markdown
    assert f"| as stated | **HOLDS ({examples} examples, K = 2)** |" in markdown
    data = json.loads(json.dumps(result.as_data()))
    assert data["readings"][0]["verdict"] == "HOLDS" and data["readings"][0]["search"]["examples"] > 0


BAD_CLAIMS = {
    "strict relation under forall": (dict(relation=">"), "unknown relation under forall '>'"),
    "unknown quantifier": (dict(quantifier="some"), "unknown quantifier 'some'"),
    "symbol without a range": (dict(rhs=lambda s: s.gamma), "declare it with scalars={'gamma': (low, high)}"),
    "p without a range": (dict(rhs=lambda s: s.p), "uses p without a range"),
    "K below 2": (dict(K=(1, 3)), "K[0] must be an integer >= 2"),
    "piecewise transform": (dict(transform="sparsemax"), "is piecewise"),
}


@pytest.mark.parametrize(("change", "message"), BAD_CLAIMS.values(), ids=BAD_CLAIMS.keys())
def test_a_malformed_claim_is_one_sentence(change: dict, message: str) -> None:
    arguments = dict(lhs=lambda s: s.pi[s.astar], relation=">=", rhs=lambda s: sp.Integer(0)) | change
    with pytest.raises(InputError, match="^.*" + __import__("re").escape(message)):
        _softmax_claim(**arguments)


def test_escort_check_finds_a_module_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    shutil.copy(EXAMPLES / "kl_below_l2.py", tmp_path / "mymodule.py")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", ".", str(tmp_path))])
    monkeypatch.delitem(sys.modules, "mymodule", raising=False)
    assert main(["check", "mymodule:CLAIM", "--json", "verdicts.json"]) == 0
    out = capsys.readouterr().out
    assert "as stated: FAILS (witness) — " in out and "FAILS: kl-below-l2 (as stated) fails" in out
    witness = tmp_path / "results" / "check" / "witnesses" / "kl-below-l2.as-stated.json"
    assert json.loads((tmp_path / "verdicts.json").read_text())["claims"][0]["readings"][0]["verdict"] == "FAILS"
    assert main(["check", "mymodule:CLAIM", "--strict"]) == 1
    capsys.readouterr()
    assert main(["check", "--replay", str(witness), "--strict"]) == 0
    assert "the saved point violates the claim" in capsys.readouterr().out
    assert [c.id for c in load_claims("mymodule:CLAIM")] == ["kl-below-l2"]
    assert main(["check", "--list", "mymodule:CLAIM"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("kl-below-l2  ∀ K ∈ 2…3")
    assert replay(witness).confirmed
    assert main(["check", "mymodule:NOPE"]) == 2
    assert "must be a claim made with proofs_check.user_claims.claim" in capsys.readouterr().err
