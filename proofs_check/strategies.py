"""Hypothesis strategies for the objects of the paper: policies, softmax logits, escort parameters, exponents.

Each strategy is named after what it generates and composes with the others. They are built to reach the
places where the paper's inequalities are tight or numerically fragile:

* policies near a vertex of the simplex (one action with almost all the mass, the others down to 1e-300),
* parameters θ over scales 1e-8 … 1e8 with mixed signs (the escort of Eq. (3) only sees |θ(a)|),
* escort exponents p on chosen intervals with the special values 1 and 2 drawn often,
* rewards whose optimal action is a* = 0 (index conventions of :mod:`theory.statements`).

Factories with few distinct arguments are cached: hypothesis then reuses one strategy object instead of
rebuilding (and re-describing) it for every example. A *point* is a ``dict`` mapping the names of a
statement's free symbols (``theta_1``, ``r_2``, ``p``, ``gamma``, ``epsilon``, ``pi_a``) to floats;
:func:`points` assembles one from per-symbol strategies.

>>> from hypothesis import find
>>> policy = find(near_vertex_policies(3), lambda pi: True)
>>> len(policy), abs(sum(policy) - 1) < 1e-12
(3, True)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence

from hypothesis import strategies as st

__all__ = [
    "discount_factors",
    "escort_exponents",
    "escort_parameters",
    "log_uniform",
    "near_vertex_policies",
    "points",
    "policies",
    "reward_vectors",
    "softmax_logits",
    "unit_interval_values",
]

Point = dict[str, float]


@functools.lru_cache(maxsize=None)
def log_uniform(min_value: float, max_value: float) -> st.SearchStrategy[float]:
    """Positive floats spread evenly over the decades of [min_value, max_value] (shrinks towards 10^0 or an end)."""
    if not 0 < min_value <= max_value:
        raise ValueError(f"log_uniform needs 0 < min_value <= max_value; got {min_value}, {max_value}")
    low, high = math.log10(min_value), math.log10(max_value)
    return st.floats(low, high).map(lambda e: min(max(10.0**e, min_value), max_value))


@functools.lru_cache(maxsize=None)
def near_vertex_policies(K: int, *, min_prob: float = 1e-300) -> st.SearchStrategy[tuple]:
    """Policies π ∈ Δ_K with one action holding at least 1/2, the others in [min_prob, 1/(2(K−1))]."""
    max_prob = 0.5 / (K - 1)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[float, ...]:
        vertex = draw(st.integers(0, K - 1))
        small = [draw(log_uniform(min_prob, max_prob)) for _ in range(K - 1)]
        small.insert(vertex, 0.0)
        small[vertex] = 1.0 - math.fsum(small)
        return tuple(small)

    return build()


@functools.lru_cache(maxsize=None)
def policies(K: int, *, min_prob: float = 1e-300) -> st.SearchStrategy[tuple]:
    """Policies on the simplex: near a vertex, or with weights spread over 12 decades (then normalised)."""
    spread = st.lists(log_uniform(1e-12, 1.0), min_size=K, max_size=K).map(
        lambda w: tuple(x / math.fsum(w) for x in w)
    )
    return st.one_of(near_vertex_policies(K, min_prob=min_prob), spread)


@functools.lru_cache(maxsize=None)
def softmax_logits(K: int, *, min_scale: float = 1e-8, max_scale: float = 1e8) -> st.SearchStrategy[tuple]:
    """Logits θ = s·log π + c: a policy π, a scale s in [min_scale, max_scale] and a shift c ∈ [−1e3, 1e3]."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[float, ...]:
        pi = draw(policies(K))
        scale = draw(log_uniform(min_scale, max_scale))
        shift = draw(st.floats(-1e3, 1e3))
        return tuple(scale * math.log(q) + shift for q in pi)

    return build()


def escort_parameters(
    K: int, p: float, *, min_scale: float = 1e-8, max_scale: float = 1e8, mixed_signs: bool = True
) -> st.SearchStrategy[tuple]:
    """Escort inputs θ(a) = ±s·π(a)^{1/p}, so f_p(θ) = π (Eq. (3)); s in [min_scale, max_scale], θ(a) ≠ 0."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[float, ...]:
        pi = draw(policies(K))
        scale = draw(log_uniform(min_scale, max_scale))
        signs = [draw(st.sampled_from((1.0, -1.0))) if mixed_signs else 1.0 for _ in range(K)]
        theta = tuple(sign * scale * q ** (1.0 / p) for sign, q in zip(signs, pi))
        return tuple(t if t != 0.0 else math.copysign(5e-324, sign) for t, sign in zip(theta, signs))

    return build()


@functools.lru_cache(maxsize=None)
def escort_exponents(
    intervals: Sequence[tuple[float, float]], *, special: Sequence[float] = (1.0, 2.0)
) -> st.SearchStrategy[float]:
    """Exponents p in a union of closed intervals; the special values inside it (p = 1, 2) are drawn often."""
    inside = [v for v in special if any(lo <= v <= hi for lo, hi in intervals)]
    ranges = [st.just(float(lo)) if lo == hi else st.floats(lo, hi) for lo, hi in intervals]
    return st.one_of(*([st.sampled_from(inside)] if inside else []), *ranges)


@functools.lru_cache(maxsize=None)
def reward_vectors(
    K: int, *, low: float = 0.0, high: float = 1.0, optimal: int = 0, max_scale: float = 1.0
) -> st.SearchStrategy[tuple]:
    """Rewards in [low, high]·s with s ∈ [1e-8, max_scale] (s = 1 if max_scale = 1) and r(optimal) maximal."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[float, ...]:
        scale = 1.0 if max_scale == 1.0 else draw(log_uniform(1e-8, max_scale))
        r = [scale * draw(st.floats(low, high)) for _ in range(K)]
        best = max(range(K), key=r.__getitem__)
        r[optimal], r[best] = r[best], r[optimal]
        return tuple(r)

    return build()


@functools.lru_cache(maxsize=None)
def discount_factors(*, max_value: float = 1.0 - 1e-3) -> st.SearchStrategy[float]:
    """Discount factors γ ∈ [0, max_value]."""
    return st.floats(0.0, max_value)


@functools.lru_cache(maxsize=None)
def unit_interval_values(*, min_value: float = 1e-300) -> st.SearchStrategy[float]:
    """Values in (0, 1): down to min_value near 0, and up to 1 − 1e-16 near 1."""
    near_one = log_uniform(1.2e-16, 0.5).map(lambda e: 1.0 - e)
    return st.one_of(log_uniform(min_value, 0.5), near_one)


def points(
    K_range: tuple[int, int],
    vectors: Mapping[str, Callable[[int, Point], st.SearchStrategy[tuple]]],
    scalars: Mapping[str, st.SearchStrategy[float]],
) -> st.SearchStrategy[Point]:
    """Points {symbol name: float} for a K drawn from ``K_range``.

    ``scalars`` are drawn first (e.g. ``p``); each of ``vectors`` maps (K, scalars drawn so far) to a strategy
    for a K-vector named ``<name>_1 … <name>_K`` (e.g. ``theta``, which depends on ``p``).
    """

    @st.composite
    def build(draw: st.DrawFn) -> Point:
        K = draw(st.integers(*K_range))
        point: Point = {name: draw(strategy) for name, strategy in scalars.items()}
        for name, strategy in vectors.items():
            values = draw(strategy(K, point))
            point.update({f"{name}_{i + 1}": float(v) for i, v in enumerate(values)})
        return point

    return build()
