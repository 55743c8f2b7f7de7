"""The tests' way to run code in a fresh Python: the package's own `files.run_python` (this
interpreter, never whatever `python` is on PATH), with a time limit so that a stuck child fails the
test instead of hanging CI. The code leaves its answer with `write_result`."""

import tempfile

from lenet_keras.files import run_python


def run_code(code, *args, env=None, timeout=600):
    """Run `code` (which ends in `write_result(...)`) with `args` in a child Python; return its JSON."""
    with tempfile.TemporaryDirectory() as folder:
        return run_python(["-c", code, *map(str, args)], folder, env=env, timeout=timeout, what="The test's child")
