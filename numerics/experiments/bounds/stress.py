"""``escort stress THEOREM``: search for the inputs that maximise a theorem's empirical/bound ratio.

Method: an optimiser over the inputs, not a fixed grid — (1) *screening*: for every K and p of the budget, a batch
of random starts drawn where the proofs are weakest (θ₁ entries spread over four decades with random signs, so
some sit near the kink θ(a) = 0 of f_1; half the reward vectors with a near-tie at the top, gap 1e-3…1e-1), run in
one batched call of the compiled engine; (2) *refinement*: an elitist evolution strategy — each generation
perturbs the best inputs so far (θ₁ log-normally with rare sign flips, r and γ by Gaussian steps, clipped to the
stated domain) and keeps any offspring with a larger ratio. The ratio is a long simulation's maximum over t, not
differentiable in the inputs and cheap to evaluate in batches, which is what a derivative-free batched search
suits; hypothesis' shrinking aims at small counterexamples, not at the largest ratio. (3) *final run*: the worst
inputs per p at the full horizon, a status from :mod:`numerics.analysis.bound_status`, and an exceedance confirmed by a
50-digit re-run (:mod:`numerics.engine.precise`) up to its first exceeding step (the minimal replay).

Theorems:

* ``thm2`` — Theorem 2 (ascent): (π* − π_t)ᵀr against 9K^{1/p}/(c^{2−2/p}t), EPG at the stated step;
* ``thm3`` — Theorem 3 on single-state MDPs (S = 1, μ = ρ, so the distribution factor is 1 and the bound is
  smallest): V = f_p(θ)ᵀr/(1 − γ), and EPG with Theorem 3's step (1−γ)³‖θ‖_p²/(10p²A^{2/p}) on V is *exactly*
  Theorem 2's EPG on the rewards α·r with α = 9(1 − γ)²/(20A^{1/p}) (the two steps times their gradients agree),
  so the compiled bandit engine reaches horizons of 10⁷ steps. V* − V_t = (π* − π_t)ᵀ(αr)/(α(1 − γ)).

The engine runs ``epg-normalised`` (θ divided by ‖θ‖_p after each step): the policies are those of Theorem 2's
EPG (π is homogeneous of degree 0 in θ, the step of degree 1; equal to rounding, measured ≤ 7e-15 over 5000 steps),
but θ stays finite — plain EPG's ‖θ‖ grows every step (∇ ⊥ θ) and overflows after ~1.2e5 steps at p = 1.

Each worst case is written as replayable JSON (``<theorem>-p<p>.json``): ``escort stress THEOREM --replay FILE``
re-runs it and re-confirms the exceedance at 50 digits.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import sympy as sp

from foundation.artifacts import StageOutput, provenance, write_json
from foundation.validation import InputError, check_choice
from numerics.engine import run_bandit
from numerics.experiments.bounds import thm2
from numerics.engine.precise import precise_suboptimality
from numerics.analysis.bound_status import BoundStatus, Status, classify
from theory.statements import BOUNDS

__all__ = ["BUDGETS", "STRESSED", "Budget", "Inputs", "replay", "run_stress", "stress"]

STRESSED = ("thm2", "thm3")

_THM3_BOUND: Callable[..., np.ndarray] = sp.lambdify(
    sp.symbols("t c gamma distribution_factor p S A", positive=True), BOUNDS["thm3"].bound, modules="numpy"
)


@dataclass(frozen=True)
class Budget:
    """Search sizes: Ks and ps, screening runs per (K, p) and their horizon, ES generations and offspring, the
    final horizon, and the longest prefix confirmed at 50 digits."""

    Ks: tuple[int, ...]
    powers: tuple[float, ...]
    screen_runs: int
    screen_steps: int
    generations: int
    offspring: int
    final_steps: int
    confirm_steps: int


BUDGETS: dict[bool, Budget] = {
    True: Budget((2, 3, 5), (1.0, 1.5, 2.0, 4.0), 24, 20_000, 6, 12, 100_000, 6_000),
    False: Budget((2, 3, 5, 10), (1.0, 1.5, 2.0, 4.0), 64, 100_000, 15, 16, 10_000_000, 30_000),
}
"""Budget of the quick (``True``) and full forms; both theorems use the same sizes."""


@dataclass(frozen=True)
class Inputs:
    """One run's inputs: θ₁, r (in [0, 1]^K), p, and γ (Theorem 3 only; 0 for Theorem 2)."""

    theta_1: tuple[float, ...]
    r: tuple[float, ...]
    p: float
    gamma: float = 0.0


def _reward_scale(theorem: str, inputs: Inputs) -> float:
    """α with which Theorem 2's engine runs Theorem 3's single-state EPG (module docstring); 1 for Theorem 2."""
    if theorem == "thm2":
        return 1.0
    return 9 * (1 - inputs.gamma) ** 2 / (20 * len(inputs.r) ** (1 / inputs.p))


