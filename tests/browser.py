"""Headless Chromium for the browser tests (JupyterLab's drawing pad, the web page), driven by Playwright."""

import contextlib
import os
import shutil

CHROMIUM = os.environ.get("LENET_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def chromium_page():
    """A page in headless Chromium, large enough for a notebook and its figures."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


ONE = [(0.52, 0.15), (0.47, 0.85)]  # points of a stroke, as fractions of the canvas
SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]  # the bar and the stem in one stroke


def draw(page, canvas, points):
    """Draw one stroke through `points` on `canvas` with the mouse, as a student would."""
    box = canvas.bounding_box()
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=15)
    page.mouse.up()
