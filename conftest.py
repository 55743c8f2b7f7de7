"""What every test run shares, the tests in tests/ and the notebooks alike."""

import os

# Under JAX every process of a test run (pytest itself, the tests' child Pythons, the notebooks'
# kernels) keeps what XLA compiles in one cache on disk, so the same training step is compiled once
# per machine rather than once per process: the JAX fast tier takes 67 s instead of 128 with a warm
# cache (2 cores, 2026-12-06). A compiled program is found again only for the same JAX version, flags,
# device and shapes, so results do not change. Only under JAX: notebook 08's solutions time the
# compilation of JAX runs started from a TensorFlow kernel, without a cache. A cache folder you set
# yourself wins; JAX_ENABLE_COMPILATION_CACHE=false turns it off.
if os.environ.get("KERAS_BACKEND") == "jax":
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", os.path.join(cache, "lenet-keras", "jax-tests"))
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")  # LeNet's steps compile in < 1 s
