"""A change of variables that turns the paper's expressions into rational functions, so SymPy can decide zero.

The transforms enter only through exp θ(a) (softmax) or |θ(a)|, sgn θ(a) (escort, Eq. (3)). Writing

* softmax:  θ(a) = log z_a with z_a > 0 (a bijection R → (0, ∞)), so exp θ(a) = z_a;
* escort:   θ(a) = s_a·u_a with u_a = |θ(a)| > 0 and s_a = sgn θ(a) ∈ {−1, +1} (θ(a) ≠ 0), and u_a^{c·p+d} =
  w_a^c·u_a^d with w_a = u_a^p > 0,

turns the derived and stated forms of Eq. (1)–(12) into rational functions of z, u, w, s, r, p, τ and a few
remaining atoms (log w_a, log Σ w, (Σ w)^{1/p}). Because s_a² = 1, a numerator vanishes on {−1, +1}^K exactly when
it vanishes after reducing every exponent of s_a modulo 2. :func:`vanishes` answers True when the reduced
numerator is the zero polynomial, and None (undecided) otherwise: the remaining atoms need not be algebraically
independent, so a non-zero numerator does not prove the expression non-zero.

>>> from theory.statements import Setting
>>> from theory import definitions as d
>>> s = Setting.of(2)
>>> pi = d.escort(s.theta, s.p)
>>> vanishes(pi[0] / sp.Abs(s.theta[0]) - pi[0] ** (1 - 1 / s.p) / d.p_norm(s.theta, s.p), s.theta)
True
>>> vanishes(pi[0] - pi[1], s.theta) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from theory.definitions import P

__all__ = ["absolute_value_arguments", "canonical_form", "vanishes"]


def _symbols(prefix: str, K: int, **assumptions: bool) -> list[sp.Symbol]:
    return [sp.Symbol(f"{prefix}_{i + 1}", **assumptions) for i in range(K)]


def _escort_variables(expr: sp.Expr, theta: Sequence[sp.Symbol], p: sp.Symbol) -> tuple[sp.Expr, list[sp.Symbol]]:
    K = len(theta)
    u, w, s = _symbols("u", K, positive=True), _symbols("w", K, positive=True), _symbols("s", K)
    expr = expr.xreplace({sp.Abs(t): ui for t, ui in zip(theta, u)})
    expr = expr.xreplace({sp.sign(t): si for t, si in zip(theta, s)})
    expr = sp.expand_power_base(expr.xreplace({t: si * ui for t, si, ui in zip(theta, s, u)}))

    def split(base: sp.Symbol, exponent: sp.Expr) -> sp.Expr:
        exponent = sp.expand(exponent)
        c = exponent.coeff(p)
        return w[u.index(base)] ** c * base ** sp.expand(exponent - c * p)

    expr = expr.replace(lambda a: a.is_Pow and a.base in u, lambda a: split(a.base, a.exp))
    return expr, s


def absolute_value_arguments(expr: sp.Expr) -> list[sp.Symbol]:
    """The symbols θ that enter ``expr`` through |θ| or sgn θ (the escort's parameters), sorted by name."""
    return sorted({a.args[0] for a in expr.atoms(sp.Abs, sp.sign) if a.args[0].is_Symbol}, key=str)


def canonical_form(expr: sp.Expr, theta: Sequence[sp.Symbol], p: sp.Symbol) -> tuple[sp.Expr, list[sp.Symbol]]:
    """The expression in the variables above, and the sign symbols s_a (empty for softmax expressions).

    The escort's parameters are found in ``expr`` (the symbols inside |·| and sgn); ``theta`` names the softmax's.

    The derivative of sgn θ(a) is 2δ(θ(a)), which is 0 on the domain θ(a) ≠ 0.
    """
    expr = sp.sympify(expr).replace(sp.DiracDelta, lambda *args: sp.S.Zero)
    escort_parameters = absolute_value_arguments(expr)
    if escort_parameters:
        expr, signs = _escort_variables(expr, escort_parameters, p)
    else:
        z = _symbols("z", len(theta), positive=True)
        expr, signs = sp.expand_power_exp(expr.xreplace({t: sp.log(zi) for t, zi in zip(theta, z)})), []
    return sp.expand_log(expr), signs


def vanishes(expr: sp.Expr, theta: Sequence[sp.Symbol], p: sp.Symbol = P) -> bool | None:
    """True if ``expr`` is identically 0 for all θ(a) ≠ 0 (and all other symbols); None if undecided."""
    form, signs = canonical_form(expr, theta, p)
    numerator, _ = sp.fraction(sp.together(form))
    if numerator == 0:
        return True
    if not signs:
        return True if sp.expand(numerator) == 0 else None
    reduced: dict[tuple[int, ...], sp.Expr] = {}
    for monomial, coefficient in sp.Poly(numerator, *signs).terms():
        key = tuple(k % 2 for k in monomial)
        reduced[key] = reduced.get(key, sp.S.Zero) + coefficient
    return True if all(sp.expand(c) == 0 for c in reduced.values()) else None
