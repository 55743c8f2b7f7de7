"""The command line: help, a tiny train then evaluate, and one clear sentence for each mistake."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import keras
import pytest

from lenet_keras import models, training
from lenet_keras.backend import device_name
from lenet_keras.cli import build_parser, main


def run_cli(*args, env=None):
    """Run `python -m lenet_keras ARGS` in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "lenet_keras", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


def test_help_names_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "train" in result.stdout and "evaluate" in result.stdout and "--backend" in result.stdout


def test_train_offers_every_model(capsys):
    for name in models.MODELS:  # the parser cannot import models (keras) itself, so it lists them
        assert build_parser().parse_args(["train", "--model", name]).model == name
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "{" + ",".join(models.MODELS) + "}" in capsys.readouterr().out  # these and no others


def test_train_then_evaluate_agree(tmp_path, capsys):
    model_file, report_file = tmp_path / "tiny.keras", tmp_path / "train.json"
    assert main(["train", "--epochs", "1", "--subset", "3000", "--batch-size", "64",
                 "--output", str(model_file), "--report", str(report_file)]) == 0
    out = capsys.readouterr().out
    assert f"backend {keras.backend.backend()}" in out and "test accuracy" in out
    report = json.loads(report_file.read_text())
    assert report["test_accuracy"] > 0.8 and report["epochs"] == 1 and report["params"] == 61706

    eval_file = tmp_path / "eval.json"
    assert main(["evaluate", str(model_file), "--report", str(eval_file)]) == 0
    evaluated = json.loads(eval_file.read_text())
    assert evaluated["test_accuracy"] == pytest.approx(report["test_accuracy"], abs=1e-9)
    assert evaluated["test_loss"] == pytest.approx(report["test_loss"], rel=1e-5)


@pytest.mark.integration
def test_backend_flag_sets_the_backend(tmp_path):
    """--backend wins over KERAS_BACKEND, and the model trained under it evaluates here too."""
    other = "jax" if keras.backend.backend() != "jax" else "torch"
    result = run_cli("--backend", other, "train", "--epochs", "1", "--subset", "500",
                     "--output", str(tmp_path / "m.keras"))
    assert result.returncode == 0, result.stderr
    assert f"backend {other}" in result.stdout
    assert main(["evaluate", str(tmp_path / "m.keras")]) == 0


