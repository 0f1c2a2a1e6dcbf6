"""``escort bench``: throughput of the bandit step loop, three ways, measured side by side in one process.

* ``naive``    — a Python loop over runs and over steps, one numpy step rule call on a (1, K) row per step;
* ``numpy``    — :func:`numerics.engine.run_bandit` with ``backend="numpy"`` (all B runs in one array);
* ``compiled`` — the same with ``backend="compiled"`` (:mod:`numerics.engine.compiled`, numba).

Each is timed for SPG (η = 0.4) and EPG (Theorem 2 step, p = 2) with K ∈ {5, 100} and B ∈ {1, 1000}, in
runs·steps per second; the number of steps doubles until one timing lasts at least the time budget, so slow
and fast methods are both measured over a meaningful interval. The compiled kernel is called once before timing
(loading its on-disk cache is not throughput). Ratios compiled/naive, numpy/naive and compiled/numpy are formed
from numbers measured minutes apart in the same process; on a shared machine the absolute numbers are noisy but
the ratios are the quantity of interest.

Then the escape-time sweep of Fig. 2(a): K = 5, r = (0.9, 0.1, …, 0.1) (gap Δ = 0.8), SPG with η = 0.4 from
π₁(a*) = 1e-1 … 1e-7, each run until escape (:func:`numerics.engine.escape_times`), compiled backend;
its wall time, the escape times and the log-log slope fitted to the smallest three π₁(a*) (Section 2: it
approaches −1) are reported.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from foundation.artifacts import StageOutput, provenance, write_json
from numerics.environments import bandit
from numerics.analysis.statistics import fit_line
from numerics.engine import ALGORITHMS, escape_times, run_bandit
from numerics.engine.rules import StepParameters

__all__ = ["METHODS", "Measurement", "measure_throughput", "run_benchmark", "escape_sweep"]

METHODS: tuple[str, ...] = ("naive", "numpy", "compiled")
SEED = 0
ESCAPE_GAP, ESCAPE_BASE, ESCAPE_K = 0.8, 0.1, 5
ASYMPTOTIC_POINTS = 3
"""The slope is fitted to the smallest three π₁(a*): Section 2 says it *approaches* −1 as π₁(a*) decreases."""


@dataclass(frozen=True)
class Measurement:
    """One timing: ``steps`` updates of each of ``batch`` runs took ``seconds``."""

    algorithm: str
    method: str
    K: int
    batch: int
    steps: int
    seconds: float

    @property
    def throughput(self) -> float:
        """Runs·steps per second."""
        return self.batch * self.steps / self.seconds


def _naive_loop(algorithm: str, theta: np.ndarray, r: np.ndarray, steps: int) -> np.ndarray:
    """The baseline: for each run, for each step, call the numpy step rule on that run's (1, K) row."""
    spec = ALGORITHMS[algorithm]
    final = np.empty_like(theta)
    for b in range(theta.shape[0]):
        row, rewards = theta[b : b + 1], r[b : b + 1]
        params = StepParameters(p=2.0, eta=0.4, tau=0.0, K=theta.shape[1], astar=np.argmax(rewards, axis=-1)[:, None])
        for _ in range(steps):
            row = spec.step(row, rewards, params)
        final[b] = row[0]
    return final


def _run_once(method: str, algorithm: str, theta: np.ndarray, r: np.ndarray, steps: int) -> None:
    if method == "naive":
        _naive_loop(algorithm, theta, r, steps)
    else:
        run_bandit(algorithm, theta, r, steps, p=2.0, eta=0.4, record_every=max(steps, 1), backend=method)


def measure_throughput(method: str, algorithm: str, K: int, batch: int, *, budget: float) -> Measurement:
    """Time ``method`` on ``batch`` runs of ``algorithm`` with K actions, doubling the steps until ≥ ``budget`` s."""
    rng = np.random.default_rng(SEED)
    transform = ALGORITHMS[algorithm].transform
    theta = bandit.initial_parameters(rng, batch, K, transform=transform, optimal_probability=0.5 / K)
    r = bandit.random_rewards(rng, batch, K)
    if method == "compiled":
        _run_once(method, algorithm, theta, r, 1)
    steps = 1
    while True:
        start = time.perf_counter()
        _run_once(method, algorithm, theta, r, steps)
        seconds = time.perf_counter() - start
        if seconds >= budget:
            return Measurement(algorithm, method, K, batch, steps, seconds)
        steps *= 2 if seconds > budget / 8 else 8


