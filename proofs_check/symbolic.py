"""Step 1 of a check: a symbolic proof attempt with SymPy, for each K of a domain (up to a cost limit).

Tactics, by relation (a tactic either proves the statement for the instance or leaves it undecided; an
undecided simplification is never read as a disproof):

* ``==``: ``simplify(derived − stated)`` is identically 0 (entrywise for matrices).
* ``->``: ``limit(derived, x, x₀)`` equals the stated limit.
* ``>=`` with ``derived = sqrt(Σ_a g_a²)`` (a gradient norm, Eq. (8), (9)): some term satisfies
  ``g_j² − stated² ≡ 0`` and ``stated ≥ 0`` once the optimal reward is written r(a) = r(a*) − δ_a, δ_a ≥ 0; then
  derived² − stated² = Σ_{a≠j} g_a² is a sum of squares and derived ≥ stated.
* not symmetric / positive eigenvalue: an exact witness at a rational point (θ = (1, −2, 3, …), p = 2,
  r = (1, 0, …, 0)): an entry with J_ij − J_ji ≠ 0, or a rational direction v with vᵀHv > 0, in exact arithmetic.
"""

from __future__ import annotations

import itertools

import sympy as sp

from theory.statements import Instance, Relation, Statement
from proofs_check.verdicts import SymbolicOutcome

__all__ = ["MAX_SYMBOLIC_K", "attempt_proof", "prove_instance"]

MAX_SYMBOLIC_K = 3
"""Symbolic attempts stop at this K: expression sizes grow quickly with K (the search covers larger K)."""


def _identically_zero(expression: sp.Expr) -> bool:
    return sp.simplify(expression) == 0


def _sign_cases(instance: Instance) -> list[dict[sp.Symbol, sp.Expr]]:
    """Substitutions θ(a) = σ_a·u_a (u_a > 0) for every sign pattern σ ∈ {±1}^K, when |θ| or sgn θ occur.

    SymPy cannot simplify |θ|^{2p}/θ² for a real θ of unknown sign; on each orthant it can, and the orthants
    together cover every θ with θ(a) ≠ 0.
    """
    s = instance.setting
    expressions = [instance.derived] + ([] if instance.stated is None else [instance.stated])
    if not any(e.has(sp.Abs) or e.has(sp.sign) for e in expressions):
        return [{}]
    magnitudes = [sp.Symbol(f"u_{a + 1}", positive=True) for a in range(s.K)]
    return [
        {t: sign * u for t, sign, u in zip(s.theta, signs, magnitudes)}
        for signs in itertools.product((1, -1), repeat=s.K)
    ]


def _prove_equal(instance: Instance) -> bool:
    difference = instance.derived - instance.stated
    entries = list(difference) if isinstance(difference, sp.MatrixBase) else [difference]
    return all(_identically_zero(entry.subs(case)) for case in _sign_cases(instance) for entry in entries)


def _prove_limit(instance: Instance) -> bool:
    symbol, point = instance.limit
    return sp.simplify(sp.limit(instance.derived, symbol, point) - instance.stated) == 0


def _prove_dominant_coordinate(instance: Instance) -> bool:
    derived = instance.derived
    if not (isinstance(derived, sp.Pow) and derived.exp == sp.S.Half and isinstance(derived.base, sp.Add)):
        return False
    s = instance.setting
    gaps = {s.r[a]: s.r[s.astar] - sp.Symbol(f"delta_{a + 1}", nonnegative=True) for a in range(s.K) if a != s.astar}
    for case in _sign_cases(instance):
        stated = instance.stated.subs(gaps).subs(case)
        if sp.factor(sp.simplify(stated)).is_nonnegative is not True:
            return False
        squares = [term.subs(gaps).subs(case) for term in derived.base.args]
        if not any(_identically_zero(square - stated**2) for square in squares):
            return False
    return True


def _witness_point(instance: Instance) -> dict[sp.Symbol, sp.Expr]:
    s = instance.setting
    point = {t: sp.Integer((a + 1) * (-1) ** a) for a, t in enumerate(s.theta)}
    point |= {r: sp.Integer(1 if a == s.astar else 0) for a, r in enumerate(s.r)}
    return point | {s.p: sp.Integer(2)}


def _prove_not_symmetric(instance: Instance) -> bool:
    J = instance.derived.subs(_witness_point(instance))
    return any(sp.simplify(J[i, j] - J[j, i]) != 0 for i in range(J.rows) for j in range(i + 1, J.cols))


def _prove_positive_eigenvalue(instance: Instance) -> bool:
    H = sp.Matrix(instance.derived.subs(_witness_point(instance))).applyfunc(sp.nsimplify)
    candidates = [sp.Matrix([1 if i == k else 0 for i in range(H.rows)]) for k in range(H.rows)]
    return any((v.T * H * v)[0, 0] > 0 for v in candidates)


_TACTICS = {
    Relation.EQUAL: ("simplify(derived − stated) = 0", _prove_equal),
    Relation.LIMIT: ("SymPy limit", _prove_limit),
    Relation.GREATER_EQUAL: ("derived² − stated² = Σ_{a≠j} g_a², stated ≥ 0", _prove_dominant_coordinate),
    Relation.NOT_SYMMETRIC: ("exact witness θ = (1, −2, 3, …), p = 2", _prove_not_symmetric),
    Relation.NOT_NEGATIVE_SEMIDEFINITE: ("exact eᵢᵀHeᵢ > 0 at θ = (1, −2, 3, …), p = 2, r = e₁", _prove_positive_eigenvalue),
}


def prove_instance(instance: Instance) -> bool:
    """Whether a tactic proves ``instance`` (False means undecided, not disproved)."""
    tactic = _TACTICS.get(instance.relation)
    return tactic is not None and tactic[1](instance)


def attempt_proof(statement: Statement, K_range: tuple[int, int]) -> SymbolicOutcome | None:
    """Try the relation's tactic for K = K_range[0] … min(K_range[1], MAX_SYMBOLIC_K); None if it has none.

    Statements without θ (Remark 1, the SCE example) do not depend on K: one K proves them for all.
    """
    tactic = _TACTICS.get(statement.relation)
    if tactic is None:
        return None
    method, _ = tactic
    first = statement.build(K_range[0])
    if not any(symbol.name.startswith("theta_") for symbol in first.free_symbols):
        proved = prove_instance(first)
        full = tuple(range(K_range[0], K_range[1] + 1))
        return SymbolicOutcome(full if proved else (), full, method)
    tried = tuple(range(K_range[0], min(K_range[1], MAX_SYMBOLIC_K) + 1))
    proved_K = tuple(K for K in tried if prove_instance(first if K == K_range[0] else statement.build(K)))
    return SymbolicOutcome(proved_K, tried, method)
