"""Notebook 08, exercise 3: where the first JAX epoch's extra time goes."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex08_3"
points = 1


def first_epoch_compiles(first_run_seconds, second_run_seconds, extra_time_goes_to):
    for value, variable in ((first_run_seconds, "first_run_seconds"), (second_run_seconds, "second_run_seconds")):
        checks.number(value, variable, "how many seconds that command took", 0, 3600)
    goes = checks.choice(extra_time_goes_to, "extra_time_goes_to", ("a", "b", "c"))
    assert goes == "a", ("not that: the second run repeats it too; what does JAX do the first time a function is "
                         "called with new shapes? (jax.config.update(\"jax_log_compiles\", True) shows it)")


@test_case()
def answer(first_run_seconds, second_run_seconds, extra_time_goes_to):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    first_epoch_compiles(first_run_seconds, second_run_seconds, extra_time_goes_to)
