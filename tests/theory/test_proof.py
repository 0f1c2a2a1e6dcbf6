"""The proof engine proves every item of docs/derivations.md and refutes deliberately wrong stated forms."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from theory import definitions as d
from theory.export import ITEMS
from theory.mdp import (
    discounted_state_distribution,
    escort_policy,
    policy_parameters,
    q_values,
    state_values,
    two_state_mdp,
)
from theory.proof import Method, prove, prove_statement
from theory.statements import STATEMENTS, Relation, Setting, Statement

_CHEAP_IDS = [sid for item in ITEMS for sid in item.statement_ids if sid != "mdp-policy-gradient"]


@pytest.mark.parametrize("sid", _CHEAP_IDS)
def test_every_item_is_established_for_two_actions(sid: str) -> None:
    proof = prove(STATEMENTS[sid].build(2))
    assert proof.established is True, proof


@pytest.mark.parametrize("sid", ["eq5", "eq7", "eq12-gradient", "prop1", "remark3"])
def test_escort_items_are_established_for_three_actions(sid: str) -> None:
    assert prove(STATEMENTS[sid].build(3)).established is True


def test_identities_are_proved_by_simplification_not_evaluation() -> None:
    proofs = [prove(STATEMENTS[sid].build(2)) for sid in ("eq1", "eq4", "eq5", "eq7", "entropy-gradient-escort")]
    assert {p.method for p in proofs} == {Method.SIMPLIFICATION}


def test_prop1_has_a_positive_direction_for_every_p() -> None:
    proof = prove(STATEMENTS["prop1"].build(3))
    assert proof.method is Method.SIGN_ARGUMENT
    witness = dict(proof.witness)
    x = sp.Matrix(sp.sympify(witness["x"]))
    s = Setting.of(3)
    hessian = sp.hessian(d.expected_reward(d.escort(s.theta), s.r), list(s.theta))
    point = {sp.Symbol(k, real=True, nonzero=True) if k.startswith("theta") else sp.Symbol(k, real=True): sp.S(v)
             for k, v in witness.items() if k.startswith(("theta", "r_"))}
    for p_value in (1, 2, sp.Rational(7, 2), 40):
        value = (x.T * hessian.xreplace(point).xreplace({d.P: p_value}) * x)[0, 0]
        assert sp.simplify(value) > 0


def _wrong(sid: str, **changes) -> Statement:
    return dataclasses.replace(STATEMENTS[sid], **changes)


def _eq5_wrong_exponent(s: Setting) -> sp.Matrix:
    pi = d.escort(s.theta, s.p)
    value = d.expected_reward(pi, s.r)
    norm = d.p_norm(s.theta, s.p)
    return sp.Matrix(
        [s.p / norm * sp.sign(t) * pi[a] ** (1 - 2 / s.p) * (s.r[a] - value) for a, t in enumerate(s.theta)]
    )


def test_eq5_with_exponent_one_minus_two_over_p_is_refuted() -> None:
    proof = prove(_wrong("eq5", stated=_eq5_wrong_exponent).build(2))
    assert proof.established is False and proof.method is Method.COUNTEREXAMPLE


def test_eq7_without_the_transpose_is_refuted() -> None:
    wrong = _wrong("eq7", derived=lambda s: d.jacobian(d.escort(s.theta, s.p), s.theta))
    assert prove(wrong.build(2)).established is False


def test_softmax_gradient_with_escort_factor_is_refuted() -> None:
    wrong = _wrong("eq1", stated=lambda s: STATEMENTS["eq1"].stated(s) * 2)
    assert prove(wrong.build(3)).established is False


def test_wrong_limit_is_refuted() -> None:
    assert prove(_wrong("remark1", stated=lambda s: s.prob**2).build(2)).established is False


def test_softmax_jacobian_is_not_reported_asymmetric() -> None:
    symmetric = _wrong("remark3", derived=lambda s: d.jacobian(d.softmax(s.theta), s.theta))
    assert prove(symmetric.build(3)).established is False


def test_a_concave_objective_has_no_positive_eigenvalue_witness() -> None:
    concave = _wrong("prop1", derived=lambda s: sp.hessian(-sum(t**2 for t in s.theta) * s.p, list(s.theta)))
    assert prove(concave.build(2)).established is None


def test_inequalities_are_left_to_proofs_check() -> None:
    with pytest.raises(ValueError, match="inequality"):
        prove(STATEMENTS["eq9"].build(2))


def _mdp_gradient_with_wrong_sign(s: Setting) -> sp.Matrix:
    mdp = two_state_mdp(s.K)
    theta = policy_parameters(mdp.num_states, s.K)
    policy = escort_policy(theta, s.p)
    values = state_values(mdp, policy)
    q, occupancy = q_values(mdp, values), discounted_state_distribution(mdp, policy)
    return sp.Matrix(2, s.K, lambda i, a: occupancy[i] / (1 - mdp.gamma) * s.p / theta[i, a] * policy[i, a]
                     * (values[i] - q[i, a]))


def test_mdp_policy_gradient() -> None:
    assert prove(STATEMENTS["mdp-policy-gradient"].build(2)).established is True
    wrong = prove(_wrong("mdp-policy-gradient", stated=_mdp_gradient_with_wrong_sign).build(2))
    assert wrong.established is False and wrong.method is Method.COUNTEREXAMPLE


@pytest.mark.parametrize("sid", _CHEAP_IDS)
def test_every_item_for_two_to_six_actions(sid: str) -> None:
    assert all(p.established for p in prove_statement(STATEMENTS[sid]))


def test_relations_handled_cover_every_item() -> None:
    handled = {Relation.EQUAL, Relation.LIMIT, Relation.NOT_SYMMETRIC, Relation.NOT_NEGATIVE_SEMIDEFINITE}
    assert {STATEMENTS[sid].relation for sid in _CHEAP_IDS} <= handled
