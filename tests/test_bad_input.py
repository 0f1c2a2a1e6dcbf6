"""Bad input and numerical safety, through the CLI and the public API.

Part 1, bad input: every class of bad input (p < 1 or non-finite, θ with a zero entry where the escort has no
gradient, K < 2, NaN/inf, shape mismatches, rewards outside a theorem's range, unknown names, malformed files) is
rejected with one sentence naming the argument and its allowed range: exit code 2 and no traceback on the command
line, :class:`foundation.validation.InputError` in the API.

Part 2, numerical safety: hypothesis drives the public numeric API (numerics.kernels.transforms, numerics.kernels.gradients) with
every entry of θ drawn independently over |θ| ∈ [1e-300, 1e300] and p ∈ [1, 1e3], and compares with the
definitions evaluated by mpmath at 60 digits.
"""

from __future__ import annotations

import math
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from escort.cli import main
from foundation.validation import InputError
from numerics.environments import bandit
from numerics.kernels import gradients
from numerics.kernels import transforms

EPS = float(np.finfo(np.float64).eps)

# --- part 1: bad input through the CLI ------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Malformed replay/record files and output folders inside ``tmp_path``."""
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    wrong_shape = tmp_path / "list.json"
    wrong_shape.write_text("[1, 2]", encoding="utf-8")
    record = tmp_path / "results" / "stages" / "derive.json"
    record.parent.mkdir(parents=True)
    record.write_text('{"stage": "derive"}', encoding="utf-8")
    return {"broken": broken, "list": wrong_shape, "missing": tmp_path / "missing.json", "out": tmp_path / "results",
            "docs": tmp_path / "docs"}


CLI_CASES = {
    "unknown experiment": (["run", "fig9"], "unknown experiment 'fig9'; did you mean"),
    "unknown claim": (["check", "eq13", "--docs", "{docs}"], "unknown claim 'eq13'; did you mean 'eq12'"),
    "unknown profile": (["check", "--profile", "fast", "--docs", "{docs}"], "unknown profile 'fast'"),
    "unknown transform": (["battery", "softmx", "--quick", "--out", "{out}", "--docs", "{docs}"],
                          "unknown transform 'softmx'; did you mean 'softmax'"),
    "p below 1": (["battery", "escort:0.5", "--quick", "--out", "{out}", "--docs", "{docs}"],
                  "p must be a finite number >= 1"),
    "p not finite": (["battery", "escort:inf", "--quick", "--out", "{out}", "--docs", "{docs}"], "must be finite"),
    "malformed replay": (["check", "--replay", "{broken}", "--docs", "{docs}"], "replay file must be valid JSON"),
    "replay not an object": (["check", "--replay", "{list}", "--docs", "{docs}"], "replay file must hold a JSON object"),
    "missing replay": (["check", "--replay", "{missing}", "--docs", "{docs}"], "replay file must be a readable JSON"),
    "malformed stage record": (["report", "--out", "{out}", "--docs", "{docs}"], "stage record"),
    "negative seed (all)": (["all", "--seed", "-1", "--out", "{out}", "--docs", "{docs}"],
                            "seed must be an integer >= 0"),
    "output folder is a file": (["all", "--out", "{broken}", "--docs", "{docs}"], "--out must be a folder"),
    "negative seed (run)": (["run", "fig1", "--quick", "--seed", "-1", "--out", "{out}", "--docs", "{docs}"],
                            "seed must be an integer >= 0"),
}


@pytest.mark.parametrize(("argv", "fragment"), CLI_CASES.values(), ids=CLI_CASES.keys())
def test_cli_rejects_bad_input_in_one_sentence(argv: list[str], fragment: str, files: dict[str, Path], capsys) -> None:
    code = main([arg.format(**files) for arg in argv])
    err = capsys.readouterr().err
    assert (code, fragment in err) == (2, True), err
    assert "Traceback" not in err
    assert err.count("\n") == 1
    assert not files["docs"].exists()


# --- part 1: bad input through the API ------------------------------------------------------------------------

THETA = np.array([1.0, -2.0, 0.5])
R = np.array([1.0, 0.0, 0.5])


def _run_experiment(name: str) -> None:
    from numerics.experiments import run_experiment

    run_experiment(name, quick=True)


def _run_checks(claim: str) -> None:
    from proofs_check.runner import run_checks

    run_checks([claim], progress=False)


def _battery_transform(name: str) -> None:
    from numerics.experiments.battery import run_battery

    run_battery([name], quick=True, out_dir=Path("unused"), docs_dir=Path("unused"))