def _value_and_bound(theorem: str, inputs: Inputs, t: np.ndarray, gap: np.ndarray, c: float):
    """The measured quantity and its bound at steps t, from the engine's sub-optimality ``gap`` on α·r."""
    K, p = len(inputs.r), inputs.p
    if theorem == "thm2":
        return gap, thm2.ascent_bound(t, c, K, p)
    alpha = _reward_scale(theorem, inputs)
    return gap / (alpha * (1 - inputs.gamma)), _THM3_BOUND(t, c, inputs.gamma, 1.0, p, 1, K)


def _trivial(theorem: str, inputs: Inputs) -> float:
    """The largest value the measured quantity can take: max r − min r, over 1 − γ for a value."""
    spread = max(inputs.r) - min(inputs.r)
    return spread if theorem == "thm2" else spread / (1 - inputs.gamma)


def _run(theorem: str, batch: list[Inputs], steps: int):
    """Run a batch (one K and p) and return per run (ratios over t, t, values, bounds)."""
    theta = np.array([x.theta_1 for x in batch])
    r = np.array([np.array(x.r) * _reward_scale(theorem, x) for x in batch])
    traj = run_bandit("epg-normalised", theta, r, steps, p=batch[0].p, record_per_decade=40, backend="compiled")
    t = traj.steps + 1.0
    out = []
    for i, inputs in enumerate(batch):
        c = float(np.nanmin(traj.optimal_probability[i]))
        value, bound = _value_and_bound(theorem, inputs, t, traj.suboptimality[i], c)
        out.append((value / bound, t, value, bound, c))
    return out


def _random_inputs(rng: np.random.Generator, K: int, p: float, theorem: str) -> Inputs:
    theta = rng.standard_normal(K) * 10.0 ** rng.uniform(-3, 1, K)
    r = rng.uniform(size=K)
    if rng.uniform() < 0.5:
        order = np.argsort(r)[::-1]
        r[order[1]] = max(0.0, r[order[0]] - 10.0 ** rng.uniform(-3, -1))
    gamma = 0.0 if theorem == "thm2" else float(rng.choice([0.0, rng.uniform(0, 0.9)]))
    return Inputs(tuple(theta), tuple(r), p, gamma)


def _mutate(rng: np.random.Generator, x: Inputs, theorem: str) -> Inputs:
    theta = np.array(x.theta_1) * np.exp(0.3 * rng.standard_normal(len(x.theta_1)))
    theta *= np.where(rng.uniform(size=theta.size) < 0.05, -1.0, 1.0)
    r = np.clip(np.array(x.r) + 0.05 * rng.standard_normal(len(x.r)), 0.0, 1.0)
    gamma = 0.0 if theorem == "thm2" else float(np.clip(x.gamma + 0.05 * rng.standard_normal(), 0.0, 0.95))
    return Inputs(tuple(theta), tuple(r), x.p, gamma)


def _score(ratio: np.ndarray) -> float:
    """max_t ratio over the steps where the run's output is defined (−inf if none)."""
    finite = ratio[np.isfinite(ratio)]
    return float(finite.max()) if finite.size else -np.inf


def _worst(theorem: str, K: int, p: float, budget: Budget, rng: np.random.Generator) -> tuple[Inputs, float]:
    """Screening then refinement for one (K, p): the inputs with the largest max_t ratio at the screening horizon."""
    batch = [_random_inputs(rng, K, p, theorem) for _ in range(budget.screen_runs)]
    scores = [_score(result[0]) for result in _run(theorem, batch, budget.screen_steps)]
    best, score = batch[int(np.argmax(scores))], float(np.max(scores))
    for _ in range(budget.generations):
        children = [_mutate(rng, best, theorem) for _ in range(budget.offspring)]
        found = [_score(result[0]) for result in _run(theorem, children, budget.screen_steps)]
        if max(found) > score:
            best, score = children[int(np.argmax(found))], max(found)
    return best, score


def _confirm(theorem: str, inputs: Inputs, t: np.ndarray, bound: np.ndarray, cap: int):
    """``confirm(i)`` for :func:`classify`: a 50-digit re-run to step t[i] − 1 (if within ``cap`` steps)."""
    alpha = _reward_scale(theorem, inputs)
    scale = alpha * (1 - inputs.gamma) if theorem == "thm3" else 1.0

    def confirm(i: int) -> tuple[bool, str]:
        steps = int(t[i]) - 1
        if steps > cap:
            return False, ""
        precise = precise_suboptimality(np.array(inputs.theta_1), np.array(inputs.r) * alpha, inputs.p, steps)
        value = precise[steps] / scale
        return bool(value > bound[i]), f"confirmed by a 50-digit re-run of the {steps} steps (value {value:.6g})"

    return confirm


