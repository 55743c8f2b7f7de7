"""The web page (web/): MNIST's preparation in JavaScript against digits.py, and LeNet read in Chromium.

The first test runs web/mnist.js under Node.js on clean drawings (pen strokes, printed digits,
enlarged MNIST digits, one light on dark) and compares each 28x28 result with `digits.mnist_style`.
The second (under TensorFlow) serves the page from localhost with a model trained and exported to ONNX, draws a 1 and a 7 with the mouse in headless Chromium, and checks what the page
says against Keras on the image the page prepared, and that image against digits.py on the canvas.
Needs Node.js; the page also needs `npm ci --prefix web`, Playwright and Chromium (skipped, saying
why, where one is missing).
"""

import functools
import http.server
import json
import shutil
import subprocess
import threading
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from browser import CHROMIUM, ONE, SEVEN, chromium_page, draw
from lenet_keras import data, digits, export, samples, training, widgets

WEB = Path(__file__).parents[1] / "web"
NODE = shutil.which("node")
ORT = WEB / "node_modules" / "onnxruntime-web" / "dist"

PREPARE = """
import { mnistStyle } from "%s";
import { readFileSync } from "fs";
const items = JSON.parse(readFileSync(0, "utf8"));
console.log(JSON.stringify(items.map((it) => Array.from(mnistStyle(Float32Array.from(it.grey), it.width, it.height)))));
"""


def clean_drawings(mnist):
    """Grey images 0-1 of digits on clean paper, as a canvas gives them."""
    drawn, _ = samples.drawn_digits(per_digit=2)
    printed, _ = samples.font_digits()
    enlarged = [np.asarray(Image.fromarray(255 - x).resize((280, 280), Image.Resampling.BILINEAR), "float32") / 255
                for x in mnist[1][0][:20]]
    return drawn + printed[::3] + enlarged + [1.0 - enlarged[0]]  # the last: light ink on dark paper


@pytest.mark.skipif(not NODE, reason="Node.js is not installed (apt-get install nodejs)")
def test_javascript_preparation_matches_digits_py(mnist):
    images = clean_drawings(mnist)
    given = json.dumps([{"grey": i.ravel().tolist(), "width": i.shape[1], "height": i.shape[0]} for i in images])
    done = subprocess.run([NODE, "--input-type=module", "-e", PREPARE % (WEB / "mnist.js").as_uri()], input=given,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    got = np.array(json.loads(done.stdout), dtype=int).reshape(-1, 28, 28)
    expected = np.stack([digits.mnist_style(i) for i in images]).astype(int)
    assert len(got) == len(images) == 75
    assert np.abs(got - expected).max() <= 1  # within one grey level, image by image and pixel by pixel
    assert (got.reshape(len(got), -1).max(axis=1) > 200).all()  # each a digit in dark ink, not a blank


@pytest.fixture
def page_server(tmp_path, mnist):
    """The page on localhost, with a model trained on this backend and exported to ONNX: its URL."""
    if not ORT.is_dir():
        pytest.skip("ONNX Runtime Web is not installed: npm ci --prefix web")
    web = tmp_path / "web"  # the project's layout: the page imports ../lenet_keras/pen.js
    web.mkdir()
    for name in ("index.html", "page.js", "mnist.js", "node_modules"):
        (web / name).symlink_to(WEB / name)
    (tmp_path / "lenet_keras").symlink_to(WEB.parent / "lenet_keras")
    model, _ = training.train(training.TrainConfig(epochs=1, verbose=0), mnist=mnist)
    training.save_model(model, tmp_path / "lenet5.keras")
    export.export_model(tmp_path / "lenet5.keras", "onnx", web / "lenet5.onnx")
    quiet = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *args: None})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/web/", model
    finally:
        server.shutdown()
        server.server_close()


def read_drawing(page, points):
    """Draw one stroke, wait for the page's answer; return (digit shown, the page's reading, the canvas)."""
    page.evaluate("window.lenet.last = null")
    draw(page, page.locator("#pad"), points)
    page.wait_for_function("window.lenet.last !== null", timeout=30_000)
    reading = page.evaluate("window.lenet.last")
    canvas = widgets.read_data_url(page.evaluate("document.getElementById('pad').toDataURL('image/png')"))
    return page.locator("#digit").get_attribute("data-digit"), reading, canvas


@pytest.mark.skipif(not CHROMIUM, reason="no Chromium found: apt-get install chromium, or set LENET_CHROMIUM")
@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="the page runs an ONNX file, the same whichever backend trained the model (test_export "
                    "checks exports of models saved on every backend): run once, under TensorFlow")
@pytest.mark.browser
def test_page_reads_digits_drawn_with_the_mouse(page_server):
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install playwright")
    url, model = page_server
    with chromium_page() as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        assert page.evaluate("window.lenet.ready") is True, page.locator("#status").inner_text()
        one = read_drawing(page, ONE)
        page.get_by_role("button", name="Clear").click()
        seven = read_drawing(page, SEVEN)
    assert not errors, errors
    for shown, reading, canvas in (one, seven):
        image = np.array(reading["image"], dtype="uint8").reshape(28, 28)
        assert np.abs(image.astype(int) - digits.mnist_style(canvas)).max() <= 1  # the page prepares as digits.py
        keras_probs = model.predict(data.add_channel_axis(image[None]), verbose=0)[0]
        np.testing.assert_allclose(reading["probabilities"], keras_probs, atol=1e-4)  # ONNX in the browser = Keras
        assert int(shown) == int(np.argmax(keras_probs))
    assert (one[0], seven[0]) == ("1", "7")