def escape_sweep(probabilities: np.ndarray, *, runs: int) -> dict:
    """Escape times of SPG (η = 0.4) from π₁(a*) = each probability, ``runs`` runs each, and the wall time."""
    rng = np.random.default_rng(SEED)
    r = bandit.gap_rewards(ESCAPE_K, gap=ESCAPE_GAP, base=ESCAPE_BASE)
    start = time.perf_counter()
    times = []
    for q in probabilities:
        theta = bandit.initial_parameters(rng, runs, ESCAPE_K, transform="softmax", optimal_probability=float(q))
        times.append(escape_times(theta, r, max_steps=int(100 / q), backend="compiled"))
    wall = time.perf_counter() - start
    medians = np.median(np.array(times), axis=1)
    tail = slice(-ASYMPTOTIC_POINTS, None)
    finite = np.all(np.isfinite(medians[tail]))
    slope = fit_line(np.log(probabilities[tail]), np.log(medians[tail])).slope if finite else None
    return {
        "optimal_probability": probabilities.tolist(),
        "escape_times": np.array(times).tolist(),
        "log_log_slope": slope,
        "wall_seconds": wall,
    }


def _ratios(measurements: list[Measurement]) -> list[dict]:
    by_key = {(m.algorithm, m.K, m.batch, m.method): m.throughput for m in measurements}
    rows = []
    for algorithm, K, batch in sorted({(m.algorithm, m.K, m.batch) for m in measurements}):
        speed = {method: by_key[(algorithm, K, batch, method)] for method in METHODS}
        rows.append(
            {
                "algorithm": algorithm,
                "K": K,
                "batch": batch,
                **{f"{method}_run_steps_per_second": speed[method] for method in METHODS},
                "compiled_over_naive": speed["compiled"] / speed["naive"],
                "numpy_over_naive": speed["numpy"] / speed["naive"],
                "compiled_over_numpy": speed["compiled"] / speed["numpy"],
            }
        )
    return rows


def _table(rows: list[dict]) -> tuple[str, ...]:
    header = "| algorithm | K | B | naive | numpy | compiled | numpy/naive | compiled/naive | compiled/numpy |"
    lines = [header, "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(
            f"| {row['algorithm']} | {row['K']} | {row['batch']} | {row['naive_run_steps_per_second']:.3g} | "
            f"{row['numpy_run_steps_per_second']:.3g} | {row['compiled_run_steps_per_second']:.3g} | "
            f"{row['numpy_over_naive']:.3g} | {row['compiled_over_naive']:.3g} | {row['compiled_over_numpy']:.3g} |"
        )
    return tuple(lines)


def run_benchmark(*, quick: bool = False, json_path: Path | None = None) -> StageOutput:
    """Measure the table and the escape sweep; write JSON (+ provenance) if ``json_path`` is given.

    ``quick``: 0.1 s per timing and the sweep down to π₁(a*) = 1e-5 (instead of 0.3 s and down to 1e-7); one
    run per π₁(a*), the other K − 1 logits random. ``headline`` holds the Markdown table and the sweep line;
    ``problems`` names every target missed (compiled ≥ 100× naive, sweep < 60 s).
    """
    started = time.perf_counter()
    budget = 0.1 if quick else 0.3
    measurements = [
        measure_throughput(method, algorithm, K, batch, budget=budget)
        for algorithm in ("spg", "epg")
        for K in (5, 100)
        for batch in (1, 1000)
        for method in METHODS
    ]
    rows = _ratios(measurements)
    probabilities = np.logspace(-1, -5 if quick else -7, 5 if quick else 7)
    sweep = escape_sweep(probabilities, runs=1)
    problems = [
        f"compiled is only {row['compiled_over_naive']:.3g}x the naive loop for {row['algorithm']} K={row['K']} "
        f"B={row['batch']} (target >= 100x)"
        for row in rows
        if row["compiled_over_naive"] < 100
    ]
    if sweep["wall_seconds"] >= 60:
        problems.append(f"escape-time sweep took {sweep['wall_seconds']:.1f} s (target < 60 s)")
    sweep_line = (
        f"- escape-time sweep (K = 5, Δ = {ESCAPE_GAP}, π₁(a*) = 1e-1 … {probabilities[-1]:.0e}): "
        f"{sweep['wall_seconds']:.1f} s; log-log slope of t₀ against the smallest three π₁(a*) = "
        f"{sweep['log_log_slope']:.3f}"
    )
    data = {
        "quick": quick,
        "budget_seconds": budget,
        "measurements": [m.__dict__ | {"run_steps_per_second": m.throughput} for m in measurements],
        "ratios": rows,
        "escape_sweep": sweep,
    }
    paths: tuple[Path, ...] = ()
    if json_path is not None:
        write_json(json_path, data)
        info = provenance(command="escort bench" + (" --quick" if quick else ""), parameters={"quick": quick},
                          seed=SEED, wall_time=time.perf_counter() - started)
        provenance_path = json_path.with_name(json_path.stem + ".provenance.json")
        write_json(provenance_path, info)
        paths = (json_path, provenance_path)
    return StageOutput(name="bench", paths=paths, headline=(*_table(rows), sweep_line), problems=tuple(problems))
