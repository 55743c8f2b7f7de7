"""Figures for the course. Each function returns a matplotlib Figure and never shows it."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from . import analysis


def _grid(n, ncols, size=1.2):
    """A figure with n image axes in rows of ncols, ticks off; the unused axes hidden."""
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size * 1.15), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    return fig, axes.flat


def plot_digits(images, titles=None, ncols=10, cmap="gray_r"):
    """A grid of images, (N, H, W) or (N, H, W, 1) or a list of any sizes, each with an optional title."""
    images = list(images)
    fig, axes = _grid(len(images), ncols)
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


def plot_history(histories, metrics=("loss", "accuracy"), title=None, log_loss=False, accuracy_ylim=None,
                 train=True):
    """Learning curves: for each metric, training (dashed) and validation (solid) per run.

    `histories` is one Keras history dict or a dict mapping run names to history dicts. `log_loss`
    draws the loss on a log scale and `accuracy_ylim` zooms the accuracy axis, so that one diverged
    or slow run does not flatten the others into a line; `train=False` leaves out the training
    curves, for many runs at once.
    """
    if "loss" in histories:
        histories = {"": histories}
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 3.6), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for i, (name, history) in enumerate(histories.items()):
            color = f"C{i}"
            epochs = np.arange(1, len(history[metric]) + 1)
            if train or f"val_{metric}" not in history:
                ax.plot(epochs, history[metric], "--", color=color, alpha=0.7, label=f"{name} train".strip())
            if f"val_{metric}" in history:
                ax.plot(epochs, history[f"val_{metric}"], "-", color=color, label=f"{name} validation".strip())
        ax.set(xlabel="epoch", ylabel=metric if train else f"validation {metric}")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        if metric == "loss" and log_loss:
            ax.set(yscale="log", ylabel="loss (log scale)")
        if metric == "accuracy" and accuracy_ylim:
            ax.set(ylim=accuracy_ylim)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=8, ncol=2 if len(histories) > 3 else 1)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(matrix):
    """The confusion matrix as a heat map with counts; the diagonal (correct) is left uncoloured."""
    off = matrix.astype(float)
    np.fill_diagonal(off, np.nan)
    fig, ax = plt.subplots(figsize=(6, 5.2))
    image = ax.imshow(off, cmap="Reds")
    for (i, j), count in np.ndenumerate(matrix):
        ax.text(j, i, str(count), ha="center", va="center", fontsize=7,
                color="black" if i != j else "tab:green")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit", ylabel="true digit",
           title="Confusion matrix (mistakes coloured)")
    fig.colorbar(image, ax=ax, label="mistakes")
    fig.tight_layout()
    return fig


def plot_misclassified(images, y_true, probs, indices, ncols=8):
    """A gallery of mistakes: each image titled 'true -> top guesses with probabilities'."""
    digits, p = analysis.top_k(probs[indices], 2)
    titles = [f"{y_true[i]}→{d[0]} {q[0]:.0%}\n{d[1]} {q[1]:.0%}" for i, d, q in zip(indices, digits, p)]
    fig, axes = _grid(len(indices), ncols, size=1.4)
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


def plot_filters(kernel, ncols=8):
    """The 5x5 filters of a conv kernel (h, w, in, out): one image per (output, input) pair, all on
    one colour scale centred on 0 (red adds, blue subtracts), with its colour bar."""
    h, w, n_in, n_out = kernel.shape
    fig, axes = _grid(n_in * n_out, ncols=max(ncols, n_in) if n_in > 1 else min(ncols, n_out), size=0.9)
    limit = np.abs(kernel).max()
    for ax, (o, i) in zip(axes, [(o, i) for o in range(n_out) for i in range(n_in)]):
        image = ax.imshow(kernel[:, :, i, o], cmap="RdBu_r", vmin=-limit, vmax=limit)
    fig.tight_layout()
    fig.colorbar(image, ax=fig.axes, shrink=0.8, label="weight")
    return fig


def plot_feature_maps(maps, ncols=8, title=None):
    """The feature maps (H, W, C) of one image, one panel per channel, all on one colour scale (so a
    dark map is a weak one), with its colour bar."""
    maps = np.asarray(maps)
    fig, axes = _grid(maps.shape[-1], ncols, size=1.1)
    low, high = float(maps.min()), float(maps.max())
    for c, ax in zip(range(maps.shape[-1]), axes):
        image = ax.imshow(maps[..., c], cmap="viridis", vmin=low, vmax=high)
        ax.set_title(str(c), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.colorbar(image, ax=fig.axes, shrink=0.8, label="activation")
    return fig


def plot_padding(images, pad=2):
    """Images padded by `pad` pixels on each side, with the original image's area outlined (dashed)
    and the padded field's edge drawn, so that the padding, background-coloured, can be seen."""
    images = [np.asarray(image).squeeze() for image in images]
    fig, axes = _grid(len(images), ncols=len(images), size=1.5)
    for ax, image in zip(axes, images):
        ax.imshow(image, cmap="gray_r")
        size = image.shape[0]
        ax.add_patch(Rectangle((-0.5, -0.5), size, size, fill=False, color="black", lw=1))
        ax.add_patch(Rectangle((pad - 0.5, pad - 0.5), size - 2 * pad, size - 2 * pad, fill=False,
                               color="tab:red", lw=1, ls="--"))
        ax.set_title(f"{size}x{size}", fontsize=9)
    fig.tight_layout()
    return fig


