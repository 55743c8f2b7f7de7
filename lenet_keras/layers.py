"""The course's own layers and functions, in `keras.ops` only, so they run and save on every backend:
the 1998 LeNet-5's (classic) and the augmentation layer (classic, improved).

All registered for serialization here, in one module: a saved model of the course loads with plain
`keras.saving.load_model` on any backend once this module is imported (`import lenet_keras.layers`,
after choosing the backend: it imports Keras). `training.load_model` does it.
"""

import keras
import numpy as np
from keras import ops

PACKAGE = "lenet_keras"


@keras.saving.register_keras_serializable(package=PACKAGE)
def scaled_tanh(x):
    """The paper's squashing function f(a) = 1.7159 tanh(2a/3): f(1) = 1 and f(-1) = -1."""
    return 1.7159 * ops.tanh(x * (2.0 / 3.0))


@keras.saving.register_keras_serializable(package=PACKAGE)
class FanInUniform(keras.initializers.Initializer):
    """Uniform weights scaled by the fan-in F of the unit: the paper's rule, [-2.4/F, 2.4/F], or
    LeCun's later one, [-sqrt(3/F), sqrt(3/F)] (variance 1/F), which trains far better with Adam."""

    def __init__(self, fan_in, rule="paper", seed=None):
        if rule not in ("paper", "lecun"):
            raise ValueError(f"Unknown rule {rule!r}: use 'paper' or 'lecun'.")
        self.fan_in, self.rule, self.seed = fan_in, rule, seed

    def __call__(self, shape, dtype=None):
        limit = 2.4 / self.fan_in if self.rule == "paper" else (3.0 / self.fan_in) ** 0.5
        return keras.random.uniform(shape, -limit, limit, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {"fan_in": self.fan_in, "rule": self.rule, "seed": self.seed}


@keras.saving.register_keras_serializable(package=PACKAGE)
class Subsampling(keras.layers.Layer):
    """S2 and S4: sum each 2x2 block, times a trainable coefficient per map, plus a trainable bias
    per map, then the squashing function. Two parameters per map. `init` is FanInUniform's rule."""

    def __init__(self, init="paper", **kwargs):
        super().__init__(**kwargs)
        self.init = init

    def build(self, input_shape):
        channels = input_shape[-1]
        self.coefficient = self.add_weight(shape=(channels,), initializer=FanInUniform(4, self.init),
                                           name="coefficient")
        self.bias = self.add_weight(shape=(channels,), initializer="zeros", name="bias")

    def call(self, x):
        block_sums = 4.0 * ops.average_pool(x, pool_size=2, strides=2, padding="valid")
        return scaled_tanh(block_sums * self.coefficient + self.bias)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (n, h // 2 if h else None, w // 2 if w else None, c)

    def get_config(self):
        return {**super().get_config(), "init": self.init}


# The paper's Table I: which of S2's 6 maps each of C3's 16 maps reads.
C3_TABLE = ([[j % 6, (j + 1) % 6, (j + 2) % 6] for j in range(6)]
            + [[j % 6, (j + 1) % 6, (j + 2) % 6, (j + 3) % 6] for j in range(6)]
            + [[0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], [0, 1, 2, 3, 4, 5]])


def connection_matrix(table=C3_TABLE, inputs=6):
    """The table as a 0/1 matrix: rows are input maps, columns output maps."""
    matrix = np.zeros((inputs, len(table)), dtype="int32")
    for j, sources in enumerate(table):
        matrix[sources, j] = 1
    return matrix


@keras.saving.register_keras_serializable(package=PACKAGE)
class PartialConv2D(keras.layers.Layer):
    """C3: a 5x5 'valid' convolution in which output map j sees only the input maps of `table[j]`.

    Only the connected filters are weights (60 of the 96 input-output pairs: 1,500 weights plus 16
    biases); each call scatters them into a full kernel with zeros where the table has no link.
    """

    def __init__(self, table=C3_TABLE, kernel_size=5, init="paper", **kwargs):
        super().__init__(**kwargs)
        self.table, self.kernel_size, self.init = [list(t) for t in table], kernel_size, init
        matrix = connection_matrix(self.table)
        # index 0 is a zero filter; link number k (1-based) is weights[..., k - 1]
        self.gather = (np.cumsum(matrix.T.ravel()).reshape(matrix.T.shape).T * matrix).astype("int32")
        self.links = int(matrix.sum())

    def build(self, input_shape):
        k = self.kernel_size
        fan_in = np.array([len(t) * k * k for t in self.table], dtype="float32")
        self.kernel = self.add_weight(shape=(k, k, self.links), initializer=FanInUniform(float(fan_in.mean()), self.init),
                                      name="kernel")
        self.bias = self.add_weight(shape=(len(self.table),), initializer="zeros", name="bias")

    def call(self, x):
        k = self.kernel_size
        padded = ops.concatenate([ops.zeros((k, k, 1), dtype=self.kernel.dtype), self.kernel], axis=-1)
        full = ops.take(padded, ops.convert_to_tensor(self.gather), axis=2)  # (k, k, inputs, outputs)
        return scaled_tanh(ops.conv(x, full, padding="valid") + self.bias)

    def compute_output_shape(self, input_shape):
        n, h, w, _ = input_shape
        k = self.kernel_size - 1
        return (n, h - k if h else None, w - k if w else None, len(self.table))

    def get_config(self):
        return {**super().get_config(), "table": self.table, "kernel_size": self.kernel_size, "init": self.init}


# Stand-ins for the paper's 7x12 output codes (its Fig. 3 bitmaps are stylized characters): one
# bitmap per digit, '#' = +1, '.' = -1, read row by row into 84 values, F6's size.
RBF_BITMAPS = {
    0: "....... ..###.. .#...#. .#...#. .#...#. .#...#. .#...#. .#...#. .#...#. ..###.. ....... .......",
    1: "....... ...#... ..##... .#.#... ...#... ...#... ...#... ...#... ...#... .#####. ....... .......",
    2: "....... ..###.. .#...#. .....#. .....#. ....#.. ...#... ..#.... .#..... .#####. ....... .......",
    3: "....... .####.. .....#. .....#. .....#. ..###.. .....#. .....#. .....#. .####.. ....... .......",
    4: "....... ....#.. ...##.. ..#.#.. .#..#.. #...#.. ######. ....#.. ....#.. ....#.. ....... .......",
    5: "....... .#####. .#..... .#..... .####.. .....#. .....#. .....#. .#...#. ..###.. ....... .......",
    6: "....... ...##.. ..#.... .#..... .#..... .####.. .#...#. .#...#. .#...#. ..###.. ....... .......",
    7: "....... .#####. .....#. ....#.. ....#.. ...#... ...#... ..#.... ..#.... ..#.... ....... .......",
    8: "....... ..###.. .#...#. .#...#. .#...#. ..###.. .#...#. .#...#. .#...#. ..###.. ....... .......",
    9: "....... ..###.. .#...#. .#...#. .#...#. ..####. .....#. .....#. ....#.. ..##... ....... .......",
}


def rbf_codes():
    """The 10 x 84 matrix of +-1 output codes, one row per digit."""
    return np.array([[1.0 if ch == "#" else -1.0 for ch in RBF_BITMAPS[d].replace(" ", "")]
                     for d in range(10)], dtype="float32")


@keras.saving.register_keras_serializable(package=PACKAGE)
class EuclideanRBF(keras.layers.Layer):
    """OUTPUT: unit i computes y_i = sum_j (x_j - w_ij)^2, the squared distance from F6's output to
    digit i's fixed code. The smaller y_i, the likelier digit i. Not trained (the paper's choice)."""

    def build(self, input_shape):
        self.codes = self.add_weight(shape=(10, input_shape[-1]), trainable=False, name="codes",
                                     initializer=keras.initializers.Constant(rbf_codes()))

    def call(self, x):
        return ops.sum(ops.square(ops.expand_dims(x, 1) - self.codes), axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 10)


@keras.saving.register_keras_serializable(package=PACKAGE)
def rbf_probabilities(penalties):
    """Probabilities from RBF penalties: softmax(-y), so the smallest distance is the likeliest digit."""
    return ops.softmax(-penalties, axis=-1)


@keras.saving.register_keras_serializable(package=PACKAGE)
class RandomAffine(keras.layers.Layer):
    """Data augmentation: each training image rotated, shifted and zoomed at random, in one warp.

    Does what Keras's RandomRotation, RandomTranslation and RandomZoom do in a row (same factors:
    `rotation` a fraction of a full turn, `shift` and `zoom` fractions of the image size; uncovered
    pixels 0; bilinear), but resamples once instead of three times, all images in one gather:
    Keras's three layers stop JAX from compiling the training step and warp image by image on
    PyTorch (benchmarks/README.md). The identity at inference.
    """

    def __init__(self, rotation=0.02, shift=0.05, zoom=0.05, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rotation, self.shift, self.zoom, self.seed = rotation, shift, zoom, seed
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        images = ops.cast(images, self.compute_dtype)  # Keras casts float inputs, not MNIST's uint8 pixels
        n = ops.shape(images)[0]

        def draw(limit):
            return keras.random.uniform((n, 1, 1), -limit, limit, seed=self.generator)

        angle, scale = draw(self.rotation * 2 * np.pi), 1.0 + draw(self.zoom)
        height, width = images.shape[1], images.shape[2]
        shift_y, shift_x = draw(self.shift) * height, draw(self.shift) * width
        return warp(images, angle, scale, shift_y, shift_x)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rotation": self.rotation, "shift": self.shift,
                "zoom": self.zoom, "seed": self.seed}


def warp(images, angle, scale, shift_y, shift_x):
    """Images (N, H, W, C) rotated by `angle` (radians) about their centre, zoomed by `scale` and
    moved by (`shift_y`, `shift_x`) pixels, each of shape (N, 1, 1); bilinear, 0 outside.

    Each output pixel is a weighted sum of the four source pixels around the point it comes from:
    one gather from the image with a border of zeros, two pixels wide, so that points outside it
    read zeros without a mask.
    """
    n, height, width, channels = ops.shape(images)[0], images.shape[1], images.shape[2], images.shape[3]
    dtype = images.dtype
    rows = ops.arange(height, dtype=dtype)
    cols = ops.arange(width, dtype=dtype)
    centre_y, centre_x = (height - 1) / 2.0, (width - 1) / 2.0
    # where each output pixel (y, x) comes from: undo the shift, the zoom and the rotation
    y = ops.expand_dims(rows, 1) - centre_y - shift_y  # (N, H, W) by broadcasting
    x = ops.expand_dims(cols, 0) - centre_x - shift_x
    cos, sin = ops.cos(angle) / scale, ops.sin(angle) / scale
    source_y = cos * y - sin * x + centre_y
    source_x = sin * y + cos * x + centre_x
    # the four neighbours: top-left (top, left), then right, below, below-right; their weights
    top, left = ops.floor(source_y), ops.floor(source_x)
    down, right = source_y - top, source_x - left
    weights = ops.stack([(1.0 - down) * (1.0 - right), (1.0 - down) * right,
                         down * (1.0 - right), down * right], axis=-1)  # (N, H, W, 4)
    # their places in the padded image, read row by row; a point beyond the border reads zeros
    border = 2
    stride = width + 2 * border
    top_left = (ops.clip(top, -border, height) + border) * stride + ops.clip(left, -border, width) + border
    # int32 indices into all the images' pixels at once: `take_along_axis` would make them int64 on
    # TensorFlow, whose oneDNN then prints "supports DT_INT64 only on platforms with AVX-512"
    size = (height + 2 * border) * stride
    first = ops.reshape(ops.arange(n, dtype="int32") * size, (-1, 1, 1, 1))
    steps = ops.convert_to_tensor([0, 1, stride, stride + 1], "int32")
    neighbours = first + ops.expand_dims(ops.cast(top_left, "int32"), -1) + steps  # (N, H, W, 4)
    padded = ops.pad(images, ((0, 0), (border, border), (border, border), (0, 0)))
    values = ops.take(ops.reshape(padded, (-1, channels)), ops.reshape(neighbours, (-1,)), axis=0)
    return ops.sum(ops.expand_dims(weights, -1) * ops.reshape(values, (n, height, width, 4, channels)), axis=3)
