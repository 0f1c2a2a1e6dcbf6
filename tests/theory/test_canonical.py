"""The change of variables decides identities over θ(a) ≠ 0 and leaves non-identities undecided."""

from __future__ import annotations

import sympy as sp

from theory import definitions as d
from theory.canonical import absolute_value_arguments, canonical_form, vanishes

THETA = d.parameters(3)


def test_sign_identities_use_both_signs() -> None:
    t = THETA[0]
    assert vanishes(sp.sign(t) ** 2 - 1, THETA) is True
    assert vanishes(t / sp.Abs(t) - sp.sign(t), THETA) is True
    assert vanishes(t / sp.Abs(t) - 1, THETA) is None


def test_powers_of_the_escort_exponent_combine() -> None:
    t = THETA[1]
    assert vanishes(sp.Abs(t) ** (d.P - 1) * sp.Abs(t) - sp.Abs(t) ** d.P, THETA) is True
    assert vanishes(sp.Abs(t) ** (d.P - 2) * sp.Abs(t) - sp.Abs(t) ** d.P, THETA) is None


def test_softmax_variables_make_exp_rational() -> None:
    pi = d.softmax(THETA)
    form, signs = canonical_form(pi[0], THETA, d.P)
    assert signs == [] and not form.has(sp.exp)
    assert vanishes(sum(pi) - 1, THETA) is True


def test_escort_parameters_are_found_in_the_expression() -> None:
    other = sp.Symbol("theta_77", real=True, nonzero=True)
    assert absolute_value_arguments(sp.Abs(other) + sp.sign(THETA[0])) == [THETA[0], other]
