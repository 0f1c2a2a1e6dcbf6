"""Lemma chains: every registered chain is proved; planted wrong variants and broken lemmas are not.

* every chain of theory/chains.py checks (facts and certificate identities);
* its reduced end point is the statement's stated side at random points of K = 3, 5 (the bridge from the
  chain's scalar variables to the statement built from the definitions);
* planted wrong variants (Eq. (9) with the factor p doubled, Eq. (11) with a factor 2 on the right side) are never
  proved: no chain, the real chain with the doubled end breaks, and a search finds a witness confirmed both in
  mpmath.iv and in Arb balls;
* a planted broken lemma (a log bound off by a factor 2) breaks its chain.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

from proofs_check import strategies as pst
from proofs_check.balls import ball_function, precision
from proofs_check.chain_check import check_chain, checked_chain
from proofs_check.claims import Domain
from proofs_check.search import search
from proofs_check.symbolic import general_proof
from theory import chains as ch
from theory import definitions as d
from theory.chains import CHAINS, Fact, Step
from theory.statements import STATEMENTS, Relation, Statement


@pytest.mark.parametrize("statement_id", sorted(CHAINS))
def test_registered_chain_is_proved(statement_id: str) -> None:
    result = checked_chain(statement_id)
    assert result.proved, result.broken


def _reduced(statement_id: str, theta: np.ndarray, p: float, r: np.ndarray) -> dict[sp.Symbol, float]:
    weights = np.abs(theta) ** p
    pi = weights / weights.sum()
    if statement_id in ("eq8", "eq11"):
        pi = np.exp(theta - theta.max()) / np.exp(theta - theta.max()).sum()
    scale = 1.0 if statement_id == "eq8" else p / abs(theta[0])
    return {
        ch.x: pi[0], ch.m: pi.min(), ch.mu: (pi ** (1 - 2 / p)).min(), ch.N: weights.sum() ** (1 / p),
        ch.z: pi[0], ch.c: scale, ch.delta: r[0] - pi @ r, ch.e: 1 - 2 / p, d.P: p,
    }


@pytest.mark.parametrize("statement_id", ["eq8", "eq9", "eq11", "eq12", "eq12-min-pi"])
@pytest.mark.parametrize("K", [3, 5])
def test_chain_end_is_the_stated_side(statement_id: str, K: int) -> None:
    chain, instance = CHAINS[statement_id], STATEMENTS[statement_id].build(K)
    end = chain.root.expression if chain.squared else chain.end
    rng = np.random.default_rng(K)
    for _ in range(5):
        theta, p = rng.uniform(0.2, 3.0, K) * rng.choice([-1, 1], K), float(rng.uniform(2.0, 5.0))
        r = np.sort(rng.uniform(0, 1, K))[::-1]
        point = {t: v for t, v in zip(instance.setting.theta, theta)} | {
            s: v for s, v in zip(instance.setting.r, r)} | {instance.setting.p: p}
        stated = float(instance.stated.subs(point).evalf())
        assert float(end.subs(_reduced(statement_id, theta, p, r))) == pytest.approx(stated, rel=1e-9)


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
