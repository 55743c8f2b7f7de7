"""lenet_keras: LeNet-5 on MNIST with Keras 3, on TensorFlow, JAX or PyTorch.

The layers, bottom to top (docs/code.md): errors, settings, files; data, layers, models, analysis,
digits, samples, plots; backend/ and parallel; training/; cli, export, benchmark, ablation,
jupyter_kernels, widgets. Importing this package does not import Keras, so the backend can still be
chosen; it does set what the chosen backend reads when it starts (`backend.set_environment`:
TensorFlow one inter-op thread, JAX XLA's own CPU kernels), so that a plain `import keras` after it
starts fast too.
"""

from . import backend

backend.set_environment()

__version__ = "0.1.0"