def _final(theorem: str, inputs: Inputs, budget: Budget) -> tuple[BoundStatus, dict]:
    """The worst inputs at the full horizon: status, minimal replay and the ratio at each decade of t."""
    ratio, t, value, bound, c = _run(theorem, [inputs], budget.final_steps)[0]
    replay = {"theorem": theorem, **asdict(inputs), "c": c}
    status = classify(
        t, value, bound, relation="<=", trivial=_trivial(theorem, inputs),
        confirm=_confirm(theorem, inputs, t, bound, budget.confirm_steps),
        replay=lambda i: replay | {"steps": int(t[i]) - 1, "value": float(value[i]), "bound": float(bound[i])},
    )
    defined = np.isfinite(ratio)
    decades = {f"{t[i]:.0e}": float(ratio[i]) for i in np.unique(np.searchsorted(t, 10.0 ** np.arange(1, 8)))
               if i < t.size and defined[i]}
    worst = int(np.argmax(np.where(defined, ratio, -np.inf)))
    record = {
        "theorem": theorem, "inputs": asdict(inputs), "horizon": budget.final_steps, "c": c,
        "max_ratio": float(ratio[worst]), "max_ratio_step": float(t[worst]),
        "undefined_from_step": None if defined.all() else float(t[int(np.argmin(defined))]),
        "ratio_by_decade": decades, "status": status.status.value, "describe": status.describe(),
        "replay": None if status.replay is None else dict(status.replay),
        "outside_stated_domain": not (inputs.p == 1.0 or inputs.p >= 2.0),
    }
    return status, record


def stress(theorem: str, *, quick: bool, seed: int, out_dir: Path, docs_dir: Path | None) -> StageOutput:
    """Search ``theorem`` ('thm2' or 'thm3') for its worst ratio per p; write one JSON per p (and to
    ``docs_dir/stress/`` when given, the full form's home)."""
    check_choice(theorem, STRESSED, name="theorem")
    start = time.perf_counter()
    budget = BUDGETS[quick]
    rng = np.random.default_rng([seed, STRESSED.index(theorem)])
    paths, headline, problems = [], [], []
    for p in budget.powers:
        candidates = [_worst(theorem, K, p, budget, rng) for K in budget.Ks]
        inputs, _ = max(candidates, key=lambda pair: pair[1])
        status, record = _final(theorem, inputs, budget)
        record["searched"] = {"Ks": budget.Ks, "screen_runs": budget.screen_runs, "screen_steps": budget.screen_steps,
                              "generations": budget.generations, "offspring": budget.offspring, "seed": seed}
        name = f"{theorem}-p{p:g}.json"
        for folder in [Path(out_dir)] + ([Path(docs_dir) / "stress"] if docs_dir is not None else []):
            paths.append(write_json(folder / name, record))
        undefined = record["undefined_from_step"]
        line = (f"- {theorem} p={p:g}: worst ratio {record['max_ratio']:.4g} at t = {record['max_ratio_step']:g} "
                f"(K = {len(inputs.r)}{'' if undefined is None else f'; output NaN from t = {undefined:g}'}) — "
                f"{status.describe()}")
        headline.append(line)
        if status.status is Status.EXCEEDED and not record["outside_stated_domain"]:
            problems.append(line)
    paths.append(write_json(Path(out_dir) / f"{theorem}.provenance.json", provenance(
        command=f"escort stress {theorem}" + (" --quick" if quick else ""), parameters=asdict(budget), seed=seed,
        wall_time=time.perf_counter() - start)))
    return StageOutput("stress", tuple(paths), tuple(headline), tuple(problems))


def replay(path: Path) -> StageOutput:
    """Re-run a saved worst case to its replay step, in the engine and at 50 digits, and print both."""
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        theorem, saved = record["theorem"], record["replay"] or record["inputs"] | {"steps": record["horizon"]}
        inputs = Inputs(tuple(saved["theta_1"]), tuple(saved["r"]), float(saved["p"]), float(saved["gamma"]))
        steps = int(saved["steps"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"replay must name a worst-case JSON written by 'escort stress'; could not read {path}: "
                         f"{error}")
    check_choice(theorem, STRESSED, name="theorem")
    ratio, t, value, bound, c = _run(theorem, [inputs], steps)[0]
    line = f"{theorem} p={inputs.p:g}, {steps} steps: engine value {value[-1]:.6g}, bound {bound[-1]:.6g}"
    confirm = _confirm(theorem, inputs, t, bound, cap=steps)
    real, how = confirm(t.size - 1)
    line += f"; {'exceeds' if real else 'does not exceed'} at 50 digits" + (f" ({how})" if how else "")
    return StageOutput("stress", (), (f"- {line}",), ())


def run_stress(theorem: str, *, quick: bool, seed: int, out_dir: Path, docs_dir: Path,
               replay_path: Path | None = None) -> StageOutput:
    """``escort stress``: replay a saved case, or search; only the full form writes ``docs_dir/stress/``."""
    check_choice(theorem, STRESSED, name="theorem")
    if replay_path is not None:
        return replay(replay_path)
    return stress(theorem, quick=quick, seed=seed, out_dir=out_dir, docs_dir=None if quick else docs_dir)
