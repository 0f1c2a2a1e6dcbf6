"""Layer 6 of :mod:`numerics`: the experiments (figures, bounds, questions, battery, benchmark) and their registry."""

from numerics.experiments.registry import EXPERIMENTS, run_experiment

__all__ = ["EXPERIMENTS", "run_experiment"]
