"""The paper's statements as data: one object per equation, inequality or bound, read by every layer.

A :class:`Statement` pairs an expression *derived* from the definitions of :mod:`theory.definitions`
(differentiated, never typed in) with the paper's *stated* form, and a :class:`Relation` between them:

* ``derived == stated`` (an identity, e.g. Eq. (5)), ``derived >= stated`` (an NŁ inequality, e.g. Eq. (9)),
* ``derived -> stated`` as a symbol tends to a point (Remark 1),
* ``derived`` is not symmetric (Remark 3), has a positive eigenvalue somewhere (Prop. 1), or has spectral
  norm ``<= stated`` (the smoothness implied by a step size).

A :class:`RateBound` holds a theorem's step size and its sub-optimality bound as SymPy expressions in named
symbols, so :mod:`numerics` lambdifies the same objects that the report prints.

The statement is built for a concrete number of actions K by :meth:`Statement.build`, which returns a
:class:`Instance`. Index conventions (0-based): the optimal action is a* = ``setting.astar`` (assumption: r(a*)
is the largest reward), the true class is a_y = ``setting.label``.

>>> inst = STATEMENTS["eq9-identity"].build(3)
>>> inst.relation.value
'=='
>>> sorted(s.name for s in inst.free_symbols)
['p', 'theta_1', 'theta_2', 'theta_3']
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp

from theory import definitions as d
from theory.mdp import (
    TabularMDP,
    discounted_state_distribution,
    escort_policy,
    policy_parameters,
    q_values,
    state_values,
    two_state_mdp,
)

__all__ = [
    "BOUNDS",
    "Instance",
    "RateBound",
    "Relation",
    "STATEMENTS",
    "Setting",
    "Statement",
]


class Relation(enum.Enum):
    """How a statement's derived expression relates to its stated form."""

    EQUAL = "=="
    GREATER_EQUAL = ">="
    LESS_EQUAL = "<="
    LIMIT = "->"
    NOT_SYMMETRIC = "not symmetric"
    NOT_NEGATIVE_SEMIDEFINITE = "has a positive eigenvalue"
    SPECTRAL_NORM_AT_MOST = "spectral norm <="


@dataclass(frozen=True)
class Setting:
    """The symbols of a statement for K actions: θ, r, p, and scalar symbols for probabilities and limits."""

    K: int
    theta: sp.Matrix
    r: sp.Matrix
    p: sp.Symbol = d.P
    tau: sp.Symbol = d.TAU
    astar: int = 0
    label: int = 0
    prob: sp.Symbol = field(default_factory=lambda: sp.Symbol("pi_a", positive=True))
    eps: sp.Symbol = field(default_factory=lambda: sp.Symbol("epsilon", positive=True))

    @classmethod
    def of(cls, K: int, *, astar: int = 0, label: int = 0) -> Setting:
        """Fresh symbols θ_1..θ_K (real, nonzero) and r_1..r_K (real) for K actions."""
        return cls(K=K, theta=d.parameters(K), r=d.rewards(K), astar=astar, label=label)

    @property
    def y(self) -> sp.Matrix:
        """The one-hot label y with y(a_y) = 1."""
        return d.one_hot(self.K, self.label)


@dataclass(frozen=True)
class Instance:
    """A statement built for one K: ``derived <relation> stated`` (``limit`` = (symbol, point) for LIMIT)."""

    statement: Statement
    setting: Setting
    derived: sp.Expr | sp.Matrix
    stated: sp.Expr | sp.Matrix | None
    limit: tuple[sp.Symbol, sp.Expr] | None = None

    @property
    def relation(self) -> Relation:
        return self.statement.relation

    @property
    def free_symbols(self) -> set[sp.Symbol]:
        symbols = set(self.derived.free_symbols)
        if self.stated is not None:
            symbols |= self.stated.free_symbols
        return symbols


Builder = Callable[[Setting], sp.Expr | sp.Matrix]


@dataclass(frozen=True)
class Statement:
    """One statement of the paper: reference, its words, and how to build derived and stated forms."""

    id: str
    reference: str
    text: str
    transform: str
    relation: Relation
    derived: Builder
    stated: Builder | None = None
    assumptions: tuple[str, ...] = ()
    limit: Callable[[Setting], tuple[sp.Symbol, sp.Expr]] | None = None
    min_K: int = 2

    def build(self, K: int = 3, **setting: int) -> Instance:
        """Build the statement for K actions (``astar``/``label`` may pick other indices)."""
        if K < self.min_K:
            raise ValueError(f"statement {self.id} needs K >= {self.min_K}; got {K}")
        s = Setting.of(K, **setting)
        return Instance(
            statement=self,
            setting=s,
            derived=self.derived(s),
            stated=None if self.stated is None else self.stated(s),
            limit=None if self.limit is None else self.limit(s),
        )


# --- the objects the statements talk about, computed from the definitions -----------------------------------


def _softmax(s: Setting) -> sp.Matrix:
    return d.softmax(s.theta)


def _escort(s: Setting) -> sp.Matrix:
    return d.escort(s.theta, s.p)


def _reward_gradient(pi: Callable[[Setting], sp.Matrix]) -> Builder:
    return lambda s: d.gradient(d.expected_reward(pi(s), s.r), s.theta)


def _reward_gradient_norm(pi: Callable[[Setting], sp.Matrix]) -> Builder:
    return lambda s: sp.sqrt(sum(g**2 for g in _reward_gradient(pi)(s)))


def _kl_gradient_norm_squared(pi: Callable[[Setting], sp.Matrix]) -> Builder:
    return lambda s: sum(g**2 for g in d.gradient(d.kl_divergence(s.y, pi(s)), s.theta))


def _suboptimality(pi: sp.Matrix, s: Setting) -> sp.Expr:
    """(π* − π)ᵀr = r(a*) − πᵀr for the deterministic optimal policy π* on a*."""
    return s.r[s.astar] - d.expected_reward(pi, s.r)


def _sign(t: sp.Expr) -> sp.Expr:
    return sp.sign(t)


def _min(values) -> sp.Expr:
    """min over the actions, unevaluated: SymPy's pairwise comparison of K symbolic entries only finds that none
    dominates (seconds per build at K = 8), and the value is the same."""
    return sp.Min(*values, evaluate=False)


