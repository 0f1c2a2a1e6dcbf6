"""The proof engine: decide one built statement (:class:`theory.statements.Instance`) exactly, and say how.

:func:`prove` handles the relations that are identities or structural facts:

* ``==``: every entry of derived − stated simplifies to 0 (:func:`theory.canonical.vanishes`). If SymPy cannot
  decide, the difference is evaluated exactly at rational points (θ rational and p ∈ {1, 2, 3} for the escort;
  θ = log z with z rational for the softmax, so exp θ is rational). A non-zero exact value disproves the identity;
  zero at every point is reported as evidence ("exact rational evaluation at N points"), never as simplification.
* ``->``: SymPy's limit of the derived form, compared with the stated limit.
* ``not symmetric``: an exact rational point where ∂f_i/∂θ_j ≠ ∂f_j/∂θ_i.
* ``has a positive eigenvalue``: a point and a direction x with xᵀHx > 0 (then λ_max(H) ≥ xᵀHx/xᵀx > 0). With
  p = 1 + q the form is a rational function of q; if its numerator and denominator have coefficients of one sign
  and non-zero constant terms it is positive for every p ≥ 1 (a sign argument); otherwise the witness is for
  p = 2 only.

Inequalities (``>=``, ``<=``, spectral norms) are decided in :mod:`proofs_check`, not here.

>>> from theory.statements import STATEMENTS
>>> proof = prove(STATEMENTS["eq9-identity"].build(3))
>>> proof.established, proof.method.value
(True, 'simplification to 0')
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import sympy as sp

from theory.canonical import absolute_value_arguments, vanishes
from theory.statements import Instance, Relation, Statement

__all__ = ["Method", "Proof", "prove", "prove_statement"]

K_RANGE = range(2, 7)
"""The numbers of actions every statement is proved for (SymPy has no closed form for general K here)."""


class Method(enum.Enum):
    """How a verdict was reached, from strongest to weakest."""

    SIMPLIFICATION = "simplification to 0"
    LIMIT = "SymPy limit"
    SIGN_ARGUMENT = "exact witness, sign argument for all p >= 1"
    WITNESS = "exact rational witness"
    COUNTEREXAMPLE = "exact rational counterexample"
    EXACT_EVALUATION = "exact rational evaluation"
    UNDECIDED = "undecided"


@dataclass(frozen=True)
class Proof:
    """The verdict on one statement for one K: established (True, False, or None if undecided), how, and a witness.

    ``witness`` pairs names with exact values as strings (a point, a direction, a value), empty if none is needed.
    """

    statement_id: str
    K: int
    established: bool | None
    method: Method
    detail: str
    witness: tuple[tuple[str, str], ...] = ()


def _entries(value: sp.Expr | sp.MatrixBase) -> list[sp.Expr]:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def _points(instance: Instance, expr: sp.Expr, *, seed: int = 0) -> Iterator[dict[sp.Symbol, sp.Expr]]:
    """Exact rational points of the domain: θ(a) ≠ 0 (escort) or θ = log z (softmax), p ∈ {1, 2, 3}, ..."""
    s = instance.setting
    rng = np.random.default_rng(seed)
    escort_parameters = set(absolute_value_arguments(expr))
    for index in itertools.count():
        point: dict[sp.Symbol, sp.Expr] = {}
        for symbol in sorted(instance.free_symbols | expr.free_symbols, key=str):
            if symbol == s.p:
                value = sp.Integer(1 + index % 3)
            elif symbol in s.theta and symbol not in escort_parameters:
                value = sp.log(sp.Rational(int(rng.integers(2, 10)), int(rng.integers(1, 6))))
            elif symbol.is_positive:
                value = sp.Rational(int(rng.integers(1, 10)), 10)
            elif symbol.is_nonzero:
                value = sp.Rational(int(rng.choice([-1, 1])) * int(rng.integers(1, 7)), int(rng.integers(1, 5)))
            else:
                value = sp.Rational(int(rng.integers(-6, 7)), int(rng.integers(1, 4)))
            point[symbol] = value
        yield point


def _exact_zero(value: sp.Expr) -> bool | None:
    """Decide value == 0 for a rational number plus a rational combination of logs of integers.

    1, log 2, log 3, log 5, … are linearly independent over Q (Lindemann: e^c is transcendental for rational
    c ≠ 0; then unique factorisation), so such a value is 0 exactly when every coefficient is. Anything else: None.
    """
    value = sp.expand(sp.expand_log(sp.expand(value), force=True, factor=True))
    terms = value.as_coefficients_dict()
    for atom, coefficient in terms.items():
        is_log_prime = isinstance(atom, sp.log) and atom.args[0].is_Integer and sp.isprime(atom.args[0])
        if not coefficient.is_Rational or not (atom == 1 or is_log_prime):
            return None
    return all(c == 0 for c in terms.values())


def _format_point(point: dict[sp.Symbol, sp.Expr]) -> tuple[tuple[str, str], ...]:
    return tuple((str(symbol), str(value)) for symbol, value in point.items())


def _prove_equal(instance: Instance, statement: Statement, *, points: int) -> Proof:
    K = instance.setting.K
    derived, stated = _entries(instance.derived), _entries(instance.stated)
    if len(derived) != len(stated):
        return Proof(statement.id, K, False, Method.COUNTEREXAMPLE, "derived and stated forms differ in shape")
    differences = [a - b for a, b in zip(derived, stated)]
    theta, p = instance.setting.theta, instance.setting.p
    open_entries = [i for i, e in enumerate(differences) if vanishes(e, theta, p) is not True]
    if not open_entries:
        detail = f"all {len(differences)} entries of derived − stated"
        return Proof(statement.id, K, True, Method.SIMPLIFICATION, detail)
    undecided = False
    for point in itertools.islice(_points(instance, sum(differences[i] for i in open_entries)), points):
        for i in open_entries:
            zero = _exact_zero(differences[i].xreplace(point).doit())
            if zero is False:
                value = sp.expand_log(differences[i].xreplace(point).doit(), force=True)
                witness = (*_format_point(point), ("entry", str(i)), ("derived - stated", str(value)))
                return Proof(statement.id, K, False, Method.COUNTEREXAMPLE, f"entry {i} is non-zero", witness)
            undecided |= zero is None
    if undecided:
        return Proof(statement.id, K, None, Method.UNDECIDED, "simplification and exact evaluation both undecided")
    return Proof(
        statement.id, K, True, Method.EXACT_EVALUATION,
        f"simplification undecided for {len(open_entries)} entries; 0 at {points} exact rational points",
    )


def _prove_limit(instance: Instance, statement: Statement, *, points: int) -> Proof:
    symbol, point = instance.limit
    value = sp.limit(instance.derived, symbol, point)
    detail = f"limit of the derived form as {symbol} -> {point} is {value}"
    witness: tuple[tuple[str, str], ...] = (("limit", str(value)),)
    difference = value - instance.stated
    if sp.simplify(difference) == 0:
        return Proof(statement.id, instance.setting.K, True, Method.LIMIT, detail, witness)
    for at in itertools.islice(_points(instance, difference), points):
        if _exact_zero(difference.xreplace(at)) is False:
            witness = (*witness, *_format_point(at), ("limit - stated", str(difference.xreplace(at))))
            return Proof(statement.id, instance.setting.K, False, Method.COUNTEREXAMPLE, detail, witness)
    return Proof(statement.id, instance.setting.K, None, Method.UNDECIDED, detail, witness)


def _prove_not_symmetric(instance: Instance, statement: Statement, *, points: int) -> Proof:
    jacobian = instance.derived
    K = instance.setting.K
    pairs = [(i, j) for i in range(K) for j in range(i + 1, K)]
    for point in itertools.islice(_points(instance, jacobian[0, 0]), points):
        for i, j in pairs:
            upper, lower = jacobian[i, j].xreplace(point).doit(), jacobian[j, i].xreplace(point).doit()
            if upper.is_Rational and lower.is_Rational and upper != lower:
                entries = ((f"J[{i + 1},{j + 1}]", str(upper)), (f"J[{j + 1},{i + 1}]", str(lower)))
                witness = (*_format_point(point), *entries)
                return Proof(statement.id, K, True, Method.WITNESS, "an entry differs from its transpose", witness)
    asymmetry = jacobian - jacobian.T
    if all(vanishes(e, instance.setting.theta, instance.setting.p) for e in asymmetry):
        detail = "J − Jᵀ simplifies to 0: the matrix is symmetric"
        return Proof(statement.id, K, False, Method.SIMPLIFICATION, detail)
    return Proof(statement.id, K, None, Method.UNDECIDED, f"no asymmetric entry found at {points} exact points")


def _directions(K: int) -> Iterator[sp.Matrix]:
    steps = [sp.Integer(1), sp.Rational(1, 2), sp.Integer(0), -sp.Rational(1, 2), -sp.Integer(1)]
    for head in itertools.product(steps, repeat=min(K, 3)):
        if any(head):
            yield sp.Matrix([*head, *[0] * (K - len(head))])


def _hessian_points(instance: Instance) -> Iterator[dict[sp.Symbol, sp.Expr]]:
    """θ = (1, …, 1) makes π uniform for every p, so the Hessian is rational in p; rewards are one-hot."""
    s = instance.setting
    for j in range(s.K):
        point = {t: sp.Integer(1) for t in s.theta}
        point.update({r: sp.Integer(1 if a == j else 0) for a, r in enumerate(s.r)})
        yield point
    yield from itertools.islice(_points(instance, instance.derived[0, 0]), 8)


def _positive_for_all_q(form: sp.Expr, q: sp.Symbol) -> bool:
    numerator, denominator = sp.fraction(sp.cancel(sp.together(form)))
    signs = []
    for part in (numerator, denominator):
        if not part.is_polynomial(q):
            return False
        coefficients = sp.Poly(part, q).all_coeffs()
        if coefficients[-1] == 0 or not all(c.is_Rational for c in coefficients):
            return False
        signs.append({sp.sign(c) for c in coefficients if c != 0})
    return all(len(sign) == 1 for sign in signs) and signs[0] == signs[1]


def _prove_positive_eigenvalue(instance: Instance, statement: Statement) -> Proof:
    s = instance.setting
    q = sp.Symbol("q", nonnegative=True)
    fallback: Proof | None = None
    for point in _hessian_points(instance):
        at_p = point.get(s.p)
        hessian = instance.derived.xreplace({k: v for k, v in point.items() if k != s.p})
        hessian = hessian.xreplace({s.p: 1 + q}).applyfunc(lambda e: sp.cancel(e.doit()))
        for x in _directions(s.K):
            form = sp.cancel((x.T * hessian * x)[0, 0])
            described = (*_format_point(point), ("x", str(list(x))), ("x^T H x, q = p - 1", str(form)))
            if at_p is None and _positive_for_all_q(form, q):
                return Proof(statement.id, s.K, True, Method.SIGN_ARGUMENT, "x^T H x > 0 for every p >= 1", described)
            value = form.xreplace({q: (at_p or 2) - 1})
            if fallback is None and value.is_Rational and value > 0:
                p_value = at_p or 2
                fallback = Proof(
                    statement.id, s.K, True, Method.WITNESS, f"x^T H x = {value} > 0 at p = {p_value}",
                    (*_format_point(point), ("p", str(p_value)), ("x", str(list(x))), ("x^T H x", str(value))),
                )
    return fallback or Proof(statement.id, s.K, None, Method.UNDECIDED, "no direction with x^T H x > 0 found")


def prove(instance: Instance, *, points: int = 12) -> Proof:
    """Decide ``instance`` exactly (see the module docstring); ``points`` bounds the exact evaluations."""
    statement = instance.statement
    if instance.relation is Relation.EQUAL:
        return _prove_equal(instance, statement, points=points)
    if instance.relation is Relation.LIMIT:
        return _prove_limit(instance, statement, points=points)
    if instance.relation is Relation.NOT_SYMMETRIC:
        return _prove_not_symmetric(instance, statement, points=points)
    if instance.relation is Relation.NOT_NEGATIVE_SEMIDEFINITE:
        return _prove_positive_eigenvalue(instance, statement)
    raise ValueError(f"prove() decides identities, limits and structural relations; {statement.id} is "
                     f"'{instance.relation.value}', an inequality checked by proofs_check")


def prove_statement(statement: Statement, Ks: Iterable[int] = K_RANGE, **setting: int) -> tuple[Proof, ...]:
    """Proofs of ``statement`` for every K in ``Ks`` from the statement's ``min_K`` on."""
    return tuple(prove(statement.build(K, **setting)) for K in Ks if K >= statement.min_K)
