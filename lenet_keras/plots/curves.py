"""Figures of training runs: learning curves, bars with a noise band, the ablation, the range test, data
parallelism. Each returns a matplotlib Figure."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from .. import analysis


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


def plot_runs_apart(histories, metrics=("val_loss", "val_accuracy"), log_loss=False):
    """One small panel per run and metric (a row per metric, a column per run, shared axes), the first
    run drawn in grey in every panel: curves that would tangle on one axis, each compared with the first."""
    names = list(histories)
    fig, axes = plt.subplots(len(metrics), len(names), figsize=(2.3 * len(names), 2.1 * len(metrics)),
                             sharex=True, sharey="row", squeeze=False)
    for row, metric in zip(axes, metrics):
        for i, (ax, name) in enumerate(zip(row, names)):
            epochs = np.arange(1, len(histories[name][metric]) + 1)
            if i:
                first = histories[names[0]][metric]
                ax.plot(np.arange(1, len(first) + 1), first, color="0.6", lw=1, label=names[0])
            ax.plot(epochs, histories[name][metric], color=f"C{i}", lw=1.5, label=name)
            ax.set_title(name if metric == metrics[0] else "", fontsize=9)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
            if "loss" in metric and log_loss:
                ax.set_yscale("log")
                ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))  # 0.05, 0.1, 0.2, ...
                ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))  # 0.1, not 10^-1
                ax.yaxis.set_minor_formatter(NullFormatter())
        row[0].set_ylabel(metric.replace("val_", "validation "), fontsize=9)
    if len(names) > 1:
        axes[0][1].legend(fontsize=7)  # grey is the first run
    for ax in axes[-1]:
        ax.set_xlabel("epoch", fontsize=9)
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
