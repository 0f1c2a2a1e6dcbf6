"""Proofs of the NŁ inequalities for every K, as data: chains of facts, each checkable on its own.

A :class:`Chain` proves ``lhs ≥ rhs`` for one statement of :mod:`theory.statements` in a few *reduced* scalar
variables (x = π(a_y), m = min_a π(a), sums over the other actions as symbols …) that exist for every K ≥ 2:

    lhs = E_0  (rel_1)  E_1  (rel_2)  …  E_n = rhs,

and every step is justified by a certificate: E_{i−1} − E_i ≡ Σ_j c_j·F_j, an identity that SymPy checks, where
each F_j is a :class:`Fact` (F_j ≥ 0, or F_j = 0) and each multiplier c_j ≥ 0 by a sign argument (for an
equality step the facts are equalities and the multipliers are free). Facts are of five kinds:

* ``index``: an entry formula derived for every K in :mod:`theory.index_form` (checked there), summed over a;
* ``definition``: immediate from the definition of a reduced variable (min, Σπ = 1, splitting a sum at a_y);
* ``termwise``: a sum over actions of a summand that is ≥ 0 for every action (checked on the summand), so the
  sum is ≥ 0 for every K;
* ``sign``: the fact equals a product of factors of known sign (checked by SymPy);
* ``monotone``: a scalar f(x) with f(x₀) = 0 exactly and f′ of the right sign on each side of x₀;
* ``ball``: a scalar inequality f > 0 in one to three variables on a closed box, certified by Arb ball
  arithmetic (:mod:`proofs_check.balls`).

:mod:`proofs_check.chain_check` checks a chain; docs/verification.md prints it step by step.

>>> sorted(CHAINS)
['eq11', 'eq12', 'eq12-min-pi', 'eq8', 'eq9', 'sce-example-kl']
>>> CHAINS["eq12"].quantifier
'every K ≥ 2, p > 0'
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sympy as sp

from theory import definitions
from theory.definitions import P

if TYPE_CHECKING:
    from theory.statements import Setting

__all__ = ["CHAINS", "Chain", "Fact", "FactKind", "Step", "chains_for"]


class FactKind(enum.Enum):
    INDEX = "index-form derivation (every K)"
    DEFINITION = "definition"
    TERMWISE = "termwise (every summand, so every K)"
    SIGN = "sign argument (SymPy)"
    MONOTONE = "monotonicity (SymPy)"
    BALL = "Arb ball arithmetic on the whole box"


@dataclass(frozen=True)
class Fact:
    """One fact: ``expression ≥ 0`` (``equality``: ``= 0``), its words, its kind and the data its check needs.

    * ``derivation``: ids in :data:`theory.index_form.DERIVATIONS` (index facts);
    * ``factors``: expression ≡ Π factors, each ≥ 0 by the symbols' assumptions or the chain's ``atoms``
      (sign facts; termwise facts, on the summand);
    * ``summand`` / ``sums``: termwise facts: the summand (≥ 0 by ``factors``) and {aggregate symbol: its
      summand}; ``expression`` must be linear in the aggregates with the summand's coefficients;
    * ``variable``, ``function``, ``zero``, ``sides``: monotone facts: f = ``function`` (default: expression) of
      ``variable`` has f(zero) = 0, and on each side ("left", "right"), parametrised as variable = g(s), s ≥ 0,
      f′ has the sign that makes f ≥ 0 there; ``at``: expression = f(at) (checked), else the text says how the
      chain applies f;
    * ``box``: ball facts: {symbol: (low, high)}, the closed box on which expression > 0 is certified.
    """

    id: str
    text: str
    kind: FactKind
    expression: sp.Expr
    equality: bool = False
    derivation: tuple[str, ...] = ()
    factors: tuple[sp.Expr, ...] = ()
    summand: sp.Expr | None = None
    sums: Mapping[sp.Symbol, sp.Expr] = field(default_factory=dict)
    variable: sp.Symbol | None = None
    function: sp.Expr | None = None
    at: sp.Expr | None = None
    zero: sp.Expr | None = None
    sides: Mapping[str, sp.Expr] = field(default_factory=dict)
    box: Mapping[sp.Symbol, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """E_{i−1} (relation) ``expression``, justified by Σ multiplier·fact (``uses``: (multiplier, fact id))."""

    expression: sp.Expr
    relation: str
    uses: tuple[tuple[sp.Expr, str], ...]


@dataclass(frozen=True)
class Chain:
    """A proof of one statement (one reading of it) for every K, on a range of p.

    ``squared``: the chain proves lhs² ≥ rhs² for lhs = ‖∇‖₂, and ``root`` (a step from 0) certifies
    root.expression ≥ 0 with end = root.expression², so lhs ≥ root.expression. ``atoms``: expressions the sign checks may take as ≥ 0, each with its reason (a domain fact).
    ``p_low`` / ``p_low_open``: the chain holds for p > p_low (open) or p ≥ p_low (closed); None: no p.
    ``meaning``: the reduced variables of ``start`` and of the proved right side (``root`` or the end) in the
    symbols of a statement's :class:`theory.statements.Setting` for one K, from the definitions (Eq. (2), (3)),
    so a check can compare what the chain proves with the statement it is registered for.
    """

    statement_id: str
    reading: str
    quantifier: str
    variables: tuple[tuple[sp.Symbol, str], ...]
    atoms: tuple[tuple[sp.Expr, str], ...]
    facts: tuple[Fact, ...]
    start: sp.Expr
    steps: tuple[Step, ...]
    p_low: float | None = None
    p_low_open: bool = True
    squared: bool = False
    root: Step | None = None
    meaning: Callable[[Setting], Mapping[sp.Symbol, sp.Expr]] = lambda setting: {}

    @property
    def end(self) -> sp.Expr:
        return self.steps[-1].expression

    @property
    def proved_sides(self) -> tuple[sp.Expr, sp.Expr]:
        """(left, right) of what the chain proves, left ≥ right: (√start, root) for a squared chain."""
        return (self.start, self.root.expression) if self.squared else (self.start, self.end)

    def fact(self, fact_id: str) -> Fact:
        return next(f for f in self.facts if f.id == fact_id)

    def covers_p(self, low: float) -> bool:
        """Whether every p ≥ ``low`` is inside the chain's range of p."""
        return self.p_low is None or low > self.p_low or (low == self.p_low and not self.p_low_open)


