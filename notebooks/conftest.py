"""nbval settings for the course notebooks."""

import os

import pytest

# Under pytest the notebooks train briefly unless LENET_QUICK=0 asks for the full runs.
os.environ.setdefault("LENET_QUICK", "1")

# These notebooks start one process per backend themselves, so running them under each backend
# repeats identical work: they run once, under TensorFlow (the default backend).
RUN_ONCE = {"06_backends_compared.ipynb", "06_backends_compared_solutions.ipynb"}
# The worked solutions add 8 to 13 minutes per backend, and CI has to stay under 45 minutes: they run
# under one backend, PyTorch, where they take less than on TensorFlow (2 cores, 2026-12-05: 7.8 min
# against 12.9; JAX's course notebooks take longer than PyTorch's too),
# unless LENET_SOLUTIONS_EVERY_BACKEND=1 (as before a release).
SOLUTIONS_BACKEND = "torch"
SOLUTIONS_ONCE = os.environ.get("LENET_SOLUTIONS_EVERY_BACKEND") != "1"


def pytest_collectstart(collector):
    """Do not compare stderr: it carries the backends' own start-up logs, which differ by backend."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)


def pytest_collection_modifyitems(config, items):
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    skip = pytest.mark.skip(reason="trains on every backend itself; runs once, under KERAS_BACKEND=tensorflow")
    skip_solution = pytest.mark.skip(reason="worked solutions run under KERAS_BACKEND=torch; "
                                            "LENET_SOLUTIONS_EVERY_BACKEND=1 runs them here")
    for item in items:
        if item.path.name in RUN_ONCE:
            if backend != "tensorflow":
                item.add_marker(skip)
        elif SOLUTIONS_ONCE and item.path.parent.name == "solutions" and backend != SOLUTIONS_BACKEND:
            item.add_marker(skip_solution)
