"""Transforms θ ↦ π from parameters to the simplex, defined once as SymPy expressions.

The paper compares two transforms, softmax (Section 1) and escort f_p (Definition 1, Eq. (3)), and ends asking
which transform is best. A :class:`Transform` states any other candidate in the same language, so that the
battery (:mod:`numerics.experiments.battery`) derives, checks and runs for it everything the paper did for those two.

Built in (names accepted by :func:`transform`):

* ``softmax`` / ``softmax:τ``  π(a) = exp(θ(a)/τ) / Σ_a' exp(θ(a')/τ), temperature τ > 0 (default 1);
* ``escort`` / ``escort:p``    π(a) = |θ(a)|^p / Σ_a' |θ(a')|^p, p ≥ 1 (Eq. (3); default p = 2);
* ``entmax:α``                 Tsallis α-entmax, π(a) = [(α−1)θ(a) − τ]_+^{1/(α−1)} with τ fixed by Σπ = 1
  (Peters et al. 2019), for α ∈ {3/2, 2}: on a fixed support S the threshold τ solves a polynomial equation
  of degree 1/(α−1) ≤ 2, so the map is closed-form piece by piece; ``sparsemax`` is α = 2;
* ``taylor``                   π(a) = g(θ(a)) / Σ_a' g(θ(a')), g(x) = 1 + x + x²/2 > 0 (second-order Taylor
  polynomial of exp);
* ``spherical``                π(a) = θ(a)² / Σ_a' θ(a')², which is the escort with p = 2 written differently;
* ``package.module:attr``      a user's :class:`Transform`, or a function mapping a SymPy column θ to π.

A piecewise transform (entmax) gives its closed form on the piece that contains an exact point: the support is
chosen by exact (SymPy) comparisons, never by floating point.

>>> pi = transform("escort:2").expression(sp.Matrix([1, 2]))
>>> list(pi)
[1/5, 4/5]
>>> list(transform("sparsemax").expression(sp.Matrix([sp.Rational(1, 2), 0, 2])))
[0, 0, 1]
>>> transform("softmax:0.5").name
'softmax:0.5'
"""

from __future__ import annotations

import difflib
import importlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from foundation.validation import InputError, check_choice, check_escort_power, check_positive
from theory import definitions as d

__all__ = ["BUILTIN", "Transform", "entmax_support", "transform"]

SymbolicMap = Callable[[sp.Matrix, Sequence[sp.Expr] | None], sp.Matrix]


@dataclass(frozen=True)
class Transform:
    """A map θ ↦ π from R^K to the probability simplex, stated once as a SymPy expression.

    ``symbolic(theta, at)`` returns the column π(θ) for a column of K symbols (or numbers) θ; a piecewise
    transform returns the closed form valid on the piece that contains the exact point ``at``. Optional fast
    numpy versions ``fast`` (θ of shape (..., K) → π of shape (..., K)) and ``fast_jacobian`` (→ (..., K, K),
    entry [i, j] = ∂π(i)/∂θ(j)) are cross-checked against ``symbolic``; where absent they are generated from it.

    ``invariant_norm = q`` declares π(cθ) = π(θ) for c > 0 (a 0-homogeneous transform such as the escort): the
    gradients then scale as 1/‖θ‖, so NŁ coefficients are compared at ‖θ‖_q = 1 and step sizes grow as ‖θ‖_q²
    (Theorems 2 and 5). ``step_scale = c`` declares that θ enters only as θ/c (a temperature), so step sizes scale
    by c². ``nonzero``: the transform needs θ(a) ≠ 0 (escort); ``sparse``: π may have exact zeros.
    """

    name: str
    formula: str
    symbolic: SymbolicMap
    family: str = "user"
    parameter: float | None = None
    fast: Callable[[Any], Any] | None = None
    fast_jacobian: Callable[[Any], Any] | None = None
    piecewise: bool = False
    sparse: bool = False
    nonzero: bool = False
    invariant_norm: float | None = None
    step_scale: float = 1.0
    reference: str = ""

    def expression(self, theta: sp.Matrix, at: Sequence[sp.Expr] | None = None) -> sp.Matrix:
        """π(θ) as a SymPy column; for a piecewise transform, the closed form on the piece containing ``at``."""
        if self.piecewise and at is None:
            if not all(sp.sympify(v).is_number for v in theta):
                raise InputError(f"transform {self.name!r} is piecewise: pass an exact point 'at' to select the piece")
            at = list(theta)
        return sp.Matrix(self.symbolic(sp.Matrix(theta), at))

    def jacobian(self, theta: sp.Matrix, at: Sequence[sp.Expr] | None = None) -> sp.Matrix:
        """dπ/dθ with entries [i, j] = ∂π(i)/∂θ(j) (on the piece containing ``at`` if piecewise)."""
        return d.jacobian(self.expression(theta, at), theta)


