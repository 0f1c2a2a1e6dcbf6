"""Layer 4 of :mod:`numerics`: statistics of finished runs (first hits, slope fits, summaries) and the pass/fail Check."""
