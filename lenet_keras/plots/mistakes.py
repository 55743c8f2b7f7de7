"""Figures of what a model gets wrong: the confusion matrix, the mistakes, confidence, reliability,
occlusion. Each returns a matplotlib Figure."""

import matplotlib.pyplot as plt
import numpy as np

from .. import analysis
from .images import grid


def plot_confusion_matrix(matrix, title="Confusion matrix (mistakes coloured)", vmax=None):
    """The confusion matrix as a heat map with counts, under `title`; the diagonal (correct) is left uncoloured.
    `vmax`, the count at the darkest red, puts several matrices on one colour scale (default: this one's largest)."""
    off = matrix.astype(float)
    np.fill_diagonal(off, np.nan)
    fig, ax = plt.subplots(figsize=(6, 5.2))
    image = ax.imshow(off, cmap="Reds", vmin=0, vmax=vmax)
    for (i, j), count in np.ndenumerate(matrix):
        ax.text(j, i, str(count), ha="center", va="center", fontsize=7,
                color="black" if i != j else "tab:green")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit", ylabel="true digit",
           title=title)
    fig.colorbar(image, ax=ax, label="mistakes")
    fig.tight_layout()
    return fig


def plot_misclassified(images, y_true, probs, indices, ncols=8):
    """A gallery of mistakes: each image titled 'true -> top guesses with probabilities'."""
    digits, p = analysis.top_k(probs[indices], 2)
    titles = [f"{y_true[i]}→{d[0]} {q[0]:.0%}\n{d[1]} {q[1]:.0%}" for i, d, q in zip(indices, digits, p)]
    fig, axes = grid(len(indices), ncols, size=1.4)
    for ax, i, title in zip(axes, indices, titles):
        ax.imshow(np.asarray(images[i]).squeeze(), cmap="gray_r")
        ax.set_title(title, fontsize=8)
    fig.tight_layout()
    return fig


def plot_confidence(probs, y_true):
    """Histogram of the top probability, separately for right and wrong predictions."""
    confidence = probs.max(axis=1)
    right = probs.argmax(axis=1) == y_true
    fig, ax = plt.subplots(figsize=(6, 3))
    bins = np.linspace(0, 1, 41)
    ax.hist(confidence[right], bins=bins, log=True, alpha=0.7, label=f"right ({right.sum():,})")
    ax.hist(confidence[~right], bins=bins, log=True, alpha=0.7, label=f"wrong ({(~right).sum():,})")
    ax.set(xlabel="probability of the predicted digit", ylabel="images (log)", title="Confidence")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_reliability(versions, y_true, bins=15):
    """Reliability diagrams side by side, one per entry of `versions` (a dict: name -> probabilities):
    the share right in each confidence bin against the diagonal a calibrated model would follow, the
    gap shaded, the answers per bin written in, the expected calibration error in the title."""
    fig, axes = plt.subplots(1, len(versions), figsize=(4.2 * len(versions), 4), squeeze=False)
    for ax, (name, probs) in zip(axes.flat, versions.items()):
        table = analysis.reliability(probs, y_true, bins)
        left, width = table["edges"][:-1], np.diff(table["edges"])
        filled = table["count"] > 0
        ax.bar(left[filled], table["accuracy"][filled], width[filled], align="edge", color="C0",
               edgecolor="white", label="share right")
        ax.bar(left[filled], table["confidence"][filled] - table["accuracy"][filled], width[filled],
               bottom=table["accuracy"][filled], align="edge", fill=False, hatch="///", edgecolor="C3",
               lw=0.5, label="gap to the mean confidence")
        ax.plot([0, 1], [0, 1], "k--", lw=1, label="calibrated")
        tops = np.fmax(table["accuracy"], table["confidence"])[filled]
        for x, w, n, top in zip(left[filled], width[filled], table["count"][filled], tops):
            ax.text(x + w / 2, min(top + 0.02, 0.9), f"{n:,}", rotation=90, ha="center", va="bottom", fontsize=7)
        ece = analysis.expected_calibration_error(probs, y_true, bins)
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence (bin)", ylabel="share right",
               title=f"{name}: ECE {ece:.2%}")
    # one legend under the panels, where it covers no bar
    fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def plot_occlusion(images, maps, titles, row_labels):
    """One column per image: the image, then each of its occlusion maps (`maps[k][i]`: map k of image
    i, from `analysis.occlusion_maps`) in red where hiding that part lowered the probability, blue where
    it raised it, on one symmetric scale per row."""
    fig, axes = plt.subplots(1 + len(maps), len(images), figsize=(1.3 * len(images) + 1, 1.45 * (1 + len(maps))),
                             squeeze=False, layout="constrained")
    for ax in axes.flat:
        ax.set(xticks=[], yticks=[])
    for i, (image, title) in enumerate(zip(images, titles)):
        axes[0, i].imshow(np.asarray(image).squeeze(), cmap="gray_r")
        axes[0, i].set_title(title, fontsize=8)
    for k, (row, label) in enumerate(zip(maps, row_labels), start=1):
        scale = max(float(np.abs(row).max()), 1e-6)
        for i, (image, heat) in enumerate(zip(images, row)):
            axes[k, i].imshow(np.asarray(image).squeeze(), cmap="gray_r", alpha=0.35)
            shown = axes[k, i].imshow(heat, cmap="RdBu_r", vmin=-scale, vmax=scale, alpha=0.75)
        axes[k, 0].set_ylabel(label, fontsize=8)
        fig.colorbar(shown, ax=list(axes[k]), fraction=0.02, pad=0.01, label="drop in p")
    return fig
