"""Question 4 (reviewer 3): Neural Replicator Dynamics and KL mirror descent as baselines next to EPG.

* KL mirror descent (Section 3): θ ← θ + η r, i.e. π_{t+1} ∝ π_t·exp(η r);
* Neural Replicator Dynamics (Hennes et al. 2020): θ ← θ + η (r − πᵀr) with logits kept in [−2, 2]
  (:data:`numerics.engine.NRD_LOGIT_THRESHOLD`);

both with η = 0.4, next to SPG (η = 0.4) and EPG p = 2 (Theorem 2's step). Neither MD nor NRD multiplies the
update by π(a), the factor that creates the well in Eq. (1). See :mod:`numerics.experiments.questions.escape`.
"""

from __future__ import annotations

from foundation.artifacts import Checkpoint
from numerics.experiments.questions.bandit_methods import algorithm
from numerics.experiments.questions.escape import (
    ESCAPE_SIZES, EscapeQuestion, EscapeResult, escape_checks, escape_section, measure_escape, render_escape,
)

__all__ = ["METHODS", "QUESTION", "SIZES", "checks", "measure", "render", "section"]

METHODS = (
    algorithm("SPG η=0.4", "spg", eta=0.4),
    algorithm("KL mirror descent η=0.4", "md", eta=0.4),
    algorithm("NRD η=0.4", "nrd", eta=0.4),
    algorithm("EPG p=2", "epg", p=2.0),
)


SIZES = ESCAPE_SIZES
"""The escape study's sizes (:data:`numerics.experiments.questions.escape.ESCAPE_SIZES`)."""

QUESTION = EscapeQuestion(
    stem="question_replicator_and_mirror_descent",
    title="Question 4: Neural Replicator Dynamics and KL mirror descent",
    question="Reviewer 3: how do Neural Replicator Dynamics (Hennes et al. 2020) and KL mirror descent compare "
             "with EPG?",
    setup="SPG, KL mirror descent and NRD with η = 0.4; EPG p = 2 with Theorem 2's step.",
)


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> EscapeResult:
    """Escape time against π₁(a*) for SPG, KL mirror descent, NRD and EPG."""
    return measure_escape(QUESTION, METHODS, quick=quick, seed=seed, checkpoint=checkpoint)


checks = escape_checks
"""None: a reviewer's question, not a claim of the paper (:func:`~.escape.escape_checks`)."""
render = render_escape
"""The escape steps and the figure (:func:`~numerics.experiments.questions.escape.render_escape`)."""
section = escape_section
"""The findings section (:func:`~numerics.experiments.questions.escape.escape_section`)."""
