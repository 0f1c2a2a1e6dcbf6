"""Step 1 of a check: a proof for every K (:func:`general_proof`), else an attempt for each K up to
:data:`MAX_SYMBOLIC_K`.

:func:`general_proof` covers every K ≥ 2 at once:

* inequalities with a lemma chain in :mod:`theory.chains` (Eq. (8), (9), (11), (12) in both readings, the SCE
  example), checked by :func:`proofs_check.chain_check.checked_chain`, on domains inside the chain's range of p;
* identities with an index-form derivation in :mod:`theory.index_form` (verified there for every K);
* the smoothness implied by Theorems 2 and 3 on domains with some 1 < p < 2: refuted for every K by the proved
  limit of :func:`theory.witness_families.smoothness_blowup` (the Hessian is unbounded as θ(a) → 0);
* Proposition 1: the parametric witness family of :mod:`theory.witness_families` (every K ≥ 2, p > 0);
* Remark 3: the index-form entry [J − Jᵀ]_ab = p·π(a)π(b)(θ(b) − θ(a))/(θ(a)θ(b)), non-zero wherever
  θ(a) ≠ θ(b) (p, π(a), π(b) > 0).
* a user claim's entry identity: the index-form derivation built from its sides
  (:func:`proofs_check.user_claims.index_derivation`), passed in; the lookups above serve only the paper's
  registered statements (a user claim that shares an id with one is not proved by its chain).

Per-K attempts (below) are the fallback:

* ``==``, ``->``, not symmetric, positive eigenvalue: :func:`theory.proof.prove` (simplification, SymPy limit,
  exact rational witness or sign argument). Its exact rational *counterexample* disproves the statement; its
  "exact evaluation at rational points" is evidence, not proof, and is read as undecided.
* ``>=`` with ``derived = sqrt(Σ_a g_a²)`` (a gradient norm, Eq. (8), (9)): on each sign orthant of θ, some
  term satisfies ``g_j² − stated² ≡ 0`` and ``stated ≥ 0`` once the rewards are written
  r(a) = r(a*) − δ_a with δ_a ≥ 0; then derived² − stated² = Σ_{a≠j} g_a² is a sum of squares, so
  derived ≥ stated.
* other inequalities (Eq. (11), (12), the smoothness lemmas): no tactic; the search and intervals decide.

An undecided simplification is never read as a disproof.
"""

from __future__ import annotations

import itertools

import sympy as sp

from proofs_check.chain_check import checked_chain
from proofs_check.verdicts import SymbolicOutcome
from theory.chains import CHAINS
from theory.index_form import IndexDerivation, IndexSymbols, covering
from theory.proof import Method, prove
from theory.witness_families import smoothness_blowup, verify_prop1_family
from theory.statements import STATEMENTS, Instance, Relation, Statement

__all__ = ["MAX_SYMBOLIC_K", "attempt_proof", "general_proof", "prove_instance"]

MAX_SYMBOLIC_K = 2
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


def _is_gradient_norm(derived: sp.Expr) -> bool:
    return isinstance(derived, sp.Pow) and derived.exp == sp.S.Half and isinstance(derived.base, sp.Add)


def _prove_dominant_coordinate(instance: Instance) -> bool:
    derived = instance.derived
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


_STRUCTURAL = {Relation.EQUAL, Relation.LIMIT, Relation.NOT_SYMMETRIC, Relation.NOT_NEGATIVE_SEMIDEFINITE}
_PROOF_METHODS = {Method.SIMPLIFICATION, Method.LIMIT, Method.SIGN_ARGUMENT, Method.WITNESS}
_DOMINANT = "derived² − stated² = Σ_{a≠j} g_a², stated ≥ 0 (each sign orthant of θ)"


def prove_instance(instance: Instance) -> tuple[bool | None, str]:
    """(True, method) if proved, (False, method) if disproved exactly, (None, method) if undecided.

    Identities, limits and existential statements go to :func:`theory.proof.prove`; exact evaluation at
    rational points is evidence there, not a proof, and counts as undecided here.
    """
    if instance.relation in _STRUCTURAL:
        proof = prove(instance)
        if proof.established is False:
            return False, f"{proof.method.value}: {proof.detail}"
        return (True if proof.established and proof.method in _PROOF_METHODS else None), proof.method.value
    if instance.relation is Relation.GREATER_EQUAL and _is_gradient_norm(instance.derived):
        return (True if _prove_dominant_coordinate(instance) else None), _DOMINANT
    return None, "no symbolic tactic for this form"


