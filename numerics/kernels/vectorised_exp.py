"""e^x for a whole array in a form the compiler vectorises: the exponentials of the compiled kernels.

The compiled step loop (:mod:`numerics.engine.compiled`) spends most of a K = 100 softmax step in K calls of the C
library's scalar ``exp``; LLVM cannot vectorise a call into libm, and numba no longer ships Intel's SVML. This
kernel is plain arithmetic, which LLVM turns into AVX2 code (4 entries per instruction):

* Cody–Waite range reduction x = k·ln 2 + r, |r| ≤ ln 2/2, with k = round(x/ln 2) taken by adding and subtracting
  1.5·2^52 (no float→int conversion, which AVX2 lacks) and ln 2 split into a 32-bit head and a tail, so k·ln2_hi
  is exact for |k| ≤ 1075;
* e^r by its Taylor polynomial of degree 13 (truncation error r^14/14! < 5e-18 relative), as
  1 + (r + r²·q(r)) so that the leading terms are rounded once, with q evaluated by Estrin's scheme (depth 4
  instead of Horner's 11 dependent multiply-adds);
* e^x = e^r·2^{⌊k/2⌋}·2^{k−⌊k/2⌋}: both factors are normal for k ≥ −1076, so gradual underflow is rounded once, in
  the last multiplication. Arguments are clamped to [−745.5, 710], where e^x has rounded to 0 or overflowed.

Accuracy, tested in ``tests/numerics/test_vectorised_exp.py`` against the correctly rounded value (mpmath):
at most 2 units in the last place for normal results, and for subnormal results at most one unit of the smallest
subnormal. The kernels mostly exponentiate logits centred at their maximum (x ≤ 0).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["exp_into"]

_LOG2E = 1.4426950408889634
_LN2_HI = 0.6931471803691238
"""ln 2 rounded to 32 significant bits: k·_LN2_HI is exact for |k| < 2^21."""
_LN2_LO = 1.9082149292705877e-10
"""ln 2 − _LN2_HI."""
_ROUNDING_SHIFT = 6755399441055744.0
"""1.5·2^52: x + this rounds x to an integer held in the low bits of the significand."""
_ROUNDING_SHIFT_BITS = int(np.float64(_ROUNDING_SHIFT).view(np.int64))
_SMALLEST_ARGUMENT = -745.5
"""Below −745.1 e^x is less than half the smallest subnormal and rounds to 0."""
_LARGEST_ARGUMENT = 710.0
"""Above 709.79 e^x overflows; clamping keeps k (and so the exponent arithmetic) in range."""
_EXPONENT_BIAS = 1023
_MANTISSA_BITS = 52


@njit(cache=True, fastmath={"contract"}, _nrt=False)
def exp_into(x: np.ndarray, out: np.ndarray, offset: float) -> None:
    """out[a] = e^y with y = x[a] − offset in double arithmetic (≤ 2 ulp); ``out`` may be ``x``. NaN gives NaN,
    e^y rounds to 0 below −745.1 and overflows to +∞ above 709.8, as the C library's ``exp`` does.

    ``fastmath`` is limited to contraction (fused multiply-add): re-association would fold the rounding shift
    (x + c) − c into x.
    """
    for a in range(x.size):
        y = x[a] - offset
        v = _SMALLEST_ARGUMENT if y < _SMALLEST_ARGUMENT else (_LARGEST_ARGUMENT if y > _LARGEST_ARGUMENT else y)
        shifted = v * _LOG2E + _ROUNDING_SHIFT
        k = shifted - _ROUNDING_SHIFT
        r = (v - k * _LN2_HI) - k * _LN2_LO
        r2 = r * r
        r4 = r2 * r2
        q0 = (0.5 + r * (1 / 6)) + (1 / 24 + r * (1 / 120)) * r2
        q1 = (1 / 720 + r * (1 / 5040)) + (1 / 40320 + r * (1 / 362880)) * r2
        q2 = (1 / 3628800 + r * (1 / 39916800)) + (1 / 479001600) * r2
        tail = r2 * ((q0 + q1 * r4) + q2 * (r4 * r4))
        power = np.float64(shifted).view(np.int64) - _ROUNDING_SHIFT_BITS
        half = power >> 1
        first = np.int64((half + _EXPONENT_BIAS) << _MANTISSA_BITS).view(np.float64)
        second = np.int64((power - half + _EXPONENT_BIAS) << _MANTISSA_BITS).view(np.float64)
        out[a] = (1.0 + (r + tail)) * first * second
