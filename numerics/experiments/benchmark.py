"""``escort bench``: throughput of the bandit step loop, four ways, measured side by side in one process.

* ``naive``    — a Python loop over runs and over steps, one numpy step rule call on a (1, K) row per step;
* ``numpy``    — :func:`numerics.engine.run_bandit` with ``backend="numpy"`` (all B runs in one array);
* ``compiled`` — the same with ``backend="compiled"`` (:mod:`numerics.engine.compiled`, numba);
* ``c``        — the C reference (:mod:`numerics.engine.c_reference`): the same loops in plain C, built with the system
  C compiler (skipped, with a note, when there is none). It says how far the compiled path is from what the
  hardware allows; before its times count, its θ after the timed horizon must equal the compiled path's to
  1e-12 relative to each run's max|θ|, with the same sign changes (:func:`c_agreement`).

Each is timed for SPG (η = 0.4) and EPG (Theorem 2 step, p = 2) with K ∈ {5, 100} and B ∈ {1, 1000}, in
runs·steps per second; the number of steps doubles until one timing lasts at least the time budget, so slow
and fast methods are both measured over a meaningful interval. The compiled kernel is called once before timing
(loading its on-disk cache is not throughput). Then all methods of a configuration are timed in turn for a few
rounds and each keeps its median: on a shared machine the absolute numbers are noisy, and the ratios, formed from
times taken seconds apart, are the quantity of interest.

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
from numerics.engine.methods import StepParameters
from numerics.engine.c_reference import CReference, build

__all__ = [
    "METHODS", "Measurement", "batch_gain_limits", "c_agreement", "escape_sweep", "measure_configuration",
    "measure_throughput", "run_benchmark", "run_relative_gap",
]

METHODS: tuple[str, ...] = ("naive", "numpy", "compiled", "c")
"""``c`` is the C reference (:mod:`numerics.c_reference`), left out when no C compiler is found."""
SEED = 0
P, ETA = 2.0, 0.4
"""EPG's p (Theorem 2's step) and SPG's step size in the throughput table."""
MAX_NUMBA_OVER_C = 1.5
"""Target: the compiled path takes at most 1.5 times the C reference's time per run-step at B = 1."""
MIN_BATCH_GAIN = 2.0
"""Target: a run-step of the compiled path costs at most half as much at B = 1000 as at B = 1."""
C_AGREEMENT = 1e-12
"""The C reference and the compiled path must agree to this difference in θ, relative to each run's max|θ|, over
the timed horizon (see :func:`c_agreement`)."""
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
        params = StepParameters(p=P, eta=ETA, tau=0.0, K=theta.shape[1], astar=np.argmax(rewards, axis=-1)[:, None])
        for _ in range(steps):
            row = spec.step(row, rewards, params)
        final[b] = row[0]
    return final


