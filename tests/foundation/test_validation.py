"""The shared validators: each accepts what it documents and rejects the rest with one sentence naming the input."""

from __future__ import annotations

import numpy as np
import pytest

from foundation.validation import InputError, check_finite_array, check_per_run


def test_per_run_arrays_are_shared_or_one_row_per_run():
    shared, rows = np.ones(3), np.ones((2, 3))
    assert check_per_run(shared, name="r", runs=2, size=3) is shared
    assert check_per_run(rows, name="r", runs=2, size=3) is rows
    for wrong in (np.ones(4), np.ones((3, 3)), np.ones((2, 3, 1))):
        with pytest.raises(InputError, match=r"r must have shape \(3,\) \(shared by the runs\) or \(2, 3\)"):
            check_per_run(wrong, name="r", runs=2, size=3)


def test_finite_arrays_come_back_in_the_asked_precision_without_a_copy():
    single = np.ones((2, 3), dtype=np.float32)
    assert check_finite_array(single, name="x", dtype=np.float32) is single
    assert check_finite_array(single, name="x").dtype == np.float64
    assert check_finite_array([1, 2], name="x", dtype=np.float32).dtype == np.float32
    with pytest.raises(InputError, match="x must contain only finite numbers"):
        check_finite_array(np.array([1.0, 1e300]), name="x", dtype=np.float32)  # overflows single precision
    with pytest.raises(InputError, match="x must contain only finite numbers"):
        check_finite_array(np.array([1.0, np.nan], dtype=np.float32), name="x", dtype=np.float32)
