"""Application shell of the escort toolkit: the ``escort`` command, input validation and result files.

The mathematics lives in :mod:`theory` (SymPy), :mod:`proofs_check` (verdicts) and :mod:`numerics`
(simulations); this package only parses arguments, validates inputs at the boundary and writes results.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
