"""Hypothesis profiles shared by ``pytest`` and ``escort check``.

* ``ci``: derandomised (the same examples on every run, so verdicts and witnesses are reproducible), no example
  database, a modest number of examples; the default of the test suite and of ``escort check``.
* ``thorough``: randomised search with many more examples, run on demand (``escort check --profile thorough``
  or ``HYPOTHESIS_PROFILE=thorough pytest``).

``escort check`` reads :data:`SEARCH_EXAMPLES` for the number of examples per claim and domain; the test suite
uses the registered profile's ``max_examples``.

Derandomisation alone does not make a search reproducible: hypothesis (6.155 here; recent versions) also draws, now and then,
literal constants it collects from the source of every *local* module in ``sys.modules`` (not site-packages, not
the standard library), so the examples depend on which modules the process happened to import. An editable
install of this toolkit is local: ``escort check`` drew other examples in its own process (which imports the
CLI and user-claim modules) than on a dask worker (which imports only what the claims need).
:func:`reproducible_draws` removes that input for the duration of a search.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from hypothesis import HealthCheck, Phase, settings
from hypothesis.internal.conjecture import providers as _providers

__all__ = ["PROFILES", "SEARCH_EXAMPLES", "register_profiles", "reproducible_draws", "search_settings"]

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


@contextlib.contextmanager
def reproducible_draws() -> Iterator[None]:
    """Inside this block hypothesis draws no constants collected from local modules' source (see the module
    docstring), so a derandomised search draws the same examples in every process, whatever it imported.

    The strategies' own values and hypothesis' fixed pool of special values (0, ±inf, the float limits, …) are
    still drawn. Hypothesis versions before the constant collection have nothing to remove.
    """
    collect = getattr(_providers, "_get_local_constants", None)
    if collect is None:
        yield
        return
    _providers._get_local_constants = _providers.Constants
    _providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        _providers._get_local_constants = collect
        _providers.CONSTANTS_CACHE.cache.clear()
