"""Saving and loading `.keras` files that open on every backend with plain Keras."""

from pathlib import Path

from .. import backend, models
from ..errors import UserError, missing_model_file
from ..files import write_atomically


def load_model(path, compile=False):
    """Load a `.keras` model saved on any backend, uncompiled unless asked, and check it takes MNIST images."""
    import keras

    path = Path(path)
    if not path.is_file():
        raise missing_model_file(path)
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


def save_model(model, path):
    """Save `model` to `path` (.keras) atomically, in a file every backend opens with plain Keras
    (`backend.make_compile_config_portable`: also for a model compiled by hand)."""
    with backend.tensorflow_left_alone():
        write_atomically(path, backend.make_compile_config_portable(model).save, ".keras")
