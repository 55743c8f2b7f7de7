"""JAX on a CPU: 2x2 max pooling and the convolutions' input gradient in forms XLA:CPU runs faster,
as drop-in replacements of Keras's `keras.src.backend.jax.nn.conv` and `max_pool`
(installed only while the course trains: backend/patches.py).

The layers (`Conv2D`, `MaxPooling2D`), their weights and the .keras file stay the same, and so do
outputs and gradients, to float rounding; a tie in max pooling shares its gradient instead of
giving it to one input (tests/test_patches.py). Max pooling's gradient through `reduce_window` is
XLA's slow `select_and_scatter`: 2x2 pooling as a reshape and a max has a mask for a gradient. A
convolution's input gradient, XLA's "transposed" convolution, is faster as one matrix product and
kh x kw shifted sums, at the price of an (N, H, W, kh, kw, C) tensor: shapes where that tensor
would be large are left to XLA (`MAX_CHANNELS`, `MAX_EXTRA_BYTES`).
"""

import functools

MAX_CHANNELS = 64  # input channels: LeNet's convolutions see 1, 6 or 16
MAX_EXTRA_BYTES = 128 * 2**20  # LeNet's largest at batch 1,024: 80 MB; a 3x3, 256-channel 56x56 layer: 1.8 GB


def with_fast_path(keras_op, fast_op):
    """`keras_op`, except where `fast_op` handles the arguments (it returns None where it does not)."""

    @functools.wraps(keras_op)
    def op(*args, **kwargs):
        result = fast_op(*args, **kwargs)
        return keras_op(*args, **kwargs) if result is None else result

    return op


def _pair(value):
    """Keras's ways of giving a 2D size (2, (2, 2) or [2, 2]) as one tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _channels_last_2d(inputs, data_format):
    import keras

    return (inputs.ndim == 4 and None not in inputs.shape
            and (data_format or keras.config.image_data_format()) == "channels_last")


def extra_bytes(inputs, kernel, padding):
    """The size of the (N, H_out, W_out, kh, kw, C) tensor the fast input gradient materialises."""
    n, height, width, channels = inputs.shape
    rows, cols = kernel.shape[:2]
    if str(padding).lower() == "valid":
        height, width = height - rows + 1, width - cols + 1
    return n * height * width * rows * cols * channels * inputs.dtype.itemsize


def stride_one_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """A 2D convolution, stride and dilation 1, of channels-last images with few channels, with the
    faster input gradient (`conv_with_fast_input_gradient`); None for any other convolution."""
    import keras

    if (not _channels_last_2d(inputs, data_format) or _pair(strides) != (1, 1) or _pair(dilation_rate) != (1, 1)
            or kernel.shape[2] != inputs.shape[-1] or str(padding).lower() not in ("valid", "same")
            or inputs.shape[1] < kernel.shape[0] or inputs.shape[2] < kernel.shape[1]
            or inputs.shape[-1] > MAX_CHANNELS or extra_bytes(inputs, kernel, padding) > MAX_EXTRA_BYTES):
        return None  # Keras's own op, with its own errors
    kernel = keras.ops.convert_to_tensor(kernel)
    return conv_with_fast_input_gradient()(keras.ops.convert_to_tensor(inputs, kernel.dtype), kernel, padding.upper())


@functools.cache
def conv_with_fast_input_gradient():
    """XLA's convolution, with its input gradient as a matrix product (each output pixel's
    gradient times the kernel) whose kh x kw pieces are added back at their shifted places."""
    import jax
    from jax import lax
    from jax import numpy as jnp

    def conv(inputs, kernel, padding):
        return lax.conv_general_dilated(inputs, kernel, (1, 1), padding, dimension_numbers=("NHWC", "HWIO", "NHWC"))

    def forward(inputs, kernel, padding):
        return conv(inputs, kernel, padding), (inputs, kernel)

    def backward(padding, saved, grad):
        inputs, kernel = saved
        kernel_grad = jax.vjp(lambda k: conv(inputs, k, padding), kernel)[1](grad)[0]
        rows, cols = kernel.shape[:2]
        pieces = jnp.einsum("nhwo,ijco->nhwijc", grad, kernel)
        inputs_grad = sum(jnp.pad(pieces[:, :, :, i, j], ((0, 0), (i, rows - 1 - i), (j, cols - 1 - j), (0, 0)))
                          for i in range(rows) for j in range(cols))
        if padding == "SAME":  # drop the gradient of the zeros around the image
            top, left = (rows - 1) // 2, (cols - 1) // 2
            inputs_grad = inputs_grad[:, top:top + inputs.shape[1], left:left + inputs.shape[2]]
        return inputs_grad, kernel_grad

    fast = jax.custom_vjp(conv, nondiff_argnums=(2,))
    fast.defvjp(forward, backward)
    return fast


def two_by_two_max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """2x2 max pooling, stride 2, of channels-last images of even size as a reshape and a max (its
    gradient goes to the largest of each window, shared on a tie, as in `jnp.max`); None otherwise."""
    import keras

    size = _pair(pool_size)
    if (not _channels_last_2d(inputs, data_format) or size != (2, 2) or _pair(strides or size) != (2, 2)
            or inputs.shape[1] % 2 or inputs.shape[2] % 2):
        return None
    _, height, width, channels = inputs.shape
    return keras.ops.convert_to_tensor(inputs).reshape(-1, height // 2, 2, width // 2, 2, channels).max(axis=(2, 4))
