"""The ablation: its steps add one improvement at a time and end at the improved recipe."""

import numpy as np

from lenet_keras import ablation, models, training


def test_steps_add_one_improvement_at_a_time():
    steps = ablation.ablation_steps()
    assert steps[0] == ("LeNet-5", {}, 0.0)
    for (_, before, smooth_before), (_, after, smooth_after) in zip(steps, steps[1:]):
        added = set(after) - set(before)
        assert len(added) + (smooth_after != smooth_before) == 1  # exactly one change per step
    assert steps[-1][1] == models.IMPROVEMENTS
    assert steps[-1][2] == training.recipe("improved").label_smoothing > 0


def test_run_and_format(mnist):
    results = ablation.run_ablation(seeds=(0,), epochs=1, subset=256, mnist=mnist, log=lambda line: None)
    assert [row["step"] for row in results["steps"]] == [label for label, _, _ in ablation.ablation_steps()]
    for row in results["steps"]:
        assert len(row["test_accuracy"]) == 1 and 0.0 <= row["mean"] <= 1.0 and row["std"] == 0.0
    table = ablation.format_ablation(results).splitlines()
    assert len(table) == 2 + len(results["steps"]) and "pp" in table[3]


def test_format_reports_mean_std_and_gain():
    results = {"steps": [{"step": "a", "test_accuracy": [0.99, 0.992], "mean": 0.991, "std": float(np.std([0.99, 0.992], ddof=1)),
                          "seconds_per_run": 10.0},
                         {"step": "b", "test_accuracy": [0.995, 0.995], "mean": 0.995, "std": 0.0, "seconds_per_run": 12.0}]}
    lines = ablation.format_ablation(results).splitlines()
    assert "99.10% +- 0.14%" in lines[2] and "+0.40 pp" in lines[3]
