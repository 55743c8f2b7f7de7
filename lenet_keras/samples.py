"""Digits that are not from MNIST's files, to test `predict` the way a student's own digits would:
rendered from fonts, drawn with code as pen strokes, MNIST digits re-photographed, and real
handwriting from another collection (UCI's, which scikit-learn ships).

Each function returns grey images (H, W) with values 0-1 and dark ink on light paper (unless asked
to invert), of various sizes, and their labels: what a phone or a scanner would give.
"""

from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

# Fonts that ship with matplotlib, so every machine has them.
FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSerif.ttf",
         "DejaVuSerif-Italic.ttf", "DejaVuSansMono.ttf", "STIXGeneral.ttf", "STIXGeneralItalic.ttf",
         "cmr10.ttf", "cmss10.ttf")


def _ellipse(cx, cy, rx, ry, start=0.0, stop=2 * np.pi, n=24):
    t = np.linspace(start, stop, n)
    return list(zip(cx + rx * np.cos(t), cy + ry * np.sin(t)))


# Pen strokes of each digit, as points in a unit box (x to the right, y down).
STROKES = {
    0: [_ellipse(0.5, 0.5, 0.38, 0.46)],
    1: [[(0.3, 0.22), (0.55, 0.03), (0.55, 0.97)]],
    2: [[(0.15, 0.25), (0.3, 0.07), (0.6, 0.04), (0.82, 0.2), (0.75, 0.45), (0.12, 0.95), (0.9, 0.95)]],
    3: [[(0.15, 0.06), (0.82, 0.06), (0.45, 0.42)] + _ellipse(0.5, 0.68, 0.35, 0.28, -np.pi / 2, 0.85 * np.pi, 14)],
    4: [[(0.68, 0.97), (0.68, 0.03), (0.08, 0.66), (0.92, 0.66)]],
    5: [[(0.85, 0.04), (0.25, 0.04), (0.2, 0.45)] + _ellipse(0.5, 0.68, 0.35, 0.28, -0.7 * np.pi, 0.85 * np.pi, 16)],
    6: [[(0.75, 0.04), (0.35, 0.3), (0.15, 0.68)] + _ellipse(0.5, 0.72, 0.35, 0.25, np.pi, 3 * np.pi, 24)],
    7: [[(0.08, 0.04), (0.92, 0.04), (0.4, 0.97)]],
    8: [_ellipse(0.5, 0.26, 0.28, 0.22), _ellipse(0.5, 0.72, 0.36, 0.25)],
    9: [_ellipse(0.5, 0.3, 0.33, 0.26), [(0.83, 0.3), (0.78, 0.6), (0.65, 0.97)]],
}


def font_digits(size=(100, 80)):
    """Each digit in each of FONTS, dark on white: 100 images (H, W) = `size`, and their labels."""
    fonts_dir = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    images, labels = [], []
    for name in FONTS:
        font = ImageFont.truetype(str(fonts_dir / name), int(size[0] * 0.8))
        for digit in range(10):
            page = Image.new("L", size[::-1], 255)
            ImageDraw.Draw(page).text((size[1] / 2, size[0] / 2), str(digit), fill=0, font=font, anchor="mm")
            images.append(np.asarray(page, dtype="float32") / 255.0)
            labels.append(digit)
    return images, np.array(labels)


def drawn_digits(per_digit=10, seed=0):
    """Each digit drawn `per_digit` times as pen strokes, every time with a different hand: shaky
    points, slant, size and pen width. Returns images (140, 110) and labels."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for digit, strokes in STROKES.items():
        for _ in range(per_digit):
            page = Image.new("L", (110, 140), 255)
            draw = ImageDraw.Draw(page)
            slant, scale, width = rng.uniform(-0.25, 0.25), rng.uniform(0.75, 1.0), int(rng.integers(6, 13))
            for stroke in strokes:
                points = np.array(stroke) + rng.normal(0, 0.025, (len(stroke), 2))
                x = 55 + (points[:, 0] - 0.5 + slant * (0.5 - points[:, 1])) * 70 * scale
                y = 70 + (points[:, 1] - 0.5) * 110 * scale
                draw.line(list(zip(x, y)), fill=0, width=width, joint="curve")
            images.append(np.asarray(page, dtype="float32") / 255.0)
            labels.append(digit)
    return images, np.array(labels)


def photographed(digit, rng, invert=False):
    """An MNIST digit (28, 28) re-photographed: enlarged, off-centre, dark ink on unevenly lit, noisy
    paper (light on dark with `invert`). Returns a (200, 240) image."""
    big = np.asarray(Image.fromarray(digit).resize((120, 120), Image.Resampling.BICUBIC), dtype="float32") / 255
    canvas = np.zeros((200, 240), dtype="float32")
    top, left = rng.integers(0, 80), rng.integers(0, 120)
    canvas[top:top + 120, left:left + 120] = big
    paper = 0.9 - 0.35 * np.linspace(0, 1, 240)[None, :] * np.linspace(0.3, 1, 200)[:, None]
    photo = np.clip(paper - 0.6 * canvas + rng.normal(0, 0.04, canvas.shape), 0, 1)
    return 1 - photo if invert else photo


def photographed_digits(images, labels, seed=0):
    """`photographed` for each MNIST digit in `images`, every other one inverted; and the labels."""
    rng = np.random.default_rng(seed)
    return [photographed(image, rng, invert=i % 2 == 1) for i, image in enumerate(images)], np.asarray(labels)


def enlarged(block_counts, scale=8, margin=2):
    """An 8x8 image of ink counts 0-16 (UCI's format) as a grey image, dark ink on light paper: a
    margin of paper around it, then enlarged `scale` times with a smooth (cubic) interpolation."""
    paper = 1.0 - np.pad(np.asarray(block_counts, dtype="float64"), margin) / 16.0
    return np.clip(ndimage.zoom(paper, scale, order=3), 0.0, 1.0).astype("float32")


def uci_digits():
    """1,797 real handwritten digits that are not MNIST's: the test set of UCI's "Optical Recognition
    of Handwritten Digits" (Alpaydin and Kaynak, 1998; 13 writers on NIST's forms), which scikit-learn
    ships in its package (`load_digits`, no download). Each was a 32x32 bitmap, scaled to fit, then
    reduced to 8x8 counts of ink in 4x4 blocks; returned `enlarged`, with the labels."""
    from sklearn.datasets import load_digits  # imported here: only this set needs scikit-learn

    uci = load_digits()
    return [enlarged(image) for image in uci.images], uci.target


def reduced_like_uci(image):
    """An MNIST digit (28x28, 0-255) reduced the way UCI's were: its ink (above half) cropped, scaled to
    fit 32x32 keeping the aspect ratio, then counted in 4x4 blocks: 8x8 counts 0-16."""
    ink = np.asarray(image) > 127
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = Image.fromarray(ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].astype("uint8") * 255)
    scale = 32 / max(crop.size)
    fitted = np.asarray(crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
                                    Image.Resampling.NEAREST)) > 127
    bitmap = np.zeros((32, 32), dtype=bool)
    top, left = (32 - fitted.shape[0]) // 2, (32 - fitted.shape[1]) // 2
    bitmap[top:top + fitted.shape[0], left:left + fitted.shape[1]] = fitted
    return bitmap.reshape(8, 4, 8, 4).sum(axis=(1, 3))
