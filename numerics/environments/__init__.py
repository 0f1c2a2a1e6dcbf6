"""Layer 2 of :mod:`numerics`: problems to learn on (bandits, finite MDPs, grid worlds, the trap bandit, data sets)."""
