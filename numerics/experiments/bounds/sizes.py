"""Problem sizes of the bounds experiment, one frozen dataclass per theorem module; the quick and full forms of
``escort run bounds`` differ only here (:data:`SIZES`, picked once by :func:`numerics.experiments.bounds.report.measure`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from numerics.experiments.protocol import Sizes

__all__ = ["SIZES", "BoundsSizes", "Cell", "Role", "FixedInitialisations", "Thm1Sizes", "Thm2Sizes", "Thm5RateSizes",
           "RunSizes"]


class Role(StrEnum):
    """What a Theorem 1 run is for (its value is the ``role`` written in bounds.csv): the calibration cells fix C,
    the held-out test cells must stay above it, the fixed-θ₁ cells answer the quantifier question."""

    CALIBRATION = "calibration"
    TEST = "test"
    FIXED = "fixed-θ₁"


@dataclass(frozen=True)
class Cell:
    """Theorem 1: a set of settings, its role, K, Δ, η and π₁ values (every combination is run)."""

    role: Role
    Ks: tuple[int, ...]
    gaps: tuple[float, ...]
    etas: tuple[float, ...]
    probabilities: tuple[float, ...]


@dataclass(frozen=True)
class FixedInitialisations:
    """Theorem 1's fixed-θ₁ cells: Ks, σ of θ₁'s entries, draws per K, Δ and η (Δ, η held out too)."""

    Ks: tuple[int, ...]
    sigma: float
    draws: int
    gap: float
    eta: float


@dataclass(frozen=True)
class Thm1Sizes:
    """(calibration, test) cells (no value of Δ, η or π₁ shared), runs per setting, the fixed-θ₁ cells."""

    cells: tuple[Cell, Cell]
    runs: int
    fixed: FixedInitialisations


@dataclass(frozen=True)
class Thm2Sizes:
    """Ks, ascent runs and steps, flow runs and horizon."""

    Ks: tuple[int, ...]
    runs: int
    steps: int
    flow_runs: int
    horizon: int


@dataclass(frozen=True)
class RunSizes:
    """Steps and runs per setting (Theorems 3, 4 and 5)."""

    steps: int
    runs: int


@dataclass(frozen=True)
class Thm5RateSizes:
    """Ks, the initialisations' π_{θ₁}(a_y) (None: standard normal θ₁) and runs per cell."""

    Ks: tuple[int, ...]
    probabilities: tuple[float | None, ...]
    runs: int


@dataclass(frozen=True)
class BoundsSizes:
    """The sizes of every theorem module (named as the modules) of one form."""

    thm1: Thm1Sizes
    thm2: Thm2Sizes
    thm3: RunSizes
    thm4: RunSizes
    thm5: RunSizes
    thm5_rate: Thm5RateSizes


SIZES = Sizes(
    quick=BoundsSizes(
        thm1=Thm1Sizes((Cell(Role.CALIBRATION, (2, 4), (0.9,), (1.0,), (1e-2, 1e-3)),
                        Cell(Role.TEST, (2, 4), (0.6,), (0.7,), (1e-4, 3e-4))), 2,
                       FixedInitialisations((4,), 3.0, 8, 0.6, 0.4)),
        thm2=Thm2Sizes((3, 10), 3, 2000, 1, 200),
        thm3=RunSizes(300, 2),
        thm4=RunSizes(1500, 2),
        thm5=RunSizes(1000, 3),
        thm5_rate=Thm5RateSizes((2, 10), (None, 1e-2, 1e-3), 2),
    ),
    full=BoundsSizes(
        thm1=Thm1Sizes((Cell(Role.CALIBRATION, (2, 4, 8), (0.9, 0.3), (1.0, 0.3), (1e-2, 3e-3, 1e-3)),
                        Cell(Role.TEST, (2, 4, 8), (0.6, 0.1), (0.7, 0.1), (1e-4, 1e-5))), 4,
                       FixedInitialisations((4, 8), 3.0, 24, 0.6, 0.4)),
        thm2=Thm2Sizes((3, 10, 50), 5, 20_000, 2, 2000),
        thm3=RunSizes(10_000, 4),
        thm4=RunSizes(20_000, 3),
        thm5=RunSizes(10_000, 5),
        thm5_rate=Thm5RateSizes((2, 10, 50), (None, 1e-1, 1e-2, 1e-3, 1e-4), 3),
    ),
)
"""The paper-scale (full) sizes and the quick ones (fewer settings, runs and steps)."""
