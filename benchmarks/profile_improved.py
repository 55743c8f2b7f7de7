"""Where the improved LeNet-5's training step spends its time, on each backend: the step with each
of its changes to LeNet-5 taken away in turn, in milliseconds per batch of 128.

    python benchmarks/profile_improved.py            # the three backends, each in a fresh Python
    python benchmarks/profile_improved.py jax        # one backend

Each variant trains as `train` does (the improved recipe's compile settings, the course's patches)
on 6,400 images for 3 epochs; the figure is the best epoch after the first (a warm-up with
compilation), validation excluded. The difference from the improved network's step is what a change
costs; the rows do not add up exactly, since the changes interact.
"""

import dataclasses
import sys

from lenet_keras.files import child_main, run_each_backend
from lenet_keras.settings import BACKENDS

VARIANTS = ("improved", "no augmentation", "no batch norm", "no dropout", "LeNet-5 widths",
            "no label smoothing", "LeNet-5")
IMAGES, EPOCHS = 6400, 3


def build(variant):
    """The model and the train settings of `variant`."""
    from lenet_keras import models, training

    options, config = dict(models.IMPROVEMENTS), training.recipe("improved")
    taken = {"no augmentation": "augment", "no batch norm": "batch_norm", "no dropout": "dropout",
             "LeNet-5 widths": "widths"}.get(variant)
    if taken:
        options.pop(taken)
    if variant == "no label smoothing":
        config = dataclasses.replace(config, label_smoothing=0.0)
    if variant == "LeNet-5":
        options, config = {}, dataclasses.replace(config, label_smoothing=0.0)
    return models.build_lenet5(**options), config


def step_milliseconds(variant, mnist):
    """The best epoch's milliseconds per training step of `variant` on this backend."""
    from lenet_keras import backend, benchmark, data, training
    from lenet_keras.backend import patches

    (x, y), _ = data.training_sets(mnist, IMAGES)
    backend.seed_everything(0)
    model, config = build(variant)
    timer = benchmark.epoch_timer()
    with patches.applied():
        _, fitted = training.compiled_model(config, steps_per_epoch=IMAGES // config.batch_size, model=model)
        fitted.fit(data.model_inputs(x), data.one_hot(y), batch_size=config.batch_size, epochs=EPOCHS, verbose=0,
                   callbacks=[timer])
    return round(1000 * min(timer.seconds[1:]) / (IMAGES // config.batch_size), 2)


def profile(name):
    """{variant: ms per step} on backend `name`, measured in this process."""
    from lenet_keras import backend

    backend.select_backend(name)
    from lenet_keras import data

    mnist = data.load_mnist()
    return {variant: step_milliseconds(variant, mnist) for variant in VARIANTS}


def main():
    """Measure each backend named on the command line (default: all three); print the table."""
    results = run_each_backend(__file__, sys.argv[1:] or BACKENDS)
    print(f"{'ms per step, batch 128':24s}" + "".join(f"{name:>12s}" for name in results))
    for variant in VARIANTS:
        print(f"{variant:24s}" + "".join(f"{results[name][variant]:12.1f}" for name in results))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child_main(lambda: profile(sys.argv[2]))
    else:
        main()
