"""`python -m lenet_keras kernels`: one Jupyter kernel per backend, each starting with its KERAS_BACKEND."""

import importlib.util
import json
import subprocess
import sys

from jupyter_client.manager import start_new_kernel

from lenet_keras import backend


def install(prefix):
    result = subprocess.run([sys.executable, "-m", "lenet_keras", "kernels", "--prefix", str(prefix)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_kernels_are_installed_once_per_backend(tmp_path):
    install(tmp_path)
    out = install(tmp_path)  # again: replaced, not duplicated
    assert "Kernel > Change Kernel" in out
    folder = tmp_path / "share" / "jupyter" / "kernels"
    assert sorted(p.name for p in folder.iterdir()) == [f"lenet-keras-{b}" for b in sorted(backend.BACKENDS)]
    for name in backend.BACKENDS:
        spec = json.loads((folder / f"lenet-keras-{name}" / "kernel.json").read_text())
        assert spec["display_name"] == f"LeNet-5 ({backend.NAMES[name]})"
        assert spec["env"] == {"KERAS_BACKEND": name} and spec["argv"][0] == sys.executable


def test_kernel_runs_with_its_backend(tmp_path, monkeypatch):
    """Started the way JupyterLab starts it, the JAX kernel sees KERAS_BACKEND=jax whatever the server's is."""
    install(tmp_path)
    monkeypatch.setenv("KERAS_BACKEND", "torch")  # the server's own environment must not win
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))  # where Jupyter looks first
    kernel, client = start_new_kernel(kernel_name="lenet-keras-jax", startup_timeout=120)
    try:
        printed = []
        reply = client.execute_interactive("import os; print(os.environ['KERAS_BACKEND'])", timeout=120,
                                           output_hook=lambda m: printed.append(m["content"].get("text", "")))
        assert reply["content"]["status"] == "ok"
        assert "".join(printed).strip() == "jax"
    finally:
        client.stop_channels()
        kernel.shutdown_kernel(now=True)


def test_prefix_must_exist(tmp_path):
    result = subprocess.run([sys.executable, "-m", "lenet_keras", "kernels", "--prefix", str(tmp_path / "no")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stderr.startswith("error: The folder") and "Traceback" not in result.stderr


def test_kernels_only_for_installed_backends(tmp_path, monkeypatch):
    """A one-backend install (pip install -e ".[jax]") gets the one kernel it can run."""
    from lenet_keras import jupyter_kernels as kernels

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: real(name, *a) if name == "jax" else None)
    assert list(kernels.install_kernels(prefix=str(tmp_path))) == ["jax"]
    assert [p.name for p in (tmp_path / "share" / "jupyter" / "kernels").iterdir()] == ["lenet-keras-jax"]
