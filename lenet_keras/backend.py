"""Everything that differs between TensorFlow, JAX and PyTorch lives here, and only here.

`select_backend` (or `start`, in a notebook) must run before the first `import keras`: Keras reads
KERAS_BACKEND at import.
"""

import contextlib
import functools
import importlib.metadata
import importlib.util
import logging
import os
import sys

from .errors import UserError

BACKENDS = ("tensorflow", "jax", "torch")
DEVICES = ("auto", "cpu", "gpu")
NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


class BackendError(UserError):
    """An unknown backend or device, or one chosen too late."""


def select_backend(backend=None, device="auto", devices=1):
    """Set the Keras backend and device through the environment, with `devices` devices to train
    on (`parallel.ask_for_devices`); return the backend's name."""
    backend = backend or os.environ.get("KERAS_BACKEND", "tensorflow")
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
    use_fast_xla_cpu_kernels()  # before JAX starts computing
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
    if device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = ""  # hides GPUs from all three backends
        os.environ["JAX_PLATFORMS"] = "cpu"
    from . import parallel

    parallel.ask_for_devices(devices, backend)
    return backend


def start(backend=None, devices=1):
    """A notebook's first line: choose the backend, import Keras, print where the notebook runs.

    `backend` ("tensorflow", "jax" or "torch") wins; else KERAS_BACKEND, which the kernels
    "LeNet-5 (JAX)" etc. set (`python -m lenet_keras kernels`), as does `KERAS_BACKEND=jax jupyter lab`;
    else TensorFlow. Once Keras is imported the backend is fixed: to switch, restart the kernel.
    `devices`, the number of devices to train on (`parallel`), is fixed then too."""
    tensorflow = (backend or os.environ.get("KERAS_BACKEND", "tensorflow")) == "tensorflow"
    with silenced_stderr(tensorflow and "tensorflow" not in sys.modules):
        chosen = select_backend(backend, devices=devices)
        from .training import quick_mode  # imports Keras, now that the backend is chosen

        line = banner(quick=quick_mode())
    hide_expected_retracing_warnings()  # notebooks build and call many models, each traced once
    print(line, flush=True)


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


def banner(quick=None):
    """One line: the backend, Keras version, device and, for notebooks, whether quick mode is on."""
    import keras

    line = f"lenet-keras: backend {keras.backend.backend()}, Keras {keras.__version__}, device {device_name()}"
    return line if quick is None else f"{line}, quick mode {'on' if quick else 'off'}"


def use_one_inter_op_thread():
    """TensorFlow: run one op at a time, each op still on every core. LeNet's graph is a chain, so
    running independent ops side by side only makes threads compete: 1.4x faster training on 2
    cores (benchmarks/README.md). Read when TensorFlow starts its runtime, so this runs when
    `lenet_keras` is imported; a TF_NUM_INTEROP_THREADS you set yourself wins."""
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")


def device_name():
    """Return the device the current backend computes on, e.g. 'cpu' or 'gpu (NVIDIA A100)'."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        return f"gpu ({tf.config.experimental.get_device_details(gpus[0]).get('device_name', 'GPU')})" \
            if gpus else "cpu"
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        return "cpu" if device.platform == "cpu" else f"{device.platform} ({device.device_kind})"
    import torch

    return f"gpu ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "cpu"


def require_device(device):
    """Raise BackendError if `device` is 'gpu' and the backend sees none."""
    if device == "gpu" and device_name() == "cpu":
        raise BackendError("--device gpu was asked for but the backend sees no GPU: install the "
                           "backend's GPU build (see README) or use --device auto.")


@contextlib.contextmanager
def tensorflow_left_alone():
    """Keras imports TensorFlow whenever it is installed, whatever the backend: to seed tf.data, and
    to recognise TensorFlow's shapes when it saves or loads a model. On JAX and PyTorch that costs
    seconds and a screen of TensorFlow's start-up lines. In this block Keras is told TensorFlow is
    absent (unless it is the backend or already imported); the answer is forgotten afterwards, so a
    later `import tensorflow` is found as usual."""
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
    if deterministic and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def compile_options(devices=1):
    """Per-backend `compile` settings that make `fit` fast (measured in benchmarks/README.md).

    TensorFlow runs 32 steps per call into its graph; PyTorch rejects this and JAX gains nothing.
    Under a MirroredStrategy (`devices` > 1) Keras 3.15.1's loop of several steps fails ("You must
    feed a value for placeholder tensor"), so it runs one step per call there.
    """
    import keras

    return {"steps_per_execution": 32} if keras.backend.backend() == "tensorflow" and devices == 1 else {}


def make_compile_config_portable(model):
    """Record in `model`'s compile settings, which `model.save` writes into the .keras file, values
    that every backend accepts; return `model`. Keras 3.15 records what it resolved on the backend
    that compiled: TensorFlow's `steps_per_execution=32` makes the file's first `predict` fail on
    PyTorch, JAX's `jit_compile=True` would turn on `torch.compile` there, and PyTorch's optimizers
    are saved as its private `torch_adam.Adam`, whose update step is PyTorch code that fails on the
    other backends. `save_model` calls it too, for models compiled by hand. The training itself keeps
    its fast settings; a loaded model trains with Keras's defaults (compile it again for speed)."""
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


