"""Notebook 00, exercise 1: which outputs change when the notebook runs in another backend's kernel."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex00_1"
points = 1
CHANGE = {"a", "b", "c", "h"}  # "d" too on a GPU machine, where each backend names the GPU its own way


def which_outputs_change(changed_outputs):
    chosen = checks.letters(changed_outputs, "changed_outputs", "abcdefgh")
    missing, extra = CHANGE - chosen, chosen - CHANGE - {"d"}
    assert not missing, (f"{len(missing)} output(s) that change are not in `changed_outputs`: run the notebook in "
                         "both kernels and compare each cell's printout")
    assert not extra, (f"{len(extra)} of your choices print the same on every backend: which outputs depend on "
                       "Keras's computations or its random numbers, and which on the data alone?")


@test_case()
def answer(changed_outputs):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    which_outputs_change(changed_outputs)
