"""Notebook 01, exercise 2: the test pixels' statistics, and which statistics standardize the test set."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex01_2"
points = 1
MEAN, STD = 0.13251, 0.31048  # of the 10,000 test images, pixels scaled to [0, 1]


def test_statistics_and_which_to_use(test_mean, test_std, standardize_test_with):
    mean = checks.number(test_mean, "test_mean", "the mean of the test pixels")
    std = checks.number(test_std, "test_std", "the standard deviation of the test pixels")
    scale = 255 if mean > 1 else 1  # pixels as stored (0-255) or scaled to [0, 1]: either is right
    assert abs(mean / scale - MEAN) < 2e-4, (f"{mean:g} is not the mean of the test pixels: use all 10,000 "
                                             "test images (x_test), every pixel")
    assert abs(std / scale - STD) < 2e-4, (f"{std:g} is not the standard deviation of the test pixels (on the same "
                                           "scale as your mean)")
    which = checks.choice(standardize_test_with, "standardize_test_with", ("training", "test"))
    assert which == "training", ("not the test set's own: what statistics did the model see during training, and "
                                 "what would a single new image's statistics be?")


@test_case()
def answer(test_mean, test_std, standardize_test_with):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    test_statistics_and_which_to_use(test_mean, test_std, standardize_test_with)
