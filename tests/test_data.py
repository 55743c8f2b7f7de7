"""MNIST loading, IDX parsing, verification of every kind of bad file, and preprocessing."""

import gzip
from pathlib import Path

import numpy as np
import pytest

from lenet_keras import data
from lenet_keras.data import DataError


def write_npz(folder, arrays, **changes):
    """Write a mnist.npz holding `arrays` with some of them replaced; return its path."""
    path = folder / data.NPZ_FILE
    np.savez(path, **{**arrays, **changes})
    return path


def write_idx_folder(folder, arrays):
    """Write the four gzipped IDX files of `arrays` into `folder`."""
    for name, filename in data.IDX_FILES.items():
        with gzip.open(folder / filename, "wb", compresslevel=1) as f:
            f.write(data.idx_bytes(arrays[name]))


def test_idx_files_are_the_bytes_idx_bytes_writes(mnist_arrays):
    """Our encoder reproduces the original distribution's file byte for byte."""
    from pathlib import Path

    original = Path(data.find_data_dir()) / data.IDX_FILES["y_test"]
    if not original.exists():
        pytest.skip("the data folder holds only mnist.npz")
    assert gzip.decompress(original.read_bytes()) == data.idx_bytes(mnist_arrays["y_test"])


def test_parse_idx_reads_header_and_values():
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    raw = data.idx_bytes(array)
    assert raw[:4] == b"\x00\x00\x08\x03"
    assert raw[4:8] == b"\x00\x00\x00\x02"  # first dimension, big-endian
    parsed = data.parse_idx(raw)
    assert parsed.shape == (2, 3, 4) and parsed.dtype == np.uint8
    np.testing.assert_array_equal(parsed, array)


@pytest.mark.parametrize("raw, message", [
    (b"\x08\x03\x00\x00" + bytes(20), "bad magic"),
    (b"\x00\x00\x08\x03\x00\x00", "header"),
    (data.idx_bytes(np.zeros((2, 3), np.uint8))[:-1], "truncated"),
])
def test_parse_idx_rejects_bad_bytes(raw, message):
    with pytest.raises(DataError, match=message):
        data.parse_idx(raw, "some-file")


