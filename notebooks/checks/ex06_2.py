"""Notebook 06, exercise 2: confusion matrices with and without augmentation."""
import numpy as np
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex06_2"
points = 1


def confusion_with_augmentation(confusion_plain, confusion_augmented, fewer_mistakes_augmented):
    totals = []
    for value, variable in ((confusion_plain, "confusion_plain"), (confusion_augmented, "confusion_augmented")):
        matrix = np.asarray(checks.answered(value, variable, "a 10x10 confusion matrix (analysis.confusion_matrix)"))
        assert matrix.shape == (10, 10) and matrix.sum() == 10000, (
            f"`{variable}` should be the 10x10 confusion matrix of the 10,000 test images (shape {matrix.shape}, "
            f"total {matrix.sum()})")
        assert np.trace(matrix) > 5000, f"`{variable}` has only {np.trace(matrix)} right answers: is it a trained model's?"
        totals.append(matrix.sum() - np.trace(matrix))
    fewer = checks.flag(fewer_mistakes_augmented, "fewer_mistakes_augmented",
                        "does the augmented model make fewer mistakes in all?")
    assert fewer == (totals[1] < totals[0]), (f"your matrices have {totals[0]} mistakes without augmentation and "
                                              f"{totals[1]} with it: `fewer_mistakes_augmented` says otherwise")


@test_case()
def answer(confusion_plain, confusion_augmented, fewer_mistakes_augmented):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    confusion_with_augmentation(confusion_plain, confusion_augmented, fewer_mistakes_augmented)
