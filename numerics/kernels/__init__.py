"""Layer 1 of :mod:`numerics`: pure array maths (policy transforms, exp kernels, exact single-state gradients)."""
