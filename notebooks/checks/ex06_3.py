"""Notebook 06, exercise 3: a second seed's model, and its occlusion maps of the same mistakes."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex06_3"
points = 1


def a_second_model_compared(second_model_accuracy, shared_mistakes, map_correlations):
    accuracy = checks.accuracy(second_model_accuracy, "second_model_accuracy", "the seed-1 model's test accuracy")
    assert accuracy > 0.95, f"{accuracy:.2%}: trained as notebook 06's model, seed 1 passes 95%"
    shared = checks.number(shared_mistakes, "shared_mistakes",
                           "how many of the first model's eight mistakes the second makes too", 0, 8)
    assert shared == int(shared), "`shared_mistakes` is a count of images"
    correlations = checks.answered(map_correlations, "map_correlations",
                                   "the correlation of the two models' maps, one per image (8 numbers)")
    assert len(correlations) == 8 and all(-1 <= float(c) <= 1 for c in correlations), (
        "`map_correlations` should hold eight correlations, each from -1 to 1 (np.corrcoef of two maps)")


@test_case()
def answer(second_model_accuracy, shared_mistakes, map_correlations):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    a_second_model_compared(second_model_accuracy, shared_mistakes, map_correlations)
