"""The C reference of ``escort bench``: ``reference_loops.c`` built with the system C compiler, loaded with ctypes.

The C source (package data beside this module) holds the SPG and EPG step loops in the arithmetic of
:mod:`numerics.engine.compiled` (EPG with Theorem 2's step, read from theory/, and exact integer powers), compiled with
``-O3 -march=native -ffast-math`` so that gcc may call glibc's vector ``exp``. It is the yardstick for the numba
path: what a plain hand-written loop achieves on this machine. ctypes rather than cffi: two functions of plain
pointers and integers, no build step at install time, no further dependency.

When no C compiler is found (``cc``, ``gcc`` or ``clang`` on the PATH) or the build fails, :func:`build` returns
``None`` and a sentence saying why; the benchmark then reports the numba path alone.
"""

from __future__ import annotations

import ctypes
import math
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from foundation.validation import InputError
from numerics.engine.step_sizes import theorem2_log_constant

__all__ = ["COMPILERS", "FLAGS", "SOURCE", "CReference", "build"]

SOURCE = Path(__file__).with_name("reference_loops.c")
COMPILERS: tuple[str, ...] = ("cc", "gcc", "clang")
FLAGS: tuple[str, ...] = ("-O3", "-march=native", "-ffast-math", "-fPIC")
"""Compile flags. The link step (``-shared``) runs without ``-ffast-math``: linked with it, gcc adds crtfastmath.o,
whose constructor sets flush-to-zero and denormals-are-zero for the whole process when the library loads, so every
later subnormal in numpy, mpmath's float paths or hypothesis would silently become 0."""

_DOUBLES = np.ctypeslib.ndpointer(dtype=np.float64, flags="C_CONTIGUOUS")
_COUNTS = np.ctypeslib.ndpointer(dtype=np.int64, flags="C_CONTIGUOUS")


@dataclass(frozen=True)
class CReference:
    """The loaded library and how it was built."""

    library: ctypes.CDLL
    command: str

    def run(self, algorithm: str, theta: np.ndarray, r: np.ndarray, steps: int, *, p: float, eta: float):
        """(θ after ``steps`` updates, sign changes per run) of B runs of ``algorithm`` ("spg", or "epg" with an
        integer p ≥ 1) from θ (B, K) with rewards r (B, K)."""
        final = np.array(theta, dtype=np.float64, order="C")
        rewards = np.ascontiguousarray(np.broadcast_to(r, final.shape), dtype=np.float64)
        flips = np.zeros(final.shape[0], dtype=np.int64)
        B, K = final.shape
        if algorithm == "spg":
            self.library.spg_runs(B, K, final, rewards, eta, steps, flips)
        elif algorithm == "epg" and p >= 1 and float(p).is_integer():
            constant = math.exp(theorem2_log_constant(p, K))
            self.library.epg_runs(B, K, final, rewards, int(p), constant, steps, flips)
        else:
            raise InputError(f"the C reference runs 'spg' and 'epg' with an integer p >= 1; got {algorithm!r}, p={p}")
        return final, flips


def _declare(library: ctypes.CDLL) -> ctypes.CDLL:
    shape = [ctypes.c_int64, ctypes.c_int64, _DOUBLES, _DOUBLES]
    library.spg_runs.argtypes = [*shape, ctypes.c_double, ctypes.c_int64, _COUNTS]
    library.epg_runs.argtypes = [*shape, ctypes.c_int64, ctypes.c_double, ctypes.c_int64, _COUNTS]
    library.spg_runs.restype = library.epg_runs.restype = None
    return library


def build(folder: Path | None = None) -> tuple[CReference | None, str]:
    """Compile and load the C reference into ``folder`` (a fresh temporary folder if None).

    Returns (the reference, the compile command) or (None, why not).
    """
    compiler = next((found for name in COMPILERS if (found := shutil.which(name))), None)
    if compiler is None:
        return None, f"no C compiler found (looked for {', '.join(COMPILERS)} on the PATH): C reference skipped"
    target = Path(tempfile.mkdtemp(prefix="escort-c-")) if folder is None else folder
    library = target / "reference_loops.so"
    objects = target / "reference_loops.o"
    for command in ([compiler, *FLAGS, "-c", "-o", str(objects), str(SOURCE)],
                    [compiler, "-shared", "-o", str(library), str(objects), "-lm"]):
        built = subprocess.run(command, capture_output=True, text=True, check=False)
        if built.returncode != 0:
            return None, f"building the C reference failed ({' '.join(command)}): {built.stderr.strip()[:300]}"
    shown = " ".join([Path(compiler).name, *FLAGS, "-c", SOURCE.name]) + "; -shared -lm"
    return CReference(_declare(ctypes.CDLL(str(library))), shown), shown
