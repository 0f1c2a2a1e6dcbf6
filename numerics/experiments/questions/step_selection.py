"""Question 1's design, shared by its bandit and Four-room halves: every (method, baseline, step multiplier) unit
through the sweep, then per (method, baseline) the multiplier with the lowest interquartile mean (IQM) of a final
score across runs (Agarwal et al. 2021's aggregate, robust to a few outlying runs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from foundation.artifacts import Checkpoint
from numerics.analysis.aggregate import interquartile_mean
from foundation.executor import sweep

__all__ = ["StepSelection", "select_step_multipliers"]


@dataclass(frozen=True)
class StepSelection:
    """``units[(method, baseline, multiplier)]``: a unit's result; ``selected[(method, baseline)]``: the chosen
    multiplier."""

    units: dict[tuple[str, str, float], dict]
    selected: dict[tuple[str, str], float]

    def chosen(self, method: str, baseline: str) -> dict:
        """The unit of ``method`` and ``baseline`` at its selected multiplier."""
        return self.units[method, baseline, self.selected[method, baseline]]


def select_step_multipliers(
    unit: Callable[[tuple, bool, float], dict],
    *,
    methods: Sequence[tuple],
    baselines: Sequence[str],
    multipliers: Sequence[float],
    key: Callable[[str, str, float], str],
    score: str,
    checkpoint: Checkpoint,
    scope: object,
) -> StepSelection:
    """Run ``unit(method, with_baseline, multiplier)`` for every combination (``key`` names its checkpoint unit;
    ``method[0]`` is the method's label) and select, per (method, baseline), the multiplier whose unit has the lowest
    IQM of ``unit[score]`` (ties: the first multiplier)."""
    grid = [(method, baseline, name, value) for method in methods
            for baseline, name in enumerate(baselines) for value in multipliers]
    values = sweep([(key(method[0], name, value), partial(unit, method, bool(baseline), value))
                    for method, baseline, name, value in grid], checkpoint=checkpoint, scope=scope)
    units = {(method[0], name, value): result for (method, _, name, value), result in zip(grid, values)}
    selected = {
        (m[0], b): min(multipliers, key=lambda value: interquartile_mean(units[m[0], b, value][score]))
        for m in methods for b in baselines
    }
    return StepSelection(units, selected)
