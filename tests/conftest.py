"""Shared pytest configuration: hypothesis profiles from :mod:`proofs_check.profiles` (``ci`` is the default)."""

import os

from hypothesis import settings

from proofs_check.profiles import register_profiles

register_profiles()
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