@pytest.mark.parametrize("args, message", [
    (["train", "--epochs", "0"], "--epochs: must be at least 1"),
    (["train", "--batch-size", "-5"], "--batch-size: must be at least 1"),
    (["train", "--epochs", "ten"], "is not a whole number"),
    (["train", "--seed", "-1"], "--seed: must be from 0 to 4294967295, not -1"),
    (["train", "--model", "lenet6"], "invalid choice"),
    (["--backend", "theano", "train"], "invalid choice"),
    (["fly"], "invalid choice"),
])
def test_argparse_mistakes(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def user_mistakes(tmp_path):
    """(arguments, what the one sentence must say) for mistakes argparse cannot see."""
    not_a_model = tmp_path / "notes.keras"
    not_a_model.write_text("hello")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    model_file = tmp_path / "untrained.keras"
    training.save_model(models.build_lenet5(), model_file)
    (tmp_path / "empty.png").write_bytes(b"")
    cifar = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
    cifar.save(tmp_path / "cifar.keras")
    return [
        (["predict", str(model_file), str(tmp_path / "missing.png")], "does not exist"),
        (["predict", str(model_file), str(tmp_path / "empty.png")], "is empty"),
        (["predict", str(model_file), str(a_file)], "is not an image"),
        (["predict", str(not_a_model), str(a_file)], "is not a readable Keras model"),
        (["evaluate", str(tmp_path / "missing.keras")], "does not exist"),
        (["evaluate", str(not_a_model)], "is not a readable Keras model"),
        (["evaluate", str(tmp_path / "cifar.keras")], "expects images shaped (32, 32, 3)"),
        (["predict", str(tmp_path / "cifar.keras"), str(a_file)], "expects images shaped (32, 32, 3)"),
        (["train", "--output", str(tmp_path / "no" / "such" / "m.keras")], "does not exist: create it first"),
        (["train", "--output", str(tmp_path / "model.h5")], "must end in .keras"),
        (["train", "--report", str(tmp_path / "nowhere" / "r.json")], "does not exist"),
        (["train", "--data-dir", str(a_file)], "is not a folder"),
        (["train", "--checkpoint-dir", str(a_file)], "is a file, not a folder"),
        (["train", "--data-dir", str(tmp_path / "empty")], "does not exist"),
        (["train", "--process-id", "1"], "--process-id goes with --processes N"),
        (["train", "--coordinator", "127.0.0.1:12355"], "--coordinator goes with --processes N"),
        (["train", "--processes", "2", "--process-id", "2", "--coordinator", "127.0.0.1:1"], "must be 0 to 1"),
        (["export", str(tmp_path / "missing.keras")], "does not exist"),
        (["export", str(model_file), "--format", "onnx", "--quantize"], "--quantize is offered for --format litert"),
    ] + ([(["evaluate", str(not_a_model), "--device", "gpu"], "no GPU")] if device_name() == "cpu" else [])


def test_user_mistakes_end_in_one_sentence(tmp_path, capsys):
    for args, message in user_mistakes(tmp_path):
        assert main(args) == 1, args
        err = capsys.readouterr().err
        assert err.startswith("error: ") and message in err, (args, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert (tmp_path / "notes.keras").read_text() == "hello"  # nothing damaged


def test_a_folder_that_cannot_be_written_is_one_sentence(tmp_path, capsys, monkeypatch):
    """Checked before training starts; and a write refused later (another user, a read-only mount) too."""
    model_file = tmp_path / "m.keras"
    training.save_model(models.build_lenet5(), model_file)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if str(path) == str(tmp_path / "ro") else
                        real_access(path, mode))
    (tmp_path / "ro").mkdir()
    for args in (["train", "--output", str(tmp_path / "ro" / "m.keras")],
                 ["export", str(model_file), "--output", str(tmp_path / "ro" / "m.onnx")],
                 ["evaluate", str(model_file), "--report", str(tmp_path / "ro" / "r.json")]):
        assert main(args) == 1
        err = capsys.readouterr().err
        assert f"The folder {tmp_path / 'ro'} for" in err and "is not writable by you" in err, err
    import tempfile

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "late.json"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    assert main(["evaluate", str(model_file), "--report", str(tmp_path / "late.json")]) == 1
    err = capsys.readouterr().err
    assert err == (f"error: permission denied: {tmp_path / 'late.json'}; choose another folder or check its "
                   "permissions.\n")


def test_unknown_backend_in_environment():
    result = run_cli("train", env={"KERAS_BACKEND": "theano"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == \
        "error: Unknown backend 'theano': choose tensorflow, jax or torch."


def test_predict_prints_and_reports_each_file(tmp_path, capsys, mnist, trained):
    """Digits saved as PNG (light on dark, MNIST's own) and JPEG (dark on light, enlarged) come back."""
    from PIL import Image

    model_file = trained[2]
    (x, y) = mnist[1]
    files = []
    for i in range(4):
        image = Image.fromarray(x[i]) if i % 2 else Image.fromarray(255 - x[i]).resize((90, 90)).convert("RGB")
        files.append(tmp_path / f"digit{i}.{'png' if i % 2 else 'jpg'}")
        image.save(files[-1])
    capsys.readouterr()
    assert main(["predict", str(model_file), *map(str, files), "--report", str(tmp_path / "p.json")]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith(str(tmp_path))]
    assert len(lines) == 4
    assert all(re.fullmatch(r".+: \d \(\d+\.\d%\); then \d \(\d+\.\d%\), \d \(\d+\.\d%\)", line) for line in lines), lines
    report = json.loads((tmp_path / "p.json").read_text())
    assert [r["file"] for r in report] == list(map(str, files))
    assert sum(r["digit"] == label for r, label in zip(report, y[:4])) >= 3  # the tiny model, ~97%
    for r in report:
        assert len(r["top3"]) == 3 and r["top3"][0]["digit"] == r["digit"]
        assert r["probability"] == r["top3"][0]["probability"] >= r["top3"][1]["probability"]


@pytest.mark.integration
def test_training_killed_with_sigkill_resumes(tmp_path, capsys):
    """Kill a real training run after its first checkpoint; the same command continues from there.
    Only the killed run needs a process of its own; the rest runs `main`, the command, in this one."""
    def args(out):
        return ["train", "--epochs", "3", "--subset", "5000", "--batch-size", "64", "--checkpoint-dir",
                str(out / "state"), "--output", str(out / "m.keras"), "--report", str(out / "r.json")]

    def command(out, *extra):
        """`python -m lenet_keras ARGS` as `main(ARGS)` here: its exit code, standard output and error."""
        capsys.readouterr()
        code = main([*args(out), *extra])
        return (code, *capsys.readouterr())

    killed, whole = tmp_path / "killed", tmp_path / "whole"
    killed.mkdir()
    whole.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "lenet_keras", *args(killed)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not list((killed / "state").glob("epoch-*.weights.h5")):
        assert process.poll() is None and time.time() < deadline, "training ended before its first checkpoint"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = int(next((killed / "state").glob("epoch-*.weights.h5")).name[6:10])
    assert 1 <= done < 3 and not (killed / "m.keras").exists()

    code, _, err = command(killed, "--batch-size", "128")  # another schedule: refused, the state kept
    assert code == 1 and "--batch-size 64 -> 128" in err and "Traceback" not in err
    assert int(next((killed / "state").glob("epoch-*.weights.h5")).name[6:10]) == done

    code, out, err = command(killed)
    assert code == 0, err
    assert f"resuming from {killed / 'state'}: {done} of 3 epochs done" in out
    report = json.loads((killed / "r.json").read_text())
    assert report["initial_epoch"] == done and report["epochs_run"] == 3 - done

    assert command(whole)[0] == 0
    uninterrupted = json.loads((whole / "r.json").read_text())
    assert report["test_accuracy"] > 0.9
    assert abs(report["test_accuracy"] - uninterrupted["test_accuracy"]) < 0.02

    code, out, _ = command(killed)  # the same command once more: the run is finished, so say so
    assert code == 0 and "holds a finished run (3 epochs): nothing left to train" in out
    rescored = json.loads((killed / "r.json").read_text())
    assert rescored["epochs_run"] == 0 and rescored["test_accuracy"] == report["test_accuracy"]


@pytest.mark.integration
def test_same_seed_same_metrics_in_two_processes(tmp_path):
    """Reproducible: two `train` processes with the same --seed report identical metrics."""
    reports = []
    for run in ("first", "second"):
        report = tmp_path / f"{run}.json"
        result = run_cli("train", "--epochs", "2", "--subset", "1000", "--seed", "5", "--deterministic",
                         "--output", str(tmp_path / f"{run}.keras"), "--report", str(report))
        assert result.returncode == 0, result.stderr
        reports.append(json.loads(report.read_text()))
    assert reports[0]["history"] == reports[1]["history"]
    assert reports[0]["test_accuracy"] == reports[1]["test_accuracy"]
