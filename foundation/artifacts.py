"""Result files that are never half-written and always say where they came from.

* :func:`atomic_write_text` writes to a temporary file in the target folder and renames it into place, so an
  interrupted run leaves either the old file or the new one, never a truncated one.
* :func:`write_json` / :func:`write_csv` are deterministic: sorted keys, fixed float formatting (``repr``),
  no timestamps inside the data, so the same seed gives byte-identical files.
* :func:`provenance` describes a run (package and dependency versions, git commit, parameters, seed); callers
  store it beside the data, e.g. in a ``*.provenance.json`` file, so that the data files stay byte-identical.
* :func:`exclusive_folder` lets one run at a time write into an output folder.
* :class:`Checkpoint` keeps finished units of a long experiment on disk so that ``--resume`` skips them.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import json
import logging
import os
import platform
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from foundation.validation import InputError

__all__ = [
    "LOCK_FILE", "RESUME_LOG", "Checkpoint", "StageOutput", "atomic_write_bytes", "atomic_write_text",
    "exclusive_folder", "provenance", "strip_bullet", "to_jsonable", "write_csv", "write_json",
]

RESUME_LOG = logging.getLogger("escort.resume")
"""Each unit that :meth:`Checkpoint.load` takes from an earlier run is logged here (INFO: folder, key), so that a
``--resume`` run can say what it skipped."""

_DEPENDENCIES = ("escort-toolkit", "numpy", "sympy", "mpmath", "hypothesis", "matplotlib", "numba", "scipy")


def _permissions() -> int:
    """The mode an ordinary new file gets: 0666 minus the umask (0644 under the usual umask 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then ``os.replace``).

    The file gets the permissions of an ordinary new file (``mkstemp`` alone would leave it readable by its owner
    only).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, _permissions())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically, like :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"))


LOCK_FILE = ".escort.lock"
"""The file in an output folder that :func:`exclusive_folder` locks; it names the process holding it."""


@contextlib.contextmanager
def exclusive_folder(folder: str | os.PathLike[str], *, name: str = "--out") -> Iterator[Path]:
    """Hold ``folder`` for this run alone: an advisory lock (``flock``) on ``folder/.escort.lock``.

    A second run into the same folder stops at once with an :class:`InputError` naming the holder, instead of
    two runs overwriting each other's files (or sharing a temporary name). The operating system releases the lock
    when the holding process ends, however it ends, so a crashed run never leaves the folder locked.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    handle = open(target / LOCK_FILE, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise InputError(
            f"{name} {target} is in use by another escort run ({holder}); wait for it to finish or choose another "
            f"{name}"
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        yield target
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def to_jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays, paths, tuples and dataclass-like mappings into plain JSON values."""
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, float) and not np.isfinite(value):
        return repr(value)
    return value


def write_json(path: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as deterministic, indented JSON (sorted keys, trailing newline), atomically."""
    return atomic_write_text(path, json.dumps(to_jsonable(data), indent=2, sort_keys=True) + "\n")


def write_csv(path: str | os.PathLike[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write a CSV with a header row, floats in shortest round-trip form (``repr``), atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([repr(float(v)) if isinstance(v, (float, np.floating)) else v for v in row])
    return atomic_write_text(path, buffer.getvalue())


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def provenance(
    *, command: str, parameters: Mapping[str, Any], seed: int | None, wall_time: float | None = None
) -> dict[str, Any]:
    """Describe a run: the command, its parameters and seed, versions of Python and dependencies, git commit."""
    return {
        "command": command,
        "parameters": to_jsonable(dict(parameters)),
        "seed": seed,
        "wall_time_seconds": wall_time,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {name: _version(name) for name in _DEPENDENCIES},
        "git_commit": _git_commit(),
    }


class Checkpoint:
    """Finished units of a long experiment, one JSON file each under ``folder``.

    A unit is identified by a key (e.g. ``"K=10/run=3"``) and a *scope*: the settings it was computed under (the
    experiment's frozen settings dataclass, or any value with a deterministic ``repr``). :meth:`unit` returns a
    unit saved earlier under the same key and scope (``--resume``) and otherwise computes and saves it at once, so
    a resumed run whose sizes changed recomputes rather than mixing units of different sizes.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_.=" else "_" for c in key)
        if safe != key:
            # keys that differ only in replaced characters ("a/b", "a_b") must not share a file
            safe += "-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
        return self.folder / f"{safe}.json"

    def load(self, key: str, *, scope: object = None) -> Any | None:
        """Return the saved value of ``key``, or None if it has not finished yet or was saved under another scope."""
        path = self._path(key)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["key"] != key:
                raise KeyError(key)
            if data.get("scope") != repr(scope):
                return None
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
            raise InputError(
                f"checkpoint {path} must be a JSON file written by Checkpoint.save for key {key!r}; "
                f"delete it or run without --resume ({type(error).__name__})"
            ) from None
        RESUME_LOG.info("%s\t%s", self.folder.as_posix(), key)
        return data["value"]

    def save(self, key: str, value: Any, *, scope: object = None) -> None:
        """Store a finished unit atomically."""
        write_json(self._path(key), {"key": key, "scope": repr(scope), "value": value})

    def unit(self, key: str, compute: Callable[[], Any], *, scope: object = None) -> Any:
        """The saved value of ``key`` under ``scope`` if that unit finished before, else ``compute()``, saved."""
        value = self.load(key, scope=scope)
        if value is None:
            value = compute()
            self.save(key, value, scope=scope)
        return value

    def clear(self) -> None:
        """Forget every finished unit (a run without ``--resume``)."""
        for path in self.folder.glob("*.json"):
            path.unlink()


@dataclass(frozen=True)
class StageOutput:
    """What one stage of ``escort all`` (derive, check, an experiment, bounds, battery) produced.

    ``paths``: the files it wrote; ``headline``: Markdown bullet lines for the report's summary, written from the
    measured data; ``problems``: claims that fail on their stated domain, bounds that are exceeded, and the like.
    """

    name: str
    paths: tuple[Path, ...]
    headline: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def strip_bullet(line: str) -> str:
    """A headline or problem line without its leading Markdown bullet ('- ' or '* ')."""
    return re.sub(r"^\s*[-*]\s+", "", line.strip())
