"""IDX round trips (plain and gzip), malformed files, and loading MNIST from a folder of small IDX files."""

import gzip
import struct

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.environments.idx import MNIST_FILES, load_mnist, read_idx, write_idx


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_round_trip(tmp_path, dtype, name):
    array = (np.arange(24) - 5).astype(dtype).reshape(2, 3, 4)
    if dtype == np.uint8:
        array = np.arange(24, dtype=dtype).reshape(2, 3, 4) * 10
    back = read_idx(write_idx(tmp_path / name, array))
    assert back.dtype == array.dtype and np.array_equal(back, array)


def test_header_is_big_endian(tmp_path):
    data = (tmp_path / "a.idx")
    write_idx(data, np.array([1, 256], dtype=np.int32))
    assert data.read_bytes() == b"\x00\x00\x0c\x01" + struct.pack(">I", 2) + struct.pack(">2i", 1, 256)


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"\x01\x00\x08\x01\x00\x00\x00\x01\x07", "magic"),
        (b"\x00\x00\x07\x01\x00\x00\x00\x01\x07", "element type"),
        (b"\x00\x00\x08\x02\x00\x00\x00\x01", "header is short"),
        (b"\x00\x00\x08\x00", "header is short"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x03\x07\x07", "holds 2"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x01\x07\x07", "holds 2"),
        (b"\x00\x00", "magic"),
    ],
)
def test_malformed_files_raise_input_error(tmp_path, payload, message):
    path = tmp_path / "bad.idx"
    path.write_bytes(payload)
    with pytest.raises(InputError, match=message):
        read_idx(path)


def test_corrupt_gzip_raises_input_error(tmp_path):
    path = tmp_path / "bad.idx.gz"
    path.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x01\x07")[:-6])
    with pytest.raises(InputError, match="cannot be read"):
        read_idx(path)


def _write_mnist(folder, n_train=12, n_test=4, *, labels=None, gz=False):
    rng = np.random.default_rng(0)
    suffix = ".gz" if gz else ""
    write_idx(folder / (MNIST_FILES["train_images"] + suffix), rng.integers(0, 256, (n_train, 4, 3), dtype=np.uint8))
    train_labels = np.arange(n_train, dtype=np.uint8) % 10 if labels is None else labels
    write_idx(folder / (MNIST_FILES["train_labels"] + suffix), train_labels)
    write_idx(folder / (MNIST_FILES["test_images"] + suffix), rng.integers(0, 256, (n_test, 4, 3), dtype=np.uint8))
    write_idx(folder / (MNIST_FILES["test_labels"] + suffix), np.arange(n_test, dtype=np.uint8))


@pytest.mark.parametrize("gz", [False, True])
def test_load_mnist_scales_and_flattens(tmp_path, gz):
    _write_mnist(tmp_path, gz=gz)
    x_train, y_train, x_test, y_test = load_mnist(tmp_path)
    assert x_train.shape == (12, 12) and x_test.shape == (4, 12)
    assert 0 <= x_train.min() and x_train.max() <= 1 and list(y_test) == [0, 1, 2, 3]


def test_load_mnist_rejects_bad_folders(tmp_path):
    with pytest.raises(InputError, match="existing folder"):
        load_mnist(tmp_path / "missing")
    with pytest.raises(InputError, match="must contain"):
        load_mnist(tmp_path)
    _write_mnist(tmp_path, labels=np.arange(11, dtype=np.uint8))
    with pytest.raises(InputError, match="one label per image"):
        load_mnist(tmp_path)
    _write_mnist(tmp_path, labels=np.full(12, 11, dtype=np.uint8))
    with pytest.raises(InputError, match="digits 0-9"):
        load_mnist(tmp_path)
