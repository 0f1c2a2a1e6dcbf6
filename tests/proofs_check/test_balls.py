"""Arb balls against mpmath.iv (an independent interval engine) on the statements' own expressions."""

from __future__ import annotations

import mpmath
import sympy as sp

from proofs_check.balls import ball_function, certify_positive, precision
from proofs_check.margins import margin_function
from theory.statements import STATEMENTS


def test_arb_and_mpmath_iv_enclose_the_same_margin() -> None:
    """Eq. (12) read as (min π)^{1−2/p} at p = 1, θ = (1, 0.1): both engines enclose a negative gap."""
    instance = STATEMENTS["eq12-min-pi"].build(2)
    point = {"p": 1.0, "theta_1": 1.0, "theta_2": 0.1}
    symbols = tuple(sorted(instance.free_symbols, key=str))
    with precision(200):
        ball = ball_function(instance.derived - instance.stated, symbols)(*(point[str(s)] for s in symbols))
    enclosure = margin_function(STATEMENTS["eq12-min-pi"], 2).enclosure(point, 60)
    assert ball < 0 and enclosure.b < 0
    scale = float(abs(instance.derived.subs({s: point[str(s)] for s in symbols}).evalf())) + float(
        abs(instance.stated.subs({s: point[str(s)] for s in symbols}).evalf()))
    assert abs(float(ball.mid()) / scale - float(mpmath.mpf(enclosure.a))) < 1e-12


def test_certificate_needs_the_whole_box() -> None:
    t = sp.Symbol("t", positive=True)
    assert certify_positive(sp.exp(t) - 1 - t + sp.Rational(1, 100), {t: (0.0, 2.0)}).status == "certified"
    failing = certify_positive(sp.log(t) + sp.Rational(1, 10), {t: (0.5, 2.0)})
    assert failing.status == "counterexample" and float(failing.point["t"]) < 0.905
