"""Every step size and bound numerics/ uses is read from theory.statements.BOUNDS (numerics.engine.step_sizes).

Each function is compared with its RateBound evaluated by SymPy substitution at several points (not through the
lambdified path it uses), a deliberately wrong step fails the same comparison, and the numerics/ sources no
longer contain the formulas typed by hand.
"""

from __future__ import annotations

import io
import math
import re
import tokenize
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from numerics.engine import step_sizes
from theory import definitions as d
from theory.statements import A_SYM, BOUNDS, C1, GAMMA, INV_MU, K_SYM, NORM, T

NUMERICS = Path(__file__).resolve().parents[3] / "numerics"
POINTS = [(2.0, 2, 0.1, 0.5), (2.0, 10, 0.5, 0.9), (3.0, 5, 0.01, 0.0), (1.0, 4, 1.0, 0.3), (4.0, 100, 0.2, 0.99)]
"""(p, K = A, τ, γ) at which every step is checked."""


def _exact(expression: sp.Expr, values: dict) -> float:
    return float(expression.subs(values).evalf(30))


def _agrees(value: float, exact: float) -> bool:
    return math.isclose(value, exact, rel_tol=1e-13)


@pytest.mark.parametrize(("p", "K", "tau", "gamma"), POINTS)
def test_each_step_size_is_its_rate_bound(p: float, K: int, tau: float, gamma: float) -> None:
    P, TAU = d.P, d.TAU
    thm2 = _exact(BOUNDS["thm2-ascent"].step_size, {NORM: 1, P: p, K_SYM: K})
    assert _agrees(math.exp(step_sizes.theorem2_log_constant(p, K)), thm2)
    norm = 1.7
    thm3 = _exact(BOUNDS["thm3"].step_size, {NORM: norm, P: p, A_SYM: K, GAMMA: gamma})
    assert _agrees(float(step_sizes.theorem3_step(np.array(norm), gamma=gamma, p=p, A=K)), thm3)
    assert _agrees(step_sizes.spg_mdp_step(gamma), _exact(BOUNDS["thm3-spg"].step_size, {GAMMA: gamma}))
    thm4 = _exact(BOUNDS["thm4"].step_size, {NORM: norm, P: p, A_SYM: K, d.TAU: tau, GAMMA: gamma})
    assembled = step_sizes.theorem4_gamma_factor(gamma) * norm**2 * math.exp(-step_sizes.theorem4_log_denominator(p, K, tau))
    assert _agrees(assembled, thm4)
    prefactor = _exact(BOUNDS["thm4"].bound, {INV_MU: 3.0, TAU: tau, A_SYM: K, GAMMA: gamma, T: 0})
    assert _agrees(step_sizes.theorem4_prefactor(3.0, tau, K, gamma), prefactor)
    c1_squared = 1.0 / 0.2
    thm5 = _exact(BOUNDS["thm5"].step_size, {NORM: norm, C1: math.sqrt(c1_squared)})
    assert _agrees(float(step_sizes.theorem5_step(np.array(norm), np.array(c1_squared))), thm5)
    assert _agrees(step_sizes.sce_step(), _exact(BOUNDS["sce"].step_size, {}))


def test_a_wrong_step_fails_the_comparison() -> None:
    p, K = 2.0, 10
    wrong = math.log(2.0 / (8.0 * p * p)) - math.log(K) / p  # 8 instead of Theorem 2's 9
    exact = _exact(BOUNDS["thm2-ascent"].step_size, {NORM: 1, d.P: p, K_SYM: K})
    assert not _agrees(math.exp(wrong), exact)


def test_theorem4_step_is_labelled_as_the_projects_reading() -> None:
    assert "project's reading" in BOUNDS["thm4"].reference
    assert "c_τ = p²τ(4 + 8 log A)" in BOUNDS["thm4"].text


HAND_TYPED = {
    "Theorem 2's step": r"9\.0 \* p \* p|2\.0 / \(9",
    "Theorem 4's c_tau": r"4\.0 \+ 8\.0|8\.0 \* (np|math)\.log",
    "Theorem 4's denominator": r"10\.0 \* p \* p",
    "Theorem 4's prefactor": r"\(1 \+ tau \* np\.log",
    "Theorem 5's step": r"4\.0 \* \(3\.0",
    "SPG's MDP step": r"\*\* 3 / 8",
    "SCE's 1/L": r"SCE_STEP = 2",
}


def _code(path: Path) -> str:
    """The source without comments and strings (docstrings may state the formulas)."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    return " ".join(t.string for t in tokens if t.type not in (tokenize.COMMENT, tokenize.STRING))


def test_no_step_size_is_typed_by_hand_in_numerics() -> None:
    found = [
        f"{path.relative_to(NUMERICS)}: {what}"
        for path in sorted(NUMERICS.rglob("*.py"))
        for what, pattern in HAND_TYPED.items()
        if re.search(pattern, _code(path))
    ]
    assert found == []


def test_the_scan_finds_a_planted_formula(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text("def step(p, K):\n    return 2.0 / (9.0 * p * p) / K ** (1 / p)\n")
    assert re.search(HAND_TYPED["Theorem 2's step"], _code(planted))
