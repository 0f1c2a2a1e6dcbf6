"""Input validation at the public boundary.

Every public function and CLI subcommand validates its inputs once, here, and raises :class:`InputError`
with one sentence naming the argument and its allowed range. The CLI turns an ``InputError`` into exit code 2
and that sentence, never a traceback. Kernels behind the boundary stay lean and assume valid input.
"""

from __future__ import annotations

import difflib
import json
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "MAX_RECORDED_VALUES",
    "MAX_STEPS",
    "InputError",
    "check_choice",
    "check_escort_power",
    "check_finite_array",
    "check_json_file",
    "check_output_file",
    "check_per_run",
    "check_output_folder",
    "check_num_actions",
    "check_nonzero_parameters",
    "check_positive",
    "check_probability",
    "check_run_size",
    "check_seed",
]


class InputError(ValueError):
    """A caller passed an argument outside its allowed range; the message names it and the range."""


def check_escort_power(p: float, *, name: str = "p") -> float:
    """Return ``p`` as a float if it is a finite escort exponent p ≥ 1 (Definition 1, Eq. (3)).

    >>> check_escort_power(2)
    2.0
    >>> check_escort_power(0.5)
    Traceback (most recent call last):
    ...
    foundation.validation.InputError: p must be a finite number >= 1 (the escort exponent of Eq. (3)); got 0.5
    """
    try:
        value = float(p)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a finite number >= 1 (the escort exponent of Eq. (3)); got {p!r}") from None
    if not math.isfinite(value) or value < 1:
        raise InputError(f"{name} must be a finite number >= 1 (the escort exponent of Eq. (3)); got {p!r}")
    return value


def check_entmax_alpha(alpha: float, *, name: str = "alpha") -> float:
    """Return α as a float if it is finite and > 1 (α-entmax; α = 1 is the softmax limit, α < 1 is no entmax).

    >>> check_entmax_alpha(1.5)
    1.5
    """
    try:
        value = float(alpha)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a finite number > 1 (the entmax parameter); got {alpha!r}") from None
    if not math.isfinite(value) or value <= 1:
        raise InputError(f"{name} must be a finite number > 1 (the entmax parameter; alpha -> 1 is softmax); "
                         f"got {alpha!r}")
    return value


def check_positive(value: float, *, name: str) -> float:
    """Return ``value`` as a float if it is finite and > 0."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a finite number > 0; got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise InputError(f"{name} must be a finite number > 0; got {value!r}")
    return number


def check_probability(value: float, *, name: str, open_interval: bool = True) -> float:
    """Return ``value`` if it lies in (0, 1) (or [0, 1] with ``open_interval=False``)."""
    number = float(value)
    inside = 0 < number < 1 if open_interval else 0 <= number <= 1
    if not inside:
        interval = "(0, 1)" if open_interval else "[0, 1]"
        raise InputError(f"{name} must lie in {interval}; got {value!r}")
    return number


def check_count(value: int, *, name: str, minimum: int) -> int:
    """An integer ``value >= minimum`` (booleans rejected), returned as ``int``.

    >>> check_count(3, name="steps", minimum=1)
    3
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_temperature(tau: float, *, name: str = "tau") -> float:
    """A finite entropy temperature τ ≥ 0 (Theorem 4), returned as ``float``.

    >>> check_temperature(0.1)
    0.1
    """
    temperature = float(tau)
    if not np.isfinite(temperature) or temperature < 0:
        raise InputError(f"{name} must be a finite number >= 0 (entropy temperature of Theorem 4); got {tau!r}")
    return temperature


