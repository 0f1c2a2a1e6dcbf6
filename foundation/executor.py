"""The executor of sweeps: every embarrassingly parallel sweep of the toolkit runs its units through :func:`sweep`
— the runs and seeds of numerics/' experiments and the claims of ``escort check`` (proofs_check/), which is why it
lives in foundation/, below both.

A *unit* is a key and a function of no arguments (a run, a seed, one cell of a rate × seed grid, one claim) whose
value is picklable, and JSON data when the sweep keeps a checkpoint. :func:`sweep` loads the units that finished before (a :class:`foundation.artifacts.Checkpoint` under
the same scope, ``--resume``), submits the others to the current executor, saves each as soon as it returns and
gives the values back in the order of the units, so the result does not depend on where or in which order the
units ran: a sweep run on a process pool or a cluster equals the serial run for the same seed.

Every unit runs on one BLAS thread (:data:`BLAS_THREADS`), on every executor. The workers are the parallelism: a
second BLAS thread per unit only contends for the same cores (a 104-state Four-room solve took 0.07 ms on one
thread, 0.33 ms on two, on this 2-core machine), and BLAS results depend on the thread count (rounding-level
differences in the neural Four-room's values), so one count for every executor keeps a pool's values equal to the
serial run's. A local pool's workers would otherwise keep the thread count of the moment they were forked (the
first sweep of a command), whatever limit a later stage sets in the parent.

Executors (``--executor``), all with the ``concurrent.futures`` interface:

* ``local`` (default): a process pool with one worker per core this process may use;
* ``serial``: every unit in this process, in order;
* ``dask://HOST:PORT``: the workers of a running ``dask.distributed`` scheduler (``pip install
  "escort-toolkit[cluster]"``); ``dask-jobqueue`` can start one on SLURM or PBS.

The executor is a context (:func:`using`), like a precision context of mpmath: the command line opens one for a
whole command and every sweep below it uses it, so experiments keep their signatures.

A worker that dies loses only what it was computing: finished units are already saved; dask reschedules the
lost unit on another worker; a broken local pool is replaced and the unfinished units are submitted again
(at most :data:`RESTARTS` times).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import cloudpickle
from threadpoolctl import threadpool_limits

from foundation.artifacts import Checkpoint
from foundation.validation import InputError

__all__ = [
    "BLAS_THREADS", "RESTARTS", "SerialExecutor", "Unit", "check_executor", "describe", "local_workers", "sweep", "using",
]

Unit = tuple[str, Callable[[], Any]]
"""(key, function of no arguments returning JSON data)."""

BLAS_THREADS = 1
"""BLAS threads of each unit while it runs (module docstring)."""

RESTARTS = 3
"""How often a sweep replaces a broken local process pool before giving up."""

_DASK = "dask://"


class SerialExecutor(Executor):
    """Runs each submitted call at once, in this process (``--executor serial``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001 - handed to the caller through the future, as a pool does
            future.set_exception(error)
        return future


def local_workers() -> int:
    """The cores this process may run on (``os.sched_getaffinity`` where available)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def check_executor(spec: str) -> str:
    """``spec`` if it names an executor ('local', 'serial', 'dask://HOST:PORT'), else InputError."""
    if spec in ("local", "serial"):
        return spec
    address = spec[len(_DASK):] if spec.startswith(_DASK) else ""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise InputError(f"--executor must be 'local', 'serial' or 'dask://HOST:PORT'; got {spec!r}")
    return spec


class _Current:
    """The executor of a context ('local', 'serial' or 'dask://HOST:PORT'), opened on first use; a broken local
    pool is closed and the next :meth:`get` opens a new one."""

    def __init__(self, spec: str) -> None:
        self.spec = check_executor(spec)
        self._executor: Executor | None = None
        self._client: Any = None

    def get(self) -> Executor:
        if self._executor is None:
            self._executor = self._open()
        return self._executor

    def _open(self) -> Executor:
        if self.spec == "serial":
            return SerialExecutor()
        if self.spec == "local":
            return ProcessPoolExecutor(max_workers=local_workers())
        try:
            from distributed import Client
        except ImportError:
            raise InputError(f"--executor {self.spec} needs dask.distributed: pip install 'escort-toolkit[cluster]'") from None
        self._client = Client(f"tcp://{self.spec[len(_DASK):]}", timeout=30)
        return self._client.get_executor(pure=False)

    def close(self) -> None:
        """Shut the executor down."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._client is not None:
            self._client.close()
            self._client = None


_CURRENT: contextvars.ContextVar[_Current] = contextvars.ContextVar("escort_executor", default=_Current("serial"))


@contextlib.contextmanager
def using(spec: str) -> Iterator[None]:
    """Run every :func:`sweep` inside this block on the executor ``spec``; close it at the end.

    Outside any such block sweeps run serially (library use, tests)."""
    current = _Current(spec)
    token = _CURRENT.set(current)
    try:
        yield
    finally:
        _CURRENT.reset(token)
        current.close()


def describe() -> str:
    """The executor sweeps use here: 'serial', 'local (N workers)' or the dask address (for provenance)."""
    spec = _CURRENT.get().spec
    return f"local ({local_workers()} workers)" if spec == "local" else spec


def _call(payload: bytes) -> Any:
    """Run one unit on :data:`BLAS_THREADS` BLAS threads. The limit reaches the BLAS libraries loaded by then:
    numpy's always (this module imports it through foundation.validation)."""
    with threadpool_limits(limits=BLAS_THREADS, user_api="blas"):
        return cloudpickle.loads(payload)()


def sweep(
    units: Sequence[Unit],
    *,
    checkpoint: Checkpoint | None = None,
    scope: object = None,
    finished: Callable[[str], None] | None = None,
) -> list[Any]:
    """The values of ``units`` in their order; finished ones from ``checkpoint``, the rest computed on the current
    executor and saved one by one as they finish; ``finished(key)`` is called as each unit's value arrives (a
    progress bar). Keys must be distinct."""
    keys = [key for key, _ in units]
    if len(set(keys)) != len(keys):
        raise InputError(f"sweep unit keys must be distinct; got {len(keys) - len(set(keys))} repeated")
    values: dict[str, Any] = {}
    if checkpoint is not None:
        values = {key: saved for key in keys if (saved := checkpoint.load(key, scope=scope)) is not None}
    pending = {key: cloudpickle.dumps(compute) for key, compute in units if key not in values}
    current = _CURRENT.get()
    for attempt in range(RESTARTS + 1):
        futures = {current.get().submit(_call, payload): key for key, payload in pending.items()}
        broken = False
        for future in as_completed(futures):
            if isinstance(future.exception(), BrokenProcessPool):
                broken = True
                continue
            key = futures[future]
            values[key] = future.result()
            if checkpoint is not None:
                checkpoint.save(key, values[key], scope=scope)
            if finished is not None:
                finished(key)
            del pending[key]
        if not broken:
            break
        current.close()
        if attempt == RESTARTS:
            raise InputError(f"the local process pool broke {RESTARTS + 1} times; {len(pending)} units unfinished")
    return [values[key] for key in keys]
