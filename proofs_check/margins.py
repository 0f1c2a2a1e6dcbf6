"""The normalised margin of a statement at a point, in float64 and in rigorous intervals at a chosen precision.

Intervals come from Arb balls (python-flint) by default; ``engine="mpmath-iv"`` evaluates the same lambdified
expressions in ``mpmath.iv`` instead, an independent implementation the tests compare Arb against.

Every number here comes from lambdifying the statement's own SymPy expressions (:mod:`theory.statements`):
nothing is re-typed. For a statement ``derived <relation> stated`` the *gap* and its *scale* are

========================  ==========================================  =====================================
relation                  gap                                          scale
========================  ==========================================  =====================================
``>=`` (Eq. (8), (9) …)   derived − stated                             |derived| + |stated|
``<=``                    stated − derived                             |derived| + |stated|
spectral norm ``<=``      stated − max_i |λ_i(derived)|                max_i |λ_i| + |stated|
``==``                    −max_ij |derived − stated|                   max |derived| + max |stated|
not symmetric             max_ij |J − Jᵀ|                              2·max_ij |J|
has a positive eigenvalue λ_max(derived)                               max_i |λ_i|
``->`` (limits)           d(x_first) − d(x_last), d = |derived − stated| d(x_first) + d(x_last)
========================  ==========================================  =====================================

and the *margin* is gap/scale ∈ [−1, 1]; it is NaN at degenerate points where the scale is 0 (both sides
vanish, e.g. constant rewards), which the search counts separately. A universal statement (``>=``, ``<=``,
spectral norm, ``==``, limits) is violated where the margin is negative; an existential one (not symmetric,
positive eigenvalue) is witnessed where it is positive. For a limit ``derived → stated`` as x → x₀, d is
evaluated along the fixed sequence :data:`LIMIT_STEPS` approaching x₀ (10^k for x₀ = ∞, 10^−k for x₀ = 0).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import flint
import mpmath
import numpy as np
import sympy as sp
from mpmath import libmp
from sympy.printing.pycode import MpmathPrinter

from proofs_check.balls import precision
from theory.statements import Relation, Statement

__all__ = ["ENGINES", "EXISTENTIAL", "LIMIT_STEPS", "MarginFunction", "margin_function"]

ENGINES = ("arb", "mpmath-iv")
"""Interval engines that evaluate a statement's sides: Arb balls (python-flint, the one the checks use) and
``mpmath.iv`` (an independent implementation, kept as the tests' cross-check of Arb)."""

EXISTENTIAL = frozenset({Relation.NOT_SYMMETRIC, Relation.NOT_NEGATIVE_SEMIDEFINITE})
"""Relations that claim the existence of a point (a witness) rather than a property of every point."""

LIMIT_STEPS: tuple[int, ...] = (1, 12)
"""A limit x → x₀ is probed at x = 10^{±k} for these k: the distance must shrink from the first to the last."""


def _iv_min(*values: mpmath.iv.mpf) -> mpmath.iv.mpf:
    return mpmath.iv.mpf([min(v.a for v in values), min(v.b for v in values)])


def _iv_max(*values: mpmath.iv.mpf) -> mpmath.iv.mpf:
    return mpmath.iv.mpf([max(v.a for v in values), max(v.b for v in values)])


@contextlib.contextmanager
def _interval_digits(digits: int):
    """A local working precision for ``mpmath.iv`` (which has no ``workdps``): set, then restored."""
    saved = mpmath.iv.prec
    mpmath.iv.dps = digits
    try:
        yield
    finally:
        mpmath.iv.prec = saved


def _iv_heaviside(value: mpmath.iv.mpf) -> mpmath.iv.mpf:
    if value.a > 0:
        return mpmath.iv.mpf(1)
    if value.b < 0:
        return mpmath.iv.mpf(0)
    return mpmath.iv.mpf([0, 1])


def _iv_sign(value: mpmath.iv.mpf) -> mpmath.iv.mpf:
    if value.a > 0:
        return mpmath.iv.mpf(1)
    if value.b < 0:
        return mpmath.iv.mpf(-1)
    return mpmath.iv.mpf([-1, 1])


class _IntervalFunctions:
    """What the mpmath printer calls ``mpmath.<name>``, in interval arithmetic (``mpmath.iv``)."""

    @staticmethod
    def mpf(value: object) -> mpmath.iv.mpf:
        # SymPy Floats print as mpf((sign, mantissa, exponent, bits)) tuples: exact binary numbers.
        return mpmath.iv.mpf(mpmath.mpf(value) if isinstance(value, tuple) else value)

    log = staticmethod(mpmath.iv.log)
    exp = staticmethod(mpmath.iv.exp)
    sqrt = staticmethod(mpmath.iv.sqrt)
    sign = staticmethod(_iv_sign)
    pi = mpmath.iv.pi


def _arb_constant(value: object) -> flint.arb:
    """A SymPy constant as printed by the mpmath printer: an exact ``(sign, mantissa, exponent, bits)`` tuple or
    an integer (rationals print as mpf(a)/mpf(b), a ball division)."""
    if isinstance(value, tuple):
        sign, mantissa, exponent, _ = value
        return flint.arb(((-1) ** sign * int(mantissa), int(exponent)))
    return flint.arb(value)


def _arb_heaviside(value: flint.arb) -> flint.arb:
    if value > 0:
        return flint.arb(1)
    if value < 0:
        return flint.arb(0)
    return flint.arb.union(flint.arb(0), flint.arb(1))


def _arb_min(*values: flint.arb) -> flint.arb:
    return functools.reduce(lambda a, b: a.min(b), (flint.arb(v) for v in values))


def _monotone(function: Callable[[flint.arb], flint.arb]) -> Callable[[object], flint.arb]:
    """A monotone function on a ball through its two ends: Arb's own midpoint-radius bound is far wider on the
    wide boxes of a branch-and-bound (log of [0.5, 0.875] gives [−0.694, 0.694] instead of [−0.694, −0.133])."""

    def on_ends(value: object) -> flint.arb:
        ball = flint.arb(value)
        if ball.is_exact() or not ball.is_finite():
            return function(ball)
        return flint.arb.union(function(ball.lower()), function(ball.upper()))

    return on_ends


_arb_log = _monotone(flint.arb.log)
_arb_exp = _monotone(flint.arb.exp)


def _arb_power(base: object, exponent: object) -> flint.arb:
    """x^y: by Arb for an exact integer y, else exp(y·log x) with the monotone log and exp for x > 0."""
    base, exponent = flint.arb(base), flint.arb(exponent)
    if (exponent.is_exact() and exponent.is_integer()) or not base > 0:
        return base**exponent
    return _arb_exp(exponent * _arb_log(base))


class _BallFunctions:
    """What the mpmath printer calls ``mpmath.<name>``, on Arb balls (each result encloses the exact value)."""

    mpf = staticmethod(_arb_constant)
    log = staticmethod(_arb_log)
    exp = staticmethod(_arb_exp)
    sqrt = staticmethod(_monotone(flint.arb.sqrt))
    sign = staticmethod(lambda b: flint.arb(b).sgn())
    pi = flint.arb.pi()


_BALL_NAMESPACE = {
    "mpmath": _BallFunctions, "abs": abs, "min": _arb_min, "interval_heaviside": _arb_heaviside,
    "interval_power": _arb_power,
    "ImmutableDenseMatrix": lambda rows: rows,
}


def _ball_interval(value: object) -> mpmath.iv.mpf:
    """An ``mpmath.iv`` interval holding the Arb ball ``value``: midpoint and radius enter exactly, the ends are
    rounded outwards (floor, ceiling) at the working precision; the cheap final combination of a margin runs on
    these."""
    ball = value if isinstance(value, flint.arb) else flint.arb(value)
    if not ball.is_finite():
        return mpmath.iv.mpf([-mpmath.inf, mpmath.inf])
    (mid_mantissa, mid_exponent), (rad_mantissa, rad_exponent) = ball.mid().man_exp(), ball.rad().man_exp()
    middle = libmp.from_man_exp(int(mid_mantissa), int(mid_exponent))
    radius = libmp.from_man_exp(int(rad_mantissa), int(rad_exponent))
    prec = mpmath.iv.prec
    return mpmath.iv.make_mpf((libmp.mpf_sub(middle, radius, prec, libmp.round_floor),
                               libmp.mpf_add(middle, radius, prec, libmp.round_ceiling)))


_INTERVAL_NAMESPACE = {
    "mpmath": _IntervalFunctions, "abs": abs, "min": _iv_min, "interval_heaviside": _iv_heaviside,
    "interval_power": lambda base, exponent: base**exponent,
    "ImmutableDenseMatrix": lambda rows: rows,
}


@dataclass(frozen=True)
class _Engine:
    """One interval engine: the namespace lambdified expressions run in, exact points and spans as its
    intervals, the conversion of a result to ``mpmath.iv``, and its working precision (from ``mpmath.iv.prec``)."""

    namespace: Mapping[str, object]
    point: Callable[[float], object]
    span: Callable[[float, float], object]
    interval: Callable[[object], mpmath.iv.mpf]
    working_precision: Callable[[], contextlib.AbstractContextManager]


_ENGINES = {
    "arb": _Engine(_BALL_NAMESPACE, flint.arb, lambda low, high: flint.arb.union(flint.arb(low), flint.arb(high)),
                   _ball_interval, lambda: precision(mpmath.iv.prec)),
    "mpmath-iv": _Engine(_INTERVAL_NAMESPACE, mpmath.iv.mpf, lambda low, high: mpmath.iv.mpf([low, high]),
                         mpmath.iv.mpf, contextlib.nullcontext),
}


def _engine(name: str) -> _Engine:
    if name not in _ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}; got {name!r}")
    return _ENGINES[name]