# --- reduced variables ----------------------------------------------------------------------------------------

x = sp.Symbol("x", positive=True)            # π(a_y), the probability of the label
m = sp.Symbol("m", positive=True)            # min_a π(a)
mu = sp.Symbol("mu", positive=True)          # min_a π(a)^{1−2/p} (Eq. (12) as printed)
N = sp.Symbol("N", positive=True)            # ‖θ‖_p
G = sp.Symbol("G", nonnegative=True)         # ‖∇KL(y‖π)‖₂² or ‖∇ πᵀr‖₂²
Q = sp.Symbol("Q", nonnegative=True)         # Σ_{b≠a_y} π(b)²
Pr = sp.Symbol("P_rest", nonnegative=True)   # Σ_{b≠a_y} π(b)
C = sp.Symbol("C", nonnegative=True)         # Σ_a π(a)^{−2/p}(y(a) − π(a))²
X2 = sp.Symbol("X2", nonnegative=True)       # Σ_a (y(a) − π(a))²/π(a)
z = sp.Symbol("z", positive=True)            # π(a*)
c = sp.Symbol("c", positive=True)            # |∂ log w/∂θ| at a*: 1 (softmax), p/|θ(a*)| (escort)
delta = sp.Symbol("delta", real=True)        # r(a*) − πᵀr = (π* − π)ᵀr
D = sp.Symbol("D", real=True)                # Σ_a π(a)(r(a*) − r(a))
rest = sp.Symbol("Rest", nonnegative=True)   # Σ_{a≠a*} (∂(πᵀr)/∂θ(a))²
v = sp.Symbol("v", positive=True)            # a summand's π(a)
d = sp.Symbol("d", real=True)                # a summand's y(a) − π(a), or a gradient entry
gap = sp.Symbol("Delta_a", nonnegative=True)  # a summand's r(a*) − r(a) ≥ 0
e = sp.Symbol("e", nonnegative=True)         # 1 − 2/p ≥ 0 for p ≥ 2
eps = sp.Symbol("epsilon", positive=True)    # the SCE example's ε ∈ (0, 1)
s = sp.Symbol("s", nonnegative=True)         # parametrisation of a side of a monotone fact

