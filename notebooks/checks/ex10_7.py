"""Notebook 10, exercise 7: how thick a stroke must be."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex10_7"
points = 1


def pen_width(pen_readings, thinnest_read_right):
    readings = checks.answered(pen_readings, "pen_readings", "{pen width: the digit LeNet read, or None}")
    assert isinstance(readings, dict) and len(readings) >= 5 and 20 in readings, (
        "`pen_readings` should have five pen widths or more, 20 (the pad's own pen) among them")
    assert readings[20] == 7, f"with the pad's own 20-pixel pen LeNet read {readings[20]}: draw a 7 as the exercise does"
    thinnest = checks.number(thinnest_read_right, "thinnest_read_right", "the thinnest pen read as a 7")
    expected = min(w for w, d in readings.items() if d == 7)
    assert thinnest == expected, f"in your readings the thinnest pen read as a 7 is {expected} pixels, not {thinnest:g}"


@test_case()
def answer(pen_readings, thinnest_read_right):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    pen_width(pen_readings, thinnest_read_right)
