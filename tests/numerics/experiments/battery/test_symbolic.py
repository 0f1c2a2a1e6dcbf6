"""Tests of numerics.experiments.battery.symbolic: symmetry verdicts and non-concavity witnesses, rechecked independently."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from numerics.experiments.battery.symbolic import concavity_witness, symmetry
from theory import definitions as d
from theory.statements import STATEMENTS
from theory.transforms import transform


@pytest.mark.parametrize(("name", "verdict"), [("softmax", "symmetric"), ("softmax:0.5", "symmetric"),
                                               ("escort:2", "not symmetric"), ("taylor", "not symmetric"),
                                               ("sparsemax", "symmetric"), ("spherical", "not symmetric")])
def test_symmetry_verdicts(name: str, verdict: str) -> None:
    assert symmetry(transform(name))["verdict"] == verdict


def test_the_escort_witness_is_an_asymmetry_of_eq7() -> None:
    record = symmetry(transform("escort:2"))
    theta = d.parameters(3)
    i, j = (k - 1 for k in record["entry"])
    point = dict(zip(theta, (sp.Rational(v) for v in record["point"])))
    eq7 = STATEMENTS["eq7"].build(3)
    jacobian = eq7.stated.subs(eq7.setting.p, 2).T.subs(dict(zip(eq7.setting.theta, point.values())))
    assert sp.simplify(jacobian[i, j] - jacobian[j, i] - sp.sympify(record["value"])) == 0
    assert sp.sympify(record["value"]) != 0


def test_symmetric_and_not_symmetric_give_the_same_verdict_when_restated() -> None:
    """Metamorphic: the spherical softmax is the escort with p = 2 written differently."""
    assert symmetry(transform("spherical")) == symmetry(transform("escort:2"))
    assert concavity_witness(transform("spherical")) == concavity_witness(transform("escort:2"))


def test_hessian_witness_is_a_positive_quadratic_form() -> None:
    t = transform("escort:2")
    record = concavity_witness(t)
    assert record["kind"] == "positive Hessian eigenvalue"
    theta = d.parameters(3)
    r = sp.Matrix([sp.Rational(v) for v in record["r"]])
    hessian = sp.hessian(d.expected_reward(t.expression(theta), r), list(theta))
    exact = hessian.subs(dict(zip(theta, (sp.Rational(v) for v in record["point"]))))
    v = sp.Matrix(record["v"])
    assert sp.simplify((v.T * exact * v)[0, 0]) == sp.sympify(record["value"]) > 0
    assert max(float(e) for e in exact.eigenvals()) > 0


def test_piecewise_linear_sparsemax_gets_a_midpoint_witness() -> None:
    record = concavity_witness(transform("sparsemax"))
    assert record["kind"] == "midpoint above the chord" and sp.sympify(record["value"]) > 0


def test_a_linear_map_has_no_witness_and_a_symmetric_jacobian() -> None:
    """θ ↦ πᵀr is affine for this (deliberately concave) map: no witness may be reported."""
    affine = dataclasses.replace(
        transform("taylor"), name="affine", family="user",
        symbolic=lambda theta, at: sp.Matrix([sp.Rational(1, 3) + (t - sum(theta) / 3) / 100 for t in theta]),
    )
    assert concavity_witness(affine) == {"kind": "none found"}
    assert symmetry(affine)["verdict"] == "symmetric"
