"""Notebook 05, exercise 2: dropout, batch normalization and augmentation in one model."""
from otter.test_files import test_case

from lenet_keras import checks, settings

OK_FORMAT = False
name = "ex05_2"
points = 1
NEEDED = {"Dropout": "dropout", "BatchNormalization": "batch normalization", "RandomAffine": "augmentation"}


def all_three_together(combined_model, combined_accuracy, passes_99_4):
    model = checks.answered(combined_model, "combined_model", "your trained model with all three")
    kinds = {layer.__class__.__name__ for layer in getattr(model, "layers", [])}
    missing = [what for kind, what in NEEDED.items() if kind not in kinds]
    assert not missing, f"`combined_model` has no {' and no '.join(missing)}: build it with all three switched on"
    accuracy = checks.accuracy(combined_accuracy, "combined_accuracy", "its test accuracy")
    floor = 0.5 if settings.quick_mode() else 0.97  # quick mode trains 3 epochs on 3,000 images
    assert accuracy > floor, f"{accuracy:.2%}: trained as the exercise says it reaches over {floor:.0%}"
    passes = checks.flag(passes_99_4, "passes_99_4", "does your run pass 99.4%?")
    assert passes == (accuracy > 0.994), f"`passes_99_4` does not match your run's {accuracy:.2%}"


@test_case()
def answer(combined_model, combined_accuracy, passes_99_4):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    all_three_together(combined_model, combined_accuracy, passes_99_4)