ONE_MINUS_X = (1 - x, "π(a_y) < 1: K ≥ 2 and every π(a) > 0")
MINUS_LOG_X = (-sp.log(x), "π(a_y) ≤ 1")


# --- what the reduced variables are, for one K (from the definitions) -------------------------------------------


def _policy(transform: str, setting: Setting) -> sp.Matrix:
    return definitions.softmax(setting.theta) if transform == "softmax" else definitions.escort(setting.theta, setting.p)


def _reward_meaning(transform: str) -> Callable[[Setting], dict[sp.Symbol, sp.Expr]]:
    """G = ‖∇_θ πᵀr‖₂², z = π(a*), δ = r(a*) − πᵀr, c = 1 (softmax) or p/|θ(a*)| (escort),
    D = Σ_a π(a)(r(a*) − r(a))."""

    def meaning(s: Setting) -> dict[sp.Symbol, sp.Expr]:
        pi = _policy(transform, s)
        scale = sp.Integer(1) if transform == "softmax" else s.p / sp.Abs(s.theta[s.astar])
        gradient = definitions.gradient(definitions.expected_reward(pi, s.r), s.theta)
        return {G: sum(g**2 for g in gradient), z: pi[s.astar], c: scale,
                delta: s.r[s.astar] - definitions.expected_reward(pi, s.r),
                D: sum(q * (s.r[s.astar] - reward) for q, reward in zip(pi, s.r))}

    return meaning


def _kl_meaning(transform: str) -> Callable[[Setting], dict[sp.Symbol, sp.Expr]]:
    """G = ‖∇_θ KL(y‖π)‖₂², x = π(a_y), m = min_a π(a), μ = min_a π(a)^{1−2/p}, N = ‖θ‖_p, e = 1 − 2/p,
    P_rest = Σ_{b≠a_y} π(b), X2 = Σ_a (y(a) − π(a))²/π(a)."""

    def meaning(s: Setting) -> dict[sp.Symbol, sp.Expr]:
        pi = _policy(transform, s)
        gradient = definitions.gradient(definitions.kl_divergence(s.y, pi), s.theta)
        return {G: sum(g**2 for g in gradient), x: pi[s.label], m: sp.Min(*pi, evaluate=False),
                mu: sp.Min(*(q ** (1 - 2 / s.p) for q in pi), evaluate=False),
                N: definitions.p_norm(s.theta, s.p), e: 1 - 2 / s.p,
                Pr: sum(q for b, q in enumerate(pi) if b != s.label),
                X2: sum((label - q) ** 2 / q for label, q in zip(s.y, pi))}

    return meaning


# --- facts used by several chains -----------------------------------------------------------------------------


def _log_upper() -> Fact:
    """−log x ≤ (1 − x)/x on (0, 1]: log z ≤ z − 1 at z = 1/x."""
    f = (1 - x) / x + sp.log(x)
    return Fact("log-upper", "−log x ≤ (1 − x)/x for x ∈ (0, 1] (log z ≤ z − 1 at z = 1/x)",
                FactKind.MONOTONE, f, variable=x, zero=sp.Integer(1), sides={"left": 1 / (1 + s)})


