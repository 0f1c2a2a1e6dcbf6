"""The bandit step loop compiled with numba: the same rules as :mod:`numerics.algorithms.rules`, one run at a time.

Why numba: the hot path is the serial loop over t (escape times need 1e7–1e8 dependent steps of a K = 5
problem). In numpy every step costs a dozen array calls of ~1 µs overhead each on arrays of 5 numbers, so a
step costs ~20 µs whatever the batch; vectorising over runs only helps for large B, and the loop over t cannot
be vectorised at all. Compiled to machine code, one step of a K = 5 run is a few dozen flops and costs tens of
nanoseconds. ``cache=True`` keeps the machine code on disk, so only the first use compiles.

The kernels repeat the numpy arithmetic (log-domain policy, centring at the most probable action, p-norm scaled
by the largest entry) with two savings of transcendental functions per entry: π(a) is e^{z(a) − max z}/Σ rather
than exp(log π(a)), and the escort's sensitivity is taken in the form of Eq. (5) with log ‖θ‖_p a by-product of
the policy, where the numpy reference uses Eq. (4). Both change results by rounding only:
``tests/numerics/test_compiled.py`` requires 1e-12 relative agreement of whole trajectories (and so also checks
Eq. (4) = Eq. (5) numerically). Rules are selected by their position in :data:`RULES`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from numerics.algorithms.rules import ALGORITHMS, NRD_LOGIT_THRESHOLD, StepParameters
from numerics.algorithms.runs import LoopResult

__all__ = ["RULES", "run_compiled"]

RULES: tuple[str, ...] = tuple(ALGORITHMS)
"""Algorithm names in the order of their integer codes inside the compiled kernel."""

_TINY = float(np.finfo(np.float64).tiny)

_SPG, _EPG, _EPG_NORMALISED, _MD, _NRD, _SPG_NORMALISED, _SPG_INVERSE_OPTIMAL, _SPG_ENTROPY, _EPG_ENTROPY = range(9)


@njit(cache=True)
def _log_policy(theta, escort, p, log_pi, pi, log_norm):
    """log π into ``log_pi``, π into ``pi``: log-softmax of z = θ (softmax) or z = p·log(|θ|/max|θ|) (Eq. (3)).

    For the escort, max z = 0 and Σ e^z = ‖θ‖_p^p/m^p, so log ‖θ‖_p = log m + log(Σ e^z)/p comes for free into
    ``log_norm[0]``.
    """
    K = theta.size
    largest = 1.0
    if escort:
        largest = 0.0
        for a in range(K):
            largest = max(largest, abs(theta[a]))
        for a in range(K):
            ratio = abs(theta[a]) / largest
            if ratio >= _TINY:
                log_pi[a] = p * math.log(ratio)
            else:
                log_pi[a] = p * (math.log(abs(theta[a])) - math.log(largest))
    else:
        for a in range(K):
            log_pi[a] = theta[a]
    top = log_pi[0]
    for a in range(1, K):
        top = max(top, log_pi[a])
    total = 0.0
    for a in range(K):
        log_pi[a] -= top
        pi[a] = math.exp(log_pi[a])
        total += pi[a]
    shift = math.log(total)
    for a in range(K):
        log_pi[a] -= shift
        pi[a] /= total
    log_norm[0] = math.log(largest) + shift / p if escort else 0.0


@njit(cache=True)
def _p_norm_parts(theta, p):
    """(m, Σ_a (|θ(a)|/m)^p) with m = max|θ|, so ‖θ‖_p = m·sum^{1/p}."""
    top = 0.0
    for a in range(theta.size):
        top = max(top, abs(theta[a]))
    total = 0.0
    for a in range(theta.size):
        total += (abs(theta[a]) / top) ** p
    return top, total


@njit(cache=True)
def _log_p_norm(theta, p):
    top, total = _p_norm_parts(theta, p)
    return math.log(top) + math.log(total) / p


@njit(cache=True)
def _centred(log_pi, pi, values, out):
    """values − πᵀvalues into ``out``, referenced to the most probable action."""
    K = values.size
    top = 0
    for a in range(1, K):
        if log_pi[a] > log_pi[top]:
            top = a
    mean = 0.0
    for a in range(K):
        out[a] = values[a] - values[top]
        mean += pi[a] * out[a]
    for a in range(K):
        out[a] -= mean


@njit(cache=True)
def _sensitivity(theta, log_pi, pi, log_norm, escort, p, log_scale, a):
    """e^{log_scale}·s(a): π(a) (softmax) or p/‖θ‖_p·sgn θ(a)·π(a)^{1−1/p} (escort, Eq. (5)), in the log domain.

    The numpy reference evaluates the escort's s(a) in the form of Eq. (4), p·π(a)/θ(a); this kernel uses Eq. (5),
    which needs no logarithm per entry, so the backend agreement test also checks Eq. (4) = Eq. (5).
    """
    if escort:
        sign = 1.0 if theta[a] > 0 else -1.0
        return p * sign * math.exp((1.0 - 1.0 / p) * log_pi[a] - log_norm[0] + log_scale)
    if log_scale == 0.0:
        return pi[a]
    return math.exp(log_pi[a] + log_scale)


@njit(cache=True)
def _ascend(theta, values, escort, p, eta, log_scale, log_pi, pi, log_norm, centred, out):
    """out = θ + η·e^{log_scale}·s ⊙ (values − πᵀvalues), with θ's policy already in ``log_pi``, ``pi``."""
    _centred(log_pi, pi, values, centred)
    for a in range(theta.size):
        out[a] = theta[a] + eta * (_sensitivity(theta, log_pi, pi, log_norm, escort, p, log_scale, a) * centred[a])


