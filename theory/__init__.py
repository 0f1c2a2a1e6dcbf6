"""SymPy layer: the paper's definitions, its statements as data, and derivations from the definitions.

Arrows point one way: :mod:`proofs_check` and :mod:`numerics` read :mod:`theory`; :mod:`theory` imports neither.
"""
