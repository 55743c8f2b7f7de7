"""Exported models (ONNX, LiteRT, SavedModel) give Keras's answers, from a model saved on any backend.

Each model is trained briefly on this run's backend and saved; `export.export_model` then writes it
from TensorFlow (in a child process on JAX and PyTorch) and runs MNIST's 10,000 test images through
the format's own runtime. Under TensorFlow every model goes to both formats; under the others each
model goes to one format (lenet5 through the command line), which keeps the child processes few.
"""

import dataclasses
import os
from pathlib import Path

import keras
import numpy as np
import pytest

from lenet_keras import export, models, training
from lenet_keras.cli import main

pytestmark = pytest.mark.integration  # a TensorFlow child per export, three models trained

pytest.importorskip("onnxruntime", reason="the export extras are not installed: pip install -e '.[export]'")
pytest.importorskip("ai_edge_litert", reason="the export extras are not installed: pip install -e '.[export]'")

ON_TENSORFLOW = keras.backend.backend() == "tensorflow"
CASES = ([(name, fmt) for name in models.MODELS for fmt in ("onnx", "litert")] if ON_TENSORFLOW
         else [("classic", "litert"), ("improved", "onnx")])  # and lenet5 to ONNX through the command line


@pytest.fixture(scope="module")
def saved(tmp_path_factory, mnist):
    """model name -> a .keras file trained for one epoch on 2,048 images on this backend."""
    folder = tmp_path_factory.mktemp("models")
    files = {}
    for name in models.MODELS:
        config = dataclasses.replace(training.recipe(name), epochs=1, subset=2048, verbose=0)
        model, _ = training.train(config, mnist=mnist)
        files[name] = folder / f"{name}.keras"
        training.save_model(model, files[name])
    return files


@pytest.mark.parametrize("name, fmt", CASES)
def test_exported_model_gives_the_same_digits_as_keras(saved, name, fmt, tmp_path, mnist):
    report = export.export_model(saved[name], fmt, tmp_path / f"{name}{export.SUFFIXES[fmt]}")
    assert report["images"] == 10_000
    assert report["agreement"] >= 0.999, report
    assert report["max_probability_difference"] < 1e-4, report
    assert abs(report["test_accuracy"] - report["keras_test_accuracy"]) <= 0.001
    # Keras on this backend, not only Keras on TensorFlow in the exporting process, scores the same
    keras_accuracy = training.evaluate_model(training.load_model(saved[name]), *mnist[1])["test_accuracy"]
    assert report["keras_test_accuracy"] == pytest.approx(keras_accuracy, abs=0.001)
    assert report["keras_test_accuracy"] > 0.5  # a trained model, whose digits mean something
    assert report["bytes"] == os.path.getsize(report["output"]) > 100_000  # 61,706+ float32 weights
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{name}{export.SUFFIXES[fmt]}"]  # no temporary left


