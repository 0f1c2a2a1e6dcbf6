"""Part 1 of the battery: what SymPy can decide exactly about a transform (Remark 3, Proposition 1).

* :func:`derivatives`: the gradient of πᵀr, of the cross entropy −log π(a_y) and the Jacobian dπ/dθ.
* :func:`symmetry`: is dπ/dθ symmetric? If π = ∇Φ*(θ) for a potential Φ* (the mirror-descent form of Remark 3),
  then dπ/dθ = ∇²Φ* is symmetric (Schwarz), so an exact point with (dπ/dθ)[i, j] ≠ (dπ/dθ)[j, i] proves that no
  potential exists. Conversely, J − Jᵀ reducing to 0 identically proves symmetry, the necessary condition
  (sufficient for a gradient field on a convex domain, Poincaré's lemma). ``sympy.cancel`` decides rational
  identities exactly; an expression it cannot reduce and that vanishes at every exact test point is "undecided".
* :func:`concavity_witness`: an exact point θ, reward r and direction v with vᵀ∇²(πᵀr)v > 0, hence a positive
  Hessian eigenvalue, so θ ↦ πᵀr is not concave (Proposition 1). Where the Hessian vanishes on the pieces
  examined (sparsemax is piecewise linear), a midpoint witness f(x) + f(y) > 2 f((x + y)/2) is searched instead.
* :func:`fast_agreement`: the largest difference between the numpy kernels and the SymPy definition.
* :func:`is_scale_invariant`: whether π(cθ) = π(θ) for every c > 0 (a 0-homogeneous map such as the escort).

Piecewise transforms are examined piece by piece, each piece selected by an exact point.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import numpy as np
import sympy as sp

from numerics.kernels.transform_kernels import Kernels
from theory import definitions as d
from theory.transforms import Transform

__all__ = ["concavity_witness", "derivatives", "exact_points", "fast_agreement", "is_scale_invariant", "symmetry"]

_BASE_POINTS = ((1, 2, 3), (2, -1, sp.Rational(1, 2)), (-3, 1, 2), (1, 3, sp.Rational(-1, 2)))
_SCALES = (sp.Rational(1, 4), sp.Integer(1), sp.Integer(3))
_REWARDS = ((1, sp.Rational(1, 2), 0), (0, sp.Rational(1, 2), 1), (sp.Rational(1, 2), 1, 0))


def exact_points(K: int) -> list[tuple[sp.Expr, ...]]:
    """Exact rational test points with nonzero entries and varied spread (so entmax visits several supports)."""
    points = []
    for scale, base in itertools.product(_SCALES, _BASE_POINTS):
        values = [sp.nsimplify(base[i % len(base)]) * (1 + sp.Rational(i // len(base), 7)) for i in range(K)]
        points.append(tuple(scale * v for v in values))
    return points


def _rewards(K: int) -> Iterator[sp.Matrix]:
    for base in _REWARDS:
        yield sp.Matrix([sp.nsimplify(base[i % len(base)]) for i in range(K)])


def _pieces(t: Transform, theta: sp.Matrix) -> list[tuple[tuple[sp.Expr, ...] | None, sp.Matrix]]:
    """(exact point selecting the piece, π on it); a smooth transform has a single piece."""
    if not t.piecewise:
        return [(None, t.expression(theta))]
    seen: dict[str, tuple[tuple[sp.Expr, ...], sp.Matrix]] = {}
    for point in exact_points(len(theta)):
        pi = t.expression(theta, at=point)
        seen.setdefault(str(pi), (point, pi))
    return list(seen.values())


def derivatives(t: Transform, K: int = 2) -> dict[str, str]:
    """∂(πᵀr)/∂θ, ∂(−log π(a_1))/∂θ and dπ/dθ as factored SymPy strings (first piece examined if piecewise)."""
    theta, r = d.parameters(K), d.rewards(K)
    _, pi = _pieces(t, theta)[0]
    def tidy(matrix: sp.Matrix) -> str:
        return str(matrix.applyfunc(lambda e: sp.factor(sp.cancel(e))).T.tolist()[0])

    return {
        "reward_gradient": tidy(d.gradient(d.expected_reward(pi, r), theta)),
        "cross_entropy_gradient": tidy(d.gradient(d.cross_entropy(pi, 0), theta)),
        "jacobian": str(d.jacobian(pi, theta).applyfunc(lambda e: sp.factor(sp.cancel(e))).tolist()),
    }


def is_scale_invariant(t: Transform, K: int = 3) -> bool:
    """Whether π(cθ) − π(θ) reduces to 0 for a positive symbol c (piecewise maps are not examined: False)."""
    if t.piecewise:
        return False
    theta, c = d.parameters(K), sp.Symbol("c", positive=True)
    difference = t.expression(c * theta) - t.expression(theta)
    return all(sp.cancel(sp.together(sp.powsimp(entry, force=True))) == 0 for entry in difference)


def _substitute(expression: sp.Expr, theta: sp.Matrix, point: Sequence[sp.Expr]) -> sp.Expr:
    return expression.subs(dict(zip(theta, point)))


def _is_positive(value: sp.Expr) -> bool:
    """Exact sign of a constant: SymPy's certified evaluation first, simplification only if that is undecided."""
    decided = value.is_positive
    return bool(sp.simplify(value).is_positive) if decided is None else decided


def _is_nonzero(value: sp.Expr) -> bool:
    decided = value.is_zero
    return sp.simplify(value).is_zero is False if decided is None else not decided


def _admissible(t: Transform, point: Sequence[sp.Expr]) -> bool:
    return not (t.nonzero and any(v == 0 for v in point))


