"""A neural policy for Four-room (Fig. 5c): θ(s, ·) = MLP(φ(s)), trained on the exact value V^{π_θ}(ρ).

The network (one hidden ReLU layer, 64 units in the paper) maps the features φ(s) of every state s to
θ(s, ·) ∈ R^A, and π_θ(·|s) = softmax(θ(s, ·)) or f_p(θ(s, ·)). The objective is the exact value V^{π_θ}(ρ)
of the start distribution ρ, and its gradient with respect to the network weights w follows by the chain rule
through the tabular parameters Θ = [θ(s, a)] ∈ R^{S×A}:

    dV(ρ)/dw = Σ_{s,a} dV(ρ)/dθ(s, a) · dθ(s, a)/dw,

where dV(ρ)/dΘ is the exact policy gradient of :func:`numerics.environments.mdp.policy_gradient` and the sum over (s, a) is
one backward pass of :func:`numerics.engine.neural.mlp.backward` with G = −dV(ρ)/dΘ (we minimise −V).

Features: ``one-hot`` (φ(s) = e_s, so the first layer is a per-state table) or ``coordinates`` (φ(s) = the
cell's (row, column) scaled to [0, 1], so states share weights).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import InputError, check_choice
from numerics.engine.recording import recording_steps
from numerics.environments.mdp import FiniteMDP, policy_gradient, value
from numerics.engine.loop import simulate
from numerics.engine.neural import mlp
from numerics.engine.neural.optimisers import make_optimiser
from numerics.kernels.transforms import policy

__all__ = ["FEATURES", "NeuralPolicy", "Training", "state_features", "train", "value_and_gradient"]

FEATURES = ("one-hot", "coordinates")


def state_features(kind: str, cells: np.ndarray) -> np.ndarray:
    """φ(s) for every state, from the (row, column) of each state's cell (``cells`` of shape (S, 2))."""
    check_choice(kind, FEATURES, name="features")
    cells = np.asarray(cells, dtype=float)
    if cells.ndim != 2 or cells.shape[1] != 2:
        raise InputError(f"cells must have shape (S, 2) (row, column per state); got {cells.shape}")
    if kind == "one-hot":
        return np.eye(cells.shape[0])
    return cells / np.maximum(cells.max(axis=0), 1.0)


@dataclass(frozen=True)
class NeuralPolicy:
    """A network, the features of every state, and the transform that turns its output into π_θ(·|s)."""

    net: mlp.Network
    features: np.ndarray
    transform: str
    p: float = 2.0

    def theta(self) -> tuple[np.ndarray, mlp.Cache]:
        """Θ = [θ(s, a)] of shape (S, A) and the cache for the backward pass."""
        return mlp.forward(self.net, self.features)

    def policy(self) -> np.ndarray:
        """π_θ(a|s), shape (S, A)."""
        return policy(self.theta()[0], transform=self.transform, p=self.p)


def value_and_gradient(agent: NeuralPolicy, mdp: FiniteMDP, rho: np.ndarray) -> tuple[float, list[np.ndarray]]:
    """V^{π_θ}(ρ) and d(−V(ρ))/dw for the network weights w (the module docstring's chain rule)."""
    theta, cache = agent.theta()
    objective = float(value(mdp, policy(theta, transform=agent.transform, p=agent.p), rho))
    grad_theta = policy_gradient(mdp, theta, rho, transform=agent.transform, p=agent.p)
    return objective, mlp.backward(agent.net, cache, -grad_theta)


@dataclass(frozen=True)
class Training:
    """V(ρ) at the recorded steps; ``stopped_at``: the step at which an escort run had to stop, else None.

    An escort network can output θ(s, a) = 0 exactly: as π_θ(·|s) becomes deterministic the other θ(s, a) are
    driven to 0, and the output layer's sum W·h + b then cancels to the rounding level (~1e-15), where an exact
    0 eventually occurs. There the escort's gradient (Eq. (4), p·π(a)/θ(a)) is 0/0, so the run stops; the
    recorded steps from ``stopped_at`` on keep the last value of V(ρ) (NaN if it stopped at step 0).
    """

    steps: np.ndarray
    values: np.ndarray
    stopped_at: int | None


def train(
    mdp: FiniteMDP, rho: np.ndarray, features: np.ndarray, *, transform: str, p: float = 2.0,
    optimiser: str = "adam", learning_rate: float = 0.01, steps: int = 1000, record_every: int = 10,
    n_hidden: int = 64, seed: int = 0, escort_bias: float = 1.0,
) -> Training:
    """Ascend V(ρ) with ``optimiser`` from a seeded near-uniform network; V(ρ) at every ``record_every`` steps.

    The output layer starts small (scale 0.1) with bias 0 (softmax) or ``escort_bias`` c ≠ 0 (escort), so π_θ
    starts close to uniform in every state for both transforms. The escort's c sets the scale of θ₁ ≈ c·1, which
    the paper leaves open: Eq. (4)'s gradient is proportional to p/θ, so a smaller c moves π faster.
    """
    if transform == "escort" and not (np.isfinite(escort_bias) and escort_bias != 0):
        raise InputError(f"escort_bias must be a finite nonzero number (the escort's kink is at 0); got {escort_bias!r}")
    net = mlp.initialise(features.shape[1], n_hidden, mdp.n_actions, rng=np.random.default_rng(seed),
                         output_scale=0.1, output_bias=0.0 if transform == "softmax" else escort_bias)
    agent = NeuralPolicy(net, features, transform, p)
    step = make_optimiser(optimiser, learning_rate=learning_rate)
    schedule = recording_steps(steps, record_every=record_every)
    latest = [float("nan")]  # V(ρ) at the last step that could be evaluated: what a stopped run's records keep

    def observe(t: int, agent: NeuralPolicy) -> tuple[float, list[np.ndarray]] | None:
        if transform == "escort" and not np.all(agent.theta()[0]):
            return None
        objective, gradients = value_and_gradient(agent, mdp, rho)
        latest[0] = objective
        return objective, gradients

    def update(t: int, agent: NeuralPolicy, seen: tuple[float, list[np.ndarray]]) -> NeuralPolicy:
        step.step(net.parameters, seen[1])
        return agent

    run = simulate(agent, schedule, observe=observe, update=update,
                   record=lambda t, agent, seen: None if seen is None else seen[0],
                   finished=lambda t, agent, seen: seen is None)
    values = [value for value in run.records if value is not None]
    values += latest * (schedule.size - len(values))
    return Training(schedule, np.array(values), run.last if run.finished else None)
