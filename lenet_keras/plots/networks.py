"""Figures of a network's insides: filters, feature maps, the 1998 connection table and RBF codes. Each
returns a matplotlib Figure."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .images import grid


def plot_filters(kernel, ncols=8):
    """The 5x5 filters of a conv kernel (h, w, in, out): one image per (output, input) pair, all on
    one colour scale centred on 0 (red adds, blue subtracts), with its colour bar."""
    h, w, n_in, n_out = kernel.shape
    fig, axes = grid(n_in * n_out, ncols=max(ncols, n_in) if n_in > 1 else min(ncols, n_out), size=0.9)
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
    fig, axes = grid(maps.shape[-1], ncols, size=1.1)
    low, high = float(maps.min()), float(maps.max())
    for c, ax in zip(range(maps.shape[-1]), axes):
        image = ax.imshow(maps[..., c], cmap="viridis", vmin=low, vmax=high)
        ax.set_title(str(c), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.colorbar(image, ax=fig.axes, shrink=0.8, label="activation")
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
    fig, axes = grid(len(codes), ncols=10, size=0.9)
    for digit, (ax, code) in enumerate(zip(axes, codes)):
        ax.imshow(np.reshape(code, shape), cmap="gray_r", vmin=-1, vmax=1)
        ax.set_title(str(digit), fontsize=9)
    fig.tight_layout()
    return fig


def _architecture_steps(model):
    """(name, what it does, output shape) for the input, each convolution, pooling and dense layer, and
    any other layer that changes the shape (padding); layers that keep it (rescaling, dropout, batch
    norm, augmentation) and Flatten are left out."""
    steps = [("input", "", tuple(model.inputs[0].shape[1:]))]
    for layer in model.layers:
        shape, kind = tuple(layer.output.shape[1:]), layer.__class__.__name__
        if kind in ("InputLayer", "Flatten"):  # a functional model lists its input as a layer
            continue
        if hasattr(layer, "kernel_size"):
            size = layer.kernel_size if isinstance(layer.kernel_size, tuple) else (layer.kernel_size,) * 2
            what = "{}x{} conv".format(*size)
        elif hasattr(layer, "pool_size"):
            what = "{}x{} {}".format(*layer.pool_size, "max" if "Max" in kind else "avg")
        elif hasattr(layer, "units"):
            what = "dense"
        elif shape != tuple(layer.input.shape[1:]):
            what = kind
        else:
            continue
        steps.append((layer.name, what, shape))
    return steps


def plot_architecture(model):
    """A network drawn as LeNet's paper draws it: each layer's maps as a stack of squares, sized to
    their side, and the dense layers as bars; under each, its name, what it does and its shape."""
    steps = _architecture_steps(model)
    fig, ax = plt.subplots(figsize=(1.3 * len(steps), 2.2))
    for x, (name, what, shape) in enumerate(steps):
        if len(shape) == 3:  # maps: one square per channel (8 at most drawn), offset like a deck of cards
            side, drawn = 0.6 * shape[0] / steps[0][2][0], min(shape[-1], 8)
            for k in reversed(range(drawn)):
                shift = 0.035 * (k - (drawn - 1) / 2)
                ax.add_patch(Rectangle((x - side / 2 + shift, 0.8 - side / 2 + shift), side, side,
                                       facecolor="#9ecae1", edgecolor="#08519c", lw=0.8))
            label = "x".join(map(str, shape))
        else:  # units: a bar whose height grows with their number
            height = 0.2 + 0.45 * np.sqrt(shape[0] / 120)
            ax.add_patch(Rectangle((x - 0.06, 0.8 - height / 2), 0.12, height, facecolor="#fdd0a2",
                                   edgecolor="#a63603", lw=0.8))
            label = f"{shape[0]}"
        ax.text(x, 0.38, f"{name}\n{label}" + (f"\n{what}" if what else ""), ha="center", va="top", fontsize=9)
        if x:
            ax.annotate("", xy=(x - 0.45, 0.8), xytext=(x - 0.55, 0.8), arrowprops={"arrowstyle": "->", "lw": 0.8})
    ax.set(xlim=(-0.55, len(steps) - 0.45), ylim=(-0.15, 1.2), aspect="equal")
    ax.axis("off")
    fig.tight_layout()
    return fig


def plot_filter_responses(image, kernels, responses, names):
    """One image, then for each hand-set filter its weights and what it computes on the image: the
    filter (h, w) and its response (H, W) on one colour scale each, centred on 0 (red +, blue -)."""
    fig, axes = plt.subplots(1, 1 + 2 * len(kernels), figsize=(2.0 * (1 + 2 * len(kernels)), 2.3), squeeze=False)
    axes = axes[0]
    axes[0].imshow(image, cmap="gray_r")
    axes[0].set_title("the digit", fontsize=9)
    for k, (kernel, response, name) in enumerate(zip(kernels, responses, names)):
        for ax, values, title in ((axes[1 + 2 * k], kernel, f"{name}: weights"),
                                  (axes[2 + 2 * k], response, f"{name}: response")):
            limit = float(np.abs(values).max()) or 1.0
            ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_title(title, fontsize=9)
    for ax in axes:
        ax.set(xticks=[], yticks=[])
    fig.tight_layout()
    return fig