def _log_lower(at: sp.Expr, name: str) -> Fact:
    """log z ≤ z − 1 at z = ``at`` ∈ (0, 1], i.e. at − 1 − log(at) ≥ 0."""
    t = sp.Symbol("t", positive=True)
    function = t - 1 - sp.log(t)
    return Fact(name, f"log t ≤ t − 1 at t = {at} ∈ (0, 1]", FactKind.MONOTONE, function.subs(t, at),
                variable=t, function=function, at=at, zero=sp.Integer(1), sides={"left": 1 / (1 + s)})


def _definition(fact_id: str, text: str, expression: sp.Expr, *, equality: bool = False) -> Fact:
    return Fact(fact_id, text, FactKind.DEFINITION, expression, equality=equality)


# --- Eq. (8) and Eq. (9): ‖∇‖ ≥ |∂/∂θ(a*)| -------------------------------------------------------------------


def _gradient_norm_chain(statement_id: str, transform: str) -> Chain:
    """‖∇‖₂² = Σ_a g(a)² ≥ g(a*)² = c²π(a*)²δ², and cπ(a*)δ ≥ 0 because δ = Σ_a π(a)(r(a*) − r(a)) ≥ 0."""
    derivation = ("eq1",) if transform == "softmax" else ("eq4-scaled",)
    scale = "1" if transform == "softmax" else "p/|θ(a*)|"
    facts = (
        Fact("gradient-entries", f"‖∇(πᵀr)‖₂² = Σ_a g(a)², g(a) = ∂(πᵀr)/∂θ(a) = (∂ log w/∂θ(a))·π(a)·(r(a) − πᵀr); "
             f"split at a*: G = c²z²δ² + Rest, c = {scale}", FactKind.INDEX,
             G - (c**2 * z**2 * delta**2 + rest), equality=True, derivation=derivation),
        Fact("rest-nonnegative", "Rest = Σ_{a≠a*} g(a)² ≥ 0", FactKind.TERMWISE, rest, factors=(d**2,),
             summand=d**2, sums={rest: d**2}),
        _definition("advantage-sum", "δ = r(a*) − Σ_a π(a)r(a) = Σ_a π(a)(r(a*) − r(a)) = D (Σ_a π(a) = 1)",
                    delta - D, equality=True),
        Fact("advantage-nonnegative", "D = Σ_a π(a)·Δ(a) ≥ 0 with Δ(a) = r(a*) − r(a) ≥ 0 (a* optimal)",
             FactKind.TERMWISE, D, factors=(v, gap), summand=v * gap, sums={D: v * gap}),
    )
    return Chain(
        statement_id, "as printed", "every K ≥ 2" + ("" if transform == "softmax" else ", p > 0"),
        ((G, "‖∇_θ πᵀr‖₂² (the left side squared)"), (z, "π(a*)"), (delta, "(π* − π)ᵀr = r(a*) − πᵀr"),
         (c, f"{scale}, the factor of Eq. ({'1' if transform == 'softmax' else '4'}) at a*"),
         (rest, "Σ_{a≠a*} g(a)²"), (D, "Σ_a π(a)(r(a*) − r(a))"), (v, "a summand's π(a)"),
         (gap, "a summand's r(a*) − r(a)"), (d, "a summand's g(a)")),
        (), facts, G,
        (Step(c**2 * z**2 * delta**2 + rest, "==", ((1, "gradient-entries"),)),
         Step(c**2 * z**2 * delta**2, ">=", ((1, "rest-nonnegative"),))),
        p_low=None if transform == "softmax" else 0.0, squared=True,
        root=Step(c * z * delta, ">=", ((c * z, "advantage-sum"), (c * z, "advantage-nonnegative"))),
        meaning=_reward_meaning(transform),
    )


# --- Eq. (11) ----------------------------------------------------------------------------------------------