# --- built-in symbolic maps -------------------------------------------------------------------------------------


def _softmax(temperature: float) -> SymbolicMap:
    tau = sp.nsimplify(temperature)
    return lambda theta, at: d.softmax(theta / tau)


def _escort(p: float) -> SymbolicMap:
    power = sp.nsimplify(p)
    return lambda theta, at: d.escort(theta, power)


def _taylor(theta: sp.Matrix, at: Sequence[sp.Expr] | None) -> sp.Matrix:
    weights = theta.applyfunc(lambda x: 1 + x + x**2 / 2)
    return weights / sum(weights)


def _spherical(theta: sp.Matrix, at: Sequence[sp.Expr] | None) -> sp.Matrix:
    weights = theta.applyfunc(lambda x: x**2)
    return weights / sum(weights)


def _threshold(x: Sequence[sp.Expr], degree: int) -> sp.Expr:
    """The τ with Σ_{i∈S} (x_i − τ)^degree = 1 and τ < min_S x_i, for degree 1 or 2 (closed form)."""
    k = len(x)
    total = sum(x)
    if degree == 1:
        return (total - 1) / k
    squares = sum(xi**2 for xi in x)
    return (total - sp.sqrt(total**2 - k * (squares - 1))) / k


def entmax_support(at: Sequence[sp.Expr], alpha: sp.Rational) -> list[int]:
    """Indices of the support of α-entmax at the exact point ``at`` (α ∈ {3/2, 2}), decided exactly.

    Sort x = (α−1)θ decreasingly; the support is the top k for the largest k whose threshold τ_k (computed from
    the top k alone) stays below x_(k), the sort-based rule of Martins & Astudillo (2016) / Peters et al. (2019).

    >>> entmax_support([sp.Integer(3), sp.Integer(1), sp.Integer(0)], sp.Integer(2))
    [0]
    >>> entmax_support([sp.Integer(0), sp.Integer(0)], sp.Rational(3, 2))
    [0, 1]
    """
    degree = int(1 / (alpha - 1))
    x = [(alpha - 1) * sp.nsimplify(v) for v in at]
    order = sorted(range(len(x)), key=lambda i: x[i], reverse=True)
    size = 1
    for k in range(1, len(x) + 1):
        tau = _threshold([x[i] for i in order[:k]], degree)
        gap = x[order[k - 1]] - tau
        # an algebraic number's sign is decided by SymPy's certified numerical evaluation; simplify only if that fails
        positive = gap.is_positive if gap.is_positive is not None else sp.simplify(gap).is_positive
        if positive:
            size = k
    return sorted(order[:size])


def _entmax(alpha: sp.Rational) -> SymbolicMap:
    degree = int(1 / (alpha - 1))

    def symbolic(theta: sp.Matrix, at: Sequence[sp.Expr] | None) -> sp.Matrix:
        support = entmax_support(at, alpha)
        x = [(alpha - 1) * theta[i] for i in range(len(theta))]
        tau = _threshold([x[i] for i in support], degree)
        return sp.Matrix([(x[i] - tau) ** degree if i in support else sp.Integer(0) for i in range(len(theta))])

    return symbolic


# --- names ---------------------------------------------------------------------------------------------------------

_ENTMAX_ALPHAS = {1.5: sp.Rational(3, 2), 2.0: sp.Integer(2)}


def _make_softmax(parameter: float | None) -> Transform:
    temperature = 1.0 if parameter is None else check_positive(parameter, name="softmax temperature")
    return Transform(
        name="softmax" if parameter is None else f"softmax:{_format(temperature)}",
        formula=r"\pi(a) = e^{\theta(a)/\tau} / \sum_{a'} e^{\theta(a')/\tau}" + rf",\ \tau = {_format(temperature)}",
        symbolic=_softmax(temperature),
        family="softmax",
        parameter=temperature,
        step_scale=temperature,
        reference="Section 1, Eq. (1)",
    )


def _make_escort(parameter: float | None) -> Transform:
    p = 2.0 if parameter is None else check_escort_power(parameter, name="escort exponent p")
    return Transform(
        name=f"escort:{_format(p)}",
        formula=r"\pi(a) = |\theta(a)|^p / \sum_{a'} |\theta(a')|^p" + rf",\ p = {_format(p)}",
        symbolic=_escort(p),
        family="escort",
        parameter=p,
        nonzero=True,
        invariant_norm=p,
        reference="Definition 1, Eq. (3)",
    )


