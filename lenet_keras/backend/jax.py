"""What is JAX's own: its start-up settings, devices, data-parallel engine
(`keras.distribution.DataParallel`, also across processes) and the faster convolution and pooling
that backend/patches.py installs while the course trains. Same interface as tensorflow.py."""

import contextlib
import os

# XLA:CPU runs each virtual device's steps on one shared pool of threads, as many as the cores, and
# a device waiting in an all-reduce for the others holds its thread. With two devices on two cores
# both threads can end up waiting while the other device's work has none: XLA aborts after 40 s
# ("Termination timeout for all reduce ... only 1 of them arrived"). A larger pool, which XLA sizes
# from NPROC when it is set, leaves threads free (tests/test_parallel.py trains the full set).
THREADS_PER_VIRTUAL_DEVICE = 2


def before_import(devices=None):
    """Settings JAX reads when it starts computing: where audited, XLA's own CPU kernels instead of
    YNNPACK's (`patches.XLA_CPU_FLAG`, in XLA_FLAGS), and `devices` CPU devices (set for 1 too, so
    that a notebook's count does not reach the commands it starts; None leaves it alone)."""
    from .patches import set_xla_cpu_flag

    set_xla_cpu_flag()
    if devices is None:
        return
    os.environ["JAX_NUM_CPU_DEVICES"] = str(devices)  # CPUs only: GPUs are what they are
    if devices > 1:
        os.environ.setdefault("NPROC", str(max(os.cpu_count() or 1, THREADS_PER_VIRTUAL_DEVICE * devices)))


def device_name():
    """'cpu', or the platform and kind of JAX's first device, e.g. 'gpu (NVIDIA H100)'."""
    import jax

    device = jax.devices()[0]
    return "cpu" if device.platform == "cpu" else f"{device.platform} ({device.device_kind})"


def make_deterministic():
    """Nothing to do: JAX repeats a seeded run exactly."""


def compile_options(devices=1):
    return {}  # several steps per call gain nothing here


def hide_expected_retracing_warnings():
    """Nothing to hide on JAX."""


# --- Data parallel: keras.distribution over this process's devices, or several processes

def device_names(count):
    """Keras's names of JAX's first `count` GPUs, else CPUs (virtual ones: `before_import`)."""
    import keras

    from .devices import first_devices

    def of_kind(kind):
        try:
            return keras.distribution.list_devices(kind)
        except RuntimeError:  # no device of this kind
            return []

    return first_devices(count, of_kind)


def engine(count, names):
    return f"JAX: keras.distribution.DataParallel over {', '.join(names)}"


@contextlib.contextmanager
def data_parallel(config, names):
    """Build, compile and train under Keras's DataParallel: the global batch is sharded over the
    devices (of every process: each passes its own share of the data, `parallel.share`)."""
    import keras

    devices = names if config.processes == 1 else keras.distribution.list_devices()
    with keras.distribution.DataParallel(devices=devices, auto_shard_dataset=config.processes == 1).scope():
        yield


def weight_copies(model):
    """Each variable's devices: a replicated sharding puts a whole copy on each."""
    return [sorted(f"{d.platform}:{d.id}" for d in v.value.sharding.device_set)
            if v.value.sharding.is_fully_replicated else [] for v in model.weights]


def local_weights(model):
    """The weights as this process holds them: the copy on its first device."""
    import numpy as np

    return [np.asarray(v.value.addressable_shards[0].data) for v in model.weights]


def gather(digest, processes):
    """Every process's `digest` (hex), gathered through JAX."""
    import numpy as np
    from jax.experimental import multihost_utils

    gathered = multihost_utils.process_allgather(np.frombuffer(bytes.fromhex(digest), dtype=np.uint8))
    return [bytes(np.asarray(row)).hex() for row in gathered]


def share_gradients(model, config):
    """Nothing to do: DataParallel averages the gradients itself."""


def process_seed(config):
    return config.seed  # every process must start from the same weights


def finish_training(model, config):
    """Nothing to do: DataParallel runs one program over the global batch, so batch norm's statistics
    are those of the whole batch, and every device holds the same moving statistics."""


def trains_in_own_processes(config):
    return False


def scores_all_validation(config):
    return False  # DataParallel gathers the devices' metrics: each scores its share


def start_processes(coordinator, processes, process_id):
    """Join `processes` processes, one per machine (or stand-ins on one), through the coordinator
    at `coordinator` (HOST:PORT, served by process 0) before anything computes."""
    import jax
    import keras

    jax.config.update("jax_cpu_collectives_implementation", "gloo")  # all-reduces between CPU processes
    keras.distribution.initialize(job_addresses=coordinator, num_processes=processes, process_id=process_id)
