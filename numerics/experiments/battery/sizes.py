"""Problem sizes of one battery run; the quick and full forms differ only here."""

from __future__ import annotations

from dataclasses import dataclass

from numerics.experiments.protocol import Sizes

__all__ = ["SIZES", "BatterySizes"]


@dataclass(frozen=True)
class BatterySizes:
    """Problem sizes of one battery run (``quick`` selects the small, still meaningful form)."""

    symbolic_K: int = 3
    nl_K: int = 4
    nl_paths: int = 30
    gravity_K: int = 6
    gravity_runs: int = 20
    gravity_steps: int = 30_000
    damping_K: int = 10
    damping_runs: int = 10
    damping_steps: int = 20_000


SIZES = Sizes(quick=BatterySizes(nl_paths=8, gravity_steps=3_000, damping_runs=5, damping_steps=2_000),
              full=BatterySizes())
"""The full sizes, and the quick ones (fewer paths and runs, 10× fewer steps)."""
