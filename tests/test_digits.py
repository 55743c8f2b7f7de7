"""Your own digits: photos and scans become MNIST-style 28x28 images; bad files get a sentence."""

import numpy as np
import pytest
from PIL import Image

from lenet_keras import digits, samples
from lenet_keras.errors import UserError


@pytest.mark.parametrize("invert", [False, True])
def test_photographed_digit_comes_back_like_mnist(mnist, invert):
    digit = mnist[1][0][0]  # a 7
    out = digits.mnist_style(samples.photographed(digit, np.random.default_rng(0), invert))
    assert out.shape == (28, 28) and out.dtype == np.uint8
    rows, cols = np.flatnonzero(out.any(axis=1)), np.flatnonzero(out.any(axis=0))
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 == 20  # fits 20x20, the longer side 20
    cy, cx = _centre_of_mass(out)
    assert abs(cy - 14) <= 1 and abs(cx - 14) <= 1
    overlap = np.logical_and(out > 64, digit > 64).sum() / np.logical_or(out > 64, digit > 64).sum()
    assert overlap > 0.5  # the same strokes where MNIST has them


def _centre_of_mass(image):
    ys, xs = np.indices(image.shape)
    return (ys * image).sum() / image.sum(), (xs * image).sum() / image.sum()


def test_specks_of_dirt_are_dropped():
    grey = np.ones((100, 100), dtype="float32")
    grey[30:70, 45:52] = 0.0  # a "1"
    grey[5:7, 90:92] = 0.0  # dirt far away
    steps = digits.preparation_steps(grey)
    assert steps["cropped"].shape == (40, 7)  # the dirt did not stretch the bounding box


def test_otsu_splits_two_groups():
    values = np.concatenate([np.full(100, 0.1), np.full(50, 0.8)])
    assert 0.1 <= digits.otsu_threshold(values) < 0.8


def test_blank_image_is_refused():
    with pytest.raises(UserError, match="No digit found"):
        digits.mnist_style(np.ones((50, 50), dtype="float32"))


def test_bad_files_are_refused(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        digits.read_grey(tmp_path / "missing.png")
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(UserError, match="is empty"):
        digits.read_grey(tmp_path / "empty.png")
    (tmp_path / "notes.png").write_text("not an image")
    with pytest.raises(UserError, match="not an image"):
        digits.read_grey(tmp_path / "notes.png")


def test_reads_colour_jpeg_as_grey(tmp_path):
    rgb = np.zeros((30, 40, 3), dtype=np.uint8)
    rgb[..., 0] = 255
    Image.fromarray(rgb).save(tmp_path / "red.jpg")
    grey = digits.read_grey(tmp_path / "red.jpg")
    assert grey.shape == (30, 40) and grey.dtype == np.float32 and 0.2 < grey.mean() < 0.4


def test_bold_strokes_are_not_taken_for_background():
    grey = np.ones((100, 100), dtype="float32")
    grey[10:90, 35:65] = 0.0  # a "1" a third of the image wide
    steps = digits.preparation_steps(grey)
    assert steps["cropped"].shape == (80, 30)
    assert steps["cropped"].min() > 0.5  # solid ink, no hole in the middle


@pytest.mark.parametrize("make", [samples.font_digits, lambda: samples.drawn_digits(per_digit=2)])
def test_sample_digits_are_labelled_and_prepare_like_mnist(make):
    images, labels = make()
    assert len(images) == len(labels) and np.array_equal(np.bincount(labels), [len(labels) // 10] * 10)
    for image in images[::7]:
        assert image.dtype == np.float32 and image.min() < 0.2 and image.max() > 0.8  # ink on paper
        out = digits.mnist_style(image)
        rows, cols = np.flatnonzero(out.any(axis=1)), np.flatnonzero(out.any(axis=0))
        assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 == 20


def test_uci_digits_are_real_handwriting_on_paper():
    images, labels = samples.uci_digits()
    assert len(images) == len(labels) == 1797 and set(labels) == set(range(10))
    image = images[0]
    assert image.shape == (96, 96) and image.dtype == np.float32
    assert image[:8].min() == pytest.approx(1.0, abs=0.02) and image.min() < 0.2  # a margin of paper, dark ink
    out = digits.mnist_style(image)
    rows, cols = np.flatnonzero(out.any(axis=1)), np.flatnonzero(out.any(axis=0))
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 == 20


def test_reduced_like_uci_counts_ink_in_4x4_blocks_keeping_the_aspect_ratio():
    square = np.full((28, 28), 255, dtype=np.uint8)
    assert (samples.reduced_like_uci(square) == 16).all()  # every block full
    bar = np.zeros((28, 28), dtype=np.uint8)
    bar[4:24, 12:16] = 255  # a "1": 20 tall, 4 wide
    reduced = samples.reduced_like_uci(bar)
    assert reduced.shape == (8, 8) and reduced.max() <= 16
    assert reduced[:, 0].sum() == 0 and reduced[:, -1].sum() == 0  # not stretched to the full width
    assert reduced.sum() == pytest.approx(32 * 6.4, rel=0.15)  # 32 tall, about 6 wide in the 32x32 bitmap
    enlarged = samples.enlarged(reduced)
    assert enlarged.shape == (96, 96) and enlarged[:, :20].min() > 0.98  # paper where there is no ink