def _eq11_chain() -> Chain:
    facts = (
        Fact("gradient-entries", "‖∇KL(y‖π)‖₂² = Σ_b (π(b) − y(b))², split at a_y: G = (1 − x)² + Q",
             FactKind.INDEX, G - ((1 - x) ** 2 + Q), equality=True, derivation=("ce-gradient-softmax",)),
        _definition("mass-rest", "P_rest = Σ_{b≠a_y} π(b) = 1 − x (Σ_a π(a) = 1)", Pr - (1 - x), equality=True),
        Fact("squares-rest", "Q = Σ_{b≠a_y} π(b)² ≥ m·Σ_{b≠a_y} π(b): each π(b)² − m·π(b) = π(b)(π(b) − m) ≥ 0",
             FactKind.TERMWISE, Q - m * Pr, factors=(v, v - m), summand=v**2 - m * v, sums={Q: v**2, Pr: v}),
        _definition("min-at-label", "m = min_a π(a) ≤ π(a_y) = x", x - m),
        _log_upper(),
    )
    return Chain(
        "eq11", "as printed", "every K ≥ 2",
        ((G, "‖∇_θ KL(y‖π)‖₂²"), (x, "π(a_y) ∈ (0, 1)"), (m, "min_a π(a)"), (Q, "Σ_{b≠a_y} π(b)²"),
         (Pr, "Σ_{b≠a_y} π(b)"), (v, "a summand's π(b)")),
        (ONE_MINUS_X, (v - m, "π(b) ≥ min_a π(a)")), facts, G,
        (Step((1 - x) ** 2 + Q, "==", ((1, "gradient-entries"),)),
         Step((1 - x) ** 2 + m * (1 - x), ">=", ((1, "squares-rest"), (m, "mass-rest"))),
         Step(m * (1 - x) / x, ">=", (((1 - x) ** 2 / x, "min-at-label"),)),
         Step(m * -sp.log(x), ">=", ((m, "log-upper"),))),
        meaning=_kl_meaning("softmax"),
    )


# --- Eq. (12), both readings of min_a π(a)^{1−2/p} ------------------------------------------------------------


def _eq12_facts() -> tuple[Fact, ...]:
    return (
        Fact("gradient-entries", "‖∇KL(y‖π)‖₂² = Σ_a (p/θ(a))²(π(a) − y(a))² = p²/‖θ‖_p²·Σ_a π(a)^{−2/p}(y(a) − π(a))²",
             FactKind.INDEX, G - P**2 / N**2 * C, equality=True, derivation=("ce-gradient-escort", "eq12-entry")),
        Fact("termwise-min", "C ≥ μ·X2: each π(a)^{−2/p}d² − μ·d²/π(a) = (d²/π(a))·(π(a)^{1−2/p} − μ) ≥ 0",
             FactKind.TERMWISE, C - mu * X2, factors=(d**2, 1 / v, v ** (1 - 2 / P) - mu),
             summand=v ** (-2 / P) * d**2 - mu * d**2 / v, sums={C: v ** (-2 / P) * d**2, X2: d**2 / v}),
        _definition("chi-square-split", "X2 = Σ_a (y(a) − π(a))²/π(a) = (1 − x)²/x + Σ_{b≠a_y} π(b) (y one-hot)",
                    X2 - ((1 - x) ** 2 / x + Pr), equality=True),
        _definition("mass-rest", "P_rest = Σ_{b≠a_y} π(b) = 1 − x (Σ_a π(a) = 1)", Pr - (1 - x), equality=True),
        _log_upper(),
    )


def _eq12_steps() -> tuple[Step, ...]:
    scale = P**2 / N**2
    return (
        Step(scale * C, "==", ((1, "gradient-entries"),)),
        Step(scale * mu * X2, ">=", ((scale, "termwise-min"),)),
        Step(scale * mu * ((1 - x) ** 2 / x + Pr), "==", ((scale * mu, "chi-square-split"),)),
        Step(scale * mu * (1 - x) / x, "==", ((scale * mu, "mass-rest"),)),
        Step(scale * mu * -sp.log(x), ">=", ((scale * mu, "log-upper"),)),
    )


