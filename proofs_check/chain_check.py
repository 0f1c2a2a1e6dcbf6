"""Check a lemma chain of :mod:`theory.chains`: every fact by its own method, every step by an identity.

* index facts: each named derivation of :mod:`theory.index_form` verifies (every K ≥ 2);
* definition facts: the reduced variables replaced by their definitions (``chain.meaning``) at K = 2, 3, then
  ≡ 0 by SymPy (equalities) or a − min(…, a, …) (the one inequality, min_a π(a) ≤ π(a_y)); for other K the
  fact is one line of the definitions, accepted (docs/verification.md says so);
* sign and termwise facts: expression (or summand) ≡ Π factors in SymPy, and every factor ≥ 0: a symbol's
  assumption, an even power, or one of the chain's atoms; a termwise fact's expression must also be linear in
  its aggregate sums with exactly the summand's coefficients, so the sum over any number of actions is ≥ 0;
* monotone facts: f(x₀) = 0 exactly and f′ ≤ 0 left of x₀ (≥ 0 right of it) after the parametrisation
  x = g(s), s ≥ 0 (a sign argument as above);
* ball facts: :func:`proofs_check.balls.certify_positive` on the whole closed box;
* steps: E_{i−1} − E_i − Σ c_j·F_j simplifies to 0, every c_j ≥ 0 on a ``>=`` step, only equality facts on a
  ``==`` step, and every fact used is itself established;
* link: the chain's two sides, the reduced variables replaced by their definitions, are the registered
  statement's two sides at K = 2, 3 (:func:`check_link`): a chain proving another inequality proves nothing here.

>>> result = check_chain(CHAINS["eq11"])
>>> result.proved, [f.ok for f in result.facts]
(True, [True, True, True, True, True])
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from proofs_check.balls import certify_positive
from theory.chains import CHAINS, Chain, Fact, FactKind, Step
from theory.index_form import DERIVATIONS
from theory.statements import STATEMENTS, Relation, Statement

__all__ = ["LINK_K", "ChainResult", "FactResult", "LinkResult", "StepResult", "check_chain", "check_link", "checked_chain",
           "nonnegative"]


@dataclass(frozen=True)
class FactResult:
    id: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class StepResult:
    index: int
    ok: bool
    detail: str


@dataclass(frozen=True)
class LinkResult:
    """Whether the chain's proved inequality is the statement's, compared at each K of ``K_values``."""

    ok: bool
    detail: str
    K_values: tuple[int, ...] = ()


LINK_K: tuple[int, ...] = (2, 3)
"""The K at which a chain's sides are compared with its statement's (the statement is built per K)."""


@dataclass(frozen=True)
class ChainResult:
    """A checked chain: proved when every fact and every step is, and its ends are the statement's sides."""

    statement_id: str
    facts: tuple[FactResult, ...]
    steps: tuple[StepResult, ...]
    link: LinkResult

    @property
    def proved(self) -> bool:
        return all(f.ok for f in self.facts) and all(s.ok for s in self.steps) and self.link.ok

    @property
    def broken(self) -> tuple[str, ...]:
        """The facts, steps and link that failed, in words."""
        return (tuple(f"fact {f.id}: {f.detail}" for f in self.facts if not f.ok)
                + tuple(f"step {s.index}: {s.detail}" for s in self.steps if not s.ok)
                + (() if self.link.ok else (f"link: {self.link.detail}",)))


def _zero(expression: sp.Expr) -> bool:
    """SymPy proves expression ≡ 0 under the symbols' assumptions (no forced power or log rules)."""
    return sp.simplify(sp.expand_log(sp.powsimp(sp.expand(expression)))) == 0


def nonnegative(expression: sp.Expr, atoms: tuple[sp.Expr, ...] = ()) -> bool:
    """A sign argument: the factors of ``expression`` that SymPy cannot sign multiply to one of ``atoms`` (≥ 0)."""
    expression = sp.factor_terms(sp.together(expression))
    if expression.is_nonnegative:
        return True
    numerator, denominator = sp.fraction(expression)
    unsigned = []
    for factor in (*sp.Mul.make_args(numerator), *(1 / f for f in sp.Mul.make_args(denominator))):
        base, exponent = factor.as_base_exp()
        if factor.is_nonnegative or (exponent.is_even is True) or (base.is_positive and exponent.is_real):
            continue
        unsigned.append(factor)
    rest = sp.Mul(*unsigned)
    return rest == 1 or bool(rest.is_nonnegative) or any(_zero(rest - atom) for atom in atoms)


