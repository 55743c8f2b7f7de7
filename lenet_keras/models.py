"""LeNet-5 for Keras 3, built with the Sequential or the functional API.

Every model here keeps one contract: it takes raw MNIST images shaped (N, 28, 28, 1) with pixel
values 0-255 and returns the probabilities of the 10 digits. The preprocessing is a layer of the
model, so a saved `.keras` file is all anyone needs to predict, on any backend.

LeNet-5 with a 28x28 input and C1 padded "same" (the paper pads the image to 32x32 instead):

    layer     output      parameters
    C1        28x28x6     6 x (5*5*1 + 1)   =    156
    S2        14x14x6     0 (pooling)
    C3        10x10x16    16 x (5*5*6 + 1)  =  2,416
    S4        5x5x16      0
    flatten   400         0
    C5        120         120 x (5*5*16 + 1) = 48,120
    F6        84          84 x (120 + 1)    = 10,164
    OUTPUT    10          10 x (84 + 1)     =    850
                                     total    61,706

C3 here sees all six S2 maps (the paper's partial connection table is in the classic model).
The paper's C5 is a 5x5 convolution over S4's 5x5 maps: each of its 120 units sees all 400
inputs, so it is a dense layer, and we write it as one (Flatten, then Dense): same parameters,
same function, and about 20% faster training on TensorFlow and JAX (benchmarks/README.md).
"""

import math

import keras
from keras import layers

from . import layers as lenet_layers
from .data import MNIST_MEAN, MNIST_STD
from .errors import UserError
from .settings import NUM_CLASSES

INPUT_SHAPE = (28, 28, 1)


# Pixel scalings as (scale, offset): the model computes pixel * scale + offset.
PREPROCESSING = {
    "raw": (1.0, 0.0),                                                 # 0..255
    "unit": (1.0 / 255.0, 0.0),                                        # 0..1
    "symmetric": (2.0 / 255.0, -1.0),                                  # -1..1
    "standardize": (1.0 / (255.0 * MNIST_STD), -MNIST_MEAN / MNIST_STD),  # mean 0, std 1
}


def preprocessing_layer(kind="standardize"):
    """A layer mapping raw pixels 0-255 to the chosen scale (see PREPROCESSING)."""
    scale, offset = PREPROCESSING[kind]
    return layers.Rescaling(scale=scale, offset=offset, name=kind)


def augmentation_layers(rotation=0.02, shift=0.05, zoom=0.05):
    """Random rotations (a fraction of a full turn: 0.02 is up to 7 degrees), shifts and zooms
    (fractions of the image size) of raw images; active in training only, identity at inference.
    Uncovered pixels are filled with 0, MNIST's background. MNIST's digits are already centred and
    sized by its makers, so the distortions stay small.

    One layer (`layers.RandomAffine`) rather than Keras's RandomRotation, RandomTranslation and
    RandomZoom: the same distortions, and the improved model's training step 2.2x faster on JAX and 4.7x
    on PyTorch (benchmarks/README.md, 2026-11-24).
    """
    return [lenet_layers.RandomAffine(rotation, shift, zoom, name="augment")]


def lenet5_layers(activation="relu", pooling="max", preprocessing="standardize",
                  dropout=0.0, batch_norm=False, augment=False, widths=(6, 16, 120, 84)):
    """The layers of LeNet-5 in order, named as in the paper, preprocessing first.

    The options are the course's experiments: `batch_norm` normalizes each layer's output before
    its activation, `dropout` drops units of C5 and F6 in training, `augment` distorts the inputs,
    `widths` are the numbers of maps or units of C1, C3, C5 and F6.
    """
    c1, c3, c5, f6 = widths
    pool = {"max": layers.MaxPooling2D, "average": layers.AveragePooling2D}[pooling]

    def block(name, layer):  # a weighted layer, then optional batch norm, then the activation
        if not batch_norm:
            return [layer]
        return [layer, layers.BatchNormalization(name=f"{name}_bn"), layers.Activation(activation, name=f"{name}_act")]

    act = None if batch_norm else activation
    # Augment raw pixels, before scaling, so the corners a rotation or shift uncovers are filled
    # with 0, the background; after standardization 0 would be grey.
    stack = [*(augmentation_layers() if augment else []), preprocessing_layer(preprocessing)]
    stack += block("C1", layers.Conv2D(c1, 5, padding="same", activation=act, name="C1"))
    stack += [pool(2, name="S2")]
    stack += block("C3", layers.Conv2D(c3, 5, activation=act, name="C3"))
    stack += [pool(2, name="S4")]
    stack += [layers.Flatten(name="flatten")]
    stack += block("C5", layers.Dense(c5, activation=act, name="C5"))
    stack += [layers.Dropout(dropout, name="C5_dropout")] if dropout else []
    stack += block("F6", layers.Dense(f6, activation=act, name="F6"))
    stack += [layers.Dropout(dropout, name="F6_dropout")] if dropout else []
    stack += [layers.Dense(NUM_CLASSES, activation="softmax", name="OUTPUT")]
    return stack


def build_lenet5(api="sequential", name="lenet5", **options):
    """Return an uncompiled LeNet-5 (61,706 parameters) built with `api` "sequential" or "functional".

    Both APIs give the same network: same layer names, shapes, parameters and, for the same
    seed, the same initial weights. `options` go to `lenet5_layers` (activation, pooling, ...).
    """
    stack = lenet5_layers(**options)
    if api == "sequential":
        return keras.Sequential([keras.Input(INPUT_SHAPE, name="image"), *stack], name=name)
    if api == "functional":
        inputs = keras.Input(INPUT_SHAPE, name="image")
        x = inputs
        for layer in stack:
            x = layer(x)
        return keras.Model(inputs, x, name=name)
    raise UserError(f"Unknown api {api!r}: use 'sequential' or 'functional'.")


