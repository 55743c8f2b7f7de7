"""How fast is training? Keras on each backend against a plain PyTorch loop, in one run.

    python -m lenet_keras benchmark [--model lenet5|classic|improved] [--all-backends] [--report PATH.json]

Each backend runs in its own process (a process holds one Keras backend), and so does the
reference: the same LeNet-5 in plain PyTorch, a loop over in-memory tensors as the PyTorch
tutorials write it, measured before and after each backend (for the classic and improved networks
too: it tells how fast the machine is that minute). Only ratios within one run mean much:
machines are noisy. Every speed is the best timed epoch, as `timeit` takes the best of its
repeats: a slower epoch is the machine's noise (on a shared 2-core VM the same loop swings
between 13,000 and 25,000 images/s from one minute to the next), not the code's speed.
"""

import dataclasses
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from . import backend, data
from .config import GOALS, TrainConfig, recipe
from .files import child_main, run_python
from .settings import BACKENDS


def epoch_timer(test=None, target=0.99):
    """A Keras callback that records each epoch's training seconds (validation excluded) and, if
    `test` = (x, y) is given, the training seconds until test accuracy first reaches `target`."""
    import keras

    from .training import evaluate_model  # imports Keras: only once the backend is chosen

    class Timer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds, self.test_accuracy, self.seconds_to_target = [], [], None

        def on_epoch_begin(self, epoch, logs=None):
            self.start, self.validating = time.perf_counter(), 0.0

        def on_test_begin(self, logs=None):
            self.test_start = time.perf_counter()

        def on_test_end(self, logs=None):
            self.validating += time.perf_counter() - self.test_start

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.start - self.validating)
            if test is not None:
                accuracy = evaluate_model(self.model, *test)["test_accuracy"]
                self.test_accuracy.append(accuracy)
                if accuracy >= target and self.seconds_to_target is None:
                    self.seconds_to_target = sum(self.seconds)

    return Timer()


