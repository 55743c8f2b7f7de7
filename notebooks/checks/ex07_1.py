"""Notebook 07, exercise 1: refusing to answer below 0.9 confidence."""
import numpy as np
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex07_1"
points = 1


def probabilities(value, variable="test_probabilities"):
    """The student's (10000, 10) array of test probabilities."""
    probs = np.asarray(checks.answered(value, variable, "your model's probabilities on the 10,000 test images, "
                                       "model.predict(...)"))
    assert probs.shape == (10000, 10), f"`{variable}` has shape {probs.shape}, not (10000, 10)"
    return probs


def refusals_and_accuracy_on_the_rest(test_probabilities, y_test, refused_count, answered_accuracy):
    probs = probabilities(test_probabilities)
    answered = probs.max(axis=1) >= 0.9
    refused = checks.number(refused_count, "refused_count", "how many test images the model refuses below 0.9")
    assert refused == np.sum(~answered), (f"your probabilities have {np.sum(~answered)} test images whose top "
                                          f"probability is below 0.9, not {refused:g}")
    accuracy = checks.accuracy(answered_accuracy, "answered_accuracy", "the accuracy on the images it answers")
    expected = np.mean(probs.argmax(axis=1)[answered] == np.asarray(y_test)[answered])
    assert abs(accuracy - expected) < 1e-4, (f"on the images it answers your model is {expected:.2%} right, not "
                                             f"{accuracy:.2%}: count only those at 0.9 or above")


@test_case()
def answer(test_probabilities, y_test, refused_count, answered_accuracy):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    refusals_and_accuracy_on_the_rest(test_probabilities, y_test, refused_count, answered_accuracy)
