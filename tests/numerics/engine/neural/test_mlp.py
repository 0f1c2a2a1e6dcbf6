"""Backpropagation of numerics.engine.neural.mlp against central finite differences, and input validation."""

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.engine.neural import mlp
from numerics.engine.neural.gradient_check import finite_difference_gradients, relative_error


def _network_and_batch(seed: int = 0):
    rng = np.random.default_rng(seed)
    net = mlp.initialise(5, 7, 3, rng=rng)
    x = rng.normal(size=(4, 5))
    weights = rng.normal(size=(4, 3))
    return net, x, weights


def _loss(net, x, weights):
    theta, _ = mlp.forward(net, x)
    return float(np.sum(weights * np.tanh(theta)))


def _backprop(net, x, weights):
    theta, cache = mlp.forward(net, x)
    return mlp.backward(net, cache, weights * (1 - np.tanh(theta) ** 2))


def test_backward_matches_finite_differences():
    net, x, weights = _network_and_batch()
    numeric = finite_difference_gradients(lambda: _loss(net, x, weights), net.parameters)
    assert relative_error(_backprop(net, x, weights), numeric) < 1e-6


def test_planted_backprop_error_is_caught():
    """Dropping the ReLU derivative 1[Z > 0] is a typical backprop bug: the check must reject it."""
    net, x, weights = _network_and_batch()
    theta, cache = mlp.forward(net, x)
    grad_theta = weights * (1 - np.tanh(theta) ** 2)
    grad_z = grad_theta @ net.W2.T
    wrong = [x.T @ grad_z, grad_z.sum(0), np.maximum(cache.z, 0).T @ grad_theta, grad_theta.sum(0)]
    numeric = finite_difference_gradients(lambda: _loss(net, x, weights), net.parameters)
    assert relative_error(wrong, numeric) > 1e-2


def test_forward_rejects_wrong_width_and_nan():
    net, x, _ = _network_and_batch()
    with pytest.raises(InputError, match="columns"):
        mlp.forward(net, x[:, :4])
    x[0, 0] = np.nan
    with pytest.raises(InputError, match="finite"):
        mlp.forward(net, x)


def test_backward_rejects_wrong_gradient_shape():
    net, x, _ = _network_and_batch()
    _, cache = mlp.forward(net, x)
    with pytest.raises(InputError, match="grad_theta"):
        mlp.backward(net, cache, np.ones((4, 2)))
