"""lenet_keras: LeNet-5 on MNIST with Keras 3, on TensorFlow, JAX or PyTorch.

Modules: data (MNIST), models (LeNet-5), training (fit and score), backend (what differs per
backend), cli. Importing this package does not import Keras, so the backend can still be chosen.
"""

__version__ = "0.1.0"
