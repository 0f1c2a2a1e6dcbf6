"""The shared validators: each accepts what it documents and rejects the rest with one sentence naming the input."""

from __future__ import annotations

import numpy as np
import pytest

from foundation.validation import InputError, check_per_run


def test_per_run_arrays_are_shared_or_one_row_per_run():
    shared, rows = np.ones(3), np.ones((2, 3))
    assert check_per_run(shared, name="r", runs=2, size=3) is shared
    assert check_per_run(rows, name="r", runs=2, size=3) is rows
    for wrong in (np.ones(4), np.ones((3, 3)), np.ones((2, 3, 1))):
        with pytest.raises(InputError, match=r"r must have shape \(3,\) \(shared by the runs\) or \(2, 3\)"):
            check_per_run(wrong, name="r", runs=2, size=3)
