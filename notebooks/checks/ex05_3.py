"""Notebook 05, exercise 3: early stopping on val_loss or on val_accuracy."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex05_3"
points = 1


def why_watch_the_loss(epochs_run_by_loss, epochs_run_by_accuracy, why_val_loss):
    for value, variable in ((epochs_run_by_loss, "epochs_run_by_loss"), (epochs_run_by_accuracy, "epochs_run_by_accuracy")):
        epochs = checks.number(value, variable, "how many epochs that run trained before it stopped (report[\"epochs_run\"])",
                               1, 1000)
        assert epochs == int(epochs), f"`{variable}` is {epochs:g}: a number of epochs is whole"
    why = checks.choice(why_val_loss, "why_val_loss", ("a", "b", "c"))
    assert why == "a", ("not that: compare how the two quantities move from epoch to epoch in your runs, and what the "
                        "loss sees that the accuracy does not")


@test_case()
def answer(epochs_run_by_loss, epochs_run_by_accuracy, why_val_loss):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    why_watch_the_loss(epochs_run_by_loss, epochs_run_by_accuracy, why_val_loss)
