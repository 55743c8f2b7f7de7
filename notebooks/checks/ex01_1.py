"""Notebook 01, exercise 1: the four scalings trained with SGD; which suffers most without Adam."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex01_1"
points = 1
KINDS = ("raw", "unit", "standardize", "symmetric")


def raw_suffers_most(sgd_final_accuracy, suffers_most):
    runs = checks.answered(sgd_final_accuracy, "sgd_final_accuracy",
                           "a dict of each scaling's last validation accuracy, e.g. {\"raw\": 0.11, ...}")
    assert isinstance(runs, dict) and set(runs) == set(KINDS), (
        f"`sgd_final_accuracy` should have one entry per scaling, {', '.join(KINDS)}")
    for kind in KINDS:
        checks.accuracy(runs[kind], f"sgd_final_accuracy[{kind!r}]", "a validation accuracy")
    worst = checks.choice(suffers_most, "suffers_most", KINDS)
    lowest = min(runs, key=runs.get)
    assert worst == lowest, f"`suffers_most` is {worst!r}, but in your runs {lowest!r} ended lowest"
    assert lowest == "raw" and runs["raw"] < runs["standardize"] - 0.05, (
        f"in your runs {lowest!r} ended lowest: with SGD at 0.01, check the TrainConfig "
        "(optimizer=\"sgd\", learning_rate=0.01) and that each run used its scaling")


@test_case()
def answer(sgd_final_accuracy, suffers_most):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    raw_suffers_most(sgd_final_accuracy, suffers_most)
