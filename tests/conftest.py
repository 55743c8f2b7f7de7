"""Shared fixtures. The backend is whatever KERAS_BACKEND says (tensorflow by default)."""

import pytest

from lenet_keras import data


@pytest.fixture(scope="session")
def mnist():
    """The verified MNIST arrays, loaded once per session."""
    return data.load_mnist()


@pytest.fixture(scope="session")
def mnist_arrays(mnist):
    """MNIST as the dict of four arrays that mnist.npz holds."""
    (x_train, y_train), (x_test, y_test) = mnist
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


@pytest.fixture
def images(mnist):
    """A few raw test images shaped (N, 28, 28, 1), uint8 0-255: the model contract's input."""
    return data.add_channel_axis(mnist[1][0][:16])