# --- stated forms (the paper's right-hand sides, transcribed) ------------------------------------------------


def _eq1_stated(s: Setting) -> sp.Matrix:
    pi = _softmax(s)
    value = d.expected_reward(pi, s.r)
    return sp.Matrix([pi[a] * (s.r[a] - value) for a in range(s.K)])


def _eq4_stated(s: Setting) -> sp.Matrix:
    pi = _escort(s)
    value = d.expected_reward(pi, s.r)
    total = sum(sp.Abs(t) ** s.p for t in s.theta)
    return sp.Matrix(
        [s.p * _sign(t) * sp.Abs(t) ** (s.p - 1) / total * (s.r[a] - value) for a, t in enumerate(s.theta)]
    )


def _eq5_stated(s: Setting) -> sp.Matrix:
    pi = _escort(s)
    value = d.expected_reward(pi, s.r)
    norm = d.p_norm(s.theta, s.p)
    return sp.Matrix(
        [s.p / norm * _sign(t) * pi[a] ** (1 - 1 / s.p) * (s.r[a] - value) for a, t in enumerate(s.theta)]
    )


def _eq7_stated(s: Setting) -> sp.Matrix:
    """(dπ/dθ)ᵀ = p·diag(1/θ)(diag(π) − ππᵀ) (Eq. (7))."""
    pi = _escort(s)
    return s.p * sp.diag(*[1 / t for t in s.theta]) * (sp.diag(*pi) - pi * pi.T)


def _softmax_jacobian_stated(s: Setting) -> sp.Matrix:
    pi = _softmax(s)
    return sp.diag(*pi) - pi * pi.T


def _md_derived(s: Setting) -> sp.Matrix:
    """softmax(θ + η·r): the policy after the update θ ← θ + η r."""
    eta = sp.Symbol("eta", positive=True)
    return d.softmax(s.theta + eta * s.r)


def _md_stated(s: Setting) -> sp.Matrix:
    """π ∝ π·exp(η r): the KL mirror-descent step (Section 3, 'Relationship to Mirror Descent')."""
    eta = sp.Symbol("eta", positive=True)
    pi = _softmax(s)
    weights = sp.Matrix([pi[a] * sp.exp(eta * s.r[a]) for a in range(s.K)])
    return weights / sum(weights)


def _eq8_stated(s: Setting) -> sp.Expr:
    pi = _softmax(s)
    return pi[s.astar] * _suboptimality(pi, s)


def _eq9_stated(s: Setting) -> sp.Expr:
    pi = _escort(s)
    return s.p * pi[s.astar] / sp.Abs(s.theta[s.astar]) * _suboptimality(pi, s)


def _eq9_identity_derived(s: Setting) -> sp.Expr:
    return _escort(s)[s.astar] / sp.Abs(s.theta[s.astar])


def _eq9_identity_stated(s: Setting) -> sp.Expr:
    return _escort(s)[s.astar] ** (1 - 1 / s.p) / d.p_norm(s.theta, s.p)


def _eq10_derived(s: Setting) -> sp.Expr:
    return d.cross_entropy(_softmax(s), s.label)


def _eq10_stated(s: Setting) -> sp.Expr:
    return d.entropy(s.y) + d.kl_divergence(s.y, _softmax(s))


def _eq11_gradient_stated(s: Setting) -> sp.Expr:
    pi = _softmax(s)
    return sum((s.y[a] - pi[a]) ** 2 for a in range(s.K))


def _eq11_stated(s: Setting) -> sp.Expr:
    pi = _softmax(s)
    return _min(pi) * d.kl_divergence(s.y, pi)


def _eq12_gradient_stated(s: Setting) -> sp.Expr:
    pi = _escort(s)
    return sum((s.p / t * (s.y[a] - pi[a])) ** 2 for a, t in enumerate(s.theta))


def _eq12_stated(s: Setting) -> sp.Expr:
    """p²/‖θ‖_p² · min_a π(a)^{1−2/p} · KL(y‖π), the minimum taken over the powered values as printed."""
    pi = _escort(s)
    return s.p**2 / d.p_norm(s.theta, s.p) ** 2 * _min([q ** (1 - 2 / s.p) for q in pi]) * d.kl_divergence(s.y, pi)


def _example_policy(s: Setting) -> sp.Matrix:
    return sp.Matrix([s.eps, 1 - s.eps])


def _sce_ratio_derived(s: Setting) -> sp.Expr:
    """‖y − π‖² / KL(y‖π) at y = (0, 1), π = (ε, 1 − ε)."""
    y, pi = d.one_hot(2, 1), _example_policy(s)
    return sum((y[a] - pi[a]) ** 2 for a in range(2)) / d.kl_divergence(y, pi)


def _sce_kl_derived(s: Setting) -> sp.Expr:
    return d.kl_divergence(d.one_hot(2, 1), _example_policy(s))


def _sce_l2_derived(s: Setting) -> sp.Expr:
    y, pi = d.one_hot(2, 1), _example_policy(s)
    return sum((y[a] - pi[a]) ** 2 for a in range(2))


def _ce_gradient(pi: Callable[[Setting], sp.Matrix]) -> Builder:
    return lambda s: d.gradient(d.cross_entropy(pi(s), s.label), s.theta)


def _regularised_gradient(pi: Callable[[Setting], sp.Matrix]) -> Builder:
    return lambda s: d.gradient(d.expected_reward(pi(s), s.r) + s.tau * d.entropy(pi(s)), s.theta)


def _regularised_stated(scale: Callable[[Setting, int], sp.Expr], pi: Callable[[Setting], sp.Matrix]) -> Builder:
    """scale(a)·π(a)·(r̃(a) − πᵀr̃) with the soft reward r̃ = r − τ log π (Mei et al. 2020, Lemma 10 form)."""

    def stated(s: Setting) -> sp.Matrix:
        policy = pi(s)
        soft = [s.r[a] - s.tau * sp.log(policy[a]) for a in range(s.K)]
        mean = sum(policy[a] * soft[a] for a in range(s.K))
        return sp.Matrix([scale(s, a) * policy[a] * (soft[a] - mean) for a in range(s.K)])

    return stated


def _reward_hessian(pi: Callable[[Setting], sp.Matrix]) -> Builder:
    return lambda s: sp.hessian(d.expected_reward(pi(s), s.r), list(s.theta))


