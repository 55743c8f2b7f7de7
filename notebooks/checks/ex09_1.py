"""Notebook 09, exercise 1: the paper's initialization with Adam."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex09_1"
points = 1


def paper_init_with_adam(lecun_train_accuracy, paper_train_accuracy, why_paper_method_copes):
    lecun = checks.accuracy(lecun_train_accuracy, "lecun_train_accuracy", "the last epoch's training accuracy, LeCun's init")
    paper = checks.accuracy(paper_train_accuracy, "paper_train_accuracy", "and with the paper's init")
    assert paper < lecun, (f"in your runs the paper's init ends at {paper:.2%} on the training set, LeCun's at {lecun:.2%}: "
                           "with Adam the paper's should learn more slowly; check which model got init=\"paper\"")
    why = checks.choice(why_paper_method_copes, "why_paper_method_copes", ("a", "b", "c"))
    assert why == "a", ("not that: how does the paper's method size each weight's step, and how does that step "
                        "depend on the scale of the activations?")


@test_case()
def answer(lecun_train_accuracy, paper_train_accuracy, why_paper_method_copes):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    paper_init_with_adam(lecun_train_accuracy, paper_train_accuracy, why_paper_method_copes)
