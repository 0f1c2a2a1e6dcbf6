"""The bandit step loop compiled with numba: the same rules as :mod:`numerics.engine.rules`, one run at a time.

Why numba: the hot path is the serial loop over t (escape times need 1e7–1e8 dependent steps of a K = 5
problem). In numpy every step costs a dozen array calls of ~1 µs overhead each on arrays of 5 numbers, so a
step costs ~20 µs whatever the batch; vectorising over runs only helps for large B, and the loop over t cannot
be vectorised at all. Compiled to machine code, one step of a K = 5 run is a few dozen flops and costs tens of
nanoseconds. ``cache=True`` keeps the machine code on disk, so only the first use compiles.

The kernels repeat the numpy arithmetic (log-domain policy, centring at the most probable action, p-norm scaled
by the largest entry) and spend far fewer transcendental functions:

* π(a) is e^{z(a) − max z}/Σ rather than exp(log π(a)), and every exponential of an array goes through
  :func:`numerics.kernels.vectorised_exp.exp_into`, which LLVM vectorises (the C library's ``exp`` is a scalar call);
* the escort's sensitivity is taken in the form of Eq. (5) with log ‖θ‖_p a by-product of the policy, where the
  numpy reference uses Eq. (4);
* for an integer power p ≤ :data:`MAX_EXACT_POWER` (the paper's p = 2 and 4) the EPG steps take powers by
  multiplication and need no per-entry transcendental at all (:func:`_escort_ascend_exact`);
* SPG's step, the rule of the escape-time experiments, is fused into four passes (:func:`_softmax_ascend`).

The loops run under ``fastmath`` re-association, contraction and reciprocal flags (sums and products may be
reordered; no assumption about NaN, infinities or signed zeros). All of this changes results by rounding only:
``tests/numerics/test_compiled.py`` requires 1e-12 relative agreement of whole trajectories with the numpy
reference for every rule, integer and non-integer p (and so also checks Eq. (4) = Eq. (5) numerically). Rules are
selected by their position in :data:`RULES`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from numerics.engine.step_sizes import theorem2_log_constant, theorem4_log_denominator
from numerics.engine.rules import ALGORITHMS, NRD_LOGIT_THRESHOLD, StepParameters
from numerics.engine.recording import LoopResult
from numerics.kernels.vectorised_exp import exp_into

__all__ = ["MAX_EXACT_POWER", "RULES", "run_compiled"]

RULES: tuple[str, ...] = tuple(ALGORITHMS)
"""Algorithm names in the order of their integer codes inside the compiled kernel."""

MAX_EXACT_POWER = 16
"""Integer powers p ≤ this are taken by repeated multiplication in the EPG steps (p multiplications per entry
against a logarithm and two exponentials)."""

_TINY = float(np.finfo(np.float64).tiny)
_FAST_MATH = {"reassoc", "contract", "arcp"}
"""LLVM may re-associate sums (so reductions vectorise), fuse multiply-adds and divide by reciprocals."""

# The kernels called by ``_run`` allocate nothing, so they are compiled without numba's reference-counted memory
# (``_nrt=False``): with it, every call paid atomic reference-count updates for each array argument, measured as
# 60 % of a step of the K = 5 escape-time loop (830 ns per step with them, 300 ns without).

_SPG, _EPG, _EPG_NORMALISED, _MD, _NRD, _SPG_NORMALISED, _SPG_INVERSE_OPTIMAL, _SPG_ENTROPY, _EPG_ENTROPY = range(9)


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _largest(theta, magnitude):
    """(a, value) of the first largest θ(a), or of the first largest |θ(a)| if ``magnitude``."""
    top, largest = 0, abs(theta[0]) if magnitude else theta[0]
    for a in range(1, theta.size):
        value = abs(theta[a]) if magnitude else theta[a]
        if value > largest:
            top, largest = a, value
    return top, largest


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _log_policy(theta, escort, p, log_pi, pi, log_norm):
    """log π into ``log_pi``, π into ``pi``: log-softmax of z = θ (softmax) or z = p·log(|θ|/max|θ|) (Eq. (3)).

    Returns the most probable action (the first, in a tie). For the escort, max z = 0 and Σ e^z = ‖θ‖_p^p/m^p, so
    log ‖θ‖_p = log m + log(Σ e^z)/p comes for free into ``log_norm[0]``.
    """
    K = theta.size
    top, largest = _largest(theta, escort)
    if escort:
        for a in range(K):
            ratio = abs(theta[a]) / largest
            if ratio >= _TINY:
                log_pi[a] = p * math.log(ratio)
            else:
                log_pi[a] = p * (math.log(abs(theta[a])) - math.log(largest))
    else:
        for a in range(K):
            log_pi[a] = theta[a] - largest
    exp_into(log_pi, pi, 0.0)
    total = 0.0
    for a in range(K):
        total += pi[a]
    shift = math.log(total)
    for a in range(K):
        log_pi[a] -= shift
        pi[a] /= total
    log_norm[0] = math.log(largest) + shift / p if escort else 0.0
    return top


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _exact_power(p):
    """p as an int if it is an integer in [1, MAX_EXACT_POWER], else 0."""
    return int(p) if 1.0 <= p <= MAX_EXACT_POWER and p == math.floor(p) else 0


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _integer_power(x, n):
    """x^n for an integer n ≥ 0, by n multiplications."""
    result = 1.0
    for _ in range(n):
        result *= x
    return result


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _p_norm_parts(theta, p):
    """(m, Σ_a (|θ(a)|/m)^p) with m = max|θ|, so ‖θ‖_p = m·sum^{1/p}."""
    n = _exact_power(p)
    top = _largest(theta, True)[1]
    total = 0.0
    for a in range(theta.size):
        ratio = abs(theta[a]) / top
        total += _integer_power(ratio, n) if n > 0 else ratio**p
    return top, total


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _log_p_norm(theta, p):
    top, total = _p_norm_parts(theta, p)
    return math.log(top) + math.log(total) / p


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _centred(top, pi, values, out):
    """values − πᵀvalues into ``out``, referenced to the most probable action ``top``."""
    K = values.size
    mean = 0.0
    for a in range(K):
        out[a] = values[a] - values[top]
        mean += pi[a] * out[a]
    for a in range(K):
        out[a] -= mean


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _ascend(theta, values, escort, p, eta, log_scale, top, log_pi, pi, log_norm, centred, out):
    """out = θ + η·e^{log_scale}·s ⊙ (values − πᵀvalues), with θ's policy already in ``log_pi``, ``pi``.

    s(a) = π(a) for softmax, and p/‖θ‖_p·sgn θ(a)·π(a)^{1−1/p} for the escort (Eq. (5)), exponentiated in the
    log domain (``out`` holds the logarithms first). The numpy reference evaluates the escort's s(a) in the form of
    Eq. (4), p·π(a)/θ(a); this kernel uses Eq. (5), which needs no logarithm per entry, so the backend agreement
    test also checks Eq. (4) = Eq. (5).
    """
    _centred(top, pi, values, centred)
    K = theta.size
    if not escort and log_scale == 0.0:
        for a in range(K):
            out[a] = theta[a] + eta * (pi[a] * centred[a])
        return
    if escort:
        for a in range(K):
            out[a] = (1.0 - 1.0 / p) * log_pi[a] - log_norm[0] + log_scale
    else:
        for a in range(K):
            out[a] = log_pi[a] + log_scale
    exp_into(out, out, 0.0)
    factor = eta * p if escort else eta
    for a in range(K):
        sign = (1.0 if theta[a] > 0 else -1.0) if escort else 1.0
        out[a] = theta[a] + factor * sign * out[a] * centred[a]


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _softmax_ascend(theta, values, eta, weight, out):
    """out = θ + η·π ⊙ (values − πᵀvalues) from θ alone: SPG's step (Eq. (1)) in four passes over the actions.

    The arithmetic of :func:`_log_policy` followed by :func:`_ascend` (logits centred at the largest, values
    referenced to the most probable action) with w = e^{θ − max θ} in ``weight`` and π = w/Σw divided out in the
    last pass, without log π and the separately centred values that only other rules read. SPG is the rule of
    the escape-time experiments and of ``escort bench``.
    """
    K = theta.size
    top, largest = _largest(theta, False)
    exp_into(theta, weight, largest)
    total, weighted = 0.0, 0.0
    for a in range(K):
        total += weight[a]
        weighted += weight[a] * (values[a] - values[top])
    mean = weighted / total
    for a in range(K):
        out[a] = theta[a] + eta * (weight[a] / total * (values[a] - values[top] - mean))


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _escort_ascend_exact(theta, values, n, log_constant, weight, rising, out):
    """out = θ + η_t·s ⊙ (values − πᵀvalues) for the escort with integer p = n, η_t = e^{log_constant}·‖θ‖_p².

    With m = max|θ|, ρ = |θ|/m and S = Σ_a ρ(a)^n: π(a) = ρ(a)^n/S (Eq. (3)), ‖θ‖_p = m·S^{1/n}, and Eq. (4)'s
    sensitivity p·π(a)/θ(a) = n·sgn θ(a)·ρ(a)^{n−1}/(m·S), so

        η_t·s(a) = n·m·sgn θ(a)·ρ(a)^{n−1}·exp(log_constant + (2/n − 1)·log S):

    one logarithm and one exponential per step, none per entry, no division by an underflowed π(a), and m kept
    out of the exponential (1 ≤ S ≤ K, so the exponent stays small and e^· accurate at any scale of θ).
    ``weight`` and ``rising`` are scratch arrays (ρ^n and sgn θ·ρ^{n−1}).
    """
    K = theta.size
    top, m = _largest(theta, True)
    total = 0.0
    for a in range(K):
        ratio = abs(theta[a]) / m
        rising[a] = math.copysign(_integer_power(ratio, n - 1), theta[a])
        weight[a] = rising[a] * theta[a] / m
        total += weight[a]
    mean = 0.0
    for a in range(K):
        mean += weight[a] * (values[a] - values[top])
    mean /= total
    scale = m * (n * math.exp(log_constant + (2.0 / n - 1.0) * math.log(total)))
    for a in range(K):
        out[a] = theta[a] + scale * rising[a] * (values[a] - values[top] - mean)


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _step(code, theta, r, p, eta, tau, log_step2, log_denominator4, astar, top, log_pi, pi, log_norm, centred, soft, out):
    """One update θ_t ↦ θ_{t+1} of rule ``code`` into ``out`` (see numerics.engine.rules).

    ``top`` ≥ 0: ``log_pi``/``pi`` already hold θ's policy and ``top`` its most probable action (computed by the
    same kernel when θ was measured); −1: they are computed here. ``log_step2`` = log of Theorem 2's step at
    ‖θ‖_p = 1 and ``log_denominator4`` = log(10p²K^{1/p} + c_τ) of Theorem 4 come from
    :mod:`numerics.engine.step_sizes` (read from theory/).
    """
    K = theta.size
    escort = code == _EPG or code == _EPG_NORMALISED or code == _EPG_ENTROPY
    n = _exact_power(p)
    if code == _MD:
        for a in range(K):
            out[a] = theta[a] + eta * r[a]
        return
    if code == _EPG_NORMALISED:
        norm = math.exp(_log_p_norm(theta, p))
        for a in range(K):
            soft[a] = theta[a] / norm
        if n > 0:
            _escort_ascend_exact(soft, r, n, log_step2, pi, centred, out)
        else:
            unit_top = _log_policy(soft, True, p, log_pi, pi, log_norm)
            _ascend(soft, r, True, p, 1.0, log_step2, unit_top, log_pi, pi, log_norm, centred, out)
        norm = math.exp(_log_p_norm(out, p))
        for a in range(K):
            out[a] = out[a] / norm
        return
    if code == _EPG and n > 0:
        _escort_ascend_exact(theta, r, n, log_step2, pi, centred, out)
        return
    if code == _SPG and top < 0:
        _softmax_ascend(theta, r, eta, pi, out)
        return
    if top < 0:
        top = _log_policy(theta, escort, p, log_pi, pi, log_norm)
    if code == _SPG:
        _ascend(theta, r, False, p, eta, 0.0, top, log_pi, pi, log_norm, centred, out)
    elif code == _EPG:
        log_eta = 2.0 * log_norm[0] + log_step2
        _ascend(theta, r, True, p, 1.0, log_eta, top, log_pi, pi, log_norm, centred, out)
    elif code == _NRD:
        _centred(top, pi, r, centred)
        for a in range(K):
            outward = (theta[a] >= NRD_LOGIT_THRESHOLD and centred[a] > 0) or (
                theta[a] <= -NRD_LOGIT_THRESHOLD and centred[a] < 0
            )
            out[a] = theta[a] + eta * (0.0 if outward else centred[a])
    elif code == _SPG_NORMALISED:
        _centred(top, pi, r, centred)
        length = 0.0
        for a in range(K):
            soft[a] = pi[a] * centred[a]
            length += soft[a] * soft[a]
        length = math.sqrt(length)
        for a in range(K):
            out[a] = theta[a] + eta * (soft[a] / length if length > 0 else 0.0)
    elif code == _SPG_INVERSE_OPTIMAL:
        _ascend(theta, r, False, p, eta, -log_pi[astar], top, log_pi, pi, log_norm, centred, out)
    else:
        for a in range(K):
            soft[a] = r[a] - tau * log_pi[a]
        if code == _SPG_ENTROPY:
            _ascend(theta, soft, False, p, eta, 0.0, top, log_pi, pi, log_norm, centred, out)
        else:
            log_eta = 2.0 * log_norm[0] - log_denominator4
            _ascend(theta, soft, True, p, 1.0, log_eta, top, log_pi, pi, log_norm, centred, out)


@njit(cache=True, fastmath=_FAST_MATH, _nrt=False)
def _measure(theta, r, escort, p, astar, log_pi, pi, log_norm):
    """(sub-optimality Σ π(a)(max r − r(a)), π(a*), ‖θ‖: p-norm for the escort, 2-norm for softmax, the most
    probable action); θ's policy is left in ``log_pi``, ``pi``."""
    top = _log_policy(theta, escort, p, log_pi, pi, log_norm)
    best = r[0]
    for a in range(1, r.size):
        best = max(best, r[a])
    gap = 0.0
    for a in range(r.size):
        gap += pi[a] * (best - r[a])
    if escort:
        largest, total = _p_norm_parts(theta, p)
        norm = largest * total ** (1.0 / p)
    else:
        norm = 0.0
        for a in range(theta.size):
            norm += theta[a] * theta[a]
        norm = math.sqrt(norm)
    return gap, pi[astar], norm, top


