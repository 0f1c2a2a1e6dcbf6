"""Escape time against the initial probability of the optimal action: the measurement behind Questions 3–5.

Theorem 1: SPG with η ∈ (0, 1] cannot escape a suboptimal corner before t₀ = C/(Δ·π₁(a*)). So on the trap
bandit (:mod:`numerics.environments.trap`) the escape step (first t with π_t(a*) ≥ 1/2) of SPG grows at least
like π₁(a*)^{-1}: on log–log axes a slope of −1, or steeper (the theorem is a lower bound). A method that is
not pulled into the well has a slope near 0.

For each method and each π₁(a*) ∈ ``probabilities`` this module runs the same problems (same rewards and
initial policies for every method), records the escape steps, and fits

    log(median escape step) = a + slope · log π₁(a*)

by least squares over the π₁(a*) at which more than half of the runs escaped (the median is then observed);
with fewer than two such points the slope is not reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from foundation.artifacts import Checkpoint, write_csv
from numerics.experiments.protocol import Sizes
from numerics.reporting.plotting import save_png
from numerics.reporting.section import Section
from numerics.analysis.summary import censored_quantile, fmt, markdown_table
from numerics.analysis.first_hit import first_hit
from numerics.analysis.statistics import fit_line
from numerics.environments.trap import ESCAPE_LEVEL, TrapProblem, trap_problem
from foundation.executor import sweep

__all__ = ["ESCAPE_SIZES", "EscapeQuestion", "EscapeResult", "EscapeSettings", "EscapeStudy", "Method",
           "escape_checks", "escape_section", "escape_study", "measure_escape", "render_escape"]

Runner = Callable[[TrapProblem, int, int], tuple[np.ndarray, np.ndarray, np.ndarray]]
"""(problem, steps, records per decade) -> (recorded steps, sub-optimality (R, T'), π_t(a*) (R, T')); the
recorded steps are :func:`numerics.engine.recording_steps` (log-spaced, so early escapes are resolved), or
a prefix of them if the runner stopped once every run had escaped."""


@dataclass(frozen=True)
class Method:
    """A named method: its label in tables and figures and how it runs on a batch of trap problems."""

    label: str
    run: Runner


@dataclass(frozen=True)
class EscapeStudy:
    """Escape steps (NaN: not within ``steps``) per method label and π₁(a*), with the fitted slopes."""

    probabilities: tuple[float, ...]
    steps: int
    runs: int
    escapes: dict[str, list[list[float]]]

    def medians(self, label: str) -> list[float]:
        """Median escape step per π₁(a*) (NaN where half or more of the runs did not escape)."""
        return [censored_quantile(steps, 0.5) for steps in self.escapes[label]]

    def escaped(self, label: str) -> list[int]:
        return [int(np.isfinite(np.array(e, dtype=float)).sum()) for e in self.escapes[label]]

    def slope(self, label: str) -> float:
        """Least-squares slope of log median escape step on log π₁(a*) (NaN with < 2 observed medians)."""
        medians = np.array(self.medians(label))
        observed = np.isfinite(medians)
        if observed.sum() < 2:
            return float("nan")
        log_q = np.log(np.array(self.probabilities)[observed])
        return fit_line(log_q, np.log(np.maximum(medians[observed], 1))).slope

    def table(self) -> str:
        header = ["method", *(f"π₁(a*) = {q:g}: escaped, median step" for q in self.probabilities), "slope"]
        rows = [
            [label, *(f"{n} of {self.runs}, {fmt(m) if np.isfinite(m) else f'> {self.steps}'}"
                      for n, m in zip(self.escaped(label), self.medians(label))),
             fmt(self.slope(label)) if np.isfinite(self.slope(label)) else "n/a"]
            for label in self.escapes
        ]
        return markdown_table(header, rows)

    def write_csv(self, path: Path) -> Path:
        return write_csv(path, ["method", "optimal_probability", "run", "escape_step"], [
            [label, q, run, step]
            for label, per_q in self.escapes.items()
            for q, steps in zip(self.probabilities, per_q)
            for run, step in enumerate(steps)
        ])

    def figure(self, path: Path, *, title: str) -> Path:
        """Median escape step against π₁(a*) on log–log axes, one line per method, with the reference slope −1."""
        fig = Figure(figsize=(6, 4))
        ax = fig.subplots()
        q = np.array(self.probabilities)
        for label in self.escapes:
            slope = fmt(self.slope(label)) if np.isfinite(self.slope(label)) else "n/a"
            ax.plot(q, self.medians(label), marker="o", label=f"{label} (slope {slope})")
        ax.axhline(self.steps, color="grey", linestyle=":", label=f"step budget {self.steps}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("initial π₁(a*)")
        ax.set_ylabel("median escape step (π_t(a*) ≥ 1/2)")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7)
        fig.tight_layout()
        save_png(fig, path, dpi=110)
        return path


def escape_study(
    methods: Sequence[Method], *, K: int, runs: int, probabilities: Sequence[float], steps: int, record_per_decade: int,
    seed: int, checkpoint: Checkpoint, prefix: str,
) -> EscapeStudy:
    """Run every method on the same trap problems for every π₁(a*); finished units come from ``checkpoint``."""
    units = [
        (f"{prefix}/{method.label}/q={q:g}", partial(_escape_unit, method, K, runs, q, [seed, index], steps, record_per_decade))
        for method in methods for index, q in enumerate(probabilities)
    ]
    scope = {"K": K, "runs": runs, "steps": steps, "record_per_decade": record_per_decade}
    values = sweep(units, checkpoint=checkpoint, scope=scope)
    count = len(probabilities)
    escapes = {method.label: values[m * count:(m + 1) * count] for m, method in enumerate(methods)}
    return EscapeStudy(tuple(probabilities), steps, runs, escapes)


def _escape_unit(
    method: Method, K: int, runs: int, q: float, seed: list[int], steps: int, record_per_decade: int
) -> list[float]:
    problem = trap_problem(K, runs=runs, optimal_probability=q, rng=np.random.default_rng(seed))
    recorded, _, optimal = method.run(problem, steps, record_per_decade)
    return first_hit(optimal, recorded, level=ESCAPE_LEVEL).tolist()


@dataclass(frozen=True)
class EscapeSettings:
    """Sizes of an escape study (quick and full forms differ only here)."""

    K: int
    runs: int
    probabilities: tuple[float, ...]
    steps: int
    record_per_decade: int


ESCAPE_SIZES = Sizes(
    quick=EscapeSettings(K=10, runs=12, probabilities=(0.05, 0.02, 0.01), steps=5000, record_per_decade=20),
    full=EscapeSettings(K=10, runs=24, probabilities=(0.05, 0.02, 0.01, 0.005), steps=20_000, record_per_decade=20),
)
"""Quick: 12 runs, π₁(a*) ∈ {0.05, 0.02, 0.01}, 5,000 steps; full: 24 runs, down to 0.005, 20,000 steps."""


def _verdict(study: EscapeStudy, label: str) -> str:
    """Pulled in: at most half the runs escape at the smallest π₁(a*), or slope ≤ −1/2 (nearer −1 than 0)."""
    slope, escaped = study.slope(label), study.escaped(label)[-1]
    smallest = study.probabilities[-1]
    facts = (f"slope {fmt(slope)}" if np.isfinite(slope) else "slope not measurable") + (
        f", escaped in {escaped} of {study.runs} runs at π₁(a*) = {smallest:g}")
    if escaped <= study.runs / 2:
        verdict = "most runs stayed in the trap at the smallest π₁(a*): the gravity well is still there."
    elif np.isfinite(slope) and slope <= -0.5:
        verdict = "its escape time grows with 1/π₁(a*): the gravity well is still there."
    else:
        verdict = "its escape time hardly depends on π₁(a*): no gravity well at these sizes."
    return f"- {label}: {facts} — {verdict}"


@dataclass(frozen=True)
class EscapeQuestion:
    """One of the escape questions (3–5): the stem of its files and the texts of its section."""

    stem: str
    title: str
    question: str
    setup: str


@dataclass(frozen=True)
class EscapeResult:
    """An escape question measured: its sizes, the study and the verdict per method (:func:`_verdict`)."""

    question: EscapeQuestion
    quick: bool
    config: EscapeSettings
    study: EscapeStudy
    conclusions: tuple[str, ...]


def measure_escape(question: EscapeQuestion, methods: Sequence[Method], *, quick: bool, seed: int,
                   checkpoint: Checkpoint) -> EscapeResult:
    """Run an escape study of ``methods`` and state each method's verdict.

    Units are checkpointed under the method's label, so a method that several questions share (SPG η=0.4,
    EPG p=2) runs once per π₁(a*) for all of them.
    """
    config = ESCAPE_SIZES.pick(quick)
    study = escape_study(methods, K=config.K, runs=config.runs, probabilities=config.probabilities,
                         steps=config.steps, record_per_decade=config.record_per_decade, seed=seed,
                         checkpoint=checkpoint, prefix="escape")
    return EscapeResult(question, quick, config, study, tuple(_verdict(study, m.label) for m in methods))


def escape_checks(result: EscapeResult) -> tuple[()]:
    """None: the escape questions are the reviewers', not claims of the paper (their verdicts are the section's
    notes)."""
    return ()


def render_escape(result: EscapeResult, folder: Path) -> tuple[Path, ...]:
    """The escape steps (``<stem>.csv``) and the figure (``<stem>.png``) in ``folder``."""
    stem = result.question.stem
    return (result.study.write_csv(folder / f"{stem}.csv"),
            result.study.figure(folder / f"{stem}.png", title=result.question.title))


def escape_section(result: EscapeResult) -> Section:
    """The findings section of an escape question (figure, table, conclusions)."""
    question, config = result.question, result.config
    return Section(
        title=question.title, question=question.question,
        setup=(f"{question.setup} Trap bandit with K = {config.K}, {config.runs} runs per π₁(a*) (the same problems "
               f"for every method), at most {config.steps} steps. A method escapes when π_t(a*) ≥ 1/2; the slope is "
               "that of log(median escape step) against log π₁(a*) (Theorem 1's lower bound for SPG with η ≤ 1 has "
               "slope −1; steeper is consistent with it); "
               "a method counts as pulled into the well if the slope is ≤ −1/2 or at most half of its runs escape "
               "at the smallest π₁(a*)."),
        figure=f"{question.stem}.png", table=result.study.table(), conclusions=result.conclusions,
    )
