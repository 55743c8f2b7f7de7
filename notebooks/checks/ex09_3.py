"""Notebook 09, exercise 3: the RBF output against a softmax, which trains faster."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex09_3"
points = 1


def softmax_against_rbf(rbf_val_accuracy, softmax_val_accuracy, learns_faster):
    curves = []
    for value, variable in ((rbf_val_accuracy, "rbf_val_accuracy"), (softmax_val_accuracy, "softmax_val_accuracy")):
        curve = checks.answered(value, variable, "that run's validation accuracy after each epoch (history[\"val_accuracy\"])")
        assert len(curve) >= 2 and all(0 <= a <= 1 for a in curve), (
            f"`{variable}` should be the list of validation accuracies, one per epoch, as fractions")
        curves.append(curve)
    assert len(curves[0]) == len(curves[1]), "train both for the same number of epochs"
    lead = sum(s - r for r, s in zip(*curves)) / len(curves[0])
    faster = checks.choice(learns_faster, "learns_faster", ("softmax", "rbf"))
    expected = "softmax" if lead > 0 else "rbf"
    assert faster == expected, (f"epoch by epoch, the softmax output's validation accuracy is on average {lead * 100:+.1f} "
                                "points from the RBF's in your runs")


@test_case()
def answer(rbf_val_accuracy, softmax_val_accuracy, learns_faster):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    softmax_against_rbf(rbf_val_accuracy, softmax_val_accuracy, learns_faster)