@njit(cache=True)
def _step(code, theta, r, p, eta, tau, astar, fresh, log_pi, pi, log_norm, centred, soft, out):
    """One update θ_t ↦ θ_{t+1} of rule ``code`` into ``out`` (see numerics.algorithms.rules).

    ``fresh``: ``log_pi``/``pi`` already hold θ's policy (computed by the same kernel when it was measured).
    """
    K = theta.size
    escort = code == _EPG or code == _EPG_NORMALISED or code == _EPG_ENTROPY
    if code == _MD:
        for a in range(K):
            out[a] = theta[a] + eta * r[a]
        return
    if code == _EPG_NORMALISED:
        norm = math.exp(_log_p_norm(theta, p))
        for a in range(K):
            soft[a] = theta[a] / norm
        _log_policy(soft, True, p, log_pi, pi, log_norm)
        _ascend(soft, r, True, p, 1.0, _theorem2_log_constant(p, K), log_pi, pi, log_norm, centred, out)
        norm = math.exp(_log_p_norm(out, p))
        for a in range(K):
            out[a] = out[a] / norm
        return
    if not fresh:
        _log_policy(theta, escort, p, log_pi, pi, log_norm)
    if code == _SPG:
        _ascend(theta, r, False, p, eta, 0.0, log_pi, pi, log_norm, centred, out)
    elif code == _EPG:
        log_eta = 2.0 * log_norm[0] + _theorem2_log_constant(p, K)
        _ascend(theta, r, True, p, 1.0, log_eta, log_pi, pi, log_norm, centred, out)
    elif code == _NRD:
        _centred(log_pi, pi, r, centred)
        for a in range(K):
            outward = (theta[a] >= NRD_LOGIT_THRESHOLD and centred[a] > 0) or (
                theta[a] <= -NRD_LOGIT_THRESHOLD and centred[a] < 0
            )
            out[a] = theta[a] + eta * (0.0 if outward else centred[a])
    elif code == _SPG_NORMALISED:
        _centred(log_pi, pi, r, centred)
        length = 0.0
        for a in range(K):
            soft[a] = _sensitivity(theta, log_pi, pi, log_norm, False, p, 0.0, a) * centred[a]
            length += soft[a] * soft[a]
        length = math.sqrt(length)
        for a in range(K):
            out[a] = theta[a] + eta * (soft[a] / length if length > 0 else 0.0)
    elif code == _SPG_INVERSE_OPTIMAL:
        _ascend(theta, r, False, p, eta, -log_pi[astar], log_pi, pi, log_norm, centred, out)
    else:
        for a in range(K):
            soft[a] = r[a] - tau * log_pi[a]
        if code == _SPG_ENTROPY:
            _ascend(theta, soft, False, p, eta, 0.0, log_pi, pi, log_norm, centred, out)
        else:
            c_tau = p * p * tau * (4.0 + 8.0 * math.log(K))
            log_eta = 2.0 * log_norm[0] - math.log(10.0 * p * p * K ** (1.0 / p) + c_tau)
            _ascend(theta, soft, True, p, 1.0, log_eta, log_pi, pi, log_norm, centred, out)


