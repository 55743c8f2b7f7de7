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
    C5        1x1x120     120 x (5*5*16 + 1) = 48,120
    F6        84          84 x (120 + 1)    = 10,164
    OUTPUT    10          10 x (84 + 1)     =    850
                                     total    61,706

C3 here sees all six S2 maps (the paper's partial connection table is in the classic model).
"""

import keras
from keras import layers

from .data import MNIST_MEAN, MNIST_STD

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10


def standardize_layer():
    """A layer mapping raw pixels 0-255 to MNIST's zero mean and unit variance."""
    return layers.Rescaling(scale=1.0 / (255.0 * MNIST_STD), offset=-MNIST_MEAN / MNIST_STD,
                            name="standardize")


def lenet5_layers(activation="relu", pooling="max"):
    """The layers of LeNet-5 in order, named as in the paper, preprocessing first."""
    pool = {"max": layers.MaxPooling2D, "average": layers.AveragePooling2D}[pooling]
    return [
        standardize_layer(),
        layers.Conv2D(6, 5, padding="same", activation=activation, name="C1"),
        pool(2, name="S2"),
        layers.Conv2D(16, 5, activation=activation, name="C3"),
        pool(2, name="S4"),
        layers.Conv2D(120, 5, activation=activation, name="C5"),
        layers.Flatten(name="flatten"),
        layers.Dense(84, activation=activation, name="F6"),
        layers.Dense(NUM_CLASSES, activation="softmax", name="OUTPUT"),
    ]


def build_lenet5(api="sequential", activation="relu", pooling="max"):
    """Return an uncompiled LeNet-5 (61,706 parameters) built with `api` "sequential" or "functional".

    Both APIs give the same network: same layer names, shapes, parameters and, for the same
    seed, the same initial weights.
    """
    if api == "sequential":
        return keras.Sequential([keras.Input(INPUT_SHAPE, name="image"),
                                 *lenet5_layers(activation, pooling)], name="lenet5")
    if api == "functional":
        inputs = keras.Input(INPUT_SHAPE, name="image")
        x = inputs
        for layer in lenet5_layers(activation, pooling):
            x = layer(x)
        return keras.Model(inputs, x, name="lenet5")
    raise ValueError(f"Unknown api {api!r}: use 'sequential' or 'functional'.")


MODELS = {"lenet5": build_lenet5}


def build_model(name="lenet5", api="sequential"):
    """Return the uncompiled model called `name` (see MODELS)."""
    if name not in MODELS:
        raise ValueError(f"Unknown model {name!r}: choose one of {', '.join(MODELS)}.")
    return MODELS[name](api=api)
