"""``escort run questions [--quick]``: the reviewers' open questions, one experiment each, and their sections
of docs/findings.md.

Each question is a module with ``run(*, quick, seed, out_dir, figures_dir, checkpoint) -> Section`` that writes
its CSV data to ``out_dir`` and its figure to ``docs/figures/question_*.png``:

1. :mod:`~numerics.experiments.questions.sampled_actions` — REINFORCE with sampled actions, with and without a baseline;
   :mod:`~numerics.experiments.questions.sampled_actions_four_room` — the same on Four-room, with sampled trajectories;
2. :mod:`~numerics.experiments.questions.escort_power` — the choice of p against Theorem 2's trade-off;
3. :mod:`~numerics.experiments.questions.adaptive_step_sizes` — normalised, rescaled, large and Adam steps for softmax;
4. :mod:`~numerics.experiments.questions.replicator_and_mirror_descent` — NRD and KL mirror descent next to EPG;
5. :mod:`~numerics.experiments.questions.temperature` — softmax temperature and a temperature schedule;
6. :mod:`~numerics.experiments.questions.uniform_initialisation` — how much of the well remains from π₁ = 1/K;
7. :mod:`~numerics.experiments.questions.neural_four_room` — a neural Four-room policy with Adam and with plain gradient
   descent (the theory covers only the latter).
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

from foundation.artifacts import Checkpoint, StageOutput, provenance, write_json
from numerics.reporting import findings

__all__ = ["QUESTIONS", "run"]

QUESTIONS: tuple[str, ...] = (
    "sampled_actions",
    "sampled_actions_four_room",
    "escort_power",
    "adaptive_step_sizes",
    "replicator_and_mirror_descent",
    "temperature",
    "uniform_initialisation",
    "neural_four_room",
)
"""The question modules under :mod:`numerics.experiments.questions`, in the order of the findings page."""


def run(*, quick: bool, out_dir: Path, docs_dir: Path, seed: int, resume: bool) -> StageOutput:
    """Run every question (finished units kept with ``resume``), write data, figures and the findings sections."""
    start = time.perf_counter()
    out_dir, docs_dir = Path(out_dir), Path(docs_dir)
    checkpoint = Checkpoint(out_dir / ("checkpoint-quick" if quick else "checkpoint"))
    if not resume:
        checkpoint.clear()
    sections, timings = [], {}
    # Every array here is small (at most a few hundred rows): multi-threaded BLAS only contends for shared cores
    # (measured 6-100x slower with 2 threads on a loaded machine), so the questions run on one BLAS thread.
    with threadpool_limits(limits=1, user_api="blas"):
        for name in QUESTIONS:
            began = time.perf_counter()
            module = importlib.import_module(f"numerics.experiments.questions.{name}")
            sections.append(module.run(quick=quick, seed=seed, out_dir=out_dir, figures_dir=docs_dir / "figures",
                                       checkpoint=checkpoint))
            timings[name] = round(time.perf_counter() - began, 1)
    parameters = {"quick": quick, "questions": list(QUESTIONS)}
    paths = [
        *(path for section in sections for path in section.data),
        *(docs_dir / "figures" / section.figure for section in sections),
        write_json(out_dir / "questions.json", {
            "parameters": parameters,
            "sections": [{"title": s.title, "conclusions": list(s.conclusions)} for s in sections],
        }),
        write_json(out_dir / "questions.provenance.json", {
            **provenance(command=f"escort run questions{' --quick' if quick else ''}", parameters=parameters,
                         seed=seed, wall_time=time.perf_counter() - start),
            "wall_time_per_question_seconds": timings,
        }),
        findings.write_sections(out_dir, quick=quick, sections=[s.markdown() for s in sections]),
        findings.assemble(out_dir.parent, docs_dir),
    ]
    headline = tuple(f"{s.title}: {c.removeprefix('- ')}" for s in sections for c in s.conclusions)
    return StageOutput(name="questions", paths=tuple(paths), headline=headline)
