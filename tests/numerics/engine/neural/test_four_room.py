"""The neural Four-room policy: the chain rule through exact V against finite differences, features, training."""

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.environments.gridworld import grid_mdp
from numerics.environments.mdp import value
from numerics.engine.neural import mlp
from numerics.engine.neural.four_room import NeuralPolicy, state_features, train, value_and_gradient
from numerics.engine.neural.gradient_check import finite_difference_gradients, relative_error
from numerics.kernels.transforms import policy

CORRIDOR = "#####\n#   #\n#####"


def _small_problem():
    mdp, _, cells = grid_mdp(CORRIDOR, rewards={(1, 3): 1.0, (1, 1): 0.5}, gamma=0.9)
    return mdp, cells, np.eye(mdp.n_states)[1]


@pytest.mark.parametrize("transform", ["softmax", "escort"])
@pytest.mark.parametrize("features", ["one-hot", "coordinates"])
def test_network_gradient_of_value_matches_finite_differences(transform, features):
    mdp, cells, rho = _small_problem()
    F = state_features(features, cells)
    net = mlp.initialise(F.shape[1], 5, mdp.n_actions, rng=np.random.default_rng(1), output_bias=1.0)
    agent = NeuralPolicy(net, F, transform)

    def negative_value():
        return -float(value(mdp, policy(mlp.forward(net, F)[0], transform=transform, p=2.0), rho))

    objective, analytic = value_and_gradient(agent, mdp, rho)
    assert objective == pytest.approx(-negative_value())
    assert relative_error(analytic, finite_difference_gradients(negative_value, net.parameters)) < 1e-5


def test_planted_sign_error_is_caught():
    """Back-propagating +dV/dΘ (ascent direction passed as a loss gradient) must fail the check."""
    mdp, cells, rho = _small_problem()
    F = state_features("one-hot", cells)
    net = mlp.initialise(F.shape[1], 5, mdp.n_actions, rng=np.random.default_rng(1))
    _, analytic = value_and_gradient(NeuralPolicy(net, F, "softmax"), mdp, rho)
    numeric = finite_difference_gradients(
        lambda: float(value(mdp, policy(mlp.forward(net, F)[0], transform="softmax"), rho)), net.parameters)
    assert relative_error(analytic, numeric) > 1.0


def test_training_increases_the_value():
    mdp, cells, rho = _small_problem()
    run = train(mdp, rho, state_features("one-hot", cells), transform="escort", steps=30, record_every=10, n_hidden=8)
    assert list(run.steps) == [0, 10, 20, 30] and run.values[-1] > run.values[0] and run.stopped_at is None


def test_an_exact_zero_output_stops_an_escort_run(monkeypatch):
    """θ(s, a) = 0 (where Eq. (4) is 0/0) stops the run; later records keep the last value of V(ρ)."""
    mdp, cells, rho = _small_problem()
    features = state_features("one-hot", cells)
    calls = {"n": 0}
    forward = NeuralPolicy.theta

    def theta_with_a_zero_after_12_passes(self):
        theta, cache = forward(self)
        calls["n"] += 1
        if calls["n"] > 12 * 2:  # one check and one value_and_gradient pass per step
            theta = theta.copy()
            theta[0, 1] = 0.0
        return theta, cache

    monkeypatch.setattr(NeuralPolicy, "theta", theta_with_a_zero_after_12_passes)
    run = train(mdp, rho, features, transform="escort", steps=30, record_every=10, n_hidden=8)
    assert run.stopped_at == 12
    assert list(run.steps) == [0, 10, 20, 30] and run.values[2] == run.values[3] and np.all(np.isfinite(run.values))


def test_features_validation():
    cells = np.array([[1, 1], [1, 2], [2, 4]])
    assert np.array_equal(state_features("one-hot", cells), np.eye(3))
    assert state_features("coordinates", cells).max() == 1.0
    with pytest.raises(InputError, match="features"):
        state_features("pixels", cells)
    with pytest.raises(InputError, match="cells"):
        state_features("one-hot", np.ones(3))