def test_load_mnist_shapes_dtypes_and_order(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert list(y_train[:8]) == [5, 0, 4, 1, 9, 2, 1, 3]  # the original order
    assert list(y_test[:8]) == [7, 2, 1, 0, 4, 1, 4, 9]
    assert np.bincount(y_train).tolist()[:3] == [5923, 6742, 5958]


def test_idx_files_and_npz_give_the_same_arrays(tmp_path, mnist_arrays):
    write_idx_folder(tmp_path, mnist_arrays)
    (x_train, y_train), (x_test, y_test) = data.load_mnist(tmp_path)
    np.testing.assert_array_equal(x_train, mnist_arrays["x_train"])
    np.testing.assert_array_equal(y_test, mnist_arrays["y_test"])


def test_environment_variable_is_used(tmp_path, monkeypatch, mnist_arrays):
    write_npz(tmp_path, mnist_arrays)
    monkeypatch.setenv("LENET_DATA_DIR", str(tmp_path))
    assert data.find_data_dir() == tmp_path


def test_explicit_dir_wins_over_environment(tmp_path, monkeypatch, mnist_arrays):
    write_npz(tmp_path, mnist_arrays)
    monkeypatch.setenv("LENET_DATA_DIR", str(tmp_path / "elsewhere"))
    assert data.find_data_dir(tmp_path) == tmp_path


def test_project_data_dir_then_download(tmp_path, monkeypatch):
    """With no folder given, data/ is used if it holds MNIST, else MNIST is downloaded into it."""
    monkeypatch.delenv("LENET_DATA_DIR", raising=False)
    monkeypatch.setattr(data, "DEFAULT_DATA_DIR", tmp_path)
    calls = []

    def fake_get_file(fname, origin, file_hash, cache_dir, cache_subdir):
        calls.append((fname, origin, file_hash))
        (Path(cache_dir) / cache_subdir / fname).write_bytes(b"pretend")

    import keras

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    assert data.find_data_dir() == tmp_path
    assert calls == [(data.NPZ_FILE, data.DOWNLOAD_URL, data.DOWNLOAD_SHA256)]
    assert data.find_data_dir() == tmp_path and len(calls) == 1  # cached: no second download


def test_failed_download_says_what_to_do_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("LENET_DATA_DIR", raising=False)
    monkeypatch.setattr(data, "DEFAULT_DATA_DIR", tmp_path)
    import keras

    def cut_off(fname, cache_dir, cache_subdir, **kwargs):
        (Path(cache_dir) / cache_subdir / fname).write_bytes(b"half a download")
        raise OSError("network is unreachable")

    monkeypatch.setattr(keras.utils, "get_file", cut_off)
    with pytest.raises(DataError, match="LENET_DATA_DIR"):
        data.load_mnist()
    assert list(tmp_path.iterdir()) == []  # no half file where MNIST is looked for


def test_default_data_folder_is_the_clones_data_or_keras_cache(tmp_path, monkeypatch):
    """From a clone, the project's data/; installed into site-packages, Keras's own cache."""
    assert data.default_data_dir() == Path(data.__file__).resolve().parent.parent / "data"  # this clone
    installed = tmp_path / "site-packages" / "lenet_keras"
    installed.mkdir(parents=True)
    monkeypatch.setattr(data, "__file__", str(installed / "data.py"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    assert data.default_data_dir() == tmp_path / "keras" / "datasets"


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        data.load_mnist(tmp_path / "nowhere")


def test_folder_without_mnist(tmp_path):
    with pytest.raises(DataError, match="holds neither"):
        data.load_mnist(tmp_path)


def test_data_dir_that_is_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataError, match="is not a folder"):
        data.load_mnist(tmp_path / "file")


def test_truncated_npz(tmp_path, mnist_arrays):
    path = write_npz(tmp_path, mnist_arrays)
    path.write_bytes(path.read_bytes()[:100_000])
    with pytest.raises(DataError, match=r"mnist\.npz is truncated or corrupted"):
        data.load_mnist(tmp_path)


def test_truncated_idx_gz(tmp_path, mnist_arrays):
    write_idx_folder(tmp_path, mnist_arrays)
    path = tmp_path / data.IDX_FILES["x_test"]
    path.write_bytes(path.read_bytes()[:50_000])
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz is truncated"):
        data.load_mnist(tmp_path)


def test_idx_file_with_missing_images(tmp_path, mnist_arrays):
    """A well-formed gzip whose header promises more images than it holds."""
    write_idx_folder(tmp_path, mnist_arrays)
    raw = data.idx_bytes(mnist_arrays["x_test"])[:-784]
    with gzip.open(tmp_path / data.IDX_FILES["x_test"], "wb") as f:
        f.write(raw)
    with pytest.raises(DataError, match="header announces"):
        data.load_mnist(tmp_path)


def test_wrong_shape(tmp_path, mnist_arrays):
    write_npz(tmp_path, mnist_arrays, x_test=mnist_arrays["x_test"][:9000])
    with pytest.raises(DataError, match=r"x_test is uint8 \(9000, 28, 28\), expected uint8 \(10000, 28, 28\)"):
        data.load_mnist(tmp_path)


def test_wrong_dtype(tmp_path, mnist_arrays):
    write_npz(tmp_path, mnist_arrays, y_train=mnist_arrays["y_train"].astype(np.int64))
    with pytest.raises(DataError, match="y_train is int64"):
        data.load_mnist(tmp_path)


def test_labels_out_of_range(tmp_path, mnist_arrays):
    y = mnist_arrays["y_test"].copy()
    y[0] = 11
    write_npz(tmp_path, mnist_arrays, y_test=y)
    with pytest.raises(DataError, match="labels above 9"):
        data.load_mnist(tmp_path)


@pytest.mark.parametrize("name", ["x_train", "y_test"])
def test_tampered_contents_fail_the_hash(tmp_path, mnist_arrays, name):
    tampered = mnist_arrays[name].copy()
    tampered.flat[123] ^= 1  # one bit
    write_npz(tmp_path, mnist_arrays, **{name: tampered})
    with pytest.raises(DataError, match=f"mnist.npz: {name} does not match the published MNIST"):
        data.load_mnist(tmp_path)


def test_tampered_idx_names_the_idx_file(tmp_path, mnist_arrays):
    tampered = mnist_arrays["x_train"].copy()
    tampered[0, 0, 0] = 255
    write_idx_folder(tmp_path, {**mnist_arrays, "x_train": tampered})
    with pytest.raises(DataError, match="train-images-idx3-ubyte.gz: x_train does not match"):
        data.load_mnist(tmp_path)


def test_npz_with_a_missing_array(tmp_path, mnist_arrays):
    np.savez(tmp_path / data.NPZ_FILE, x_train=mnist_arrays["x_train"])
    with pytest.raises(DataError, match="lacks the array"):
        data.load_mnist(tmp_path)


def test_pickled_npz_is_refused(tmp_path, mnist_arrays):
    objects = np.empty(10000, dtype=object)
    write_npz(tmp_path, mnist_arrays, y_test=objects)
    with pytest.raises(DataError, match="corrupted"):
        data.load_mnist(tmp_path)


def test_scaling_statistics(mnist):
    x_train = mnist[0][0]
    scaled = data.scale_01(x_train)
    assert scaled.dtype == np.float32 and scaled.min() == 0.0 and scaled.max() == 1.0
    assert scaled.mean() == pytest.approx(data.MNIST_MEAN, abs=1e-4)
    assert scaled.std() == pytest.approx(data.MNIST_STD, abs=1e-4)
    standardized = data.standardize(x_train)
    assert standardized.mean() == pytest.approx(0.0, abs=1e-3)
    assert standardized.std() == pytest.approx(1.0, abs=1e-3)
    pm1 = data.scale_pm1(x_train[:100])
    assert pm1.min() == -1.0 and pm1.max() == 1.0


def test_padding_and_channel_axis(mnist):
    x = mnist[1][0][:5]
    with_channel = data.add_channel_axis(x)
    assert with_channel.shape == (5, 28, 28, 1)
    for images in (x, with_channel):
        padded = data.pad_to_32(images)
        assert padded.shape[1:3] == (32, 32)
        assert padded[:, :2].max() == 0 and padded[:, :, -2:].max() == 0  # background border
        np.testing.assert_array_equal(padded[:, 2:30, 2:30], images)


def test_validation_split_is_the_last_5000(mnist):
    x, y = mnist[0]
    (x_fit, y_fit), (x_val, y_val) = data.split_validation(x, y)
    assert len(x_fit) == 55000 and len(x_val) == 5000
    np.testing.assert_array_equal(x_val, x[-5000:])
    np.testing.assert_array_equal(y_fit, y[:55000])