@njit(cache=True, fastmath=_FAST_MATH)
def _run(code, escort, theta0, r, schedule, p, eta, tau, log_step2, log_denominator4, astar, use_level, level, patience):
    """All runs, one after the other; the stopping rule of numerics.engine.runs when ``use_level``."""
    B, K = theta0.shape
    columns = schedule.size
    records = np.empty((3, B, columns))
    flips = np.zeros(B, dtype=np.int64)
    steps_run = np.zeros(B, dtype=np.int64)
    last_above = np.full(B, -1, dtype=np.int64)
    theta_final = np.empty((B, K))
    log_pi, pi, centred, soft, log_norm = np.empty(K), np.empty(K), np.empty(K), np.empty(K), np.empty(1)
    theta, moved = np.empty(K), np.empty(K)
    for b in range(B):
        theta[:] = theta0[b]
        gap, optimal, norm, top = _measure(theta, r[b], escort, p, astar[b], log_pi, pi, log_norm)
        records[0, b, 0], records[1, b, 0], records[2, b, 0] = gap, optimal, norm
        stopped = False
        if use_level:
            if gap >= level:
                last_above[b] = 0
            stopped = -last_above[b] > patience * (last_above[b] + 1)
        column, t = 1, 0
        while t < schedule[columns - 1] and not stopped:
            t += 1
            _step(code, theta, r[b], p, eta, tau, log_step2, log_denominator4, astar[b], top, log_pi, pi, log_norm, centred, soft, moved)
            top = -1
            changed = 0
            for a in range(K):
                changed += math.copysign(1.0, moved[a]) != math.copysign(1.0, theta[a])
                theta[a] = moved[a]
            flips[b] += changed
            if use_level or t == schedule[column]:
                gap, optimal, norm, top = _measure(theta, r[b], escort, p, astar[b], log_pi, pi, log_norm)
            if use_level:
                if gap >= level:
                    last_above[b] = t
                stopped = t - last_above[b] > patience * (last_above[b] + 1)
            if t == schedule[column]:
                records[0, b, column], records[1, b, column], records[2, b, column] = gap, optimal, norm
                column += 1
        gap, optimal, norm, top = _measure(theta, r[b], escort, p, astar[b], log_pi, pi, log_norm)
        for c in range(column, columns):
            records[0, b, c], records[1, b, c], records[2, b, c] = gap, optimal, norm
        steps_run[b] = t
        theta_final[b] = theta
    return records, flips, steps_run, last_above, theta_final


def run_compiled(
    name: str,
    theta: np.ndarray,
    rewards: np.ndarray,
    schedule: np.ndarray,
    params: StepParameters,
    level: float | None,
    patience: float,
) -> LoopResult:
    """Compiled counterpart of the numpy loop of :mod:`numerics.engine.runs` (validated input)."""
    records, flips, steps_run, last_above, theta_final = _run(
        RULES.index(name),
        ALGORITHMS[name].transform == "escort",
        np.ascontiguousarray(theta, dtype=np.float64),
        np.ascontiguousarray(rewards, dtype=np.float64),
        np.ascontiguousarray(schedule, dtype=np.int64),
        params.p,
        params.eta,
        params.tau,
        theorem2_log_constant(params.p, params.K),
        theorem4_log_denominator(params.p, params.K, params.tau),
        np.ascontiguousarray(params.astar[:, 0], dtype=np.int64),
        level is not None,
        0.0 if level is None else level,
        float(patience),
    )
    return LoopResult(*records, flips, steps_run, last_above, theta_final)
