"""Splits in the paper's 55 : 5 : 10 proportions, MNIST via argument and environment variable, bad data."""

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.environments.datasets import MNIST_ENVIRONMENT_VARIABLE, load_dataset, make_dataset
from numerics.environments.idx import MNIST_FILES, write_idx


def test_split_is_disjoint_proportional_and_seeded():
    x = np.arange(140, dtype=float).reshape(70, 2)
    y = np.arange(70) % 10
    data = make_dataset("toy", x, y, seed=1)
    sizes = [len(data.y_train), len(data.y_validation), len(data.y_test)]
    assert sizes == [55, 5, 10]
    rows = np.concatenate([data.x_train[:, 0], data.x_validation[:, 0], data.x_test[:, 0]])
    assert sorted(rows) == list(x[:, 0])
    assert np.array_equal(make_dataset("toy", x, y, seed=1).x_test, data.x_test)
    assert not np.array_equal(make_dataset("toy", x, y, seed=2).x_test, data.x_test)


@pytest.mark.parametrize(
    "x, y, message",
    [
        (np.full((70, 2), np.nan), np.zeros(70, int), "finite"),
        (np.zeros(70), np.zeros(70, int), "axes"),
        (np.zeros((70, 2)), np.zeros(69, int), "one per row"),
        (np.zeros((70, 2)), np.full(70, 10), "labels in"),
        (np.zeros((5, 2)), np.zeros(5, int), "enough rows"),
    ],
)
def test_bad_data_raises_input_error(x, y, message):
    with pytest.raises(InputError, match=message):
        make_dataset("toy", x, y, seed=0)


def test_mnist_from_environment_variable(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    write_idx(tmp_path / MNIST_FILES["train_images"], rng.integers(0, 256, (24, 2, 2), dtype=np.uint8))
    write_idx(tmp_path / MNIST_FILES["train_labels"], np.arange(24, dtype=np.uint8) % 10)
    write_idx(tmp_path / MNIST_FILES["test_images"], rng.integers(0, 256, (6, 2, 2), dtype=np.uint8))
    write_idx(tmp_path / MNIST_FILES["test_labels"], np.arange(6, dtype=np.uint8))
    monkeypatch.setenv(MNIST_ENVIRONMENT_VARIABLE, str(tmp_path))
    data = load_dataset(seed=0)
    assert data.source.startswith("MNIST")
    assert [len(data.y_train), len(data.y_validation), len(data.y_test)] == [22, 2, 6]
    monkeypatch.delenv(MNIST_ENVIRONMENT_VARIABLE)
    assert load_dataset(seed=0, data_dir=tmp_path).x_train.shape == (22, 4)
    assert load_dataset(seed=0).source == "scikit-learn digits"
