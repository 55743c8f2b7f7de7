"""Train and evaluate: one config dataclass, one `train` function, plain Keras compile/fit."""

import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import keras
import numpy as np

from . import backend, data, models, parallel
from .errors import UserError


@dataclasses.dataclass
class TrainConfig:
    """Everything a training run depends on. The defaults reach 99% test accuracy on every backend."""

    model: str = "lenet5"
    api: str = "sequential"
    epochs: int = 10
    batch_size: int = 256  # with 4e-3, 99% in fewer seconds than 128 with 2e-3 (benchmarks/README.md)
    learning_rate: float = 4e-3
    optimizer: str = "adam"  # or "sgd" (with momentum 0.9)
    schedule: str = "cosine"  # decayed to 0 over the run; "paper" (1998 steps) or "constant"
    label_smoothing: float = 0.0  # targets 1 - s for the right digit, s / 10 spread over all ten
    early_stopping: int | None = None  # stop after this many epochs without a better val_loss
    seed: int = 0
    deterministic: bool = False  # TensorFlow: identical reruns with the same seed, but slower
    subset: int | None = None  # train on the first N training images only (quick tries, tests)
    data_dir: str | None = None
    checkpoint_dir: str | None = None  # save the state after every epoch there, and resume from it
    verbose: int | str = "auto"  # "auto": a progress bar in a terminal, one line per epoch elsewhere
    devices: int = 1  # data parallel over this many devices (`parallel`): each gets batch_size / devices images
    processes: int = 1  # processes training together (JAX's several machines, PyTorch's one per device)
    process_id: int = 0  # which of them this one is: it reads every `processes`-th image from this one on


def recipe(model="lenet5"):
    """The default TrainConfig for `model`: "lenet5" as above; "classic" in the spirit of the 1998
    paper (20 epochs, small batches, a decreasing learning rate: with Adam a cosine decay beats the
    paper's steps: 0.78% against 0.95% test error, mean of 3 seeds); "improved": 20 epochs with label
    smoothing (its augmentation needs the longer run), batch 128 and Adam 2e-3, where its 99.5% and
    the ablation were measured."""
    if model == "classic":
        return TrainConfig(model="classic", epochs=20, batch_size=32, learning_rate=1e-3)
    if model == "improved":
        return TrainConfig(model="improved", epochs=20, batch_size=128, learning_rate=2e-3, label_smoothing=0.1)
    return TrainConfig(model=model)


def quick_mode():
    """True when LENET_QUICK=1: the notebooks then train briefly (CI, a first look)."""
    return os.environ.get("LENET_QUICK", "") not in ("", "0")


def learning_rate(config, steps_per_epoch):
    """The configured learning rate: a number, or the schedule that decays it over the run."""
    if config.schedule == "cosine":
        return keras.optimizers.schedules.CosineDecay(config.learning_rate, decay_steps=config.epochs * steps_per_epoch)
    if config.schedule == "paper":  # the 1998 paper's steps: x1 for 2 epochs, x0.4 for 3, x0.2 for 3, x0.1 for 4, then x0.02
        return keras.optimizers.schedules.PiecewiseConstantDecay(
            [e * steps_per_epoch for e in (2, 5, 8, 12)], [config.learning_rate * f for f in (1.0, 0.4, 0.2, 0.1, 0.02)])
    if config.schedule == "constant":
        return config.learning_rate
    raise ValueError(f"Unknown schedule {config.schedule!r}: use 'cosine', 'paper' or 'constant'.")


def compile_model(model, config, steps_per_epoch, from_logits=False, rate=None, every_step=False):
    """Compile `model` with the configured optimizer, learning-rate schedule and loss.

    The loss takes one-hot labels (`one_hot`): label smoothing needs them. The compile settings
    saved with the model are ones every backend accepts (`backend.make_compile_config_portable`).
    `rate`, a number or a schedule, replaces the configured rate and schedule; `every_step=True`
    lets callbacks see every step (TensorFlow otherwise runs 32 steps per call).
    """
    rate = learning_rate(config, steps_per_epoch) if rate is None else rate
    if config.optimizer == "adam":
        optimizer = keras.optimizers.Adam(rate)
    elif config.optimizer == "sgd":
        optimizer = keras.optimizers.SGD(rate, momentum=0.9)
    else:
        raise ValueError(f"Unknown optimizer {config.optimizer!r}: use 'adam' or 'sgd'.")
    loss = keras.losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=config.label_smoothing)
    backend.avoid_torch_layout_copies()
    backend.speed_up_jax_convolutions_and_pooling()
    backend.hide_expected_retracing_warnings()
    options = backend.compile_options(config.devices)
    if every_step:
        options.pop("steps_per_execution", None)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"], **options)
    return backend.make_compile_config_portable(model)


