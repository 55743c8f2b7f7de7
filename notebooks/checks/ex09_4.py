"""Notebook 09, exercise 4: the paper's learning-rate steps against cosine decay."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex09_4"
points = 1


def where_the_steps_lose(cosine_val_loss, paper_val_loss, steps_lose_ground):
    for value, variable in ((cosine_val_loss, "cosine_val_loss"), (paper_val_loss, "paper_val_loss")):
        curve = checks.answered(value, variable, "that run's validation loss after each epoch (history[\"val_loss\"])")
        assert len(curve) == 20, f"`{variable}` has {len(curve)} epochs: train the classic recipe's 20"
    early = paper_val_loss[11] - cosine_val_loss[11]  # behind after 12 epochs
    late = (paper_val_loss[19] - cosine_val_loss[19]) - early  # what the last eight epochs add
    where = checks.choice(steps_lose_ground, "steps_lose_ground", ("early", "late"))
    expected = "early" if abs(early) >= abs(late) else "late"
    assert where == expected, (f"in your runs the steps trail by {early:+.3f} in validation loss after epoch 12, and "
                               f"the last eight epochs change that by {late:+.3f}")


@test_case()
def answer(cosine_val_loss, paper_val_loss, steps_lose_ground):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    where_the_steps_lose(cosine_val_loss, paper_val_loss, steps_lose_ground)
