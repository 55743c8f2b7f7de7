"""Notebook 08, exercise 1: the notebook in another kernel than the one that saved its outputs."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex08_1"
points = 1


def training_runs_keep_their_backend(training_runs_change, why_they_do_not):
    change = checks.flag(training_runs_change, "training_runs_change",
                         "do the three training runs change when the notebook runs in the TensorFlow kernel?")
    assert not change, ("they do not: run the notebook in both kernels and compare the training runs' printouts "
                        "(test loss to the last digit)")
    why = checks.choice(why_they_do_not, "why_they_do_not", ("a", "b", "c"))
    assert why == "a", "not that: how is each training run started, and what does --backend do there?"


@test_case()
def answer(training_runs_change, why_they_do_not):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    training_runs_keep_their_backend(training_runs_change, why_they_do_not)
