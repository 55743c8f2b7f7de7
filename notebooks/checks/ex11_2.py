"""Notebook 11, exercise 2: uneven slices, each gradient weighted by its number of images."""
import numpy as np
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex11_2"
points = 1


def weighted_slices_give_the_whole_gradient(weighted_gradient, whole_gradient, why_engines_do_not):
    weighted = np.asarray(checks.answered(weighted_gradient, "weighted_gradient",
                                          "the slices' gradients, each weighted by its number of images"))
    whole = np.asarray(checks.answered(whole_gradient, "whole_gradient", "the whole batch's gradient"))
    assert weighted.shape == whole.shape and whole.size > 1 and np.abs(whole).max() > 0, (
        f"`weighted_gradient` {weighted.shape} and `whole_gradient` {whole.shape} should be the same gradient's shape")
    gap = float(np.abs(weighted - whole).max())
    assert gap < 1e-9 * max(1.0, float(np.abs(whole).max())), (
        f"they differ by up to {gap:.2g}: weight each slice's gradient by its images (200/256 and 56/256)")
    why = checks.choice(why_engines_do_not, "why_engines_do_not", ("a", "b", "c"))
    assert why == "a", "not that: what do the devices run, and what does an all-reduce add up?"


@test_case()
def answer(weighted_gradient, whole_gradient, why_engines_do_not):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    weighted_slices_give_the_whole_gradient(weighted_gradient, whole_gradient, why_engines_do_not)
