"""The training state after every epoch, written atomically, and resuming from it."""

from pathlib import Path

from ..errors import UserError
from ..files import write_atomically

CHECKPOINT = "epoch-{:04d}.weights.h5"  # the number of epochs done


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
    done = restore_checkpoint(model, config.checkpoint_dir)
    if done >= config.epochs and config.verbose:
        print(f"{config.checkpoint_dir} holds a finished run ({done} epochs): nothing left to train, "
              "scoring and saving it (use a new --checkpoint-dir to train again)", flush=True)
    elif done and config.verbose:
        print(f"resuming from {config.checkpoint_dir}: {done} of {config.epochs} epochs done", flush=True)
    return done, epoch_checkpoint(config.checkpoint_dir)