def symmetry(t: Transform, K: int = 3) -> dict:
    """Decide whether dπ/dθ is symmetric: ``verdict`` is "symmetric", "not symmetric" or "undecided".

    "symmetric" comes with the reason (every entry of J − Jᵀ cancels to 0, on every piece examined); "not
    symmetric" with an exact witness (entry, point, exact value of J[i, j] − J[j, i]).
    """
    theta = d.parameters(K)
    undecided = []
    pieces = _pieces(t, theta)
    for at, pi in pieces:
        asymmetry = d.jacobian(pi, theta) - d.jacobian(pi, theta).T
        residual = [(i, j, sp.cancel(sp.together(asymmetry[i, j]))) for i in range(K) for j in range(i + 1, K)]
        for i, j, entry in residual:
            if entry == 0:
                continue
            points = [at] if at is not None else exact_points(K)
            for point in filter(lambda q: _admissible(t, q), points):
                value = _substitute(entry, theta, point)
                if _is_nonzero(value):
                    value = sp.simplify(value)
                    return {
                        "verdict": "not symmetric",
                        "reason": f"J[{i + 1},{j + 1}] − J[{j + 1},{i + 1}] ≠ 0 at an exact point",
                        "entry": [i + 1, j + 1],
                        "point": [str(v) for v in point],
                        "value": str(value),
                        "value_float": float(value),
                    }
            if sp.simplify(entry) != 0:
                undecided.append(f"J[{i + 1},{j + 1}] − J[{j + 1},{i + 1}] = {entry}")
    if undecided:
        return {"verdict": "undecided", "reason": "; ".join(undecided)}
    where = f"on each of {len(pieces)} pieces examined" if t.piecewise else "identically"
    return {"verdict": "symmetric", "reason": f"every entry of J − Jᵀ reduces to 0 {where}", "pieces": len(pieces)}


def _hessian_witness(t: Transform, theta: sp.Matrix) -> dict | None:
    K = len(theta)
    directions = [sp.Matrix([int(k == i) + s * int(k == j) for k in range(K)]) for i in range(K) for j in range(K)
                  for s in (0, 1, -1) if (s == 0) == (i == j)]
    for r in _rewards(K):
        for at, pi in _pieces(t, theta):
            hessian = sp.hessian(d.expected_reward(pi, r), list(theta))
            if hessian.is_zero_matrix:
                continue
            for point in [at] if at is not None else exact_points(K):
                if not _admissible(t, point):
                    continue
                exact = hessian.subs(dict(zip(theta, point)))
                for v in directions:
                    value = (v.T * exact * v)[0, 0]
                    if _is_positive(value):
                        value = sp.simplify(value)
                        return {
                            "kind": "positive Hessian eigenvalue",
                            "point": [str(x) for x in point],
                            "r": [str(x) for x in r],
                            "v": [int(x) for x in v],
                            "value": str(value),
                            "value_float": float(value),
                        }
    return None


def _midpoint_witness(t: Transform, theta: sp.Matrix) -> dict | None:
    K = len(theta)

    def value(point: Sequence[sp.Expr], r: sp.Matrix) -> sp.Expr:
        pi = t.expression(sp.Matrix(point), at=point if t.piecewise else None)
        return d.expected_reward(pi, r)

    for r in _rewards(K):
        for x, y in itertools.combinations(exact_points(K), 2):
            middle = tuple((a + b) / 2 for a, b in zip(x, y))
            if not all(_admissible(t, q) for q in (x, y, middle)):
                continue
            gap = value(x, r) + value(y, r) - 2 * value(middle, r)
            if _is_positive(gap):
                gap = sp.simplify(gap)
                return {
                    "kind": "midpoint above the chord",
                    "point": [str(v) for v in x],
                    "point_2": [str(v) for v in y],
                    "r": [str(v) for v in r],
                    "value": str(gap),
                    "value_float": float(gap),
                }
    return None


def concavity_witness(t: Transform, K: int = 3) -> dict:
    """An exact certificate that θ ↦ πᵀr is not concave, or ``{"kind": "none found"}``."""
    theta = d.parameters(K)
    return _hessian_witness(t, theta) or _midpoint_witness(t, theta) or {"kind": "none found"}


def fast_agreement(kern: Kernels, K: int, *, points: int = 8, seed: int = 0) -> dict[str, float]:
    """Max |numpy − SymPy| for π, dπ/dθ and Jᵀw over random exact points (piece chosen per point if piecewise)."""
    t = kern.transform
    rng = np.random.default_rng(seed)
    theta = d.parameters(K)
    numerators = rng.integers(1, 2000, size=(points, K)) * rng.choice([-1, 1], size=(points, K))
    weights = rng.normal(size=(points, K))
    errors = {"pi": 0.0, "jacobian": 0.0, "vjp": 0.0}
    pieces: dict[str, tuple[sp.Matrix, sp.Matrix]] = {}
    for row, w in zip(numerators, weights):
        exact = tuple(sp.Rational(int(n), 1000) for n in row)
        sample = row / 1000.0
        pi = t.expression(theta, at=exact)
        _, jacobian = pieces.setdefault(str(pi), (pi, d.jacobian(pi, theta)))
        substitution = dict(zip(theta, exact))
        reference_pi = np.array([float(sp.N(v.subs(substitution), 30)) for v in pi])
        reference_jacobian = np.array([float(sp.N(v.subs(substitution), 30)) for v in jacobian]).reshape(K, K)
        errors["pi"] = max(errors["pi"], float(np.abs(kern.pi(sample) - reference_pi).max()))
        errors["jacobian"] = max(errors["jacobian"], float(np.abs(kern.jacobian(sample) - reference_jacobian).max()))
        errors["vjp"] = max(errors["vjp"], float(np.abs(kern.vjp(sample, w) - reference_jacobian.T @ w).max()))
    return {**errors, "points": points}
