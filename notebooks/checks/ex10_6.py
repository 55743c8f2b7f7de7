"""Notebook 10, exercise 6: UCI's handwriting, default and improved LeNet."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex10_6"
points = 1


def uci_gap(uci_accuracy, mnist_accuracy):
    for value, variable in ((uci_accuracy, "uci_accuracy"), (mnist_accuracy, "mnist_accuracy")):
        scores = checks.accuracies(value, variable, ("default", "improved"), "{\"default\": ..., \"improved\": ...}")
        for model, accuracy in scores.items():
            assert accuracy > 0.2, f"{accuracy:.1%}: is the {model} model trained, and the digits prepared MNIST's way?"
    assert uci_accuracy != mnist_accuracy, "`uci_accuracy` and `mnist_accuracy` are the same: score each set"


@test_case()
def answer(uci_accuracy, mnist_accuracy):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    uci_gap(uci_accuracy, mnist_accuracy)
