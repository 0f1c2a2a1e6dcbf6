"""Arb balls against mpmath.iv (an independent interval engine) on the statements' own expressions."""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp

from proofs_check.balls import ball_function, certify_positive, precision
from proofs_check.certify import certify_slice
from proofs_check.claims import CLAIMS
from proofs_check.margins import ENGINES, margin_function
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


_POINTS = {
    "eq9": {"p": 2.5, "theta_1": 0.7, "theta_2": -1.3, "theta_3": 0.2, "r_1": 1.0, "r_2": 0.3, "r_3": 0.6},
    "eq12": {"p": 1.5, "theta_1": 1.0, "theta_2": 1e-40, "theta_3": -3.0},
    "thm2-smoothness": {"p": 1.5, "theta_1": 0.7, "theta_2": -1.3, "theta_3": 0.2, "r_1": 1.0, "r_2": 0.3,
                        "r_3": 0.6},
    "prop1": {"p": 2.0, "theta_1": 0.7, "theta_2": -1.3, "theta_3": 0.2, "r_1": 1.0, "r_2": 0.3, "r_3": 0.6},
    "remark3": {"p": 3.0, "theta_1": 0.7, "theta_2": -1.3, "theta_3": 0.2},
    "sce-not-improvable": {},
}


def _overlap(a: mpmath.iv.mpf, b: mpmath.iv.mpf) -> bool:
    return max(a.a, b.a) <= min(a.b, b.b)


def test_arb_confirmation_agrees_with_mpmath_iv_at_each_precision() -> None:
    """Confirmation runs on Arb; mpmath.iv is an independent implementation of the same enclosure. Both are
    rigorous, so their enclosures must intersect, and at 60 and 120 digits Arb is no looser than 4× mpmath.iv."""
    for claim, point in _POINTS.items():
        function = margin_function(STATEMENTS[claim], max(2, sum(n.startswith("theta_") for n in point)))
        for digits in (60, 120):
            arb = function.enclosure(point, digits)
            iv = function.enclosure(point, digits, engine="mpmath-iv")
            assert _overlap(arb, iv), (claim, digits, arb, iv)
            assert arb.delta <= 4 * iv.delta + mpmath.mpf(10) ** -(digits - 5), (claim, digits, arb, iv)


def test_arb_slice_certificates_agree_with_mpmath_iv_on_the_same_boxes() -> None:
    """Eq. (12)'s slice certificate cut into 8 × 8 boxes: both engines enclose the same gap, and Arb's
    midpoint-radius balls are at most 4× wider than mpmath.iv's endpoint intervals (on boxes a quarter of the
    slice wide they can be unbounded, where mpmath.iv is not: the branch-and-bound then splits once more)."""
    piece = CLAIMS["eq12"].wider.slices[0]
    function = margin_function(STATEMENTS["eq12"], piece.K)
    (name_p, (p_low, p_high)), (name_t, (t_low, t_high)) = sorted(piece.box.items())
    for i in range(8):
        for j in range(8):
            box = {name_t: (t_low + i * (t_high - t_low) / 8, t_low + (i + 1) * (t_high - t_low) / 8),
                   name_p: (p_low + j * (p_high - p_low) / 8, p_low + (j + 1) * (p_high - p_low) / 8)}
            arb = function.interval_gap(box, piece.fixed)
            iv = function.interval_gap(box, piece.fixed, engine="mpmath-iv")
            assert _overlap(arb, iv) and arb.b - arb.a <= 4 * (iv.b - iv.a), (box, arb, iv)


def test_arb_and_mpmath_iv_certify_the_same_slice() -> None:
    piece = CLAIMS["eq11"].stated.slices[0]
    function = margin_function(STATEMENTS["eq11"], piece.K)
    outcomes = {engine: certify_slice(function, piece, max_boxes=2000, engine=engine).status
                for engine in ENGINES}
    assert outcomes == {"arb": "certified", "mpmath-iv": "certified"}


def test_a_wrong_ball_input_is_caught_by_the_cross_check() -> None:
    """The cross-check can fail: an engine that saw θ(a₁) off by one unit in the last place no longer meets the other."""
    point = _POINTS["eq9"]
    function = margin_function(STATEMENTS["eq9"], 3)
    arb = function.enclosure(point | {"theta_1": math.nextafter(point["theta_1"], 1.0)}, 60)
    iv = function.enclosure(point, 60, engine="mpmath-iv")
    assert not _overlap(arb, iv)


def test_engines_are_named() -> None:
    with pytest.raises(ValueError, match="engine must be one of"):
        margin_function(STATEMENTS["eq9"], 2).enclosure({"p": 2.0, "theta_1": 1.0, "theta_2": 2.0, "r_1": 1.0,
                                                         "r_2": 0.0}, 60, engine="interval")