class _IntervalPrinter(MpmathPrinter):
    """The mpmath printer, with Heaviside (from d Min/dx) sent to an interval step function and non-integer
    powers to the engine's ``interval_power``."""

    def _print_Heaviside(self, expr: sp.Heaviside) -> str:
        return f"interval_heaviside({self._print(expr.args[0])})"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        """x^y with a non-integer y as interval_power(x, y): each engine picks its tightest enclosure."""
        if expr.exp.is_Integer:
            return super()._print_Pow(expr, rational=rational)
        return f"interval_power({self._print(expr.base)}, {self._print(expr.exp)})"


def _scalar_or_rows(value: object) -> list[list]:
    """A scalar as a 1x1 table, a matrix (nested list / array) as its rows."""
    if isinstance(value, (np.ndarray, mpmath.matrix)) and np.ndim(value.tolist()) == 2:
        return [list(row) for row in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [list(row) for row in value]
    return [[value]]


class MarginFunction:
    """``derived <relation> stated`` of one statement for K actions, as a margin function of a point.

    >>> from theory.statements import STATEMENTS
    >>> f = margin_function(STATEMENTS["eq11"], 2)
    >>> f.symbols
    ('theta_1', 'theta_2')
    >>> f.float64({"theta_1": 0.0, "theta_2": 0.0}) > 0
    True
    """

    def __init__(self, statement: Statement, K: int) -> None:
        instance = statement.build(K)
        self._instance = instance
        self.statement = statement
        self.relation = statement.relation
        self.K = K
        self.limit = instance.limit
        parameters = sorted(instance.free_symbols, key=lambda s: s.name)
        if self.limit is not None:
            parameters = [s for s in parameters if s != self.limit[0]] + [self.limit[0]]
        self.symbols: tuple[str, ...] = tuple(s.name for s in parameters)
        stated = sp.Integer(0) if instance.stated is None else instance.stated
        self._parameters = tuple(parameters)
        self._float = sp.lambdify(parameters, [instance.derived, stated], "numpy")

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one compiled function per engine of a cached MarginFunction
    def _compiled(self, engine: str) -> Callable:
        """(derived, stated) lambdified for ``engine``; the mpmath printer writes rationals as mpf(a)/mpf(b),
        which each namespace turns into exact intervals or balls."""
        stated = sp.Integer(0) if self._instance.stated is None else self._instance.stated
        return sp.lambdify(self._parameters, [self._instance.derived, stated],
                           [_engine(engine).namespace, "mpmath"], printer=_IntervalPrinter)

    @property
    def existential(self) -> bool:
        return self.relation in EXISTENTIAL

    def _arguments(self, point: Mapping[str, float], convert) -> list:
        missing = [name for name in self.symbols if name not in point and name != self._limit_name]
        if missing:
            raise KeyError(f"point lacks {', '.join(missing)} for {self.statement.id} at K={self.K}")
        return [convert(point[name]) for name in self.symbols if name != self._limit_name]

    @property
    def _limit_name(self) -> str | None:
        return None if self.limit is None else self.limit[0].name

    def _limit_points(self) -> tuple[float, ...]:
        point = self.limit[1]
        return tuple(10.0**k if point == sp.oo else float(point) + 10.0**-k for k in LIMIT_STEPS)

    def float64(self, point: Mapping[str, float]) -> float:
        """The margin in float64 (NaN if float64 overflows, or both sides vanish)."""
        with np.errstate(all="ignore"):
            args = self._arguments(point, np.float64)
            if self.limit is not None:
                distances = [self._distance(self._float(*args, np.float64(x))) for x in self._limit_points()]
                return float(_ratio(distances[0] - distances[-1], distances[0] + distances[-1]))
            derived, stated = self._float(*args)
            return float(self._margin(derived, stated))

    def _sides(self, point: Mapping[str, float], engine: str, *limit: float) -> tuple[list[list], list[list]]:
        """(derived, stated) at ``point`` (and the limit variable's value, if any) as rows of ``mpmath.iv``
        intervals, evaluated by ``engine`` at the working precision of the enclosing :func:`_interval_digits`."""
        arithmetic = _engine(engine)
        with arithmetic.working_precision():
            values = self._compiled(engine)(*self._arguments(point, arithmetic.point), *map(arithmetic.point, limit))
            return tuple([[arithmetic.interval(e) for e in row] for row in _scalar_or_rows(v)] for v in values)

    def enclosure(self, point: Mapping[str, float], digits: int, *, engine: str = "arb") -> mpmath.iv.mpf | None:
        """An interval holding the margin at ``point``: ball (``engine="arb"``) or interval arithmetic at
        ``digits`` digits from the same float inputs (converted exactly); None at a degenerate point (both sides
        exactly 0).

        For a spectral-norm bound the ends come from ‖H‖_F ≥ ‖H‖₂ ≥ |vᵀHv|/vᵀv (v the float64 top
        eigenvector); for a positive eigenvalue the lower end from λ_max ≥ vᵀHv/vᵀv and max|λ| ≤ ‖H‖_F.
        """
        with _interval_digits(digits):
            if self.limit is not None:
                first, last = (self._interval_distance(self._sides(point, engine, x)) for x in self._limit_points())
                return _interval_ratio(first - last, first + last)
            return self._interval_margin(*self._sides(point, engine))

    def sides(self, point: Mapping[str, float], digits: int) -> tuple[mpmath.mpf, mpmath.mpf] | None:
        """The two sides at ``point`` (midpoints of their enclosures) for ``>=``, ``<=`` and spectral bounds:
        (derived, stated), or (|vᵀHv|/vᵀv ≤ ‖H‖₂, stated); None for the other relations."""
        if self.relation not in (Relation.GREATER_EQUAL, Relation.LESS_EQUAL, Relation.SPECTRAL_NORM_AT_MOST):
            return None
        with _interval_digits(digits):
            derived, stated = self._sides(point, "arb")
            left = derived[0][0] if self.relation is not Relation.SPECTRAL_NORM_AT_MOST else abs(_rayleigh(derived))
            return mpmath.mpf(left.mid), mpmath.mpf(stated[0][0].mid)

    def _interval_distance(self, sides: tuple[list[list], list[list]]) -> mpmath.iv.mpf:
        derived, stated = sides
        return _iv_max(*(abs(a - b) for ra, rb in zip(derived, stated) for a, b in zip(ra, rb)))

    def _interval_margin(self, rows: list[list], stated_rows: list[list]) -> mpmath.iv.mpf | None:
        relation = self.relation
        entries = [e for row in rows for e in row]
        other = [e for row in stated_rows for e in row]
        stated = other[0]
        if relation in (Relation.GREATER_EQUAL, Relation.LESS_EQUAL):
            derived = entries[0]
            gap = derived - stated if relation is Relation.GREATER_EQUAL else stated - derived
            return _interval_ratio(gap, abs(derived) + abs(stated))
        if relation is Relation.EQUAL:
            gap = _iv_max(*(abs(a - b) for a, b in zip(entries, other)))
            return _interval_ratio(-gap, _iv_max(*map(abs, entries)) + _iv_max(*map(abs, other)))
        n = len(rows)
        if relation is Relation.NOT_SYMMETRIC:
            gap = _iv_max(*(abs(rows[i][j] - rows[j][i]) for i in range(n) for j in range(n)))
            return _interval_ratio(gap, 2 * _iv_max(*map(abs, entries)))
        frobenius = mpmath.iv.sqrt(sum((abs(e) ** 2 for e in entries), mpmath.iv.mpf(0)))
        rayleigh = _rayleigh(rows, largest_magnitude=relation is Relation.SPECTRAL_NORM_AT_MOST)
        if relation is Relation.NOT_NEGATIVE_SEMIDEFINITE:
            lower = _interval_ratio(rayleigh, frobenius)
            return None if lower is None else mpmath.iv.mpf([lower.a, 1])
        if relation is Relation.SPECTRAL_NORM_AT_MOST:
            upper = _interval_ratio(stated - abs(rayleigh), abs(rayleigh) + abs(stated))
            lower = _interval_ratio(stated - frobenius, frobenius + abs(stated))
            return None if upper is None or lower is None else mpmath.iv.mpf([lower.a, max(lower.a, upper.b)])
        raise ValueError(f"no margin for relation {relation.value}")

    def interval_gap(self, box: Mapping[str, tuple[float, float]], fixed: Mapping[str, float], *,
                     engine: str = "arb") -> mpmath.iv.mpf:
        """An interval enclosing the gap over ``box`` with the other symbols ``fixed`` (``>=`` / ``<=`` only),
        computed by ``engine`` at the working precision of ``mpmath.iv``.

        The enclosure is the natural interval extension when that decides the sign, else its intersection with
        the mean-value form gap(c) + Σ_i ∂_i gap(box)·(box_i − c_i) (c the box centre), whose width shrinks
        quadratically with the box where the natural extension suffers from the dependency problem.
        """
        names = tuple(sorted(box))
        arithmetic = _engine(engine)
        gap, partials = self._slice_gap(
            names, tuple(sorted(fixed.items())), frozenset(n for n in names if box[n][0] > 0), engine
        )
        with arithmetic.working_precision():
            intervals = [arithmetic.span(*box[name]) for name in names]
            centre = [arithmetic.point((box[name][0] + box[name][1]) / 2) for name in names]
            natural = arithmetic.interval(gap(*intervals))
            if natural.a > 0 or natural.b < 0:
                return natural
            mean_value = arithmetic.interval(gap(*centre) + sum(
                (partial(*intervals) * (x - c) for partial, x, c in zip(partials, intervals, centre)),
                arithmetic.point(0.0)))
        low, high = max(natural.a, mean_value.a), min(natural.b, mean_value.b)
        return mpmath.iv.mpf([low, high]) if low <= high else natural

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one cache entry per slice of a cached MarginFunction
    def _slice_gap(self, names: tuple[str, ...], fixed: tuple[tuple[str, float], ...], positive: frozenset[str],
                   engine: str):
        """The gap on a slice and its partial derivatives, lambdified over intervals.

        The fixed values are substituted exactly (as rationals), box symbols with a positive range are declared
        positive, and the derived side is simplified by SymPy: exact rewritings that remove cancellations such
        as 1 − (e^θ + 1)e^{−θ}, which interval arithmetic cannot see through (the dependency problem). In the
        derivatives, the Heaviside factors of d Min/dx are enclosed by [0, 1] where their argument may vanish,
        which keeps the mean-value form valid for the piecewise-smooth Min of Eq. (11) and (12).
        """
        if self.relation not in (Relation.GREATER_EQUAL, Relation.LESS_EQUAL):
            raise ValueError(f"interval gaps are defined for >= and <= statements, not {self.relation.value}")
        symbols = {s.name: s for s in self._instance.free_symbols}
        replacement = {symbols[n]: sp.Symbol(n, positive=True) if n in positive else symbols[n] for n in names}
        replacement |= {symbols[n]: sp.Rational(value) for n, value in fixed}
        derived = sp.simplify(self._instance.derived.subs(replacement))
        stated = self._instance.stated.subs(replacement)
        gap = derived - stated if self.relation is Relation.GREATER_EQUAL else stated - derived
        arguments = [replacement[symbols[n]] for n in names]
        partials = [sp.diff(gap, x) for x in arguments]
        compile_ = functools.partial(sp.lambdify, modules=[_engine(engine).namespace, "mpmath"],
                                     printer=_IntervalPrinter)
        return compile_(arguments, gap), tuple(compile_(arguments, partial) for partial in partials)

    def _distance(self, values) -> float:
        derived, stated = (_scalar_or_rows(v) for v in values)
        return max(abs(a - b) for row_a, row_b in zip(derived, stated) for a, b in zip(row_a, row_b))

    def _margin(self, derived, stated) -> float:
        relation = self.relation
        if relation is Relation.GREATER_EQUAL:
            return _ratio(derived - stated, abs(derived) + abs(stated))
        if relation is Relation.LESS_EQUAL:
            return _ratio(stated - derived, abs(derived) + abs(stated))
        rows = _scalar_or_rows(derived)
        if relation is Relation.EQUAL:
            other = _scalar_or_rows(stated)
            gap = max(abs(a - b) for ra, rb in zip(rows, other) for a, b in zip(ra, rb))
            scale = max(abs(a) for r in rows for a in r) + max(abs(b) for r in other for b in r)
            return _ratio(-gap, scale)
        if relation is Relation.NOT_SYMMETRIC:
            n = len(rows)
            gap = max(abs(rows[i][j] - rows[j][i]) for i in range(n) for j in range(n))
            return _ratio(gap, 2 * max(abs(a) for r in rows for a in r))
        lams = _float_eigenvalues(rows)
        size = max(abs(lam) for lam in lams)
        if relation is Relation.NOT_NEGATIVE_SEMIDEFINITE:
            return _ratio(max(lams), size)
        if relation is Relation.SPECTRAL_NORM_AT_MOST:
            return _ratio(stated - size, size + abs(stated))
        raise ValueError(f"no margin for relation {relation.value}")


def _ratio(gap: float, scale: float) -> float:
    """gap/scale; NaN when both sides vanish (a degenerate point where the claim says 0 <relation> 0)."""
    return np.nan if scale == 0 else gap / scale


def _rayleigh(rows: list[list[mpmath.iv.mpf]], *, largest_magnitude: bool = True) -> mpmath.iv.mpf:
    """vᵀHv/vᵀv in intervals, v the float64 eigenvector of the largest |λ| (or the largest λ) of mid(H)."""
    n = len(rows)
    middle = np.array([[float(mpmath.mpf(e.mid)) for e in row] for row in rows])
    eigenvalues, vectors = np.linalg.eigh((middle + middle.T) / 2)
    top = int(np.argmax(np.abs(eigenvalues))) if largest_magnitude else n - 1
    v = [mpmath.iv.mpf(float(x)) for x in vectors[:, top]]
    quadratic = sum((v[i] * rows[i][j] * v[j] for i in range(n) for j in range(n)), mpmath.iv.mpf(0))
    return quadratic / sum((abs(x) ** 2 for x in v), mpmath.iv.mpf(0))


def _interval_ratio(gap: mpmath.iv.mpf, scale: mpmath.iv.mpf) -> mpmath.iv.mpf | None:
    """gap/scale for a scale ≥ 0; None when the scale is exactly 0 (degenerate point)."""
    if scale.b == 0:
        return None
    if scale.a <= 0:
        return mpmath.iv.mpf([-1, 1])  # the scale may vanish: no sign information at this precision
    return gap / scale


def _float_eigenvalues(rows: list[list]) -> list[float]:
    matrix = np.array(rows, dtype=np.float64)
    if not np.all(np.isfinite(matrix)):
        return [np.nan]
    return list(np.linalg.eigvalsh((matrix + matrix.T) / 2))


@functools.lru_cache(maxsize=None)
def margin_function(statement: Statement, K: int) -> MarginFunction:
    """The (cached) margin function of ``statement`` built for K actions."""
    return MarginFunction(statement, K)
