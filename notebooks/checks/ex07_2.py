"""Notebook 07, exercise 2: refusing below 0.9 with temperature-scaled probabilities."""
import numpy as np
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex07_2"
points = 1


def refusals_after_temperature_scaling(test_probabilities, scaled_probabilities, y_test, refused_scaled,
                                       mistakes_left_scaled):
    probs = np.asarray(checks.answered(test_probabilities, "test_probabilities", "your model's test probabilities"))
    scaled = np.asarray(checks.answered(scaled_probabilities, "scaled_probabilities",
                                        "analysis.with_temperature(test_probabilities, temperature)"))
    assert scaled.shape == probs.shape and (scaled.argmax(axis=1) == probs.argmax(axis=1)).all(), (
        "`scaled_probabilities` should rank the digits as `test_probabilities` do: a temperature changes how sure, "
        "not which digit")
    answered = scaled.max(axis=1) >= 0.9
    refused = checks.number(refused_scaled, "refused_scaled", "how many images the scaled probabilities refuse")
    assert refused == np.sum(~answered), f"your scaled probabilities refuse {np.sum(~answered)}, not {refused:g}"
    left = checks.number(mistakes_left_scaled, "mistakes_left_scaled", "the mistakes among the answered images")
    expected = np.sum(answered & (scaled.argmax(axis=1) != np.asarray(y_test)))
    assert left == expected, f"your scaled probabilities leave {expected} mistakes among the answered, not {left:g}"


@test_case()
def answer(test_probabilities, scaled_probabilities, y_test, refused_scaled, mistakes_left_scaled):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    refusals_after_temperature_scaling(test_probabilities, scaled_probabilities, y_test, refused_scaled, mistakes_left_scaled)
