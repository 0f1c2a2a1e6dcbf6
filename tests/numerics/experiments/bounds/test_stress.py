"""The stress search: Theorem 3's single-state EPG is Theorem 2's engine on α·r (metamorphic check), a saved p = 1
worst case replays as a 50-digit-confirmed exceedance, the multi-state family reads μ and ρ apart and a planted
too-strong bound on it is exceeded at 50 digits, and bad input is a clear error."""

import json
from dataclasses import replace

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.engine import run_bandit
from numerics.experiments.bounds import stress, stress_mdp
from numerics.analysis.bound_status import Status
from numerics.environments.mdp import FiniteMDP
from numerics.engine.mdp_policy_gradient import run_mdp


@pytest.mark.parametrize(("p", "gamma"), [(1.0, 0.0), (2.0, 0.5)])
def test_single_state_theorem3_epg_is_theorem2_epg_on_scaled_rewards(p, gamma):
    rng = np.random.default_rng(2)
    r, theta = rng.uniform(size=3), rng.standard_normal((2, 3))
    mdp = FiniteMDP(P=np.ones((1, 3, 1)), r=r[None, :], gamma=gamma, rho=np.ones(1))
    inputs = stress.Inputs(tuple(theta[0]), tuple(r), p, gamma)
    alpha = stress._reward_scale("thm3", inputs)
    mdp_run = run_mdp("epg", mdp, theta[:, None, :], mdp.rho, 60, p=p, record_every=1)
    bandit = run_bandit("epg", theta, r * alpha, 60, p=p, record_every=1)
    assert np.allclose(mdp_run.suboptimality, bandit.suboptimality / (alpha * (1 - gamma)), rtol=1e-9, atol=1e-14)
    with pytest.raises(AssertionError):  # the check can fail: Theorem 2's own step is a different run
        unscaled = run_bandit("epg", theta, r, 60, p=p, record_every=1)
        assert np.allclose(mdp_run.suboptimality, unscaled.suboptimality / (1 - gamma), rtol=1e-9, atol=1e-14)


CASE = {"theorem": "thm2", "inputs": {}, "horizon": 224, "replay": {
    "theorem": "thm2", "p": 1.0, "gamma": 0.0, "r": [1.0, 0.07145860646329744], "steps": 224,
    "theta_1": [-0.8259542112148845, -0.4690784545938485]}}


def test_the_normalised_engine_visits_the_policies_of_theorem2_epg():
    rng = np.random.default_rng(4)
    theta, r = rng.standard_normal((3, 3)), rng.uniform(size=(3, 3))
    plain = run_bandit("epg", theta, r, 2000, p=1.0, record_per_decade=20, backend="compiled")
    normalised = run_bandit("epg-normalised", theta, r, 2000, p=1.0, record_per_decade=20, backend="compiled")
    assert np.allclose(plain.suboptimality, normalised.suboptimality, rtol=0, atol=1e-12)


def test_a_saved_p1_worst_case_replays_as_a_confirmed_exceedance(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE))
    line = stress.replay(path).headline[0]
    assert "bound 0.08" in line and "exceeds at 50 digits" in line


def test_the_replay_at_p2_is_not_an_exceedance(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE | {"replay": CASE["replay"] | {"p": 2.0}}))
    assert "does not exceed" in stress.replay(path).headline[0]


def test_bad_theorem_and_bad_replay_file_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="theorem"):
        stress.run_stress("thm9", quick=True, seed=0, out_dir=tmp_path, docs_dir=tmp_path)
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(InputError, match="replay"):
        stress.replay(tmp_path / "bad.json")


def _planted(family: stress.Family, factor: float) -> stress.Family:
    """The family with every bound divided by ``factor`` (a bound too strong for the runs when factor ≫ 1)."""

    def run(batch, steps):
        return [(ratio * factor, t, value, bound / factor, c) for ratio, t, value, bound, c in family.run(batch, steps)]

    return replace(family, run=run)


MULTI_STATE = stress.FAMILIES["thm3"][1]
SMALL = stress.Budget(((2, 2),), (1.0,), 1, 2, 40, 1, 2, 60, 80)


def test_the_multi_state_family_measures_mu_not_rho_and_its_factor_exceeds_one():
    rng = np.random.default_rng(5)
    (x,) = stress_mdp.random_batch(rng, (3, 2), 2.0, 1)
    assert x.mu != x.rho
    (ratio, t, value, bound, c), = stress_mdp.run([x], 200)
    assert np.all(value >= -1e-12) and np.all(value <= stress_mdp.trivial(x) + 1e-12) and 0 < c <= 1
    # the bound's factor ‖d_ρ/μ‖²‖1/μ‖ (> S = 3 here) against the one with ρ = μ: the bound reads ρ
    same = stress_mdp.run([replace(x, rho=x.mu)], 200)[0]
    assert not np.allclose(bound, same[3])


def test_a_planted_too_strong_multi_state_bound_is_exceeded_at_50_digits_and_the_true_one_replays_clean(tmp_path):
    rng = np.random.default_rng(6)
    inputs, _ = stress._worst(MULTI_STATE, (2, 2), 1.0, SMALL, rng)
    status, record = stress._final("thm3", _planted(MULTI_STATE, 1e6), inputs, SMALL)
    assert status.status is Status.EXCEEDED and "50-digit MDP re-run" in status.confirmation
    assert record["replay"]["family"] == "mdp" and record["replay"]["steps"] <= SMALL.final_steps
    path = tmp_path / "case.json"
    path.write_text(json.dumps(record))
    assert "does not exceed at 50 digits" in stress.replay(path).headline[0]  # the stated bound is not exceeded
    honest, kept = stress._final("thm3", MULTI_STATE, inputs, SMALL)
    assert honest.status in (Status.HOLDS, Status.VACUOUS) and kept["replay"] is None
    path.write_text(json.dumps(kept))  # no exceedance: the replay re-runs the whole horizon, as an MDP case
    assert "(mdp)" in stress.replay(path).headline[0]
