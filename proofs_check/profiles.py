"""Hypothesis profiles shared by ``pytest`` and ``escort check``.

* ``ci``: derandomised (the same examples on every run, so verdicts and witnesses are reproducible), no example
  database, a modest number of examples; the default of the test suite and of ``escort check``.
* ``thorough``: randomised search with many more examples, run on demand (``escort check --profile thorough``
  or ``HYPOTHESIS_PROFILE=thorough pytest``).

``escort check`` reads :data:`SEARCH_EXAMPLES` for the number of examples per claim and domain; the test suite
uses the registered profile's ``max_examples``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

__all__ = ["PROFILES", "SEARCH_EXAMPLES", "register_profiles", "search_settings"]

PROFILES: tuple[str, ...] = ("ci", "thorough")
"""The profile names ``escort check --profile`` accepts."""

SEARCH_EXAMPLES: dict[str, int] = {"ci": 200, "thorough": 4000}
"""Examples drawn per claim and domain by ``escort check`` under each profile."""

_SUPPRESSED = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


def register_profiles() -> None:
    """Register ``ci`` and ``thorough`` with hypothesis (idempotent)."""
    settings.register_profile(
        "ci", derandomize=True, database=None, max_examples=100, deadline=None, suppress_health_check=_SUPPRESSED
    )
    settings.register_profile(
        "thorough", derandomize=False, database=None, max_examples=5000, deadline=None,
        suppress_health_check=_SUPPRESSED,
    )


def search_settings(profile: str) -> settings:
    """The settings of one claim search: the profile's derandomisation with :data:`SEARCH_EXAMPLES` examples.

    Hypothesis' shrink phase is off: :func:`proofs_check.search.shrink_witness` shrinks a confirmed violation
    with a bounded number of interval confirmations; the targeting phase stays on (it steers towards small
    margins).
    """
    register_profiles()
    return settings(
        settings.get_profile(profile),
        max_examples=SEARCH_EXAMPLES[profile],
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
        report_multiple_bugs=False,
        print_blob=False,
    )
