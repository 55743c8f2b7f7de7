"""Data-parallel training with each backend's own distributed engine: every device gets an equal
slice of each batch, the gradients are averaged over the devices, and all keep one copy of the
model. JAX uses Keras's `keras.distribution.DataParallel`, TensorFlow `tf.distribute.MirroredStrategy`,
PyTorch one process per device started by `torchrun`, whose gradients `torch.distributed` averages
(Keras 3.15.1's `fit` has no data parallelism for PyTorch: it is merged for a later release).

The device count is fixed when the backend starts, so `ask_for_devices` runs before the first
`import keras` (`backend.select_backend(devices=...)` calls it). On a machine without GPUs it
splits the CPU into that many virtual devices: the path can be tried and tested on a laptop, where
it is not faster (the virtual devices share the same cores); on GPUs it uses the GPUs.
"""

import contextlib
import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import UserError

# XLA:CPU runs each virtual device's steps on one shared pool of threads, as many as the cores, and
# a device waiting in an all-reduce for the others holds its thread. With two devices on two cores
# both threads can end up waiting while the other device's work has none: XLA aborts after 40 s
# ("Termination timeout for all reduce ... only 1 of them arrived"). A larger pool, which XLA sizes
# from NPROC when it is set, leaves threads free (tests/test_parallel.py trains the full set).
THREADS_PER_VIRTUAL_DEVICE = 2


def ask_for_devices(count, backend_name):
    """Before the backend starts: make `count` devices available to `backend_name` (on a CPU,
    virtual ones). PyTorch needs nothing here: it trains with one process per device."""
    if backend_name == "jax":  # CPUs only: GPUs are what they are. Set for 1 too: a notebook's count
        os.environ["JAX_NUM_CPU_DEVICES"] = str(count)  # reaches the commands it starts, not theirs
        if count > 1:
            os.environ.setdefault("NPROC", str(max(os.cpu_count() or 1, THREADS_PER_VIRTUAL_DEVICE * count)))
    if backend_name == "tensorflow" and count > 1:
        import tensorflow as tf

        if len(tf.config.list_physical_devices("GPU")) < count:
            cpu = tf.config.list_physical_devices("CPU")[0]
            tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)


def device_names(count):
    """The names of the `count` devices to train on: GPUs where there are enough, else CPUs."""
    import keras

    for kind in ("gpu", "cpu"):
        try:
            found = keras.distribution.list_devices(kind) if keras.backend.backend() == "jax" \
                else tf_device_names(kind)
        except RuntimeError:  # JAX: no device of this kind
            found = []
        if len(found) >= count:
            return found[:count]
    raise UserError(f"{count} devices were asked for but the backend sees {len(found)}: choose the number of "
                    "devices before anything starts the backend (in a notebook, backend.start(devices=N) "
                    "after a kernel restart).")


def engine(count):
    """One line: how this backend trains on `count` devices here, and on which."""
    import keras

    if keras.backend.backend() == "torch":
        return (f"PyTorch: {count} processes started by torchrun, one device each, their gradients averaged "
                "by torch.distributed (gloo)")
    names = ", ".join(device_names(count))
    if keras.backend.backend() == "jax":
        return f"JAX: keras.distribution.DataParallel over {names}"
    return f"TensorFlow: tf.distribute.MirroredStrategy over {names}"


def tf_device_names(kind):
    import tensorflow as tf

    return [d.name for d in tf.config.list_logical_devices(kind.upper())]


def replicas(config):
    """How many copies of the model train together: devices per process times processes."""
    return config.devices * config.processes


@contextlib.contextmanager
def data_parallel(config):
    """A block in which Keras models are built, compiled and trained data parallel as `config`
    says (its devices, of all its processes together); a plain block for one device and on PyTorch,
    whose processes share their gradients through `share_gradients` instead."""
    import keras

    if replicas(config) == 1 or keras.backend.backend() == "torch":
        yield
    elif keras.backend.backend() == "jax":
        devices = device_names(config.devices) if config.processes == 1 else keras.distribution.list_devices()
        # several processes: each passes its own share of the data to `fit` (`share`)
        with keras.distribution.DataParallel(devices=devices, auto_shard_dataset=config.processes == 1).scope():
            yield
    else:
        import tensorflow as tf

        tf.get_logger().setLevel("WARNING")  # not a line of INFO for every variable and every all-reduce
        with tf.distribute.MirroredStrategy(device_names(config.devices)).scope():
            yield


def share(x, y, config):
    """This process's share of the examples `x`, `y`: every `processes`-th one from its own
    number on, without the last few (fewer than the replicas) so that every batch, the last one
    too, splits evenly over the devices, as JAX's data parallelism requires."""
    keep = len(x) - len(x) % replicas(config)
    return x[config.process_id:keep:config.processes], y[config.process_id:keep:config.processes]


def validation_share(x, y, config):
    """The validation examples this process scores. PyTorch's processes each score all of them:
    their metrics are their own, and with identical weights all the same; JAX and TensorFlow
    gather the metrics of the devices and processes, so each scores its share."""
    import keras

    return (x, y) if keras.backend.backend() == "torch" else share(x, y, config)