def plot_bars(values, ylabel, title=None, fmt="{:.2%}", ylim=None, band=None, band_label=None):
    """A labelled bar chart of `values`, a dict mapping names to numbers. `band` (low, high) shades a
    range across the chart, such as the spread of one setting over seeds: bars inside it are noise."""
    fig, ax = plt.subplots(figsize=(1.4 * len(values) + 2, 3))
    bars = ax.bar(list(values), list(values.values()), color=[f"C{i}" for i in range(len(values))])
    ax.bar_label(bars, labels=[fmt.format(v) for v in values.values()], fontsize=8)
    if band is not None:
        ax.axhspan(*band, color="gray", alpha=0.3, zorder=3, label=band_label)
        if band_label:
            ax.legend(fontsize=8, loc="upper left")
    ax.set(ylabel=ylabel, title=title, ylim=ylim)
    fig.tight_layout()
    return fig


def plot_ablation(results):
    """Test accuracy per ablation step: each seed as a dot, the mean +- std as a bar."""
    steps = results["steps"]
    fig, ax = plt.subplots(figsize=(1.6 * len(steps) + 1.5, 3.4))
    x = np.arange(len(steps))
    means = [100 * s["mean"] for s in steps]
    ax.bar(x, means, yerr=[100 * s["std"] for s in steps], capsize=4, color="C0", alpha=0.6)
    for i, s in enumerate(steps):
        ax.plot([i] * len(s["test_accuracy"]), 100 * np.array(s["test_accuracy"]), "k.", ms=5)
        ax.text(i + 0.08, means[i] + 100 * s["std"] + 0.03, f"{means[i]:.2f}", ha="left", fontsize=8)
    low = min(min(s["test_accuracy"]) for s in steps) * 100
    ax.set(xticks=x, ylim=(low - 0.15, 100), ylabel="test accuracy (%)",
           title=f"Each improvement added to LeNet-5 ({len(results['seeds'])} seeds, {results['backend']})")
    ax.set_xticklabels([s["step"] for s in steps], rotation=15, ha="right", fontsize=8)
    ax.axhline(99.5, color="gray", lw=0.8, ls="--")
    fig.tight_layout()
    return fig


