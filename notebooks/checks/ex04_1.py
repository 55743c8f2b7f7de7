"""Notebook 04, exercise 1: the largest SGD learning rate that trains, per batch size."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex04_1"
points = 1


def largest_rate_that_trains(sgd_sweep, largest_sgd_rate):
    sweep = checks.answered(sgd_sweep, "sgd_sweep", "your grid: {(batch_size, rate): final validation accuracy}")
    largest = checks.answered(largest_sgd_rate, "largest_sgd_rate", "{batch_size: the largest rate that trained}")
    assert isinstance(sweep, dict) and all(isinstance(k, tuple) and len(k) == 2 for k in sweep), (
        "`sgd_sweep` should map (batch_size, rate) to the run's final validation accuracy")
    batches = sorted({b for b, _ in sweep})
    assert len(batches) >= 2, "run the grid at two batch sizes at least, to see whether the answer changes"
    assert isinstance(largest, dict) and sorted(largest) == batches, (
        f"`largest_sgd_rate` should have one entry per batch size of your grid: {batches}")
    for batch in batches:
        trained = max((rate for (b, rate), accuracy in sweep.items() if b == batch and accuracy > 0.5), default=None)
        assert largest[batch] == trained, (
            f"at batch {batch} the largest rate of your grid that ended above 50% is {trained}, not {largest[batch]}")
        assert trained is None or trained < 0.5, f"{trained} trained at batch {batch}? Check that momentum=0.9 is used"
    assert any(largest.values()), "no rate trained at any batch size: add smaller rates (0.02 trains) to the grid"


@test_case()
def answer(sgd_sweep, largest_sgd_rate):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    largest_rate_that_trains(sgd_sweep, largest_sgd_rate)
