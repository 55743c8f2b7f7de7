"""The optimizer and the learning-rate schedule a `TrainConfig` asks for."""

from ..config import OPTIMIZERS, SCHEDULES
from ..errors import UserError


def learning_rate(config, steps_per_epoch):
    """The configured learning rate: a number, or the schedule that decays it over the run."""
    import keras

    if config.schedule == "cosine":
        return keras.optimizers.schedules.CosineDecay(config.learning_rate, decay_steps=config.epochs * steps_per_epoch)
    if config.schedule == "paper":  # the 1998 paper's steps: x1 for 2 epochs, x0.4 for 3, x0.2 for 3, x0.1 for 4, then x0.02
        return keras.optimizers.schedules.PiecewiseConstantDecay(
            [e * steps_per_epoch for e in (2, 5, 8, 12)], [config.learning_rate * f for f in (1.0, 0.4, 0.2, 0.1, 0.02)])
    if config.schedule == "constant":
        return config.learning_rate
    raise UserError(f"Unknown schedule {config.schedule!r}: use {', '.join(map(repr, SCHEDULES))}.")


def optimizer(config, rate):
    """The configured optimizer at `rate` (a number or a schedule)."""
    import keras

    if config.optimizer == "adam":
        return keras.optimizers.Adam(rate)
    if config.optimizer == "sgd":
        return keras.optimizers.SGD(rate, momentum=0.9)
    raise UserError(f"Unknown optimizer {config.optimizer!r}: use {' or '.join(map(repr, OPTIMIZERS))}.")
