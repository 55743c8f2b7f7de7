"""Training: one `train` function around Keras's compile/fit (fit.py) of a `TrainConfig`
(../config.py), the optimizer and schedule (optimizers.py), saving and loading (saving.py),
checkpoints (checkpoints.py), the learning-rate range test (lr_finder.py), and PyTorch's one process
per device (torchrun.py, torchrun_worker.py). Import it after choosing the backend (`backend.start`): it imports Keras."""

from ..config import TrainConfig, recipe
from ..data import one_hot
from ..files import save_json
from ..settings import quick_mode
from .checkpoints import CHECKPOINT, epoch_checkpoint, restore_checkpoint
from .optimizers import learning_rate
from .fit import compile_model, compiled_model, evaluate_model, fit_verbosity, train
from .lr_finder import LearningRateRangeTest, learning_rate_range_test
from .saving import load_model, save_model

__all__ = ["CHECKPOINT", "LearningRateRangeTest", "TrainConfig", "compile_model", "compiled_model", "epoch_checkpoint",
           "evaluate_model", "fit_verbosity", "learning_rate", "learning_rate_range_test", "load_model", "one_hot",
           "quick_mode", "recipe", "restore_checkpoint", "save_json", "save_model", "train"]
