"""The course as students use it: JupyterLab in a browser, the backend picked from its kernel menu.

Installs the course's kernels (`python -m lenet_keras kernels`) into a scratch prefix, starts
`jupyter lab` on localhost with a token and KERAS_BACKEND set to *another* backend, opens a copy of a
notebook that trains in headless Chromium (driven by Playwright, as JupyterLab's own UI tests are),
chooses "LeNet-5 (<this run's backend>)" through Kernel > Change Kernel..., runs all cells from the
Run menu in quick mode, and checks that the first cell's banner names the chosen backend, every cell
ran, none shows an error and the figures rendered. Under each KERAS_BACKEND that CI runs, its own
kernel is picked. A screenshot is saved next to the copy (its path is printed). A second test draws a
1 and a 7 with the mouse on the drawing pad (`widgets.DigitPad`) and checks what LeNet reads. Needs
`pip install playwright` and a Chromium (Debian: `apt-get install chromium`); skipped with the
reason otherwise.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import keras
import nbformat
import pytest

from browser import CHROMIUM, ONE, SEVEN, chromium_page, draw
from lenet_keras import backend, training

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "02_lenet5.ipynb"  # trains, then figures (the quickest that does)
BACKEND = keras.backend.backend()
KERNEL = f"LeNet-5 ({backend.NAMES[BACKEND]})"
pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install playwright")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM, reason="no Chromium found: apt-get install chromium, "
                                 "or set LENET_CHROMIUM to its path")]

# Every cell in the page (no virtual scrolling), so that all prompts and outputs can be read.
SETTINGS = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyter_lab(tmp_path):
    """A JupyterLab server on localhost serving tmp_path/work; yields (url, token, folder)."""
    work, settings = tmp_path / "work", tmp_path / "settings"
    work.mkdir()
    for name, values in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    prefix = tmp_path / "prefix"
    prefix.mkdir()
    installed = subprocess.run([sys.executable, "-m", "lenet_keras", "kernels", "--prefix", str(prefix)],
                               capture_output=True, text=True, timeout=120)
    assert installed.returncode == 0, installed.stderr
    port, token = free_port(), secrets.token_hex(16)
    other = next(b for b in backend.BACKENDS if b != BACKEND)  # the server's: the kernel must override it
    env = {**os.environ, "LENET_QUICK": "1", "JUPYTERLAB_SETTINGS_DIR": str(settings), "KERAS_BACKEND": other,
           "JUPYTER_PATH": str(prefix / "share" / "jupyter")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}"]
        + (["--allow-root"] if os.geteuid() == 0 else []),  # CI containers run as root
        env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "server.log", "w"))
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
                time.sleep(0.5)
        yield url, token, work
    finally:
        server.terminate()
        server.wait(timeout=30)


def code_prompts(page):
    return page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()


def change_kernel(page, name):
    """Kernel > Change Kernel..., pick `name` in JupyterLab's dialog, wait until it is idle."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Kernel$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Change Kernel")).click()
    page.locator(".jp-Dialog select").select_option(label=name)
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.get_by_text(re.compile(re.escape(name) + r" \| Idle$")).wait_for(timeout=180_000)


def run_on_this_backend(page, url, token, name):
    """Open the server's notebook `name`, switch it to this run's kernel, Run > Run All Cells."""
    page.goto(f"{url}/lab/tree/{name}?token={token}")
    page.locator(".jp-NotebookPanel .jp-Notebook-cell").first.wait_for(timeout=120_000)
    page.get_by_text(re.compile(r"\| Idle$")).wait_for(timeout=120_000)  # the status bar: kernel ready
    change_kernel(page, KERNEL)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()


