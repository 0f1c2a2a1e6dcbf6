"""Neural function approximation (Section 6): a one-hidden-layer ReLU network whose output θ(x) feeds softmax
or the escort transform, with hand-derived backpropagation, first-order optimisers, training on the
classification data of Fig. 6 (:mod:`numerics.environments.datasets`) and the neural Four-room policy."""