def attempt_proof(statement: Statement, K_range: tuple[int, int]) -> SymbolicOutcome | None:
    """Try K = K_range[0] … min(K_range[1], MAX_SYMBOLIC_K); None for relations without a tactic.

    Statements without θ (Remark 1, the SCE example) do not depend on K: one K decides them for all.
    """
    if statement.relation not in _STRUCTURAL | {Relation.GREATER_EQUAL}:
        return None
    first = statement.build(K_range[0])
    k_free = not any(symbol.name.startswith("theta_") for symbol in first.free_symbols)
    tried = tuple(range(K_range[0], (K_range[0] if k_free else min(K_range[1], MAX_SYMBOLIC_K)) + 1))
    outcomes = {K: prove_instance(first if K == K_range[0] else statement.build(K)) for K in tried}
    covered = tuple(range(K_range[0], K_range[1] + 1)) if k_free else tried
    method = "; ".join(dict.fromkeys(m for _, m in outcomes.values()))
    proved = tuple(K for K in covered if outcomes[tried[0] if k_free else K][0] is True)
    refuted = tuple(K for K in covered if outcomes[tried[0] if k_free else K][0] is False)
    every = k_free and bool(proved)
    scope = "every value of its variables (the statement has no K)" if every else ""
    return SymbolicOutcome(proved, covered, method, refuted, all_K=every, scope=scope)


def _remark3_entry_factorises(stated: sp.Expr) -> bool:
    """[J − Jᵀ]_ab / ((θ(b) − θ(a))/(θ(a)θ(b))) is positive (it is p·π(a)π(b)): the entry vanishes iff θ(a) = θ(b)."""
    s = IndexSymbols()
    return sp.simplify(stated / ((s.theta_b - s.theta_a) / (s.theta_a * s.theta_b))).is_positive is True


_BLOWUP = ("thm2-smoothness", "thm3-smoothness")


def general_proof(
    statement: Statement,
    p_low: float | None = None,
    p_ranges: tuple[tuple[float, float], ...] = (),
    derivation: IndexDerivation | None = None,
) -> SymbolicOutcome | None:
    """A proof (or disproof) of ``statement`` for every K ≥ 2 on a domain whose p lies in ``p_ranges`` (smallest
    ``p_low``), or None.

    ``derivation``: an index-form derivation of this statement built by the caller (a user claim's entry identity,
    :mod:`proofs_check.user_claims`). Without it, only the paper's registered statements
    (:data:`theory.statements.STATEMENTS`, the same object) are looked up: the chains and derivations are proofs of
    those statements, not of another statement that happens to share an id.
    """
    if derivation is not None:
        return _by_derivation(statement, derivation)
    if STATEMENTS.get(statement.id) is not statement:
        return None
    if statement.id in _BLOWUP and any(low < 2 and high > 1 for low, high in p_ranges):
        family = smoothness_blowup()
        if not family.established:
            return None
        return SymbolicOutcome((), (), family.method, refuted_all_K=True, scope="every K ≥ 2, 1 < p < 2")
    if statement.id == "prop1":
        family = verify_prop1_family()
        if not family.established:
            return None
        return SymbolicOutcome((), (), family.method, all_K=True, scope="every K ≥ 2, p > 0 (a parametric witness)")
    chain = CHAINS.get(statement.id)
    if chain is not None:
        result = checked_chain(statement.id)
        if not result.proved or not chain.covers_p(0.0 if p_low is None else p_low):
            return None
        method = f"lemma chain of {len(chain.facts)} facts and {len(result.steps)} steps, each checked"
        return SymbolicOutcome((), (), method, all_K=True, scope=chain.quantifier)
    derivation = covering(statement.id)
    return None if derivation is None else _by_derivation(statement, derivation)


def _by_derivation(statement: Statement, derivation: IndexDerivation) -> SymbolicOutcome | None:
    """The statement proved for every K by ``derivation`` (identities; Remark 3's entry of J − Jᵀ), or None."""
    proof = derivation.verify()
    scope = derivation.scope or "every K ≥ 2" + (", p > 0" if derivation.transform == "escort" else "")
    if not proof.established:
        return None
    if statement.relation is Relation.NOT_SYMMETRIC:
        (case,) = derivation.cases()
        if not _remark3_entry_factorises(case.stated):
            return None
        return SymbolicOutcome((), (), f"index-form entry of J − Jᵀ ({derivation.id}) = p·π(a)π(b)(θ(b) − θ(a))/"
                               "(θ(a)θ(b)) ≠ 0", all_K=True, scope=f"{scope}, wherever θ(a) ≠ θ(b)")
    if statement.relation is not Relation.EQUAL:
        return None
    return SymbolicOutcome((), (), f"index-form derivation '{derivation.id}' ({', '.join(proof.cases)})",
                           all_K=True, scope=scope)
