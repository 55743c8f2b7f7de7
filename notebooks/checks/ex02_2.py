"""Notebook 02, exercise 2: LeNet-5 with tanh, as in 1998."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex02_2"
points = 1


def tanh_trains(tanh_model, tanh_accuracy):
    model = checks.answered(tanh_model, "tanh_model", "your trained build_lenet5(activation=\"tanh\")")
    assert hasattr(model, "layers"), f"`tanh_model` should be a Keras model, not {type(model).__name__}"
    activations = {layer.name: layer.activation.__name__ for layer in model.layers
                   if layer.name in ("C1", "C3", "C5", "F6")}
    assert activations and set(activations.values()) == {"tanh"}, (
        f"the hidden layers of `tanh_model` use {activations}: build it with activation=\"tanh\"")
    accuracy = checks.accuracy(tanh_accuracy, "tanh_accuracy", "its test accuracy")
    assert accuracy > 0.9, f"{accuracy:.1%}: trained as in notebook 02, tanh reaches over 90% too"


@test_case()
def answer(tanh_model, tanh_accuracy):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    tanh_trains(tanh_model, tanh_accuracy)
