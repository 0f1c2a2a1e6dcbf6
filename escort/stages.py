"""Steps of a long pipeline that never take each other down, and their outcomes saved as they finish.

A :class:`Step` is one call that produces a :class:`~foundation.artifacts.StageOutput` (a derivation, a figure, a
table). :func:`run_step` runs it and returns a :class:`StepRecord`: the output if it finished, or the error in one
line if an :class:`~foundation.validation.InputError` or any other exception stopped it (the traceback goes to a file
beside the record). Ctrl-C is not caught: it stops the pipeline, and every record saved so far is kept.

Records are saved under ``<out_dir>/stages/``: ``<step>.json`` holds the outcome (deterministic: same seed, same
bytes), ``<step>.provenance.json`` the run's provenance and wall time, ``<step>.traceback.txt`` a failure's
traceback. :func:`load_records` reads them back, so ``escort report`` re-renders without re-running.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from foundation.artifacts import StageOutput, atomic_write_text, provenance, write_json
from foundation.validation import InputError, check_json_file
from foundation.executor import describe

__all__ = [
    "RunSettings", "Step", "StepRecord", "load_readable_records", "load_records", "record_folder", "run_step",
    "save_record",
]


@dataclass(frozen=True)
class RunSettings:
    """What every step of one ``escort all`` run shares: size, folders, seed, and whether to resume."""

    quick: bool
    out_dir: Path
    docs_dir: Path
    seed: int
    resume: bool

    @property
    def command(self) -> str:
        """The command line that reproduces this run."""
        flags = ["--quick"] if self.quick else []
        flags += [f"--out {self.out_dir.as_posix()}", f"--docs {self.docs_dir.as_posix()}", f"--seed {self.seed}"]
        return "escort all " + " ".join(flags)


@dataclass(frozen=True)
class Step:
    """One unit of a stage: ``stage`` groups steps in the report (``figures``), ``name`` is unique (``fig3``)."""

    stage: str
    name: str
    run: Callable[[RunSettings], StageOutput]


@dataclass(frozen=True)
class StepRecord:
    """The outcome of one step: ``output`` if it finished, else ``error`` (one line); ``seconds`` of wall time."""

    stage: str
    name: str
    quick: bool
    seed: int
    output: StageOutput | None = None
    error: str | None = None
    seconds: float | None = None

    @property
    def ok(self) -> bool:
        """True if the step finished and returned its output."""
        return self.error is None

    def is_complete_for(self, settings: RunSettings) -> bool:
        """True if this record finished with ``settings``' size and seed and all its files still exist."""
        return (
            self.ok
            and self.output is not None
            and (self.quick, self.seed) == (settings.quick, settings.seed)
            and all(Path(path).exists() for path in self.output.paths)
        )


def _one_line(error: BaseException) -> str:
    message = str(error).strip().splitlines()
    text = message[0] if message else ""
    kind = "bad input" if isinstance(error, InputError) else type(error).__name__
    return f"{kind}: {text}" if text else kind


def run_step(step: Step, settings: RunSettings) -> StepRecord:
    """Run ``step``; an exception becomes a failed record (one-line error, traceback file), never propagates.

    ``KeyboardInterrupt`` propagates so that Ctrl-C stops the whole run.
    """
    start = time.perf_counter()
    base = {"stage": step.stage, "name": step.name, "quick": settings.quick, "seed": settings.seed}
    try:
        output = step.run(settings)
    except Exception as error:  # noqa: BLE001 - a broken stage is reported, and the others still run
        folder = record_folder(settings.out_dir)
        atomic_write_text(folder / f"{step.name}.traceback.txt", traceback.format_exc())
        return StepRecord(**base, error=_one_line(error), seconds=time.perf_counter() - start)
    if not isinstance(output, StageOutput):
        message = f"TypeError: step returned {type(output).__name__}, expected StageOutput"
        return StepRecord(**base, error=message, seconds=time.perf_counter() - start)
    return StepRecord(**base, output=output, seconds=time.perf_counter() - start)


def record_folder(out_dir: Path) -> Path:
    """The folder that holds the saved step records of a run writing raw results to ``out_dir``."""
    return Path(out_dir) / "stages"


def save_record(record: StepRecord, settings: RunSettings) -> None:
    """Save ``record`` (deterministic JSON) and its provenance (versions, commit, wall time) atomically."""
    folder = record_folder(settings.out_dir)
    data: dict[str, Any] = {
        "stage": record.stage,
        "name": record.name,
        "quick": record.quick,
        "seed": record.seed,
        "error": record.error,
        "output": None if record.output is None else _output_to_dict(record.output),
    }
    write_json(folder / f"{record.name}.json", data)
    parameters = {
        "quick": settings.quick, "out_dir": settings.out_dir, "docs_dir": settings.docs_dir, "executor": describe()
    }
    write_json(
        folder / f"{record.name}.provenance.json",
        provenance(command=settings.command, parameters=parameters, seed=settings.seed, wall_time=record.seconds),
    )
    if record.ok:
        (folder / f"{record.name}.traceback.txt").unlink(missing_ok=True)


def _output_to_dict(output: StageOutput) -> dict[str, Any]:
    return {
        "name": output.name,
        "paths": [Path(p).as_posix() for p in output.paths],
        "headline": list(output.headline),
        "problems": list(output.problems),
    }


def _output_from_dict(data: Mapping[str, Any]) -> StageOutput:
    return StageOutput(
        name=str(data["name"]),
        paths=tuple(Path(p) for p in data["paths"]),
        headline=tuple(str(line) for line in data["headline"]),
        problems=tuple(str(line) for line in data["problems"]),
    )


_RECORD_FIELDS = ("stage", "name", "quick", "seed", "error", "output")


def _record_from_file(path: Path) -> StepRecord:
    try:
        data = check_json_file(path, name="stage record", required=_RECORD_FIELDS)
    except InputError as error:
        raise InputError(f"{error}; it may have been cut short: delete it, or run 'escort all --resume' to redo "
                         "that step") from None
    try:
        output = None if data["output"] is None else _output_from_dict(data["output"])
        record = StepRecord(
            stage=str(data["stage"]),
            name=str(data["name"]),
            quick=bool(data["quick"]),
            seed=int(data["seed"]),
            output=output,
            error=None if data["error"] is None else str(data["error"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(
            f"stage record must hold the fields {', '.join(_RECORD_FIELDS)} as written by 'escort all'; "
            f"{path}: {type(error).__name__}: {error}"
        ) from None
    provenance_path = path.with_name(f"{path.stem}.provenance.json")
    seconds = (
        check_json_file(provenance_path, name="provenance file").get("wall_time_seconds")
        if provenance_path.exists() else None
    )
    return replace(record, seconds=seconds)


def load_records(out_dir: Path, names: Iterable[str]) -> dict[str, StepRecord]:
    """The saved records of the steps ``names`` under ``out_dir`` (steps without a record are left out)."""
    folder = record_folder(out_dir)
    return {name: _record_from_file(folder / f"{name}.json") for name in names if (folder / f"{name}.json").exists()}


def load_readable_records(out_dir: Path, names: Iterable[str]) -> tuple[dict[str, StepRecord], list[str]]:
    """Like :func:`load_records`, for ``--resume``: an unreadable record (e.g. cut short) is left out and named in
    the second value (one line each), so that its step runs again instead of stopping the run."""
    records, unreadable = {}, []
    for name in names:
        try:
            records |= load_records(out_dir, [name])
        except InputError as error:
            unreadable.append(f"stage record of {name} is unreadable ({str(error).split(';')[0]})")
    return records, unreadable
