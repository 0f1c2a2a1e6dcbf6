"""Registry of the experiments that ``escort run NAME`` and ``escort all`` regenerate, each named once.

Each entry names a module, imported lazily (so one broken experiment does not stop the others). ``quick``
selects the small, still meaningful form; ``out_dir`` receives PNG/PDF figures, CSV data and a JSON with
parameters and provenance; ``docs_dir`` receives the generated Markdown and the figures it shows
(``docs_dir/figures``); ``resume`` keeps finished units.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from foundation.artifacts import StageOutput
from foundation.validation import check_choice, check_seed
from numerics.experiments.protocol import Page, run_protocol

__all__ = ["EXPERIMENTS", "Experiment", "Page", "run_experiment"]

@dataclass(frozen=True)
class Experiment:
    """One registered experiment: ``escort run NAME`` runs the module ``module``; ``page`` is the docs page (and
    the stage of ``escort all``) it feeds; ``label`` names it in the report's bullets (``Fig. 1``).

    Every module follows the protocol (``measure``, ``checks``, ``render``, optionally ``publish``:
    :mod:`numerics.experiments.protocol`) and is run by :func:`~numerics.experiments.protocol.run_protocol`.
    """

    name: str
    module: str
    page: Page
    label: str

    def run(self, *, quick: bool, out_dir: Path, docs_dir: Path, seed: int, resume: bool) -> StageOutput:
        """Run the experiment (its module imported now, so one broken experiment does not stop the others)."""
        return run_protocol(importlib.import_module(self.module), name=self.name, label=self.label, quick=quick,
                            out_dir=out_dir, docs_dir=docs_dir, seed=seed, resume=resume)


EXPERIMENTS: dict[str, Experiment] = {
    e.name: e
    for e in (
        *(Experiment(f"fig{i}", f"numerics.experiments.figures.fig{i}", Page.FIGURES, f"Fig. {i}")
          for i in range(1, 6)),
        Experiment("bounds", "numerics.experiments.bounds.report", Page.BOUNDS, "Bounds"),
        Experiment("fig6", "numerics.experiments.figures.fig6", Page.FINDINGS, "Fig. 6"),
        Experiment("questions", "numerics.experiments.questions.report", Page.FINDINGS, "Questions"),
        Experiment("transforms", "numerics.experiments.battery.report", Page.TRANSFORMS, "Transforms"),
    )
}
"""The one registry of experiments, in the order ``escort all`` runs them; the CLI and the report read it."""


def run_experiment(
    name: str,
    *,
    quick: bool = False,
    out_dir: Path = Path("results"),
    docs_dir: Path = Path("docs"),
    seed: int = 0,
    resume: bool = False,
) -> StageOutput:
    """Run the experiment ``name`` (a key of :data:`EXPERIMENTS`) and return what it wrote."""
    check_choice(name, EXPERIMENTS, name="experiment")
    seed = check_seed(seed)
    return EXPERIMENTS[name].run(quick=quick, out_dir=Path(out_dir) / name, docs_dir=Path(docs_dir), seed=seed,
                                 resume=resume)