def _make_entmax(parameter: float | None) -> Transform:
    alpha = 1.5 if parameter is None else float(parameter)
    if alpha not in _ENTMAX_ALPHAS:
        raise InputError(
            "entmax alpha must be 1.5 or 2 (closed form on each support needs 1/(alpha-1) in {1, 2}); "
            f"got {parameter!r}"
        )
    return Transform(
        name="sparsemax" if alpha == 2 else f"entmax:{_format(alpha)}",
        formula=r"\pi(a) = [(\alpha-1)\theta(a) - \tau]_+^{1/(\alpha-1)},\ \sum_a \pi(a) = 1"
        + rf",\ \alpha = {_format(alpha)}",
        symbolic=_entmax(_ENTMAX_ALPHAS[alpha]),
        family="entmax",
        parameter=alpha,
        piecewise=True,
        sparse=True,
        reference="Peters, Niculae & Martins (2019); sparsemax: Martins & Astudillo (2016)",
    )


def _make_taylor(parameter: float | None) -> Transform:
    return Transform(
        name="taylor",
        formula=r"\pi(a) = g(\theta(a)) / \sum_{a'} g(\theta(a')),\ g(x) = 1 + x + x^2/2",
        symbolic=_taylor,
        family="taylor",
        reference="de Brébisson & Vincent (2016)",
    )


def _make_spherical(parameter: float | None) -> Transform:
    return Transform(
        name="spherical",
        formula=r"\pi(a) = \theta(a)^2 / \sum_{a'} \theta(a')^2",
        symbolic=_spherical,
        family="spherical",
        nonzero=True,
        invariant_norm=2.0,
        reference="de Brébisson & Vincent (2016); equals the escort with p = 2",
    )


BUILTIN: dict[str, Callable[[float | None], Transform]] = {
    "softmax": _make_softmax,
    "escort": _make_escort,
    "entmax": _make_entmax,
    "sparsemax": lambda parameter: _make_entmax(2.0 if parameter is None else parameter),
    "taylor": _make_taylor,
    "spherical": _make_spherical,
}
"""Built-in transform families by name; the optional ``name:value`` parameter is passed to the factory."""

_TAKES_PARAMETER = {"softmax", "escort", "entmax"}
_MODULE_PATH = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*$")


def _format(value: float) -> str:
    return f"{value:g}"


def transform(name: str) -> Transform:
    """The transform called ``name``: a built-in (``escort:2``, ``entmax:1.5``, ``softmax:0.5``) or ``module:attr``.

    Unknown names raise :class:`foundation.validation.InputError` naming the closest built-in.
    """
    if not isinstance(name, str) or not name:
        raise InputError(f"transform must be a non-empty name such as 'escort:2'; got {name!r}")
    family, _, value = name.partition(":")
    if family not in BUILTIN and ("." in family or _MODULE_PATH.match(name)):
        return _from_module(name)
    check_choice(family, BUILTIN, name="transform")
    if value and family not in _TAKES_PARAMETER:
        raise InputError(f"transform {family!r} takes no parameter; got {name!r}")
    parameter = None
    if value:
        try:
            parameter = float(value)
        except ValueError:
            raise InputError(f"transform parameter in {name!r} must be a number") from None
        if not math.isfinite(parameter):
            raise InputError(f"transform parameter in {name!r} must be finite")
    return BUILTIN[family](parameter)


def _from_module(name: str) -> Transform:
    """Import ``package.module:attr``: a :class:`Transform`, or a function θ (SymPy column) ↦ π (SymPy column)."""
    if not _MODULE_PATH.match(name):
        raise InputError(f"transform {name!r} must be a built-in name or 'package.module:attribute'")
    module_name, attribute = name.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        close = difflib.get_close_matches(module_name, BUILTIN, n=1, cutoff=0.6)
        hint = f"; did you mean the built-in {close[0]!r}?" if close else ""
        raise InputError(f"transform module {module_name!r} cannot be imported ({error}){hint}") from None
    if not hasattr(module, attribute):
        raise InputError(f"transform module {module_name!r} has no attribute {attribute!r}")
    value = getattr(module, attribute)
    if isinstance(value, Transform):
        return value
    if callable(value):
        return Transform(name=name, formula=f"{name}(\\theta)", symbolic=lambda theta, at: value(theta))
    raise InputError(f"transform {name!r} must be a Transform or a function theta -> pi; got {type(value).__name__}")
