"""Notebook 04, exercise 2: batch 512 with 4x the learning rate (the linear scaling rule)."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex04_2"
points = 1
RUNS = ("batch 128, 0.002", "batch 512, 0.002", "batch 512, 0.008")


def scaled_rate_helps(scaling_accuracy, larger_rate_helps):
    runs = checks.accuracies(scaling_accuracy, "scaling_accuracy", RUNS,
                             'the test accuracies of your three runs, {"batch 128, 0.002": ..., ...}')
    helps = checks.flag(larger_rate_helps, "larger_rate_helps", "does 0.008 beat 0.002 at batch 512 in your runs?")
    assert helps == (runs["batch 512, 0.008"] > runs["batch 512, 0.002"]), (
        "`larger_rate_helps` does not match your own two batch-512 runs")
    assert helps, ("at batch 512, 0.008 should end above 0.002 (notebook 04's solutions check it on every backend): check "
                   "the learning rates and batch sizes of your runs")


@test_case()
def answer(scaling_accuracy, larger_rate_helps):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    scaled_rate_helps(scaling_accuracy, larger_rate_helps)
