"""Tests of the shared figure helpers: bands, line fits, checks and the files written together."""

import json

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.analysis import statistics as stats
from numerics.analysis.check import Check
from numerics.reporting import plotting as pl


def test_quantile_band_brackets_the_median():
    values = np.random.default_rng(1).normal(size=(50, 7))
    band = stats.quantile_band(values, level=0.8)
    assert np.all(band.lower <= band.centre) and np.all(band.centre <= band.upper)
    np.testing.assert_allclose(band.centre, np.median(values, axis=0))


def test_bootstrap_band_covers_the_mean_and_shrinks_with_more_runs():
    rng = np.random.default_rng(2)
    few, many = rng.normal(size=(10, 3)), rng.normal(size=(1000, 3))
    narrow = stats.bootstrap_band(many, rng=np.random.default_rng(0))
    wide = stats.bootstrap_band(few, rng=np.random.default_rng(0))
    assert np.all(narrow.lower <= narrow.centre) and np.all(narrow.centre <= narrow.upper)
    # The CI of a mean scales like 1/sqrt(R): 100 times more runs must narrow it (factor ~10; 3 is loose).
    assert np.all((wide.upper - wide.lower) > 3 * (narrow.upper - narrow.lower))


def test_fit_line_recovers_a_power_law_and_rejects_bad_input():
    t = np.logspace(1, 4, 20)
    fit = stats.fit_line(np.log10(t), np.log10(3.0 / t))
    assert fit.slope == pytest.approx(-1.0) and fit.r_squared == pytest.approx(1.0)
    with pytest.raises(InputError):
        stats.fit_line([1.0, 1.0, 1.0], [1.0, 2.0, 3.0])
    with pytest.raises(InputError):
        stats.fit_line([1.0], [1.0])
    with pytest.raises(InputError):
        stats.fit_line([1.0, 2.0, 3.0], [1.0, 2.0])


def test_check_fails_outside_its_tolerance_and_on_nan():
    assert Check("slope", -0.95, -1.0, 0.1, "finite horizon").passed
    assert not Check("slope", -0.5, -1.0, 0.1, "finite horizon").passed
    assert not Check("slope", float("nan"), -1.0, 0.1, "finite horizon").passed
    assert Check("ratio", 120.0, None, 10.0, "orders of magnitude").passed
    assert "FAILS" in Check("ratio", 2.0, None, 10.0, "orders of magnitude").headline("Fig. 1")


def test_save_plot_and_write_record_write_the_plotted_data_deterministically(tmp_path):
    def make(folder):
        data = pl.PlottedData()
        with pl.panels(1) as (figure, (ax,)):
            pl.draw_band(ax, data, "a", "runs", [1, 2], stats.quantile_band([[1.0, 2.0], [3.0, 4.0]]))
            pl.draw_line(ax, data, "a", "ref", [1, 2], [0.5, 0.5])
            return (*pl.save_plot(figure, data, out_dir=folder, stem="demo"),
                    *pl.write_record(out_dir=folder, stem="demo", command="test", parameters={"K": 3}, seed=0,
                                     checks=[Check("c", 1.0, 1.0, 0.0, "exact")]))

    first, second = make(tmp_path / "one"), make(tmp_path / "two")
    assert [p.suffix for p in first] == [".png", ".pdf", ".csv", ".json", ".json"]
    for a, b in zip(first[:4], second[:4]):
        assert a.read_bytes() == b.read_bytes()
    lines = first[2].read_text().splitlines()
    assert lines[0] == ",".join(pl.COLUMNS) and len(lines) == 1 + 4
    assert json.loads(first[3].read_text())["checks"][0]["passed"] is True


def test_bad_inputs_raise_input_error():
    with pytest.raises(InputError):
        stats.quantile_band([1.0, 2.0])
    with pytest.raises(InputError):
        stats.quantile_band([[1.0, 2.0]], level=1.5)
    with pytest.raises(InputError):
        stats.bootstrap_band([[1.0]], resamples=3, rng=np.random.default_rng(0))
