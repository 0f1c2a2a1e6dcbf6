"""Minibatch training of the ReLU network on a classification task, with either objective of Section 6.

For an example (x, a_y) the network gives θ(x) ∈ R^K and the head gives π_θ(·|x) = softmax(θ) or f_p(θ). The
training objective over a minibatch B is the mean per-example loss (:mod:`numerics.engine.neural.heads`):

* policy gradient (Fig. 6a, b):  L = (1/|B|) Σ 1 − π_θ(a_y|x)   (expected reward with r = one-hot y),
* cross entropy (Fig. 6c, d):    L = (1/|B|) Σ −log π_θ(a_y|x).

Each step backpropagates dL/dθ through the network (:func:`numerics.engine.neural.mlp.backward`) and applies the
optimiser. After every epoch the objective is measured on the whole training set and the error rate
1[argmax_a π(a|x) ≠ a_y] on the validation and test sets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import check_count
from numerics.engine.neural import heads
from numerics.engine.neural import mlp
from numerics.environments.datasets import Dataset
from numerics.engine.neural.optimisers import make_optimiser

__all__ = ["Curve", "evaluate", "train"]

_EVALUATION_BATCH = 4096


@dataclass(frozen=True)
class Curve:
    """Per-epoch measurements, index 0 being the initial network: objective on train, error on val / test."""

    train_objective: tuple[float, ...]
    validation_error: tuple[float, ...]
    test_error: tuple[float, ...]


def evaluate(net: mlp.Network, x: np.ndarray, y: np.ndarray, head: heads.Head) -> tuple[float, float]:
    """(mean objective, error rate) of the network on (x, y), in batches to bound memory."""
    losses, errors = [], []
    for start in range(0, x.shape[0], _EVALUATION_BATCH):
        theta, _ = mlp.forward(net, x[start : start + _EVALUATION_BATCH])
        labels = y[start : start + _EVALUATION_BATCH]
        losses.append(head.loss(theta, labels))
        errors.append(head.predict(theta) != labels)
    return float(np.concatenate(losses).mean()), float(np.concatenate(errors).mean())


def train(
    data: Dataset,
    head: heads.Head,
    *,
    optimiser: str = "momentum",
    learning_rate: float = 0.01,
    epochs: int = 20,
    batch_size: int = 64,
    n_hidden: int = 512,
    seed: int = 0,
) -> Curve:
    """Train a fresh network (seeded initialisation and minibatch order) and return its per-epoch curve.

    The output layer starts small (scale 0.1) with bias ``head.initial_bias``, so π_θ(·|x) starts close to
    uniform for either transform, as in the paper ("starting from nearly uniform initializations").
    """
    check_count(epochs, name="epochs", minimum=1)
    check_count(batch_size, name="batch_size", minimum=1)
    rng = np.random.default_rng(seed)
    net = mlp.initialise(
        data.x_train.shape[1], n_hidden, data.n_classes, rng=rng, output_scale=0.1, output_bias=head.initial_bias
    )
    step = make_optimiser(optimiser, learning_rate=learning_rate)
    objective, validation, test = [], [], []

    def record() -> None:
        objective.append(evaluate(net, data.x_train, data.y_train, head)[0])
        validation.append(evaluate(net, data.x_validation, data.y_validation, head)[1])
        test.append(evaluate(net, data.x_test, data.y_test, head)[1])

    record()
    for _ in range(epochs):
        order = rng.permutation(data.x_train.shape[0])
        for start in range(0, order.size, batch_size):
            batch = order[start : start + batch_size]
            theta, cache = mlp.forward(net, data.x_train[batch])
            grad_theta = head.loss_gradient(theta, data.y_train[batch]) / batch.size
            step.step(net.parameters, mlp.backward(net, cache, grad_theta))
        record()
    return Curve(tuple(objective), tuple(validation), tuple(test))
