"""The learning-rate range test (Smith, 2017, in the form of fastai's `lr_find`)."""

import keras
import numpy as np

from .. import backend, data
from ..backend import patches
from ..config import TrainConfig
from ..settings import NUM_CLASSES
from .fit import compiled_model


class LearningRateRangeTest(keras.callbacks.Callback):
    """Records the loss of every training step while the optimizer's rate, `schedule`, grows
    exponentially from `start` to `stop` over `steps` steps; stops the run at `steps`, or once the
    loss (the mean of the last ten steps) is 4 times its lowest, or twice its lowest and back where
    it started or near chance (0.95 ln 10; a run that starts above chance can settle on it): it diverged."""

    def __init__(self, start=1e-5, stop=1.0, steps=200):
        super().__init__()
        self.start, self.stop, self.steps = start, stop, steps
        self.growth = (stop / start) ** (1 / (steps - 1))
        self.schedule = keras.optimizers.schedules.ExponentialDecay(start, decay_steps=1, decay_rate=self.growth)
        self.rates, self.losses, self._mean, self._lowest = [], [], 0.0, np.inf
        self.diverged = False  # True once the loss has blown up

    def on_epoch_begin(self, epoch, logs=None):
        self._in_epoch, self._mean = 0, 0.0

    def on_train_batch_end(self, batch, logs=None):
        # Keras logs the epoch's running mean of the loss; the step's own loss is what changed it
        mean, n = float(logs["loss"]), self._in_epoch
        loss = (n + 1) * mean - n * self._mean
        self._in_epoch, self._mean = n + 1, mean
        self.rates.append(self.start * self.growth ** len(self.rates))
        self.losses.append(loss)
        recent = float(np.mean(self.losses[-10:]))  # one easy batch is no measure: the last ten are
        self._lowest = min(self._lowest, recent)
        begun = min(float(np.mean(self.losses[:10])), 0.95 * np.log(NUM_CLASSES))  # or near chance, ln 10
        self.diverged = not np.isfinite(loss) or recent > min(4 * self._lowest, max(begun, 2 * self._lowest))
        if self.diverged or len(self.losses) >= self.steps:
            self.model.stop_training = True


def learning_rate_range_test(config=TrainConfig(), mnist=None, start=1e-5, stop=1.0, steps=200):
    """Run a learning-rate range test on a fresh model of `config` (its optimizer and batch size; its
    rate and schedule are replaced) for at most `steps` steps on the training images; return it."""
    backend.seed_everything(config.seed, config.deterministic)
    (x_train, y_train), _ = data.training_sets(mnist or data.load_mnist(config.data_dir))
    chosen = np.arange(steps * config.batch_size) % len(x_train)  # full batches only, one epoch
    finder = LearningRateRangeTest(start, stop, steps)
    with patches.applied():
        _, fitted = compiled_model(config, steps, rate=finder.schedule, every_step=True)
        fitted.fit(data.model_inputs(x_train[chosen]), data.one_hot(y_train[chosen]),
                   batch_size=config.batch_size, epochs=1, callbacks=[finder], verbose=0)
    return finder
