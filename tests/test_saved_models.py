"""A .keras file from the course opens with plain Keras on every backend and gives the same answers.

Each of the three models is trained briefly by `training.train` (so it is compiled as `train`,
`ablation` and the notebooks compile it) and saved with `training.save_model` on this run's backend,
in a subprocess; then each backend, in a fresh subprocess, loads the files the way a user would:
`keras.saving.load_model(path)` with default arguments, after the one documented line
`import lenet_keras.layers`. CI runs this under each of the three backends: all nine (saved on,
loaded on) pairs.
"""

import keras
import numpy as np
import pytest

from child import run_code
from lenet_keras import backend, models

SAVE = """
import dataclasses, sys
from pathlib import Path
import numpy as np
from lenet_keras import data, training
folder = Path(sys.argv[1])
mnist = data.load_mnist()
x, y = data.add_channel_axis(mnist[1][0][:64]), mnist[1][1][:64]
np.save(folder / "x.npy", x), np.save(folder / "y.npy", y)
for name in sys.argv[2:]:
    config = dataclasses.replace(training.recipe(name), epochs=1, subset=512, verbose=0)
    model, _ = training.train(config, mnist=mnist)
    training.save_model(model, folder / f"{name}.keras")
    np.save(folder / f"{name}.npy", model.predict(x, verbose=0))
"""

# What a user writes: plain Keras, default arguments, after the one line the README gives.
LOAD = """
import json, sys
from pathlib import Path
import keras
import lenet_keras.layers  # registers the course's own layers (classic, improved) with Keras
import numpy as np
folder = Path(sys.argv[1])
x, y = np.load(folder / "x.npy"), np.load(folder / "y.npy")
results = {}
for name in sys.argv[2:]:
    model = keras.saving.load_model(folder / f"{name}.keras")
    probabilities = model.predict(x, verbose=0)
    result = {"difference": float(np.abs(probabilities - np.load(folder / f"{name}.npy")).max()),
              "same_digits": bool((probabilities.argmax(1) == np.load(folder / f"{name}.npy").argmax(1)).all()),
              "compiled": model.compiled}
    if model.compiled:  # one more step of training on this backend, from the saved optimizer state
        result["optimizer_steps"] = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
        history = model.fit(x[:32], np.eye(10, dtype="float32")[y[:32]], epochs=1, verbose=0)
        result["loss"] = history.history["loss"][0]
    results[name] = result
from lenet_keras.files import write_result
write_result(results)
"""


SAVE += """
from lenet_keras.files import write_result
write_result([p.name for p in sorted(folder.iterdir())])
"""


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """The three models trained briefly and saved on this run's backend."""
    folder = tmp_path_factory.mktemp("saved")
    written = run_code(SAVE, folder, *models.MODELS, env={"KERAS_BACKEND": keras.backend.backend()})
    assert {f"{name}.keras" for name in models.MODELS} <= set(written)
    return folder


@pytest.mark.integration  # a fresh process per backend
@pytest.mark.parametrize("loaded_on", backend.BACKENDS)
def test_saved_model_opens_with_plain_keras(saved, loaded_on):
    results = run_code(LOAD, saved, *models.MODELS, env={"KERAS_BACKEND": loaded_on})
    for name, result in results.items():
        assert result["same_digits"] and result["difference"] < 1e-5, (name, result)
    # lenet5 and improved are saved compiled (the loss, optimizer and its state) and train on;
    # the classic model is saved as its probabilities model, which `train` never compiles
    assert {name for name, r in results.items() if r["compiled"]} == {"lenet5", "improved"}
    assert all(np.isfinite(r["loss"]) and r["optimizer_steps"] > 0 for r in results.values() if r["compiled"])


def test_compile_settings_saved_are_portable():
    """What Keras resolved on this backend (TensorFlow's 32 steps per call, JAX's XLA, PyTorch's own
    Adam class) is not saved."""
    from lenet_keras import training

    model = training.compile_model(models.build_lenet5(), training.TrainConfig(), steps_per_epoch=10)
    config = model.get_compile_config()
    assert config["steps_per_execution"] == 1 and config["jit_compile"] == "auto"
    assert (config["optimizer"]["module"], config["optimizer"]["class_name"]) == ("keras.optimizers", "Adam")
    assert model.steps_per_execution == backend.compile_options().get("steps_per_execution", 1)
