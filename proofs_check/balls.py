"""Rigorous ball arithmetic (Arb, via python-flint) for SymPy expressions: evaluation and certificates.

:func:`ball_function` lambdifies a SymPy expression onto ``flint.arb``: every operation returns a ball that
contains the exact value for every input in the input balls (Arb's guarantee). :func:`certify_positive` runs a
branch-and-bound on a closed box of one to three variables: a box is done when the ball of f over it lies above
0; otherwise it is bisected along its widest side. It returns certified (f > 0 on the whole box), a confirmed
counterexample (a point whose ball lies below 0), or undecided (budget spent).

>>> import sympy as sp
>>> t = sp.Symbol("t", positive=True)
>>> certify_positive(2 - t + sp.log(1 + t), {t: (0.0, 1.0)}).status
'certified'
>>> certify_positive(t - sp.Rational(1, 2), {t: (0.0, 1.0)}).status
'counterexample'
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import flint
import sympy as sp

__all__ = ["BallCertificate", "ball_function", "certify_positive", "precision"]


@contextlib.contextmanager
def precision(bits: int) -> Iterator[None]:
    """A local working precision for Arb (``flint.ctx.prec``), restored afterwards."""
    saved = flint.ctx.prec
    flint.ctx.prec = bits
    try:
        yield
    finally:
        flint.ctx.prec = saved


def _ball(value: Any) -> flint.arb:
    return value if isinstance(value, flint.arb) else flint.arb(str(value) if isinstance(value, sp.Basic) else value)


_NAMESPACE = {
    "log": lambda b: _ball(b).log(),
    "exp": lambda b: _ball(b).exp(),
    "sqrt": lambda b: _ball(b).sqrt(),
    "Abs": lambda b: abs(_ball(b)),
    "sign": lambda b: _ball(b).sgn(),
    "Min": lambda *bs: _min(*map(_ball, bs)),
}


def _min(*balls: flint.arb) -> flint.arb:
    low = min((b.lower() for b in balls), key=float)
    high = min((b.upper() for b in balls), key=float)
    return flint.arb.union(low, high) if low != high else low


def ball_function(expression: sp.Expr, variables: tuple[sp.Symbol, ...]) -> Callable[..., flint.arb]:
    """``expression`` as a function of ``variables`` on Arb balls (rational constants enter exactly)."""
    function = sp.lambdify(variables, expression, modules=[_NAMESPACE, "math"])

    def evaluate(*balls: flint.arb) -> flint.arb:
        return _ball(function(*map(_ball, balls)))

    evaluate.__doc__ = str(expression)
    return evaluate


Box = dict[sp.Symbol, tuple[float, float]]


@dataclass(frozen=True)
class BallCertificate:
    """The outcome of :func:`certify_positive`: status, boxes evaluated, and a point for a counterexample."""

    status: str
    boxes: int
    bits: int
    point: dict[str, float] = field(default_factory=dict)
    value: str = ""


def _interval(low: float, high: float) -> flint.arb:
    return flint.arb.union(flint.arb(low), flint.arb(high))


def certify_positive(expression: sp.Expr, box: Mapping[sp.Symbol, tuple[float, float]], *, bits: int = 128,
                     max_boxes: int = 20000) -> BallCertificate:
    """Certify ``expression > 0`` on the closed ``box`` (one to three variables) by Arb branch-and-bound."""
    if not 1 <= len(box) <= 3:
        raise ValueError(f"ball certificates take one to three variables; got {len(box)}")
    variables = tuple(box)
    function = ball_function(expression, variables)
    widths = {name: high - low for name, (low, high) in box.items()}
    queue: deque[Box] = deque([dict(box)])
    evaluated = 0
    with precision(bits):
        while queue:
            if evaluated >= max_boxes:
                return BallCertificate("undecided", evaluated, bits)
            current = queue.popleft()
            evaluated += 1
            value = function(*(_interval(*current[name]) for name in variables))
            if value.is_finite() and value > 0:
                continue
            middle = {name: (low + high) / 2 for name, (low, high) in current.items()}
            at_middle = function(*(flint.arb(middle[name]) for name in variables))
            if at_middle.is_finite() and at_middle < 0:
                return BallCertificate("counterexample", evaluated, bits, {n.name: v for n, v in middle.items()},
                                       at_middle.str(10))
            name = max(current, key=lambda n: (current[n][1] - current[n][0]) / widths[n])
            low, high = current[name]
            queue.extend((current | {name: (low, (low + high) / 2)}, current | {name: ((low + high) / 2, high)}))
    return BallCertificate("certified", evaluated, bits)
