"""Question 3 (reviewer 3): is the softmax gravity well an artefact of bounded step sizes?

Theorem 1 bounds SPG's escape time only for η ∈ (0, 1], while EPG's step η_t = 2‖θ_t‖_p²/(9p²K^{1/p})
(Theorem 2) grows with ‖θ_t‖. The reviewer's candidates for softmax, all on the same trap problems:

* SPG with the paper's η = 0.4, with η = 1 (the largest Theorem 1 allows) and with a large constant η = 100;
* normalised SPG, θ ← θ + η·g/‖g‖₂ (fixed-length steps), η = 0.4;
* SPG with η/π_t(a*) (the Łojasiewicz coefficient divided out; needs a*, which a learner does not know), η = 0.4;
* SPG with Adam (η = 0.1, the per-coordinate normalisation of a practical optimiser);

against EPG p = 2 with Theorem 2's step. See :mod:`numerics.experiments.questions.escape` for the measurement.
"""

from __future__ import annotations

from foundation.artifacts import Checkpoint
from numerics.experiments.questions.bandit_methods import adam_softmax, algorithm
from numerics.experiments.questions.escape import (
    ESCAPE_SIZES, EscapeQuestion, EscapeResult, escape_checks, escape_section, measure_escape, render_escape,
)

__all__ = ["METHODS", "QUESTION", "SIZES", "checks", "measure", "render", "section"]

METHODS = (
    algorithm("SPG η=0.4", "spg", eta=0.4),
    algorithm("SPG η=1", "spg", eta=1.0),
    algorithm("SPG η=100", "spg", eta=100.0),
    algorithm("normalised SPG η=0.4", "spg-normalised", eta=0.4),
    algorithm("SPG η=0.4/π(a*)", "spg-inverse-optimal", eta=0.4),
    adam_softmax("SPG + Adam η=0.1", learning_rate=0.1),
    algorithm("EPG p=2", "epg", p=2.0),
)


SIZES = ESCAPE_SIZES
"""The escape study's sizes (:data:`numerics.experiments.questions.escape.ESCAPE_SIZES`)."""

QUESTION = EscapeQuestion(
    stem="question_adaptive_step_sizes", title="Question 3: adaptive step sizes for softmax",
    question="Reviewer 3: Theorem 1 assumes η ≤ 1 while EPG's step grows with ‖θ‖; is the gravity well a "
             "step-size artefact that a normalised, rescaled, large or Adam step removes?",
    setup="SPG with η = 0.4, 1 and 100; normalised SPG; SPG with η/π_t(a*); SPG with Adam (η = 0.1); "
          "EPG p = 2 with Theorem 2's step.",
)


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> EscapeResult:
    """Escape time against π₁(a*) for the adaptive-step variants of SPG and for EPG."""
    return measure_escape(QUESTION, METHODS, quick=quick, seed=seed, checkpoint=checkpoint)


checks = escape_checks
"""None: a reviewer's question, not a claim of the paper (:func:`~.escape.escape_checks`)."""
render = render_escape
"""The escape steps and the figure (:func:`~numerics.experiments.questions.escape.render_escape`)."""
section = escape_section
"""The findings section (:func:`~numerics.experiments.questions.escape.escape_section`)."""
