"""Figures of images: digits in a grid, the data set, padding, a photo's preparation. Each returns a
matplotlib Figure."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle


def grid(n, ncols, size=1.2):
    """A figure with n image axes in rows of ncols, ticks off; the unused axes hidden."""
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size * 1.15), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    return fig, axes.flat


def plot_digits(images, titles=None, ncols=10, cmap="gray_r"):
    """A grid of images, (N, H, W) or (N, H, W, 1) or a list of any sizes, each with an optional title."""
    images = list(images)
    fig, axes = grid(len(images), ncols)
    for i, (ax, image) in enumerate(zip(axes, images)):
        ax.imshow(np.asarray(image).squeeze(), cmap=cmap)
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=9)
    fig.tight_layout()
    return fig


def plot_class_balance(y_train, y_test):
    """Bar chart of how many images each digit has, training and test side by side."""
    fig, ax = plt.subplots(figsize=(7, 3))
    digits = np.arange(10)
    for offset, (name, y) in zip([-0.2, 0.2], [("train", y_train), ("test", y_test)]):
        counts = np.bincount(y, minlength=10)
        ax.bar(digits + offset, counts / counts.sum(), width=0.4, label=f"{name} ({len(y):,})")
    ax.set(xticks=digits, xlabel="digit", ylabel="share of images", title="Class balance")
    ax.axhline(0.1, color="gray", lw=0.8, ls="--")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_pixel_histograms(versions):
    """One histogram per preprocessing: `versions` maps a name to an array of pixel values."""
    fig, axes = plt.subplots(1, len(versions), figsize=(3.2 * len(versions), 2.8), squeeze=False)
    for ax, (name, x) in zip(axes[0], versions.items()):
        x = np.asarray(x, dtype=np.float32).ravel()
        ax.hist(x, bins=50, log=True, color="tab:blue")
        ax.set_title(f"{name}\nmean {x.mean():.3f}, std {x.std():.3f}", fontsize=9)
        ax.set_xlabel("pixel value")
    axes[0][0].set_ylabel("count (log)")
    fig.tight_layout()
    return fig


def plot_padding(images, pad=2):
    """Images padded by `pad` pixels on each side, with the original image's area outlined (dashed)
    and the padded field's edge drawn, so that the padding, background-coloured, can be seen."""
    images = [np.asarray(image).squeeze() for image in images]
    fig, axes = grid(len(images), ncols=len(images), size=1.5)
    for ax, image in zip(axes, images):
        ax.imshow(image, cmap="gray_r")
        size = image.shape[0]
        ax.add_patch(Rectangle((-0.5, -0.5), size, size, fill=False, color="black", lw=1))
        ax.add_patch(Rectangle((pad - 0.5, pad - 0.5), size - 2 * pad, size - 2 * pad, fill=False,
                               color="tab:red", lw=1, ls="--"))
        ax.set_title(f"{size}x{size}", fontsize=9)
    fig.tight_layout()
    return fig


def plot_preparation(steps):
    """Each step of `digits.preparation_steps`, left to right, titled with its name and size.
    The photo is shown as it is; the later steps as ink (dark) on white."""
    fig, axes = plt.subplots(1, len(steps), figsize=(1.7 * len(steps), 2.2))
    for ax, (name, image) in zip(axes, steps.items()):
        ax.imshow(image, cmap="gray" if name == "grey" else "gray_r", vmin=0, vmax=image.max() or 1)
        ax.set_title(f"{name}\n{image.shape[0]}x{image.shape[1]}", fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    return fig
