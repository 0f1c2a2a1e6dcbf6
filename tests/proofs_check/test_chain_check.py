"""Lemma chains: every registered chain is proved; planted wrong variants and broken lemmas are not.

* every chain of theory/chains.py checks (facts and certificate identities);
* its two sides are the statement's (the link, checked symbolically at K = 2, 3): a valid chain of another
  inequality does not prove the statement; a wrong definition fact breaks its chain;
* planted wrong variants (Eq. (9) with the factor p doubled, Eq. (11) with a factor 2 on the right side) are never
  proved: no chain, the real chain with the doubled end breaks, and a search finds a witness confirmed both in
  mpmath.iv and in Arb balls;
* a planted broken lemma (a log bound off by a factor 2) breaks its chain.
"""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from proofs_check import strategies as pst
from proofs_check.balls import ball_function, precision
from proofs_check.chain_check import check_chain, checked_chain
from proofs_check.claims import Domain
from proofs_check.search import search
from proofs_check.symbolic import general_proof
from theory import chains as ch
from theory.chains import CHAINS, Fact, Step
from theory.statements import STATEMENTS, Relation, Statement


@pytest.mark.parametrize("statement_id", sorted(CHAINS))
def test_registered_chain_is_proved(statement_id: str) -> None:
    result = checked_chain(statement_id)
    assert result.proved, result.broken


def test_a_valid_chain_of_another_statement_proves_nothing_here() -> None:
    """The link compares sides, not ids: Eq. (11)'s chain (valid) registered for Eq. (12), or stopped one step
    early (a valid chain of m(1 − x)/x, not of m·(−log x)), does not prove the statement."""
    elsewhere = dataclasses.replace(CHAINS["eq11"], statement_id="eq12", meaning=CHAINS["eq12"].meaning)
    result = check_chain(elsewhere, STATEMENTS["eq12"])
    assert not result.proved and any(line.startswith("link:") for line in result.broken)
    early = dataclasses.replace(CHAINS["eq11"], steps=CHAINS["eq11"].steps[:-1])
    result = check_chain(early)
    assert all(s.ok for s in result.steps) and not result.link.ok and not result.proved
    assert check_chain(CHAINS["eq11"]).link.ok


@pytest.mark.parametrize(("fact_id", "wrong"), [
    ("mass-rest", ch.Pr - (1 - 2 * ch.x)),  # P_rest = 1 − 2x: false
    ("min-at-label", ch.m - ch.x),  # min π ≥ π(a_y): false
])
def test_a_wrong_definition_fact_breaks_its_chain(fact_id: str, wrong: sp.Expr) -> None:
    chain = CHAINS["eq11"]
    planted = dataclasses.replace(chain, facts=tuple(
        dataclasses.replace(f, expression=wrong) if f.id == fact_id else f for f in chain.facts))
    result = check_chain(planted)
    assert not next(f for f in result.facts if f.id == fact_id).ok and not result.proved


def _variant(base: str, factor: int) -> Statement:
    statement = STATEMENTS[base]
    return dataclasses.replace(statement, id=f"{base}-planted", stated=lambda s: factor * statement.stated(s))


def _broken_end(chain_id: str) -> bool:
    chain = CHAINS[chain_id]
    if chain.squared:
        root = dataclasses.replace(chain.root, expression=2 * chain.root.expression)
        doubled = dataclasses.replace(chain, root=root)
    else:
        doubled = dataclasses.replace(chain, steps=(*chain.steps[:-1], dataclasses.replace(
            chain.steps[-1], expression=2 * chain.end)))
    return not check_chain(doubled).proved


def _witness(statement: Statement, domain: Domain) -> dict:
    outcome = search(statement, domain, profile="ci", label=statement.id)
    assert outcome.witness is not None and float(outcome.witness["enclosure"][1]) < 0  # mpmath.iv: below 0
    return outcome.witness


def _arb_gap(statement: Statement, witness: dict) -> object:
    instance = statement.build(witness["K"])
    symbols = sorted(instance.free_symbols, key=str)
    gap = ball_function(instance.derived - instance.stated, tuple(symbols))
    with precision(200):
        return gap(*(witness["point"][str(s)] for s in symbols))


def test_eq9_with_p_doubled_is_never_proved_and_refuted() -> None:
    planted = _variant("eq9", 2)
    assert general_proof(planted, 1.0) is None and _broken_end("eq9")
    domain = Domain("K = 2, p ∈ [1, 8]", (2, 2), lambda: pst.points(
        (2, 2), {"theta": lambda K, pt: pst.escort_parameters(K, pt["p"]), "r": lambda K, pt: pst.reward_vectors(K)},
        {"p": pst.escort_exponents(((1.0, 8.0),))}))
    assert _arb_gap(planted, _witness(planted, domain)) < 0  # Arb agrees: the whole ball is below 0


def test_eq11_with_factor_two_is_never_proved_and_refuted() -> None:
    planted = _variant("eq11", 2)
    assert general_proof(planted) is None and _broken_end("eq11")
    domain = Domain("K = 2", (2, 2), lambda: pst.points((2, 2), {"theta": lambda K, pt: pst.softmax_logits(K)}, {}))
    assert _arb_gap(planted, _witness(planted, domain)) < 0


def test_planted_broken_lemma_breaks_its_chain() -> None:
    chain = CHAINS["eq11"]
    wrong = Fact("log-upper", "−log x ≤ (1 − x)/(2x) (false)", ch.FactKind.MONOTONE,
                 (1 - ch.x) / (2 * ch.x) + sp.log(ch.x), variable=ch.x, zero=sp.Integer(1),
                 sides={"left": 1 / (1 + ch.s)})
    broken = dataclasses.replace(chain, facts=tuple(wrong if f.id == "log-upper" else f for f in chain.facts))
    result = check_chain(broken)
    assert not result.proved
    assert any("log-upper" in line for line in result.broken)


def test_step_with_a_negative_multiplier_breaks_the_chain() -> None:
    chain = CHAINS["eq12"]
    last = chain.steps[-1]
    (multiplier, fact), = last.uses
    negative = Step(last.expression, last.relation, ((-multiplier, fact),))
    wrong = dataclasses.replace(chain, steps=(*chain.steps[:-1], dataclasses.replace(
        negative, expression=chain.steps[-2].expression + multiplier * chain.fact(fact).expression)))
    assert not check_chain(wrong).proved


def test_chain_for_p_at_least_2_does_not_cover_p_below_2() -> None:
    assert general_proof(STATEMENTS["eq12-min-pi"], 1.0) is None
    assert general_proof(STATEMENTS["eq12-min-pi"], 2.0).scope == "every K ≥ 2, p ≥ 2"
    assert STATEMENTS["eq12-min-pi"].relation is Relation.GREATER_EQUAL


@pytest.mark.parametrize(("claim_id", "domain_name"), [
    ("eq8", "stated"), ("eq8", "wider"), ("eq9", "stated"), ("eq9", "wider"), ("eq9-identity", "wider"),
    ("eq11", "stated"), ("eq12", "stated"), ("eq12", "wider"), ("eq12-min-pi", "stated"), ("prop1", "stated"),
    ("remark3", "stated"), ("eq11-gradient", "stated"), ("eq12-gradient", "stated"),
])
def test_paper_claims_have_a_proof_for_every_K_on_their_domains(claim_id: str, domain_name: str) -> None:
    from proofs_check.claims import CLAIMS

    domain = getattr(CLAIMS[claim_id], domain_name)
    outcome = general_proof(CLAIMS[claim_id].statement, domain.p_low, domain.p_ranges)
    assert outcome is not None and outcome.all_K and outcome.covers((2, 1000))
