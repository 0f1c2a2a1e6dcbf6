"""The one recording schedule of every simulation loop, and what a bandit loop returns.

A run records only at the steps of a *schedule* (:func:`recording_steps`): every ``record_every`` steps, or
``record_per_decade`` geometrically spaced steps per decade, always including 0 (θ₁, the paper's t = 1) and the
last step, so a 1e9-step run stays small.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import check_count

__all__ = ["LoopResult", "recording_steps"]


@dataclass(frozen=True)
class LoopResult:
    """What both backends return: the recorded columns, counters and L (last step at or above the level)."""

    suboptimality: np.ndarray
    optimal_probability: np.ndarray
    norm: np.ndarray
    sign_changes: np.ndarray
    steps_run: np.ndarray
    last_above: np.ndarray
    theta_final: np.ndarray


def recording_steps(steps: int, *, record_every: int = 1, record_per_decade: int | None = None) -> np.ndarray:
    """The recorded steps: 0, every ``record_every``-th step, or ``record_per_decade`` log-spaced steps per
    decade, and always ``steps`` itself; sorted, unique, int64.

    >>> recording_steps(10, record_every=4)
    array([ 0,  4,  8, 10])
    >>> recording_steps(1000, record_per_decade=1)
    array([   0,    1,   10,  100, 1000])
    """
    total = check_count(steps, name="steps", minimum=0)
    if record_per_decade is None:
        every = check_count(record_every, name="record_every", minimum=1)
        grid = np.arange(0, total + 1, every, dtype=np.int64)
    else:
        per_decade = check_count(record_per_decade, name="record_per_decade", minimum=1)
        decades = np.log10(max(total, 1))
        grid = np.rint(np.logspace(0.0, decades, int(np.ceil(decades * per_decade)) + 1)).astype(np.int64)
    return np.unique(np.concatenate(([0], grid, [total]))).astype(np.int64)