def not_a_retracing_warning(record):
    """A logging filter: False for TensorFlow's "... calls to ... triggered tf.function retracing"."""
    return "triggered tf.function retracing" not in record.getMessage()


def hide_expected_retracing_warnings():
    """TensorFlow: drop its warning that a function "triggered tf.function retracing". Keras traces
    the steps of every new model once, so a notebook that trains and scores five models in a loop
    sees that warning, with advice that does not apply; TensorFlow's other warnings still show."""
    logging.getLogger("tensorflow").addFilter(not_a_retracing_warning)  # added once however often called


def avoid_torch_layout_copies():
    """PyTorch: convolutions and pooling without Keras 3.15's extra copy of every input; return
    whether the fix is in place. LeNet-5 trains 1.3-1.4x faster (benchmarks/README.md).

    Keras keeps images channels-last; before each PyTorch conv or pool it permutes them to
    channels-first and copies them (`.contiguous()`), although the permuted view is already
    contiguous in PyTorch's channels_last memory format, which torch's kernels take as it is. The
    replacement asks for that format: no copy, the same numbers. It is Keras's own fix, merged for
    convolutions (keras-team/keras#23199, after 3.15) and proposed for pooling (#23649); it is only
    applied to the Keras version it was written for, and does nothing on the other backends.
    """
    import keras

    if keras.backend.backend() != "torch" or keras.__version__ != "3.15.1":
        return False
    from keras.src.backend.torch import nn

    nn._transpose_spatial_inputs = permute_to_channels_first
    return True


def permute_to_channels_first(inputs):
    """A channels-last torch tensor as a channels-first one, in the channels_last memory format
    (no copy when `inputs` is contiguous): see `avoid_torch_layout_copies`."""
    import torch

    memory_format = {4: torch.channels_last, 5: torch.channels_last_3d}.get(inputs.ndim, torch.contiguous_format)
    return torch.permute(inputs, (0, inputs.ndim - 1, *range(1, inputs.ndim - 1))).contiguous(
        memory_format=memory_format)



# XLA:CPU hands convolutions, reductions and element-wise fusions to its YNNPACK library by default
# (jaxlib 0.10); for LeNet's tiny channel counts its kernels are slower than XLA's own: 1.4x faster
# training without them, with the pooling below (benchmarks/README.md). Set for the jaxlib measured.
JAX_CPU_FLAGS = {"0.10.2": "--xla_cpu_experimental_ynn_fusion_type="}


def use_fast_xla_cpu_kernels():
    """JAX: turn off XLA:CPU's YNNPACK fusions (see JAX_CPU_FLAGS) through XLA_FLAGS, which JAX reads
    when it starts computing; return whether they were turned off. Does nothing on other backends,
    other jaxlib versions, or when your own XLA_FLAGS already choose a YNNPACK setting."""
    if os.environ.get("KERAS_BACKEND") != "jax":
        return False
    try:
        flag = JAX_CPU_FLAGS.get(importlib.metadata.version("jaxlib"))
    except importlib.metadata.PackageNotFoundError:
        return False
    flags = os.environ.get("XLA_FLAGS", "")
    if flag is None or "ynn_fusion_type" in flags:
        return flag is not None and flag in flags.split()
    os.environ["XLA_FLAGS"] = f"{flags} {flag}".strip()
    return True


