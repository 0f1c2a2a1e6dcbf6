"""Registry of the experiments that ``escort run NAME`` regenerates.

Each entry names a module whose ``run(*, quick, out_dir, docs_dir, seed, resume) -> StageOutput`` is imported lazily
(so one broken experiment does not stop the others): ``quick`` selects the small, still meaningful form;
``out_dir`` receives PNG/PDF figures, CSV data and a JSON with parameters and provenance; ``docs_dir`` receives
the generated Markdown and the figures it shows (``docs_dir/figures``); ``resume`` skips finished units.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from foundation.artifacts import StageOutput
from foundation.validation import check_choice, check_seed

__all__ = ["EXPERIMENTS", "Experiment", "run_experiment"]

@dataclass(frozen=True)
class Experiment:
    """One registered experiment: ``escort run NAME`` runs ``<module>.run``; ``page`` is the docs stage it feeds
    (``figures``, ``bounds`` or ``findings``), which ``escort all`` uses to group its steps."""

    name: str
    module: str
    page: str

    def runner(self) -> Callable[..., StageOutput]:
        """The experiment's ``run`` function (imported now, so one broken experiment does not stop the others)."""
        return importlib.import_module(self.module).run


EXPERIMENTS: dict[str, Experiment] = {
    e.name: e
    for e in (
        *(Experiment(f"fig{i}", f"numerics.experiments.figures.fig{i}", "figures") for i in range(1, 6)),
        Experiment("bounds", "numerics.experiments.bounds.report", "bounds"),
        Experiment("fig6", "numerics.experiments.figures.fig6", "findings"),
        Experiment("questions", "numerics.experiments.questions.report", "findings"),
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
    return EXPERIMENTS[name].runner()(quick=quick, out_dir=Path(out_dir) / name, docs_dir=Path(docs_dir), seed=seed, resume=resume)
