"""Every change the course makes to Keras's internals, or to its backends' defaults, in one list.

Each is a debt: it says what it changes, why, the versions it was audited against and the upstream
fix that makes it unnecessary. The speed-ups of `PATCHES` are installed only while the course
trains (`applied()`, inside `training.train`, the range test and the benchmark), never by building
or compiling a model, and are taken out afterwards: a notebook's own `compile`/`fit` runs Keras as
released. They switch on only where every audited version matches; elsewhere `summary()` (printed in
the banner) says they are off and why. LENET_NO_PATCHES=1 turns every one off.
`tests/test_patches.py` fails when an installed version differs from the audited one, so that a
maintainer re-audits rather than loses a 2x speed-up without noticing. Figures: benchmarks/README.md.
"""

import contextlib
import dataclasses
import importlib.metadata
import os
import sys
import warnings

from ..settings import chosen_backend, patches_allowed


@dataclasses.dataclass(frozen=True)
class Patch:
    name: str
    backend: str
    changes: str  # what in Keras (or the backend) it changes
    why: str
    audited: dict  # package: the version it was read against
    upstream: str  # what makes it unnecessary
    install: object = None  # () -> undo, for a swap of Keras's functions; None for a setting
    cpu_only: bool = False  # measured on CPUs only: GPUs keep their own kernels


def _swap(module_name, replacements):
    """Set `module.attribute = new(old)` for each (attribute, new) and return the undo."""
    import importlib

    module = importlib.import_module(module_name)
    old = {name: getattr(module, name) for name in replacements}
    for name, new in replacements.items():
        setattr(module, name, new(old[name]))
    return lambda: [setattr(module, name, value) for name, value in old.items()]


def _install_jax_fast_ops():
    from .jax_fast_ops import stride_one_conv, two_by_two_max_pool, with_fast_path

    return _swap("keras.src.backend.jax.nn", {
        "conv": lambda keras_op: with_fast_path(keras_op, stride_one_conv),
        "max_pool": lambda keras_op: with_fast_path(keras_op, two_by_two_max_pool)})


def _install_torch_layout():
    from .torch import permute_to_channels_first

    return _swap("keras.src.backend.torch.nn", {"_transpose_spatial_inputs": lambda _: permute_to_channels_first})


JAX_FAST_OPS = Patch(
    "jax-fast-conv-pool", "jax",
    "keras.src.backend.jax.nn.conv and max_pool: stride-1 convolutions with few channels get a faster input "
    "gradient, 2x2 max pooling becomes a reshape and a max (backend/jax_fast_ops.py); on a CPU only",
    "XLA:CPU's transposed convolution and select_and_scatter are slow for LeNet's shapes: with the XLA flag "
    "below, 2x faster training", {"keras": "3.15.1", "jaxlib": "0.10.2"},
    "none filed yet: the gradients belong in XLA:CPU (openxla/xla)", _install_jax_fast_ops, cpu_only=True)
TORCH_LAYOUT = Patch(
    "torch-no-layout-copy", "torch",
    "keras.src.backend.torch.nn._transpose_spatial_inputs: the channels-first view in PyTorch's "
    "channels_last memory format instead of a .contiguous() copy of every conv and pool input",
    "the copy is a third of LeNet's step: 1.3-1.4x faster training, the same numbers",
    {"keras": "3.15.1", "torch": "2.13.0"},
    "keras-team/keras#23199 (convolutions, merged after 3.15) and #23649 (pooling, proposed)", _install_torch_layout)
XLA_FLAG = "--xla_cpu_experimental_ynn_fusion_type="  # empty: no YNNPACK fusions
XLA_CPU_FLAG = Patch(
    "xla-cpu-own-kernels", "jax",
    f"XLA_FLAGS gets {XLA_FLAG} when the backend is chosen (JAX reads it once, "
    "at start): XLA's own CPU kernels instead of YNNPACK's", "YNNPACK is slower for LeNet's tiny channel "
    "counts: 1.4x faster training with the fast ops above", {"jaxlib": "0.10.2"},
    "none: YNNPACK fusions are jaxlib 0.10's default; re-measure on each jaxlib")
