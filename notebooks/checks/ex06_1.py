"""Notebook 06, exercise 1: the ten most confident mistakes (the judging by eye is the student's own)."""
import numpy as np
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex06_1"
points = 1


def the_ten_most_confident_mistakes(test_probabilities, y_test, ten_most_confident):
    probs = np.asarray(checks.answered(test_probabilities, "test_probabilities", "your model's test probabilities"))
    chosen = checks.answered(ten_most_confident, "ten_most_confident", "the test indices of the ten mistakes")
    chosen = [int(i) for i in np.asarray(chosen).ravel()]
    wrong = np.flatnonzero(probs.argmax(axis=1) != np.asarray(y_test))
    expected = wrong[np.argsort(-probs[wrong].max(axis=1), kind="stable")][:10]
    assert len(chosen) == 10 and all(i in wrong for i in chosen), (
        "`ten_most_confident` should be ten indices of test images your model gets wrong "
        "(analysis.misclassified(y_test, probs) lists them, the most confident first)")
    confidence = probs[chosen].max(axis=1).min()
    assert confidence >= probs[expected].max(axis=1).min() - 1e-6, (
        f"a mistake made with {confidence:.1%} is not among your model's ten most confident ones")


@test_case()
def answer(test_probabilities, y_test, ten_most_confident):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    the_ten_most_confident_mistakes(test_probabilities, y_test, ten_most_confident)