@pytest.mark.skipif(not ON_TENSORFLOW, reason="the SavedModel is read with TensorFlow: checked once, under it")
def test_saved_model_folder_replaces_an_older_one(saved, tmp_path):
    folder = tmp_path / "lenet5_saved_model"
    folder.mkdir()
    (folder / "stale.txt").write_text("from an older export")
    report = export.export_model(saved["lenet5"], "saved_model", folder)
    assert report["agreement"] == 1.0 and report["max_probability_difference"] < 1e-5
    assert (folder / "saved_model.pb").is_file() and not (folder / "stale.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["lenet5_saved_model"]


@pytest.mark.skipif(not ON_TENSORFLOW, reason="the same converter on every backend: checked once, under TensorFlow")
def test_quantized_litert_file_is_smaller_and_nearly_the_same(saved, tmp_path):
    plain = export.export_model(saved["lenet5"], "litert", tmp_path / "plain.tflite")
    small = export.export_model(saved["lenet5"], "litert", tmp_path / "small.tflite", quantize=True)
    assert small["quantized"] and not plain["quantized"]
    assert small["bytes"] < 0.35 * plain["bytes"]  # 8-bit weights instead of 32-bit ones
    assert small["agreement"] >= 0.99 and abs(small["test_accuracy"] - plain["test_accuracy"]) < 0.01, small
    assert small["max_probability_difference"] > plain["max_probability_difference"]  # not free


class BrokenExporter:
    """A model whose export writes half a file, then fails: a crash in the middle of the converter."""

    def export(self, path, **kwargs):
        path = Path(path)
        (path / "saved_model.pb" if path.is_dir() else path).write_bytes(b"half a model")
        raise RuntimeError("the converter crashed")


@pytest.mark.parametrize("fmt", ["onnx", "saved_model"])
def test_failed_export_leaves_the_old_file_and_no_temporary(fmt, tmp_path):
    path = tmp_path / f"m{export.SUFFIXES[fmt]}"
    if fmt == "saved_model":
        path.mkdir()
        (path / "saved_model.pb").write_text("the old export")
    else:
        path.write_text("the old export")
    with pytest.raises(RuntimeError, match="crashed"):
        export.write_export(BrokenExporter(), fmt, path)
    old = path / "saved_model.pb" if fmt == "saved_model" else path
    assert old.read_text() == "the old export"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_saved_model_swap_that_fails_puts_the_old_folder_back(tmp_path, monkeypatch):
    path = tmp_path / "m"
    path.mkdir()
    (path / "saved_model.pb").write_text("the old export")
    real_replace = os.replace

    def replace(source, target):  # the new folder cannot take the old one's place (a full disk, say)
        if Path(target) == path and Path(source).name != ".m.old":
            raise OSError("no space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    exporter = type("Exporter", (), {"export": lambda self, p, **k: (Path(p) / "saved_model.pb").write_text("new")})
    with pytest.raises(OSError, match="no space"):
        export.write_export(exporter(), "saved_model", path)
    assert (path / "saved_model.pb").read_text() == "the old export"
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def user_mistakes(tmp_path, saved):
    """(arguments, what the one sentence must say)."""
    not_a_model = tmp_path / "notes.keras"
    not_a_model.write_text("not a model")
    return [
        (["export", str(tmp_path / "missing.keras")], "does not exist"),
        (["export", str(not_a_model)], "is not a readable Keras model"),
        (["export", str(saved["lenet5"]), "--output", str(tmp_path / "no" / "m.onnx")], "does not exist: create it"),
        (["export", str(saved["lenet5"]), "--format", "litert", "--output", str(tmp_path / "m.onnx")],
         "must end in .tflite"),
        (["export", str(saved["lenet5"]), "--quantize"], "--quantize is offered for --format litert only"),
    ]


def test_export_mistakes_end_in_one_sentence(saved, tmp_path, capsys):
    for args, message in user_mistakes(tmp_path, saved):
        assert main(args) == 1, args
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.keras"]  # nothing half-written


def test_unknown_format_is_refused_by_the_parser(saved, capsys):
    with pytest.raises(SystemExit):
        main(["export", str(saved["lenet5"]), "--format", "coreml"])
    assert "invalid choice" in capsys.readouterr().err


def test_missing_export_packages_name_what_to_install(saved, monkeypatch, capsys):
    real = export.importlib.util.find_spec
    monkeypatch.setattr(export.importlib.util, "find_spec", lambda name: None if name == "tf2onnx" else real(name))
    assert main(["export", str(saved["lenet5"])]) == 1
    assert 'needs tf2onnx, not installed in this Python: pip install -e ".[export]".' in capsys.readouterr().err


def test_cli_writes_a_file_that_reads_raw_images_as_keras_here_does(saved, tmp_path, capsys, images):
    """The command prints the agreement; its file, run beside this backend's Keras, takes the same
    raw 0-255 images and gives the same probabilities."""
    path = tmp_path / "m.onnx"
    assert main(["export", str(saved["lenet5"]), "--output", str(path)]) == 0
    out = capsys.readouterr().out
    assert "same digit as Keras for 10,000 of 10,000" in out or "same digit as Keras for 9,99" in out, out
    assert f"wrote {path}" in out and "test accuracy" in out
    expected = training.load_model(saved["lenet5"]).predict(images, verbose=0)
    np.testing.assert_allclose(export.predictions(path, "onnx", images.astype("float32")), expected, atol=1e-5)
