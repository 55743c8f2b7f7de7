"""nbval settings for the course notebooks."""

import os

# Under pytest the notebooks train briefly unless LENET_QUICK=0 asks for the full runs.
os.environ.setdefault("LENET_QUICK", "1")


def pytest_collectstart(collector):
    """Do not compare stderr: it carries the backends' own start-up logs, which differ by backend."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
