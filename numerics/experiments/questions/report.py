"""``escort run questions [--quick]``: the reviewers' open questions, one experiment each, and their sections
of docs/findings.md.

Each question is a module with the one shape of :mod:`numerics.experiments.protocol`, plus its page section:
``measure(*, quick, seed, checkpoint) -> result`` (the simulations and every number the section states),
``checks(result)`` (the paper's claims among them, usually none: the questions are the reviewers'),
``render(result, folder)`` (its CSV and figure ``question_*.png``) and ``section(result) -> Section``:

1. :mod:`~numerics.experiments.questions.sampled_actions` — REINFORCE with sampled actions, with and without a baseline;
   :mod:`~numerics.experiments.questions.sampled_actions_four_room` — the same on Four-room, with sampled trajectories;
2. :mod:`~numerics.experiments.questions.escort_power` — the choice of p against Theorem 2's trade-off;
3. :mod:`~numerics.experiments.questions.adaptive_step_sizes` — normalised, rescaled, large and Adam steps for softmax;
4. :mod:`~numerics.experiments.questions.replicator_and_mirror_descent` — NRD and KL mirror descent next to EPG;
5. :mod:`~numerics.experiments.questions.temperature` — softmax temperature and a temperature schedule;
6. :mod:`~numerics.experiments.questions.uniform_initialisation` — how much of the well remains from π₁ = 1/K;
7. :mod:`~numerics.experiments.questions.neural_four_room` — a neural Four-room policy with Adam and with plain gradient
   descent (the theory covers only the latter);
8. :mod:`~numerics.experiments.questions.four_room_readings` — Fig. 5(c) over every reading of Four-room (the
   ambiguity map).

This module composes them into one experiment of the protocol: ``measure`` runs every question's ``measure`` (on
one BLAS thread, timing each), ``checks`` and ``render`` join theirs, and ``publish`` writes the sections to
docs/findings.md with the figures they show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from threadpoolctl import threadpool_limits

from foundation.artifacts import Checkpoint
from numerics.analysis.check import Check
from numerics.experiments.questions import (
    adaptive_step_sizes,
    escort_power,
    four_room_readings,
    neural_four_room,
    replicator_and_mirror_descent,
    sampled_actions,
    sampled_actions_four_room,
    temperature,
    uniform_initialisation,
)
from numerics.reporting import findings
from numerics.reporting.section import Section

__all__ = ["QUESTIONS", "QuestionsResult", "checks", "measure", "publish", "render"]

QUESTIONS: tuple[ModuleType, ...] = (
    sampled_actions,
    sampled_actions_four_room,
    escort_power,
    adaptive_step_sizes,
    replicator_and_mirror_descent,
    temperature,
    uniform_initialisation,
    neural_four_room,
    four_room_readings,
)
"""The question modules, in the order of the findings page."""


def _name(question: ModuleType) -> str:
    return question.__name__.rpartition(".")[2]


@dataclass(frozen=True)
class QuestionsResult:
    """Every question measured, in :data:`QUESTIONS` order, with the wall time of each ``measure``."""

    quick: bool
    measured: tuple[Any, ...]
    wall_times: tuple[float, ...]

    @property
    def sections(self) -> tuple[Section, ...]:
        """Each question's findings section."""
        return tuple(q.section(r) for q, r in zip(QUESTIONS, self.measured))

    @property
    def parameters(self) -> dict[str, object]:
        return {"quick": self.quick, "questions": [_name(q) for q in QUESTIONS]}

    @property
    def results(self) -> dict[str, object]:
        return {"sections": [{"title": s.title, "conclusions": list(s.conclusions)} for s in self.sections]}

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(f"- {s.title}: {c.removeprefix('- ')}" for s in self.sections for c in s.conclusions)

    @property
    def timings(self) -> dict[str, dict[str, float]]:
        """Wall time of each question's ``measure`` in seconds (provenance, not data)."""
        return {"wall_time_per_question_seconds": {_name(q): t for q, t in zip(QUESTIONS, self.wall_times)}}


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> QuestionsResult:
    """Measure every question (finished units kept in ``checkpoint``)."""
    measured, wall_times = [], []
    # Every array here is small (at most a few hundred rows): multi-threaded BLAS only contends for shared cores
    # (measured 6-100x slower with 2 threads on a loaded machine), so the questions run on one BLAS thread.
    with threadpool_limits(limits=1, user_api="blas"):
        for question in QUESTIONS:
            began = time.perf_counter()
            measured.append(question.measure(quick=quick, seed=seed, checkpoint=checkpoint))
            wall_times.append(round(time.perf_counter() - began, 1))
    return QuestionsResult(quick, tuple(measured), tuple(wall_times))


def checks(result: QuestionsResult) -> tuple[Check, ...]:
    """Every question's checks (the paper's claims among the questions)."""
    return tuple(c for q, r in zip(QUESTIONS, result.measured) for c in q.checks(r))


def render(result: QuestionsResult, folder: Path) -> tuple[Path, ...]:
    """Every question's CSV and figure, in ``folder``."""
    return tuple(path for q, r in zip(QUESTIONS, result.measured) for path in q.render(r, folder))


def publish(result: QuestionsResult, *, out_dir: Path, docs_dir: Path) -> tuple[Path, ...]:
    """The questions' sections of docs/findings.md (stored beside the data, then the page assembled) and the
    figures they show, copied from ``out_dir`` to ``docs_dir/figures``."""
    sections = result.sections
    return (
        *(findings.publish_figure(out_dir / s.figure, docs_dir) for s in sections),
        findings.write_sections(out_dir, quick=result.quick, sections=[s.markdown() for s in sections]),
        findings.assemble(out_dir.parent, docs_dir),
    )
