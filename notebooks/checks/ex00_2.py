"""Notebook 00, exercise 2: the option that chooses the backend, and where it goes."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex00_2"
points = 1


def backend_option_and_place(backend_option, option_before_command):
    option = checks.answered(backend_option, "backend_option", 'the option as you type it, e.g. "--seed"')
    before = checks.flag(option_before_command, "option_before_command",
                         "does it come before the command (`python -m lenet_keras OPTION ... train`)?")
    assert option == "--backend", (f"`{option}` is not the option that chooses the backend: read the "
                                   "`options:` part of the help, not a command's")
    assert before, ("`python -m lenet_keras train --backend jax` fails: try it, and read which part of the "
                    "help lists --backend")


@test_case()
def answer(backend_option, option_before_command):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    backend_option_and_place(backend_option, option_before_command)
