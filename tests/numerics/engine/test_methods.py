"""numerics.engine.methods: one registry of methods; each engine accepts exactly the methods registered for its
setting (and refuses the others), every step size named is a RateBound of theory/, every bandit method has a numpy
rule and a compiled branch in the same order."""

from __future__ import annotations

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.engine import METHODS, Setting, methods_for, run_bandit, run_classification
from numerics.engine.compiled import RULES
from numerics.engine.mdp_policy_gradient import run_mdp
from numerics.engine.reinforce import run_reinforce
from numerics.environments.mdp import random_mdp
from theory.statements import BOUNDS


def test_every_named_step_size_is_a_rate_bound_of_theory():
    named = {key for method in METHODS.values() for key in method.step_sizes.values() if key is not None}
    assert named and named <= set(BOUNDS)
    assert all(BOUNDS[key].step_size is not None for key in named)


def test_every_bandit_method_has_a_numpy_rule_and_a_compiled_branch_in_registry_order():
    bandit = methods_for(Setting.BANDIT)
    assert all(method.step is not None for method in bandit.values())
    assert RULES == tuple(bandit)
    assert all(method.step is None for method in METHODS.values() if not method.runs_on(Setting.BANDIT))


def _runs(setting: Setting):
    mdp = random_mdp(np.random.default_rng(0), 2, 2, 0.5)
    theta_mdp = np.ones((1, 2, 2)) * np.array([1.0, 2.0])
    return {
        Setting.BANDIT: lambda name: run_bandit(name, np.array([[1.0, 2.0]]), np.array([1.0, 0.0]), 1,
                                                tau=0.1 if name.endswith("entropy") else 0.0),
        Setting.MDP: lambda name: run_mdp(name, mdp, theta_mdp, mdp.rho, 1, tau=0.1 if name.endswith("entropy") else 0.0),
        Setting.REINFORCE: lambda name: run_reinforce(name, mdp, theta_mdp, mdp.rho, 1, step_scale=1.0, seed=0),
        Setting.CLASSIFICATION: lambda name: run_classification(name, np.array([[1.0, 2.0]]), 0, 1),
    }[setting]


@pytest.mark.parametrize("setting", list(Setting))
def test_each_engine_accepts_exactly_the_methods_registered_for_its_setting(setting):
    run = _runs(setting)
    accepted = methods_for(setting)
    for name in accepted:
        run(name)
    for name in set(METHODS) - set(accepted):
        with pytest.raises(InputError, match="algorithm"):
            run(name)
