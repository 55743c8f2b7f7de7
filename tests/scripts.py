"""Files beside the package that tests read as modules: benchmarks' scripts, the notebooks' conftest."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_module(path, name=None):
    """The Python file at `path` (relative to the project's root) as a fresh module."""
    spec = importlib.util.spec_from_file_location(name or Path(path).stem, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
