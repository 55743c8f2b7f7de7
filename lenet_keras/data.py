"""MNIST: find it, read it (npz or the original IDX files), verify it, and preprocess it.

Only NumPy here, so this module imports fast and never touches a Keras backend
(Keras is imported only to download).
"""

import gzip
import hashlib
import os
import struct
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .errors import UserError
from .settings import NUM_CLASSES

def default_data_dir():
    """Where MNIST goes by default: the project's `data/` when the package runs from a clone (an
    editable install), else Keras's own cache, `~/.keras/datasets` (or $KERAS_HOME/datasets), never
    `site-packages/`."""
    clone = Path(__file__).resolve().parent.parent
    if (clone / "pyproject.toml").is_file():
        return clone / "data"
    return Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "datasets"


DEFAULT_DATA_DIR = default_data_dir()
NPZ_FILE = "mnist.npz"
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
SHAPES = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}
# sha256 of each decoded array's raw bytes (C order, uint8): the same whichever file it came from.
SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
DOWNLOAD_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
DOWNLOAD_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

# Mean and standard deviation of the training pixels scaled to [0, 1].
MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
VALIDATION_SIZE = 5000

IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class DataError(UserError):
    """MNIST could not be found, read or verified; the message says which file and what to do."""


def load_mnist(data_dir=None):
    """Return `(x_train, y_train), (x_test, y_test)` as verified uint8 arrays in the original order.

    Looks in `data_dir` (or `$LENET_DATA_DIR`), then in `DEFAULT_DATA_DIR` (the project's `data/`
    in a clone), then downloads into it.
    """
    folder = find_data_dir(data_dir)
    if (folder / NPZ_FILE).exists():
        files = dict.fromkeys(SHAPES, folder / NPZ_FILE)
        arrays = read_npz(folder / NPZ_FILE)
    else:
        files = {name: folder / filename for name, filename in IDX_FILES.items()}
        arrays = {name: read_idx(path) for name, path in files.items()}
    verify_mnist(arrays, files)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def find_data_dir(data_dir=None):
    """Return the folder that holds MNIST, downloading it into `DEFAULT_DATA_DIR` as the last resort."""
    explicit = data_dir or os.environ.get("LENET_DATA_DIR")
    if explicit:
        folder = Path(explicit).expanduser()
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise DataError(f"The MNIST folder {folder} {what}: point --data-dir or LENET_DATA_DIR "
                            f"at a folder holding {NPZ_FILE} or the four IDX .gz files.")
        if not has_mnist(folder):
            raise DataError(f"The folder {folder} holds neither {NPZ_FILE} nor the four IDX files "
                            f"({', '.join(IDX_FILES.values())}): copy them there or point elsewhere.")
        return folder
    if has_mnist(DEFAULT_DATA_DIR):
        return DEFAULT_DATA_DIR
    download_mnist(DEFAULT_DATA_DIR)
    return DEFAULT_DATA_DIR


def has_mnist(folder):
    """True if `folder` holds mnist.npz or all four IDX files."""
    folder = Path(folder)
    return (folder / NPZ_FILE).is_file() or all((folder / f).is_file() for f in IDX_FILES.values())


def download_mnist(folder):
    """Download Keras's mnist.npz into `folder`, checking its sha256; into a temporary folder beside
    it first, so that an interrupted download never leaves half a file where MNIST is looked for."""
    import keras  # only here: the rest of the module needs no backend

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix=".download.", dir=folder) as partial:
            keras.utils.get_file(fname=NPZ_FILE, origin=DOWNLOAD_URL, file_hash=DOWNLOAD_SHA256,
                                 cache_dir=partial, cache_subdir=".")
            os.replace(Path(partial, NPZ_FILE), folder / NPZ_FILE)
    except Exception as error:
        raise DataError(f"Could not download MNIST from {DOWNLOAD_URL} into {folder} ({error}): "
                        f"with no internet, copy {NPZ_FILE} there or set LENET_DATA_DIR.") from error


def read_npz(path):
    """Read the four arrays from a mnist.npz in Keras's layout."""
    try:
        with np.load(path, allow_pickle=False) as f:
            return {name: f[name] for name in SHAPES}
    except KeyError as error:
        raise DataError(f"{path} lacks the array {error}: replace it with a complete mnist.npz.") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise DataError(f"{path} is truncated or corrupted ({error}): delete it and download "
                        "or copy it again.") from None


