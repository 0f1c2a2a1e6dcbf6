"""The strategies generate what their names say."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from proofs_check import strategies as pst
from theory.statements import STATEMENTS
from proofs_check.margins import margin_function


@given(st.integers(2, 10).flatmap(pst.near_vertex_policies))
def test_near_vertex_policies_are_on_the_simplex(pi: tuple) -> None:
    assert math.isclose(math.fsum(pi), 1.0, abs_tol=1e-12)
    assert max(pi) >= 0.5 and min(pi) >= 1e-300


@given(st.floats(1, 8).flatmap(lambda p: pst.escort_parameters(3, p).map(lambda t: (p, t))))
def test_escort_parameters_are_nonzero(pair: tuple) -> None:
    _, theta = pair
    assert all(t != 0 for t in theta)


@given(pst.reward_vectors(4))
def test_reward_vectors_put_the_best_reward_first(r: tuple) -> None:
    assert r[0] == max(r) and all(0 <= x <= 1 for x in r)


def test_float_margins_match_interval_enclosures() -> None:
    """The float64 path and the interval path evaluate the same lambdified statement."""
    point = {"p": 2.5, "theta_1": 0.7, "theta_2": -1.3, "theta_3": 0.2, "r_1": 1.0, "r_2": 0.3, "r_3": 0.6}
    for claim in ("eq9", "eq12", "thm2-smoothness"):
        function = margin_function(STATEMENTS[claim], 3)
        enclosure = function.enclosure(point, 60)
        value = function.float64(point)
        assert float(enclosure.a) - 1e-12 <= value <= float(enclosure.b) + 1e-12
