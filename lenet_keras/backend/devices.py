"""Choosing which devices to train on, the same way for TensorFlow and JAX."""

from ..errors import BackendError


def first_devices(count, names_of_kind):
    """The first `count` of `names_of_kind("gpu")` where there are enough, else of `names_of_kind("cpu")`."""
    for kind in ("gpu", "cpu"):
        found = names_of_kind(kind)
        if len(found) >= count:
            return found[:count]
    raise BackendError(f"{count} devices were asked for but the backend sees {len(found)}: choose the number of "
                       "devices before anything starts the backend (in a notebook, backend.start(devices=N) "
                       "after a kernel restart).")
