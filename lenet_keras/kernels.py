"""Jupyter kernels, one per backend, so that a student picks the backend from JupyterLab's kernel menu.

    python -m lenet_keras kernels      # "LeNet-5 (TensorFlow)", "LeNet-5 (JAX)", "LeNet-5 (PyTorch)"

Each is a kernelspec of this Python with KERAS_BACKEND in its environment; installing again
replaces them. Importing this module does not import Keras.
"""

import sys

from .backend import BACKENDS, NAMES


def kernel_name(backend):
    """The kernelspec's folder name, e.g. 'lenet-keras-jax'."""
    return f"lenet-keras-{backend}"


def default_location():
    """Where kernels go by default: into the virtual environment when this Python runs in one (its
    kernels then appear only in JupyterLabs of that environment), else the user's own folder."""
    in_venv = sys.prefix != sys.base_prefix
    return {"prefix": sys.prefix} if in_venv else {"user": True}


def install_kernels(user=False, prefix=None):
    """Install the three kernels (at `prefix`, for the `user`, or at `default_location()`);
    return {backend: folder of its kernelspec}."""
    from ipykernel.kernelspec import install  # ipykernel comes with JupyterLab

    where = {"user": user, "prefix": prefix} if user or prefix else default_location()
    return {backend: install(kernel_name=kernel_name(backend), display_name=f"LeNet-5 ({NAMES[backend]})",
                             env={"KERAS_BACKEND": backend}, **where)
            for backend in BACKENDS}
