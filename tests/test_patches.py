"""The registry of changes to Keras's internals (lenet_keras/backend/patches.py): each audited for the
installed versions (the tripwire), installed only while the course trains, and equal to Keras's own
ops to float rounding."""

import os
import warnings

import keras
import numpy as np
import pytest

from lenet_keras import models, training
from lenet_keras.backend import jax_fast_ops, patches



@pytest.mark.parametrize("patch", patches.REGISTRY, ids=lambda p: p.name)
def test_tripwire_every_patch_is_audited_for_the_installed_versions(patch):
    """Fails on a version change on purpose: re-read the patched Keras code (and re-measure the
    speed-up, benchmarks/README.md), then update `audited`, or remove the patch when upstream fixed it."""
    absent = [p for p in patch.audited if patches.installed_version(p) is None]
    if absent:
        pytest.skip(f"{', '.join(absent)} not installed here (a one-backend install): {patch.name} cannot apply")
    assert not patches.mismatches(patch), (
        f"{patch.name} was audited for {patch.audited}; installed: {patches.mismatches(patch)}. Re-audit "
        f"it (what it changes: {patch.changes}; upstream: {patch.upstream}) and update backend/patches.py.")


def test_every_patch_says_what_why_and_upstream():
    for patch in patches.REGISTRY:
        assert patch.changes and patch.why and patch.audited and patch.upstream, patch.name
        assert (patch.install is None) == (patch not in patches.PATCHES), patch.name


def keras_ops():
    """The running backend's Keras functions that the patches replace, as they are now."""
    if keras.backend.backend() == "jax":
        from keras.src.backend.jax import nn

        return nn.conv, nn.max_pool
    if keras.backend.backend() == "torch":
        from keras.src.backend.torch import nn

        return (nn._transpose_spatial_inputs,)
    return ()


def test_patches_are_installed_only_inside_applied_and_taken_out_after():
    released = keras_ops()
    model = models.build_lenet5()
    training.compile_model(model, training.TrainConfig(), steps_per_epoch=10)
    assert keras_ops() == released, "compile_model must not patch Keras"
    mine = [p.name for p in patches.PATCHES if p.backend == keras.backend.backend() and patches.why_off(p) is None]
    with patches.applied() as on:
        assert on == mine
        assert sum(a is not b for a, b in zip(keras_ops(), released)) == (len(released) if mine else 0)
        with patches.applied() as nested:
            assert nested == []  # already in place: nothing installed twice
    assert keras_ops() == released


def test_no_patches_turns_them_all_off(monkeypatch):
    monkeypatch.setenv("LENET_NO_PATCHES", "1")
    released = keras_ops()
    with patches.applied() as on:
        assert on == [] and keras_ops() == released
    assert all(patches.why_off(p) == "LENET_NO_PATCHES=1" for p in patches.REGISTRY)
    assert "off: LENET_NO_PATCHES=1" in patches.summary("torch")


def test_another_keras_version_turns_a_patch_off_and_says_why(monkeypatch):
    real = patches.installed_version
    monkeypatch.setattr(patches, "installed_version", lambda p: "3.99.0" if p == "keras" else real(p))
    monkeypatch.setattr(patches, "_warned", set())
    assert patches.why_off(patches.TORCH_LAYOUT).startswith("audited for keras 3.15.1")
    assert "torch-no-layout-copy off: audited for keras 3.15.1" in patches.summary("torch")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with patches.applied() as on:
            assert on == []
    said = [str(w.message) for w in caught if "training runs slower" in str(w.message)]
    mine = [p for p in patches.PATCHES if p.backend == keras.backend.backend()]
    assert len(said) == sum(patches.why_off(p).startswith("audited") for p in mine), said


