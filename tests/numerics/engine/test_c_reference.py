"""numerics.c_reference: the C loops compute the compiled path's trajectories; a missing compiler is a note."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.engine import c_reference
from numerics.experiments.benchmark import C_AGREEMENT, c_agreement, run_relative_gap

reference, note = c_reference.build()
needs_compiler = pytest.mark.skipif(reference is None, reason=note)


@needs_compiler
@pytest.mark.parametrize("algorithm", ["spg", "epg"])
@pytest.mark.parametrize(("K", "batch"), [(5, 1), (5, 40), (100, 2)])
def test_the_c_reference_follows_the_compiled_trajectory(algorithm, K, batch):
    check = c_agreement(reference, algorithm, K, batch, 2000)
    assert check["relative_gap"] <= C_AGREEMENT and check["sign_changes_equal"]


@needs_compiler
def test_the_agreement_check_can_fail():
    """A C run with another step size is caught: the comparison is not vacuous."""
    rng = np.random.default_rng(3)
    theta, r = rng.normal(size=(2, 5)), rng.random((2, 5))
    first, _ = reference.run("spg", theta, r, 500, p=2.0, eta=0.4)
    other, _ = reference.run("spg", theta, r, 500, p=2.0, eta=0.4 * (1 + 1e-9))
    assert run_relative_gap(first, other) > C_AGREEMENT


def test_the_gap_is_relative_to_the_runs_largest_entry():
    """A difference of 1e-14 in an entry of 1e-6 is 1e-14/10 of a run whose largest entry is 10, not 1e-8; the
    largest run decides."""
    theta = np.array([[10.0, 1e-6], [-2.0, 1.0]])
    moved = theta + np.array([[0.0, 1e-14], [4e-12, 0.0]])
    assert run_relative_gap(theta[:1], moved[:1]) == pytest.approx(1e-15)
    assert run_relative_gap(theta, moved) == pytest.approx(2e-12)


@needs_compiler
def test_only_spg_and_integer_power_epg_are_in_c():
    with pytest.raises(InputError, match="integer p"):
        reference.run("epg", np.ones((1, 3)), np.ones((1, 3)), 1, p=1.5, eta=0.4)


def test_without_a_compiler_the_reference_is_skipped_with_a_note(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    built, why = c_reference.build()
    assert built is None and "no C compiler" in why


def test_loading_the_reference_keeps_subnormals():
    """Loading the library must not switch the process to flush-to-zero / denormals-are-zero (crtfastmath.o)."""
    reference, note = c_reference.build()
    if reference is None:
        pytest.skip(note)
    tiny = np.float64(5e-324)
    assert tiny * np.float64(3.0) == np.float64(1.5e-323)
    assert np.float64(1e-310) + np.float64(0.0) == np.float64(1e-310)
