"""Shared base of the escort toolkit, below every other package.

:mod:`foundation.validation` holds :class:`~foundation.validation.InputError` and the validators every public
edge calls; :mod:`foundation.artifacts` holds atomic result files, provenance and checkpoints. ``theory``,
``proofs_check``, ``numerics`` and the ``escort`` command all import from here; this package imports none of them.
"""
