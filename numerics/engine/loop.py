"""The one simulation loop of numerics/: θ_{t+1} = update(t, θ_t), observed at every step, recorded on a schedule.

Every iterative method of the package is this loop with its own pluggable parts (the *gradient oracle* and the
*step rule* live in ``update``; what is measured lives in ``record``):

    for t = 0, 1, …, T (T = the last step of the schedule; t = 0 is θ₁, the paper's t = 1):
        seen_t = observe(t, θ_t)                     (e.g. the exact gradient and the value, computed once)
        if t is on the schedule: keep record(t, θ_t, seen_t)
        if t = T or finished(t, θ_t, seen_t): stop
        θ_{t+1} = update(t, θ_t, seen_t)

The schedule is :func:`numerics.engine.recording.recording_steps` (or any strictly increasing int64 array
starting at 0). ``observe`` exists so that an oracle that yields the measured quantities and the gradient in one
computation (the MDP's values and policy gradient, a network's forward pass) runs once per step. A loop that
``finished`` early returns the records it made; the caller decides what later columns hold.

The numba loops of :mod:`numerics.engine.compiled` are the compiled backend of the bandit form of this loop
(tests/numerics/engine/test_compiled.py cross-checks them against it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

__all__ = ["Simulation", "simulate"]

State = TypeVar("State")
Seen = TypeVar("Seen")
Record = TypeVar("Record")


@dataclass(frozen=True)
class Simulation(Generic[State, Record]):
    """What :func:`simulate` returns: ``records`` at the first ``len(records)`` scheduled steps, the ``state`` at
    the step ``last`` the loop ended on (``last`` updates applied), and whether it ended early (``finished``)."""

    records: list[Record]
    state: State
    last: int
    finished: bool


def simulate(
    state: State,
    schedule: np.ndarray,
    *,
    update: Callable[[int, State, Seen], State],
    record: Callable[[int, State, Seen], Record],
    observe: Callable[[int, State], Seen] | None = None,
    finished: Callable[[int, State, Seen], bool] | None = None,
) -> Simulation[State, Record]:
    """Run the loop of the module docstring from ``state`` (θ₁) over ``schedule`` (the recorded steps).

    >>> run = simulate(1.0, np.array([0, 2, 3]), update=lambda t, x, _: 2 * x, record=lambda t, x, _: (t, x))
    >>> run.records, run.state, run.last
    ([(0, 1.0), (2, 4.0), (3, 8.0)], 8.0, 3)
    """
    last = int(schedule[-1])
    records: list[Record] = []
    column = 0
    for t in range(last + 1):
        seen = observe(t, state) if observe is not None else None
        if t == schedule[column]:
            records.append(record(t, state, seen))
            column += 1
        if finished is not None and finished(t, state, seen):
            return Simulation(records, state, t, True)
        if t == last:
            break
        state = update(t, state, seen)
    return Simulation(records, state, last, False)
