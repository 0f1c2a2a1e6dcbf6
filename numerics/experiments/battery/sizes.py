"""Problem sizes of one battery run; the quick and full forms differ only here."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Sizes"]


@dataclass(frozen=True)
class Sizes:
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
    resamples: int = 1000

    @classmethod
    def of(cls, quick: bool) -> Sizes:
        """The full sizes, or the quick ones (fewer paths and runs, 10× fewer steps)."""
        if not quick:
            return cls()
        return cls(nl_paths=8, gravity_steps=3_000, damping_runs=5, damping_steps=2_000, resamples=400)
