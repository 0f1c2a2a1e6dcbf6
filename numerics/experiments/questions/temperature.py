"""Question 5 (reviewer 2): does a softmax temperature (or a temperature schedule) rescue SPG?

π = softmax(θ/τ). With a *constant* τ, gradient ascent on θ moves the logits z = θ/τ by (η/τ²)·g(z): a constant
temperature is SPG with step η/τ², so τ < 1 is a step above Theorem 1's range and τ > 1 one below it. A
*schedule* changes the policy as well: starting hot (τ₀ > 1) flattens the trap policy, so π(a*) is larger
while the gradient is collected. Compared, all with η = 0.4 and θ₁ = log π₁ (the trap at τ = 1):

* τ = 1 (SPG), τ = 0.5 and τ = 2 held constant;
* τ annealed linearly from 10 to 1 over the first tenth of the step budget, then 1;

next to EPG p = 2. See :mod:`numerics.experiments.questions.escape` for the measurement.
"""

from __future__ import annotations

from foundation.artifacts import Checkpoint
from numerics.experiments.questions.bandit_methods import algorithm, annealed_temperature, tempered_softmax
from numerics.experiments.questions.escape import (
    ESCAPE_SIZES, EscapeQuestion, EscapeResult, escape_checks, escape_section, measure_escape, render_escape,
)

__all__ = ["QUESTION", "SIZES", "checks", "measure", "methods", "render", "section"]


def methods(steps: int) -> tuple:
    """The compared methods for a step budget ``steps`` (the annealing lasts steps/10)."""
    return (
        algorithm("SPG η=0.4", "spg", eta=0.4),
        algorithm("softmax τ=0.5", "spg", eta=0.4, temperature=0.5),
        algorithm("softmax τ=2", "spg", eta=0.4, temperature=2.0),
        tempered_softmax("softmax τ 10 → 1", annealed_temperature(10.0, over=steps // 10)),
        algorithm("EPG p=2", "epg", p=2.0),
    )


SIZES = ESCAPE_SIZES
"""The escape study's sizes (:data:`numerics.experiments.questions.escape.ESCAPE_SIZES`)."""

QUESTION = EscapeQuestion(
    stem="question_temperature", title="Question 5: softmax temperature",
    question="Reviewer 2: softmax has a natural temperature; does a temperature schedule rescue SPG?",
    setup="π = softmax(θ/τ_t) with τ = 1, 0.5, 2 constant and τ annealed 10 → 1 over the first tenth of the "
          "steps, η = 0.4; EPG p = 2 with Theorem 2's step.",
)


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> EscapeResult:
    """Escape time against π₁(a*) under constant and annealed softmax temperatures, and for EPG."""
    return measure_escape(QUESTION, methods(SIZES.pick(quick).steps), quick=quick, seed=seed,
                          checkpoint=checkpoint)


checks = escape_checks
"""None: a reviewer's question, not a claim of the paper (:func:`~.escape.escape_checks`)."""
render = render_escape
"""The escape steps and the figure (:func:`~numerics.experiments.questions.escape.render_escape`)."""
section = escape_section
"""The findings section (:func:`~numerics.experiments.questions.escape.escape_section`)."""
