"""Notebook 11, exercise 1: the linear scaling rule on two devices."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex11_1"
points = 1
RUNS = ("1 device, batch 256, 4e-3", "2 devices, batch 512, 4e-3", "2 devices, batch 512, 8e-3")


def scaling_rule_on_two_devices(device_runs, rule_matters_more_for):
    runs = checks.accuracies(device_runs, "device_runs", RUNS,
                             'the test accuracies of your three runs, {"1 device, batch 256, 4e-3": ..., ...}')
    for run, accuracy in runs.items():
        assert accuracy > 0.85, f"{run} reached {accuracy:.2%}: trained as in section 4 it passes 85%"
    which = checks.choice(rule_matters_more_for, "rule_matters_more_for", ("sgd", "adam"))
    assert which == "sgd", "not that one: which optimizer's step grows with the gradient, and which divides it out?"


@test_case()
def answer(device_runs, rule_matters_more_for):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    scaling_rule_on_two_devices(device_runs, rule_matters_more_for)
