"""The bandit step loop compiled with numba: the same rules as :mod:`numerics.engine.methods`, one run at a time.

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
from numerics.engine.methods import ALGORITHMS, NRD_LOGIT_THRESHOLD, StepParameters
from numerics.engine.recording import LoopResult
from numerics.kernels.vectorised_exp import exp_into

__all__ = ["LANES", "MAX_EXACT_POWER", "RULES", "run_compiled"]

RULES: tuple[str, ...] = tuple(ALGORITHMS)
"""Algorithm names in the order of their integer codes inside the compiled kernel."""

MAX_EXACT_POWER = 16
"""Integer powers p ≤ this are taken by repeated multiplication in the EPG steps (p multiplications per entry
against a logarithm and two exponentials)."""

LANES = 32
"""Runs advanced together by the batch-major kernels (:func:`_run_lanes`): a block of 32 runs is 8 AVX2
registers of float64 per action (measured at K = 5, B = 1000: 8 lanes gained 1.5-3x over one run at a time,
32 lanes 2-10x)."""
LANE_MAX_ACTIONS = 16
"""The batch-major kernels serve K ≤ 16. At K = 100 one run at a time is already a vector loop over the actions,
and the lanes were measured no faster there (K = 100, B = 1000, 32 lanes against one run at a time: SPG 280
against 320 ns, EPG 360 against 270 ns per run-step; at K = 16: 34 against 59 and 32 against 47 ns)."""

_TINY = float(np.finfo(np.float64).tiny)
_FAST_MATH = {"reassoc", "contract", "arcp"}
"""LLVM may re-associate sums (so reductions vectorise), fuse multiply-adds and divide by reciprocals."""

_LOOP = {"cache": True, "fastmath": _FAST_MATH, "error_model": "numpy"}
"""Options of the run loops. ``error_model="numpy"``: a float division by zero gives ±inf or NaN as in numpy
instead of raising; Python's check is a branch in every division, which kept LLVM from vectorising any loop
with a division (the lane loops ran 3x slower than one run at a time with it)."""
_RUN = _LOOP | {"_nrt": False}
"""Options of the loops over t (:func:`_single_run`, :func:`_lane_block`): they allocate nothing, so they are
compiled without numba's reference-counted memory. Code inlined into a function with it pays atomic
reference-count updates for the array arguments of every inlined kernel, at every step: with the loop over t
inside the allocating :func:`_run`, an SPG step of one K = 5 run took 177 ns; the same loop without reference
counting 58 ns (C: 60 ns), measured side by side."""
_KERNEL = _RUN | {"inline": "always"}
"""Options of the kernels called by the loops over t: inlined into them at numba's level (a call passes every
array as a dozen scalars, and LLVM does not inline across numba's modules), and without reference counting."""

_SPG, _EPG, _EPG_NORMALISED, _MD, _NRD, _SPG_NORMALISED, _SPG_INVERSE_OPTIMAL, _SPG_ENTROPY, _EPG_ENTROPY = range(9)


@njit(**_KERNEL)
def _largest(theta, magnitude):
    """(a, value) of the first largest θ(a), or of the first largest |θ(a)| if ``magnitude``."""
    top, largest = 0, abs(theta[0]) if magnitude else theta[0]
    for a in range(1, theta.size):
        value = abs(theta[a]) if magnitude else theta[a]
        if value > largest:
            top, largest = a, value
    return top, largest


@njit(**_KERNEL)
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


@njit(**_KERNEL)
def _exact_power(p):
    """p as an int if it is an integer in [1, MAX_EXACT_POWER], else 0."""
    return int(p) if 1.0 <= p <= MAX_EXACT_POWER and p == math.floor(p) else 0


@njit(**_KERNEL)
def _integer_power(x, n):
    """x^n for an integer n ≥ 0, by n multiplications."""
    result = 1.0
    for _ in range(n):
        result *= x
    return result


@njit(**_KERNEL)
def _p_norm_parts(theta, p):
    """(m, Σ_a (|θ(a)|/m)^p) with m = max|θ|, so ‖θ‖_p = m·sum^{1/p}."""
    n = _exact_power(p)
    top = _largest(theta, True)[1]
    total = 0.0
    for a in range(theta.size):
        ratio = abs(theta[a]) / top
        total += _integer_power(ratio, n) if n > 0 else ratio**p
    return top, total


