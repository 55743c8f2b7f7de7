"""What each improvement buys: LeNet-5, then batch normalization, dropout, augmentation, label
smoothing and wider convolutions added one at a time, each step trained with several seeds.

    python -m lenet_keras ablation [--seeds 3] [--report benchmarks/ablation.json]

Every step trains with the improved recipe (`recipe("improved")`: 20 epochs, Adam, cosine
decay), so the only difference between two neighbouring rows is the one improvement added.
"""

import dataclasses

import numpy as np

from . import backend, data, models
from .config import recipe


def ablation_steps():
    """The steps as (label, model options, label smoothing), each adding one change to the one
    before; the last is the improved model with its recipe."""
    improved, smoothing = models.IMPROVEMENTS, recipe("improved").label_smoothing
    batch_norm = {"batch_norm": improved["batch_norm"]}
    dropout = {**batch_norm, "dropout": improved["dropout"]}
    augment = {**dropout, "augment": improved["augment"]}
    return [("LeNet-5", {}, 0.0),
            ("+ batch normalization", batch_norm, 0.0),
            ("+ dropout", dropout, 0.0),
            ("+ augmentation", augment, 0.0),
            ("+ label smoothing", augment, smoothing),
            ("+ wider C1, C3", improved, smoothing)]


def run_ablation(seeds=(0, 1, 2), epochs=None, subset=None, mnist=None, data_dir=None, log=print):
    """Train every step with every seed; return the test accuracies per step, JSON-ready."""
    import keras

    from . import training  # imports Keras: only once the backend is chosen

    mnist = mnist or data.load_mnist(data_dir)
    base = recipe("improved")
    base = dataclasses.replace(base, epochs=epochs or base.epochs, subset=subset, verbose=0)
    rows = []
    for label, options, smoothing in ablation_steps():
        accuracies, seconds = [], []
        for seed in seeds:
            config = dataclasses.replace(base, seed=seed, label_smoothing=smoothing)
            backend.seed_everything(seed)  # the seed decides the initial weights too
            _, report = training.train(config, mnist=mnist, model=models.build_lenet5(**options))
            accuracies.append(report["test_accuracy"])
            seconds.append(report["seconds"])
            log(f"{label:24s} seed {seed}: test accuracy {report['test_accuracy']:.2%} ({report['seconds']:.0f} s)")
        rows.append({"step": label, "model_options": options, "label_smoothing": smoothing,
                     "test_accuracy": accuracies, "mean": float(np.mean(accuracies)),
                     "std": float(np.std(accuracies, ddof=1)) if len(accuracies) > 1 else 0.0,
                     "seconds_per_run": round(float(np.mean(seconds)), 1)})
    return {"backend": keras.backend.backend(), "epochs": base.epochs, "batch_size": base.batch_size,
            "seeds": list(seeds), "train_images": subset or 55000, "steps": rows}


def format_ablation(results):
    """The results as a Markdown table: mean +- std of the test accuracy per step, and the gain."""
    lines = ["| step | test accuracy (mean +- std) | change | runs | s per run |", "| --- | --- | --- | --- | --- |"]
    previous = None
    for row in results["steps"]:
        change = "" if previous is None else f"{(row['mean'] - previous) * 100:+.2f} pp"
        lines.append(f"| {row['step']} | {row['mean']:.2%} +- {row['std']:.2%} | {change} | "
                     f"{', '.join(f'{a:.2%}' for a in row['test_accuracy'])} | {row['seconds_per_run']:.0f} |")
        previous = row["mean"]
    return "\n".join(lines)
