"""lenet_keras: LeNet-5 on MNIST with Keras 3, on TensorFlow, JAX or PyTorch.

Modules: data (MNIST), models (LeNet-5), training (fit and score), backend (what differs per
backend), cli. Importing this package does not import Keras, so the backend can still be chosen;
it does ask TensorFlow, before it starts, for one inter-op thread (`backend.use_one_inter_op_thread`),
and JAX for XLA's own CPU kernels (`backend.use_fast_xla_cpu_kernels`).
"""

from . import backend

backend.use_one_inter_op_thread()
backend.use_fast_xla_cpu_kernels()

__version__ = "0.1.0"
