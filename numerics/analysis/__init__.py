"""Statistics over repeated runs: first hits, slope fits, summaries and rliable-style aggregates (IQM, bootstrap intervals, probability of improvement)."""
