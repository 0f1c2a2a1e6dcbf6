"""The claim registry: each inequality and claim of the paper with its stated domain and a wider natural one.

A :class:`Claim` wraps one :class:`theory.statements.Statement` (never a re-typed formula) and says over which
points it is checked. Each :class:`Domain` names its variables' ranges in words, draws points with the
strategies of :mod:`proofs_check.strategies`, and may carry low-dimensional :class:`Slice` boxes (K = 2 forms)
for interval certification. The *stated* domain is what the paper assumes; the *wider* domain is the natural
extension a reader would try (p ≥ 1 where the paper needs p ≥ 2, any reward scale where it assumes [0, 1]).

Conventions (from :mod:`theory.statements`): the optimal action is a* = index 0 (rewards are drawn with r(0)
maximal) and the true class is a_y = index 0; policies near *every* vertex are drawn, so the position of a* or
a_y relative to the dominant action varies. K is sampled from a finite range per domain (the report says which).

>>> sorted(CLAIMS)[:3]
['eq11', 'eq11-gradient', 'eq12']
>>> CLAIMS["eq12"].wider.description
'p ∈ [1, 64] (Definition 1), K ∈ 2…8, θ(a) = ±s·π(a)^{1/p} ≠ 0 of any sign with ‖θ‖_p = s ∈ 1e-8…1e8 and π(a) ≥ 1e-300'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from hypothesis import strategies as st

from proofs_check import strategies as pst
from theory.statements import STATEMENTS, Statement

__all__ = ["CLAIMS", "Claim", "Domain", "EscortScale", "Slice"]


@dataclass(frozen=True)
class Slice:
    """A box of at most three free parameters (others fixed) on which an interval certificate is attempted."""

    K: int
    box: Mapping[str, tuple[float, float]]
    fixed: Mapping[str, float] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class EscortScale:
    """The escort parameters a search draws (:func:`proofs_check.strategies.escort_parameters`), as a condition.

    θ(a) = ±s·π(a)^{1/p} with π ∈ Δ_K, so s = ‖θ‖_p and π = f_p(θ) (Eq. (3)): the scale bounds ‖θ‖_p, not the
    entries, and an entry may be as small as s·``min_prob``^{1/p}. ``p``: a fixed exponent (None: the point's p).

    >>> scale = EscortScale()
    >>> scale.admits({"p": 1.5, "theta_1": 1.0, "theta_2": 7e-83}), scale.admits({"p": 1.0, "theta_1": 1e9})
    (True, False)
    """

    low: float = 1e-8
    high: float = 1e8
    min_prob: float = 1e-300
    p: float | None = None

    @property
    def words(self) -> str:
        low, high, least = (f"{v:.0e}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")
                            for v in (self.low, self.high, self.min_prob))
        return f"θ(a) = ±s·π(a)^{{1/p}} ≠ 0 of any sign with ‖θ‖_p = s ∈ {low}…{high} and π(a) ≥ {least}"

    def admits(self, point: Mapping[str, float]) -> bool:
        """‖θ‖_p ∈ [low, high] and every π(a) = |θ(a)|^p/‖θ‖_p^p ≥ min_prob (in logarithms: no underflow)."""
        p = point["p"] if self.p is None else self.p
        logs = [p * math.log(abs(v)) for name, v in point.items() if name.startswith("theta_") and v != 0]
        if not logs:
            return False
        top = max(logs)
        log_norm_p = top + math.log(math.fsum(math.exp(value - top) for value in logs))
        return (p * math.log(self.low) <= log_norm_p <= p * math.log(self.high)
                and min(logs) - log_norm_p >= math.log(self.min_prob))


@dataclass(frozen=True)
class Domain:
    """Where a claim is checked: words, the K range, a point strategy, and optional certification slices.

    ``covered_by_slices`` is True only when the slices are the whole domain (a certificate then certifies the
    claim on the domain, verdict CERTIFIED); otherwise a certificate is evidence about part of it.
    """

    description: str
    K_range: tuple[int, int]
    points: Callable[[], st.SearchStrategy[dict[str, float]]]
    slices: tuple[Slice, ...] = ()
    covered_by_slices: bool = False
    ranges: Mapping[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)
    theta: EscortScale | None = None

    @property
    def p_ranges(self) -> tuple[tuple[float, float], ...]:
        """The closed ranges of p (empty when p is not a variable of the domain)."""
        return tuple(self.ranges.get("p", ()))

    @property
    def p_low(self) -> float | None:
        """The smallest p of the domain (None when p is not one of its variables)."""
        return min(low for low, _ in self.p_ranges) if self.p_ranges else None

    def admits(self, point: Mapping[str, float]) -> bool:
        """Whether a (shrunk) point is still in the domain: K in range, θ(a) ≠ 0, r(a*) = r_1 maximal, every
        scalar or reward (``r``) inside its closed ranges, and θ inside the escort scale (``theta``) if any."""
        K = sum(1 for name in point if name.startswith("theta_")) or self.K_range[0]
        rewards = [v for name, v in point.items() if name.startswith("r_")]
        inside = all(
            any(lo <= value <= hi for lo, hi in self.ranges[_range_key(name)])
            for name, value in point.items() if _range_key(name) in self.ranges
        )
        return (
            self.K_range[0] <= K <= self.K_range[1]
            and all(v != 0 for name, v in point.items() if name.startswith("theta_"))
            and (not rewards or point["r_1"] == max(rewards))
            and inside
            and (self.theta is None or self.theta.admits(point))
        )


def _range_key(name: str) -> str:
    return "r" if name.startswith("r_") else name


@dataclass(frozen=True)
class Claim:
    """One claim of the paper: its statement, variables and assumptions, and its stated and wider domains."""

    id: str
    statement: Statement
    variables: tuple[str, ...]
    stated: Domain
    wider: Domain | None = None
    note: str = ""
    reading_of: str | None = None

    @property
    def reference(self) -> str:
        return self.statement.reference

    @property
    def assumptions(self) -> tuple[str, ...]:
        return self.statement.assumptions


# --- point strategies shared by several claims ---------------------------------------------------------------

_P_AT_LEAST_1 = ((1.0, 64.0),)
_P_AT_LEAST_2 = ((2.0, 64.0),)
_P_POSITIVE = ((0.05, 64.0),)
_P_THEOREM_2 = ((1.0, 1.0), (2.0, 32.0))  # p = 1 or p ≥ 2, as Theorems 2 and 3 require
_P_SMOOTH_WIDE = ((1.0, 32.0),)


def _escort_theta(K: int, point: dict[str, float]) -> st.SearchStrategy[tuple]:
    return pst.escort_parameters(K, point["p"])


def _p2_theta(K: int, point: dict[str, float]) -> st.SearchStrategy[tuple]:
    return pst.escort_parameters(K, 2.0)


def _logits(K: int, point: dict[str, float]) -> st.SearchStrategy[tuple]:
    return pst.softmax_logits(K)


def _unit_rewards(K: int, point: dict[str, float]) -> st.SearchStrategy[tuple]:
    return pst.reward_vectors(K)


def _signed_rewards(K: int, point: dict[str, float]) -> st.SearchStrategy[tuple]:
    return pst.reward_vectors(K, low=-1.0, high=1.0, max_scale=1e8)


def _symmetric_rewards(K: int, point: dict[str, float]) -> st.SearchStrategy[tuple]:
    return pst.reward_vectors(K, low=-1.0, high=1.0)


def _escort_points(K_range, p_intervals, rewards=None) -> Callable[[], st.SearchStrategy[dict[str, float]]]:
    vectors = {"theta": _escort_theta} | ({"r": rewards} if rewards else {})
    return lambda: pst.points(K_range, vectors, {"p": pst.escort_exponents(p_intervals)})


def _smoothness_points(K_range, p_intervals, rewards, *, discounted: bool):
    scalars = {"p": pst.escort_exponents(p_intervals)} | ({"gamma": pst.discount_factors()} if discounted else {})
    return lambda: pst.points(K_range, {"theta": _escort_theta, "r": rewards}, scalars)


def _scalar_points(name: str, values: st.SearchStrategy[float]):
    return lambda: pst.points((2, 2), {}, {name: values})


_ESCORT_THETA = EscortScale()
_THETA_WORDS = _ESCORT_THETA.words
_UNIT = ((0.0, 1.0),)
_SIGNED = ((-1e8, 1e8),)
_SYMMETRIC = ((-1.0, 1.0),)
_GAMMA = ((0.0, 1.0 - 1e-3),)
_OPEN_UNIT = ((5e-324, 1.0 - 2.0**-53),)


def _ranges(p=None, r=None, **scalars) -> dict[str, tuple[tuple[float, float], ...]]:
    """The closed ranges a shrunk witness must stay in (``p``, rewards ``r``, other scalars by name)."""
    return {name: value for name, value in ({"p": p, "r": r} | scalars).items() if value is not None}
_LOGIT_WORDS = "θ = s·log π + c with s ∈ 1e-8…1e8 (probabilities down to 1e-300)"
_SMOOTH_K = (2, 4)  # Hessians are lambdified per K; K ≤ 4 keeps the ci profile within its time budget


def _eq12_slices(p_low: float, p_high: float) -> tuple[Slice, ...]:
    return (
        Slice(2, {"theta_1": (0.5, 2.0), "p": (p_low, p_high)}, {"theta_2": 1.0},
              f"K = 2, θ = (t, 1), t ∈ [1/2, 2], p ∈ [{p_low:g}, {p_high:g}]"),
    )


def _claim_list() -> tuple[Claim, ...]:
    s = STATEMENTS
    return (
        Claim(
            "eq8", s["eq8"], ("θ ∈ R^K (softmax logits)", "r ∈ R^K with r(a*) maximal"),
            Domain(f"r ∈ [0, 1]^K, K ∈ 2…6, {_LOGIT_WORDS}", (2, 6),
                   lambda: pst.points((2, 6), {"theta": _logits, "r": _unit_rewards}, {}), ranges=_ranges(r=_UNIT)),
            Domain(f"r ∈ s·[−1, 1]^K with s ∈ 1e-8…1e8, K ∈ 2…10, {_LOGIT_WORDS}", (2, 10),
                   lambda: pst.points((2, 10), {"theta": _logits, "r": _signed_rewards}, {}),
                   ranges=_ranges(r=_SIGNED)),
        ),
        Claim(
            "eq9", s["eq9"], ("θ ∈ R^K, θ(a) ≠ 0", "p", "r ∈ R^K with r(a*) maximal"),
            Domain(f"p ∈ [1, 64], r ∈ [0, 1]^K, K ∈ 2…6, {_THETA_WORDS}", (2, 6),
                   _escort_points((2, 6), _P_AT_LEAST_1, _unit_rewards), ranges=_ranges(_P_AT_LEAST_1, _UNIT), theta=_ESCORT_THETA),
            Domain(f"p ∈ [0.05, 64], r ∈ s·[−1, 1]^K with s ∈ 1e-8…1e8, K ∈ 2…10, {_THETA_WORDS}",
                   (2, 10),
                   _escort_points((2, 10), _P_POSITIVE, _signed_rewards), ranges=_ranges(_P_POSITIVE, _SIGNED), theta=_ESCORT_THETA),
        ),
        Claim(
            "eq9-identity", s["eq9-identity"], ("θ ∈ R^K, θ(a) ≠ 0", "p"),
            Domain(f"p ∈ [1, 64], K ∈ 2…6, {_THETA_WORDS}", (2, 6), _escort_points((2, 6), _P_AT_LEAST_1),
                   ranges=_ranges(_P_AT_LEAST_1), theta=_ESCORT_THETA),
            Domain(f"p ∈ [0.05, 64], K ∈ 2…10, {_THETA_WORDS}", (2, 10), _escort_points((2, 10), _P_POSITIVE),
                   ranges=_ranges(_P_POSITIVE), theta=_ESCORT_THETA),
        ),
        Claim(
            "eq11-gradient", s["eq11-gradient"], ("θ ∈ R^K (softmax logits)",),
            Domain(f"K ∈ 2…8, {_LOGIT_WORDS}", (2, 8), lambda: pst.points((2, 8), {"theta": _logits}, {})),
        ),
        Claim(
            "eq11", s["eq11"], ("θ ∈ R^K (softmax logits)",),
            Domain(f"K ∈ 2…8, {_LOGIT_WORDS}", (2, 8), lambda: pst.points((2, 8), {"theta": _logits}, {}),
                   (Slice(2, {"theta_1": (-8.0, 8.0)}, {"theta_2": 0.0}, "K = 2, θ = (t, 0), t ∈ [−8, 8]"),)),
            note="Eq. (11) is stated for every θ ∈ R^K: there is no wider natural domain.",
        ),
        Claim(
            "eq12-gradient", s["eq12-gradient"], ("θ ∈ R^K, θ(a) ≠ 0", "p"),
            Domain(f"p ∈ [1, 64], K ∈ 2…8, {_THETA_WORDS}", (2, 8), _escort_points((2, 8), _P_AT_LEAST_1),
                   ranges=_ranges(_P_AT_LEAST_1), theta=_ESCORT_THETA),
        ),
        Claim(
            "eq12", s["eq12"], ("θ ∈ R^K, θ(a) ≠ 0", "p"),
            Domain(f"p ∈ [2, 64] (where Section 5 uses Eq. (12)), K ∈ 2…8, {_THETA_WORDS}", (2, 8),
                   _escort_points((2, 8), _P_AT_LEAST_2), _eq12_slices(2.0, 2.5),
                   ranges=_ranges(_P_AT_LEAST_2), theta=_ESCORT_THETA),
            Domain(f"p ∈ [1, 64] (Definition 1), K ∈ 2…8, {_THETA_WORDS}", (2, 8),
                   _escort_points((2, 8), _P_AT_LEAST_1), _eq12_slices(1.0, 2.0),
                   ranges=_ranges(_P_AT_LEAST_1), theta=_ESCORT_THETA),
            note="As printed, min_a π(a)^{1−2/p}: the minimum of the powered values (reading B).",
        ),
        Claim(
            "eq12-min-pi", s["eq12-min-pi"], ("θ ∈ R^K, θ(a) ≠ 0", "p"),
            Domain(f"p ∈ [2, 64], K ∈ 2…8, {_THETA_WORDS}", (2, 8),
                   _escort_points((2, 8), _P_AT_LEAST_2), _eq12_slices(2.0, 2.5),
                   ranges=_ranges(_P_AT_LEAST_2), theta=_ESCORT_THETA),
            Domain(f"p ∈ [1, 64], K ∈ 2…8, {_THETA_WORDS}", (2, 8),
                   _escort_points((2, 8), _P_AT_LEAST_1), _eq12_slices(1.0, 2.0),
                   ranges=_ranges(_P_AT_LEAST_1), theta=_ESCORT_THETA),
            note="Reading A of Eq. (12): (min_a π(a))^{1−2/p}; equal to reading B for p ≥ 2.",
            reading_of="eq12",
        ),
        Claim(
            "sce-example-kl", s["sce-example-kl"], ("ε",),
            Domain("ε ∈ (0, 1), down to 1e-300 and up to 1 − 1e-16", (2, 2),
                   _scalar_points("epsilon", pst.unit_interval_values()),
                   (Slice(2, {"epsilon": (1e-3, 1 - 1e-3)}, {}, "ε ∈ [1e-3, 1 − 1e-3]"),),
                   ranges=_ranges(epsilon=_OPEN_UNIT)),
        ),
        Claim(
            "sce-example-l2", s["sce-example-l2"], ("ε",),
            Domain("ε ∈ (0, 1), down to 1e-300 and up to 1 − 1e-16", (2, 2),
                   _scalar_points("epsilon", pst.unit_interval_values()), ranges=_ranges(epsilon=_OPEN_UNIT)),
        ),
        Claim(
            "sce-not-improvable", s["sce-not-improvable"], ("ε → 0",),
            Domain("the single sequence ε → 0 (no other variable)", (2, 2), lambda: st.just({})),
        ),
        Claim(
            "remark1", s["remark1"], ("π(a) ∈ (0, 1]", "p → ∞"),
            Domain("π(a) ∈ (0, 1], down to 1e-300", (2, 2),
                   _scalar_points("pi_a", st.one_of(st.just(1.0), pst.unit_interval_values())),
                   ranges=_ranges(pi_a=((5e-324, 1.0),))),
        ),
        Claim(
            "remark1-p1", s["remark1-p1"], ("π(a) ∈ (0, 1]",),
            Domain("π(a) ∈ (0, 1], down to 1e-300", (2, 2),
                   _scalar_points("pi_a", st.one_of(st.just(1.0), pst.unit_interval_values())),
                   ranges=_ranges(pi_a=((5e-324, 1.0),))),
        ),
        Claim(
            "remark3", s["remark3"], ("θ ∈ R^K, θ(a) ≠ 0", "p"),
            Domain(f"p ∈ [1, 64], K ∈ 2…6, {_THETA_WORDS}", (2, 6), _escort_points((2, 6), _P_AT_LEAST_1),
                   ranges=_ranges(_P_AT_LEAST_1), theta=_ESCORT_THETA),
            note="Existential: one certified non-symmetric Jacobian at some θ proves the remark.",
        ),
        Claim(
            "prop1", s["prop1"], ("θ ∈ R^K, θ(a) ≠ 0", "p", "r ∈ [0, 1]^K"),
            Domain(f"p ∈ [1, 64], r ∈ [0, 1]^K, K ∈ 2…4, {_THETA_WORDS}", _SMOOTH_K,
                   _escort_points(_SMOOTH_K, _P_AT_LEAST_1, _unit_rewards), ranges=_ranges(_P_AT_LEAST_1, _UNIT), theta=_ESCORT_THETA),
            note="Existential: one certified positive curvature direction of the Hessian proves non-concavity.",
        ),
        Claim(
            "thm2-smoothness", s["thm2-smoothness"], ("θ ∈ R^K, θ(a) ≠ 0", "p", "r"),
            Domain(f"p ∈ {{1}} ∪ [2, 32], r ∈ [0, 1]^K, K ∈ 2…4, {_THETA_WORDS}", _SMOOTH_K,
                   _smoothness_points(_SMOOTH_K, _P_THEOREM_2, _unit_rewards, discounted=False),
                   ranges=_ranges(_P_THEOREM_2, _UNIT), theta=_ESCORT_THETA),
            Domain(f"p ∈ [1, 32], r ∈ [−1, 1]^K, K ∈ 2…4, {_THETA_WORDS}", _SMOOTH_K,
                   _smoothness_points(_SMOOTH_K, _P_SMOOTH_WIDE, _symmetric_rewards, discounted=False),
                   ranges=_ranges(_P_SMOOTH_WIDE, _SYMMETRIC), theta=_ESCORT_THETA),
        ),
        Claim(
            "thm3-smoothness", s["thm3-smoothness"], ("θ(s, ·) ∈ R^A, θ ≠ 0", "p", "r", "γ"),
            Domain(f"single state, p ∈ {{1}} ∪ [2, 32], r ∈ [0, 1]^A, γ ∈ [0, 0.999], A ∈ 2…4, "
                   f"{_THETA_WORDS}",
                   _SMOOTH_K, _smoothness_points(_SMOOTH_K, _P_THEOREM_2, _unit_rewards, discounted=True),
                   ranges=_ranges(_P_THEOREM_2, _UNIT, gamma=_GAMMA), theta=_ESCORT_THETA),
            Domain(f"single state, p ∈ [1, 32], r ∈ [−1, 1]^A, γ ∈ [0, 0.999], A ∈ 2…4, {_THETA_WORDS}",
                   _SMOOTH_K, _smoothness_points(_SMOOTH_K, _P_SMOOTH_WIDE, _symmetric_rewards, discounted=True),
                   ranges=_ranges(_P_SMOOTH_WIDE, _SYMMETRIC, gamma=_GAMMA), theta=_ESCORT_THETA),
            note="Only the single-state case of Theorem 3 is checked: V = f_p(θ)ᵀr/(1−γ), ρ plays no role.",
        ),
        Claim(
            "thm5-smoothness", s["thm5-smoothness"], ("θ ∈ R^K, θ(a) ≠ 0",),
            Domain(f"p = 2, K ∈ 2…5, {_THETA_WORDS}", (2, 5),
                   lambda: pst.points((2, 5), {"theta": _p2_theta}, {}), theta=EscortScale(p=2.0)),
            note="Theorem 5 fixes p = 2 and one-hot y: there is no wider natural domain.",
        ),
    )


def _descent_claim(p: float) -> Claim:
    """The ascent lemma of Theorem 2's proof along one update segment, at one exponent p."""
    exponent = ((p, p),)
    inside = p == 1.0 or p >= 2.0
    return Claim(
        f"thm2-descent-p{p:g}", STATEMENTS["thm2-descent"], ("θ ∈ R^K, θ(a) ≠ 0", "r ∈ [0, 1]^K"),
        Domain(f"p = {p:g}, r ∈ [0, 1]^K, K ∈ 2…4, {_THETA_WORDS}", _SMOOTH_K,
               _escort_points(_SMOOTH_K, exponent, _unit_rewards), ranges=_ranges(exponent, _UNIT), theta=_ESCORT_THETA),
        note=("" if inside else "p = 1.5 is outside Theorem 2's p ∈ {1} ∪ [2, ∞); checked to show where the "
              "lemma stops. ") + "One EPG step with Theorem 2's step size from θ; the claim is the improvement "
        "f(θ_{t+1}) − f(θ_t) ≥ (η/2)‖∇f‖² that the proof derives from smoothness on [θ_t, θ_{t+1}].",
    )


def _mdp_theta(K: int, point: dict[str, float]) -> st.SearchStrategy[tuple]:
    """θ(s, a) = ±10^u, u ∈ [−2, 2]: four decades per entry (both MDP statements are invariant under scaling one
    state's row, so wider scales only add overflow, not cases)."""
    entry = st.builds(lambda m, sign: sign * m, pst.log_uniform(1e-2, 1e2), st.sampled_from((1.0, -1.0)))
    return st.tuples(*[entry] * K)


_P_MDP = ((1.0, 1.0), (2.0, 8.0))
_P_MDP_WIDE = ((1.0, 8.0),)


def _mdp_points(scalar: str, values: Callable[[], st.SearchStrategy[float]], p_intervals):
    return lambda: pst.points((4, 4), {"theta": _mdp_theta},
                              {"p": pst.escort_exponents(p_intervals), scalar: values()})


_MU_RANGE = ((1e-3, 1.0 - 1e-3),)


def _two_level_points(K_range, eta_max: float):
    scalars = {"eta": pst.log_uniform(1e-6, eta_max), "Delta": pst.log_uniform(1e-6, 1.0), "b": st.floats(0.0, 1.0)}
    return lambda: pst.points(K_range, {"theta": _logits}, scalars)


def _lemma_claims() -> tuple[Claim, ...]:
    s = STATEMENTS
    return (
        Claim(
            "thm1-odds-step", s["thm1-odds-step"], ("θ ∈ R^K (softmax logits)", "η", "Δ", "b"),
            Domain(f"η ∈ [1e-6, 1], Δ ∈ [1e-6, 1], b ∈ [0, 1], K ∈ 2…6, {_LOGIT_WORDS}", (2, 6),
                   _two_level_points((2, 6), 1.0),
                   ranges=_ranges(eta=((1e-6, 1.0),), Delta=((1e-6, 1.0),), b=((0.0, 1.0),))),
            Domain(f"η ∈ [1e-6, 100], Δ ∈ [1e-6, 1], b ∈ [0, 1], K ∈ 2…6, {_LOGIT_WORDS}", (2, 6),
                   _two_level_points((2, 6), 100.0),
                   ranges=_ranges(eta=((1e-6, 100.0),), Delta=((1e-6, 1.0),), b=((0.0, 1.0),))),
            note="The step of the project's derivation of Theorem 1's constant; summed over steps it gives "
                 "BOUNDS['thm1-two-level'] (t₀·Δ·π₁ ≥ (1 − 10π₁)/(2η)).",
        ),
        *(_descent_claim(p) for p in (1.0, 1.5, 2.0, 4.0)),
        Claim(
            "thm3-smoothness-mdp", s["thm3-smoothness-mdp"], ("θ(s, ·) ∈ R^A, θ ≠ 0", "p", "γ"),
            Domain("two states, A = 2, p ∈ {1} ∪ [2, 8], γ ∈ [0, 0.999], θ(s, a) = ±1e-2…1e2", (4, 4),
                   _mdp_points("gamma", pst.discount_factors, _P_MDP), ranges=_ranges(_P_MDP, gamma=_GAMMA)),
            note="The two-state MDP of theory.mdp (fixed P and r, γ free); the per-state scaling D is the project's "
                 "reading of how a state-wise step size meets a smoothness constant.",
        ),
        Claim(
            "mdp-nl", s["mdp-nl"], ("θ(s, ·) ∈ R^A, θ ≠ 0", "p", "μ = (μ₁, 1 − μ₁)"),
            Domain("two states, A = 2, p ∈ {1} ∪ [2, 8], μ₁ ∈ [1e-3, 1 − 1e-3] (μ = ρ at μ₁ = 1/3), "
                   "θ(s, a) = ±1e-2…1e2", (4, 4),
                   _mdp_points("mu_1", lambda: st.floats(1e-3, 1.0 - 1e-3), _P_MDP),
                   ranges=_ranges(_P_MDP, mu_1=_MU_RANGE)),
            Domain("two states, A = 2, p ∈ [1, 8], μ₁ ∈ [1e-3, 1 − 1e-3], θ(s, a) = ±1e-2…1e2", (4, 4),
                   _mdp_points("mu_1", lambda: st.floats(1e-3, 1.0 - 1e-3), _P_MDP_WIDE),
                   ranges=_ranges(_P_MDP_WIDE, mu_1=_MU_RANGE)),
        ),
    )


CLAIMS: dict[str, Claim] = {claim.id: claim for claim in _claim_list() + _lemma_claims()}
"""Every checked claim, by id (the ids of :data:`theory.statements.STATEMENTS`, and ``thm2-descent-p<p>`` for the
ascent lemma at one exponent)."""
