"""The IDX file format of MNIST (LeCun et al.): read and write n-dimensional arrays, load MNIST from a folder.

An IDX file is a header followed by the array in C order, big-endian:

    bytes 0–1: 0x00 0x00;  byte 2: element type (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
    0x0E float64);  byte 3: number of axes n;  then n big-endian uint32 sizes;  then Π sizes elements.

Files may be gzip-compressed (name ending in ``.gz``). Anything else (wrong magic, unknown type, truncated or
over-long data) raises :class:`foundation.validation.InputError` naming the file.

>>> import tempfile, pathlib, numpy as np
>>> path = pathlib.Path(tempfile.mkdtemp()) / "a.idx"
>>> _ = write_idx(path, np.arange(6, dtype=np.uint8).reshape(2, 3))
>>> read_idx(path)
array([[0, 1, 2],
       [3, 4, 5]], dtype=uint8)
"""

from __future__ import annotations

import gzip
import os
import struct
import tempfile
from pathlib import Path

import numpy as np

from foundation.validation import InputError

__all__ = ["MNIST_FILES", "load_mnist", "read_idx", "write_idx"]

_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype.newbyteorder("="): code for code, dtype in _TYPES.items()}

MNIST_FILES: dict[str, str] = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
"""The four MNIST files (each optionally with a ``.gz`` suffix)."""


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as handle:
                return handle.read()
        return path.read_bytes()
    except (OSError, EOFError) as error:
        raise InputError(f"IDX file {path} cannot be read: {error}") from None


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Return the array stored in the IDX file ``path`` (native byte order), validating header and length."""
    path = Path(path)
    data = _read_bytes(path)
    if len(data) < 4 or data[:2] != b"\x00\x00":
        raise InputError(f"IDX file {path} must start with the magic bytes 0x00 0x00; it does not")
    code, ndim = data[2], data[3]
    if code not in _TYPES:
        raise InputError(f"IDX file {path} has element type 0x{code:02X}; allowed: 0x08, 0x09, 0x0B-0x0E")
    header = 4 + 4 * ndim
    if ndim == 0 or len(data) < header:
        raise InputError(f"IDX file {path} must declare at least one axis and hold its sizes; the header is short")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = _TYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) - header != expected:
        raise InputError(
            f"IDX file {path} declares shape {shape} ({expected} data bytes) but holds {len(data) - header}"
        )
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: str | os.PathLike[str], array: np.ndarray) -> Path:
    """Write ``array`` (uint8, int8, int16, int32, float32 or float64, ≥ 1 axis) as an IDX file, atomically.

    A name ending in ``.gz`` is gzip-compressed (deterministically: no timestamp in the header).
    """
    array = np.asarray(array)
    code = _CODES.get(array.dtype)
    if code is None or array.ndim == 0:
        raise InputError(f"array must have an IDX element type and at least one axis; got {array.dtype}, {array.shape}")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + np.ascontiguousarray(array, dtype=_TYPES[code]).tobytes()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # foundation.artifacts writes text only; binary data gets the same temporary-file-then-rename treatment here.
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(gzip.compress(payload, mtime=0) if target.suffix == ".gz" else payload)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _find(directory: Path, stem: str) -> Path:
    for name in (stem, f"{stem}.gz"):
        if (directory / name).is_file():
            return directory / name
    raise InputError(f"data directory {directory} must contain {stem} (or {stem}.gz); it does not")


def _images_and_labels(directory: Path, images_key: str, labels_key: str) -> tuple[np.ndarray, np.ndarray]:
    images = read_idx(_find(directory, MNIST_FILES[images_key]))
    labels = read_idx(_find(directory, MNIST_FILES[labels_key]))
    if images.ndim != 3 or images.dtype != np.uint8:
        raise InputError(f"{images_key} must be a uint8 IDX array of shape (N, rows, columns); got {images.shape}")
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise InputError(f"{labels_key} must hold one label per image ({images.shape[0]}); got shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise InputError(f"{labels_key} must hold digits 0-9; found {int(labels.min())}..{int(labels.max())}")
    return images.reshape(images.shape[0], -1).astype(np.float64) / 255.0, labels.astype(np.int64)


def load_mnist(directory: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (x_train, y_train, x_test, y_test) from the four MNIST IDX files in ``directory``.

    Pixels are scaled to [0, 1] and images flattened (784 inputs for 28×28 MNIST); labels are integers 0–9.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"data directory {directory} must be an existing folder with the MNIST IDX files")
    x_train, y_train = _images_and_labels(directory, "train_images", "train_labels")
    x_test, y_test = _images_and_labels(directory, "test_images", "test_labels")
    if x_train.shape[1] != x_test.shape[1]:
        raise InputError(f"train and test images must have the same size; got {x_train.shape[1]} and {x_test.shape[1]}")
    return x_train, y_train, x_test, y_test
