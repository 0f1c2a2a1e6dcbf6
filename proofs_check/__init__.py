"""Verdicts on the paper's claims: symbolic proof, hypothesis search, mpmath confirmation, interval certificates."""
