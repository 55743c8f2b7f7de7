"""What differs per backend: the PyTorch layout fix (`backend.avoid_torch_layout_copies`), no TensorFlow
under JAX or PyTorch."""

import importlib.util
import logging
import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest

from lenet_keras import backend, models

on_torch = pytest.mark.skipif(keras.backend.backend() != "torch", reason="a PyTorch-only fix")


def test_layout_fix_is_applied_on_torch_only():
    assert backend.avoid_torch_layout_copies() == (keras.backend.backend() == "torch")


@on_torch
def test_layout_fix_copies_nothing():
    import torch

    images = torch.rand(8, 28, 28, 6)
    channels_first = backend.permute_to_channels_first(images)
    assert channels_first.shape == (8, 6, 28, 28) and torch.equal(channels_first, images.permute(0, 3, 1, 2))
    assert channels_first.data_ptr() == images.data_ptr()


@on_torch
def test_layout_fix_keeps_lenet_outputs_and_gradients(images, monkeypatch):
    import torch
    from keras.src.backend.torch import nn

    model = models.build_lenet5()

    def outputs_and_gradients():
        outputs = model(images)
        gradients = torch.autograd.grad(outputs[:, 3].sum(), [w.value for w in model.trainable_weights])
        return [t.detach().numpy() for t in (outputs, *gradients)]

    assert backend.avoid_torch_layout_copies()
    fixed = outputs_and_gradients()
    monkeypatch.setattr(nn, "_transpose_spatial_inputs", lambda x: x.permute(0, 3, 1, 2).contiguous())  # Keras 3.15's
    for got, expected in zip(fixed, outputs_and_gradients(), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


on_jax = pytest.mark.skipif(keras.backend.backend() != "jax" or not backend.speed_up_jax_convolutions_and_pooling(),  # applies it
                            reason="a speed-up for JAX on a CPU with Keras 3.15.1")


def traced(function, *args):
    """The computation JAX traces for `function(*args)`, as text (a new function each time, so never a cached trace)."""
    import jax

    return str(jax.make_jaxpr(lambda *a: function(*a))(*args))


def test_jax_speed_ups_are_applied_on_jax_only():
    measured = keras.backend.backend() == "jax" and backend.device_name() == "cpu" and keras.__version__ == "3.15.1"
    assert backend.speed_up_jax_convolutions_and_pooling() == measured


@on_jax
@pytest.mark.parametrize("build", [models.build_lenet5, models.build_improved_lenet5])
def test_jax_speed_ups_keep_outputs_and_gradients(build, images, monkeypatch):
    import jax
    from keras.src.backend.jax import nn

    model = build()
    trainable = [v.value for v in model.trainable_variables]
    others = [v.value for v in model.non_trainable_variables]

    def digit_3(weights):
        outputs, _ = model.stateless_call(weights, others, images.astype("float32"))
        return outputs[:, 3].sum(), outputs

    def outputs_and_gradients():
        gradients, outputs = jax.grad(digit_3, has_aux=True)(trainable)
        return [np.asarray(t) for t in (outputs, *gradients)]

    def steps():  # which convolution and pooling the layers ran
        return traced(digit_3, trainable)

    assert backend.speed_up_jax_convolutions_and_pooling()
    fast, fast_steps = outputs_and_gradients(), steps()
    assert fast_steps.count("custom_vjp_call") == 2 and "reduce_window_max" not in fast_steps  # C1, C3; S2, S4
    monkeypatch.setattr(nn, "conv", nn.conv.__wrapped__)  # Keras 3.15's own
    monkeypatch.setattr(nn, "max_pool", nn.max_pool.__wrapped__)
    assert "custom_vjp_call" not in steps() and "reduce_window_max" in steps()
    for got, expected in zip(fast, outputs_and_gradients(), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6 * np.abs(expected).max())


@on_jax
@pytest.mark.parametrize("kernel, padding", [((5, 5, 1, 6), "same"), ((5, 5, 6, 16), "valid"), ((4, 3, 2, 3), "same")])
def test_jax_fast_convolution_has_keras_input_and_kernel_gradients(kernel, padding):
    import jax
    from keras.src.backend.jax import nn

    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 12, 11, kernel[2])).astype("float32")
    w = rng.normal(size=kernel).astype("float32")
    fast, keras_own = ((lambda x, w, conv=conv: (conv(x, w, 1, padding) ** 2).sum()) for conv in (nn.conv, nn.conv.__wrapped__))
    assert "custom_vjp_call" in traced(fast, x, w) and "custom_vjp_call" not in traced(keras_own, x, w)
    for got, expected in zip(jax.grad(fast, (0, 1))(x, w), jax.grad(keras_own, (0, 1))(x, w), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


@on_jax
def test_jax_speed_ups_leave_other_convolutions_and_poolings_to_keras():
    from keras.src.backend.jax import nn

    x = np.ones((2, 9, 9, 4), "float32")
    for images, kernel, options in [(x, (3, 3, 2, 4), {}),  # grouped: 2 input channels per group
                                    (x, (3, 3, 4, 4), {"strides": 2}), (x, (3, 3, 4, 4), {"dilation_rate": 2}),
                                    (x.transpose(0, 3, 1, 2), (3, 3, 4, 4), {"data_format": "channels_first"})]:
        conv = lambda x, w: nn.conv(x, w, padding="valid", **options)
        assert "custom_vjp_call" not in traced(conv, images, np.ones(kernel, "float32")), (kernel, options)
    with pytest.raises(ValueError):  # Keras's own error for an output with no pixels
        nn.conv(x, np.ones((12, 3, 4, 4), "float32"))
    for size, strides, shape in [(2, 1, (2, 8, 8, 4)), (3, 3, (2, 9, 9, 4)), (2, 2, (2, 9, 9, 4))]:
        assert "reduce_window_max" in traced(lambda x: nn.max_pool(x, size, strides), np.ones(shape, "float32"))
    assert "reduce_window_max" not in traced(lambda x: nn.max_pool(x, 2), np.ones((2, 8, 8, 4), "float32"))


@on_jax
def test_jax_fast_max_pooling_shares_the_gradient_of_a_tie():
    import jax
    from keras.src.backend.jax import nn

    window = np.array([[1.0, 3.0], [3.0, 2.0]], "float32").reshape(1, 2, 2, 1)
    assert float(nn.max_pool(window, 2)[0, 0, 0, 0]) == 3.0
    gradient = jax.grad(lambda x: nn.max_pool(x, 2).sum())(window)
    np.testing.assert_array_equal(gradient.reshape(2, 2), [[0.0, 0.5], [0.5, 0.0]])


def test_xla_cpu_flag_is_set_for_jax_only_and_never_over_yours(monkeypatch):
    flag = backend.JAX_CPU_FLAGS["0.10.2"]
    monkeypatch.setattr(backend.importlib.metadata, "version", lambda name: "0.10.2")
    for chosen, yours, expected in [("jax", None, flag), ("jax", "--xla_dump_to=/tmp/x", f"--xla_dump_to=/tmp/x {flag}"),
                                    ("jax", "--xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_DOT",
                                     "--xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_DOT"),
                                    ("tensorflow", None, None), ("torch", "--xla_dump_to=/tmp/x", "--xla_dump_to=/tmp/x")]:
        monkeypatch.setenv("KERAS_BACKEND", chosen)
        if yours is None:
            monkeypatch.delenv("XLA_FLAGS", raising=False)
        else:
            monkeypatch.setenv("XLA_FLAGS", yours)
        backend.use_fast_xla_cpu_kernels()
        assert os.environ.get("XLA_FLAGS") == expected, (chosen, yours)
    monkeypatch.setattr(backend.importlib.metadata, "version", lambda name: "0.99.0")  # not measured: left alone
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    monkeypatch.delenv("XLA_FLAGS")
    assert not backend.use_fast_xla_cpu_kernels() and "XLA_FLAGS" not in os.environ


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


def test_start_prints_the_banner_and_nothing_of_tensorflows_start_up():
    """A notebook's first cell: one line that says where it runs; TensorFlow's C++ start-up lines
    (printed as its libraries load, whatever TF_CPP_MIN_LOG_LEVEL says) do not reach the student."""
    code = "from lenet_keras import backend; backend.start()"
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "LENET_QUICK": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.fullmatch(r"lenet-keras: backend tensorflow, Keras [\d.]+, device \S+.*, quick mode on\n", result.stdout)
    assert result.stderr == "", result.stderr


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
    backend.hide_expected_retracing_warnings()
    logger = logging.getLogger("tensorflow")
    logger.warning("6 out of the last 6 calls to <function f> triggered tf.function retracing. Tracing is expensive")
    logger.warning("a warning that matters")
    assert "retracing" not in caplog.text and "a warning that matters" in caplog.text
