"""Notebook 03, exercise 1: train's test accuracy and evaluate's, from the command line."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex03_1"
points = 1


def train_and_evaluate_agree(train_accuracy, evaluate_accuracy):
    trained = checks.accuracy(train_accuracy, "train_accuracy", "the test accuracy `train` printed (or run.json's)")
    evaluated = checks.accuracy(evaluate_accuracy, "evaluate_accuracy", "the test accuracy `evaluate` printed")
    assert abs(trained - evaluated) < 1e-4, (
        f"{trained:.2%} and {evaluated:.2%}: did `evaluate` read the file this `train` wrote (lenet5.keras in the "
        "same folder)?")


@test_case()
def answer(train_accuracy, evaluate_accuracy):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    train_and_evaluate_agree(train_accuracy, evaluate_accuracy)
