"""Notebook 09, exercise 6 (stretch): the improved LeNet within 50,000 parameters."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex09_6"
points = 1


def improved_under_50000(small_widths, small_accuracy):
    widths = checks.answered(small_widths, "small_widths", "your widths (c1, c3, c5, f6)")
    from lenet_keras import models  # Keras: here, once there is an answer to build

    assert len(widths) == 4 and all(isinstance(w, int) and w > 0 for w in widths), (
        f"`small_widths` should be four whole numbers (c1, c3, c5, f6), not {widths!r}")
    count = models.build_lenet5(widths=tuple(widths), batch_norm=True, dropout=0.1, augment=True).count_params()
    assert count <= 50000, f"widths {tuple(widths)} give {count:,} parameters, over 50,000"
    checks.accuracy(small_accuracy, "small_accuracy", "its test accuracy, to compare with the improved widths")


@test_case()
def answer(small_widths, small_accuracy):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    improved_under_50000(small_widths, small_accuracy)
