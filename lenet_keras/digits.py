"""Your own digits, prepared the way MNIST's were: from any photo or scan to a 28x28 MNIST image.

MNIST's creators took each digit, removed the background, scaled its bounding box to fit 20x20
keeping the aspect ratio, and placed it in a 28x28 field so that its centre of mass is the centre.
`mnist_style` does the same to a photo of a digit on paper, dark ink on light or light on dark,
even with uneven lighting; `preparation_steps` keeps every intermediate image for the notebook.
"""

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from scipy import ndimage

from . import analysis
from .errors import UserError


def read_grey(path):
    """Read a PNG, JPEG (or any image Pillow knows) as grey levels 0-1, float32, shape (H, W)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"The image {path} does not exist: check the path.")
    if path.stat().st_size == 0:
        raise UserError(f"The image {path} is empty (0 bytes): pass a PNG or JPEG file.")
    try:
        with Image.open(path) as image:
            image.load()
            return np.asarray(image.convert("L"), dtype="float32") / 255.0
    except (UnidentifiedImageError, OSError) as error:
        raise UserError(f"{path} is not an image Pillow can read ({error}): pass a PNG or JPEG file.") from error


def ink(grey):
    """How much ink each pixel holds, 0-1: the background removed and light-on-dark made dark-on-light.

    The brightness of the paper varies across a photo, so the background is estimated locally: a
    grey-level closing with a window half the image wide erases every stroke thinner than that
    (even bold print, which a median filter would take for paper) and keeps the slowly varying paper.
    """
    if np.median(grey) < 0.5:  # mostly dark: light ink on dark paper
        grey = 1.0 - grey
    small = max(1, min(grey.shape) // 64)  # work on a reduced copy: the background varies slowly
    reduced = grey[::small, ::small]
    window = max(3, min(reduced.shape) // 2) | 1
    background = ndimage.grey_closing(reduced, size=window, mode="nearest")
    background = ndimage.median_filter(background, size=5, mode="nearest")  # the closing's noise peaks
    background = ndimage.zoom(background, (grey.shape[0] / reduced.shape[0], grey.shape[1] / reduced.shape[1]),
                              order=1)[:grey.shape[0], :grey.shape[1]]
    darker = np.clip(background - grey, 0.0, None)
    return darker / darker.max() if darker.max() > 0 else darker


def otsu_threshold(values):
    """The threshold that best splits `values` (0-1) into two groups (Otsu's method)."""
    counts, edges = np.histogram(values, bins=256, range=(0.0, 1.0))
    centres = (edges[:-1] + edges[1:]) / 2
    weight = np.cumsum(counts)
    mean = np.cumsum(counts * centres)
    total_weight, total_mean = weight[-1], mean[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_mean * weight - mean * total_weight) ** 2 / (weight * (total_weight - weight))
    return float(edges[np.nanargmax(between) + 1])  # values above the best bin are the upper group


def digit_mask(amount):
    """The pixels that belong to the digit: above Otsu's threshold, in the connected pieces that are
    at least a tenth the size of the largest one (specks of dirt and noise are dropped)."""
    if not amount.any():
        raise UserError("No digit found in the image: is it blank?")
    mask = amount > otsu_threshold(amount)
    labels, count = ndimage.label(mask, structure=np.ones((3, 3)))
    sizes = ndimage.sum(mask, labels, index=np.arange(1, count + 1))
    keep = np.flatnonzero(sizes >= 0.1 * sizes.max()) + 1
    return np.isin(labels, keep)


def fit_in_box(image, size=20):
    """Scale `image` so its longer side is `size` pixels, keeping the aspect ratio (anti-aliased)."""
    h, w = image.shape
    scale = size / max(h, w)
    new = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(image.astype("float32"), mode="F").resize(new, Image.Resampling.LANCZOS)
                      ).clip(0.0, 1.0)


def centre_by_mass(box, field=28):
    """Place `box` in a field x field image so that its centre of mass is the field's centre."""
    out = np.zeros((field, field), dtype="float32")
    cy, cx = ndimage.center_of_mass(box)
    top, left = int(round(field / 2 - cy)), int(round(field / 2 - cx))
    top, left = np.clip(top, 0, field - box.shape[0]), np.clip(left, 0, field - box.shape[1])
    out[top:top + box.shape[0], left:left + box.shape[1]] = box
    return out


def preparation_steps(grey):
    """Every step from a grey image (H, W, 0-1) to the MNIST-style digit, as a dict of images."""
    amount = ink(grey)
    mask = digit_mask(amount)
    cleaned = np.where(mask, amount, 0.0)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    cropped = cleaned[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    boxed = fit_in_box(cropped / cropped.max())
    centred = centre_by_mass(boxed)
    return {"grey": grey, "ink": amount, "cleaned": cleaned, "cropped": cropped, "20x20": boxed,
            "28x28": np.round(centred * 255).astype("uint8")}


def mnist_style(grey):
    """A grey image of one digit (H, W, 0-1) as MNIST would have it: (28, 28) uint8, ink 255."""
    return preparation_steps(grey)["28x28"]


def probabilities(model, images):
    """`model`'s probabilities for `images` (N, 28, 28, 1), as NumPy, in one call: `predict_on_batch`,
    not `predict`, which sets up a batch pipeline per call (on TensorFlow 98 ms for the pad's one
    digit instead of 9; benchmarks/README.md)."""
    return np.asarray(model.predict_on_batch(images))


def predict_files(model, paths):
    """Predict the digit in each image file; return one JSON-ready dict per file, in order:
    {"file", "digit", "probability", "top3": [{"digit", "probability"}, ...]}."""
    images = np.stack([mnist_style(read_grey(path)) for path in paths])[..., None]
    best, chances = analysis.top_k(probabilities(model, images), k=3)
    return [{"file": str(path), "digit": int(d[0]), "probability": float(p[0]),
             "top3": [{"digit": int(di), "probability": float(pi)} for di, pi in zip(d, p)]}
            for path, d, p in zip(paths, best, chances)]
