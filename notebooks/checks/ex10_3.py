"""Notebook 10, exercise 3: the digit boxed at the top-left instead of centred."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex10_3"
points = 1
SETS = ("fonts", "drawn", "photographed")


def centring_matters(top_left_accuracy, why_some_right):
    scores = checks.accuracies(top_left_accuracy, "top_left_accuracy", SETS,
                               "each set's accuracy with the box at the top-left")
    for name_, accuracy in scores.items():
        assert accuracy < 0.5, (f"{accuracy:.0%} on {name_} with the box at the top-left: is the box really moved "
                                "(the 20x20 box in np.zeros((28, 28)), scaled to 0-255)?")
    why = checks.choice(why_some_right, "why_some_right", ("a", "b", "c"))
    assert why == "a", "not that: what lets a convolutional network still read a digit moved by a pixel or two?"


@test_case()
def answer(top_left_accuracy, why_some_right):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    centring_matters(top_left_accuracy, why_some_right)
