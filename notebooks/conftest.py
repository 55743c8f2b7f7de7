"""nbval settings for the course notebooks."""

import os

import pytest

# Under pytest the notebooks train briefly unless LENET_QUICK=0 asks for the full runs.
os.environ.setdefault("LENET_QUICK", "1")

# These notebooks start one process per backend themselves, so running them under each backend
# repeats identical work: they run once, under TensorFlow (the default backend).
RUN_ONCE = {"06_backends_compared.ipynb", "06_backends_compared_solutions.ipynb"}


def pytest_collectstart(collector):
    """Do not compare stderr: it carries the backends' own start-up logs, which differ by backend."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)


def pytest_collection_modifyitems(config, items):
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend == "tensorflow":
        return
    skip = pytest.mark.skip(reason="trains on every backend itself; runs once, under KERAS_BACKEND=tensorflow")
    for item in items:
        if item.path.name in RUN_ONCE:
            item.add_marker(skip)
