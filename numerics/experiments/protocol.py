"""The one experiment protocol: measure → checks → render, each a separate function of one module.

An experiment module defines

* ``measure(*, quick, seed, checkpoint, <the paper's defaults as keyword arguments>) -> result``: the simulations,
  returning a frozen :class:`Measurement` (data only: no files, no plots). ``quick`` selects the small form through
  the module's :class:`Sizes`; ``checkpoint`` keeps finished units for ``--resume``;
* ``checks(result) -> tuple[Verdict, ...]``: the paper's claims, measured on ``result``
  (:class:`~numerics.analysis.check.Check`, a value against target ± tolerance, or another
  :class:`~numerics.analysis.check.Verdict` such as a bound's status);
* ``render(result, folder) -> tuple[Path, ...]``: the figure and the plotted data, written to ``folder``;
* optionally ``publish(result, *, out_dir, docs_dir) -> tuple[Path, ...]``: the experiment's own docs page (and
  the figures it shows) under ``docs_dir``, for experiments that have one (bounds, findings, transforms); the
  others are shown by the report, which publishes their rendered figures. ``out_dir`` is the folder ``render``
  wrote to (a page assembled from several experiments' records reads its siblings).

:func:`run_protocol` runs them and writes the record ``<name>.json`` (command, parameters, seed, results,
checks) and its provenance (with the result's ``timings``, if it has them: wall times of its parts) beside the
rendered files; the report's headline is the checks' bullets and the
result's notes. :data:`numerics.experiments.registry.EXPERIMENTS` names each module once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, Protocol, TypeVar

from foundation.artifacts import Checkpoint, StageOutput
from numerics.analysis.check import Verdict
from numerics.reporting.plotting import write_record

__all__ = ["Measurement", "Page", "Sizes", "run_protocol"]

S = TypeVar("S")


class Page(StrEnum):
    """The docs page (and the stage of ``escort all``) an experiment feeds."""

    FIGURES = "figures"
    BOUNDS = "bounds"
    FINDINGS = "findings"
    TRANSFORMS = "transforms"


@dataclass(frozen=True)
class Sizes(Generic[S]):
    """An experiment's sizes in its two forms: ``quick`` (small, still meaningful) and ``full`` (the paper's)."""

    quick: S
    full: S

    def pick(self, quick: bool) -> S:
        """The quick sizes if ``quick``, else the full ones."""
        return self.quick if quick else self.full


class Measurement(Protocol):
    """What ``measure`` returns: a frozen object whose ``parameters`` and ``results`` go into ``<name>.json`` and
    whose ``notes`` (Markdown bullets of measured facts that are not pass/fail) go into the report's headline; an
    optional ``timings`` mapping (wall times of its parts, which differ from run to run) goes into the provenance
    only."""

    @property
    def parameters(self) -> Mapping[str, Any]: ...

    @property
    def results(self) -> Mapping[str, Any]: ...

    @property
    def notes(self) -> tuple[str, ...]: ...


def command(name: str, *, quick: bool) -> str:
    """The command that regenerates experiment ``name``."""
    return f"escort run {name}" + (" --quick" if quick else "")


def run_protocol(module: ModuleType, *, name: str, label: str, quick: bool, out_dir: Path, docs_dir: Path,
                 seed: int, resume: bool, settings: Mapping[str, Any] | None = None,
                 regenerate: str | None = None) -> StageOutput:
    """Run ``module``'s measure, checks, render (and publish, if it has one); write the record; return what was
    written.

    ``label`` names the experiment in headline bullets (``Fig. 1``, ``Fig. 1 (quick form)`` if ``quick``). Unless
    ``resume``, the checkpoint of earlier runs under ``out_dir/checkpoint`` is cleared first. ``settings`` are
    keyword arguments of ``measure`` other than its defaults (the transforms of ``escort battery``), and
    ``regenerate`` the command that reruns them (default: ``escort run NAME``).
    """
    start = time.perf_counter()
    out_dir = Path(out_dir)
    checkpoint = Checkpoint(out_dir / "checkpoint")
    if not resume:
        checkpoint.clear()
    measure: Callable[..., Measurement] = module.measure
    result = measure(quick=quick, seed=seed, checkpoint=checkpoint, **(settings or {}))
    checks: tuple[Verdict, ...] = tuple(module.checks(result))
    paths = tuple(module.render(result, out_dir))
    if hasattr(module, "publish"):
        paths += tuple(module.publish(result, out_dir=out_dir, docs_dir=Path(docs_dir)))
    record = write_record(out_dir=out_dir, stem=name, command=regenerate or command(name, quick=quick),
                          parameters=result.parameters, seed=seed, checks=checks, results=result.results,
                          wall_time=time.perf_counter() - start, timings=getattr(result, "timings", None))
    bullets = tuple(c.headline(f"{label} (quick form)" if quick else label) for c in checks)
    problems = tuple(b for c, b in zip(checks, bullets) if not c.passed)
    return StageOutput(name, (*paths, *record), bullets + tuple(result.notes), problems)