_EQ12_VARIABLES = (
    (G, "‖∇_θ KL(y‖π)‖₂²"), (N, "‖θ‖_p"), (x, "π(a_y) ∈ (0, 1)"), (mu, "min_a π(a)^{1−2/p}"),
    (C, "Σ_a π(a)^{−2/p}(y(a) − π(a))²"), (X2, "Σ_a (y(a) − π(a))²/π(a) (the χ² divergence)"),
    (Pr, "Σ_{b≠a_y} π(b)"), (v, "a summand's π(a)"), (d, "a summand's y(a) − π(a)"),
)
_EQ12_ATOMS = (ONE_MINUS_X, MINUS_LOG_X, (v ** (1 - 2 / P) - mu, "μ is the minimum of the π(a)^{1−2/p}"))


def _eq12_chain() -> Chain:
    return Chain("eq12", "as printed: min_a π(a)^{1−2/p}, the minimum of the powered values", "every K ≥ 2, p > 0",
                 _EQ12_VARIABLES, _EQ12_ATOMS, _eq12_facts(), G, _eq12_steps(), p_low=0.0,
                 meaning=_kl_meaning("escort"))


def _eq12_min_pi_chain() -> Chain:
    """For p ≥ 2, e = 1 − 2/p ≥ 0 and t ↦ t^e is non-decreasing, so μ = min_a π(a)^e ≥ m^e = (min_a π(a))^e."""
    power = sp.Symbol("t", positive=True)
    monotone = Fact(
        "power-monotone", "t ↦ t^e is non-decreasing for e = 1 − 2/p ≥ 0: t^e − m^e ≥ 0 for t ≥ m, so "
        "μ = π(a₀)^e ≥ m^e at the minimising a₀", FactKind.MONOTONE, mu - m**e, variable=power,
        function=power**e - m**e, zero=m,
        sides={"right": m * (1 + s)},
    )
    scale = P**2 / N**2
    return Chain(
        "eq12-min-pi", "(min_a π(a))^{1−2/p}, the power of the minimum", "every K ≥ 2, p ≥ 2",
        (*_EQ12_VARIABLES, (m, "min_a π(a)"), (e, "1 − 2/p ≥ 0 (p ≥ 2)")),
        _EQ12_ATOMS,
        (*_eq12_facts(), monotone), G,
        (*_eq12_steps(), Step(scale * m**e * -sp.log(x), ">=", ((scale * -sp.log(x), "power-monotone"),))),
        p_low=2.0, p_low_open=False, meaning=_kl_meaning("escort"),
    )


# --- the SCE example -----------------------------------------------------------------------------------------


def _sce_chain() -> Chain:
    fact = _log_lower(1 - eps, "log-lower")
    return Chain(
        "sce-example-kl", "as printed", "every ε ∈ (0, 1)", ((eps, "ε ∈ (0, 1)"),),
        ((1 - eps, "ε < 1"),), (fact,), -sp.log(1 - eps), (Step(eps, ">=", ((1, "log-lower"),)),),
    )


_LIST: tuple[Chain, ...] = (
    _gradient_norm_chain("eq8", "softmax"),
    _gradient_norm_chain("eq9", "escort"),
    _eq11_chain(),
    _eq12_chain(),
    _eq12_min_pi_chain(),
    _sce_chain(),
)

CHAINS: dict[str, Chain] = {chain.statement_id: chain for chain in _LIST}
"""The lemma chain of each inequality proved for every K, by statement id."""


def chains_for(statement_id: str) -> Chain | None:
    """The chain proving ``statement_id``, or None."""
    return CHAINS.get(statement_id)