def test_xla_cpu_flag_is_set_once_and_never_over_yours(monkeypatch):
    flag = "--xla_cpu_experimental_ynn_fusion_type="
    monkeypatch.setattr(patches, "installed_version", lambda package: patches.XLA_CPU_FLAG.audited.get(package))
    for yours, expected in [(None, flag), ("--xla_dump_to=/tmp/x", f"--xla_dump_to=/tmp/x {flag}"),
                            (f"{flag}LIBRARY_FUSION_TYPE_DOT", f"{flag}LIBRARY_FUSION_TYPE_DOT")]:
        if yours is None:
            monkeypatch.delenv("XLA_FLAGS", raising=False)
        else:
            monkeypatch.setenv("XLA_FLAGS", yours)
        patches.set_xla_cpu_flag()
        assert os.environ.get("XLA_FLAGS") == expected, yours
    monkeypatch.setattr(patches, "installed_version", lambda package: "0.99.0")  # not audited: left alone
    monkeypatch.delenv("XLA_FLAGS")
    assert not patches.set_xla_cpu_flag() and "XLA_FLAGS" not in os.environ


# --- PyTorch: the channels-first view without a copy

on_torch = pytest.mark.skipif(keras.backend.backend() != "torch", reason="a PyTorch-only patch")


@on_torch
def test_torch_layout_patch_copies_nothing():
    import torch

    from lenet_keras.backend.torch import permute_to_channels_first

    images = torch.rand(8, 28, 28, 6)
    channels_first = permute_to_channels_first(images)
    assert channels_first.shape == (8, 6, 28, 28) and torch.equal(channels_first, images.permute(0, 3, 1, 2))
    assert channels_first.data_ptr() == images.data_ptr()


