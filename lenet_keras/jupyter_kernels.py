"""Jupyter kernels, one per backend, so that a student picks the backend from JupyterLab's kernel menu.

    python -m lenet_keras kernels      # "LeNet-5 (TensorFlow)", "LeNet-5 (JAX)", "LeNet-5 (PyTorch)"

Each is a kernelspec of this Python with KERAS_BACKEND in its environment, for each backend installed
here; installing again replaces them. Importing this module does not import Keras.
"""

import importlib.util
import sys

from .settings import BACKENDS, NAMES


def kernel_name(backend):
    """The kernelspec's folder name, e.g. 'lenet-keras-jax'."""
    return f"lenet-keras-{backend}"


def default_location():
    """Where kernels go by default: into the virtual environment when this Python runs in one (its
    kernels then appear only in JupyterLabs of that environment), else the user's own folder."""
    in_venv = sys.prefix != sys.base_prefix
    return {"prefix": sys.prefix} if in_venv else {"user": True}


def installed_backends():
    """The backends whose package this Python has (`pip install -e ".[jax]"` installs one)."""
    return [backend for backend in BACKENDS if importlib.util.find_spec(backend) is not None]


def install_kernels(user=False, prefix=None):
    """Install a kernel for each installed backend (at `prefix`, for the `user`, or at
    `default_location()`); return {backend: folder of its kernelspec}."""
    from ipykernel.kernelspec import install  # ipykernel comes with JupyterLab

    where = {"user": user, "prefix": prefix} if user or prefix else default_location()
    return {backend: install(kernel_name=kernel_name(backend), display_name=f"LeNet-5 ({NAMES[backend]})",
                             env={"KERAS_BACKEND": backend}, **where)
            for backend in installed_backends()}