@njit(**_KERNEL)
def _log_p_norm(theta, p):
    top, total = _p_norm_parts(theta, p)
    return math.log(top) + math.log(total) / p


@njit(**_KERNEL)
def _centred(top, pi, values, out):
    """values − πᵀvalues into ``out``, referenced to the most probable action ``top``."""
    K = values.size
    mean = 0.0
    for a in range(K):
        out[a] = values[a] - values[top]
        mean += pi[a] * out[a]
    for a in range(K):
        out[a] -= mean


@njit(**_KERNEL)
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


@njit(**_KERNEL)
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


@njit(**_KERNEL)
def _norm_power(total, n):
    """S^{2/n − 1}, the part of Theorem 2's step that depends on S = Σ_a ρ(a)^n (see :func:`_escort_ascend_exact`):
    exactly 1 for the paper's p = 2, so that step needs no transcendental function at all."""
    return 1.0 if n == 2 else math.exp((2.0 / n - 1.0) * math.log(total))


@njit(**_KERNEL)
def _escort_ascend_exact(theta, values, n, constant, weight, rising, out):
    """out = θ + η_t·s ⊙ (values − πᵀvalues) for the escort with integer p = n, η_t = constant·‖θ‖_p².

    With m = max|θ|, ρ = |θ|/m and S = Σ_a ρ(a)^n: π(a) = ρ(a)^n/S (Eq. (3)), ‖θ‖_p = m·S^{1/n}, and Eq. (4)'s
    sensitivity p·π(a)/θ(a) = n·sgn θ(a)·ρ(a)^{n−1}/(m·S), so

        η_t·s(a) = n·m·constant·sgn θ(a)·ρ(a)^{n−1}·S^{2/n − 1}:

    no transcendental per entry, none at all for n = 2, no division by an underflowed π(a), and m kept out of
    the power (1 ≤ S ≤ K, so S^{2/n−1} is accurate at any scale of θ). The powers ρ^{n−1} are taken one
    multiplication per pass over the actions, so every pass is a vector loop. ``weight`` and ``rising`` are
    scratch arrays (ρ^n and sgn θ·ρ^{n−1}).
    """
    K = theta.size
    top, m = _largest(theta, True)
    for a in range(K):
        weight[a] = abs(theta[a]) / m
        rising[a] = 1.0
    for _ in range(n - 1):
        for a in range(K):
            rising[a] *= weight[a]
    total = 0.0
    for a in range(K):
        rising[a] = math.copysign(rising[a], theta[a])
        weight[a] = rising[a] * theta[a] / m
        total += weight[a]
    mean = 0.0
    for a in range(K):
        mean += weight[a] * (values[a] - values[top])
    mean /= total
    scale = m * (n * constant * _norm_power(total, n))
    for a in range(K):
        out[a] = theta[a] + scale * rising[a] * (values[a] - values[top] - mean)


