"""Heads: θ-gradients against the SymPy statements of theory/, and the full network against finite differences."""

import numpy as np
import pytest
import sympy as sp

from foundation.validation import InputError
from numerics.engine.neural import mlp
from numerics.engine.neural.gradient_check import finite_difference_gradients, relative_error
from numerics.engine.neural.heads import Head
from theory.statements import STATEMENTS

HEADS = [
    Head("policy-gradient", "softmax"),
    Head("policy-gradient", "escort", p=4.0),
    Head("cross-entropy", "softmax"),
    Head("cross-entropy", "escort", p=2.0),
]


@pytest.mark.parametrize(
    "head, statement",
    [(HEADS[0], "eq1"), (HEADS[1], "eq4"), (HEADS[2], "ce-gradient-softmax"), (HEADS[3], "ce-gradient-escort")],
)
def test_theta_gradient_is_the_papers_formula(head, statement):
    """−dℓ/dθ for 1 − π(a_y) is Eq. (1)/(4) with r = y; dℓ/dθ for −log π(a_y) is the Section 5 / Eq. (12) form."""
    instance = STATEMENTS[statement].build(3)
    s = instance.setting
    theta = np.array([[0.7, -1.3, 2.1]])
    values = {**dict(zip(s.theta, theta[0])), **dict(zip(s.r, [1, 0, 0])), s.p: head.p}
    expected = np.array(sp.Matrix(instance.derived).subs(values).evalf(30), dtype=float).ravel()
    sign = -1.0 if head.objective == "policy-gradient" else 1.0
    assert np.allclose(sign * head.loss_gradient(theta, np.array([0]))[0], expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("head", HEADS, ids=lambda h: h.label)
def test_network_gradient_matches_finite_differences(head):
    rng = np.random.default_rng(3)
    net = mlp.initialise(4, 6, 3, rng=rng, output_bias=head.initial_bias)
    x, labels = rng.normal(size=(5, 4)), np.array([0, 1, 2, 1, 0])

    def loss():
        return float(head.loss(mlp.forward(net, x)[0], labels).mean())

    theta, cache = mlp.forward(net, x)
    analytic = mlp.backward(net, cache, head.loss_gradient(theta, labels) / len(labels))
    assert relative_error(analytic, finite_difference_gradients(loss, net.parameters)) < 1e-6


def test_planted_head_error_is_caught():
    """Forgetting the escort's chain factor p/θ (using the softmax score) must fail the check."""
    head, wrong = HEADS[3], Head("cross-entropy", "softmax")
    rng = np.random.default_rng(4)
    net = mlp.initialise(4, 6, 3, rng=rng, output_bias=1.0)
    x, labels = rng.normal(size=(5, 4)), np.array([0, 1, 2, 1, 0])
    theta, cache = mlp.forward(net, x)
    analytic = mlp.backward(net, cache, wrong.loss_gradient(theta, labels) / len(labels))
    numeric = finite_difference_gradients(lambda: float(head.loss(mlp.forward(net, x)[0], labels).mean()), net.parameters)
    assert relative_error(analytic, numeric) > 1e-2


def test_log_domain_policy_survives_large_parameters():
    head = Head("cross-entropy", "softmax")
    assert np.allclose(np.exp(head.log_policy(np.array([[1000.0, 0.0]]))), [[1.0, 0.0]])
    assert np.allclose(np.exp(Head("cross-entropy", "escort", p=4).log_policy(np.array([[1e90, 1e89]]))).sum(), 1.0)


def test_bad_arguments():
    with pytest.raises(InputError, match="p must be"):
        Head("cross-entropy", "escort", p=0.5)
    with pytest.raises(InputError, match="unknown objective"):
        Head("hinge", "softmax")
    with pytest.raises(InputError, match="finite"):
        HEADS[0].loss(np.array([[np.nan, 1.0]]), np.array([0]))
    with pytest.raises(InputError, match="labels"):
        HEADS[0].loss(np.ones((2, 3)), np.array([0]))


@pytest.mark.parametrize("p", [2.0, 4.0, 1.5])
@pytest.mark.parametrize("objective, labels", [("policy-gradient", [0, 2, 1]), ("cross-entropy", [0, 1, 1])])
def test_an_exact_zero_output_is_the_limit_of_small_ones(p: float, objective: str, labels: list[int]) -> None:
    """At the escort's kink (θ(a) = 0, met by the full MNIST Fig. 6) π, the loss and, with p > 1, its gradient are
    the limits θ(a) → 0 (for the cross entropy where θ(a_y) ≠ 0); rows without a zero are untouched."""
    head = Head(objective, "escort", p=p)
    labels = np.array(labels)
    kinked = np.array([[0.7, -1.3, 0.0], [0.7, -1.3, 0.0], [2.0, 0.5, -0.25]])
    near = kinked.copy()
    near[kinked == 0] = 1e-40
    assert head.has_gradient(kinked, labels)
    assert np.allclose(head.loss(kinked, labels), head.loss(near, labels), rtol=0, atol=1e-12)
    assert np.array_equal(head.predict(kinked), head.predict(near))
    assert np.allclose(head.loss_gradient(kinked, labels), head.loss_gradient(near, labels), rtol=1e-9, atol=1e-9)
    assert np.array_equal(head.loss_gradient(kinked, labels)[2], head.loss_gradient(kinked[2:], labels[2:])[0])
    wrong = head.loss_gradient(kinked, labels)
    wrong[0] *= 2  # the comparison can fail
    assert not np.allclose(wrong, head.loss_gradient(near, labels), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("head", [Head("cross-entropy", "escort", p=2.0), Head("policy-gradient", "escort", p=1.0)])
def test_no_gradient_at_the_kink_where_none_exists(head: Head) -> None:
    """The cross entropy at θ(a_y) = 0 (loss +∞) and p = 1 at any zero entry: no gradient, and training stops."""
    assert not head.has_gradient(np.array([[0.0, 1.0]]), np.array([0]))
    with pytest.raises(InputError, match="exact zero entry"):
        head.loss_gradient(np.array([[0.0, 1.0]]), np.array([0]))