def _thm2_smoothness_stated(s: Setting) -> sp.Expr:
    """9p²K^{1/p} / (2‖θ‖_p²): the smoothness whose inverse is Theorem 2's step size."""
    return 9 * s.p**2 * sp.Integer(s.K) ** (1 / s.p) / (2 * d.p_norm(s.theta, s.p) ** 2)


def _ce_hessian_p2(s: Setting) -> sp.Matrix:
    return sp.hessian(d.cross_entropy(d.escort(s.theta, 2), s.label), list(s.theta))


def _thm5_smoothness_stated(s: Setting) -> sp.Expr:
    """4(3 + c²)/‖θ‖_2² with c² = 1/π_θ(a_y): the smoothness whose inverse is Theorem 5's step size."""
    pi = d.escort(s.theta, 2)
    return 4 * (3 + 1 / pi[s.label]) / d.p_norm(s.theta, 2) ** 2


def _log_sum_exp(s: Setting) -> sp.Expr:
    """Φ*(θ) = log Σ_a exp θ(a), the Fenchel conjugate of Φ(π) = πᵀlog π (Remark 3)."""
    return sp.log(sum(sp.exp(t) for t in s.theta))


def _escort_asymmetry_stated(s: Setting) -> sp.Matrix:
    """[J − Jᵀ]_ij = p·π(i)π(j)·(1/θ(i) − 1/θ(j)) for J = df_p/dθ (from Eq. (7))."""
    pi = _escort(s)
    return sp.Matrix(s.K, s.K, lambda i, j: s.p * pi[i] * pi[j] * (1 / s.theta[i] - 1 / s.theta[j]))


def _prop1_hessian_stated(s: Setting) -> sp.Matrix:
    """p·D[(p − 1)·diag(g) − p·(gπᵀ + πgᵀ)]D with D = diag(1/θ), g = π∘(r − πᵀr) (Proposition 1)."""
    pi = _escort(s)
    value = d.expected_reward(pi, s.r)
    g = sp.Matrix([pi[a] * (s.r[a] - value) for a in range(s.K)])
    scale = sp.diag(*[1 / t for t in s.theta])
    return s.p * scale * ((s.p - 1) * sp.diag(*g) - s.p * (g * pi.T + pi * g.T)) * scale


def _mdp_gradient_derived(s: Setting) -> sp.Matrix:
    """∂V(ρ)/∂θ(s, a) of the exact value V(ρ) = ρᵀ(I − γP_π)^{-1}r_π, two states and A = K actions."""
    mdp = two_state_mdp(s.K)
    theta = policy_parameters(mdp.num_states, s.K)
    value = (mdp.rho * state_values(mdp, escort_policy(theta, s.p)))[0, 0]
    return theta.applyfunc(lambda t: sp.diff(value, t))


def _mdp_gradient_stated(s: Setting) -> sp.Matrix:
    """1/(1 − γ)·d_ρ(s)·(p/θ(s, a))·π(a|s)·(Q(s, a) − V(s))."""
    mdp = two_state_mdp(s.K)
    theta = policy_parameters(mdp.num_states, s.K)
    policy = escort_policy(theta, s.p)
    values = state_values(mdp, policy)
    q, occupancy = q_values(mdp, values), discounted_state_distribution(mdp, policy)
    return sp.Matrix(
        mdp.num_states, s.K,
        lambda i, a: occupancy[i] / (1 - mdp.gamma) * s.p / theta[i, a] * policy[i, a] * (q[i, a] - values[i]),
    )


_REWARD_ASSUMPTION = "a* is an optimal action: r(a*) >= r(a) for all a"
_NONZERO = "theta(a) != 0 for all a"

