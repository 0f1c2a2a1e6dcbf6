"""The one "first time a level is reached" helper of the toolkit.

Convention: rows of ``values`` (R, T') are runs recorded at ``steps`` (T',), the number of updates done at each
column (0 is θ₁, the paper's t = 1; :func:`numerics.engine.recording.recording_steps`). :func:`first_hit` returns,
per run, the first recorded update count at which the value reaches the level (``>= level``, or ``<= level`` with
``below=True``), as a float, and NaN where it is never reached. Callers that report the paper's 1-based t add 1;
callers that need ``inf`` for "never" convert NaN (Fig. 1 does both). The escape times of
:func:`numerics.engine.escape.escape_times` are a different quantity (every step inspected, confirmed by a
patience rule) and are computed inside the loop.

>>> import numpy as np
>>> first_hit(np.array([[0.1, 0.6, 0.9], [0.1, 0.2, 0.3]]), np.array([0, 10, 100]), level=0.5).tolist()
[10.0, nan]
>>> first_hit(np.array([[0.3, 0.2, 0.1]]), np.array([0, 10, 100]), level=0.2, below=True).tolist()
[10.0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["first_hit"]


def first_hit(values: np.ndarray, steps: np.ndarray, *, level: float, below: bool = False) -> np.ndarray:
    """First entry of ``steps`` with value ≥ ``level`` (≤ with ``below``) per row of ``values``; NaN where never."""
    reached = values <= level if below else values >= level
    first = np.argmax(reached, axis=1)
    return np.where(reached.any(axis=1), np.asarray(steps, dtype=float)[first], np.nan)
