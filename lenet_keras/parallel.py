"""Data-parallel training with each backend's own distributed engine: every device gets an equal
slice of each batch, the gradients are averaged over the devices, and all keep one copy of the
model. JAX uses Keras's `keras.distribution.DataParallel`, TensorFlow `tf.distribute.MirroredStrategy`,
PyTorch one process per device started by `torchrun` (`training/torchrun.py`); each engine is in its
backend's module (backend/jax.py, tensorflow.py, torch.py), this module says what they share.

The device count is fixed when the backend starts, so it is chosen before the first `import keras`
(`backend.select_backend(devices=...)`). On a machine without GPUs the CPU is split into that many
virtual devices: the path can be tried and tested on a laptop, where it is not faster (the virtual
devices share the same cores); on GPUs it uses the GPUs.
"""

import contextlib
import hashlib

from . import backend
from .errors import UserError


def replicas(config):
    """How many copies of the model train together: devices per process times processes."""
    return config.devices * config.processes


def batch_size_per_process(config):
    """The batch size this process passes to `fit`: its share of the configured (global) batch."""
    share, left = divmod(config.batch_size, replicas(config))
    if left:
        raise UserError(f"The batch of {config.batch_size} images does not split evenly over "
                        f"{replicas(config)} devices: choose a batch size that is a multiple of it.")
    return share * config.devices


def device_names(count):
    """The names of the `count` devices to train on: GPUs where there are enough, else CPUs."""
    return backend.current().device_names(count)


def engine(count):
    """One line: how this backend trains on `count` devices here, and on which."""
    return backend.current().engine(count, device_names(count))


@contextlib.contextmanager
def data_parallel(config):
    """A block in which Keras models are built, compiled and trained data parallel as `config`
    says (its devices, of all its processes together); a plain block for one device and on PyTorch,
    whose processes share their gradients through `share_gradients` instead."""
    if replicas(config) == 1:
        yield
        return
    with backend.current().data_parallel(config, device_names(config.devices)):
        yield


def share(x, y, config):
    """This process's share of the examples `x`, `y`: every `processes`-th one from its own
    number on, without the last few (fewer than the replicas) so that every batch, the last one
    too, splits evenly over the devices, as JAX's data parallelism requires."""
    keep = len(x) - len(x) % replicas(config)
    return x[config.process_id:keep:config.processes], y[config.process_id:keep:config.processes]


def validation_share(x, y, config):
    """The validation examples this process scores: all of them on PyTorch, whose processes each
    keep their own metrics; its share where the engine gathers the metrics (JAX, TensorFlow)."""
    return (x, y) if backend.current().scores_all_validation(config) else share(x, y, config)


def start_processes(coordinator, processes, process_id):
    """JAX: join `processes` processes, one per machine (or a stand-in on one machine), through
    the coordinator at `coordinator` (HOST:PORT, served by process 0) before anything computes."""
    import keras

    if keras.backend.backend() != "jax":
        raise UserError("--processes needs the JAX backend (PyTorch starts its own processes for --devices; "
                        "TensorFlow's several-machine training is not part of this course).")
    if not 0 <= process_id < processes:
        raise UserError(f"--process-id must be 0 to {processes - 1} for {processes} processes, not {process_id}.")
    backend.current().start_processes(coordinator, processes, process_id)


def in_own_processes(config):
    """True where `config` asks PyTorch for several devices from a single process: the training
    then runs in one new process per device (`training.torchrun`)."""
    return backend.current().trains_in_own_processes(config)


def share_gradients(model, config):
    """PyTorch, in one of several processes: keep their copies of `model` one (backend/torch.py)."""
    backend.current().share_gradients(model, config)


def process_seed(config):
    """The seed this process trains with: `config.seed`, or one per process where the processes
    start from one set of weights anyway (PyTorch), so that their dropout and augmentation differ."""
    return backend.current().process_seed(config)


def finish_training(model, config):
    """After `fit`: make every device's copy of `model` one, batch norm's moving statistics too
    (each backend's module says what its engine leaves different)."""
    if replicas(config) > 1:
        backend.current().finish_training(model, config)


def weight_copies(model):
    """For each of `model`'s variables, the devices that hold a whole copy of it in this process:
    under data parallelism, every device holds all of them (JAX: a replicated sharding; TensorFlow:
    a MirroredVariable); PyTorch's processes hold one copy each, on their one device."""
    return backend.current().weight_copies(model)


def weight_checksums(model, config):
    """The weights as each process holds them, one checksum per process (16 hex digits of their
    sha256): all the same when the processes ended with one model, as they must."""
    import numpy as np

    weights = backend.current().local_weights(model)
    digest = hashlib.sha256(b"".join(np.ascontiguousarray(w).tobytes() for w in weights)).hexdigest()[:16]
    # several processes: JAX's (`start_processes`) or PyTorch's; TensorFlow trains in one
    return [digest] if config.processes == 1 else backend.current().gather(digest, config.processes)
