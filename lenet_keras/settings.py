"""Names and switches the whole package shares; imports nothing of the package and no backend."""

import os
from pathlib import Path

BACKENDS = ("tensorflow", "jax", "torch")
DEVICES = ("auto", "cpu", "gpu")
NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
NUM_CLASSES = 10  # the ten digits
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"  # the course, in a checkout of it


def chosen_backend(backend=None):
    """`backend`, else KERAS_BACKEND, else TensorFlow (Keras's own default)."""
    return backend or os.environ.get("KERAS_BACKEND", "tensorflow")


def quick_mode():
    """True when LENET_QUICK=1: the notebooks then train briefly (CI, a first look)."""
    return os.environ.get("LENET_QUICK", "") not in ("", "0")


def patches_allowed():
    """False when LENET_NO_PATCHES=1: train with Keras exactly as released (backend/patches.py)."""
    return os.environ.get("LENET_NO_PATCHES", "") in ("", "0")
