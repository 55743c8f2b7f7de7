"""PyTorch on several devices from one process: start one training process per device with
`torchrun` (this Python's own, `python -m torch.distributed.run`), show process 0's progress, and
read back its model and report. Each process runs `torchrun_worker.py`."""

import dataclasses
import json
import os
import tempfile
from pathlib import Path

from ..errors import UserError
from ..files import run_python
from .saving import load_model


def train_in_processes(config, callbacks=()):
    """Run `train(config)` in `config.devices` processes started by `torchrun` (each one device, its
    share of every batch); return process 0's `(model, report)`, the model read from the file it saved."""
    if callbacks:
        raise UserError("Callbacks cannot reach PyTorch's training processes: train without them, "
                        "or on one device.")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "config.json").write_text(json.dumps(dataclasses.asdict(config)))
        args = ["-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={config.devices}",
                "-m", "lenet_keras.training.torchrun_worker"]
        # one thread per process: the processes share the machine's cores
        threads = {"OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
        report = run_python(args, folder, env=threads, show_output=True,
                            what=f"The {config.devices} PyTorch training processes")
        return load_model(Path(folder, "model.keras"), compile=True), report

