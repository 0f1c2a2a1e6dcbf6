"""Question 4 (reviewer 3): Neural Replicator Dynamics and KL mirror descent as baselines next to EPG.

* KL mirror descent (Section 3): θ ← θ + η r, i.e. π_{t+1} ∝ π_t·exp(η r);
* Neural Replicator Dynamics (Hennes et al. 2020): θ ← θ + η (r − πᵀr) with logits kept in [−2, 2]
  (:data:`numerics.engine.NRD_LOGIT_THRESHOLD`);

both with η = 0.4, next to SPG (η = 0.4) and EPG p = 2 (Theorem 2's step). Neither MD nor NRD multiplies the
update by π(a), the factor that creates the well in Eq. (1). See :mod:`numerics.experiments.questions.escape`.
"""

from __future__ import annotations

from pathlib import Path

from foundation.artifacts import Checkpoint
from numerics.experiments.questions.bandit_methods import algorithm
from numerics.experiments.questions.escape import escape_section
from numerics.reporting.section import Section

__all__ = ["METHODS", "run"]

METHODS = (
    algorithm("SPG η=0.4", "spg", eta=0.4),
    algorithm("KL mirror descent η=0.4", "md", eta=0.4),
    algorithm("NRD η=0.4", "nrd", eta=0.4),
    algorithm("EPG p=2", "epg", p=2.0),
)


def run(*, quick: bool, seed: int, out_dir: Path, figures_dir: Path, checkpoint: Checkpoint) -> Section:
    """Escape time against π₁(a*) for SPG, KL mirror descent, NRD and EPG."""
    return escape_section(
        METHODS, quick=quick, seed=seed, out_dir=out_dir, figures_dir=figures_dir, checkpoint=checkpoint,
        stem="question_replicator_and_mirror_descent",
        title="Question 4: Neural Replicator Dynamics and KL mirror descent",
        question="Reviewer 3: how do Neural Replicator Dynamics (Hennes et al. 2020) and KL mirror descent compare "
                 "with EPG?",
        setup="SPG, KL mirror descent and NRD with η = 0.4; EPG p = 2 with Theorem 2's step.",
    )