def speed_up_jax_convolutions_and_pooling():
    """JAX: 2x2 max pooling and the convolutions' input gradient in forms XLA:CPU runs faster;
    return whether the change is in place. The layers (`Conv2D`, `MaxPooling2D`), their weights
    and the .keras file stay the same, and so do outputs and gradients, to float rounding; a tie in
    max pooling shares its gradient instead of giving it to one input (tests/test_backend.py).

    Max pooling's gradient through `reduce_window` is XLA's slow `select_and_scatter`: 2x2 pooling
    as a reshape and a max has a mask for a gradient. A convolution's input gradient, XLA's
    "transposed" convolution, is faster as one matrix product and 25 shifted sums. Applied on JAX
    on a CPU with the Keras version it was written for; elsewhere, nothing.
    """
    import keras

    if keras.backend.backend() != "jax" or keras.__version__ != "3.15.1":
        return False
    import jax

    if jax.default_backend() != "cpu":  # measured on CPUs only; GPUs keep cuDNN's kernels
        return False
    from keras.src.backend.jax import nn

    if not hasattr(nn.conv, "__wrapped__"):
        nn.conv = _with_fast_path(nn.conv, _stride_one_conv)
        nn.max_pool = _with_fast_path(nn.max_pool, _two_by_two_max_pool)
    return True


def _with_fast_path(keras_op, fast_op):
    """`keras_op`, except where `fast_op` handles the arguments (it returns None where it does not)."""

    @functools.wraps(keras_op)
    def op(*args, **kwargs):
        result = fast_op(*args, **kwargs)
        return keras_op(*args, **kwargs) if result is None else result

    return op


def _pair(value):
    """Keras's ways of giving a 2D size (2, (2, 2) or [2, 2]) as one tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _channels_last_2d(inputs, data_format):
    import keras

    return inputs.ndim == 4 and (data_format or keras.config.image_data_format()) == "channels_last"


def _stride_one_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """A 2D convolution, stride and dilation 1, of channels-last images, with the faster input
    gradient (`_conv_with_fast_input_gradient`); None for any other convolution."""
    import keras

    if (not _channels_last_2d(inputs, data_format) or _pair(strides) != (1, 1) or _pair(dilation_rate) != (1, 1)
            or kernel.shape[2] != inputs.shape[-1] or str(padding).lower() not in ("valid", "same")
            or inputs.shape[1] < kernel.shape[0] or inputs.shape[2] < kernel.shape[1]):
        return None  # Keras's own op, with its own errors
    kernel = keras.ops.convert_to_tensor(kernel)
    return _conv_with_fast_input_gradient()(keras.ops.convert_to_tensor(inputs, kernel.dtype), kernel, padding.upper())


@functools.cache
def _conv_with_fast_input_gradient():
    """XLA's convolution, with its input gradient as a matrix product (each output pixel's
    gradient times the kernel) whose 5x5 pieces are added back at their shifted places."""
    import jax
    from jax import lax
    from jax import numpy as jnp

    def conv(inputs, kernel, padding):
        return lax.conv_general_dilated(inputs, kernel, (1, 1), padding, dimension_numbers=("NHWC", "HWIO", "NHWC"))

    def forward(inputs, kernel, padding):
        return conv(inputs, kernel, padding), (inputs, kernel)

    def backward(padding, saved, grad):
        inputs, kernel = saved
        kernel_grad = jax.vjp(lambda k: conv(inputs, k, padding), kernel)[1](grad)[0]
        rows, cols = kernel.shape[:2]
        pieces = jnp.einsum("nhwo,ijco->nhwijc", grad, kernel)
        inputs_grad = sum(jnp.pad(pieces[:, :, :, i, j], ((0, 0), (i, rows - 1 - i), (j, cols - 1 - j), (0, 0)))
                          for i in range(rows) for j in range(cols))
        if padding == "SAME":  # drop the gradient of the zeros around the image
            top, left = (rows - 1) // 2, (cols - 1) // 2
            inputs_grad = inputs_grad[:, top:top + inputs.shape[1], left:left + inputs.shape[2]]
        return inputs_grad, kernel_grad

    fast = jax.custom_vjp(conv, nondiff_argnums=(2,))
    fast.defvjp(forward, backward)
    return fast


def _two_by_two_max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """2x2 max pooling, stride 2, of channels-last images of even size as a reshape and a max (its
    gradient goes to the largest of each window, shared on a tie, as in `jnp.max`); None otherwise."""
    import keras

    size = _pair(pool_size)
    if (not _channels_last_2d(inputs, data_format) or size != (2, 2) or _pair(strides or size) != (2, 2)
            or inputs.shape[1] % 2 or inputs.shape[2] % 2):
        return None
    _, height, width, channels = inputs.shape
    return keras.ops.convert_to_tensor(inputs).reshape(-1, height // 2, 2, width // 2, 2, channels).max(axis=(2, 4))
