"""numerics.experiments.benchmark: the three methods compute the same thing, measurements and ratios are well formed, CLI wiring.

No timing is asserted (performance is reported by ``escort bench``, never tested).
"""

from __future__ import annotations

import numpy as np
import pytest

from escort.cli import build_parser
from numerics.environments import bandit
from numerics.engine import run_bandit
from numerics.experiments.benchmark import METHODS, Measurement, _naive_loop, _ratios, escape_sweep, measure_throughput


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