_STATEMENT_LIST: tuple[Statement, ...] = (
    Statement(
        "eq1", "Eq. (1)", "d(πᵀr)/dθ(a) = π(a)·[r(a) − πᵀr] for π = softmax(θ)", "softmax",
        Relation.EQUAL, _reward_gradient(_softmax), _eq1_stated,
    ),
    Statement(
        "eq4", "Eq. (4)", "d(πᵀr)/dθ(a) = p·sgn θ(a)·|θ(a)|^{p−1}/Σ|θ|^p·[r(a) − πᵀr] for π = f_p(θ)", "escort",
        Relation.EQUAL, _reward_gradient(_escort), _eq4_stated, (_NONZERO,),
    ),
    Statement(
        "eq5", "Eq. (5)", "d(πᵀr)/dθ(a) = p/‖θ‖_p·sgn θ(a)·π(a)^{1−1/p}·[r(a) − πᵀr] for π = f_p(θ)", "escort",
        Relation.EQUAL, _reward_gradient(_escort), _eq5_stated, (_NONZERO,),
    ),
    Statement(
        "eq7", "Eq. (7)", "(dπ/dθ)ᵀ = p·diag(1/θ)(diag(π) − ππᵀ) for π = f_p(θ)", "escort",
        Relation.EQUAL, lambda s: d.jacobian(_escort(s), s.theta).T, _eq7_stated, (_NONZERO,),
    ),
    Statement(
        "softmax-jacobian", "Section 3 (mirror-descent link)",
        "dπ/dθ = diag(π) − ππᵀ for π = softmax(θ), a symmetric matrix (Hessian of log-sum-exp)", "softmax",
        Relation.EQUAL, lambda s: d.jacobian(_softmax(s), s.theta), _softmax_jacobian_stated,
    ),
    Statement(
        "remark3", "Remark 3, Eq. (7)",
        "p·diag(1/θ)(diag(π) − ππᵀ) is not symmetric, so no potential Φ* has ∇Φ* = f_p", "escort",
        Relation.NOT_SYMMETRIC, lambda s: d.jacobian(_escort(s), s.theta), None, (_NONZERO,),
    ),
    Statement(
        "md-link", "Section 3, 'Relationship to Mirror Descent'",
        "θ ← θ + η·r under softmax gives π_{t+1}(a) ∝ π_t(a)·exp{η r(a)}, the KL mirror-descent step", "softmax",
        Relation.EQUAL, _md_derived, _md_stated,
    ),
    Statement(
        "prop1", "Proposition 1", "θ ↦ f_p(θ)ᵀr is non-concave over R^K", "escort",
        Relation.NOT_NEGATIVE_SEMIDEFINITE, _reward_hessian(_escort), None, (_NONZERO,),
    ),
    Statement(
        "remark1", "Remark 1", "π(a)^{1−1/p} → π(a) as p → ∞", "escort",
        Relation.LIMIT, lambda s: s.prob ** (1 - 1 / s.p), lambda s: s.prob, ("0 < pi(a) <= 1",),
        limit=lambda s: (s.p, sp.oo),
    ),
    Statement(
        "remark1-p1", "Remark 1", "at p = 1, π(a)^{1−1/p} = 1: no dependence on the current policy", "escort",
        Relation.EQUAL, lambda s: (s.prob ** (1 - 1 / s.p)).subs(s.p, 1), lambda s: sp.Integer(1),
        ("0 < pi(a) <= 1",),
    ),
    Statement(
        "eq8", "Eq. (8)", "‖d(πᵀr)/dθ‖₂ ≥ π(a*)·(π* − π)ᵀr for π = softmax(θ)", "softmax",
        Relation.GREATER_EQUAL, _reward_gradient_norm(_softmax), _eq8_stated, (_REWARD_ASSUMPTION,),
    ),
    Statement(
        "eq9", "Eq. (9)", "‖d(πᵀr)/dθ‖₂ ≥ p·π(a*)/|θ(a*)|·(π* − π)ᵀr for π = f_p(θ)", "escort",
        Relation.GREATER_EQUAL, _reward_gradient_norm(_escort), _eq9_stated, (_REWARD_ASSUMPTION, _NONZERO),
    ),
    Statement(
        "eq9-identity", "Section 4, after Eq. (9)", "π(a*)/|θ(a*)| = π(a*)^{1−1/p}/‖θ‖_p for π = f_p(θ)", "escort",
        Relation.EQUAL, _eq9_identity_derived, _eq9_identity_stated, (_NONZERO,),
    ),
    Statement(
        "eq10", "Eq. (10)", "−log π(a_y) = H(y) + KL(y‖π) for one-hot y", "softmax",
        Relation.EQUAL, _eq10_derived, _eq10_stated,
    ),
    Statement(
        "eq11-gradient", "Eq. (11), equality", "‖dKL(y‖π)/dθ‖₂² = ‖y − π‖₂² for π = softmax(θ)", "softmax",
        Relation.EQUAL, _kl_gradient_norm_squared(_softmax), _eq11_gradient_stated,
    ),
    Statement(
        "eq11", "Eq. (11)", "‖dKL(y‖π)/dθ‖₂² ≥ min_a π(a)·KL(y‖π) for π = softmax(θ)", "softmax",
        Relation.GREATER_EQUAL, _kl_gradient_norm_squared(_softmax), _eq11_stated,
    ),
    Statement(
        "eq12-gradient", "Eq. (12), equality", "‖dKL(y‖π)/dθ‖₂² = ‖p·diag(1/θ)(y − π)‖₂² for π = f_p(θ)", "escort",
        Relation.EQUAL, _kl_gradient_norm_squared(_escort), _eq12_gradient_stated, (_NONZERO,),
    ),
    Statement(
        "eq12", "Eq. (12)", "‖dKL(y‖π)/dθ‖₂² ≥ p²/‖θ‖_p²·min_a π(a)^{1−2/p}·KL(y‖π) for π = f_p(θ)", "escort",
        Relation.GREATER_EQUAL, _kl_gradient_norm_squared(_escort), _eq12_stated, (_NONZERO,),
    ),
    Statement(
        "sce-example-kl", "Section 5, SCE example", "KL(y‖π) = −log(1 − ε) ≥ ε at y = (0,1), π = (ε, 1 − ε)",
        "softmax", Relation.GREATER_EQUAL, _sce_kl_derived, lambda s: s.eps, ("0 < epsilon < 1",),
    ),
    Statement(
        "sce-example-l2", "Section 5, SCE example", "‖y − π‖₂² = 2ε² at y = (0,1), π = (ε, 1 − ε)", "softmax",
        Relation.EQUAL, _sce_l2_derived, lambda s: 2 * s.eps**2, ("0 < epsilon < 1",),
    ),
    Statement(
        "sce-not-improvable", "Section 5, SCE example",
        "‖y − π‖₂²/KL(y‖π) → 0 as ε → 0: no constant C > 0 gives ‖∇‖² ≥ C·KL, the coefficient must involve min π",
        "softmax", Relation.LIMIT, _sce_ratio_derived, lambda s: sp.Integer(0), ("0 < epsilon < 1",),
        limit=lambda s: (s.eps, sp.Integer(0)),
    ),
    Statement(
        "ce-gradient-softmax", "Section 5", "d(−log π(a_y))/dθ = π − y for π = softmax(θ)", "softmax",
        Relation.EQUAL, _ce_gradient(_softmax), lambda s: _softmax(s) - s.y,
    ),
    Statement(
        "ce-gradient-escort", "Eq. (12)", "d(−log π(a_y))/dθ = p·diag(1/θ)(π − y) for π = f_p(θ)", "escort",
        Relation.EQUAL, _ce_gradient(_escort),
        lambda s: s.p * sp.diag(*[1 / t for t in s.theta]) * (_escort(s) - s.y), (_NONZERO,),
    ),
    Statement(
        "entropy-gradient-softmax", "Theorem 4 (objective)",
        "d(πᵀr + τH(π))/dθ(a) = π(a)·(r̃(a) − πᵀr̃), r̃ = r − τ log π, for π = softmax(θ)", "softmax",
        Relation.EQUAL, _regularised_gradient(_softmax), _regularised_stated(lambda s, a: 1, _softmax),
    ),
    Statement(
        "entropy-gradient-escort", "Theorem 4 (objective)",
        "d(πᵀr + τH(π))/dθ(a) = (p/θ(a))·π(a)·(r̃(a) − πᵀr̃), r̃ = r − τ log π, for π = f_p(θ)", "escort",
        Relation.EQUAL, _regularised_gradient(_escort),
        _regularised_stated(lambda s, a: s.p / s.theta[a], _escort), (_NONZERO,),
    ),
    Statement(
        "thm2-smoothness", "Theorem 2 (step size η = 2‖θ‖_p²/(9p²K^{1/p}))",
        "implied lemma: every eigenvalue of the Hessian of θ ↦ f_p(θ)ᵀr has |λ| ≤ 9p²K^{1/p}/(2‖θ‖_p²) "
        "for r ∈ [0,1]^K", "escort",
        Relation.SPECTRAL_NORM_AT_MOST, _reward_hessian(_escort), _thm2_smoothness_stated,
        ("r in [0, 1]^K", _NONZERO),
    ),
    Statement(
        "thm5-smoothness", "Theorem 5 (step size η = ‖θ‖_2²/(4(3 + c_1²)))",
        "implied lemma: every eigenvalue of the Hessian of θ ↦ −log f_2(θ)(a_y) has |λ| ≤ 4(3 + c²)/‖θ‖_2², "
        "c² = 1/π_θ(a_y)", "escort",
        Relation.SPECTRAL_NORM_AT_MOST, _ce_hessian_p2, _thm5_smoothness_stated, (_NONZERO,),
    ),
    Statement(
        "eq12-min-pi", "Eq. (12), second reading of min_a π(a)^{1−2/p}",
        "‖dKL(y‖π)/dθ‖₂² ≥ p²/‖θ‖_p²·(min_a π(a))^{1−2/p}·KL(y‖π) for π = f_p(θ); the same as Eq. (12) for "
        "p ≥ 2, different for p < 2 where t ↦ t^{1−2/p} is decreasing", "escort",
        Relation.GREATER_EQUAL, _kl_gradient_norm_squared(_escort),
        lambda s: s.p**2 / d.p_norm(s.theta, s.p) ** 2 * _min(_escort(s)) ** (1 - 2 / s.p)
        * d.kl_divergence(s.y, _escort(s)),
        (_NONZERO,),
    ),
    Statement(
        "thm3-smoothness", "Theorem 3 (step size η(s) = (1−γ)³‖θ(s,·)‖_p²/(10p²A^{2/p})), single-state MDP",
        "implied lemma: in a single-state MDP, V(θ) = f_p(θ)ᵀr/(1−γ) has Hessian eigenvalues |λ| ≤ "
        "10p²A^{2/p}/((1−γ)³‖θ‖_p²) for r ∈ [0,1]^A", "escort",
        Relation.SPECTRAL_NORM_AT_MOST,
        lambda s: sp.hessian(
            d.expected_reward(_escort(s), s.r) / (1 - sp.Symbol("gamma", nonnegative=True)), list(s.theta)
        ),
        lambda s: 10 * s.p**2 * sp.Integer(s.K) ** (2 / s.p)
        / ((1 - sp.Symbol("gamma", nonnegative=True)) ** 3 * d.p_norm(s.theta, s.p) ** 2),
        ("single-state MDP: V = f_p(theta)^T r / (1 - gamma)", "r in [0, 1]^A", "0 <= gamma < 1", _NONZERO),
    ),
    Statement(
        "eq4-eq5", "Eq. (4) = Eq. (5)",
        "p·sgn θ(a)·|θ(a)|^{p−1}/Σ|θ|^p = p/‖θ‖_p·sgn θ(a)·π(a)^{1−1/p} for π = f_p(θ) (stated forms agree)", "escort",
        Relation.EQUAL, _eq4_stated, _eq5_stated, (_NONZERO,),
    ),
    Statement(
        "lse-gradient", "Remark 3 (softmax is a mirror map)",
        "∇_θ log Σ_a exp θ(a) = softmax(θ): the softmax is the gradient of the potential Φ* = log-sum-exp", "softmax",
        Relation.EQUAL, lambda s: d.gradient(_log_sum_exp(s), s.theta), _softmax,
    ),
    Statement(
        "lse-hessian", "Remark 3 (softmax is a mirror map)",
        "∇²_θ log Σ_a exp θ(a) = dπ/dθ for π = softmax(θ), so the softmax Jacobian is a (symmetric) Hessian",
        "softmax", Relation.EQUAL, lambda s: sp.hessian(_log_sum_exp(s), list(s.theta)),
        lambda s: d.jacobian(_softmax(s), s.theta),
    ),
    Statement(
        "softmax-jacobian-symmetric", "Remark 3 (softmax is a mirror map)",
        "J − Jᵀ = 0 for J = dπ/dθ, π = softmax(θ): mixed partials agree", "softmax",
        Relation.EQUAL, lambda s: d.jacobian(_softmax(s), s.theta) - d.jacobian(_softmax(s), s.theta).T,
        lambda s: sp.zeros(s.K, s.K),
    ),
    Statement(
        "escort-jacobian-asymmetry", "Remark 3, Eq. (7)",
        "J − Jᵀ = [p·π(i)π(j)·(1/θ(i) − 1/θ(j))]_ij for J = df_p/dθ: non-zero unless θ(i) = θ(j)", "escort",
        Relation.EQUAL, lambda s: d.jacobian(_escort(s), s.theta) - d.jacobian(_escort(s), s.theta).T,
        _escort_asymmetry_stated, (_NONZERO,),
    ),
    Statement(
        "prop1-hessian", "Proposition 1 (closed form)",
        "∇²_θ f_p(θ)ᵀr = p·D[(p − 1)·diag(g) − p·(gπᵀ + πgᵀ)]D, D = diag(1/θ), g = π∘(r − πᵀr)", "escort",
        Relation.EQUAL, _reward_hessian(_escort), _prop1_hessian_stated, (_NONZERO,),
    ),
    Statement(
        "sce-example-kl-identity", "Section 5, SCE example", "KL(y‖π) = −log(1 − ε) at y = (0,1), π = (ε, 1 − ε)",
        "softmax", Relation.EQUAL, _sce_kl_derived, lambda s: -sp.log(1 - s.eps), ("0 < epsilon < 1",),
    ),
    Statement(
        "mdp-policy-gradient", "Section 3, Theorem 3 (escort policy gradient in a tabular MDP)",
        "∂V(ρ)/∂θ(s,a) = 1/(1−γ)·d_ρ(s)·(p/θ(s,a))·π(a|s)·(Q(s,a) − V(s)) with V = (I − γP_π)^{-1}r_π exact "
        "(index form: every S and A); the instance built per K has two states, A = K actions, P(0|s,a) = (1+a+s)/(A+3), r(s,a) = (1+2a+3s)/(2A+4), γ = 3/4, ρ = (1/3, 2/3)",
        "escort", Relation.EQUAL, _mdp_gradient_derived, _mdp_gradient_stated, (_NONZERO, "0 <= gamma < 1"),
    ),
)

