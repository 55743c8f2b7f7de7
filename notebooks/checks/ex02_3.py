"""Notebook 02, exercise 3: C5 as a 5x5 convolution computes the same function as Flatten + Dense."""
import numpy as np
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex02_3"
points = 1


def convolution_is_the_dense_layer(conv_model, dense_model, x_test):
    model = checks.answered(conv_model, "conv_model", "your model with C5 as Conv2D(120, 5), the weights copied in")
    dense = checks.answered(dense_model, "dense_model", "the trained model whose weights you copied")
    assert model.count_params() == 61706, f"`conv_model` has {model.count_params():,} parameters, not 61,706"
    c5 = model.get_layer("C5")
    assert c5.__class__.__name__ == "Conv2D" and tuple(c5.kernel.shape) == (5, 5, 16, 120), (
        f"C5 of `conv_model` is a {c5.__class__.__name__} with kernel {tuple(c5.kernel.shape)}, not a Conv2D with "
        "kernel (5, 5, 16, 120)")
    images = np.asarray(x_test[:200], dtype="float32")[..., None]
    gap = float(np.abs(np.asarray(model.predict_on_batch(images)) - np.asarray(dense.predict_on_batch(images))).max())
    assert gap < 1e-4, (f"the two models' probabilities differ by up to {gap:.2g} on 200 test images: copy every "
                        "layer's weights, and reshape C5's kernel in the order Flatten reads S4's maps")


@test_case()
def answer(conv_model, dense_model, x_test):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    convolution_is_the_dense_layer(conv_model, dense_model, x_test)
