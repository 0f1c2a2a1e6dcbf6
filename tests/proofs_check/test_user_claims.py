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


def _score_claim(factor=1, **change):
    arguments = dict(transform="escort", lhs=lambda s, a, b: sp.diff(sp.log(s.pi[a]), s.theta[b]), relation="==",
                     rhs=lambda s, a, b: factor * s.p / s.theta[b] * ((1 if a == b else 0) - s.pi[b]), K=(2, 3),
                     p=(1, 4), entry=2) | change
    return claim("score", "∂ log π(a)/∂θ(b) = (p/θ(b))·(δ_ab − π(b))", **arguments)


def test_an_entry_identity_has_an_index_form_proof_and_a_planted_wrong_one_has_none() -> None:
    derivation, why_not = _score_claim().index_forms["as stated"]
    assert why_not == "" and derivation.verify().established and derivation.verify().cases == ("b = a", "b ≠ a")
    wrong, _ = _score_claim(factor=2).index_forms["as stated"]
    assert not wrong.verify().established
    dropped_delta, _ = _score_claim(rhs=lambda s, a, b: -s.p / s.theta[b] * s.pi[b]).index_forms["as stated"]
    assert not dropped_delta.verify().established



def test_the_papers_gradient_stated_as_a_user_entry_identity_is_proved_for_every_K() -> None:
    """Metamorphic: Eq. (4) in the form of Eq. (7), ∂(πᵀr)/∂θ(a) = (p/θ(a))·π(a)·(r(a) − πᵀr), as a user claim."""
    gradient = claim("g", "Eq. (4)", transform="escort", entry=1, relation="==", K=(2, 3), p=(1, 4), rewards=(0, 1),
                     lhs=lambda s, a: s.grad(s.value)[a],
                     rhs=lambda s, a: s.p / s.theta[a] * s.pi[a] * (s.r[a] - s.value))
    derivation, why_not = gradient.index_forms["as stated"]
    assert why_not == "" and derivation.verify().established


def test_a_derivative_in_p_keeps_the_other_actions_dependence_on_p() -> None:
    """∂π(a)/∂p = π(a)(log|θ(a)| − Σ_c π(c) log|θ(c)|); with R = Σ_{c≠a} |θ(c)|^p held fixed in p, the index
    form would 'prove' the false π(a)(1 − π(a))·log|θ(a)|."""
    false = claim("dp", "∂π(a)/∂p = π(a)(1 − π(a))·log|θ(a)|", transform="escort", entry=1, relation="==",
                  lhs=lambda s, a: sp.diff(s.pi[a], s.p),
                  rhs=lambda s, a: s.pi[a] * (1 - s.pi[a]) * sp.log(sp.Abs(s.theta[a])), K=(2, 3), p=(1, 4))
    derivation, _ = false.index_forms["as stated"]
    assert not derivation.verify().established


def test_a_planted_wrong_identity_is_not_proved_and_is_refuted_with_a_witness() -> None:
    result = check(_score_claim(factor=2))
    assert result.verdicts == {"as stated": "FAILS"} and result.label() == "FAILS (witness)"
    assert not result.results["as stated"].evidence.symbolic.all_K
    assert float(result.witness()["enclosure"][1]) < 0
    assert "index form: the entries do not simplify to 0" in result.text()


NO_INDEX_FORM = {
    "a fixed action": (dict(lhs=lambda s, a: s.pi[0], rhs=lambda s, a: s.pi[a]), "only the generic indices"),
    "an aggregate": (dict(lhs=lambda s, a: s.pi[a] * sum(s.pi), rhs=lambda s, a: s.pi[a]), "an aggregate"),
    "a*": (dict(lhs=lambda s, a: s.r[s.astar], rhs=lambda s, a: s.r[a]), "cannot use a*"),
    "an index compared with a number": (dict(lhs=lambda s, a: s.pi[a] * (2 if a == 0 else 1),
                                             rhs=lambda s, a: s.pi[a]), "compared with 0"),
    "a user transform": (dict(transform="cubic-escort"), "not the softmax or the escort"),
    "a scalar named like an index symbol": (dict(lhs=lambda s, a: s.r[a], rhs=lambda s, a: s.r_a,
                                                 scalars={"r_a": (0, 1)}), "is a symbol of the index form"),
}


@pytest.mark.parametrize(("change", "reason"), NO_INDEX_FORM.values(), ids=NO_INDEX_FORM.keys())
def test_entry_formulas_without_an_index_form_say_why(change: dict, reason: str) -> None:
    """An index view that read a fixed action, a* or K could 'prove' an identity that is false for some a."""
    arguments = dict(transform="softmax", relation="==", K=(2, 3), rewards=(0, 1), entry=1) | change
    if "lhs" not in change:
        arguments |= dict(lhs=lambda s, a: s.pi[a], rhs=lambda s, a: s.pi[a])
    if change.get("transform") == "cubic-escort":
        arguments["transform"] = _example_transform()
    derivation, why_not = claim("c", "an entry claim", **arguments).index_forms["as stated"]
    assert derivation is None and reason in why_not


def _example_transform():
    import importlib.util

    spec = importlib.util.spec_from_file_location("examples_cubic", EXAMPLES / "cubic_escort.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CUBIC


def test_a_user_claim_named_like_a_paper_claim_is_not_proved_by_the_papers_chain() -> None:
    """Eq. (8) with a factor 2 on the right, stated under the id 'eq8': the chain of Eq. (8) proves the paper's
    statement, not this one."""
    from proofs_check.symbolic import general_proof

    wrong = claim("eq8", "‖∇πᵀr‖₂ ≥ 2·π(a*)(r(a*) − πᵀr)", transform="softmax",
                  lhs=lambda s: s.norm(s.grad(s.value)), relation=">=",
                  rhs=lambda s: 2 * s.pi[s.astar] * (s.r[s.astar] - s.value), K=(2, 3), rewards=(0, 1))
    assert general_proof(wrong.readings["as stated"].statement, None, ()) is None
    assert "only for identities (==) of entry formulas" in wrong.index_forms["as stated"][1]


def test_entry_must_be_0_1_or_2() -> None:
    with pytest.raises(InputError, match="^entry must be 0"):
        _score_claim(entry=3)