# Private Keras state the course reads or writes: not speed-ups, always in use, audited all the same.
WITHOUT_TENSORFLOW = Patch(
    "keras-tensorflow-lazy-module", "any",
    "keras.src.utils.module_utils.tensorflow._available set to False around seeding, saving and loading on "
    "JAX and PyTorch (backend.tensorflow_left_alone)", "Keras otherwise starts TensorFlow whenever it is "
    "installed: seconds and a screen of start-up lines", {"keras": "3.15.1"}, "none filed yet")
PORTABLE_COMPILE_CONFIG = Patch(
    "keras-portable-compile-config", "any",
    "model._compile_config rewritten before saving (backend.make_compile_config_portable)",
    "Keras 3.15 saves what it resolved on the training backend: files that fail or change speed on another",
    {"keras": "3.15.1"}, "none filed yet")

PATCHES = (JAX_FAST_OPS, TORCH_LAYOUT)  # installed while training
REGISTRY = (*PATCHES, XLA_CPU_FLAG, WITHOUT_TENSORFLOW, PORTABLE_COMPILE_CONFIG)
_installed = {}  # name: undo, while `applied()` holds them


def installed_version(package):
    """The installed version of `package` without a local build tag ('2.13.0' for '2.13.0+cpu'); None if absent."""
    try:
        return importlib.metadata.version(package).split("+")[0]
    except importlib.metadata.PackageNotFoundError:
        return None


def mismatches(patch):
    """The installed versions that differ from those `patch` was audited against, as 'keras 3.16.0'
    (a package not installed is no mismatch: its backend cannot run here)."""
    return [f"{package} {installed_version(package)}" for package, version in patch.audited.items()
            if installed_version(package) not in (version, None)]


def on_a_gpu(backend):
    """True where the started `backend` computes on a GPU (JAX only: the one with a CPU-only patch)."""
    if backend != "jax" or "jax" not in sys.modules:
        return False
    import jax

    return jax.default_backend() != "cpu"


def why_off(patch):
    """Why `patch` will not apply here, in a few words; None when it will."""
    if not patches_allowed():
        return "LENET_NO_PATCHES=1"
    if patch.cpu_only and on_a_gpu(patch.backend):
        return "measured on CPUs only"
    found = mismatches(patch)
    if found:
        wanted = ", ".join(f"{p} {v}" for p, v in patch.audited.items())
        return f"audited for {wanted}, found {', '.join(found)}"
    return None


def summary(backend=None):
    """The banner's words on the patches of the backend; '' where it has none."""
    states = [(p, why_off(p)) for p in (*PATCHES, XLA_CPU_FLAG) if p.backend == chosen_backend(backend)]
    named = [f"{p.name}{' (while training)' if p in PATCHES else ''}" for p, off in states if off is None]
    named += [f"{p.name} off: {off}" for p, off in states if off is not None]
    return f"patches {', '.join(named)}" if named else ""


@contextlib.contextmanager
def applied():
    """A block in which this backend's `PATCHES` are installed (those audited for the installed
    versions, on a CPU for JAX), then taken out. Nested blocks install nothing more."""
    import keras

    mine = [p for p in PATCHES if p.backend == keras.backend.backend() and p.name not in _installed]
    mine = [p for p in mine if _usable(p)]
    for patch in mine:
        _installed[patch.name] = patch.install()
    try:
        yield [p.name for p in mine]
    finally:
        for patch in mine:
            _installed.pop(patch.name)()


_warned = set()  # the patches whose being off was said once in this process


def _usable(patch):
    """Whether `patch` applies here; the first time it does not for a version, a warning says why."""
    reason = why_off(patch)
    if reason and reason.startswith("audited") and patch.name not in _warned:
        _warned.add(patch.name)
        warnings.warn(f"{patch.name} is off ({reason}): training runs slower; see docs/backends.md", stacklevel=4)
    return reason is None


def set_xla_cpu_flag():
    """Put XLA_CPU_FLAG's flag into XLA_FLAGS, before JAX starts; return whether it is there.
    Leaves XLA_FLAGS alone where you chose a YNNPACK setting yourself, or where `why_off`."""
    flags = os.environ.get("XLA_FLAGS", "")
    if "ynn_fusion_type" in flags:
        return XLA_FLAG in flags.split()
    if why_off(XLA_CPU_FLAG) is not None:
        return False
    os.environ["XLA_FLAGS"] = f"{flags} {XLA_FLAG}".strip()
    return True
