"""Notebook 00, exercise 3: which backend wins, the server's KERAS_BACKEND or the kernel's, and why."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex00_3"
points = 1


def kernel_env_wins(winning_backend, why_it_won):
    winner = checks.choice(winning_backend, "winning_backend", ("tensorflow", "jax", "torch"))
    why = checks.choice(why_it_won, "why_it_won", ("a", "b", "c"))
    assert winner == "jax", (f"not {winner}: read the first cell's banner in the LeNet-5 (JAX) kernel of a "
                             "JupyterLab started with KERAS_BACKEND=torch")
    assert why == "a", ("that is not why: look at the `env` of the JAX kernel's kernel.json "
                        "(`jupyter kernelspec list` prints its folder)")


@test_case()
def answer(winning_backend, why_it_won):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    kernel_env_wins(winning_backend, why_it_won)
