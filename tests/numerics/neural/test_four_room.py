"""The neural Four-room policy: the chain rule through exact V against finite differences, features, training."""

import numpy as np
import pytest

from escort.errors import InputError
from numerics.gridworld import grid_mdp
from numerics.mdp import value
from numerics.neural import mlp
from numerics.neural.four_room import NeuralPolicy, state_features, train, value_and_gradient
from numerics.neural.gradient_check import finite_difference_gradients, relative_error
from numerics.transforms import policy

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
    steps, values = train(mdp, rho, state_features("one-hot", cells), transform="escort", steps=30,
                          record_every=10, n_hidden=8)
    assert list(steps) == [0, 10, 20, 30] and values[-1] > values[0]


def test_features_validation():
    cells = np.array([[1, 1], [1, 2], [2, 4]])
    assert np.array_equal(state_features("one-hot", cells), np.eye(3))
    assert state_features("coordinates", cells).max() == 1.0
    with pytest.raises(InputError, match="features"):
        state_features("pixels", cells)
    with pytest.raises(InputError, match="cells"):
        state_features("one-hot", np.ones(3))
