"""What is TensorFlow's own: its start-up settings, devices, determinism, compile options and
data-parallel engine (`tf.distribute.MirroredStrategy`). The same functions exist in jax.py and
torch.py; `backend.current()` picks the module of the running backend."""

import contextlib
import logging
import os


def before_import(devices=None):
    """Settings TensorFlow reads when it starts: one op at a time, oneDNN's kernels and, for several,
    `devices` virtual CPU devices where there are not enough GPUs.

    One inter-op thread: LeNet's graph is a chain, so running independent ops side by side only
    makes threads compete. oneDNN: TensorFlow turns its CPU kernels on by itself only on CPUs with
    AVX-512 features; on an AVX2 CPU they train LeNet-5 about 3x faster (benchmarks/README.md).
    A TF_NUM_INTEROP_THREADS or TF_ENABLE_ONEDNN_OPTS you set yourself wins."""
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    if devices and devices > 1:
        import tensorflow as tf

        if len(tf.config.list_physical_devices("GPU")) < devices:
            cpu = tf.config.list_physical_devices("CPU")[0]
            tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * devices)


def device_name():
    """'cpu', or 'gpu (NAME)' for the first GPU TensorFlow sees."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return f"gpu ({tf.config.experimental.get_device_details(gpus[0]).get('device_name', 'GPU')})" if gpus else "cpu"


def make_deterministic():
    """Op determinism: identical reruns with one seed, at about a third of the training speed here."""
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()


def compile_options(devices=1):
    """32 steps per call into TensorFlow's graph (benchmarks/README.md). Under a MirroredStrategy
    Keras 3.15.1's loop of several steps fails ("You must feed a value for placeholder tensor"),
    so several devices run one step per call."""
    return {"steps_per_execution": 32} if devices == 1 else {}


def not_a_retracing_warning(record):
    """A logging filter: False for TensorFlow's "... calls to ... triggered tf.function retracing"."""
    return "triggered tf.function retracing" not in record.getMessage()


def hide_expected_retracing_warnings():
    """Drop TensorFlow's warning that a function "triggered tf.function retracing": Keras traces the
    steps of every new model once, so a notebook that trains five models sees it, with advice that
    does not apply. Other warnings still show; adding the filter again changes nothing."""
    logging.getLogger("tensorflow").addFilter(not_a_retracing_warning)


# --- Data parallel: one process, a MirroredStrategy over its devices

def device_names(count):
    """TensorFlow's names of its first `count` GPUs, else CPUs (virtual ones: `before_import`)."""
    import tensorflow as tf

    from .devices import first_devices

    return first_devices(count, lambda kind: [d.name for d in tf.config.list_logical_devices(kind.upper())])


def engine(count, names):
    return f"TensorFlow: tf.distribute.MirroredStrategy over {', '.join(names)}"


@contextlib.contextmanager
def data_parallel(config, names):
    """Build, compile and train under a MirroredStrategy over the devices `names`: each replica
    computes its slice of the batch, the gradients are summed into one mean update."""
    import tensorflow as tf

    tf.get_logger().setLevel("WARNING")  # not a line of INFO for every variable and every all-reduce
    with tf.distribute.MirroredStrategy(names).scope():
        yield


def weight_copies(model):
    """Each variable's devices: a MirroredVariable has one copy per replica."""
    if hasattr(model.weights[0].value, "values"):
        return [[c.device.split("/device:")[-1] for c in v.value.values] for v in model.weights]
    return [[str(v.value.device)] for v in model.weights]


def local_weights(model):
    return model.get_weights()


def share_gradients(model, config):
    """Nothing to do: the strategy averages the gradients itself."""


def process_seed(config):
    return config.seed  # one process


def finish_training(model, config):
    """Average the non-trainable variables (batch norm's moving statistics) over the replicas. Keras's
    BatchNormalization normalizes each replica's slice with that slice's statistics (its default
    `synchronized=False`), and its moving statistics, mirrored variables with no aggregation, drift
    apart on each replica: without this, the saved model would carry the first replica's only."""
    import numpy as np

    for variable in model.non_trainable_variables:  # floats only: not the random generators' states
        copies = getattr(variable.value, "values", None) if "float" in str(variable.dtype) else None
        if copies and len(copies) > 1:
            mean = np.mean([np.asarray(c) for c in copies], axis=0)
            for copy in copies:
                copy.assign(mean)


def trains_in_own_processes(config):
    return False


def scores_all_validation(config):
    return False  # the strategy gathers the replicas' metrics: each scores its share
