"""Registry of the experiments that ``escort run NAME`` regenerates.

Each entry names a function ``run(*, quick, out_dir, docs_dir, seed, resume) -> StageOutput`` (imported lazily,
so one broken experiment does not stop the others): ``quick`` selects the small, still meaningful form;
``out_dir`` receives PNG/PDF figures, CSV data and a JSON with parameters and provenance; ``docs_dir`` receives
the generated Markdown and the figures it shows (``docs_dir/figures``); ``resume`` skips finished units.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from foundation.artifacts import StageOutput
from foundation.validation import check_choice, check_seed

__all__ = ["EXPERIMENTS", "run_experiment"]

EXPERIMENTS: dict[str, str] = {
    "fig1": "numerics.experiments.figures.fig1:run",
    "fig2": "numerics.experiments.figures.fig2:run",
    "fig3": "numerics.experiments.figures.fig3:run",
    "fig4": "numerics.experiments.figures.fig4:run",
    "fig5": "numerics.experiments.figures.fig5:run",
    "bounds": "numerics.experiments.bounds.report:run",
    "fig6": "numerics.experiments.figures.fig6:run",
    "questions": "numerics.experiments.questions.report:run",
}
"""Experiment name -> ``module:function``."""


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
    module_name, function_name = EXPERIMENTS[name].split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    return function(quick=quick, out_dir=Path(out_dir) / name, docs_dir=Path(docs_dir), seed=seed, resume=resume)
