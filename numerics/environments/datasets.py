"""Classification data for Fig. 6: train / validation / test splits in the paper's proportions 55 : 5 : 10.

The paper uses MNIST (55,000 / 5,000 / 10,000). By default this module uses scikit-learn's handwritten digits
(1,797 8×8 images, shipped with scikit-learn, no download) split in the same proportions; MNIST is used when a
folder with its IDX files is given (argument ``data_dir`` or the environment variable ``ESCORT_MNIST_DIR``):
its 60,000 training images are split 55 : 5 into training and validation, its 10,000 test images are the test set.

>>> data = load_dataset(seed=0)
>>> data.source, data.x_train.shape[1], data.n_classes
('scikit-learn digits', 64, 10)
>>> [len(y) for y in (data.y_train, data.y_validation, data.y_test)]
[1411, 128, 258]
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from foundation.validation import InputError, check_finite_array
from numerics.environments.idx import load_mnist

__all__ = ["MNIST_ENVIRONMENT_VARIABLE", "PROPORTIONS", "Dataset", "load_dataset", "make_dataset"]

PROPORTIONS = (55, 5, 10)
"""Train : validation : test, as in Section 6 (55,000 / 5,000 / 10,000 MNIST images)."""

MNIST_ENVIRONMENT_VARIABLE = "ESCORT_MNIST_DIR"
"""Environment variable naming a folder with the MNIST IDX files (used when no ``data_dir`` is passed)."""


@dataclass(frozen=True)
class Dataset:
    """Inputs in [0, 1] (one row per example) and integer labels 0..K−1 for the three splits."""

    source: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int


def make_dataset(source: str, x: np.ndarray, y: np.ndarray, *, seed: int, n_classes: int = 10) -> Dataset:
    """Shuffle (x, y) with ``seed`` and split it 55 : 5 : 10, after checking shapes, finiteness and labels."""
    x = check_finite_array(x, name="x", ndim=2)
    y = np.asarray(y)
    if y.shape != (x.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise InputError(f"y must be {x.shape[0]} integer labels, one per row of x; got {y.dtype} {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise InputError(f"y must hold labels in 0..{n_classes - 1}; found {int(y.min())}..{int(y.max())}")
    total = sum(PROPORTIONS)
    n_train = x.shape[0] * PROPORTIONS[0] // total
    n_validation = x.shape[0] * PROPORTIONS[1] // total
    if n_train == 0 or n_validation == 0 or n_train + n_validation >= x.shape[0]:
        raise InputError(f"x must have enough rows for a 55 : 5 : 10 split with non-empty parts; got {x.shape[0]}")
    order = np.random.default_rng(seed).permutation(x.shape[0])
    train, validation, test = np.split(order, [n_train, n_train + n_validation])
    return Dataset(source, x[train], y[train], x[validation], y[validation], x[test], y[test], n_classes)


def _mnist(directory: Path, seed: int) -> Dataset:
    x_train, y_train, x_test, y_test = load_mnist(directory)
    n_train = x_train.shape[0] * PROPORTIONS[0] // (PROPORTIONS[0] + PROPORTIONS[1])
    if n_train == 0 or n_train == x_train.shape[0]:
        raise InputError(f"MNIST training file must have enough images for a 55 : 5 split; got {x_train.shape[0]}")
    order = np.random.default_rng(seed).permutation(x_train.shape[0])
    train, validation = order[:n_train], order[n_train:]
    return Dataset(
        f"MNIST ({directory})", x_train[train], y_train[train], x_train[validation], y_train[validation],
        x_test, y_test, 10,
    )


def load_dataset(*, seed: int, data_dir: str | os.PathLike[str] | None = None) -> Dataset:
    """MNIST from ``data_dir`` (or ``$ESCORT_MNIST_DIR``) if given, else scikit-learn's digits; split with ``seed``."""
    directory = data_dir if data_dir is not None else os.environ.get(MNIST_ENVIRONMENT_VARIABLE)
    if directory:
        return _mnist(Path(directory), seed)
    from sklearn.datasets import load_digits

    digits = load_digits()
    return make_dataset("scikit-learn digits", digits.data / 16.0, digits.target, seed=seed)