def read_idx(path):
    """Parse one IDX file (optionally gzipped): a big-endian header, then the raw values.

    Header: two zero bytes, a type code (0x08 = uint8), the number of dimensions, then each
    dimension as a 4-byte big-endian integer.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as error:
        raise DataError(f"{path} is truncated or corrupted ({error}): delete it and download "
                        "or copy it again.") from None
    return parse_idx(raw, path)


def parse_idx(raw, path="<bytes>"):
    """Decode the bytes of an IDX file into an array of the shape its header gives."""
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] not in IDX_DTYPES:
        raise DataError(f"{path} is not an IDX file (bad magic number): replace it with the original file.")
    ndim = raw[3]
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise DataError(f"{path} is truncated inside its header: download or copy it again.")
    shape = struct.unpack(f">{ndim}I", raw[4:header_size])
    dtype = np.dtype(IDX_DTYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header_size != expected:
        raise DataError(f"{path} holds {len(raw) - header_size} bytes of data but its header announces "
                        f"{expected} (shape {shape}): the file is truncated or corrupted, "
                        "download or copy it again.")
    return np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)


def idx_bytes(array):
    """Encode a uint8 array in the IDX format: the inverse of `parse_idx`."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    return bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def verify_mnist(arrays, files):
    """Check shapes, dtypes, label range and sha256 of each array; raise DataError naming its file."""
    for name, shape in SHAPES.items():
        array, where = arrays[name], files[name]
        if array.shape != shape or array.dtype != np.uint8:
            raise DataError(f"{where}: {name} is {array.dtype} {array.shape}, expected uint8 {shape}: "
                            "this is not MNIST as published, replace the file.")
        if name.startswith("y") and array.max() > 9:
            raise DataError(f"{where}: {name} has labels above 9: replace the file.")
        if hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest() != SHA256[name]:
            raise DataError(f"{where}: {name} does not match the published MNIST (sha256 differs): "
                            "the file was altered or damaged, download or copy it again.")


# --- Preprocessing, for the course. The models do their own preprocessing inside (see models.py).

def scale_01(x):
    """Pixels 0-255 to float32 in [0, 1]."""
    return np.asarray(x, dtype=np.float32) / 255.0


def standardize(x):
    """Pixels 0-255 to zero mean and unit variance with MNIST's training statistics."""
    return (scale_01(x) - MNIST_MEAN) / MNIST_STD


def scale_pm1(x):
    """Pixels 0-255 to float32 in [-1, 1]."""
    return scale_01(x) * 2.0 - 1.0


def pad_to_32(x):
    """Pad 28x28 images with 2 background pixels per side to 32x32, as in the 1998 paper."""
    x = np.asarray(x)
    pad = [(0, 0), (2, 2), (2, 2)] + [(0, 0)] * (x.ndim - 3)  # (N, H, W) or (N, H, W, C)
    return np.pad(x, pad)


def add_channel_axis(x):
    """(N, 28, 28) to (N, 28, 28, 1), the channels-last layout Keras convolutions expect."""
    return np.asarray(x)[..., np.newaxis]


def split_validation(x, y, size=VALIDATION_SIZE):
    """Split off the last `size` training examples as a fixed validation set."""
    return (x[:-size], y[:-size]), (x[-size:], y[-size:])


def model_inputs(x):
    """(N, 28, 28) images as what the models take: (N, 28, 28, 1) float32, still 0-255. Float, not
    uint8: fed uint8, TensorFlow's graph of an augmented model prints "oneDNN supports DT_UINT8 only
    on platforms with AVX-512" on stderr, into the notebooks."""
    return add_channel_axis(x).astype("float32")


def one_hot(labels):
    """Digit labels as one-hot float32 rows, the targets the course's loss expects."""
    return np.eye(NUM_CLASSES, dtype="float32")[labels]


def training_sets(mnist, subset=None):
    """`(x_train, y_train), (x_val, y_val)` of `load_mnist`'s result: the first 55,000 training
    images (or the first `subset` of them) and the last 5,000 for validation, labels as digits."""
    (x_train, y_train), _ = mnist
    (x_train, y_train), validation = split_validation(x_train, y_train)
    return (x_train[:subset], y_train[:subset]), validation
