"""Fast numpy (and JIT-compiled) simulations: transforms, algorithms, environments, experiments and bounds."""
