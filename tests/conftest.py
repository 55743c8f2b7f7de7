"""Shared fixtures. The backend is whatever KERAS_BACKEND says (tensorflow by default)."""

import pytest

from lenet_keras import data

# The tiny model the fast tier shares, trained once per test run: about 97% test accuracy in seconds.
TINY = {"epochs": 2, "subset": 20000, "verbose": 0}


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


@pytest.fixture(scope="session")
def trained(mnist, tmp_path_factory):
    """`(model, report, path)`: LeNet-5 trained once per test run with `TINY`, and saved to `path`."""
    from lenet_keras import training

    model, report = training.train(training.TrainConfig(**TINY), mnist=mnist)
    path = tmp_path_factory.mktemp("trained") / "lenet5.keras"
    training.save_model(model, path)
    return model, report, path
