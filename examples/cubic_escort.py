"""A user transform, the cubic escort π(a) = |θ(a)|³ / Σ_b |θ(b)|³, and a claim about it.

``CUBIC`` is a :class:`theory.transforms.Transform`: the battery runs the paper's checks on it
(``escort battery cubic_escort:CUBIC --quick``), and :func:`proofs_check.user_claims.claim` takes it as the
transform of a claim. The claim is Eq. (9) at p = 3: ‖∇_θ πᵀr‖₂ ≥ 3·π(a*)/|θ(a*)|·(r(a*) − πᵀr).

    escort check cubic_escort:CLAIM                 (run in this folder)
"""

import sympy as sp

from proofs_check.user_claims import claim
from theory.transforms import Transform


def _cubic(theta: sp.Matrix, at=None) -> sp.Matrix:
    weights = theta.applyfunc(lambda t: sp.Abs(t) ** 3)
    return weights / sum(weights)


CUBIC = Transform(
    name="cubic-escort", formula=r"\pi(a) = |\theta(a)|^3 / \sum_b |\theta(b)|^3", symbolic=_cubic, nonzero=True,
    invariant_norm=3.0,
)

CLAIM = claim(
    "cubic-escort-nl",
    "‖∇_θ πᵀr‖₂ ≥ 3·π(a*)/|θ(a*)|·(r(a*) − πᵀr) for π(a) ∝ |θ(a)|³",
    transform=CUBIC,
    lhs=lambda s: s.norm(s.grad(s.value)),
    relation=">=",
    rhs=lambda s: 3 * s.pi[s.astar] / sp.Abs(s.theta[s.astar]) * (s.r[s.astar] - s.value),
    K=(2, 3),
    rewards=(0, 1),
)
