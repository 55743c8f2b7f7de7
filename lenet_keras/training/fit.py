"""Train and score: `compile_model`, then one `train` function around Keras's own compile/fit."""

import dataclasses
import sys
import time

from .. import analysis, backend, data, models, parallel
from ..backend import patches
from ..config import TrainConfig
from ..errors import UserError
from .checkpoints import resume
from .optimizers import learning_rate, optimizer
from .torchrun import train_in_processes

# Images per call when scoring (the validation set after each epoch, the test set): a few large
# calls instead of many small ones, the same figures up to float rounding. At the training batch
# size, validation often costs more than training itself on a small subset.
SCORING_BATCH = 1000


def compile_model(model, config, steps_per_epoch, from_logits=False, rate=None, every_step=False):
    """Compile `model` with the configured optimizer, learning-rate schedule and loss; return it.

    The loss takes one-hot labels (`data.one_hot`): label smoothing needs them. The compile settings
    saved with the model are ones every backend accepts (`backend.make_compile_config_portable`).
    `rate`, a number or a schedule, replaces the configured rate and schedule; `every_step=True`
    lets callbacks see every step (TensorFlow otherwise runs 32 steps per call).
    """
    import keras

    rate = learning_rate(config, steps_per_epoch) if rate is None else rate
    loss = keras.losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=config.label_smoothing)
    backend.current().hide_expected_retracing_warnings()
    options = backend.compile_options(config.devices)
    if every_step:
        options.pop("steps_per_execution", None)
    model.compile(optimizer=optimizer(config, rate), loss=loss, metrics=["accuracy"], **options)
    return backend.make_compile_config_portable(model)


def compiled_model(config, steps_per_epoch, model=None, **options):
    """`(model, fitted)`: `model` (default: a new one of `config`) and the model `fit` trains
    (`models.fitting_model`: the classic one's logits), compiled by `compile_model(..., **options)`."""
    model = model or models.build_model(config.model, config.api)
    fitted = models.fitting_model(model)
    compile_model(fitted, config, steps_per_epoch, from_logits=fitted is not model, **options)
    return model, fitted


def train(config=TrainConfig(), mnist=None, model=None, callbacks=()):
    """Train `model` (default: the configured one); return `(model, report)`, the report JSON-ready.

    Trains on the first 55,000 training images, validates on the last 5,000 and scores the test set,
    with the speed-ups of backend/patches.py installed for the run. `mnist` is what
    `data.load_mnist` returns, to avoid reading it again; `callbacks` go to `fit`.
    """
    batch_size = parallel.batch_size_per_process(config)
    if model is not None and parallel.replicas(config) > 1:
        raise UserError("On several devices `train` builds the model itself, in the engine's scope (PyTorch: in "
                        "each process): pass no model, or train on one device.")
    if config.checkpoint_dir and (config.processes > 1 or parallel.in_own_processes(config)):
        raise UserError("--checkpoint-dir works with one process only for now (several devices of one process "
                        "are fine; PyTorch trains one process per device).")
    if parallel.in_own_processes(config):
        data.find_data_dir(config.data_dir)  # a missing MNIST said here, before the processes start
        return train_in_processes(config, callbacks)
    backend.seed_everything(parallel.process_seed(config), config.deterministic)
    mnist = mnist or data.load_mnist(config.data_dir)
    (x_train, y_train), (x_val, y_val) = data.training_sets(mnist, config.subset)
    train_images = len(x_train)
    if parallel.replicas(config) > 1:
        (x_train, y_train), (x_val, y_val) = parallel.share(x_train, y_train, config), \
            parallel.validation_share(x_val, y_val, config)
    with parallel.data_parallel(config), patches.applied():
        model, fitted = compiled_model(config, -(-len(x_train) // batch_size), model)
        parallel.share_gradients(fitted, config)
        callbacks, done = list(callbacks), 0
        if config.checkpoint_dir:
            done, checkpoint = resume(fitted, config)
            callbacks.append(checkpoint)
        if config.early_stopping:
            import keras

            callbacks.append(keras.callbacks.EarlyStopping(patience=config.early_stopping, restore_best_weights=True))
        start = time.perf_counter()
        history = fitted.fit(data.model_inputs(x_train), data.one_hot(y_train), batch_size=batch_size,
                             epochs=config.epochs, initial_epoch=done, callbacks=callbacks,
                             validation_data=(data.model_inputs(x_val), data.one_hot(y_val)),
                             validation_batch_size=SCORING_BATCH, verbose=fit_verbosity(config.verbose))
        seconds = time.perf_counter() - start
        parallel.finish_training(fitted, config)
    trained = len(x_train) * config.processes
    return model, {**run_report(model, config, mnist), "train_images": trained,
                   "dropped_images": train_images - trained,  # for an even split over the devices
                   "seconds": round(seconds, 2), "initial_epoch": done, "epochs_run": len(history.epoch),
                   "images_per_second": round(trained * len(history.epoch) / seconds, 1),
                   "history": {k: [float(v) for v in vs] for k, vs in history.history.items()}}


def run_report(model, config, mnist):
    """What a report says of any run: where it ran, its settings, the model and its test scores."""
    import keras

    (_, _), (x_test, y_test) = mnist
    return {"backend": keras.backend.backend(), "keras_version": keras.__version__,
            "device": backend.device_name(), **dataclasses.asdict(config), "params": model.count_params(),
            "replicas": parallel.replicas(config),  # copies of the model trained together, one per device
            "weights_sha256": parallel.weight_checksums(model, config),  # per process: all equal
            **evaluate_model(model, x_test, y_test)}


def fit_verbosity(verbose):
    """Keras's progress bar in a terminal; one line per epoch in notebooks and logs, which keep every update."""
    if verbose == "auto":
        return 1 if sys.stdout.isatty() else 2
    return verbose


def evaluate_model(model, x, y, batch_size=SCORING_BATCH):
    """Return the test accuracy and loss (`analysis.negative_log_likelihood`, the same figure the
    notebooks compute) of a model that outputs probabilities, computed in NumPy, so that a model
    loaded uncompiled on any backend can be scored."""
    import numpy as np

    probs = np.asarray(model.predict(data.add_channel_axis(x), batch_size=batch_size, verbose=0))
    return {"test_accuracy": float(np.mean(probs.argmax(axis=1) == y)),
            "test_loss": analysis.negative_log_likelihood(probs, y)}
