"""The benchmark's plumbing on a small subset: the numbers it reports, the table, the reference."""

import keras
import pytest

from lenet_keras import benchmark
from lenet_keras.cli import main
from lenet_keras.training import TrainConfig


@pytest.fixture(scope="module")
def small_results():
    return benchmark.run_benchmark(epochs=2, subset=2000, accuracy_run=False)


def test_results_hold_what_the_issue_asks(small_results):
    reference, (result,) = small_results["reference"], small_results["backends"]
    assert reference["train_images_per_second"] > 0 and reference["name"].startswith("plain PyTorch")
    assert reference["batch_size"] == result["batch_size"] == TrainConfig().batch_size  # both at train's default
    assert result["backend"] == keras.backend.backend()
    for key in ["train_images_per_second", "inference_images_per_second", "first_epoch_seconds", "peak_memory_mb"]:
        assert result[key] > 0, key
    assert result["vs_reference"] == pytest.approx(
        result["train_images_per_second"] / reference["train_images_per_second"], abs=0.01)


def test_table_lists_reference_then_backend(small_results):
    lines = benchmark.format_table(small_results).splitlines()
    assert "train img/s" in lines[0]
    assert lines[1].startswith("plain PyTorch") and "1.00x" in lines[1]
    assert lines[2].startswith(f"Keras {keras.backend.backend()}")


def test_timer_reports_when_the_target_is_reached(mnist):
    from lenet_keras import training

    timer = benchmark.epoch_timer(test=(mnist[1][0][:1000], mnist[1][1][:1000]), target=0.5)
    training.train(training.TrainConfig(epochs=2, subset=2000, verbose=0), mnist=mnist, callbacks=[timer])
    assert len(timer.seconds) == 2 and len(timer.test_accuracy) == 2
    assert timer.test_accuracy[0] >= 0.5 and timer.seconds_to_target == pytest.approx(timer.seconds[0])


def test_one_epoch_is_refused(capsys):
    assert main(["benchmark", "--epochs", "1"]) == 1
    assert "--epochs 2 or more" in capsys.readouterr().err
