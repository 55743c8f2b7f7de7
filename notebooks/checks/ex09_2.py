"""Notebook 09, exercise 2: C3 with full connections instead of the connection table."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex09_2"
points = 1


def full_c3_parameters(full_c3_params, added_params, full_c3_accuracy):
    full = checks.number(full_c3_params, "full_c3_params", "the trainable parameters of the fully connected C3")
    assert full == 2416, (f"{full:,.0f} is not a fully connected C3's count: 16 maps, each a 5x5 filter on each of "
                          "the 6 input maps, plus a bias")
    added = checks.number(added_params, "added_params", "how many parameters full connections add to C3")
    assert added == 900, f"{added:,.0f}: compare with the connection table's C3 (models.count_trainable)"
    checks.accuracy(full_c3_accuracy, "full_c3_accuracy", "the test accuracy of your run with the full C3")


@test_case()
def answer(full_c3_params, added_params, full_c3_accuracy):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    full_c3_parameters(full_c3_params, added_params, full_c3_accuracy)
