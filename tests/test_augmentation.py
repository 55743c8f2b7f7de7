"""The augmentation layer: the warp matches Keras's own affine transform, and it only acts in training."""

import keras
import numpy as np
import pytest
from keras import ops

from lenet_keras import layers, models, training


def keras_affine_transform(images, angle, scale, shift_y, shift_x):
    """The same warp through `keras.ops.image.affine_transform` (what Keras's Random* layers use)."""
    centre = (images.shape[1] - 1) / 2.0
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    zeros = np.zeros_like(angle)
    # affine_transform's matrix maps output (x, y) to input (a0 x + a1 y + a2, b0 x + b1 y + b2)
    matrix = np.stack([cos, sin, centre - cos * (centre + shift_x) - sin * (centre + shift_y),
                       -sin, cos, centre + sin * (centre + shift_x) - cos * (centre + shift_y),
                       zeros, zeros], axis=1).astype("float32")
    return ops.convert_to_numpy(ops.image.affine_transform(
        images, matrix, interpolation="bilinear", fill_mode="constant"))


def test_warp_matches_keras_affine_transform(images):
    x = images.astype("float32")
    rng = np.random.default_rng(0)
    angle, shift_y, shift_x = (rng.uniform(-lim, lim, len(x)).astype("float32") for lim in (0.5, 3, 3))
    scale = rng.uniform(0.85, 1.15, len(x)).astype("float32")
    ours = ops.convert_to_numpy(layers.warp(x, *(a[:, None, None] for a in (angle, scale, shift_y, shift_x))))
    theirs = keras_affine_transform(x, angle, scale, shift_y, shift_x)
    assert np.abs(ours - theirs).max() < 0.01  # pixels 0-255: equal up to float32 round-off
    assert np.abs(ours - x).mean() > 5  # and the images did move


def test_warp_by_whole_pixels_moves_the_image(images):
    x = images[:2].astype("float32")
    zero, one = np.zeros((2, 1, 1), "float32"), np.ones((2, 1, 1), "float32")
    moved = ops.convert_to_numpy(layers.warp(x, zero, one, 2 * one, -3 * one))
    expected = np.zeros_like(x)
    expected[:, 2:, :-3] = x[:, :-2, 3:]  # 2 rows down, 3 columns left, zeros come in
    np.testing.assert_allclose(moved, expected, atol=1e-3)


def test_warp_reads_zeros_beyond_the_border_and_the_edge_pixels_inside_it():
    """The warp reads its four neighbours from a zero-bordered image: sources far outside must read
    0, and sources half a pixel outside must mix the edge pixel with the border's zero."""
    x = np.ones((4, 6, 6, 2), "float32")
    zero, one = np.zeros((4, 1, 1), "float32"), np.ones((4, 1, 1), "float32")
    shifts = np.array([40.0, -40.0, 0.5, -0.5], "float32")[:, None, None]
    by_rows = ops.convert_to_numpy(layers.warp(x, zero, one, shifts, zero))
    assert np.abs(by_rows[:2]).max() < 1e-6  # the whole image came from outside it
    np.testing.assert_allclose(by_rows[2, 0], 0.5, atol=1e-6)  # half the first row is border
    np.testing.assert_allclose(by_rows[2, 1:], 1.0, atol=1e-6)
    np.testing.assert_allclose(by_rows[3, -1], 0.5, atol=1e-6)  # and half the last row
    by_columns = ops.convert_to_numpy(layers.warp(x, zero, one, zero, shifts))
    np.testing.assert_allclose(by_columns, np.swapaxes(by_rows, 1, 2), atol=1e-6)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's graph only")
def test_warp_gathers_with_int32_indices_on_tensorflow():
    """int64 gather indices (as `ops.take_along_axis` makes them) made TensorFlow's oneDNN print
    "supports DT_INT64 only on platforms with AVX-512" into the notebooks on CPUs without AVX-512;
    the stderr check only sees it on such a CPU, and not on every run, so check the graph itself."""
    import tensorflow as tf

    args = [tf.TensorSpec((None, 28, 28, 1), "float32")] + [tf.TensorSpec((None, 1, 1), "float32")] * 4
    graph = tf.function(layers.warp).get_concrete_function(*args).graph
    gathers = [op for op in graph.get_operations() if op.type.startswith("Gather")]
    assert gathers and all(op.get_attr("Tindices") == tf.int32 for op in gathers)


def test_random_affine_acts_in_training_only_and_keeps_its_config(images):
    layer = layers.RandomAffine(rotation=0.05, shift=0.1, zoom=0.1, seed=3)
    x = images.astype("float32")
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), x)
    first, second = (ops.convert_to_numpy(layer(x, training=True)) for _ in range(2))
    assert not np.allclose(first, second)  # a new transform per call
    assert first.min() >= -1e-3 and first.max() <= 255 + 1e-3  # bilinear: no new extremes
    corners = first[:, [0, 0, -1, -1], [0, -1, 0, -1]]
    assert np.abs(corners).max() < 1e-3  # MNIST's empty corners stay background
    clone = layers.RandomAffine.from_config(layer.get_config())
    assert (clone.rotation, clone.shift, clone.zoom, clone.seed) == (0.05, 0.1, 0.1, 3)


def test_random_affine_warps_raw_uint8_pixels_as_floats(images):
    """fit feeds the model MNIST's uint8 pixels: the warp must see them as floats (the same numbers)."""
    assert images.dtype == np.uint8
    warped = {}
    for dtype in ("uint8", "float32"):
        layer = layers.RandomAffine(seed=5)
        warped[dtype] = ops.convert_to_numpy(layer(images.astype(dtype), training=True))
    assert warped["uint8"].dtype == np.float32
    np.testing.assert_allclose(warped["uint8"], warped["float32"], atol=1e-3)


def test_augmented_models_compile_their_training_step():
    """Keras's RandomRotation & co. mark themselves unfit for XLA, which made JAX run the whole
    training step eagerly (2-6x slower steps); the replacement keeps the step compiled."""
    model = models.build_improved_lenet5()
    training.compile_model(model, training.TrainConfig(), steps_per_epoch=1)
    expected = {"jax": True, "tensorflow": False, "torch": False}[keras.backend.backend()]
    assert model.jit_compile == expected