# --- the lemmas the convergence proofs use (issue 15): read from the proofs' structure, not printed as such ------


def _theorem2_step(s: Setting) -> sp.Expr:
    """η = 2‖θ‖_p²/(9p²K^{1/p}) at θ: ``BOUNDS["thm2-ascent"].step_size`` with ‖θ‖_p and K substituted."""
    return BOUNDS["thm2-ascent"].step_size.subs({NORM: d.p_norm(s.theta, s.p), K_SYM: s.K})


def _descent_derived(s: Setting) -> sp.Expr:
    """f(θ + η∇f(θ)) − f(θ) for f(θ) = f_p(θ)ᵀr: the improvement of one EPG step of Theorem 2."""
    g = _reward_gradient(_escort)(s)
    after = s.theta + _theorem2_step(s) * g
    return d.expected_reward(d.escort(after, s.p), s.r) - d.expected_reward(_escort(s), s.r)


def _descent_stated(s: Setting) -> sp.Expr:
    """(η/2)‖∇f(θ)‖²: what the L-smoothness along the segment [θ, θ + η∇f] gives with η = 1/L."""
    g = _reward_gradient(_escort)(s)
    return _theorem2_step(s) / 2 * sum(x**2 for x in g)


def _smooth_max(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """max(a, b) = (a + b + |a − b|)/2, written with Abs so interval arithmetic needs no max of intervals."""
    return (a + b + sp.Abs(a - b)) / 2


def _smooth_min(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """min(a, b) = (a + b − |a − b|)/2."""
    return (a + b - sp.Abs(a - b)) / 2


_MDP_GAMMA = sp.Symbol("gamma", positive=True)
_MU = sp.Symbol("mu_1", positive=True)


def _two_state(s: Setting, *, gamma: sp.Expr, start: sp.Matrix | None = None) -> tuple[TabularMDP, sp.Matrix]:
    """The two-state MDP of :func:`theory.mdp.two_state_mdp` with A = K/2 actions, discount ``gamma`` and start
    distribution ``start`` (default its ρ), and θ = (θ_1 … θ_K) read row by row as θ(s, a) (K even)."""
    if s.K % 2:
        raise ValueError(f"the two-state MDP statements need an even number of parameters K = 2A; got {s.K}")
    base = two_state_mdp(s.K // 2)
    mdp = TabularMDP(base.transitions, base.rewards, gamma, base.rho if start is None else start)
    return mdp, sp.Matrix(2, s.K // 2, list(s.theta))


def _mdp_value(mdp: TabularMDP, policy: sp.Matrix) -> sp.Expr:
    return (mdp.rho * state_values(mdp, policy))[0, 0]


def _scaled_mdp_hessian(s: Setting) -> sp.Matrix:
    """D·∇²_θ V(ρ)·D with D = diag(‖θ(s, ·)‖_p) per parameter of state s: the curvature seen by the state-wise
    step η(s) ∝ ‖θ(s, ·)‖_p² of Theorem 3 (γ symbolic)."""
    mdp, theta = _two_state(s, gamma=_MDP_GAMMA)
    value = _mdp_value(mdp, escort_policy(theta, s.p))
    A = s.K // 2
    scale = sp.diag(*[d.p_norm(theta.row(i).T, s.p) for i in range(2) for _ in range(A)])
    return scale * sp.hessian(value, list(s.theta)) * scale


def _optimal_policy(mdp: TabularMDP) -> sp.Matrix:
    """The deterministic optimal policy (one-hot rows), by exact comparison of every deterministic policy's values
    (the optimal one maximises every state's value at once)."""
    S, A = mdp.num_states, mdp.num_actions
    best, best_values = None, None
    for choice in itertools.product(range(A), repeat=S):
        policy = sp.Matrix(S, A, lambda i, a: int(choice[i] == a))
        values = state_values(mdp, policy)
        if best_values is None or all(v >= w for v, w in zip(values, best_values)):
            best, best_values = policy, values
    return best


def _mdp_nl_derived(s: Setting) -> sp.Expr:
    """‖∂V^{π_θ}(μ)/∂θ‖₂ with μ = (μ₁, 1 − μ₁) (the distribution the gradient is taken under)."""
    mdp, theta = _two_state(s, gamma=sp.Rational(3, 4), start=sp.Matrix([[_MU, 1 - _MU]]))
    value = _mdp_value(mdp, escort_policy(theta, s.p))
    return sp.sqrt(sum(sp.diff(value, t) ** 2 for t in s.theta))


def _mdp_nl_stated(s: Setting) -> sp.Expr:
    """p·min_s[π(a*(s)|s)^{1−1/p}/‖θ(s, ·)‖_p] / (√S·‖d_ρ^{π*}/d_μ^{π_θ}‖_∞) · (V*(ρ) − V^{π_θ}(ρ))."""
    mdp_rho, theta = _two_state(s, gamma=sp.Rational(3, 4))
    mdp_mu, _ = _two_state(s, gamma=sp.Rational(3, 4), start=sp.Matrix([[_MU, 1 - _MU]]))
    policy = escort_policy(theta, s.p)
    star = _optimal_policy(mdp_rho)
    best = [list(star.row(i)).index(1) for i in range(2)]
    coefficient = [policy[i, best[i]] ** (1 - 1 / s.p) / d.p_norm(theta.row(i).T, s.p) for i in range(2)]
    mismatch = [a / b for a, b in zip(discounted_state_distribution(mdp_rho, star),
                                      discounted_state_distribution(mdp_mu, policy))]
    gap = _mdp_value(mdp_rho, star) - _mdp_value(mdp_rho, policy)
    return s.p * _smooth_min(*coefficient) / (sp.sqrt(2) * _smooth_max(*mismatch)) * gap


_ETA = sp.Symbol("eta", positive=True)
_GAP = sp.Symbol("Delta", positive=True)
_BASE = sp.Symbol("b", real=True)


def _two_level_rewards(s: Setting) -> sp.Matrix:
    """r = (b + Δ, b, …, b): the reward vector of Theorem 1's setting (Section 3, 'Escape time')."""
    return sp.Matrix([_BASE + _GAP] + [_BASE] * (s.K - 1))


def _odds_against(pi: sp.Matrix, s: Setting) -> sp.Expr:
    """x = (1 − π(a*))/π(a*): (π* − π)ᵀr ≥ 0.9Δ under two-level rewards iff π(a*) ≤ 1/10 iff x ≥ 9."""
    return (1 - pi[s.astar]) / pi[s.astar]


def _spg_odds_after(s: Setting) -> sp.Expr:
    """x after one SPG step θ + η·∇_θ softmax(θ)ᵀr with the two-level r."""
    r = _two_level_rewards(s)
    step = d.gradient(d.expected_reward(_softmax(s), r), s.theta)
    return _odds_against(d.softmax(s.theta + _ETA * step), s)


_LEMMA_LIST: tuple[Statement, ...] = (
    Statement(
        "thm1-odds-step", "Theorem 1 (the project's derivation of its constant, two-level r)",
        "one SPG step with η > 0 and r = (b + Δ, b, …, b) lowers x = (1 − π(a*))/π(a*) by at most 2ηΔ: "
        "x_{t+1} ≥ x_t − 2ηΔ; hence (π* − π_t)ᵀr ≥ 0.9Δ (x ≥ 9) for t ≤ 1 + (1/π₁ − 10)/(2ηΔ), from every θ₁",
        "softmax", Relation.GREATER_EQUAL, _spg_odds_after,
        lambda s: _odds_against(_softmax(s), s) - 2 * _ETA * _GAP, ("r = (b + Delta, b, ..., b)", "eta > 0"),
    ),
    Statement(
        "thm2-descent", "Theorem 2 (proof: ascent lemma along the update segment)",
        "f(θ_{t+1}) − f(θ_t) ≥ (η_t/2)‖∇f(θ_t)‖² for f = f_p(·)ᵀr and θ_{t+1} = θ_t + η_t∇f(θ_t), "
        "η_t = 2‖θ_t‖_p²/(9p²K^{1/p}): the smoothness lemma applied on the segment [θ_t, θ_{t+1}], which at p = 1 "
        "may cross the kink of f_1 at θ(a) = 0", "escort",
        Relation.GREATER_EQUAL, _descent_derived, _descent_stated, ("r in [0, 1]^K", _NONZERO),
    ),
    Statement(
        "thm3-smoothness-mdp", "Theorem 3 (proof: multi-state smoothness, the project's reading)",
        "two states: the Hessian of V(ρ) in θ, scaled by ‖θ(s, ·)‖_p on each state's block, has |λ| ≤ "
        "10p²A^{2/p}/(1 − γ)³ — the smoothness under which Theorem 3's state-wise step "
        "η(s) = (1−γ)³‖θ(s,·)‖_p²/(10p²A^{2/p}) is a 1/L step", "escort",
        Relation.SPECTRAL_NORM_AT_MOST, _scaled_mdp_hessian,
        lambda s: 10 * s.p**2 * sp.Integer(s.K // 2) ** (2 / s.p) / (1 - _MDP_GAMMA) ** 3,
        ("two-state MDP of theory.mdp.two_state_mdp, r in [0, 1]", "0 <= gamma < 1", _NONZERO), min_K=4,
    ),
    Statement(
        "mdp-nl", "Theorem 3 (proof: NŁ inequality with the distribution mismatch, the project's reading)",
        "‖∂V^{π_θ}(μ)/∂θ‖₂ ≥ p·min_s[π(a*(s)|s)^{1−1/p}/‖θ(s,·)‖_p]/(√S·‖d_ρ^{π*}/d_μ^{π_θ}‖_∞)·(V*(ρ) − "
        "V^{π_θ}(ρ)): the gradient under μ bounds the sub-optimality under ρ (μ ≠ ρ allowed); two-state MDP, "
        "γ = 3/4, ρ = (1/3, 2/3), μ = (μ₁, 1 − μ₁)", "escort",
        Relation.GREATER_EQUAL, _mdp_nl_derived, _mdp_nl_stated, ("0 < mu_1 < 1", _NONZERO), min_K=4,
    ),
)

STATEMENTS: dict[str, Statement] = {s.id: s for s in _STATEMENT_LIST + _LEMMA_LIST}
"""Every statement of the paper, and the lemmas its proofs use, by id."""


# --- convergence-rate theorems: step sizes and bounds as expressions -------------------------------------------

T, C, K_SYM, NORM, DELTA, PI1, GAMMA, S_SYM, A_SYM, C1, INV_MU, RATE = sp.symbols(
    "t c K norm_theta Delta pi_1 gamma S A c_1 inv_mu rate", positive=True
)


@dataclass(frozen=True)
class RateBound:
    """A theorem's step size and sub-optimality bound (or escape time) as expressions in named symbols.

    Symbols: t (iteration), c (inf_t π_t(a*)), K, norm_theta (‖θ_t‖_p), p, Delta (reward gap), pi_1
    (π_{θ_1}(a*)), gamma, S, A, c_1 (1/c_1² = π_{θ_1}(a_y)), tau, inv_mu (‖1/μ‖_∞), rate (C_τ·c'², Theorem 4).
    ``quantity`` names what the bound bounds; ``bound`` and ``relation`` are None for a step size that comes with
    no bound of the paper (SCE's 1/L). A bandit is the MDP with γ = 0 and A = K.
    """

    id: str
    reference: str
    text: str
    quantity: str
    relation: Relation | None
    bound: sp.Expr | None
    step_size: sp.Expr | None
    domain: str


_BOUND_LIST: tuple[RateBound, ...] = (
    RateBound(
        "thm1", "Theorem 1",
        "SPG with η ∈ (0, 1] cannot escape before t₀ = C/(Δ·π₁(a*)): (π* − π_t)ᵀr ≥ 0.9Δ for t ≤ t₀",
        "escape time", Relation.GREATER_EQUAL, C / (DELTA * PI1), None, "eta in (0, 1], some C > 0",
    ),
    RateBound(
        "thm2-ascent", "Theorem 2 (gradient ascent)",
        "(π* − π_t)ᵀr ≤ 9K^{1/p}/(c^{2−2/p}·t) with η_t = 2‖θ_t‖_p²/(9p²K^{1/p})",
        "sub-optimality", Relation.LESS_EQUAL, 9 * K_SYM ** (1 / d.P) / (C ** (2 - 2 / d.P) * T),
        2 * NORM**2 / (9 * d.P**2 * K_SYM ** (1 / d.P)), "p >= 2 or p = 1; r in [0, 1]^K",
    ),
    RateBound(
        "thm2-flow", "Theorem 2 (gradient flow)",
        "(π* − π_t)ᵀr ≤ 1/(c^{2−2/p}(t − 1) + 1) with η_t = ‖θ_t‖_p²/p²",
        "sub-optimality", Relation.LESS_EQUAL, 1 / (C ** (2 - 2 / d.P) * (T - 1) + 1), NORM**2 / d.P**2,
        "p >= 1; r in [0, 1]^K",
    ),
    RateBound(
        "thm3", "Theorem 3",
        "V*(ρ) − V^{π_t}(ρ) ≤ 20A^{2/p}S/(c^{2−2/p}(1−γ)^6 t)·‖dπ*/dμ‖_∞²·‖1/μ‖_∞ "
        "with η_t(s) = (1−γ)³‖θ_t(s,·)‖_p²/(10p²A^{2/p}); the two norms enter as the symbol 'distribution_factor'",
        "sub-optimality", Relation.LESS_EQUAL,
        20 * A_SYM ** (2 / d.P) * S_SYM / (C ** (2 - 2 / d.P) * (1 - GAMMA) ** 6 * T)
        * sp.Symbol("distribution_factor", positive=True),
        (1 - GAMMA) ** 3 * NORM**2 / (10 * d.P**2 * A_SYM ** (2 / d.P)), "p >= 2 or p = 1",
    ),
    RateBound(
        "thm5", "Theorem 5",
        "−log π_t(a_y) ≤ −log π_1(a_y)·exp{−(t − 1)/(2(3 + c_1²))} with p = 2, η_t = ‖θ_t‖_2²/(4(3 + c_1²))",
        "cross entropy", Relation.LESS_EQUAL,
        sp.Symbol("kl_1", positive=True) * sp.exp(-(T - 1) / (2 * (3 + C1**2))),
        NORM**2 / (4 * (3 + C1**2)), "p = 2, one-hot y",
    ),
    RateBound(
        "thm3-spg", "Mei et al. (2020), Theorem 4 (SPG on a tabular MDP; the baseline of Theorem 3)",
        "V*(ρ) − V^{π_t}(ρ) ≤ 16S/(c²(1−γ)^6 t)·‖dπ*/dμ‖_∞²·‖1/μ‖_∞ with η = (1−γ)³/8 (softmax, "
        "constant step); the two norms enter as the symbol 'distribution_factor'",
        "sub-optimality", Relation.LESS_EQUAL,
        16 * S_SYM / (C**2 * (1 - GAMMA) ** 6 * T) * sp.Symbol("distribution_factor", positive=True),
        (1 - GAMMA) ** 3 / 8, "softmax, tabular MDP",
    ),
    RateBound(
        "thm4", "Theorem 4 (entropy-regularised EPG); the step's c_τ is the project's reading",
        "Ṽ^{π*_τ}(ρ) − Ṽ^{π_t}(ρ) ≤ ‖1/μ‖_∞(1 + τ log A)/(1 − γ)²·exp(−C_τ c'² t) (Eq. (6)) with "
        "η_t = (1−γ)³‖θ_t‖_p²/(10p²A^{1/p} + c_τ). The paper gives no constant for c_τ or C_τ: c_τ = p²τ(4 + 8 log A) "
        "is the project's reading (the entropy part of the regularised softmax smoothness, Mei et al. 2020 Lemma 14, "
        "scaled by p²), and ‖θ_t‖_p² is restored as in Theorem 3's step; C_τ c'² enters as the symbol 'rate'",
        "regularised sub-optimality", Relation.LESS_EQUAL,
        INV_MU * (1 + d.TAU * sp.log(A_SYM)) / (1 - GAMMA) ** 2 * sp.exp(-RATE * T),
        (1 - GAMMA) ** 3 * NORM**2 / (10 * d.P**2 * A_SYM ** (1 / d.P) + d.P**2 * d.TAU * (4 + 8 * sp.log(A_SYM))),
        "p >= 2, tau > 0",
    ),
    RateBound(
        "sce", "Section 5, Eq. (10) (softmax cross entropy, SCE)",
        "gradient descent on δ(θ) = −log softmax(θ)(a_y) with η = 1/L, L = 1/2: the Hessian diag(π) − ππᵀ has "
        "eigenvalues ≤ max_i 2π(i)(1 − π(i)) ≤ 1/2 (Gershgorin); the paper states only an O(1/t) rate, no constant",
        "cross entropy", None, None, 1 / sp.Rational(1, 2), "softmax, one-hot y",
    ),
)

ETA = sp.Symbol("eta", positive=True)

_DERIVED_BOUNDS: tuple[RateBound, ...] = (
    RateBound(
        "thm1-two-level", "Theorem 1 (the project's derivation: statement thm1-odds-step, summed over steps)",
        "for r = (b + Δ, b, …, b), SPG with a constant η from any θ₁ keeps (π* − π_t)ᵀr ≥ 0.9Δ for "
        "t ≤ t₀ = 1 + (1/π₁ − 10)/(2ηΔ); so t₀·Δ·π₁ ≥ (1 − 10π₁)/(2η) ≥ 1/4 for η ∈ (0, 1], π₁ ≤ 1/20: "
        "Theorem 1's C = 1/4, for every initialisation (∀θ₁, not only ∃θ₁)",
        "escape time", Relation.GREATER_EQUAL, 1 + (1 / PI1 - 10) / (2 * ETA * DELTA), None,
        "r = (b + Delta, b, ..., b) in [0, 1]^K, eta > 0, pi_1 < 1/10",
    ),
)

BOUNDS: dict[str, RateBound] = {b.id: b for b in _BOUND_LIST + _DERIVED_BOUNDS}
"""The convergence-rate theorems (1–5, SPG's baseline for Theorem 3), SCE's step, and the project's derived
bounds (Theorem 1's constant), as step sizes and bounds."""
