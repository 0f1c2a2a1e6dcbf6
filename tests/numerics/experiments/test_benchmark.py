"""numerics.experiments.benchmark: the three methods compute the same thing, measurements and ratios are well formed, CLI wiring.

No timing is asserted (performance is reported by ``escort bench``, never tested).
"""

from __future__ import annotations

import numpy as np
import pytest

from escort.cli import build_parser
from numerics.environments import bandit
from numerics.engine import run_bandit
from numerics.experiments.benchmark import (
    METHODS, Measurement, _naive_loop, _problems, _ratios, batch_gain_limits, escape_sweep, measure_throughput,
)


@pytest.mark.parametrize("algorithm", ["spg", "epg"])
def test_the_naive_baseline_computes_the_same_trajectory_as_the_batched_paths(algorithm):
    """The three timed methods must do the same work, or their ratio means nothing."""
    rng = np.random.default_rng(0)
    transform = "softmax" if algorithm == "spg" else "escort"
    theta = bandit.initial_parameters(rng, 3, 5, transform=transform)
    r = bandit.random_rewards(rng, 3, 5)
    naive = _naive_loop(algorithm, theta, r, 40)
    for backend in ("numpy", "compiled"):
        batched = run_bandit(algorithm, theta, r, 40, backend=backend).theta_final
        assert np.allclose(naive, batched, rtol=1e-12, atol=0)


def test_measurement_reports_runs_times_steps_per_second():
    measurement = measure_throughput("numpy", "spg", 5, 4, budget=0.0)
    assert measurement.steps == 1 and measurement.batch == 4
    assert measurement.throughput == pytest.approx(4 / measurement.seconds)


def test_ratios_pair_the_methods_of_one_configuration():
    measurements = [Measurement("spg", method, 5, 1, 10, seconds) for method, seconds in zip(METHODS, (8.0, 2.0, 0.01))]
    (row,) = _ratios(measurements)
    assert row["compiled_over_naive"] == pytest.approx(800.0)
    assert row["numpy_over_naive"] == pytest.approx(4.0)
    assert row["compiled_over_numpy"] == pytest.approx(200.0)


def test_escape_sweep_reports_times_and_slope():
    sweep = escape_sweep(np.array([1e-1, 1e-2, 1e-3]), runs=2)
    times = np.array(sweep["escape_times"])
    assert times.shape == (3, 2) and np.all(np.isfinite(times))
    assert np.all(np.diff(np.median(times, axis=1)) > 0)
    assert sweep["log_log_slope"] < 0 and sweep["wall_seconds"] > 0


def test_cli_has_the_bench_subcommand():
    args = build_parser().parse_args(["bench", "--quick", "--json", "out.json"])
    assert args.quick and str(args.json) == "out.json" and args.command == "bench"


def test_the_c_ratio_and_the_batch_gain_are_reported_and_judged():
    """numba/C is the compiled time over C's; a slow compiled path, a small batch gain and a C run that
    disagrees are each named as a missed target."""
    seconds = {"naive": 10.0, "numpy": 5.0, "compiled": 0.02, "c": 0.01}
    measurements = [Measurement("spg", m, 5, 1, 10, t) for m, t in seconds.items()]
    measurements += [Measurement("spg", m, 5, 1000, 10, 1000 * t * 0.9) for m, t in seconds.items()]
    agreement = {("spg", 5, 1): {"steps": 10, "relative_gap": 1e-9, "sign_changes_equal": True}}
    single, batched = _ratios(measurements, agreement)
    assert single["numba_over_c"] == pytest.approx(2.0) and batched["compiled_batch_gain"] == pytest.approx(1 / 0.9)
    problems = " ".join(_problems([single, batched], {"wall_seconds": 1.0}))
    assert "2x the time of C" in problems and "1.11x faster than at B=1" in problems and "differs" in problems
    fine = {**single, "numba_over_c": 1.2, "c_agreement": {**agreement[("spg", 5, 1)], "relative_gap": 1e-14}}
    assert _problems([fine], {"wall_seconds": 1.0}) == []


def test_the_batch_gain_limit_is_the_fixed_part_of_a_step():
    """Steps costing 20 ns + 2 ns·K at B = 1: c₀ = 20 ns, c₁ = 2 ns, and at K = 100 batching can save at most
    the 20 of 220 ns (220/200 = 1.1x); a step that is all fixed cost leaves a large possible gain."""
    def rows(fixed: float, per_action: float) -> list[dict]:
        return [
            {"algorithm": "spg", "K": K, "batch": 1, "compiled_run_steps_per_second": 1e9 / (fixed + per_action * K)}
            for K in (5, 100)
        ]

    (limit,) = batch_gain_limits(rows(20.0, 2.0))
    assert limit["fixed_ns"] == pytest.approx(20.0) and limit["per_action_ns"] == pytest.approx(2.0)
    assert limit["K"] == 100 and limit["max_batch_gain"] == pytest.approx(1.1)
    assert batch_gain_limits(rows(200.0, 0.1))[0]["max_batch_gain"] > 10
