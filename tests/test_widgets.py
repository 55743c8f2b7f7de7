"""The drawing pad's Python side, without a browser: a drawing in, LeNet's top 3 and the steps out."""

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from lenet_keras import widgets


@pytest.fixture(scope="module")
def pad(trained):
    """A pad with the session's tiny model (about 97% on the test set)."""
    return widgets.DigitPad(trained[0])


def drawn(digit):
    """An MNIST digit enlarged to the canvas, dark ink on white, as the browser would send it."""
    big = Image.fromarray(digit).resize((widgets.SIZE, widgets.SIZE), Image.Resampling.BILINEAR)
    return widgets.data_url(1 - np.asarray(big) / 255)


def test_drawn_digits_are_read(pad, mnist):
    x_test, y_test = mnist[1]
    first = [int(np.flatnonzero(y_test == label)[0]) for label in range(10)]
    read = []
    for i in first:
        pad.png = drawn(x_test[i])
        read.append(pad.top3[0][0])
    wrong = [(int(y_test[i]), r) for i, r in zip(first, read) if r != y_test[i]]
    assert len(wrong) <= 1, f"(label, read) wrong: {wrong}"


def test_results_are_the_top_3_and_a_picture(pad, mnist):
    pad.show(1 - mnist[1][0][0] / 255)  # a grey array, not yet a data URL (a 7, small: no matter)
    (d1, p1), (d2, p2), (d3, p3) = pad.top3
    assert len({d1, d2, d3}) == 3 and 1 >= p1 >= p2 >= p3 >= 0 and p1 + p2 + p3 <= 1 + 1e-6
    assert pad.reading == [f"LeNet reads: {d1} ({p1:.1%})", f"then {d2} ({p2:.1%}), {d3} ({p3:.1%})"]
    assert re.fullmatch(r"LeNet reads: \d \(\d{1,3}\.\d%\)", pad.reading[0])
    assert pad.message == ""
    with Image.open(io.BytesIO(base64.b64decode(pad.steps_png.removeprefix("data:image/png;base64,")))) as steps:
        assert steps.width > 3 * steps.height  # four steps side by side


def test_clear_empties_the_results(pad, mnist):
    pad.png = drawn(mnist[1][0][1])
    assert pad.top3
    pad.png = ""  # what Clear sends
    assert (pad.top3, pad.reading, pad.message, pad.steps_png) == ([], [], "", "")


def test_blank_drawing_gets_a_sentence(pad):
    pad.show(np.ones((widgets.SIZE, widgets.SIZE)))
    assert (pad.top3, pad.reading, pad.steps_png) == ([], [], "")
    assert pad.message.startswith("No digit found")


def test_data_url_round_trip():
    grey = np.linspace(0, 1, 12 * 7).reshape(12, 7)
    back = widgets.read_data_url(widgets.data_url(grey))
    assert back.shape == (12, 7) and np.abs(back - grey).max() <= 1 / 255
