"""What each process that `torchrun.train_in_processes` starts runs: join the others, train its share,
and, in process 0, save the model and the report into LENET_CHILD_FOLDER. An entry point only:
nothing imports it."""

import dataclasses
import json
import os
import sys
from pathlib import Path

import torch.distributed as dist

from ..errors import UserError
from ..files import USER_ERROR_EXIT, report_user_error, write_result
from ..config import TrainConfig
from .fit import train
from .saving import save_model


def main():
    folder = Path(os.environ["LENET_CHILD_FOLDER"])
    dist.init_process_group("gloo")  # torchrun's environment: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT
    rank = dist.get_rank()
    config = TrainConfig(**json.loads((folder / "config.json").read_text()))
    config = dataclasses.replace(config, devices=1, processes=dist.get_world_size(), process_id=rank,
                                 verbose=config.verbose if rank == 0 else 0)
    model, report = train(config)
    if rank == 0:
        save_model(model, folder / "model.keras")
        write_result(report)
    dist.destroy_process_group()


if __name__ == "__main__":
    try:
        main()
    except UserError as error:  # a mistake found in the process: one sentence for the parent
        report_user_error(error)
        sys.exit(USER_ERROR_EXIT)
