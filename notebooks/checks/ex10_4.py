"""Notebook 10, exercise 4: one global threshold instead of the local background."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex10_4"
points = 1


def global_threshold_loses(local_accuracy, global_accuracy):
    local = checks.accuracy(local_accuracy, "local_accuracy", "the photographed set's accuracy, local background")
    global_ = checks.accuracy(global_accuracy, "global_accuracy", "and with one global threshold")
    assert global_ < local - 0.2, (f"{global_:.0%} against {local:.0%}: one threshold for a photo whose light changes "
                                   "across it should lose far more; is the ink found with digits.otsu_threshold on "
                                   "the whole grey image?")


@test_case()
def answer(local_accuracy, global_accuracy):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    global_threshold_loses(local_accuracy, global_accuracy)
