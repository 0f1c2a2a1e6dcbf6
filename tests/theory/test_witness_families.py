"""Proposition 1's witness family: the quadratic forms at θ = 1, r = e_1 for symbolic K, against concrete K."""

from __future__ import annotations

import pytest
import sympy as sp

from theory import definitions as d
from theory.statements import STATEMENTS
from theory.witness_families import K, prop1_quadratic_forms, verify_prop1_family


def test_family_is_established() -> None:
    assert verify_prop1_family().established


@pytest.mark.parametrize(("K_value", "p_value"), [(2, sp.Rational(1, 2)), (3, 3), (3, 2)])
def test_symbolic_K_forms_match_the_hessian_built_for_that_K(K_value: int, p_value: sp.Rational) -> None:
    instance = STATEMENTS["prop1"].build(K_value)
    s = instance.setting
    at = {t: 1 for t in s.theta} | {r: (1 if a == 0 else 0) for a, r in enumerate(s.r)} | {s.p: p_value}
    hessian = instance.derived.subs(at).doit()
    forms = {name: form.subs({K: K_value, d.P: p_value}) for name, form in prop1_quadratic_forms().items()}
    assert sp.simplify(hessian[0, 0] - forms["H11"]) == 0
    assert sp.simplify(hessian[1, 1] - forms["H22"]) == 0
    assert sp.simplify(hessian[0, 1] - forms["H12"]) == 0
    # and the case's direction has a positive quadratic form (p = 3, K = 3 is the boundary case e_1 − e_2)
    x = [forms["H11"], forms["H22"], forms["H11"] + forms["H22"] - 2 * forms["H12"]]
    assert max(x) > 0


def test_smoothness_blowup_limit_is_established_and_matches_numbers() -> None:
    """H_aa·|θ(a)|^{2−p} at θ = (1e-30, 1), p = 3/2, r = (1, 0) is close to p(p−1)(r(a)R − Q)/R² = 3/4."""
    from theory.witness_families import smoothness_blowup

    assert smoothness_blowup().established
    instance = STATEMENTS["prop1"].build(2)
    s = instance.setting
    small = sp.Rational(1, 10**30)
    entry = instance.derived[0, 0].subs({s.theta[0]: small, s.theta[1]: 1, s.r[0]: 1, s.r[1]: 0,
                                         s.p: sp.Rational(3, 2)})
    assert abs(float((entry * small ** sp.Rational(1, 2)).evalf(50)) - 0.75) < 1e-10
