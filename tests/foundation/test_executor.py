"""foundation.executor: a sweep gives the serial result on every executor, keeps finished units, survives a dead
worker losing only what it was computing."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from foundation.artifacts import Checkpoint
from foundation.validation import InputError
from foundation.executor import BLAS_THREADS, check_executor, describe, sweep, using


def _units(log: Path, count: int = 6, *, killer: Path | None = None):
    """Units whose values come from their seed; each computation appends its key to ``log``. The unit named by
    ``killer`` kills its own worker process the first time it runs."""

    def compute(seed: int):
        if killer is not None and seed == 2 and not killer.exists():
            killer.write_text("killed")
            os.kill(os.getpid(), signal.SIGKILL)
        with log.open("a") as handle:
            handle.write(f"{seed}\n")
        return np.random.default_rng(seed).random(3).tolist()

    return [(f"unit={seed}", lambda seed=seed: compute(seed)) for seed in range(count)]


def _computed(log: Path) -> list[int]:
    return sorted(int(line) for line in log.read_text().split()) if log.exists() else []


def test_local_pool_gives_the_serial_values_in_unit_order(tmp_path):
    serial = sweep(_units(tmp_path / "serial.log"))
    with using("local"):
        assert describe().startswith("local (")
        parallel = sweep(_units(tmp_path / "local.log"))
    assert parallel == serial and len(serial) == 6
    assert serial != sweep(_units(tmp_path / "other.log", 7))[:6][::-1]


def _blas_threads() -> list[int]:
    return [library["num_threads"] for library in threadpool_info() if library["user_api"] == "blas"]


def test_every_unit_runs_on_one_blas_thread_whatever_its_process_was_set_to():
    units = [(f"unit={i}", _blas_threads) for i in range(4)]
    with threadpool_limits(limits=2, user_api="blas"):
        if max(_blas_threads()) < 2:
            pytest.skip("this machine's BLAS runs one thread only; nothing to limit")
        serial = sweep(units)
        with using("local"):
            pooled = sweep(units)  # the workers are forked here, from a process on 2 BLAS threads
        assert max(_blas_threads()) == 2
    assert all(threads and set(threads) == {BLAS_THREADS} for threads in serial + pooled)


def test_finished_units_are_loaded_not_recomputed(tmp_path):
    checkpoint = Checkpoint(tmp_path / "checkpoint")
    first = sweep(_units(tmp_path / "first.log"), checkpoint=checkpoint, scope="s")
    again = sweep(_units(tmp_path / "again.log"), checkpoint=checkpoint, scope="s")
    assert again == first and _computed(tmp_path / "again.log") == []
    sweep(_units(tmp_path / "other.log"), checkpoint=checkpoint, scope="other settings")
    assert _computed(tmp_path / "other.log") == list(range(6))


def test_a_killed_local_worker_loses_only_unfinished_units(tmp_path):
    checkpoint = Checkpoint(tmp_path / "checkpoint")
    expected = sweep(_units(tmp_path / "serial.log"))
    with using("local"):
        values = sweep(_units(tmp_path / "run.log", killer=tmp_path / "killed"), checkpoint=checkpoint)
    assert (tmp_path / "killed").exists() and values == expected
    computed = _computed(tmp_path / "run.log")
    # a broken pool also ends the units the other workers were running: at most one per worker is recomputed
    assert set(computed) == set(range(6)) and len(computed) <= 6 + os.cpu_count()
    assert all(checkpoint.load(f"unit={seed}") == expected[seed] for seed in range(6))


def test_dask_cluster_gives_the_serial_values_and_survives_a_killed_worker(tmp_path):
    distributed = pytest.importorskip("distributed")
    expected = sweep(_units(tmp_path / "serial.log"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        with using("dask://" + cluster.scheduler_address.removeprefix("tcp://")):
            assert describe().startswith("dask://")
            assert sweep(_units(tmp_path / "dask.log")) == expected
            assert sweep(_units(tmp_path / "kill.log", killer=tmp_path / "killed")) == expected
    computed = _computed(tmp_path / "kill.log")
    assert (tmp_path / "killed").exists() and set(computed) == set(range(6))
    # the scheduler recomputes the killed unit and any result the dead worker held but had not yet handed over
    assert len(computed) < 6 + 3


@pytest.mark.parametrize("spec", ["threads", "dask://", "dask://host", "dask://host:port", ""])
def test_an_unknown_executor_is_an_input_error(spec):
    with pytest.raises(InputError, match="--executor must be"):
        check_executor(spec)


def test_repeated_keys_are_refused():
    with pytest.raises(InputError, match="distinct"):
        sweep([("a", lambda: 1), ("a", lambda: 2)])
