"""What is PyTorch's own: devices, and data parallel as one process per device started by torchrun,
whose gradients `torch.distributed` averages (Keras 3.15.1's `fit` has no data parallelism for
PyTorch: it is merged for a later release). Same interface as tensorflow.py."""

import contextlib


def before_import(devices=None):
    """Nothing: PyTorch trains on several devices with one process each."""


def device_name():
    """'cpu', or 'gpu (NAME)' for the first CUDA device."""
    import torch

    return f"gpu ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "cpu"


def make_deterministic():
    """Nothing to do: PyTorch on a CPU repeats a seeded run exactly."""


def compile_options(devices=1):
    return {}  # Keras's PyTorch backend rejects steps_per_execution > 1


def hide_expected_retracing_warnings():
    """Nothing to hide on PyTorch."""


def device_names(count):
    """The device of each of `count` processes: a GPU each where there are enough, else the CPU, shared."""
    import torch

    gpus = [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return gpus[:count] if len(gpus) >= count else ["cpu"] * count


def engine(count, names):
    return (f"PyTorch: {count} processes started by torchrun, one device each, their gradients averaged "
            "by torch.distributed (gloo)")


@contextlib.contextmanager
def data_parallel(config, names):
    """A plain block: each process trains its own copy, `share_gradients` keeps them one."""
    yield


def weight_copies(model):
    return [[str(v.value.device)] for v in model.weights]


def local_weights(model):
    return model.get_weights()


def gather(digest, processes):
    """Every process's `digest`, gathered through torch.distributed."""
    import torch.distributed as dist

    gathered = [None] * processes
    dist.all_gather_object(gathered, digest)
    return gathered


def share_gradients(model, config):
    """In one of several processes: start from process 0's weights and, after every backward pass,
    replace each gradient by its mean over the processes (an all-reduce, gloo on CPUs), as
    DistributedDataParallel does. Keras's `fit` calls the Keras model itself, never a DDP wrapper,
    so the hooks go on the parameters."""
    if config.processes == 1:
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


def process_seed(config):
    """A seed of its own per process: the dropout masks and augmentations of the slices differ, as
    on one device. The weights still start as one: `share_gradients` sends process 0's to all."""
    return (config.seed + config.process_id) % 2**32


def finish_training(model, config):
    """Average the non-trainable variables (batch norm's moving statistics) over the processes: each
    normalized its own slice with that slice's statistics and kept its own moving averages."""
    if config.processes == 1:
        return
    import torch
    import torch.distributed as dist

    with torch.no_grad():
        for variable in model.non_trainable_variables:
            if "float" not in str(variable.dtype):  # the random generators' states stay each process's own
                continue
            dist.all_reduce(variable.value)
            variable.value.div_(dist.get_world_size())


def trains_in_own_processes(config):
    """Several devices asked of one process: the training runs in one new process per device."""
    return config.devices > 1 and config.processes == 1


def scores_all_validation(config):
    """Each process scores all validation images: its metrics are its own, and with identical
    weights all the same."""
    return True


def permute_to_channels_first(inputs):
    """A channels-last torch tensor as a channels-first one, in the channels_last memory format
    (no copy when `inputs` is contiguous): see `patches.TORCH_LAYOUT`."""
    import torch

    memory_format = {4: torch.channels_last, 5: torch.channels_last_3d}.get(inputs.ndim, torch.contiguous_format)
    return torch.permute(inputs, (0, inputs.ndim - 1, *range(1, inputs.ndim - 1))).contiguous(
        memory_format=memory_format)
