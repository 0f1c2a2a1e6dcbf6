"""A one-hidden-layer ReLU network θ = W₂ᵀ ReLU(W₁ᵀx + b₁) + b₂ with hand-derived backpropagation.

The network maps an input x ∈ R^D to the parameters θ(x) ∈ R^K that a probability transform (softmax, or the
escort f_p of Eq. (3)) turns into a policy π_θ(·|x) (Section 6: 512 hidden units for MNIST, 64 for Four-room).
For a batch X ∈ R^{B×D}:

    Z = X W₁ + 1 b₁ᵀ,   H = ReLU(Z),   Θ = H W₂ + 1 b₂ᵀ.

Given G = dL/dΘ ∈ R^{B×K} for a scalar loss L, the chain rule gives (⊙ the elementwise product, 1[Z > 0] the
ReLU derivative, taken as 0 at the kink):

    dL/dW₂ = Hᵀ G,   dL/db₂ = Gᵀ 1,   dL/dZ = (G W₂ᵀ) ⊙ 1[Z > 0],   dL/dW₁ = Xᵀ dL/dZ,   dL/db₁ = (dL/dZ)ᵀ 1.

>>> import numpy as np
>>> net = initialise(3, 4, 2, rng=np.random.default_rng(0))
>>> x = np.ones((5, 3))
>>> theta, cache = forward(net, x)
>>> theta.shape, [g.shape for g in backward(net, cache, np.ones_like(theta))]
((5, 2), [(3, 4), (4,), (4, 2), (2,)])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import InputError, check_count, check_finite_array

__all__ = ["Cache", "Network", "backward", "forward", "initialise"]


@dataclass(frozen=True)
class Network:
    """The parameters (W₁ ∈ R^{D×H}, b₁ ∈ R^H, W₂ ∈ R^{H×K}, b₂ ∈ R^K); the arrays are updated in place."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    @property
    def parameters(self) -> list[np.ndarray]:
        """The four parameter arrays in the order that :func:`backward` returns their gradients."""
        return [self.W1, self.b1, self.W2, self.b2]

    @property
    def n_inputs(self) -> int:
        return self.W1.shape[0]

    @property
    def n_outputs(self) -> int:
        return self.W2.shape[1]


@dataclass(frozen=True)
class Cache:
    """What the backward pass needs from the forward pass: the input X and the pre-activations Z."""

    x: np.ndarray
    z: np.ndarray


def initialise(
    n_inputs: int,
    n_hidden: int,
    n_outputs: int,
    *,
    rng: np.random.Generator,
    output_scale: float = 1.0,
    output_bias: float = 0.0,
    dtype: type = np.float64,
) -> Network:
    """He-initialised hidden layer (N(0, 2/D)), output layer N(0, output_scale²/H), b₁ = 0, b₂ = output_bias.

    With a small ``output_scale`` every θ(x) starts close to b₂·1, i.e. close to the uniform policy for both
    transforms: softmax(c·1) = f_p(c·1) = 1/K for any c ≠ 0 (the escort needs c ≠ 0 to stay off its kink).
    The weights are drawn in float64 and stored as ``dtype`` (float64 or float32): the same seed gives the same
    network up to rounding in either precision. Forward and backward passes run in the network's precision.
    """
    for name, value in (("n_inputs", n_inputs), ("n_hidden", n_hidden), ("n_outputs", n_outputs)):
        check_count(value, name=name, minimum=1)
    if np.dtype(dtype) not in (np.float64, np.float32):
        raise InputError(f"dtype must be float64 or float32; got {dtype!r}")
    W1 = rng.normal(0.0, np.sqrt(2.0 / n_inputs), size=(n_inputs, n_hidden))
    W2 = rng.normal(0.0, output_scale / np.sqrt(n_hidden), size=(n_hidden, n_outputs))
    return Network(W1=W1.astype(dtype), b1=np.zeros(n_hidden, dtype), W2=W2.astype(dtype),
                   b2=np.full(n_outputs, output_bias, dtype))


def forward(net: Network, x: np.ndarray) -> tuple[np.ndarray, Cache]:
    """Return Θ = ReLU(X W₁ + b₁) W₂ + b₂ for a batch X of shape (B, D), and the cache for :func:`backward`."""
    x = check_finite_array(x, name="x", ndim=2, dtype=net.W1.dtype)
    if x.shape[1] != net.n_inputs:
        raise InputError(f"x must have {net.n_inputs} columns (one per network input); got shape {x.shape}")
    z = x @ net.W1 + net.b1
    return np.maximum(z, 0.0) @ net.W2 + net.b2, Cache(x=x, z=z)


def backward(net: Network, cache: Cache, grad_theta: np.ndarray) -> list[np.ndarray]:
    """Return [dL/dW₁, dL/db₁, dL/dW₂, dL/db₂] from G = dL/dΘ of shape (B, K) (the module docstring's formulas)."""
    if grad_theta.shape != (cache.x.shape[0], net.n_outputs):
        raise InputError(
            f"grad_theta must have shape {(cache.x.shape[0], net.n_outputs)} (batch, outputs); got {grad_theta.shape}"
        )
    grad_theta = grad_theta.astype(net.W2.dtype, copy=False)
    hidden = np.maximum(cache.z, 0.0)
    grad_z = (grad_theta @ net.W2.T) * (cache.z > 0)
    return [cache.x.T @ grad_z, grad_z.sum(axis=0), hidden.T @ grad_theta, grad_theta.sum(axis=0)]
