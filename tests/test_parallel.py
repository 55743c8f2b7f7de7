"""Data-parallel training (`parallel`) on this backend's own engine: JAX's DataParallel on virtual
CPU devices, TensorFlow's MirroredStrategy on logical ones, PyTorch's processes under torchrun, and
JAX's two processes standing in for two machines. Each run is a subprocess with a time limit: the
number of devices is fixed when a backend starts, and a stuck all-reduce must not hang CI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from child import run_code
from lenet_keras import backend

pytestmark = pytest.mark.integration  # fresh processes per device count, minutes

BACKEND = os.environ.get("KERAS_BACKEND", "tensorflow")
ROOT = Path(__file__).resolve().parents[1]
def run_script(args, timeout=300):
    """Run `bash args` from the project's root; return its stdout (the test fails with its stderr)."""
    done = subprocess.run(["bash", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "LENET_PYTHON": sys.executable})  # this Python, not PATH's
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done.stdout


@pytest.mark.parametrize("other", [b for b in backend.BACKENDS if b != BACKEND])
def test_a_model_trained_on_two_devices_loads_on_the_other_backends(steps, other):
    report, path = steps[2], steps["folder"] / "2.npz.keras"
    score = """
import sys
from lenet_keras import backend
from lenet_keras.files import write_result
backend.select_backend(sys.argv[1])
from lenet_keras import data, training
(_, _), (x, y) = data.load_mnist()
write_result(training.evaluate_model(training.load_model(sys.argv[2]), x, y)["test_accuracy"])
"""
    accuracy = run_code(score, other, path, timeout=300)
    assert accuracy == pytest.approx(report["test_accuracy"], abs=2e-4)  # a float rounding flips an image or two


@pytest.mark.skipif(BACKEND != "jax", reason="several processes (machines) train together on JAX only")
def test_two_jax_processes_end_with_the_same_weights(tmp_path):
    out = run_script(["scripts/jax_two_processes.sh", "--subset", "4096", "--epochs", "1", "--output", str(tmp_path / "two.keras"),
                      "--report", str(tmp_path / "two.json")])
    report = json.loads((tmp_path / "two.json").read_text())
    assert report["processes"] == 2 and report["replicas"] == 2
    assert len(report["weights_sha256"]) == 2 and len(set(report["weights_sha256"])) == 1, report["weights_sha256"]
    assert "[process 1] the same weights in all 2 processes" in out
    assert (tmp_path / "two.keras").exists() and report["test_accuracy"] > 0.7


ONE_STEP = """
import sys
import numpy as np
from lenet_keras import backend
from lenet_keras.files import write_result
backend.select_backend(sys.argv[1], devices=int(sys.argv[2]))
from lenet_keras import models, parallel, training
config = training.TrainConfig(model=sys.argv[3], optimizer="sgd", learning_rate=0.05, schedule="constant",
                              batch_size=256, subset=int(sys.argv[4]), epochs=1, devices=int(sys.argv[2]), verbose=0)
model, report = training.train(config)
training.save_model(model, sys.argv[5] + ".keras")
np.savez(sys.argv[5], *model.get_weights())
backend.seed_everything(config.seed)  # the weights the run started from
np.savez(sys.argv[5] + ".start.npz", *models.build_model(config.model).get_weights())
copies = [v.value.values for v in model.weights if isinstance(getattr(v.value, "values", None), tuple)]  # TensorFlow's mirrored
spread = max((float(np.abs(np.asarray(c[0]) - np.asarray(c[-1])).max()) for c in copies), default=0.0)
write_result({**report, "copies": parallel.weight_copies(model), "replica_spread": spread})
"""


def weights(path):
    return [array for _, array in sorted(np.load(path).items(), key=lambda item: int(item[0].split("_")[1]))]


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    """One step of plain SGD on one batch of 256 images, on one device and on two (128 each), each in
    a fresh process: the reports, and the weights and models saved in `folder`."""
    folder = tmp_path_factory.mktemp("steps")
    runs = {n: run_code(ONE_STEP, BACKEND, n, "lenet5", 256, folder / f"{n}.npz", timeout=300) for n in (1, 2)}
    return {**runs, "folder": folder}


def test_two_devices_share_the_batch(steps):
    one, two = steps[1], steps[2]
    assert (one["replicas"], two["replicas"]) == (1, 2) and one["epochs_run"] == two["epochs_run"] == 1
    assert two["train_images"] == 256 and two["dropped_images"] == 0


def test_every_device_holds_the_whole_model(steps):
    report = steps[2]
    if BACKEND == "torch":  # one process per device, each with its copy: the processes' copies agree
        assert report["processes"] == 2 and len(report["weights_sha256"]) == 2
        assert len(set(report["weights_sha256"])) == 1, report["weights_sha256"]
    else:  # one process: every variable on both devices
        assert all(len(devices) == 2 for devices in report["copies"]), report["copies"]
        assert len(steps[1]["copies"][0]) == 1


def test_one_sgd_step_on_two_devices_is_the_step_on_one(steps):
    """The devices' gradients are averaged, not summed: after one step of plain SGD on one batch of
    256 images, two devices (128 each) hold the weights one device reaches, to float rounding. (Adam
    would hide a sum: it divides the gradient by its own scale.)"""
    folder = steps["folder"]
    start, one, two = weights(folder / "1.npz.start.npz"), weights(folder / "1.npz"), weights(folder / "2.npz")
    for first, after_one, after_two in zip(start, one, two, strict=True):
        step = np.abs(after_one - first).max()
        assert np.abs(after_two - after_one).max() <= 1e-3 * step + 1e-7, (step, np.abs(after_two - after_one).max())


def test_improved_model_on_two_devices_ends_as_one_model(tmp_path):
    """Batch norm's moving statistics are made one over the devices after training (TensorFlow's
    replicas and PyTorch's processes each keep their own while training; JAX normalizes over the
    global batch), so every device, and the saved file, holds the same model."""
    report = run_code(ONE_STEP, BACKEND, 2, "improved", 1024, tmp_path / "improved.npz", timeout=300)
    assert len(set(report["weights_sha256"])) == 1, report["weights_sha256"]
    assert report["replica_spread"] == 0.0
    if BACKEND != "torch":
        assert all(len(devices) == 2 for devices in report["copies"]), report["copies"]


def test_several_devices_refuse_a_model_built_outside_their_engine():
    from lenet_keras import training
    from lenet_keras.errors import UserError

    with pytest.raises(UserError, match="builds the model itself"):
        training.train(training.TrainConfig(devices=2), model=object())


def test_an_uneven_batch_is_refused_in_one_sentence(tmp_path):
    done = subprocess.run([sys.executable, "-m", "lenet_keras", "train", "--devices", "3", "--subset", "512",
                           "--output", str(tmp_path / "m.keras")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "does not split evenly over 3 devices" in done.stderr and "Traceback" not in done.stderr