# What the improved LeNet changes in LeNet-5, in the order the ablation (ablation.py) adds them;
# label smoothing, the other improvement, is in its training recipe.
IMPROVEMENTS = {"batch_norm": True, "dropout": 0.1, "augment": True, "widths": (16, 24, 120, 84)}


def build_improved_lenet5(api="sequential"):
    """Return the uncompiled improved LeNet-5: LeNet-5's layers plus batch normalization, dropout
    and data augmentation, with C1 and C3 widened to 16 and 24 maps (94,150 parameters, 93,662
    trainable). Train it with `training.recipe("improved")`: label smoothing, 20 epochs."""
    return build_lenet5(api=api, name="lenet5_improved", **IMPROVEMENTS)


def build_classic_lenet5(init="lecun", augment=True):
    """Return the uncompiled 1998 LeNet-5: 60,000 trainable parameters, as in the paper.

        layer   output     trainable parameters
        pad     32x32x1    0   (the paper's 32x32 input; background pixels)
        scale   32x32x1    0   (background -0.1, ink 1.175)
        C1      28x28x6    156
        S2      14x14x6    12      2x2 sums x coefficient + bias per map, squashed
        C3      10x10x16   1,516   partial connections (Table I)
        S4      5x5x16     32
        C5      120        48,120  (a 5x5 convolution over 5x5 maps: a dense layer)
        F6      84         10,164
        OUTPUT  10         0       Euclidean RBF to fixed +-1 codes (840 fixed values)
        probabilities      softmax(-penalties)

    Squashing everywhere: 1.7159 tanh(2a/3). Weights uniform, scaled by the fan-in F: `init="paper"`
    is the paper's +-2.4/F, tuned for its second-order optimizer; with Adam it under-fits (98.1% test
    accuracy, 97.1% on the last epoch's distorted training images: the classic recipe, TensorFlow,
    seed 0, 2026-12-07), so the default is LeCun's +-sqrt(3/F).
    The paper trains with its MAP criterion (eq. 9); cross-entropy on softmax(-penalties) is that
    criterion without its constant j, which only matters when all penalties are large (the full
    criterion with j = 1 gave the same 98.8%).

    `augment` distorts the training images (small rotations, shifts, zooms; one layer that does nothing
    at inference), as in the paper's own best LeNet-5 run (0.8% test error with distortions, 0.95%
    without). Without them this network, trained with Adam, stops at 1.2-1.3% test error (training
    error 0); with them it reaches 0.8%.
    """
    squash = lenet_layers.scaled_tanh

    def fan_in(f):
        return lenet_layers.FanInUniform(f, init)

    return keras.Sequential([
        keras.Input(INPUT_SHAPE, name="image"),
        *(augmentation_layers() if augment else []),
        layers.ZeroPadding2D(2, name="pad"),
        layers.Rescaling(scale=1.275 / 255.0, offset=-0.1, name="scale"),
        layers.Conv2D(6, 5, activation=squash, kernel_initializer=fan_in(25), name="C1"),
        lenet_layers.Subsampling(init=init, name="S2"),
        lenet_layers.PartialConv2D(init=init, name="C3"),
        lenet_layers.Subsampling(init=init, name="S4"),
        layers.Flatten(name="flatten"),
        layers.Dense(120, activation=squash, kernel_initializer=fan_in(400), name="C5"),
        layers.Dense(84, activation=squash, kernel_initializer=fan_in(120), name="F6"),
        lenet_layers.EuclideanRBF(name="OUTPUT"),
        layers.Activation(lenet_layers.rbf_probabilities, name="probabilities"),
    ], name="lenet5_classic")


def fitting_model(model):
    """The model `fit` should train: for the classic network, one sharing its layers but ending in
    logits (-penalties), so the loss is computed in log space and confidently wrong digits still
    get a gradient; for the others, `model` itself. The saved model outputs probabilities either way."""
    if model.layers[-1].name != "probabilities":
        return model
    return keras.Model(model.inputs[0], -model.get_layer("OUTPUT").output, name=f"{model.name}_logits")


def count_trainable(layer):
    """How many trainable parameters a layer or model has (count_params() also counts frozen ones)."""
    return sum(math.prod(w.shape) for w in layer.trainable_weights)


def feature_maps(model, layer_name, images):
    """The outputs of the layer called `layer_name` for `images`, as a NumPy array."""
    probe = keras.Model(model.inputs[0], model.get_layer(layer_name).output)
    return keras.ops.convert_to_numpy(probe(images, training=False))


MODELS = ("lenet5", "classic", "improved")


def build_model(name="lenet5", api="sequential"):
    """Return the uncompiled model called `name`: "lenet5" (modern, either API), "classic" (1998)
    or "improved" (LeNet-5 with what the 25 years since taught, either API)."""
    if name == "lenet5":
        return build_lenet5(api=api)
    if name == "improved":
        return build_improved_lenet5(api=api)
    if name == "classic":
        return build_classic_lenet5()
    raise UserError(f"Unknown model {name!r}: choose one of {', '.join(MODELS)}.")