API_CASES = {
    "p below 1": (lambda: transforms.escort(THETA, 0.999), r"p must be a finite number >= 1 .*got 0\.999"),
    "p is NaN": (lambda: transforms.escort(THETA, math.nan), "p must be a finite number >= 1"),
    "p is inf": (lambda: gradients.reward_gradient(THETA, R, transform="escort", p=math.inf), "p must be a finite"),
    "theta has a zero entry": (
        lambda: gradients.reward_gradient(np.array([1.0, 0.0]), R[:2], transform="escort"),
        r"theta must have no zero entries .*entry 1 is 0",
    ),
    "K below 2": (lambda: bandit.gap_rewards(1, 0.1, 0.0), r"K must be an integer >= 2 .*got 1"),
    "NaN in theta": (lambda: transforms.softmax(np.array([0.0, math.nan])), "theta must contain only finite numbers"),
    "inf in theta": (lambda: transforms.log_escort(np.array([1.0, -math.inf]), 2.0), "theta must contain only finite"),
    "NaN in r": (lambda: gradients.reward_gradient(THETA, [1.0, math.nan, 0.0]), "r must contain only finite numbers"),
    "shape mismatch": (
        lambda: gradients.reward_gradient(THETA, R[:2]), r"r must have K = 3 entries .*got shape \(2,\)"
    ),
    "label out of range": (lambda: gradients.cross_entropy_gradient(THETA, 3), r"label must be an integer in \[0, 2\]"),
    "rewards outside [0, 1]": (lambda: bandit.gap_rewards(3, 0.5, 0.8), r"base must lie in \[0, 1 - gap\]"),
    "unknown transform": (lambda: transforms.policy(THETA, transform="escrot"), "did you mean 'escort'"),
    "unknown experiment": (lambda: _run_experiment("fig9"), "unknown experiment 'fig9'; did you mean"),
    "unknown claim": (lambda: _run_checks("eq13"), "unknown claim 'eq13'; did you mean"),
    "unknown battery transform": (lambda: _battery_transform("sparsmax"), "did you mean 'sparsemax'"),
    "empty theta": (lambda: transforms.softmax(np.array([])), r"theta must have at least one entry .*got shape \(0,\)"),
}


@pytest.mark.parametrize(("call", "fragment"), API_CASES.values(), ids=API_CASES.keys())
def test_api_rejects_bad_input_naming_the_argument(call, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment) as caught:
        call()
    assert "\n" not in str(caught.value)


# --- part 2: numerical safety at extreme scales -----------------------------------------------------------------

EXPONENTS = st.one_of(st.sampled_from([1.0, 2.0, 1000.0]), st.floats(1.0, 1000.0))
"""p ∈ [1, 1e3], the ends and p = 2 drawn often."""


@st.composite
def extreme_parameters(draw: st.DrawFn) -> np.ndarray:
    """θ with K ∈ [2, 6] entries, each of magnitude 10^e, e ∈ [−300, 300] drawn independently, random signs."""
    K = draw(st.integers(2, 6))
    magnitudes = [10.0 ** draw(st.floats(-300.0, 300.0)) for _ in range(K)]
    signs = [draw(st.sampled_from([1.0, -1.0])) for _ in range(K)]
    return np.array([s * m for s, m in zip(signs, magnitudes)])


def _exact_escort(theta: np.ndarray, p: float) -> list[mpmath.mpf]:
    """Eq. (3) in mpmath (unbounded exponent range, so |θ|^p neither overflows nor underflows)."""
    weights = [abs(mpmath.mpf(t)) ** p for t in theta]
    total = mpmath.fsum(weights)
    return [w / total for w in weights]


def escort_agrees(computed: np.ndarray, theta: np.ndarray, p: float) -> bool:
    """Every π(a) within 8ε(|log π(a)| + p + K) relative of the 60-digit value, or both below 1e-300."""
    with mpmath.workdps(60):
        exact = _exact_escort(theta, p)
        for value, reference in zip(computed, exact):
            budget = 8 * EPS * (abs(float(mpmath.log(reference))) + p + len(theta))
            if not (np.isfinite(value) and abs(mpmath.mpf(value) - reference) <= budget * reference + 1e-300):
                return False
    return True


@given(extreme_parameters(), EXPONENTS)
def test_escort_is_finite_and_agrees_with_mpmath_at_extreme_scales(theta: np.ndarray, p: float) -> None:
    pi = transforms.escort(theta, p)
    assert np.all(np.isfinite(pi))
    assert abs(math.fsum(pi) - 1.0) <= 4 * EPS * len(theta)
    assert escort_agrees(pi, theta, p)


def test_the_agreement_check_rejects_the_naive_escort() -> None:
    """The check above can fail: |θ|^p / Σ|θ|^p in float64 overflows to NaN at |θ| = 1e300, p = 2."""
    theta, p = np.array([1e300, -3e299]), 2.0
    with np.errstate(all="ignore"):
        naive = np.abs(theta) ** p / np.sum(np.abs(theta) ** p)
    assert not escort_agrees(naive, theta, p)
    assert escort_agrees(transforms.escort(theta, p), theta, p)


@given(extreme_parameters(), EXPONENTS, st.data())
def test_escort_reward_gradient_is_finite_and_agrees_with_mpmath(theta: np.ndarray, p: float, data) -> None:
    r = np.array(data.draw(st.lists(st.floats(0.0, 1.0), min_size=len(theta), max_size=len(theta))))
    computed = gradients.reward_gradient(theta, r, transform="escort", p=p)
    assert np.all(np.isfinite(computed))
    spread = float(np.ptp(r))
    with mpmath.workdps(60):
        pi = _exact_escort(theta, p)
        mean = mpmath.fsum(q * mpmath.mpf(x) for q, x in zip(pi, r))
        for a, (t, q) in enumerate(zip(theta, pi)):
            # Eq. (4): ∂(πᵀr)/∂θ(a) = p·π(a)/θ(a)·(r(a) − πᵀr)
            sensitivity = p * q / mpmath.mpf(t)
            exact = sensitivity * (mpmath.mpf(r[a]) - mean)
            # The kernel forms s(a) = exp(log p + log π(a) − log|θ(a)|): a rounded exponent x carries |x|·ε of
            # relative error into exp, so |log|θ(a)|| (516 at θ = 1e224) enters the budget beside |log π(a)|.
            conditioning = abs(float(mpmath.log(q))) + abs(float(mpmath.log(abs(mpmath.mpf(t))))) + p + len(theta)
            budget = 16 * EPS * conditioning * abs(sensitivity) * spread
            assert abs(mpmath.mpf(computed[a]) - exact) <= budget + 1e-300