@njit(cache=True)
def _theorem2_log_constant(p, K):
    """log(2/(9p²K^{1/p})), Theorem 2's step at ‖θ‖_p = 1."""
    return math.log(2.0 / (9.0 * p * p)) - math.log(K) / p


@njit(cache=True)
def _measure(theta, r, escort, p, astar, log_pi, pi, log_norm):
    """(sub-optimality Σ π(a)(max r − r(a)), π(a*), ‖θ‖: p-norm for the escort, 2-norm for softmax)."""
    _log_policy(theta, escort, p, log_pi, pi, log_norm)
    best = r[0]
    for a in range(1, r.size):
        best = max(best, r[a])
    gap = 0.0
    for a in range(r.size):
        gap += pi[a] * (best - r[a])
    if escort:
        top, total = _p_norm_parts(theta, p)
        norm = top * total ** (1.0 / p)
    else:
        norm = 0.0
        for a in range(theta.size):
            norm += theta[a] * theta[a]
        norm = math.sqrt(norm)
    return gap, pi[astar], norm


@njit(cache=True)
def _run(code, escort, theta0, r, schedule, p, eta, tau, astar, use_level, level, patience):
    """All runs, one after the other; the stopping rule of numerics.algorithms.runs when ``use_level``."""
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
        gap, optimal, norm = _measure(theta, r[b], escort, p, astar[b], log_pi, pi, log_norm)
        records[0, b, 0], records[1, b, 0], records[2, b, 0] = gap, optimal, norm
        stopped = False
        if use_level:
            if gap >= level:
                last_above[b] = 0
            stopped = -last_above[b] > patience * (last_above[b] + 1)
        column, t, fresh = 1, 0, True
        while t < schedule[columns - 1] and not stopped:
            t += 1
            _step(code, theta, r[b], p, eta, tau, astar[b], fresh, log_pi, pi, log_norm, centred, soft, moved)
            fresh = False
            for a in range(K):
                if math.copysign(1.0, moved[a]) != math.copysign(1.0, theta[a]):
                    flips[b] += 1
                theta[a] = moved[a]
            if use_level or t == schedule[column]:
                gap, optimal, norm = _measure(theta, r[b], escort, p, astar[b], log_pi, pi, log_norm)
                fresh = True
            if use_level:
                if gap >= level:
                    last_above[b] = t
                stopped = t - last_above[b] > patience * (last_above[b] + 1)
            if t == schedule[column]:
                records[0, b, column], records[1, b, column], records[2, b, column] = gap, optimal, norm
                column += 1
        gap, optimal, norm = _measure(theta, r[b], escort, p, astar[b], log_pi, pi, log_norm)
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
    """Compiled counterpart of the numpy loop of :mod:`numerics.algorithms.runs` (validated input)."""
    records, flips, steps_run, last_above, theta_final = _run(
        RULES.index(name),
        ALGORITHMS[name].transform == "escort",
        np.ascontiguousarray(theta, dtype=np.float64),
        np.ascontiguousarray(rewards, dtype=np.float64),
        np.ascontiguousarray(schedule, dtype=np.int64),
        params.p,
        params.eta,
        params.tau,
        np.ascontiguousarray(params.astar[:, 0], dtype=np.int64),
        level is not None,
        0.0 if level is None else level,
        float(patience),
    )
    return LoopResult(*records, flips, steps_run, last_above, theta_final)