@njit(**_KERNEL)
def _step(code, theta, r, p, eta, tau, log_step2, log_denominator4, astar, top, log_pi, pi, log_norm, centred, soft, out):
    """One update θ_t ↦ θ_{t+1} of rule ``code`` into ``out`` (see numerics.engine.methods).

    ``top`` ≥ 0: ``log_pi``/``pi`` already hold θ's policy and ``top`` its most probable action (computed by the
    same kernel when θ was measured); −1: they are computed here. ``log_step2`` = log of Theorem 2's step at
    ‖θ‖_p = 1 and ``log_denominator4`` = log(10p²K^{1/p} + c_τ) of Theorem 4 come from
    :mod:`numerics.engine.step_sizes` (read from theory/), once per call of the loop.
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
            _escort_ascend_exact(soft, r, n, math.exp(log_step2), pi, centred, out)
        else:
            unit_top = _log_policy(soft, True, p, log_pi, pi, log_norm)
            _ascend(soft, r, True, p, 1.0, log_step2, unit_top, log_pi, pi, log_norm, centred, out)
        norm = math.exp(_log_p_norm(out, p))
        for a in range(K):
            out[a] = out[a] / norm
        return
    if code == _EPG and n > 0:
        _escort_ascend_exact(theta, r, n, math.exp(log_step2), pi, centred, out)
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


@njit(**_KERNEL)
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


@njit(**_KERNEL)
def _lanes_largest(theta, magnitude, top, largest):
    """Per lane j: the first largest θ[a, j] (|θ[a, j]| if ``magnitude``) over a into ``top``, ``largest``;
    written with selects so that the loop over lanes is a vector instruction per action."""
    for j in range(theta.shape[1]):
        top[j], largest[j] = 0, abs(theta[0, j]) if magnitude else theta[0, j]
    for a in range(1, theta.shape[0]):
        for j in range(theta.shape[1]):
            value = abs(theta[a, j]) if magnitude else theta[a, j]
            better = value > largest[j]
            top[j] = a if better else top[j]
            largest[j] = value if better else largest[j]


@njit(**_KERNEL)
def _lanes_centred(values, top, weight, total, mean, reference):
    """Per lane: reference = values(top), total = Σ_a weight(a), mean = Σ_a weight(a)(values(a) − reference)/total."""
    for j in range(values.shape[1]):
        reference[j], total[j], mean[j] = values[top[j], j], 0.0, 0.0
    for a in range(values.shape[0]):
        for j in range(values.shape[1]):
            total[j] += weight[a, j]
            mean[j] += weight[a, j] * (values[a, j] - reference[j])
    for j in range(values.shape[1]):
        mean[j] /= total[j]


@njit(**_KERNEL)
def _softmax_ascend_lanes(theta, values, eta, top, largest, total, mean, reference, flat, weight, flat_out, out):
    """:func:`_softmax_ascend` for LANES runs at once, on (K, LANES) blocks (θ[a, j] is θ(a) of run j), so every
    pass is a vector loop over the runs; ``flat`` and ``flat_out`` are ``weight`` and ``out`` seen as one row
    (for :func:`exp_into`) and ``top`` … ``reference`` are per-lane scratch.

    The centred logits go into ``out`` (overwritten last) and their exponentials into ``weight``: exp_into
    from an array into itself fails LLVM's run-time overlap check and runs its scalar loop (measured at K = 5,
    32 lanes: 16 ns per run-step in place, 5 ns between two arrays)."""
    _lanes_largest(theta, False, top, largest)
    for a in range(theta.shape[0]):
        for j in range(theta.shape[1]):
            out[a, j] = theta[a, j] - largest[j]
    exp_into(flat_out, flat, 0.0)
    _lanes_centred(values, top, weight, total, mean, reference)
    for a in range(theta.shape[0]):
        for j in range(theta.shape[1]):
            out[a, j] = theta[a, j] + eta * (weight[a, j] / total[j] * (values[a, j] - reference[j] - mean[j]))


@njit(**_KERNEL)
def _escort_ascend_exact_lanes(theta, values, n, constant, top, m, total, mean, reference, weight, rising, out):
    """:func:`_escort_ascend_exact` for LANES runs at once (the block layout of :func:`_softmax_ascend_lanes`)."""
    _lanes_largest(theta, True, top, m)
    for a in range(theta.shape[0]):
        for j in range(theta.shape[1]):
            weight[a, j] = abs(theta[a, j]) / m[j]
            rising[a, j] = 1.0
    for _ in range(n - 1):
        for a in range(theta.shape[0]):
            for j in range(theta.shape[1]):
                rising[a, j] *= weight[a, j]
    for a in range(theta.shape[0]):
        for j in range(theta.shape[1]):
            rising[a, j] = math.copysign(rising[a, j], theta[a, j])
            weight[a, j] = rising[a, j] * theta[a, j] / m[j]
    _lanes_centred(values, top, weight, total, mean, reference)
    for j in range(theta.shape[1]):
        m[j] *= n * constant * _norm_power(total[j], n)
    for a in range(theta.shape[0]):
        for j in range(theta.shape[1]):
            out[a, j] = theta[a, j] + m[j] * rising[a, j] * (values[a, j] - reference[j] - mean[j])


@njit(**_RUN)
def _lane_block(
    escort, start, runs, r, schedule, p, eta, n, constant, astar, records, theta, values, flat_moved, moved, flat,
    weight, rising, top, changed, largest, total, mean, reference, row, log_pi, pi, log_norm,
):
    """The loop over t of :func:`_run_lanes` for the block of runs start … start + runs − 1, θ in (K, LANES)
    layout (advanced in place): their columns of ``records`` and sign changes added to ``changed``."""
    K, lanes = theta.shape
    columns = schedule.size
    column = 0
    for t in range(schedule[columns - 1] + 1):
        if t > 0:
            if escort:
                _escort_ascend_exact_lanes(
                    theta, values, n, constant, top, largest, total, mean, reference, weight, rising, moved
                )
            else:
                _softmax_ascend_lanes(
                    theta, values, eta, top, largest, total, mean, reference, flat, weight, flat_moved, moved
                )
            for a in range(K):
                for j in range(lanes):
                    changed[j] += math.copysign(1.0, moved[a, j]) != math.copysign(1.0, theta[a, j])
                    theta[a, j] = moved[a, j]
        if t == schedule[column]:
            for j in range(runs):
                for a in range(K):
                    row[a] = theta[a, j]
                b = start + j
                gap, optimal, norm, _ = _measure(row, r[b], escort, p, astar[b], log_pi, pi, log_norm)
                records[0, b, column], records[1, b, column], records[2, b, column] = gap, optimal, norm
            column += 1


@njit(**_LOOP)
def _run_lanes(code, theta0, r, schedule, p, eta, log_step2, astar, lanes):
    """All runs of SPG or of EPG with an integer p (no stopping rule), ``lanes`` at a time: the result of
    :func:`_run`, with the batch dimension inside the vector registers. A last, partial block repeats its last
    run in the spare lanes and discards them."""
    B, K = theta0.shape
    columns = schedule.size
    escort = code == _EPG
    n = _exact_power(p)
    constant = math.exp(log_step2)
    records = np.empty((3, B, columns))
    flips = np.zeros(B, dtype=np.int64)
    theta_final = np.empty((B, K))
    theta, values = np.empty((K, lanes)), np.empty((K, lanes))
    flat, flat_moved = np.empty(K * lanes), np.empty(K * lanes)
    weight, moved, rising = flat.reshape((K, lanes)), flat_moved.reshape((K, lanes)), np.empty((K, lanes))
    top, changed = np.empty(lanes, dtype=np.int64), np.empty(lanes, dtype=np.int64)
    largest, total, mean, reference = np.empty(lanes), np.empty(lanes), np.empty(lanes), np.empty(lanes)
    row, log_pi, pi, log_norm = np.empty(K), np.empty(K), np.empty(K), np.empty(1)
    for start in range(0, B, lanes):
        runs = min(lanes, B - start)
        for j in range(lanes):
            b = start + min(j, runs - 1)
            for a in range(K):
                theta[a, j], values[a, j] = theta0[b, a], r[b, a]
        changed[:] = 0
        _lane_block(
            escort, start, runs, r, schedule, p, eta, n, constant, astar, records, theta, values, flat_moved, moved,
            flat, weight, rising, top, changed, largest, total, mean, reference, row, log_pi, pi, log_norm,
        )
        for j in range(runs):
            flips[start + j] = changed[j]
            for a in range(K):
                theta_final[start + j, a] = theta[a, j]
    steps_run = np.full(B, schedule[columns - 1], dtype=np.int64)
    return records, flips, steps_run, np.full(B, -1, dtype=np.int64), theta_final


@njit(**_RUN)
def _single_run(
    code, escort, theta, rewards, schedule, p, eta, tau, log_step2, log_denominator4, best, use_level, level, patience,
    b, records, flips, last_above, log_pi, pi, log_norm, centred, soft, moved,
):
    """Run b of :func:`_run` from θ (advanced in place) until the last scheduled step or the stopping rule: its
    columns of ``records``, ``flips[b]``, ``last_above[b]``; returns the number of steps taken."""
    K = theta.size
    columns = schedule.size
    gap, optimal, norm, top = _measure(theta, rewards, escort, p, best, log_pi, pi, log_norm)
    records[0, b, 0], records[1, b, 0], records[2, b, 0] = gap, optimal, norm
    stopped = False
    if use_level:
        if gap >= level:
            last_above[b] = 0
        stopped = -last_above[b] > patience * (last_above[b] + 1)
    column, t, changed = 1, 0, 0
    while t < schedule[columns - 1] and not stopped:
        t += 1
        _step(
            code, theta, rewards, p, eta, tau, log_step2, log_denominator4, best, top, log_pi, pi, log_norm, centred,
            soft, moved,
        )
        top = -1
        for a in range(K):
            changed += math.copysign(1.0, moved[a]) != math.copysign(1.0, theta[a])
            theta[a] = moved[a]
        if use_level or t == schedule[column]:
            gap, optimal, norm, top = _measure(theta, rewards, escort, p, best, log_pi, pi, log_norm)
        if use_level:
            if gap >= level:
                last_above[b] = t
            stopped = t - last_above[b] > patience * (last_above[b] + 1)
        if t == schedule[column]:
            records[0, b, column], records[1, b, column], records[2, b, column] = gap, optimal, norm
            column += 1
    flips[b] = changed
    gap, optimal, norm, top = _measure(theta, rewards, escort, p, best, log_pi, pi, log_norm)
    for c in range(column, columns):
        records[0, b, c], records[1, b, c], records[2, b, c] = gap, optimal, norm
    return t


@njit(**_LOOP)
def _run(code, escort, theta0, r, schedule, p, eta, tau, log_step2, log_denominator4, astar, use_level, level, patience):
    """All runs, one after the other (:func:`_single_run`); the stopping rule of numerics.engine.runs when
    ``use_level``."""
    B, K = theta0.shape
    records = np.empty((3, B, schedule.size))
    flips = np.zeros(B, dtype=np.int64)
    steps_run = np.zeros(B, dtype=np.int64)
    last_above = np.full(B, -1, dtype=np.int64)
    theta_final = np.empty((B, K))
    log_pi, pi, centred, soft, log_norm = np.empty(K), np.empty(K), np.empty(K), np.empty(K), np.empty(1)
    theta, moved = np.empty(K), np.empty(K)
    for b in range(B):
        theta[:] = theta0[b]
        steps_run[b] = _single_run(
            code, escort, theta, r[b], schedule, p, eta, tau, log_step2, log_denominator4, astar[b], use_level, level,
            patience, b, records, flips, last_above, log_pi, pi, log_norm, centred, soft, moved,
        )
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
    """Compiled counterpart of the numpy loop of :mod:`numerics.engine.runs` (validated input).

    SPG, and EPG with an integer p, go through the batch-major :func:`_run_lanes` when there are at least LANES
    runs of at most LANE_MAX_ACTIONS actions and no stopping rule; everything else runs one run at a time
    (:func:`_run`), vectorised over the actions.
    """
    code = RULES.index(name)
    arrays = (
        np.ascontiguousarray(theta, dtype=np.float64),
        np.ascontiguousarray(rewards, dtype=np.float64),
        np.ascontiguousarray(schedule, dtype=np.int64),
    )
    astar = np.ascontiguousarray(params.astar[:, 0], dtype=np.int64)
    log_step2 = theorem2_log_constant(params.p, params.K)
    B, K = theta.shape
    batched_rule = code == _SPG or (code == _EPG and _exact_power(params.p) > 0)
    if level is None and B >= LANES and K <= LANE_MAX_ACTIONS and batched_rule:
        records, flips, steps_run, last_above, theta_final = _run_lanes(code, *arrays, params.p, params.eta, log_step2, astar, LANES)
    else:
        escort = ALGORITHMS[name].transform == "escort"
        records, flips, steps_run, last_above, theta_final = _run(
            code, escort, *arrays, params.p, params.eta, params.tau, log_step2,
            theorem4_log_denominator(params.p, params.K, params.tau), astar, level is not None,
            0.0 if level is None else level, float(patience),
        )
    return LoopResult(*records, flips, steps_run, last_above, theta_final)
