"""Theorems' bounds next to measured runs: one module per theorem, each returning :class:`BoundComparison` rows."""