def _start(algorithm: str, K: int, batch: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    transform = ALGORITHMS[algorithm].transform
    theta = bandit.initial_parameters(rng, batch, K, transform=transform, optimal_probability=0.5 / K)
    return theta, bandit.random_rewards(rng, batch, K)


def _runner(method: str, algorithm: str, theta: np.ndarray, r: np.ndarray, reference: CReference | None):
    """steps ↦ one timed call of ``method`` on these runs."""
    if method == "naive":
        return lambda steps: _naive_loop(algorithm, theta, r, steps)
    if method == "c":
        return lambda steps: reference.run(algorithm, theta, r, steps, p=P, eta=ETA)
    return lambda steps: run_bandit(
        algorithm, theta, r, steps, p=P, eta=ETA, record_every=max(steps, 1), backend=method
    )


def _seconds(run, steps: int) -> float:
    start = time.perf_counter()
    run(steps)
    return time.perf_counter() - start


def _calibrate(run, *, budget: float) -> int:
    """The number of steps (doubling, or ×8 while far off) at which one call lasts at least ``budget`` s."""
    steps = 1
    while (seconds := _seconds(run, steps)) < budget:
        steps *= 2 if seconds > budget / 8 else 8
    return steps


def measure_configuration(
    algorithm: str, K: int, batch: int, methods: tuple[str, ...], *, budget: float, repeats: int,
    reference: CReference | None = None,
) -> list[Measurement]:
    """Time each of ``methods`` on the same ``batch`` runs, ``repeats`` rounds taking the methods in turn (so a
    disturbance of a shared machine hits all of them alike); each method's median time over the rounds."""
    theta, r = _start(algorithm, K, batch)
    runners = {method: _runner(method, algorithm, theta, r, reference) for method in methods}
    if "compiled" in runners:
        _seconds(runners["compiled"], 1)  # loading numba's on-disk cache is not throughput
    steps = {method: _calibrate(run, budget=budget) for method, run in runners.items()}
    times: dict[str, list[float]] = {method: [] for method in methods}
    for _ in range(repeats):
        for method, run in runners.items():
            times[method].append(_seconds(run, steps[method]))
    return [Measurement(algorithm, m, K, batch, steps[m], float(np.median(times[m]))) for m in methods]


def measure_throughput(method: str, algorithm: str, K: int, batch: int, *, budget: float) -> Measurement:
    """One method alone, one round: :func:`measure_configuration` for ``(method,)``."""
    return measure_configuration(algorithm, K, batch, (method,), budget=budget, repeats=1)[0]


def c_agreement(reference: CReference, algorithm: str, K: int, batch: int, steps: int) -> dict:
    """How far the C reference's θ is from the compiled path's after ``steps`` updates of the benchmark's runs:
    max over runs b of max_a |θ_C(b, a) − θ_numba(b, a)| / max_a |θ(b, a)| (``relative_gap``, the larger θ of the
    two in the denominator), and whether both counted the same sign changes.

    Why relative to the run's largest entry and not entry by entry: both compilers may re-associate sums and fuse
    multiply-adds (fast-math), so each update of θ(a) differs by a few ε·max|θ| between them. An entry that later
    cancels towards 0 keeps that absolute difference, so its own relative difference is amplified by
    max|θ|/|θ(a)|. Measured (SPG, B = 1000): entry-wise gaps of 1.1e-12 (K = 5, 4096 steps) and 6.7e-12
    (K = 100, 1024 steps), at entries |θ(a)| ≈ 8e-4 and 2e-5 of runs with max|θ| ≈ 5 and 9, while the run-wise
    gap above stayed ≤ 3.4e-14 in every configuration of the bench, at B = 1 over 2^19–2^21 steps as well; the
    exponential is not the cause (a C build using the compiled path's polynomial e^x in place of glibc's gave
    the same entry-wise gaps, 1.06e-12 and 5.0e-12 after 1000 steps). So C_AGREEMENT = 1e-12 on this measure
    leaves a 30-fold margin over rounding and still catches a change of the step size by 1e-9 (tested).
    """
    theta, r = _start(algorithm, K, batch)
    compiled = run_bandit(algorithm, theta, r, steps, p=P, eta=ETA, record_every=steps, backend="compiled")
    final, flips = reference.run(algorithm, theta, r, steps, p=P, eta=ETA)
    return {
        "steps": steps,
        "relative_gap": run_relative_gap(final, compiled.theta_final),
        "sign_changes_equal": bool(np.array_equal(flips, compiled.sign_changes)),
    }


def run_relative_gap(first: np.ndarray, second: np.ndarray) -> float:
    """max_b max_a |first(b, a) − second(b, a)| / max_a max(|first(b, a)|, |second(b, a)|) for (B, K) arrays of θ
    (0 for a run that is 0 in both)."""
    scale = np.maximum(np.max(np.abs(first), axis=1), np.max(np.abs(second), axis=1))
    difference = np.max(np.abs(first - second), axis=1)
    return float(np.max(difference / np.where(scale > 0, scale, 1.0)))


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


def _ratios(measurements: list[Measurement], agreement: dict | None = None) -> list[dict]:
    """One row per (algorithm, K, B): speeds, their ratios and, where the C reference ran, numba/C = the compiled
    path's time over C's and the agreement check; B > 1 rows carry the compiled speed-up over B = 1 per run-step."""
    by_key = {(m.algorithm, m.K, m.batch, m.method): m.throughput for m in measurements}
    rows = []
    for algorithm, K, batch in sorted({(m.algorithm, m.K, m.batch) for m in measurements}):
        speed = {method: by_key.get((algorithm, K, batch, method)) for method in METHODS}
        row = {
            "algorithm": algorithm,
            "K": K,
            "batch": batch,
            **{f"{method}_run_steps_per_second": speed[method] for method in METHODS},
            "compiled_over_naive": speed["compiled"] / speed["naive"],
            "numpy_over_naive": speed["numpy"] / speed["naive"],
            "compiled_over_numpy": speed["compiled"] / speed["numpy"],
            "numba_over_c": None if speed["c"] is None else speed["c"] / speed["compiled"],
            "c_agreement": (agreement or {}).get((algorithm, K, batch)),
        }
        single = by_key.get((algorithm, K, 1, "compiled"))
        row["compiled_batch_gain"] = speed["compiled"] / single if batch > 1 and single else None
        rows.append(row)
    return rows


def batch_gain_limits(rows: list[dict]) -> list[dict]:
    """Per algorithm, what running B runs together can gain at the largest K of the table, from the compiled
    path's nanoseconds per run-step at B = 1 at the two K (a two-point fit t(K) = c₀ + c₁·K).

    One run of K actions is already a vector loop over the actions (every pass of a step, the exponentials
    included), so batching cannot make that work cheaper; it can only spread c₀, the part of a step that does not
    grow with K (loop control, the scalar ends of reductions, the sign count's bookkeeping), over the lanes. The
    gain at K is then at most t(K)/(t(K) − c₀), with c₀ clipped at 0. Measured: c₀ ≈ 26 ns, c₁ ≈ 2.1 ns for SPG,
    so a K = 100 step (≈ 240 ns) can gain at most ≈ 1.1×; the lane kernels of :mod:`numerics.engine.compiled`
    run at K = 100, B = 1000 with 4, 8, 16, 32 lanes took 750, 580, 290, 280 ns per SPG run-step against 320 ns
    one run at a time in the same window (EPG: 810, 670, 355, 360 against 275 ns). The state of one run (θ, r and
    two scratch rows of K = 100 doubles, 3.2 kB) stays in the L1 cache, so the step is bound by arithmetic, not by
    memory traffic. EPG's single runs are no such measure: within the calibrated horizons their smallest
    ρ(a) = |θ(a)|/max|θ| becomes subnormal (K = 100: min ρ = 2e-323 after 2^18 steps, a step then costs 2.2 µs
    against 0.17 µs after 2^14 steps), so EPG's fit and batch gains mix in subnormal arithmetic.
    """
    single = {
        (row["algorithm"], row["K"]): 1e9 / row["compiled_run_steps_per_second"] for row in rows if row["batch"] == 1
    }
    limits = []
    for algorithm in sorted({name for name, _ in single}):
        (small, t_small), (large, t_large) = sorted((K, t) for (name, K), t in single.items() if name == algorithm)
        per_action = (t_large - t_small) / (large - small)
        fixed = t_small - per_action * small
        limits.append({
            "algorithm": algorithm, "K": large, "fixed_ns": fixed, "per_action_ns": per_action,
            "max_batch_gain": t_large / (t_large - max(fixed, 0.0)),
        })
    return limits


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"


def _table(rows: list[dict]) -> tuple[str, ...]:
    header = (
        "| algorithm | K | B | naive | numpy | compiled | C | numpy/naive | compiled/naive | compiled/numpy | "
        "numba/C (time) | compiled B/B=1 |"
    )
    lines = [header, "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        cells = [row[f"{method}_run_steps_per_second"] for method in METHODS]
        cells += [row["numpy_over_naive"], row["compiled_over_naive"], row["compiled_over_numpy"]]
        cells += [row["numba_over_c"], row["compiled_batch_gain"]]
        lines.append(f"| {row['algorithm']} | {row['K']} | {row['batch']} | " + " | ".join(map(_cell, cells)) + " |")
    return tuple(lines)


def _problems(rows: list[dict], sweep: dict) -> list[str]:
    """Every target missed: compiled >= 100x naive; numba/C <= 1.5 at B = 1; per-run-step cost at B > 1 at most
    half that at B = 1; the C reference within 1e-12 of the compiled path (relative to max|θ|); the escape
    sweep under 60 s."""
    problems = []
    for row in rows:
        name = f"{row['algorithm']} K={row['K']} B={row['batch']}"
        if row["compiled_over_naive"] < 100:
            problems.append(f"compiled is only {row['compiled_over_naive']:.3g}x the naive loop for {name} (target >= 100x)")
        if row["batch"] == 1 and row["numba_over_c"] is not None and row["numba_over_c"] > MAX_NUMBA_OVER_C:
            problems.append(f"numba takes {row['numba_over_c']:.3g}x the time of C for {name} (target <= {MAX_NUMBA_OVER_C}x)")
        if row["compiled_batch_gain"] is not None and row["compiled_batch_gain"] < MIN_BATCH_GAIN:
            problems.append(
                f"a run-step of {name} is only {row['compiled_batch_gain']:.3g}x faster than at B=1 "
                f"(target >= {MIN_BATCH_GAIN}x)"
            )
        check = row["c_agreement"]
        if check is not None and (check["relative_gap"] > C_AGREEMENT or not check["sign_changes_equal"]):
            problems.append(
                f"the C reference differs from the compiled path for {name}: gap {check['relative_gap']:.2e} of max|θ| "
                f"after {check['steps']} steps (allowed {C_AGREEMENT:g}), sign changes equal: {check['sign_changes_equal']}"
            )
    if sweep["wall_seconds"] >= 60:
        problems.append(f"escape-time sweep took {sweep['wall_seconds']:.1f} s (target < 60 s)")
    return problems


def run_benchmark(*, quick: bool = False, json_path: Path | None = None) -> StageOutput:
    """Measure the table and the escape sweep; write JSON (+ provenance) if ``json_path`` is given.

    ``quick``: 0.1 s per timing, 3 rounds, the sweep down to π₁(a*) = 1e-5 (instead of 0.3 s, 5 rounds, down to
    1e-7); one run per π₁(a*), the other K − 1 logits random. ``headline`` holds the Markdown table, the C
    reference's build line, the batch gain limits (:func:`batch_gain_limits`) and the sweep line; ``problems``
    names every target missed (:func:`_problems`).
    """
    started = time.perf_counter()
    budget, repeats = (0.1, 3) if quick else (0.3, 5)
    reference, build_note = build()
    methods = METHODS if reference is not None else METHODS[:-1]
    measurements, agreement = [], {}
    for algorithm in ("spg", "epg"):
        for K in (5, 100):
            for batch in (1, 1000):
                timed = measure_configuration(
                    algorithm, K, batch, methods, budget=budget, repeats=repeats, reference=reference
                )
                measurements += timed
                if reference is not None:
                    horizon = next(m.steps for m in timed if m.method == "c")
                    agreement[(algorithm, K, batch)] = c_agreement(reference, algorithm, K, batch, horizon)
    rows = _ratios(measurements, agreement)
    limits = batch_gain_limits(rows)
    probabilities = np.logspace(-1, -5 if quick else -7, 5 if quick else 7)
    sweep = escape_sweep(probabilities, runs=1)
    sweep_line = (
        f"- escape-time sweep (K = 5, Δ = {ESCAPE_GAP}, π₁(a*) = 1e-1 … {probabilities[-1]:.0e}): "
        f"{sweep['wall_seconds']:.1f} s; log-log slope of t₀ against the smallest three π₁(a*) = "
        f"{sweep['log_log_slope']:.3f}"
    )
    reference_line = (
        f"- C reference: `{build_note}`; numba/C is the compiled path's time over C's; medians of {repeats} rounds "
        "taking the methods in turn" if reference is not None else f"- {build_note}"
    )
    data = {
        "quick": quick,
        "budget_seconds": budget,
        "repeats": repeats,
        "c_reference": {"built": reference is not None, "note": build_note},
        "measurements": [m.__dict__ | {"run_steps_per_second": m.throughput} for m in measurements],
        "ratios": rows,
        "batch_gain_limits": limits,
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
    limit_line = "- batch gain limit (compiled ns per run-step at B = 1 fitted as c₀ + c₁·K): " + "; ".join(
        f"{limit['algorithm']} c₀ = {limit['fixed_ns']:.3g} ns, c₁ = {limit['per_action_ns']:.3g} ns, so at most "
        f"{limit['max_batch_gain']:.3g}x at K = {limit['K']}" for limit in limits
    )
    headline = (*_table(rows), reference_line, limit_line, sweep_line)
    return StageOutput(name="bench", paths=paths, headline=headline, problems=tuple(_problems(rows, sweep)))
