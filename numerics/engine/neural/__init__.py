"""Neural function approximation (Section 6): a one-hidden-layer ReLU network whose output θ(x) feeds softmax
or the escort transform, with hand-derived backpropagation, first-order optimisers, the classification data of
Fig. 6 (scikit-learn digits, or MNIST IDX files from a local folder) and the neural Four-room policy."""
