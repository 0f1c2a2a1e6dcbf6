"""``escort all``: every stage of the toolkit in one run, then ``docs/report.md`` and the README's results block.

Stages, in order: derive (SymPy derivations) → check (verdicts on every claim) → figures (Figs. 1–5) → bounds
(theorems' bounds against measured runs) → findings (Fig. 6, the reviewers' questions) → transforms (the battery
of transforms). Every stage after check is read from the one registry of experiments
(:data:`numerics.experiments.registry.EXPERIMENTS`, grouped by each entry's page). Each stage is one or more
:class:`~escort.stages.Step`; a step that an input error or an exception
stops is reported with a one-line error and the other steps still run. Every record is saved as its step
finishes, so ``escort report`` (:func:`render_saved`) re-renders the report without re-running anything, and
``--resume`` skips the steps that already finished with the same size and seed.

The report's summary is assembled from each step's measured :attr:`StageOutput.headline` and
:attr:`StageOutput.problems`; nothing in it is typed here.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from foundation.artifacts import StageOutput, atomic_write_text, strip_bullet
from foundation.validation import InputError, check_output_folder, check_seed
from escort.stages import (
    RunSettings, Step, StepRecord, load_readable_records, load_records, record_folder, run_step, save_record,
)
from numerics.experiments.registry import EXPERIMENTS, Experiment, run_experiment

__all__ = [
    "README_BEGIN", "README_END", "STEPS", "AllResult", "experiment_step", "published_folders", "render_saved",
    "run_all", "saved_published_folders",
]

README_BEGIN = "<!-- report:begin -->"
README_END = "<!-- report:end -->"

_IMAGES = (".png", ".svg", ".jpg", ".jpeg", ".gif")
_README_FIGURES = ("fig3", "fig5", "bounds", "fig1", "fig2", "fig4", "transforms", "fig6")
"""Steps whose first figure the README shows, in order of preference (the first three that have one)."""

_README_FIGURE_COUNT = 3

def _derive(settings: RunSettings) -> StageOutput:
    from theory.export import write_derivations

    return write_derivations(settings.docs_dir)


def _check(settings: RunSettings) -> StageOutput:
    from proofs_check.runner import run_checks

    return run_checks(
        profile="ci", docs_dir=settings.docs_dir, json_path=settings.out_dir / "check" / "verdicts.json",
        progress=False,
    )


def experiment_step(experiment: Experiment) -> Step:
    """The step of ``escort all`` that runs ``experiment`` (its stage: the page it feeds)."""

    def run(settings: RunSettings) -> StageOutput:
        return run_experiment(
            experiment.name, quick=settings.quick, out_dir=settings.out_dir, docs_dir=settings.docs_dir,
            seed=settings.seed, resume=settings.resume,
        )

    return Step(experiment.page, experiment.name, run)


STEPS: tuple[Step, ...] = (
    Step("derive", "derive", _derive),
    Step("check", "check", _check),
    *(experiment_step(experiment) for experiment in EXPERIMENTS.values()),
)
"""Every step of ``escort all``, in the order they run."""


@dataclass(frozen=True)
class AllResult:
    """What ``escort all`` produced: one record per step, and the report (and README) it wrote."""

    records: tuple[StepRecord, ...]
    report: Path
    readme: Path | None

    @property
    def broken(self) -> tuple[StepRecord, ...]:
        """The steps that an error stopped."""
        return tuple(r for r in self.records if not r.ok)


def _by_stage(items: Sequence[Step] | Sequence[StepRecord]) -> dict[str, list]:
    """Steps (or their records) grouped by stage, stages in order of first appearance."""
    grouped: dict[str, list] = {}
    for item in items:
        grouped.setdefault(item.stage, []).append(item)
    return grouped


def run_all(
    *,
    quick: bool = False,
    out_dir: Path = Path("results"),
    docs_dir: Path = Path("docs"),
    seed: int = 0,
    resume: bool = False,
    readme: Path | None = Path("README.md"),
    steps: Sequence[Step] | None = None,
    progress: bool = True,
) -> AllResult:
    """Run every step (saving each record as it finishes), then write ``docs_dir/report.md`` and the README block.

    With ``resume``, a step whose saved record finished with the same ``quick`` and ``seed`` (and whose files
    still exist) is not run again, and the others are asked to skip their finished units. ``readme`` is updated
    between :data:`README_BEGIN` and :data:`README_END` if it exists and holds the markers. ``steps`` defaults
    to :data:`STEPS`.
    """
    steps = STEPS if steps is None else steps
    readme = _readme_with_markers(readme)
    settings = RunSettings(quick=bool(quick), out_dir=check_output_folder(out_dir, name="out_dir"),
                           docs_dir=check_output_folder(docs_dir, name="docs_dir"), seed=check_seed(seed),
                           resume=bool(resume))
    saved = {}
    if resume:
        saved, unreadable = load_readable_records(settings.out_dir, [s.name for s in steps])
        for note in unreadable:
            tqdm.write(f"resume: {note}; the step runs again", file=sys.stderr)
    records: list[StepRecord] = []
    overall = tqdm(total=len(steps), desc="escort all", unit="step", position=0, disable=not progress, file=sys.stderr)
    with overall:
        for stage, members in _by_stage(steps).items():
            bar = tqdm(members, desc=stage, unit="step", position=1, leave=False, disable=not progress, file=sys.stderr)
            for step in bar:
                bar.set_postfix_str(step.name)
                previous = saved.get(step.name)
                skipped = previous is not None and previous.is_complete_for(settings)
                if skipped:
                    record = previous
                else:
                    record = run_step(step, settings)
                    save_record(record, settings)
                records.append(record)
                overall.update(1)
                tqdm.write(_progress_line(record, skipped=skipped), file=sys.stderr)
    return _write_outputs(records, settings, readme)


def _progress_line(record: StepRecord, *, skipped: bool = False) -> str:
    """'figures/fig1: ok (12.3 s) -> results/fig1, docs/figures': how a step ended and where its files went
    ('skipped: finished in an earlier run' when ``--resume`` reused its record)."""
    head = f"{record.stage}/{record.name}: "
    if not record.ok:
        return head + f"failed ({_seconds(record.seconds)}): {record.error}"
    folders = dict.fromkeys(Path(p).parent.as_posix() for p in record.output.paths)
    state = "skipped: finished in an earlier run" if skipped else "ok"
    return head + f"{state} ({_seconds(record.seconds)}) -> " + (", ".join(folders) or "no files")


def published_folders(quick: bool, out_dir: Path) -> tuple[Path, Path | None]:
    """Where a run's pages go by default: ``docs/`` and ``README.md`` for a full run (the one regeneration of the
    published pages), ``out_dir/docs`` and no README for a quick run, so a demo never overwrites them."""
    return (Path("docs"), Path("README.md")) if not quick else (Path(out_dir) / "docs", None)


def saved_published_folders(out_dir: Path) -> tuple[Path, Path | None]:
    """:func:`published_folders` of the run whose stage records are saved under ``out_dir``."""
    saved = _saved_records(out_dir, STEPS)
    return published_folders(next(iter(saved.values())).quick, out_dir)


def _saved_records(out_dir: Path, steps: Sequence[Step]) -> dict[str, StepRecord]:
    saved = load_records(Path(out_dir), [s.name for s in steps])
    if not saved:
        raise InputError(
            f"out_dir must hold the stage records of an earlier 'escort all' run; "
            f"none found in {record_folder(Path(out_dir))}"
        )
    return saved


def render_saved(
    *,
    out_dir: Path = Path("results"),
    docs_dir: Path = Path("docs"),
    readme: Path | None = Path("README.md"),
    steps: Sequence[Step] | None = None,
) -> AllResult:
    """Re-render ``docs_dir/report.md`` (and the README block) from the records saved under ``out_dir``."""
    steps = STEPS if steps is None else steps
    readme = _readme_with_markers(readme)
    saved = _saved_records(out_dir, steps)
    first = next(iter(saved.values()))
    settings = RunSettings(quick=first.quick, out_dir=Path(out_dir),
                           docs_dir=check_output_folder(docs_dir, name="docs_dir"), seed=first.seed, resume=False)
    return _write_outputs([_current(saved.get(s.name), s, first) for s in steps], settings, readme)


def _current(record: StepRecord | None, step: Step, first: StepRecord) -> StepRecord:
    """``record`` if it belongs to the same run as ``first`` (the earliest step's record), else a 'not run' one.

    An interrupted run leaves the records of an older run behind for the steps it did not reach.
    """
    if record is None:
        return StepRecord(step.stage, step.name, first.quick, first.seed, error="not run")
    if (record.quick, record.seed) != (first.quick, first.seed):
        error = f"not run (the saved record is from another run: quick={record.quick}, seed={record.seed})"
        return StepRecord(step.stage, step.name, first.quick, first.seed, error=error)
    return record


def _write_outputs(records: Sequence[StepRecord], settings: RunSettings, readme: Path | None) -> AllResult:
    records = [_published(record, settings.docs_dir) for record in records]
    report = atomic_write_text(settings.docs_dir / "report.md", render_report(records, settings))
    if readme is not None:
        block = render_readme_block(records, settings, readme.parent)
        atomic_write_text(readme, _replace_block(readme.read_text(encoding="utf-8"), block))
    return AllResult(records=tuple(records), report=report, readme=readme)


def _readme_with_markers(readme: Path | None) -> Path | None:
    """``readme`` if it exists and holds the results markers (checked now, before any stage runs), else None."""
    if readme is None or not Path(readme).is_file():
        return None
    text = Path(readme).read_text(encoding="utf-8")
    if README_BEGIN not in text and README_END not in text:
        return None
    _replace_block(text, "")
    return Path(readme)


# --- Markdown ------------------------------------------------------------------------------------------------


def _minutes(seconds: float) -> str:
    """'17 min 32 s' (or '42.0 s' under a minute)."""
    return _seconds(seconds) if seconds < 60 else f"{int(seconds // 60)} min {round(seconds % 60):d} s"


def _seconds(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.1f} s"


def _bullet(line: str) -> str:
    """One Markdown bullet from a headline or problem line, whether or not it already starts with '- '."""
    return "- " + strip_bullet(line)


def _link(path: Path, base: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), Path(base).resolve())).as_posix()


def _failures(records: Sequence[StepRecord]) -> list[str]:
    """'What fails, and where' (every step's problems) and the steps that broke, as Markdown lines."""
    problems = [_bullet(f"**{r.name}**: " + strip_bullet(line)) for r in records if r.ok for line in r.output.problems]
    lines = ["### What fails, and where", ""]
    lines += problems or ["- Nothing: no step reported a claim failing on its stated domain or a bound exceeded."]
    broken = [r for r in records if not r.ok]
    if broken:
        lines += ["", "### Steps that broke", ""] + [f"- **{r.name}** ({r.stage}): {r.error}" for r in broken]
    return lines


def _summary(records: Sequence[StepRecord]) -> list[str]:
    ran = [r for r in records if r.ok]
    lines = [
        "## Summary",
        "",
        f"{len(ran)} of {len(records)} steps ran"
        + ("." if len(ran) == len(records) else f"; {len(records) - len(ran)} broke (listed below).")
        + f" Wall time of the steps: {_minutes(sum(r.seconds or 0.0 for r in records))} in total (each step's time"
        " and executor are in its `stages/<step>.provenance.json`).",
        "",
        "| Stage | Step | Status | Time | Findings | Problems |",
        "|---|---|---|---|---|---|",
    ]
    for r in records:
        counts = f"{len(r.output.headline)} | {len(r.output.problems)}" if r.ok else "– | –"
        status = "ran" if r.ok else "**broke**"
        lines.append(f"| {r.stage} | [{r.name}](#{r.name}) | {status} | {_seconds(r.seconds)} | {counts} |")
    lines += ["", *_failures(records), "", "### What each step measured", ""]
    for record in ran:
        lines.append(f"- **{record.name}**")
        lines += ["  " + _bullet(line) for line in record.output.headline]
    return lines


def _inside(path: Path, folder: Path) -> bool:
    return Path(folder).resolve() in Path(path).resolve().parents


def _section(record: StepRecord, base: Path) -> list[str]:
    """A step's figures (shown), its documents under ``base`` (linked) and its raw files (named)."""
    lines = [f"### {record.name}", ""]
    if not record.ok:
        return lines + [f"Broke: {record.error}", ""]
    paths = [Path(p) for p in record.output.paths]
    images = [p for p in paths if p.suffix.lower() in _IMAGES]
    documents = [p for p in paths if p not in images and _inside(p, base)]
    data = [p for p in paths if p not in images and not _inside(p, base)]
    lines += [f"![{p.stem}]({_link(p, base)})" for p in images] + ([""] if images else [])
    if documents:
        lines += ["Documents: " + ", ".join(f"[{p.name}]({_link(p, base)})" for p in documents), ""]
    if data:
        names = ", ".join(f"`{p.as_posix()}`" for p in data)
        lines += [f"Raw files (under the run's output folder, not in the repository): {names}", ""]
    return lines


def _publish(path: Path, step: str, docs_dir: Path) -> Path:
    """A figure outside ``docs_dir`` copied to ``docs_dir/figures/report/<step>/``, so the docs can show it."""
    if path.suffix.lower() not in _IMAGES or _inside(path, docs_dir) or not path.is_file():
        return path
    target = docs_dir / "figures" / "report" / step / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    return target


def _published(record: StepRecord, docs_dir: Path) -> StepRecord:
    """``record`` with each of its figures outside ``docs_dir`` replaced by a copy inside it.

    A figure the step also wrote under ``docs_dir`` (same file name) is shown once, from there.
    """
    if not record.ok:
        return record
    paths = [Path(p) for p in record.output.paths]
    in_docs = {p.name for p in paths if p.suffix.lower() in _IMAGES and _inside(p, docs_dir)}
    kept = [p for p in paths if p.suffix.lower() not in _IMAGES or _inside(p, docs_dir) or p.name not in in_docs]
    published = tuple(_publish(p, record.name, docs_dir) for p in kept)
    return replace(record, output=replace(record.output, paths=published))


def render_report(records: Sequence[StepRecord], settings: RunSettings) -> str:
    """``report.md``: summary first (from each step's headline and problems), then every figure and table."""
    base = settings.docs_dir
    lines = [
        "# Report: the claims of *Escaping the Gravitational Pull of Softmax*, checked",
        "",
        f"Generated by `{settings.command}`; re-render from the saved stage records with "
        f"`escort report --out {settings.out_dir.as_posix()} --docs {settings.docs_dir.as_posix()}`. "
        "Do not edit by hand.",
        "",
        *_summary(records),
        "",
    ]
    for stage, members in _by_stage(records).items():
        lines += [f"## {stage}", ""]
        for record in members:
            lines += _section(record, base)
    return "\n".join(lines).rstrip("\n") + "\n"


def _readme_figure(record: StepRecord) -> Path | None:
    """The step's first figure, if it has one."""
    return next((Path(p) for p in record.output.paths if Path(p).suffix.lower() in _IMAGES), None)


def _readme_figures(records: Sequence[StepRecord]) -> list[tuple[str, Path]]:
    """The first figure of up to three steps, in the order of :data:`_README_FIGURES`."""
    by_name = {r.name: r for r in records if r.ok}
    figures = ((name, _readme_figure(by_name[name])) for name in _README_FIGURES if name in by_name)
    return [(name, image) for name, image in figures if image is not None][:_README_FIGURE_COUNT]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_readme_block(records: Sequence[StepRecord], settings: RunSettings, readme_dir: Path) -> str:
    """The README's results block: one row per step (its first finding), what fails, two or three key figures."""
    report = _link(settings.docs_dir / "report.md", readme_dir)
    lines = [
        README_BEGIN,
        f"<!-- generated by `{settings.command}`; do not edit by hand -->",
        "",
        "| Step | Status | Time | First finding (all of them in the report) | Problems |",
        "|---|---|---|---|---|",
    ]
    for r in records:
        if r.ok:
            first = _cell(strip_bullet(r.output.headline[0])) if r.output.headline else "–"
            lines.append(f"| {r.name} | ran | {_seconds(r.seconds)} | {first} | {len(r.output.problems)} |")
        else:
            lines.append(f"| {r.name} | **broke** | {_seconds(r.seconds)} | {_cell(r.error)} | – |")
    lines += ["", *_failures(records), ""]
    lines += [f"![{name}]({_link(image, readme_dir)})" for name, image in _readme_figures(records)]
    lines += ["", f"Full report, with every finding, figure and table: [{report}]({report}).", README_END]
    return "\n".join(lines)


def _replace_block(text: str, block: str) -> str:
    start = text.find(README_BEGIN)
    end = text.find(README_END, start)
    if start < 0 or end < 0 or text.count(README_BEGIN) != 1 or text.count(README_END) != 1:
        raise InputError(f"readme must hold {README_BEGIN} once, followed by {README_END} once")
    return text[:start] + block + text[end + len(README_END):]
