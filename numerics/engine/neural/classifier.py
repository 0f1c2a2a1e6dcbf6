"""Minibatch training of the ReLU network on a classification task, with either objective of Section 6.

For an example (x, a_y) the network gives θ(x) ∈ R^K and the head gives π_θ(·|x) = softmax(θ) or f_p(θ). The
training objective over a minibatch B is the mean per-example loss (:mod:`numerics.engine.neural.heads`):

* policy gradient (Fig. 6a, b):  L = (1/|B|) Σ 1 − π_θ(a_y|x)   (expected reward with r = one-hot y),
* cross entropy (Fig. 6c, d):    L = (1/|B|) Σ −log π_θ(a_y|x).

Each step backpropagates dL/dθ through the network (:func:`numerics.engine.neural.mlp.backward`) and applies the
optimiser. At the recorded steps the objective is measured on the training set and the error rate
1[argmax_a π(a|x) ≠ a_y] on the validation and test sets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import check_count
from numerics.engine.neural import heads
from numerics.engine.neural import mlp
from numerics.engine.neural.optimisers import make_optimiser
from numerics.engine.loop import simulate
from numerics.engine.recording import recording_steps
from numerics.environments.datasets import Dataset

__all__ = ["Curve", "evaluate", "train"]

_EVALUATION_BATCH = 4096


@dataclass(frozen=True)
class Curve:
    """Measurements at the recorded minibatch ``steps`` (0 = the initial network): the objective on the training set
    (or its first ``objective_sample`` examples), and the error rate on the validation and test sets."""

    steps: tuple[int, ...]
    train_objective: tuple[float, ...]
    validation_error: tuple[float, ...]
    test_error: tuple[float, ...]
    diverged_at: int | None = None
    """The step at which the network's output θ(x) on a minibatch became non-finite (the rate is too large) or the
    head's loss had no gradient there (the escort's kink: :meth:`numerics.engine.neural.heads.Head.has_gradient`),
    else None; the training stops there and the remaining records hold objective NaN and errors 1."""


def evaluate(net: mlp.Network, x: np.ndarray, y: np.ndarray, head: heads.Head) -> tuple[float, float]:
    """(mean objective, error rate) of the network on (x, y), in batches to bound memory; (NaN, 1) if an output
    θ(x) is not finite (a diverged network predicts nothing)."""
    losses, errors = [], []
    for start in range(0, x.shape[0], _EVALUATION_BATCH):
        theta, _ = mlp.forward(net, x[start : start + _EVALUATION_BATCH])
        if not np.all(np.isfinite(theta)):
            return float("nan"), 1.0
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
    dtype: type = np.float64,
    record_per_decade: int | None = None,
    objective_sample: int | None = None,
) -> Curve:
    """Train a fresh network (seeded initialisation and minibatch order) and return its curve.

    The output layer starts small (scale 0.1) with bias ``head.initial_bias``, so π_θ(·|x) starts close to
    uniform for either transform, as in the paper ("starting from nearly uniform initializations").
    ``dtype`` (float64 or float32) is the precision of the network's forward and backward passes; the heads
    always evaluate π and the loss gradient in float64 (:func:`numerics.engine.neural.mlp.initialise`).
    Recording: after every epoch, or at ``record_per_decade`` log-spaced minibatch steps per decade (and after
    the last step); the training objective is measured on the first ``objective_sample`` training examples
    (all if None) to bound the cost of a record on large data sets.
    """
    check_count(epochs, name="epochs", minimum=1)
    check_count(batch_size, name="batch_size", minimum=1)
    rng = np.random.default_rng(seed)
    net = mlp.initialise(
        data.x_train.shape[1], n_hidden, data.n_classes, rng=rng, output_scale=0.1, output_bias=head.initial_bias,
        dtype=dtype,
    )
    step = make_optimiser(optimiser, learning_rate=learning_rate)
    per_epoch = -(-data.x_train.shape[0] // batch_size)
    schedule = recording_steps(epochs * per_epoch, record_every=per_epoch, record_per_decade=record_per_decade)
    sample = slice(None) if objective_sample is None else slice(0, objective_sample)
    order = np.arange(0)

    def record(t: int, net: mlp.Network, _: object) -> tuple[float, float, float]:
        return (
            evaluate(net, data.x_train[sample], data.y_train[sample], head)[0],
            evaluate(net, data.x_validation, data.y_validation, head)[1],
            evaluate(net, data.x_test, data.y_test, head)[1],
        )

    def observe(t: int, net: mlp.Network) -> tuple[np.ndarray, np.ndarray, mlp.Cache] | None:
        """Minibatch t (a new permutation of the training set at each epoch) and the network's output on it."""
        nonlocal order
        if t == schedule[-1]:
            return None
        if t % per_epoch == 0:
            order = rng.permutation(data.x_train.shape[0])
        batch = order[(t % per_epoch) * batch_size : (t % per_epoch + 1) * batch_size]
        return (batch, *mlp.forward(net, data.x_train[batch]))

    def update(t: int, net: mlp.Network, seen: tuple[np.ndarray, np.ndarray, mlp.Cache]) -> mlp.Network:
        batch, theta, cache = seen
        step.step(net.parameters, mlp.backward(net, cache, head.loss_gradient(theta, data.y_train[batch]) / batch.size))
        return net

    run = simulate(net, schedule, observe=observe, update=update, record=record,
                   finished=lambda t, net, seen: seen is not None and (
                       not np.all(np.isfinite(seen[1])) or not head.has_gradient(seen[1], data.y_train[seen[0]])))
    records = run.records + [(float("nan"), 1.0, 1.0)] * (len(schedule) - len(run.records))
    objective, validation, test = zip(*records)
    return Curve(tuple(int(s) for s in schedule), objective, validation, test, run.last if run.finished else None)
