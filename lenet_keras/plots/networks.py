"""Figures of a network's insides: filters, feature maps, the 1998 connection table and RBF codes. Each
returns a matplotlib Figure."""

import matplotlib.pyplot as plt
import numpy as np

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
