"""Notebook 09, exercise 5: the ablation in another order."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex09_5"
points = 1
CHANGES = ("+ batch normalization", "+ dropout", "+ augmentation")


def ablation_in_two_orders(gains_ablation_order, gains_augmentation_first):
    for value, variable in ((gains_ablation_order, "gains_ablation_order"),
                            (gains_augmentation_first, "gains_augmentation_first")):
        gains = checks.answered(value, variable, "{change: the test accuracy it adds, in points} in that order")
        assert isinstance(gains, dict) and set(gains) == set(CHANGES), (
            f"`{variable}` should have the three changes {CHANGES} as keys")
        for change in CHANGES:
            checks.number(gains[change], f"{variable}[{change!r}]", "the points that change adds", -50, 50)
    assert gains_ablation_order != gains_augmentation_first, (
        "the two orders give exactly the same gains: did you train the second order's networks?")


@test_case()
def answer(gains_ablation_order, gains_augmentation_first):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    ablation_in_two_orders(gains_ablation_order, gains_augmentation_first)