def train(config=TrainConfig(), mnist=None, model=None, callbacks=()):
    """Train `model` (default: the configured one); return `(model, report)`, the report JSON-ready.

    Trains on the first 55,000 training images, validates on the last 5,000 and scores the test set.
    `mnist` is what `data.load_mnist` returns, to avoid reading it again; `callbacks` go to `fit`.
    """
    batch_size = parallel_batch_size(config)
    if model is not None and parallel.replicas(config) > 1:
        raise UserError("On several devices `train` builds the model itself, in the engine's scope (PyTorch: in "
                        "each process): pass no model, or train on one device.")
    if parallel.in_own_processes(config):
        return parallel.train_in_processes(config, callbacks)
    if config.checkpoint_dir and config.processes > 1:
        raise UserError("--checkpoint-dir works with one process only for now (several devices of one process are fine).")
    backend.seed_everything(config.seed, config.deterministic)
    (x_train, y_train), (x_test, y_test) = mnist or data.load_mnist(config.data_dir)
    (x_train, y_train), (x_val, y_val) = data.split_validation(x_train, y_train)
    if config.subset:
        x_train, y_train = x_train[:config.subset], y_train[:config.subset]
    train_images = len(x_train)
    if parallel.replicas(config) > 1:
        (x_train, y_train), (x_val, y_val) = parallel.share(x_train, y_train, config), \
            parallel.validation_share(x_val, y_val, config)
    with parallel.data_parallel(config):
        model = model or models.build_model(config.model, config.api)
        fitted = models.fitting_model(model)
        steps_per_epoch = -(-len(x_train) // batch_size)
        compile_model(fitted, config, steps_per_epoch, from_logits=fitted is not model)
        parallel.share_gradients(fitted, config)
        callbacks = list(callbacks)
        done = 0
        if config.checkpoint_dir:
            Path(config.checkpoint_dir).mkdir(parents=True, exist_ok=True)
            done = restore_checkpoint(fitted, config.checkpoint_dir)
            if done >= config.epochs and config.verbose:
                print(f"{config.checkpoint_dir} holds a finished run ({done} epochs): nothing left to train, "
                      "scoring and saving it (use a new --checkpoint-dir to train again)", flush=True)
            elif done and config.verbose:
                print(f"resuming from {config.checkpoint_dir}: {done} of {config.epochs} epochs done", flush=True)
            callbacks.append(epoch_checkpoint(config.checkpoint_dir))
        if config.early_stopping:
            callbacks.append(keras.callbacks.EarlyStopping(patience=config.early_stopping,
                                                           restore_best_weights=True))

        # float32 pixels, still 0-255: fed uint8, TensorFlow's graph of an augmented model prints
        # "oneDNN supports DT_UINT8 only on platforms with AVX-512" on stderr, into the notebooks
        x_train, x_val = (data.add_channel_axis(x).astype("float32") for x in (x_train, x_val))
        start = time.perf_counter()
        history = fitted.fit(x_train, one_hot(y_train), batch_size=batch_size, epochs=config.epochs,
                             initial_epoch=done, callbacks=callbacks, validation_data=(x_val, one_hot(y_val)),
                             verbose=fit_verbosity(config.verbose))
    seconds = time.perf_counter() - start
    scores = evaluate_model(model, x_test, y_test)
    report = {
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "device": backend.device_name(),
        **dataclasses.asdict(config),
        "params": model.count_params(),
        "replicas": parallel.replicas(config),  # copies of the model trained together, one per device
        "weights_sha256": parallel.weight_checksums(model, config),  # per process: all equal
        "train_images": len(x_train) * config.processes,
        "dropped_images": train_images - len(x_train) * config.processes,  # for an even split over the devices
        **scores,
        "seconds": round(seconds, 2),
        "initial_epoch": done,
        "epochs_run": len(history.epoch),
        "images_per_second": round(len(x_train) * config.processes * len(history.epoch) / seconds, 1),
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
    }
    return model, report


def parallel_batch_size(config):
    """The batch size this process passes to `fit`: its share of the configured (global) batch."""
    share, left = divmod(config.batch_size, config.devices * config.processes)
    if left:
        raise UserError(f"The batch of {config.batch_size} images does not split evenly over "
                        f"{config.devices * config.processes} devices: choose a batch size that is a multiple of it.")
    return share * config.devices


class LearningRateRangeTest(keras.callbacks.Callback):
    """A learning-rate range test (Smith, 2017, in the form of fastai's `lr_find`): records the loss
    of every training step while the optimizer's rate, `schedule`, grows exponentially from `start`
    to `stop` over `steps` steps; stops the run at `steps`, or once the loss (the mean of the last
    ten steps) is 4 times its lowest, or twice its lowest and back where it started or near chance
    (0.95 ln 10; a run that starts above chance can settle on it): it diverged."""

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
        start = min(float(np.mean(self.losses[:10])), 0.95 * np.log(models.NUM_CLASSES))  # or near chance, ln 10
        self.diverged = not np.isfinite(loss) or recent > min(4 * self._lowest, max(start, 2 * self._lowest))
        if self.diverged or len(self.losses) >= self.steps:
            self.model.stop_training = True


def learning_rate_range_test(config=TrainConfig(), mnist=None, start=1e-5, stop=1.0, steps=200):
    """Run a `LearningRateRangeTest` on a fresh model of `config` (its optimizer and batch size; its
    rate and schedule are replaced) for at most `steps` steps on the training images; return it."""
    backend.seed_everything(config.seed, config.deterministic)
    (x_train, y_train), _ = mnist or data.load_mnist(config.data_dir)
    (x_train, y_train), _ = data.split_validation(x_train, y_train)
    chosen = np.arange(steps * config.batch_size) % len(x_train)  # full batches only, one epoch
    model = models.build_model(config.model, config.api)
    fitted = models.fitting_model(model)
    finder = LearningRateRangeTest(start, stop, steps)
    compile_model(fitted, config, steps, from_logits=fitted is not model, rate=finder.schedule, every_step=True)
    fitted.fit(data.add_channel_axis(x_train[chosen]).astype("float32"), one_hot(y_train[chosen]),
               batch_size=config.batch_size, epochs=1, callbacks=[finder], verbose=0)
    return finder


def one_hot(labels):
    """Digit labels as one-hot float32 rows, the targets `compile_model`'s loss expects."""
    return np.eye(models.NUM_CLASSES, dtype="float32")[labels]


def fit_verbosity(verbose):
    """Keras's progress bar in a terminal; one line per epoch in notebooks and logs, which keep every update."""
    if verbose == "auto":
        return 1 if sys.stdout.isatty() else 2
    return verbose


def evaluate_model(model, x, y, batch_size=1000):
    """Return the test accuracy and loss of a model that outputs probabilities, computed in NumPy.

    NumPy rather than `model.evaluate`, so a model loaded uncompiled on any backend can be scored.
    """
    probs = np.asarray(model.predict(data.add_channel_axis(x), batch_size=batch_size, verbose=0))
    picked = np.clip(probs[np.arange(len(y)), y], 1e-7, 1.0)
    return {"test_accuracy": float(np.mean(probs.argmax(axis=1) == y)),
            "test_loss": float(-np.mean(np.log(picked)))}


def load_model(path, compile=False):
    """Load a `.keras` model saved on any backend, uncompiled unless asked, and check it takes MNIST images."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"The model file {path} does not exist: train one first "
                        "(python -m lenet_keras train) or check the path.")
    try:
        with backend.tensorflow_left_alone():
            model = keras.saving.load_model(path, compile=compile)
    except Exception as error:  # Keras raises many types for a bad file
        raise UserError(f"{path} is not a readable Keras model ({type(error).__name__}: "
                        f"{str(error).splitlines()[0][:200]}): pass a .keras file saved by train.") from error
    if tuple(model.input_shape[1:]) != models.INPUT_SHAPE:
        raise UserError(f"{path} expects images shaped {tuple(model.input_shape[1:])}, not MNIST's "
                        f"{models.INPUT_SHAPE}: pass a model trained by this course.")
    return model


def write_atomically(path, write, suffix):
    """Call `write(temporary_path)` beside `path`, then rename the result to `path`: a crash, even a
    SIGKILL, leaves the old file or the new one, never half of one. `suffix` ends the temporary
    name (Keras insists on .keras or .weights.h5)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(suffix=suffix, prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        readable_as_umask_allows(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def readable_as_umask_allows(path, folder=False):
    """Give a temporary file (or folder) the permissions a plain `open` would have: mkstemp makes
    them private to the owner, which a web server run by another user, or a colleague, cannot read."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if folder else 0o666) & ~umask)


def save_model(model, path):
    """Save `model` to `path` (.keras) atomically, in a file every backend opens with plain Keras
    (`backend.make_compile_config_portable`: also for a model compiled by hand)."""
    with backend.tensorflow_left_alone():
        write_atomically(path, backend.make_compile_config_portable(model).save, ".keras")


def save_json(obj, path):
    """Write `obj` as indented JSON to `path` atomically."""
    write_atomically(path, lambda tmp: Path(tmp).write_text(json.dumps(obj, indent=2)), ".json")


CHECKPOINT = "epoch-{:04d}.weights.h5"  # the number of epochs done


def epoch_checkpoint(directory):
    """A callback that saves the training state (weights and optimizer) after every epoch, atomically,
    as DIRECTORY/epoch-NNNN.weights.h5, keeping only the latest."""

    class EpochCheckpoint(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            path = Path(directory) / CHECKPOINT.format(epoch + 1)
            write_atomically(path, self.model.save_weights, ".weights.h5")
            for old in Path(directory).glob(CHECKPOINT.replace("{:04d}", "*")):
                if old != path:
                    old.unlink()

    return EpochCheckpoint()


def restore_checkpoint(model, directory):
    """Load the latest checkpoint in `directory` into the compiled `model`; return the number of
    epochs it had done (0 when there is none)."""
    found = sorted(Path(directory).glob(CHECKPOINT.replace("{:04d}", "*")))
    if not found:
        return 0
    model.optimizer.build(model.trainable_variables)
    try:
        model.load_weights(found[-1])
    except Exception as error:  # a checkpoint of another model or setting
        raise UserError(f"The checkpoint {found[-1]} does not fit this model ({type(error).__name__}): "
                        "use a new --checkpoint-dir for a different model or setting.") from error
    return int(found[-1].name.split("-")[1].split(".")[0])