def check_index(value: int, *, name: str, size: int, what: str) -> int:
    """An integer index in [0, size − 1] (booleans rejected), returned as ``int``; ``what`` says what it indexes.

    >>> check_index(2, name="label", size=3, what="index of the true class")
    2
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < size:
        raise InputError(f"{name} must be an integer in [0, {size - 1}] ({what}); got {value!r}")
    return int(value)


def check_num_actions(K: int, *, name: str = "K") -> int:
    """Return ``K`` if it is an integer number of actions (classes) K ≥ 2."""
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or K < 2:
        raise InputError(f"{name} must be an integer >= 2 (number of actions or classes); got {K!r}")
    return int(K)


def check_finite_array(
    values: object, *, name: str, ndim: int | Iterable[int] | None = None, dtype: type = np.float64,
) -> np.ndarray:
    """Return ``values`` as an array of ``dtype`` (float64 unless given; no copy if it already is one), rejecting
    NaN/inf (also values that overflow ``dtype``) and (optionally) a wrong number of axes."""
    try:
        with np.errstate(over="ignore"):  # a value that overflows dtype becomes inf, refused below
            array = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be an array of real numbers; got {type(values).__name__}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            raise InputError(f"{name} must have {_axes(allowed)}; got shape {array.shape}")
    if array.size and not np.all(np.isfinite(array)):
        raise InputError(f"{name} must contain only finite numbers (no NaN or inf)")
    return array


def check_per_run(array: np.ndarray, *, name: str, runs: int, size: int) -> np.ndarray:
    """``array`` if its shape is (size,) (one vector shared by the runs) or (runs, size) (one row per run)."""
    if array.shape not in ((size,), (runs, size)):
        raise InputError(f"{name} must have shape ({size},) (shared by the runs) or ({runs}, {size}) (one row per "
                         f"run); got {array.shape}")
    return array


def _axes(allowed: tuple[int, ...]) -> str:
    """'1 axis', '1 or 2 axes', or 'between 1 and 32 axes' for a contiguous range."""
    if len(allowed) == 1:
        return f"{allowed[0]} axis" if allowed[0] == 1 else f"{allowed[0]} axes"
    if len(allowed) > 2 and allowed == tuple(range(allowed[0], allowed[-1] + 1)):
        return f"between {allowed[0]} and {allowed[-1]} axes"
    return f"{' or '.join(map(str, allowed))} axes"


def check_nonzero_parameters(theta: np.ndarray, *, name: str = "theta") -> np.ndarray:
    """Reject θ with a zero entry: the escort of Eq. (3) needs |θ(a)| > 0 to have a gradient (Theorem 2)."""
    if np.any(theta == 0):
        index = tuple(int(i) for i in np.argwhere(theta == 0)[0])
        raise InputError(
            f"{name} must have no zero entries for the escort transform (|theta(a)| > 0, Theorem 2); "
            f"entry {index if len(index) > 1 else index[0]} is 0"
        )
    return theta


def check_choice(value: str, choices: Iterable[str], *, name: str) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise name the closest ones.

    >>> check_choice("eq13", ["eq8", "eq9", "eq12"], name="claim")
    Traceback (most recent call last):
    ...
    foundation.validation.InputError: unknown claim 'eq13'; did you mean 'eq12' or 'eq9'? (choices: eq8, eq9, eq12)
    """
    options = list(choices)
    if value in options:
        return value
    close = difflib.get_close_matches(value, options, n=2, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise InputError(f"unknown {name} {value!r}{hint} (choices: {', '.join(options)})")


def check_seed(seed: int, *, name: str = "seed") -> int:
    """Return ``seed`` if it is an integer >= 0 (what ``numpy.random.default_rng`` accepts).

    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    foundation.validation.InputError: seed must be an integer >= 0; got -1
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"{name} must be an integer >= 0; got {seed!r}")
    return int(seed)


def check_json_file(path: str | Path, *, name: str, required: Sequence[str] = ()) -> dict[str, Any]:
    """Read a config or replay file: a JSON object holding at least the keys ``required``.

    >>> check_json_file("missing.json", name="replay file")
    Traceback (most recent call last):
    ...
    foundation.validation.InputError: replay file must be a readable JSON file; missing.json does not exist
    """
    location = Path(path)
    if not location.is_file():
        raise InputError(f"{name} must be a readable JSON file; {location} does not exist")
    try:
        data = json.loads(location.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{name} must be a readable JSON file; {location}: {error}") from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"{name} must be valid JSON; {location} line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{name} must hold a JSON object; {location} holds a {type(data).__name__}")
    missing = [key for key in required if key not in data]
    if missing:
        raise InputError(f"{name} must hold the keys {', '.join(required)}; {location} lacks {', '.join(missing)}")
    return data


def _creatable(path: Path) -> bool:
    """Whether ``path`` exists as a folder or could be created: its nearest existing ancestor is a writable folder."""
    ancestor = path.absolute()
    while not ancestor.exists():
        ancestor = ancestor.parent
    return ancestor.is_dir() and os.access(ancestor, os.W_OK | os.X_OK)


def check_output_folder(path: str | Path, *, name: str) -> Path:
    """Return ``path`` as a Path if it names a folder that exists or can be created (it is created on first write).

    >>> check_output_folder("", name="--out")
    Traceback (most recent call last):
    ...
    foundation.validation.InputError: --out must name a folder; got an empty path
    """
    if str(path).strip() == "":
        raise InputError(f"{name} must name a folder; got an empty path")
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{name} must be a folder (or a path that does not exist yet); {folder} is a file")
    if not _creatable(folder):
        raise InputError(f"{name} must be a folder that exists or can be created; {folder} cannot be created")
    return folder


def check_output_file(path: str | Path, *, name: str) -> Path:
    """Return ``path`` as a Path if it names a file that can be written (not a folder, not an empty name).

    >>> check_output_file(".", name="--json")
    Traceback (most recent call last):
    ...
    foundation.validation.InputError: --json must name a file, not a folder; got .
    """
    text = str(path)
    if text.strip() == "":
        raise InputError(f"{name} must name a file; got an empty name")
    target = Path(path)
    if target.is_dir() or text.endswith(("/", os.sep)):
        raise InputError(f"{name} must name a file, not a folder; got {text}")
    if not _creatable(target.parent):
        raise InputError(f"{name} must be in a folder that exists or can be created; {target.parent} cannot be created")
    return target


MAX_STEPS = 10**10
"""Most updates one run may take: 10¹⁰ updates already take about an hour per run in the compiled loop (≈ 0.3 µs
each, ``escort bench``), which Ctrl-C cannot stop before it returns; the paper's longest run is 10⁷."""

MAX_RECORDED_VALUES = 2**28
"""Most float64 values one run may keep in memory as its record (2 GiB)."""


def check_run_size(steps: int, recorded_values: int, *, hint: str) -> int:
    """Refuse, before any work, a run longer than :data:`MAX_STEPS` or one whose record would not fit in memory.

    ``recorded_values``: how many float64 numbers the run would record; ``hint`` says how to record fewer.

    >>> check_run_size(10**12, 3, hint="")
    Traceback (most recent call last):
    ...
    foundation.validation.InputError: steps must be at most 1e+10 (an hour per run even compiled); got 1e+12
    """
    if steps > MAX_STEPS:
        raise InputError(f"steps must be at most {MAX_STEPS:.0e} (an hour per run even compiled); got {steps:.0e}")
    if recorded_values > MAX_RECORDED_VALUES:
        gib = recorded_values * 8 / 2**30
        raise InputError(
            f"the run would record {recorded_values:.3g} values ({gib:.3g} GiB), more than {MAX_RECORDED_VALUES:.3g}; "
            f"{hint}"
        )
    return steps
