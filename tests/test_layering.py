"""The package's shape: imports run one way, down the layers (no circle, no upward import, not even
inside a function), and no module is longer than a reader takes in at one sitting."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lenet_keras"
# Bottom to top. A module may import its own layer's modules (without a circle) and lower layers'.
LAYERS = [
    {"errors", "settings", "files", "config", "checks"},  # leaves: import nothing of the package
    {"data", "layers", "models", "analysis", "digits", "samples", "plots"},  # NumPy and Keras building blocks
    {"backend", "parallel"},  # what differs per backend, and data parallel over them
    {"training"},
    {"cli", "commands", "export", "benchmark", "ablation", "jupyter_kernels", "widgets", "grading", "__main__"},  # the apps
]
LONGEST = 250


def module_name(path):
    """'backend.jax' for lenet_keras/backend/jax.py, 'backend' for lenet_keras/backend/__init__.py."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules():
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if module_name(p)}  # not the root __init__


def imported(name, path):
    """The package's modules that `path` imports, anywhere in it (module level or in a function)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            for alias in node.names:  # `from . import x`: x may be a module; else the names of `target`
                found.add(f"{target}.{alias.name}".strip(".") if f"{target}.{alias.name}".strip(".") in modules()
                          else target)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found |= {n.removeprefix("lenet_keras.") for n in names if n.startswith("lenet_keras.")}
    return found - {"", name}


def layer(name):
    return next(i for i, members in enumerate(LAYERS) if name.split(".")[0] in members)


GRAPH = {name: imported(name, path) for name, path in modules().items()}


def test_every_module_has_a_layer():
    for name in GRAPH:
        layer(name)  # StopIteration: a new module needs its place in LAYERS


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_no_import_runs_upward(name):
    upward = sorted(t for t in GRAPH[name] if layer(t) > layer(name))
    assert not upward, f"{name} (layer {layer(name)}) imports {upward} from a higher layer"


def test_no_import_circle():
    done, path = set(), []

    def visit(name):
        if name in path:
            raise AssertionError("import circle: " + " -> ".join([*path[path.index(name):], name]))
        if name in done:
            return
        path.append(name)
        for target in sorted(GRAPH[name]):  # a submodule importing its own package's __init__ counts too
            visit(target)
        path.pop()
        done.add(name)

    for name in sorted(GRAPH):
        visit(name)


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_no_module_imports_the_package_it_is_part_of(name):
    """A package's __init__ imports its modules (backend, training, plots), never the other way round:
    a module takes what it needs from a sibling module (`from .devices import first_devices`)."""
    parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    assert not GRAPH[name] & parents, f"{name} imports {sorted(GRAPH[name] & parents)}, the package it is part of"


def test_the_checker_sees_imports_inside_functions():
    assert "training" in GRAPH["export"]  # export imports training only inside `export_model`
    assert "backend.patches" in GRAPH["backend.jax"]
    # `from . import x` names the package unless x is a module: a submodule reaching into its own
    # package's __init__ (which imports it) is an edge back up, a circle
    assert not any(target == "backend" for target in GRAPH["backend.patches"] | GRAPH["backend.jax"])


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_250_lines(path):
    assert len(path.read_text().splitlines()) <= LONGEST
