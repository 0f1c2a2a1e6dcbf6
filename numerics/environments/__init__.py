"""Environments and data sets: bandits, finite MDPs, grid worlds, and classification data (digits, IDX, MNIST)."""
