"""The training state after every epoch, written atomically, and resuming from it."""

import json
from pathlib import Path

from ..errors import UserError
from ..files import save_json, write_atomically

CHECKPOINT = "epoch-{:04d}.weights.h5"  # the number of epochs done
SETTINGS = "settings.json"  # the settings the run started with
# What a resumed run must share with the one it continues: the model, the data, and what shapes the
# learning-rate schedule (its length is epochs x steps per epoch). Verbosity, data_dir and the
# devices' layout may change.
SHAPING = ("model", "api", "epochs", "batch_size", "learning_rate", "optimizer", "schedule", "label_smoothing",
           "early_stopping", "seed", "subset")


FLAGS = ("model", "api", "epochs", "batch_size", "learning_rate", "seed", "subset")  # train's own options


def check_settings(config):
    """Store `config`'s SHAPING settings in its checkpoint folder, or, where an epoch was saved
    already, refuse in one sentence to resume it with others (they would bend its schedule or
    change its model)."""
    path = Path(config.checkpoint_dir) / SETTINGS
    mine = {name: getattr(config, name) for name in SHAPING}
    if not path.exists() or not any(Path(config.checkpoint_dir).glob(CHECKPOINT.replace("{:04d}", "*"))):
        save_json(mine, path)  # nothing to resume yet: these settings start the run
        return
    stored = json.loads(path.read_text())
    changed = [f"{'--' + name.replace('_', '-') if name in FLAGS else name} {stored.get(name)} -> {value}"
               for name, value in mine.items() if stored.get(name) != value]
    if changed:
        raise UserError(f"{config.checkpoint_dir} holds a run started with other settings ({'; '.join(changed)}): "
                        "resume with the same ones, or use a new --checkpoint-dir.")

def epoch_checkpoint(directory):
    """A callback that saves the training state (weights and optimizer) after every epoch, atomically,
    as DIRECTORY/epoch-NNNN.weights.h5, keeping only the latest."""
    import keras

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


def resume(model, config):
    """Make `config.checkpoint_dir`, load its latest state into `model`, say so; return the epochs done
    and the callback that saves each new one."""
    Path(config.checkpoint_dir).mkdir(parents=True, exist_ok=True)
    check_settings(config)
    done = restore_checkpoint(model, config.checkpoint_dir)
    if done >= config.epochs and config.verbose:
        print(f"{config.checkpoint_dir} holds a finished run ({done} epochs): nothing left to train, "
              "scoring and saving it (use a new --checkpoint-dir to train again)", flush=True)
    elif done and config.verbose:
        print(f"resuming from {config.checkpoint_dir}: {done} of {config.epochs} epochs done", flush=True)
    return done, epoch_checkpoint(config.checkpoint_dir)
