"""The 1998 LeNet-5: exactly the paper's 60,000 trainable parameters, its layers, and its training."""

import keras
import numpy as np
import pytest

from lenet_keras import layers, models, training

PAPER_COUNTS = {"C1": 156, "S2": 12, "C3": 1516, "S4": 32, "C5": 48120, "F6": 10164, "OUTPUT": 0}


@pytest.fixture(scope="module")
def classic():
    return models.build_classic_lenet5()


def test_trainable_parameters_per_layer_as_in_the_paper(classic):
    assert {name: models.count_trainable(classic.get_layer(name)) for name in PAPER_COUNTS} == PAPER_COUNTS
    assert sum(models.count_trainable(layer) for layer in classic.layers) == 60000
    assert classic.get_layer("OUTPUT").count_params() == 840  # fixed codes, not trained


def test_shapes_through_the_network(classic):
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in classic.layers}
    assert shapes["pad"] == (32, 32, 1) and shapes["C1"] == (28, 28, 6) and shapes["S2"] == (14, 14, 6)
    assert shapes["C3"] == (10, 10, 16) and shapes["S4"] == (5, 5, 16) and shapes["F6"] == (84,)
    assert shapes["probabilities"] == (10,)


def test_connection_table_is_the_papers():
    matrix = layers.connection_matrix()
    assert matrix.shape == (6, 16)
    assert matrix.sum(axis=0).tolist() == [3] * 6 + [4] * 9 + [6]
    assert matrix[:, 0].tolist() == [1, 1, 1, 0, 0, 0] and matrix[:, 12].tolist() == [1, 1, 0, 1, 1, 0]


def test_partial_convolution_ignores_unconnected_maps():
    """Changing an S2 map that C3's map 0 does not read (map 4) leaves map 0 unchanged."""
    layer = layers.PartialConv2D()
    x = np.random.default_rng(0).normal(size=(1, 14, 14, 6)).astype("float32")
    changed = x.copy()
    changed[..., 4] += 5.0
    a, b = (keras.ops.convert_to_numpy(layer(v)) for v in (x, changed))
    np.testing.assert_allclose(a[..., 0], b[..., 0], atol=1e-6)
    assert not np.allclose(a[..., 15], b[..., 15])  # map 15 reads all six


def test_subsampling_is_a_scaled_sum():
    layer = layers.Subsampling()
    x = np.ones((1, 4, 4, 2), dtype="float32")
    layer.build(x.shape)
    layer.coefficient.assign(np.array([0.25, 0.5], dtype="float32"))
    out = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(out[0, 0, 0], 1.7159 * np.tanh(2 / 3 * np.array([1.0, 2.0])), rtol=1e-5)


def test_rbf_codes_and_penalties():
    codes = layers.rbf_codes()
    assert codes.shape == (10, 84) and set(np.unique(codes)) == {-1.0, 1.0}
    assert len({tuple(c) for c in codes}) == 10
    rbf = layers.EuclideanRBF()
    penalties = keras.ops.convert_to_numpy(rbf(codes[[3]]))
    assert penalties.argmin() == 3 and penalties[0, 3] == 0


def test_initialization_rules():
    """The paper's +-2.4/F, and LeCun's +-sqrt(3/F) (the default, since the paper's under-fits with Adam)."""
    paper = np.abs(keras.ops.convert_to_numpy(layers.FanInUniform(25)((2000,))))
    lecun = np.abs(keras.ops.convert_to_numpy(layers.FanInUniform(25, "lecun")((2000,))))
    assert 0.09 < paper.max() <= 2.4 / 25 and 0.33 < lecun.max() <= (3 / 25) ** 0.5
    assert layers.FanInUniform.from_config(layers.FanInUniform(25, "lecun").get_config()).rule == "lecun"
    with pytest.raises(ValueError, match="Unknown rule"):
        layers.FanInUniform(25, "he")
    weights = models.build_classic_lenet5(init="paper").get_layer("C1").kernel
    assert np.abs(keras.ops.convert_to_numpy(weights)).max() <= 2.4 / 25


def test_distortions_come_first_and_are_optional(classic):
    assert [layer.name for layer in classic.layers][:2] == ["augment", "pad"]
    plain = models.build_classic_lenet5(augment=False)
    assert plain.layers[0].name == "pad" and plain.count_params() == classic.count_params()


@pytest.mark.filterwarnings("error::UserWarning")  # Keras warned when a probe expected a list of inputs
def test_scaling_maps_background_and_ink(classic):
    out = models.feature_maps(classic, "scale", np.full((1, 28, 28, 1), 255, dtype="float32"))
    assert out[0, 0, 0, 0] == pytest.approx(-0.1) and out[0, 16, 16, 0] == pytest.approx(1.175)


def test_classic_learns_on_a_subset(mnist):
    config = training.TrainConfig(model="classic", epochs=2, subset=4000, batch_size=64, schedule="paper", verbose=0)
    _, report = training.train(config, mnist=mnist)
    assert report["test_accuracy"] > 0.8
