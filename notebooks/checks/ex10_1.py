"""Notebook 10, exercise 1: your own photographed digits through `predict`."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex10_1"
points = 1


def your_digits_read(read_as, wrong_digits):
    read = checks.answered(read_as, "read_as", "{the digit you wrote: the digit predict read}, ten entries")
    assert isinstance(read, dict) and sorted(read) == list(range(10)), (
        "`read_as` should have the ten digits 0 to 9 you wrote as keys, each with the digit predict read")
    assert all(isinstance(d, int) and 0 <= d <= 9 for d in read.values()), "each digit read should be a whole number 0-9"
    wrong = checks.answered(wrong_digits, "wrong_digits", "the digits it read wrong, a list (empty if none)")
    expected = sorted(d for d, r in read.items() if r != d)
    assert sorted(wrong) == expected, f"by your `read_as`, the digits read wrong are {expected}, not {sorted(wrong)}"


@test_case()
def answer(read_as, wrong_digits):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    your_digits_read(read_as, wrong_digits)