def peak_memory_mb():
    """Peak resident memory of this process, in MB. On Linux from /proc (`ru_maxrss` there also
    counts the parent's memory before `exec`, which inflates a subprocess's figure)."""
    status = Path("/proc/self/status")
    if status.exists():
        peak_kb = next(int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
        return round(peak_kb / 1024, 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def images_per_second(n_images, epoch_seconds):
    """Throughput of each timed epoch (all but the first, a warm-up) and of the best one."""
    each = [round(n_images / s, 1) for s in epoch_seconds[1:]]
    return {"train_images_per_second": max(each), "epoch_images_per_second": each}


def prediction_speed(predict, images, batch_size, seconds=1.0):
    """Images per second that `predict` (a function from a batch to probabilities) reads at
    `batch_size`: a warm-up call, then passes over `images` until `seconds` have gone; the best pass."""
    batches = [images[i:i + batch_size] for i in range(0, len(images) - batch_size + 1, batch_size)]
    predict(batches[0])
    best, end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < end or best == 0.0:
        start = time.perf_counter()
        for batch in batches:
            predict(batch)
        best = max(best, len(batches) * batch_size / (time.perf_counter() - start))
    return best


def measure_backend(batch_size, epochs=5, accuracy_run=True, subset=None, data_dir=None, model="lenet5"):
    """Measure `model` on the current Keras backend: its speed at `batch_size`, its recipe's time
    to its goal (`config.GOALS`); return a JSON-ready dict.

    Training images/s is the best epoch after the first (a warm-up with compilation);
    `seconds_to_goal` is the training time of the model's recipe until test accuracy first reaches
    the goal (99% for LeNet-5 and the classic network, 99.5% for the improved one).
    """
    import keras

    from . import training
    from .backend import patches

    mnist = data.load_mnist(data_dir)
    (_, _), (x_test, y_test) = mnist
    (x_fit, y_fit), _ = data.training_sets(mnist, subset)
    config = dataclasses.replace(recipe(model), batch_size=batch_size, epochs=epochs, verbose=0)
    backend.seed_everything(config.seed, config.deterministic)
    timer = epoch_timer()
    images = data.add_channel_axis(x_test)
    with patches.applied():  # as the course trains; inference too, as measured before they were scoped
        network, fitted = training.compiled_model(config, steps_per_epoch=-(-len(x_fit) // batch_size))
        fitted.fit(data.model_inputs(x_fit), data.one_hot(y_fit), batch_size=batch_size, epochs=epochs, verbose=0,
                   callbacks=[timer])
        network.predict(images, batch_size=1000, verbose=0)  # warm-up
        start = time.perf_counter()
        network.predict(images, batch_size=1000, verbose=0)
        inference = len(images) / (time.perf_counter() - start)

    result = {
        "model": model,
        "backend": keras.backend.backend(),
        "device": backend.device_name(),
        "batch_size": batch_size,
        "first_epoch_seconds": round(timer.seconds[0], 2),
        **images_per_second(len(x_fit), timer.seconds),
        "inference_images_per_second": round(inference, 1),
    }
    if accuracy_run:
        timer = epoch_timer(test=(x_test, y_test), target=GOALS[model])
        _, report = training.train(dataclasses.replace(recipe(model), verbose=0), mnist=mnist, callbacks=[timer])
        result.update(goal=GOALS[model], seconds_to_goal=timer.seconds_to_target and round(timer.seconds_to_target, 1),
                      test_accuracy=report["test_accuracy"],
                      epoch_test_accuracy=timer.test_accuracy)
    result["peak_memory_mb"] = peak_memory_mb()
    return result


def measure_reference(batch_size, learning_rate, epochs=5, subset=None, data_dir=None):
    """Train the same LeNet-5 in a plain PyTorch loop over in-memory tensors (Adam, constant
    `learning_rate`); return its speed."""
    import torch
    from torch import nn

    (x_fit, y_fit), _ = data.training_sets(data.load_mnist(data_dir), subset)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    x = torch.from_numpy(data.standardize(x_fit)[:, None]).to(device)
    y = torch.from_numpy(y_fit.astype(np.int64)).to(device)
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 120, 5), nn.ReLU(), nn.Flatten(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x), device=device)
        for i in range(0, len(x), batch_size):
            batch = order[i:i + batch_size]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(net(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
        if device == "cuda":
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
    return {"name": f"plain PyTorch {torch.__version__} loop", "device": device, "batch_size": batch_size,
            "first_epoch_seconds": round(seconds[0], 2), **images_per_second(len(x), seconds),
            "peak_memory_mb": peak_memory_mb()}


def run_in_subprocess(what, **options):
    """Measure `what` ("reference" or a backend name) in a fresh Python process, its progress shown."""
    import json

    with tempfile.TemporaryDirectory() as folder:
        return run_python(["-m", "lenet_keras.benchmark", what, json.dumps(options)], folder, show_output=True,
                          what=f"The benchmark of {what}")


def run_benchmark(all_backends=False, batch_size=None, model="lenet5", **options):
    """Measure the reference and `model` on the current backend (or all three) at `batch_size`
    (default: the model's recipe's); return the results dict."""
    lenet5 = TrainConfig()
    options["batch_size"] = batch_size or recipe(model).batch_size
    reference_options = {k: v for k, v in options.items() if k != "accuracy_run"}
    options["model"] = model

    def time_reference():
        print("measuring the plain PyTorch reference (LeNet-5) ...", flush=True)
        return run_in_subprocess("reference", learning_rate=lenet5.learning_rate, **reference_options)

    references, backends = [time_reference()], []
    for name in BACKENDS if all_backends else [None]:
        print(f"measuring Keras, {model}, on {name or 'this backend'} ...", flush=True)
        backends.append(run_in_subprocess(name, **options) if name else measure_backend(**options))
        references.append(time_reference())
    reference = best_of(references)
    for result in backends:
        result["vs_reference"] = round(result["train_images_per_second"] / reference["train_images_per_second"], 2)
    return {"reference": reference, "backends": backends}


def best_of(runs):
    """The reference's runs as one result: its best epoch of any run."""
    epochs = [speed for run in runs for speed in run["epoch_images_per_second"]]
    return {**runs[0], "train_images_per_second": max(epochs), "epoch_images_per_second": epochs,
            "peak_memory_mb": max(run["peak_memory_mb"] for run in runs)}


def format_table(results):
    """The results as a plain-text table, the reference first."""
    ref = results["reference"]
    rows = [("", "train img/s", "vs ref", "first epoch s", "infer img/s", "s to goal", "test acc", "peak MB"),
            (ref["name"], f"{ref['train_images_per_second']:,.0f}", "1.00x", f"{ref['first_epoch_seconds']:.1f}",
             "", "", "", f"{ref['peak_memory_mb']:,.0f}")]
    for r in results["backends"]:
        to_goal = r.get("seconds_to_goal")
        rows.append((f"Keras {r['backend']} ({r['device']}), {r['model']}", f"{r['train_images_per_second']:,.0f}",
                     f"{r['vs_reference']:.2f}x", f"{r['first_epoch_seconds']:.1f}",
                     f"{r['inference_images_per_second']:,.0f}",
                     f"not {r['goal']:.1%}" if "seconds_to_goal" in r and to_goal is None else
                     (f"{to_goal:.1f} ({r['goal']:.1%})" if to_goal else ""),
                     f"{r['test_accuracy']:.2%}" if "test_accuracy" in r else "", f"{r['peak_memory_mb']:,.0f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                               enumerate(zip(row, widths))) for row in rows)


def measure(what, options):
    """A child of `run_in_subprocess`: measure `what` ("reference" or a backend name)."""
    if what == "reference":
        return measure_reference(**options)
    backend.select_backend(what)
    return measure_backend(**options)


if __name__ == "__main__":  # the child of run_in_subprocess: WHAT OPTIONS_JSON
    import json

    child_main(lambda: measure(sys.argv[1], json.loads(sys.argv[2])))