def plot_connection_table(matrix):
    """The 1998 paper's Table I as a heat map: which input maps (rows) each C3 map (columns) reads."""
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.imshow(matrix, cmap="Greys", vmin=0, vmax=1.4)
    ax.set(xticks=range(matrix.shape[1]), yticks=range(matrix.shape[0]), xlabel="C3 feature map",
           ylabel="S2 feature map", title="C3's connections (Table I)")
    ax.set_xticks(np.arange(matrix.shape[1] + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(matrix.shape[0] + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="minor", length=0)
    fig.tight_layout()
    return fig


def plot_rbf_codes(codes, shape=(12, 7)):
    """The OUTPUT layer's fixed +-1 codes, one 7x12 bitmap per digit (the paper's Fig. 3)."""
    fig, axes = _grid(len(codes), ncols=10, size=0.9)
    for digit, (ax, code) in enumerate(zip(axes, codes)):
        ax.imshow(np.reshape(code, shape), cmap="gray_r", vmin=-1, vmax=1)
        ax.set_title(str(digit), fontsize=9)
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
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
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


def plot_range_test(rates, losses, suggested=None):
    """A learning-rate range test: the loss of each step against its rate, on a log axis, with the
    smoothed loss and, if given, the suggested rate marked. The blow-up at the end is cut off."""
    fig, ax = plt.subplots(figsize=(6, 3.2))
    smooth = analysis.smoothed(losses)
    ax.plot(rates, losses, color="C0", alpha=0.3, lw=1, label="loss of each step")
    ax.plot(rates, smooth, color="C0", label="smoothed")
    if suggested is not None:
        ax.axvline(suggested, color="C3", ls="--", label=f"suggested: {suggested:.2g}")
    ax.set(xscale="log", xlabel="learning rate (log scale)", ylabel="training loss", title="Learning-rate range test",
           ylim=(0, 1.3 * max(smooth[0], smooth.min())))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_data_parallelism(devices=2, batch=256):
    """How data parallelism trains one model on `devices` devices: the batch of `batch` images cut
    into equal slices, one per device; each device's copy of the model computes its slice's
    gradients; an all-reduce averages them; every copy applies the same update."""
    fig, ax = plt.subplots(figsize=(9, 1.2 + 1.1 * devices))
    ax.set(xlim=(0, 10), ylim=(-0.45, devices + 0.7))
    ax.axis("off")
    share = batch // devices

    def box(x, y, w, text, color):
        ax.add_patch(Rectangle((x, y - 0.3), w, 0.6, facecolor=color, edgecolor="black", lw=0.8))
        ax.text(x + w / 2, y, text, ha="center", va="center", fontsize=9)

    box(0.1, devices / 2 - 0.5, 1.6, f"batch of\n{batch} images", "#dddddd")
    ax.add_patch(Rectangle((6.1, -0.1), 1.5, devices - 0.2, facecolor="#fde3c8", edgecolor="black", lw=0.8))
    ax.text(6.85, devices / 2 - 0.5, "all-reduce:\naverage the\ngradients", ha="center", va="center", fontsize=9)
    for d in range(devices):
        y = devices - 1 - d
        ax.annotate("", (2.2, y), (1.7, devices / 2 - 0.5), arrowprops={"arrowstyle": "->", "lw": 0.8})
        box(2.2, y, 1.6, f"{share} images\n(slice {d + 1})", "#d6e6f5")
        ax.annotate("", (4.1, y), (3.8, y), arrowprops={"arrowstyle": "->", "lw": 0.8})
        box(4.1, y, 1.7, f"device {d}: model copy\n-> its gradients", "#d9f0d3")
        ax.annotate("", (6.1, y), (5.8, y), arrowprops={"arrowstyle": "->", "lw": 0.8})
        ax.annotate("", (8.1, y), (7.6, y), arrowprops={"arrowstyle": "->", "lw": 0.8})
        box(8.1, y, 1.8, f"device {d}: the same\nupdate of its copy", "#d9f0d3")
    ax.text(5, devices + 0.45, f"One training step on {devices} devices: {devices} copies of one model, "
            "the same weights before and after", ha="center", fontsize=10)
    fig.tight_layout()
    return fig