def test_notebook_runs_in_jupyterlab_on_the_kernel_picked(jupyter_lab):
    url, token, work = jupyter_lab
    shutil.copy(NOTEBOOK, work / NOTEBOOK.name)  # a copy: the committed notebook stays as it is
    shutil.copytree(NOTEBOOK.parent / "checks", work / "checks")  # its exercises' checks, beside it as in notebooks/
    with chromium_page() as page:
        run_on_this_backend(page, url, token, NOTEBOOK.name)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            prompts = code_prompts(page)
            errors = page.locator(".jp-OutputArea-output", has_text="Traceback").count()
            if errors or (prompts and all(t.strip("[]: ").isdigit() for t in prompts)):
                break
            time.sleep(1)
        page.screenshot(path=str(work / "jupyterlab.png"), full_page=True)
        print("screenshot:", work / "jupyterlab.png")
        figures = page.locator(".jp-RenderedImage img").count()
        unanswered = page.locator(".jp-OutputArea-output", has_text="not answered yet").count()  # the checks, as shipped
        banner = page.locator(".jp-OutputArea-output", has_text="lenet-keras: backend").first.inner_text()
        page.keyboard.press("Control+s")
        page.get_by_text(re.compile("Saving completed")).wait_for(timeout=30_000)

    assert f"backend {BACKEND}," in banner and "quick mode on" in banner, banner
    assert errors == 0, "a cell shows an error"
    assert all(t.strip("[]: ").isdigit() for t in prompts), f"not every cell ran in time: {prompts}"
    assert figures >= 3, f"only {figures} figures rendered"
    assert unanswered == 3, f"{unanswered} of the 3 exercises' checks say what to set"
    saved = json.loads((work / NOTEBOOK.name).read_text())  # what the browser saved after the run
    assert saved["metadata"]["kernelspec"]["name"] == f"lenet-keras-{BACKEND}"  # the choice is remembered
    cells = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in cells)
    assert not [o for c in cells for o in c["outputs"] if o["output_type"] == "error"]
    assert any("image/png" in o.get("data", {}) for c in cells for o in c["outputs"])


PAD_CELLS = ["from lenet_keras import backend\nbackend.start()",
             "from lenet_keras import training, widgets\n\nwidgets.DigitPad(training.load_model(\"lenet5.keras\"))"]
def read(page):
    """What the pad says once the kernel has read the drawing: the best guess or a sentence."""
    answer = page.locator(".lenet-best, .lenet-message")
    answer.wait_for(timeout=120_000)
    return answer.inner_text()


@pytest.mark.skipif(BACKEND != "tensorflow", reason="the pad's browser side is the same on every backend: checked "
                    "once, under TensorFlow (its Python side runs on each in tests/test_widgets.py)")
def test_digit_pad_reads_what_is_drawn_with_the_mouse(jupyter_lab, mnist):
    url, token, work = jupyter_lab
    model, _ = training.train(training.TrainConfig(epochs=2, verbose=0), mnist=mnist)
    training.save_model(model, work / "lenet5.keras")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in PAD_CELLS])
    notebook.metadata.kernelspec = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(notebook, work / "pad.ipynb")
    with chromium_page() as page:
        run_on_this_backend(page, url, token, "pad.ipynb")
        canvas = page.locator("canvas.lenet-pad")
        canvas.wait_for(timeout=300_000)
        canvas.scroll_into_view_if_needed()
        draw(page, canvas, ONE)
        one = read(page)
        page.get_by_role("button", name="Clear").click()
        page.locator(".lenet-result > *").first.wait_for(state="detached", timeout=60_000)
        draw(page, canvas, SEVEN)
        seven = read(page)
        page.locator(".lenet-steps").wait_for(timeout=60_000)
        shot = work / "digit_pad.png"
        page.locator(".lenet-digit-pad").screenshot(path=str(shot))
    print("screenshot:", shot)
    if os.environ.get("LENET_ARTIFACTS"):
        shutil.copy(shot, Path(os.environ["LENET_ARTIFACTS"]) / shot.name)
    assert one.startswith("LeNet reads: 1 ("), one
    assert seven.startswith("LeNet reads: 7 ("), seven
