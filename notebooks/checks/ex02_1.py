"""Notebook 02, exercise 1: average pooling instead of max pooling, parameters and accuracy."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex02_1"
points = 1


def pooling_has_no_parameters(average_pool_params, max_pool_accuracy, average_pool_accuracy):
    count = checks.number(average_pool_params, "average_pool_params", "the parameter count of the average-pooling "
                          "model (model.count_params())")
    assert count == 61706, f"{count:,.0f} is not build_lenet5(pooling=\"average\")'s parameter count"
    for value, variable in ((max_pool_accuracy, "max_pool_accuracy"), (average_pool_accuracy, "average_pool_accuracy")):
        accuracy = checks.accuracy(value, variable, "a test accuracy from your run")
        assert accuracy > 0.9, f"`{variable}` is {accuracy:.1%}: a LeNet-5 trained as in notebook 02 reaches over 90%"


@test_case()
def answer(average_pool_params, max_pool_accuracy, average_pool_accuracy):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    pooling_has_no_parameters(average_pool_params, max_pool_accuracy, average_pool_accuracy)