def _product_of_nonnegative(expression: sp.Expr, factors: tuple[sp.Expr, ...], atoms: tuple[sp.Expr, ...]) -> str:
    if not _zero(expression - sp.Mul(*factors)):
        return "is not the product of its factors"
    unsigned = [f for f in factors if not nonnegative(f, atoms)]
    return f"factor {unsigned[0]} has no known sign" if unsigned else ""


def _check_termwise(fact: Fact, atoms: tuple[sp.Expr, ...]) -> str:
    problem = _product_of_nonnegative(fact.summand, fact.factors, atoms)
    if problem:
        return f"summand {problem}"
    sums = tuple(fact.sums)
    per_action = set(sums).union(*(value.free_symbols for value in fact.sums.values()))
    linear = all(not (sp.diff(fact.expression, A).free_symbols & per_action) for A in sums)
    if not linear or not _zero(fact.expression.xreplace({A: 0 for A in sums})):
        return "the fact is not a linear combination of its sums with summand-free coefficients"
    if not _zero(fact.expression.xreplace(dict(fact.sums)) - fact.summand):
        return "the fact's sums do not add up to its summand"
    return ""


def _check_monotone(fact: Fact, atoms: tuple[sp.Expr, ...]) -> str:
    function = fact.expression if fact.function is None else fact.function
    if fact.at is not None and not _zero(function.subs(fact.variable, fact.at) - fact.expression):
        return f"the fact is not f({fact.at})"
    if not _zero(function.subs(fact.variable, fact.zero)):
        return f"f({fact.zero}) is not 0"
    slope = sp.diff(function, fact.variable)
    for side, parametrisation in fact.sides.items():
        signed = slope.subs(fact.variable, parametrisation) * (-1 if side == "left" else 1)
        if not nonnegative(sp.simplify(signed), atoms):
            return f"no sign for f′ on the {side} of {fact.zero}"
    return ""


def _below_its_minimum(expression: sp.Expr) -> bool:
    """expression = a − Min(…, a, …): ≥ 0 by the definition of the minimum."""
    minima = [term for term in sp.Add.make_args(expression) if isinstance(-term, sp.Min)]
    return len(minima) == 1 and (expression - minima[0]) in (-minima[0]).args


def _check_definition(fact: Fact, chain: Chain) -> str:
    """The fact with the reduced variables replaced by their definitions (``chain.meaning``) at each K of
    :data:`LINK_K`: ≡ 0 (an equality) or ≥ 0 (SymPy's sign, or a − Min(…, a, …))."""
    statement = STATEMENTS[chain.statement_id]
    for K in LINK_K:
        value = fact.expression.xreplace(chain.meaning(statement.build(K).setting))
        if value.free_symbols & {symbol for symbol, _ in chain.variables}:
            return f"the chain gives no definition of {', '.join(map(str, value.free_symbols))} at K = {K}"
        if fact.equality and not (_zero(value) or _zero(sp.simplify(value))):
            return f"not 0 from the definitions at K = {K}"
        if not fact.equality and not (_below_its_minimum(value) or sp.simplify(value).is_nonnegative):
            return f"no sign from the definitions at K = {K}"
    return ""


@functools.cache
def _derivation_established(derivation_id: str) -> bool:
    return DERIVATIONS[derivation_id].verify().established


def check_fact(fact: Fact, chain: Chain) -> FactResult:
    """One fact of ``chain``, by the method of its kind (see the module docstring)."""
    atoms = tuple(atom for atom, _ in chain.atoms)
    if fact.kind is FactKind.INDEX:
        missing = [d for d in fact.derivation if not _derivation_established(d)]
        return FactResult(fact.id, not missing and bool(fact.derivation),
                          f"not established: {', '.join(missing)}" if missing else
                          f"index-form derivations {', '.join(fact.derivation)} hold for every K")
    if fact.kind is FactKind.DEFINITION:
        problem = _check_definition(fact, chain)
        return FactResult(fact.id, not problem, problem or "from the variables' definitions by SymPy at K = "
                          f"{', '.join(map(str, LINK_K))} (for other K: one line of the definitions, not checked)")
    if fact.kind is FactKind.TERMWISE:
        problem = _check_termwise(fact, atoms)
        return FactResult(fact.id, not problem, problem or "every summand ≥ 0 (product of signed factors)")
    if fact.kind is FactKind.SIGN:
        problem = _product_of_nonnegative(fact.expression, fact.factors, atoms)
        return FactResult(fact.id, not problem, problem or "product of factors ≥ 0")
    if fact.kind is FactKind.MONOTONE:
        problem = _check_monotone(fact, atoms)
        return FactResult(fact.id, not problem, problem or f"f({fact.zero}) = 0 and f′ has the needed sign")
    certificate = certify_positive(fact.expression, fact.box)
    return FactResult(fact.id, certificate.status == "certified",
                      f"Arb: {certificate.status} after {certificate.boxes} boxes at {certificate.bits} bits")


