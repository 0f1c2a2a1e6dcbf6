"""A false claim, refuted with a witness: "KL(y‖π) ≤ ‖y − π‖₂²" for π = softmax(θ).

Near a wrong vertex, π(a_y) → 0: KL(y‖π) = −log π(a_y) grows without bound while ‖y − π‖₂² ≤ 2, so the claim
fails; the search finds such a point, confirms it in interval arithmetic and shrinks it.

    escort check kl_below_l2:CLAIM                  (run in this folder)
"""

from proofs_check.user_claims import claim

CLAIM = claim(
    "kl-below-l2",
    "KL(y‖π) ≤ ‖y − π‖₂² for π = softmax(θ)",
    transform="softmax",
    lhs=lambda s: s.kl,
    relation="<=",
    rhs=lambda s: s.norm(s.y - s.pi) ** 2,
    K=(2, 3),
)
