"""Choosing the backend, and the few things the course does the same way on each of them.

What differs per backend lives in this package's tensorflow.py, jax.py and torch.py, one interface
each (`current()` returns the running one's); every change to Keras's internals is listed in
patches.py. `select_backend` (or `start`, in a notebook) must run before the first `import keras`:
Keras reads KERAS_BACKEND at import.
"""

import contextlib
import importlib
import importlib.util
import os
import sys

from ..errors import BackendError
from ..settings import BACKENDS, DEVICES, NAMES, chosen_backend, quick_mode
from . import patches

__all__ = ["BACKENDS", "DEVICES", "NAMES", "BackendError", "select_backend", "start", "banner", "device_name",
           "require_device", "seed_everything", "started", "compile_options", "make_compile_config_portable",
           "tensorflow_left_alone", "silenced_stderr", "current", "set_environment", "patches"]


def module(name):
    """This package's module for the backend `name` (importing it imports no backend)."""
    return importlib.import_module(f"{__name__}.{name}")


def current():
    """The module of the backend Keras runs on."""
    import keras

    return module(keras.backend.backend())


def set_environment(backend=None, devices=None):
    """Set what `backend` (default: KERAS_BACKEND's) reads when it starts, with `devices` devices
    (None: leave the count alone); called by `select_backend`, and once when `lenet_keras` is
    imported, so that a plain `import keras` after it starts with the fast settings too."""
    backend = chosen_backend(backend)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter, on any backend
    if backend in BACKENDS:
        module(backend).before_import(devices)


def select_backend(backend=None, device="auto", devices=1):
    """Set the Keras backend and device through the environment, with `devices` devices to train
    on (virtual CPU devices where there are not enough GPUs); return the backend's name."""
    backend = chosen_backend(backend)
    if backend not in BACKENDS:
        raise BackendError(f"Unknown backend {backend!r}: choose tensorflow, jax or torch.")
    if device not in DEVICES:
        raise BackendError(f"Unknown device {device!r}: choose auto, cpu or gpu.")
    if importlib.util.find_spec(backend) is None:  # the backends' own package names
        raise BackendError(f"{NAMES[backend]} is not installed in this Python: pip install -e \".[{backend}]\" "
                           "(or choose another backend).")
    if "keras" in sys.modules and sys.modules["keras"].backend.backend() != backend:
        raise BackendError(f"Keras is already imported with another backend: set KERAS_BACKEND={backend} "
                           "before importing keras (in a notebook, restart the kernel).")
    os.environ["KERAS_BACKEND"] = backend
    if device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = ""  # hides GPUs from all three backends
        os.environ["JAX_PLATFORMS"] = "cpu"
    set_environment(backend, devices)
    return backend


def start(backend=None, devices=1):
    """A notebook's first line: choose the backend, import Keras, print where the notebook runs.

    `backend` ("tensorflow", "jax" or "torch") wins; else KERAS_BACKEND, which the kernels
    "LeNet-5 (JAX)" etc. set (`python -m lenet_keras kernels`), as does `KERAS_BACKEND=jax jupyter lab`;
    else TensorFlow. Once Keras is imported the backend is fixed: to switch, restart the kernel.
    `devices`, the number of devices to train on (`parallel`), is fixed then too."""
    line = started(backend, devices=devices, quick=quick_mode())
    current().hide_expected_retracing_warnings()  # notebooks build and call many models, each traced once
    print(line, flush=True)


def started(backend=None, device="auto", devices=1, quick=None):
    """`select_backend`, then start it: import Keras, find the device; return the `banner`. TensorFlow's
    C++ libraries print lines while they load and look for a GPU ("failed call to cuInit" on a CPU
    machine), before any setting is read: they are silenced here, for notebooks and commands alike."""
    loading = chosen_backend(backend) == "tensorflow" and "tensorflow" not in sys.modules
    with silenced_stderr(loading):
        select_backend(backend, device, devices)
        return banner(quick=quick)


