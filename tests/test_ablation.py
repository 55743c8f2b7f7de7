"""The ablation: its steps add one improvement at a time and end at the improved recipe."""

import numpy as np
import pytest

from lenet_keras import ablation, models, training


def test_steps_add_one_improvement_at_a_time():
    steps = ablation.ablation_steps()
    assert steps[0] == ("LeNet-5", {}, 0.0)
    for (_, before, smooth_before), (_, after, smooth_after) in zip(steps, steps[1:]):
        added = set(after) - set(before)
        assert len(added) + (smooth_after != smooth_before) == 1  # exactly one change per step
    assert steps[-1][1] == models.IMPROVEMENTS
    assert steps[-1][2] == training.recipe("improved").label_smoothing > 0


def test_run_trains_every_step_with_every_seed_on_the_improved_recipe(mnist, monkeypatch):
    """What `run_ablation` asks of `train` (recorded, not trained: `train` is tested on its own)."""
    calls = []

    def recorded_train(config, mnist, model):
        calls.append((config, model))
        return model, {"test_accuracy": 0.95 + 0.001 * len(calls), "seconds": 2.0}

    monkeypatch.setattr(training, "train", recorded_train)
    results = ablation.run_ablation(seeds=(0, 1), epochs=3, subset=256, mnist=mnist, log=lambda line: None)
    improved, steps = training.recipe("improved"), ablation.ablation_steps()
    assert len(calls) == 2 * len(steps) and [row["step"] for row in results["steps"]] == [s[0] for s in steps]
    for k, ((label, options, smoothing), row) in enumerate(zip(steps, results["steps"])):
        for seed, (config, model) in enumerate(calls[2 * k:2 * k + 2]):
            assert (config.seed, config.label_smoothing, config.epochs, config.subset) == (seed, smoothing, 3, 256)
            assert (config.batch_size, config.learning_rate, config.schedule) == (
                improved.batch_size, improved.learning_rate, improved.schedule)
            expected = models.build_lenet5(**options)
            assert [(layer.name, layer.count_params()) for layer in model.layers] == \
                [(layer.name, layer.count_params()) for layer in expected.layers], label
        accuracies = [0.95 + 0.001 * (2 * k + 1), 0.95 + 0.001 * (2 * k + 2)]
        assert row["test_accuracy"] == accuracies and row["mean"] == pytest.approx(np.mean(accuracies))
        assert row["std"] == pytest.approx(np.std(accuracies, ddof=1)) and row["seconds_per_run"] == 2.0
    assert (results["epochs"], results["seeds"], results["train_images"]) == (3, [0, 1], 256)


def test_format_reports_mean_std_and_gain():
    results = {"steps": [{"step": "a", "test_accuracy": [0.99, 0.992], "mean": 0.991, "std": float(np.std([0.99, 0.992], ddof=1)),
                          "seconds_per_run": 10.0},
                         {"step": "b", "test_accuracy": [0.995, 0.995], "mean": 0.995, "std": 0.0, "seconds_per_run": 12.0}]}
    lines = ablation.format_ablation(results).splitlines()
    assert "99.10% +- 0.14%" in lines[2] and "+0.40 pp" in lines[3]
