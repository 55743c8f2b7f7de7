"""The benchmark's plumbing on a small subset: the numbers it reports, the table, the reference."""

import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest

from lenet_keras import benchmark
from lenet_keras.cli import main
from lenet_keras.training import TrainConfig
from scripts import load_module


@pytest.fixture(scope="module")
def small_results():
    return benchmark.run_benchmark(epochs=2, subset=2000, accuracy_run=False)


@pytest.mark.integration  # the plain loop in two fresh processes
def test_results_hold_what_the_issue_asks(small_results):
    reference, (result,) = small_results["reference"], small_results["backends"]
    assert reference["train_images_per_second"] > 0 and reference["name"].startswith("plain PyTorch")
    assert reference["batch_size"] == result["batch_size"] == TrainConfig().batch_size  # both at train's default
    assert result["backend"] == keras.backend.backend()
    # plausible magnitudes on any machine, CPU or GPU: a unit slip (ms, batches) falls outside them
    for r in (reference, result):
        assert 100 < r["train_images_per_second"] < 10**7 and 200 < r["peak_memory_mb"] < 20_000
    assert 100 < result["inference_images_per_second"] < 10**8
    assert len(result["epoch_images_per_second"]) == 1  # 2 epochs: a warm-up, then one timed
    assert len(reference["epoch_images_per_second"]) == 2  # one timed epoch before the backend, one after
    for r in (reference, result):
        assert r["train_images_per_second"] == max(r["epoch_images_per_second"])
    assert result["vs_reference"] == pytest.approx(
        result["train_images_per_second"] / reference["train_images_per_second"], abs=0.01)


def test_speed_is_the_best_timed_epoch():
    assert benchmark.images_per_second(1000, [9.0, 2.0, 1.0, 4.0]) == {
        "train_images_per_second": 1000.0, "epoch_images_per_second": [500.0, 1000.0, 250.0]}
    before = {"train_images_per_second": 5.0, "epoch_images_per_second": [4.0, 5.0], "peak_memory_mb": 9.0}
    after = {"train_images_per_second": 7.0, "epoch_images_per_second": [7.0, 3.0], "peak_memory_mb": 8.0}
    assert benchmark.best_of([before, after]) == {
        "train_images_per_second": 7.0, "epoch_images_per_second": [4.0, 5.0, 7.0, 3.0], "peak_memory_mb": 9.0}


@pytest.mark.integration  # the plain loop in two fresh processes
def test_table_lists_reference_then_backend(small_results):
    lines = benchmark.format_table(small_results).splitlines()
    assert "train img/s" in lines[0]
    assert lines[1].startswith("plain PyTorch") and "1.00x" in lines[1]
    assert lines[2].startswith(f"Keras {keras.backend.backend()}")


def test_timer_reports_when_the_target_is_reached(mnist):
    from lenet_keras import training

    timer = benchmark.epoch_timer(test=(mnist[1][0][:1000], mnist[1][1][:1000]), target=0.3)
    training.train(training.TrainConfig(epochs=2, subset=2000, verbose=0), mnist=mnist, callbacks=[timer])
    assert len(timer.seconds) == 2 and len(timer.test_accuracy) == 2
    assert timer.test_accuracy[0] >= 0.3 and timer.seconds_to_target == pytest.approx(timer.seconds[0])


def test_each_network_is_measured_by_its_recipe():
    """`benchmark --model classic`: the classic network, at its recipe's batch of 32, not LeNet-5's 256."""
    result = benchmark.measure_backend(batch_size=32, epochs=2, accuracy_run=False, subset=256, model="classic")
    assert result["model"] == "classic" and result["batch_size"] == 32
    assert 100 < result["train_images_per_second"] < 10**7 and len(result["epoch_images_per_second"]) == 1


def test_table_names_the_network_and_its_goal():
    reference = {"name": "plain PyTorch loop", "train_images_per_second": 1000.0, "first_epoch_seconds": 2.0,
                 "peak_memory_mb": 500.0}
    row = {"model": "improved", "backend": "jax", "device": "cpu", "train_images_per_second": 800.0,
           "vs_reference": 0.8, "first_epoch_seconds": 3.0, "inference_images_per_second": 9000.0,
           "peak_memory_mb": 900.0, "goal": 0.995, "seconds_to_goal": None, "test_accuracy": 0.9931}
    reached = {**row, "backend": "torch", "seconds_to_goal": 61.25, "test_accuracy": 0.9952}
    lines = benchmark.format_table({"reference": reference, "backends": [row, reached]}).splitlines()
    assert "s to goal" in lines[0]
    assert lines[2].startswith("Keras jax (cpu), improved") and "not 99.5%" in lines[2] and "99.31%" in lines[2]
    assert lines[3].startswith("Keras torch (cpu), improved") and "61.2 (99.5%)" in lines[3]


def test_one_epoch_is_refused(capsys):
    assert main(["benchmark", "--epochs", "1"]) == 1
    assert "--epochs 2 or more" in capsys.readouterr().err


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux's /proc")
def test_peak_memory_of_a_subprocess_is_its_own():
    ballast = np.ones(400 * 2**20 // 8)  # 400 MB in this process, touched
    assert benchmark.peak_memory_mb() > 400
    child = subprocess.run([sys.executable, "-c", "from lenet_keras.benchmark import peak_memory_mb; "
                            "print(peak_memory_mb())"], capture_output=True, text=True, check=True)
    assert float(child.stdout) < 200, "a subprocess's peak memory includes its parent's"
    del ballast


def test_prediction_speed_counts_whole_batches_of_the_best_pass():
    calls = []

    def predict(batch):
        calls.append(len(batch))
        time.sleep(0.001)
        return batch

    speed = benchmark.prediction_speed(predict, np.zeros((25, 28, 28, 1)), batch_size=10, seconds=0.05)
    assert set(calls) == {10}  # the last 5 images make no short batch
    assert 0 < speed < 10 / 0.001  # at most 10 images per millisecond's sleep
    assert len(calls) >= 3  # the warm-up, then at least one timed pass of 2 batches


def test_each_profiled_variant_takes_away_one_change():
    """benchmarks/profile_improved.py: every variant is the improved network less the change it names."""
    profile = load_module("benchmarks/profile_improved.py")

    def layers(model):
        return {type(layer).__name__ for layer in model.layers}

    improved, recipe = profile.build("improved")
    assert {"BatchNormalization", "Dropout", "RandomAffine"} <= layers(improved) and recipe.label_smoothing > 0
    taken = {"no augmentation": "RandomAffine", "no batch norm": "BatchNormalization", "no dropout": "Dropout"}
    for variant, layer in taken.items():
        model, config = profile.build(variant)
        assert layers(model) & set(taken.values()) == set(taken.values()) - {layer} and config == recipe, variant
    narrow, _ = profile.build("LeNet-5 widths")
    assert narrow.count_params() < improved.count_params() and layers(narrow) == layers(improved)
    assert profile.build("no label smoothing")[1].label_smoothing == 0
    plain, config = profile.build("LeNet-5")
    assert plain.count_params() == 61_706 and config.label_smoothing == 0


def test_pad_latency_reads_each_digit(monkeypatch):
    """benchmarks/pad_latency.py on this backend, a few pen-ups: the pad answers each (its own assert)
    and the figures are ordered."""
    pad_latency = load_module("benchmarks/pad_latency.py")
    monkeypatch.setattr(pad_latency, "READINGS", 3)
    result = pad_latency.latency(keras.backend.backend())
    assert 0 < result["median"] <= result["slowest"] and result["first"] > 0
