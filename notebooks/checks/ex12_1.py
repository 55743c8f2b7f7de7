"""Notebook 12, exercise 1: the LiteRT file with 8-bit weights."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex12_1"
points = 1


def eight_bit_weights(plain_kb, quantized_kb, quantized_agreement, accuracy_change_points):
    plain = checks.number(plain_kb, "plain_kb", "the size of the plain .tflite file in KB", 1, 1e6)
    small = checks.number(quantized_kb, "quantized_kb", "the size of the quantized file in KB", 1, 1e6)
    assert plain / small > 3, (f"{plain:g} KB and {small:g} KB are not the two files: the quantized one is more than "
                               "three times smaller (export with quantize=True)")
    agree = checks.accuracy(quantized_agreement, "quantized_agreement",
                            "the share of the 10,000 test images where it gives Keras's digit")
    assert agree >= 0.99, f"{agree:.2%}: the quantized file agrees with Keras on 99% or more; is it the same model?"
    change = checks.number(accuracy_change_points, "accuracy_change_points",
                           "its test accuracy minus the plain file's, in points")
    assert abs(change) < 0.5, (f"{change:+.2f} points: 8-bit weights cost less than half a point; is the change in "
                               "points (98.86% - 98.88% is -0.02), and of the same model?")


@test_case()
def answer(plain_kb, quantized_kb, quantized_agreement, accuracy_change_points):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    eight_bit_weights(plain_kb, quantized_kb, quantized_agreement, accuracy_change_points)
