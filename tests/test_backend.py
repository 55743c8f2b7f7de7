"""Choosing the backend and what stays the same on each: no TensorFlow started under JAX or
PyTorch, one sentence for a missing backend, a quiet first cell."""

import importlib.util
import logging
import os
import re
import subprocess
import sys

import keras
import pytest

from lenet_keras import backend

# These start a TensorFlow process whatever the backend under test: the same work in each of CI's
# three runs, so they run in one, under TensorFlow.
tensorflow_run_only = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="starts TensorFlow whatever the backend; runs under KERAS_BACKEND=tensorflow")


@pytest.mark.integration  # a fresh Python, as a user starts one
@pytest.mark.skipif(keras.backend.backend() == "tensorflow", reason="a JAX and PyTorch check")
def test_training_on_jax_or_torch_never_starts_tensorflow(tmp_path):
    """Keras imports TensorFlow when installed (to seed it, to save and load): not in these runs."""
    code = ("import sys; from lenet_keras import training; "
            "model, _ = training.train(training.TrainConfig(epochs=1, subset=256, verbose=0)); "
            f"training.save_model(model, {str(tmp_path / 'm.keras')!r}); training.load_model({str(tmp_path / 'm.keras')!r}); "
            "print('tensorflow' in sys.modules); "
            "from keras.src.utils.module_utils import tensorflow; print(tensorflow._available)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-2:] == ["False", "None"]  # not started, and Keras would still look for it
    assert "oneDNN" not in result.stderr and "absl" not in result.stderr


def test_a_backend_that_is_not_installed_is_one_sentence(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "jax" else real(name, *a))
    with pytest.raises(backend.BackendError, match=r'JAX is not installed in this Python: pip install -e "\.\[jax\]"'):
        backend.select_backend("jax")


def test_user_errors_are_one_line_in_ipython():
    """IPython shows `_render_traceback_` instead of a traceback: in a notebook, a mistake is a sentence."""
    assert backend.BackendError("Unknown backend.")._render_traceback_() == ["BackendError: Unknown backend."]


@pytest.mark.integration  # a fresh Python, as a user starts one
@tensorflow_run_only
def test_start_prints_the_banner_and_nothing_of_tensorflows_start_up():
    """A notebook's first cell: one line that says where it runs; TensorFlow's C++ start-up lines
    (printed as its libraries load, whatever TF_CPP_MIN_LOG_LEVEL says) do not reach the student."""
    code = "from lenet_keras import backend; backend.start()"
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "LENET_QUICK": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.fullmatch(r"lenet-keras: backend tensorflow, Keras [\d.]+, device \S+.*, quick mode on\n", result.stdout)
    assert result.stderr == "", result.stderr


@pytest.mark.integration  # a fresh Python, as a user starts one
@tensorflow_run_only
def test_train_command_prints_nothing_of_tensorflows_start_up(tmp_path):
    """`python -m lenet_keras train` on TensorFlow: no "failed call to cuInit" on a machine without a GPU."""
    result = subprocess.run([sys.executable, "-m", "lenet_keras", "--backend", "tensorflow", "train", "--epochs", "1",
                             "--subset", "256", "--output", str(tmp_path / "m.keras")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == "", result.stderr
    assert result.stdout.startswith("lenet-keras: backend tensorflow")


@pytest.mark.integration  # a fresh Python, as a user starts one
@tensorflow_run_only
def test_training_with_augmentation_on_tensorflow_prints_nothing_on_stderr():
    """fit feeds uint8 pixels; warped as uint8, TensorFlow's oneDNN said 'supports DT_UINT8 only on
    platforms with AVX-512' on stderr, into the notebooks' outputs."""
    code = ("from lenet_keras import backend; backend.start(); from lenet_keras import models, training; "
            "training.train(training.TrainConfig(epochs=1, subset=512, verbose=0), model=models.build_lenet5(augment=True))")
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "LENET_QUICK": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == "", result.stderr


def test_only_tensorflows_retracing_warning_is_hidden(caplog):
    from lenet_keras.backend import tensorflow

    tensorflow.hide_expected_retracing_warnings()
    logger = logging.getLogger("tensorflow")
    logger.warning("6 out of the last 6 calls to <function f> triggered tf.function retracing. Tracing is expensive")
    logger.warning("a warning that matters")
    assert "retracing" not in caplog.text and "a warning that matters" in caplog.text