def banner(quick=None):
    """One line: the backend, Keras version, device, for notebooks whether quick mode is on, and which
    patches of Keras internals apply while training (`patches.summary`)."""
    import keras

    line = f"lenet-keras: backend {keras.backend.backend()}, Keras {keras.__version__}, device {device_name()}"
    line = line if quick is None else f"{line}, quick mode {'on' if quick else 'off'}"
    speed_ups = patches.summary(keras.backend.backend())
    return f"{line}; {speed_ups}" if speed_ups else line


@contextlib.contextmanager
def silenced_stderr(silence=True):
    """Send the process's own stderr (file descriptor 2) to /dev/null for the block. TensorFlow's C++
    libraries print start-up lines (oneDNN, CUDA drivers, cuInit) there while they load and look for a
    GPU, before any setting such as TF_CPP_MIN_LOG_LEVEL is read; Python's exceptions still raise."""
    if not silence:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def device_name():
    """Return the device the current backend computes on, e.g. 'cpu' or 'gpu (NVIDIA A100)'."""
    return current().device_name()


def require_device(device):
    """Raise BackendError if `device` is 'gpu' and the backend sees none."""
    if device == "gpu" and device_name() == "cpu":
        raise BackendError("--device gpu was asked for but the backend sees no GPU: install the "
                           "backend's GPU build (see docs/gpu.md) or use --device auto.")


@contextlib.contextmanager
def tensorflow_left_alone():
    """Keras imports TensorFlow whenever it is installed, whatever the backend: to seed tf.data, and
    to recognise TensorFlow's shapes when it saves or loads a model. On JAX and PyTorch that costs
    seconds and a screen of TensorFlow's start-up lines. In this block Keras is told TensorFlow is
    absent (unless it is the backend or already imported); the answer is forgotten afterwards, so a
    later `import tensorflow` is found as usual (`patches.WITHOUT_TENSORFLOW`)."""
    import keras
    from keras.src.utils.module_utils import tensorflow as lazy_tensorflow  # what Keras asks

    if keras.backend.backend() == "tensorflow" or "tensorflow" in sys.modules or lazy_tensorflow._available is not None:
        yield  # TensorFlow's own run, or an answer already given (e.g. by an enclosing block)
        return
    lazy_tensorflow._available = False
    try:
        yield
    finally:
        lazy_tensorflow._available = None


def seed_everything(seed, deterministic=False):
    """Seed Python, NumPy and the backend; with `deterministic`, also TensorFlow's op determinism.

    JAX and PyTorch on a CPU repeat a seeded run exactly (without starting TensorFlow). TensorFlow
    needs op determinism for that, which costs about a third of its training speed here, so it is
    asked for explicitly.
    """
    import keras

    with tensorflow_left_alone():
        keras.utils.set_random_seed(seed)
    if deterministic:
        current().make_deterministic()


def compile_options(devices=1):
    """The backend's `compile` settings that make `fit` fast (benchmarks/README.md)."""
    return current().compile_options(devices)


def make_compile_config_portable(model):
    """Record in `model`'s compile settings, which `model.save` writes into the .keras file, values
    that every backend accepts; return `model` (`patches.PORTABLE_COMPILE_CONFIG`). Keras 3.15
    records what it resolved on the backend that compiled: TensorFlow's `steps_per_execution=32`
    makes the file's first `predict` fail on PyTorch, JAX's `jit_compile=True` would turn on
    `torch.compile` there, and PyTorch's optimizers are saved as its private `torch_adam.Adam`,
    which fails on the other backends. The training itself keeps its fast settings; a loaded model
    trains with Keras's defaults (compile it again for speed)."""
    config = getattr(model, "_compile_config", None)
    if config is None:
        return model
    config.config.update(steps_per_execution=1, jit_compile="auto")
    optimizer = config.config.get("optimizer")  # an instance: `compile` resolves names
    public = next((c for c in type(optimizer).__mro__ if c.__module__.startswith("keras.src.optimizers.")), None)
    if public is not None and public is not type(optimizer):  # a backend's own class of a Keras optimizer
        with tensorflow_left_alone():
            config.config["optimizer"] = {"module": "keras.optimizers", "class_name": public.__name__,
                                          "config": optimizer.get_config(), "registered_name": None}
    return model