def _check_step(index: int, previous: sp.Expr, step: Step, chain: Chain, established: dict[str, bool]) -> StepResult:
    atoms = tuple(atom for atom, _ in chain.atoms)
    known = {f.id: f for f in chain.facts}
    unknown = [fid for _, fid in step.uses if fid not in known]
    if unknown:
        return StepResult(index, False, f"uses unknown facts {', '.join(unknown)}")
    residual = previous - step.expression - sum(sp.sympify(k) * known[fid].expression for k, fid in step.uses)
    if not _zero(residual):
        return StepResult(index, False, "the certificate identity does not hold")
    for multiplier, fid in step.uses:
        fact = known[fid]
        if not established[fid]:
            return StepResult(index, False, f"uses {fid}, which is not established")
        if step.relation == "==" and not fact.equality:
            return StepResult(index, False, f"an equality step uses the inequality {fid}")
        if step.relation == ">=" and not fact.equality and not nonnegative(sp.sympify(multiplier), atoms):
            return StepResult(index, False, f"multiplier {multiplier} of {fid} has no known sign")
    return StepResult(index, True, "certificate identity holds; multipliers ≥ 0")


def _same(left: sp.Expr, right: sp.Expr) -> bool:
    """left ≡ right; for real sides, e^left ≡ e^right suffices (exp is injective on R), which lets SymPy see
    −log(1 − ε) = log(1/(1 − ε)) without knowing 1 − ε > 0."""
    difference = left - right
    return difference == 0 or _zero(difference) or _zero(sp.exp(left) - sp.exp(right))


def check_link(chain: Chain, statement: Statement, K_values: tuple[int, ...] = LINK_K) -> LinkResult:
    """The chain proves the statement: for each K, its left and right sides (the reduced variables replaced by
    their meaning, ``chain.meaning``) are, by SymPy, the statement's derived and stated sides (the left squared
    for a squared chain), and the statement is a ``>=``."""
    if statement.relation is not Relation.GREATER_EQUAL:
        return LinkResult(False, f"{statement.id} is not a ≥ statement ({statement.relation.value})")
    left, right = chain.proved_sides
    for K in K_values:
        instance = statement.build(K)
        values = chain.meaning(instance.setting)
        derived = instance.derived**2 if chain.squared else instance.derived
        if not _same(left.xreplace(values), derived):
            return LinkResult(False, f"the chain's left side {left} is not the left side of {statement.id} at K = {K}")
        if not _same(right.xreplace(values), instance.stated):
            return LinkResult(False, f"the chain's right side {right} is not the right side of {statement.id} at "
                              f"K = {K}")
    return LinkResult(True, f"its two sides are those of {statement.id} at K = {', '.join(map(str, K_values))} "
                      "(reduced variables replaced by their definitions)", K_values)


def check_chain(chain: Chain, statement: Statement | None = None) -> ChainResult:
    """Every fact and every step of ``chain`` (and the square-root step of a squared chain), and its link to
    ``statement`` (default: the registered statement of its id)."""
    facts = tuple(check_fact(fact, chain) for fact in chain.facts)
    established = {f.id: f.ok for f in facts}
    steps, previous = [], chain.start
    for index, step in enumerate(chain.steps, start=1):
        steps.append(_check_step(index, previous, step, chain, established))
        previous = step.expression
    if chain.squared:
        root = chain.root
        result = _check_step(len(steps) + 1, root.expression, Step(0, root.relation, root.uses), chain, established)
        if result.ok and not _zero(chain.end - root.expression**2):
            result = StepResult(result.index, False, "the end of the chain is not the square of the root")
        steps.append(result)
    link = check_link(chain, STATEMENTS[chain.statement_id] if statement is None else statement)
    return ChainResult(chain.statement_id, facts, tuple(steps), link)


@functools.cache
def checked_chain(statement_id: str) -> ChainResult | None:
    """:func:`check_chain` of the registered chain of ``statement_id`` (cached), or None."""
    chain = CHAINS.get(statement_id)
    return None if chain is None else check_chain(chain)