@on_torch
def test_torch_layout_patch_keeps_lenet_outputs_and_gradients(images):
    import torch

    model = models.build_lenet5()

    def outputs_and_gradients():
        outputs = model(images)
        gradients = torch.autograd.grad(outputs[:, 3].sum(), [w.value for w in model.trainable_weights])
        return [t.detach().numpy() for t in (outputs, *gradients)]

    with patches.applied() as on:
        assert on == ["torch-no-layout-copy"]
        patched = outputs_and_gradients()
    for got, expected in zip(patched, outputs_and_gradients(), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


# --- JAX on a CPU: the faster convolution input gradient and 2x2 max pooling

on_jax = pytest.mark.skipif(keras.backend.backend() != "jax" or patches.on_a_gpu("jax"),
                            reason="a patch for JAX on a CPU")


def traced(function, *args):
    """The computation JAX traces for `function(*args)`, as text (a new function each time, so never a cached trace)."""
    import jax

    return str(jax.make_jaxpr(lambda *a: function(*a))(*args))


@pytest.fixture
def jax_nn():
    """Keras's JAX ops module with the fast ops installed for the test."""
    from keras.src.backend.jax import nn

    with patches.applied() as on:
        assert on == ["jax-fast-conv-pool"]
        yield nn


@on_jax
@pytest.mark.parametrize("build", [models.build_lenet5, models.build_improved_lenet5])
def test_jax_fast_ops_keep_outputs_and_gradients(build, images):
    import jax

    model = build()
    trainable = [v.value for v in model.trainable_variables]
    others = [v.value for v in model.non_trainable_variables]

    def digit_3(weights):
        outputs, _ = model.stateless_call(weights, others, images.astype("float32"))
        return outputs[:, 3].sum(), outputs

    def outputs_and_gradients():
        gradients, outputs = jax.grad(digit_3, has_aux=True)(trainable)
        return [np.asarray(t) for t in (outputs, *gradients)]

    with patches.applied():
        fast, fast_steps = outputs_and_gradients(), traced(digit_3, trainable)
    assert fast_steps.count("custom_vjp_call") == 2 and "reduce_window_max" not in fast_steps  # C1, C3; S2, S4
    keras_steps = traced(digit_3, trainable)  # Keras as released, outside the block
    assert "custom_vjp_call" not in keras_steps and "reduce_window_max" in keras_steps
    for got, expected in zip(fast, outputs_and_gradients(), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6 * np.abs(expected).max())


@on_jax
@pytest.mark.parametrize("kernel, padding", [((5, 5, 1, 6), "same"), ((5, 5, 6, 16), "valid"), ((4, 3, 2, 3), "same")])
def test_jax_fast_convolution_has_keras_input_and_kernel_gradients(jax_nn, kernel, padding):
    import jax

    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 12, 11, kernel[2])).astype("float32")
    w = rng.normal(size=kernel).astype("float32")
    fast, keras_own = ((lambda x, w, conv=conv: (conv(x, w, 1, padding) ** 2).sum())
                       for conv in (jax_nn.conv, jax_nn.conv.__wrapped__))
    assert "custom_vjp_call" in traced(fast, x, w) and "custom_vjp_call" not in traced(keras_own, x, w)
    for got, expected in zip(jax.grad(fast, (0, 1))(x, w), jax.grad(keras_own, (0, 1))(x, w), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


@on_jax
def test_jax_fast_ops_leave_other_convolutions_and_poolings_to_keras(jax_nn):
    x = np.ones((2, 9, 9, 4), "float32")
    for images, kernel, options in [(x, (3, 3, 2, 4), {}),  # grouped: 2 input channels per group
                                    (x, (3, 3, 4, 4), {"strides": 2}), (x, (3, 3, 4, 4), {"dilation_rate": 2}),
                                    (x.transpose(0, 3, 1, 2), (3, 3, 4, 4), {"data_format": "channels_first"})]:
        conv = lambda x, w: jax_nn.conv(x, w, padding="valid", **options)
        assert "custom_vjp_call" not in traced(conv, images, np.ones(kernel, "float32")), (kernel, options)
    with pytest.raises(ValueError):  # Keras's own error for an output with no pixels
        jax_nn.conv(x, np.ones((12, 3, 4, 4), "float32"))
    for size, strides, shape in [(2, 1, (2, 8, 8, 4)), (3, 3, (2, 9, 9, 4)), (2, 2, (2, 9, 9, 4))]:
        assert "reduce_window_max" in traced(lambda x: jax_nn.max_pool(x, size, strides), np.ones(shape, "float32"))
    assert "reduce_window_max" not in traced(lambda x: jax_nn.max_pool(x, 2), np.ones((2, 8, 8, 4), "float32"))


@on_jax
def test_jax_fast_convolution_leaves_large_extra_tensors_to_xla(jax_nn):
    """The fast input gradient materialises (N, H, W, kh, kw, C): a wide layer stays with XLA's own."""
    import jax

    wide = jax.ShapeDtypeStruct((64, 56, 56, 256), "float32")  # the extra tensor would be 1.8 GB
    assert jax_fast_ops.extra_bytes(wide, jax.ShapeDtypeStruct((3, 3, 256, 256), "float32"), "same") > 1.5e9
    assert "custom_vjp_call" not in str(jax.make_jaxpr(lambda x, w: jax_nn.conv(x, w, padding="same"))(
        wide, jax.ShapeDtypeStruct((3, 3, 256, 256), "float32")))
    many = jax.ShapeDtypeStruct((2, 8, 8, jax_fast_ops.MAX_CHANNELS + 1), "float32")  # small, but many channels
    kernel = jax.ShapeDtypeStruct((3, 3, jax_fast_ops.MAX_CHANNELS + 1, 4), "float32")
    assert "custom_vjp_call" not in str(jax.make_jaxpr(lambda x, w: jax_nn.conv(x, w))(many, kernel))
    lenet_c1 = jax.ShapeDtypeStruct((1024, 28, 28, 1), "float32")  # LeNet at batch 1,024 keeps the fast path
    assert "custom_vjp_call" in str(jax.make_jaxpr(lambda x, w: jax_nn.conv(x, w, padding="same"))(
        lenet_c1, jax.ShapeDtypeStruct((5, 5, 1, 6), "float32")))


@on_jax
def test_jax_fast_max_pooling_shares_the_gradient_of_a_tie(jax_nn):
    import jax

    window = np.array([[1.0, 3.0], [3.0, 2.0]], "float32").reshape(1, 2, 2, 1)
    assert float(jax_nn.max_pool(window, 2)[0, 0, 0, 0]) == 3.0
    gradient = jax.grad(lambda x: jax_nn.max_pool(x, 2).sum())(window)
    np.testing.assert_array_equal(gradient.reshape(2, 2), [[0.0, 0.5], [0.5, 0.0]])
