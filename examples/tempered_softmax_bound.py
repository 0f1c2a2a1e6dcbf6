"""A true claim: the NŁ inequality of Eq. (8) for a softmax with a temperature τ.

For π = softmax(θ/τ) and rewards with r(a*) maximal, the a*-th coordinate of the gradient is
π(a*)/τ·(r(a*) − πᵀr) ≥ 0, so ‖∇_θ πᵀr‖₂ ≥ π(a*)/τ·(r(a*) − πᵀr): the proof of Eq. (8), divided by τ.
The symbolic step proves it as a sum of squares; the search finds no counterexample.

    escort check tempered_softmax_bound:CLAIM        (run in this folder)
"""

import sympy as sp

from proofs_check.user_claims import claim

TAU = sp.Symbol("tau", positive=True)


def tempered_softmax(theta: sp.Matrix) -> sp.Matrix:
    """π(a) = exp(θ(a)/τ) / Σ_b exp(θ(b)/τ)."""
    weights = (theta / TAU).applyfunc(sp.exp)
    return weights / sum(weights)


CLAIM = claim(
    "tempered-softmax-nl",
    "‖∇_θ πᵀr‖₂ ≥ π(a*)/τ·(r(a*) − πᵀr) for π = softmax(θ/τ)",
    transform=tempered_softmax,
    lhs=lambda s: s.norm(s.grad(s.value)),
    relation=">=",
    rhs=lambda s: s.pi[s.astar] / s.tau * (s.r[s.astar] - s.value),
    K=(2, 3),
    rewards=(0, 1),
    scalars={"tau": (0.1, 10)},
)