def start_processes(coordinator, processes, process_id):
    """JAX: join `processes` processes, one per machine (or a stand-in on one machine), through
    the coordinator at `coordinator` (HOST:PORT, served by process 0) before anything computes."""
    import keras

    if keras.backend.backend() != "jax":
        raise UserError("--processes needs the JAX backend (PyTorch starts its own processes for --devices; "
                        "TensorFlow's several-machine training is not part of this course).")
    if not 0 <= process_id < processes:
        raise UserError(f"--process-id must be 0 to {processes - 1} for {processes} processes, not {process_id}.")
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")  # all-reduces between CPU processes
    keras.distribution.initialize(job_addresses=coordinator, num_processes=processes, process_id=process_id)


def in_own_processes(config):
    """True where `config` asks PyTorch for several devices from a single process: the training
    then runs in one new process per device (`train_in_processes`)."""
    import keras

    return keras.backend.backend() == "torch" and config.devices > 1 and config.processes == 1


def share_gradients(model, config):
    """PyTorch, in one of several processes (`config.processes`): start from process 0's weights and, after every
    backward pass, replace each gradient by its mean over the processes (an all-reduce of
    `torch.distributed`, gloo on CPUs), as DistributedDataParallel does. Keras 3.15.1's `fit` calls
    the Keras model itself, never a DDP wrapper, so the hooks go on the parameters."""
    import keras

    if config.processes == 1 or keras.backend.backend() != "torch":
        return
    import torch
    import torch.distributed as dist

    count = dist.get_world_size()

    def average(parameter):
        dist.all_reduce(parameter.grad)
        parameter.grad /= count

    with torch.no_grad():
        for variable in model.weights:
            dist.broadcast(variable.value, src=0)
    for variable in model.trainable_weights:
        variable.value.register_post_accumulate_grad_hook(average)


def weight_copies(model):
    """For each of `model`'s variables, the devices that hold a whole copy of it in this process:
    under data parallelism, every device holds all of them (JAX: a replicated sharding; TensorFlow:
    a MirroredVariable); PyTorch's processes hold one copy each, on their one device."""
    import keras

    if keras.backend.backend() == "jax":
        return [sorted(f"{d.platform}:{d.id}" for d in v.value.sharding.device_set)
                if v.value.sharding.is_fully_replicated else [] for v in model.weights]
    if keras.backend.backend() == "tensorflow" and hasattr(model.weights[0].value, "values"):
        return [[c.device.split("/device:")[-1] for c in v.value.values] for v in model.weights]
    return [[str(v.value.device)] for v in model.weights]


def weight_checksums(model, config):
    """The weights as each process holds them, one checksum per process (16 hex digits of their
    sha256): all the same when the processes ended with one model, as they must."""
    import keras
    import numpy as np

    if keras.backend.backend() == "jax":  # the copy on this process's first device
        weights = [np.asarray(v.value.addressable_shards[0].data) for v in model.weights]
    else:
        weights = model.get_weights()
    digest = hashlib.sha256(b"".join(np.ascontiguousarray(w).tobytes() for w in weights)).hexdigest()[:16]
    if config.processes == 1:
        return [digest]
    if keras.backend.backend() == "torch":
        import torch.distributed as dist

        gathered = [None] * config.processes
        dist.all_gather_object(gathered, digest)
        return gathered
    from jax.experimental import multihost_utils

    gathered = multihost_utils.process_allgather(np.frombuffer(bytes.fromhex(digest), dtype=np.uint8))
    return [bytes(np.asarray(row)).hex() for row in gathered]


def train_in_processes(config, callbacks=()):
    """PyTorch: run `training.train(config)` in `config.devices` processes started by `torchrun`
    (each one device, its share of every batch), show process 0's progress, and return its
    `(model, report)`, the model read back from the file it saved."""
    if callbacks:
        raise UserError("Callbacks cannot reach PyTorch's training processes: train without them, "
                        "or on one device.")
    from . import training

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "config.json").write_text(json.dumps(dataclasses.asdict(config)))
        command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
                   f"--nproc_per_node={config.devices}", "-m", "lenet_keras.parallel", folder]
        # one thread per process: the processes share the machine's cores
        env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"), "PYTHONUNBUFFERED": "1"}
        with open(Path(folder, "stderr.txt"), "w") as errors:
            with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env) as run:
                for line in run.stdout:
                    print(line, end="", flush=True)
        if run.returncode:
            tail = Path(folder, "stderr.txt").read_text().strip().splitlines()[-1:] or ["no message"]
            raise UserError(f"The {config.devices} PyTorch training processes failed (exit code "
                            f"{run.returncode}; last line: {tail[0][:300]}).")
        report = json.loads(Path(folder, "report.json").read_text())
        return training.load_model(Path(folder, "model.keras"), compile=True), report


def train_one_process(folder):
    """What each process of `train_in_processes` runs: join the others, train its share, and, in
    process 0, save the model and the report into `folder`."""
    import torch.distributed as dist

    from . import training

    dist.init_process_group("gloo")  # torchrun's environment: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT
    rank = dist.get_rank()
    config = training.TrainConfig(**json.loads(Path(folder, "config.json").read_text()))
    config = dataclasses.replace(config, devices=1, processes=dist.get_world_size(), process_id=rank,
                                 verbose=config.verbose if rank == 0 else 0)
    model, report = training.train(config)
    if rank == 0:
        training.save_model(model, Path(folder, "model.keras"))
        training.save_json(report, Path(folder, "report.json"))
    dist.destroy_process_group()


if __name__ == "__main__":
    train_one_process(sys.argv[1])
