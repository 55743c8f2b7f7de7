"""LeNet-5: parameter counts, shapes, the two APIs agree, a saved model reloads (on every backend:
test_saved_models.py)."""

import os

import keras
import numpy as np
import pytest

from lenet_keras import models, training
from lenet_keras.errors import UserError



def assert_same_predictions(a, b):
    """Two models' probabilities agree to float32 round-off."""
    np.testing.assert_allclose(a, b, atol=1e-5)


EXPECTED = {  # layer: (output shape without the batch axis, parameters)
    "standardize": ((28, 28, 1), 0),  # preprocessing inside the model
    "C1": ((28, 28, 6), 156),
    "S2": ((14, 14, 6), 0),
    "C3": ((10, 10, 16), 2416),
    "S4": ((5, 5, 16), 0),
    "flatten": ((400,), 0),
    "C5": ((120,), 48120),
    "F6": ((84,), 10164),
    "OUTPUT": ((10,), 850),
}


@pytest.mark.parametrize("api", ["sequential", "functional"])
def test_layers_shapes_and_parameter_counts(api):
    model = models.build_lenet5(api)
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    assert {layer.name: (tuple(layer.output.shape[1:]), layer.count_params()) for layer in layers} == EXPECTED
    assert model.count_params() == 61706
    assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 10)


def test_builders_return_uncompiled_models():
    assert not any(models.build_model(name).compiled for name in models.MODELS)


@pytest.mark.parametrize("api", ["sequential", "functional"])
def test_improved_keeps_lenets_shape_and_size(api):
    """LeNet-5's layers, C1 and C3 widened to 16 and 24 maps, plus batch norm: under 100k parameters."""
    model = models.build_improved_lenet5(api)
    names = [layer.name for layer in model.layers]
    for name in ["augment", "C1_bn", "C5_dropout", "F6_dropout"]:
        assert name in names
    assert names.index("augment") < names.index("standardize")  # augment raw pixels, then scale
    sizes = {name: model.get_layer(name).count_params() for name in ["C1", "C3", "C5", "F6", "OUTPUT"]}
    assert sizes == {"C1": 16 * 26, "C3": 24 * (25 * 16 + 1), "C5": 120 * (25 * 24 + 1), "F6": 10164, "OUTPUT": 850}
    batch_norm = 16 + 24 + 120 + 84
    assert model.count_params() == sum(sizes.values()) + 4 * batch_norm == 94150 <= 100_000
    trainable = models.count_trainable(model)
    assert trainable == sum(sizes.values()) + 2 * batch_norm == 93662


def test_improved_augments_in_training_only(images):
    """Augmentation and dropout change training outputs; inference is deterministic."""
    model = models.build_improved_lenet5()
    x = images.astype("float32")

    def run(training):
        return keras.ops.convert_to_numpy(keras.ops.stop_gradient(model(x, training=training)))

    assert_same_predictions(run(False), run(False))
    assert not np.allclose(run(True), run(True))


def test_sequential_and_functional_are_the_same_network(images):
    keras.utils.set_random_seed(7)
    sequential = models.build_lenet5("sequential")
    keras.utils.set_random_seed(7)
    functional = models.build_lenet5("functional")
    assert isinstance(sequential, keras.Sequential) and not isinstance(functional, keras.Sequential)
    def layout(model):
        return [(w.path.split("/")[-2:], tuple(w.shape)) for w in model.weights]  # e.g. (["C1", "kernel"], (5, 5, 1, 6))

    assert layout(sequential) == layout(functional)
    for a, b in zip(sequential.get_weights(), functional.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert_same_predictions(sequential.predict(images, verbose=0), functional.predict(images, verbose=0))


def test_different_seeds_give_different_weights():
    keras.utils.set_random_seed(1)
    a = models.build_lenet5().get_weights()[0]
    keras.utils.set_random_seed(2)
    b = models.build_lenet5().get_weights()[0]
    assert not np.array_equal(a, b)


def test_raw_images_in_probabilities_out(images):
    probs = np.asarray(models.build_lenet5().predict(images, verbose=0))
    assert probs.shape == (16, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert (probs >= 0).all()


def test_preprocessing_inside_standardizes(mnist):
    """The model's first layer does what data.standardize does."""
    from lenet_keras import data

    model = models.build_lenet5()
    x = data.add_channel_axis(mnist[0][0][:1000]).astype("float32")
    inside = keras.ops.convert_to_numpy(model.get_layer("standardize")(x))
    np.testing.assert_allclose(inside[..., 0], data.standardize(mnist[0][0][:1000]), atol=1e-5)


def test_unknown_names_are_one_sentence():
    """A UserError: in a notebook one line (`_render_traceback_`), on the command line one sentence."""
    with pytest.raises(UserError, match="Unknown model 'lenet6': choose one of lenet5, classic, improved"):
        models.build_model("lenet6")
    with pytest.raises(UserError, match="Unknown api 'subclassed'"):
        models.build_lenet5("subclassed")
    with pytest.raises(UserError, match="Unknown schedule 'linear': use 'cosine', 'paper', 'constant'"):
        training.learning_rate(training.TrainConfig(schedule="linear"), steps_per_epoch=10)
    with pytest.raises(UserError, match="Unknown optimizer 'rmsprop': use 'adam' or 'sgd'"):
        training.compile_model(models.build_lenet5(), training.TrainConfig(optimizer="rmsprop"), steps_per_epoch=10)


@pytest.mark.parametrize("name,api", [("lenet5", "sequential"), ("lenet5", "functional"), ("improved", "sequential")])
def test_keras_file_round_trip(tmp_path, images, name, api):
    model = models.build_model(name, api)
    path = tmp_path / "model.keras"
    training.save_model(model, path)
    assert os.listdir(tmp_path) == ["model.keras"]  # no temporary file left behind
    reloaded = training.load_model(path)
    assert_same_predictions(model.predict(images, verbose=0), reloaded.predict(images, verbose=0))
