"""Take a trained model out of Keras: an ONNX, LiteRT or TensorFlow SavedModel file, checked against Keras.

Keras 3 writes all three with `model.export` from its TensorFlow backend (ONNX through tf2onnx,
LiteRT through TensorFlow's converter). A `.keras` file loads on any backend, so `export_model` does
the work in a TensorFlow process: this one, or a child it starts when another backend runs here.
The exported file keeps the model's contract: raw (N, 28, 28, 1) images, 0-255, float32, in; the
10 probabilities out (the preprocessing is inside). Each file is then loaded with its own runtime
(onnxruntime, ai-edge-litert's interpreter, TensorFlow), shown MNIST's 10,000 test images and
compared with Keras: the share of identical digits and the largest difference in probability.
"""

import contextlib
import importlib.metadata
import importlib.util
import logging
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from . import backend, data
from .errors import UserError, missing_model_file
from .files import check_output_path, child_main, run_python, write_atomically, write_folder_atomically

SUFFIXES = {"onnx": ".onnx", "litert": ".tflite", "saved_model": ""}  # a SavedModel is a folder
KERAS_FORMATS = {"onnx": "onnx", "litert": "litert", "saved_model": "tf_saved_model"}
RUNTIMES = {"onnx": "onnxruntime", "litert": "ai-edge-litert", "saved_model": "tensorflow"}
NEEDS = {  # format: the (module, pip name) pairs it needs to be written and read back
    "onnx": [("tensorflow", "tensorflow"), ("tf2onnx", "tf2onnx"), ("onnx", "onnx"), ("onnxruntime", "onnxruntime")],
    "litert": [("tensorflow", "tensorflow"), ("ai_edge_litert", "ai-edge-litert")],
    "saved_model": [("tensorflow", "tensorflow")],
}


def output_path(model_file, format, output=None):
    """Where the export of `model_file` goes: `output`, else the model's name with the format's suffix
    (a SavedModel: the folder NAME_saved_model).
    Raises UserError for an unknown format, a wrong suffix or a folder that does not exist."""
    if format not in SUFFIXES:
        raise UserError(f"Unknown format {format!r}: choose {', '.join(SUFFIXES)}.")
    model_file = Path(model_file)
    default = model_file.with_name(f"{model_file.stem}_saved_model") if format == "saved_model" else \
        model_file.with_suffix(SUFFIXES[format])
    path = Path(output) if output else default
    check_output_path(path, SUFFIXES[format])
    return path


def require_packages(format):
    """Raise UserError, in one sentence naming what to install, if `format` needs a missing package."""
    missing = [pip for module, pip in NEEDS[format] if importlib.util.find_spec(module) is None]
    if missing:
        raise UserError(f"Exporting to {format} needs {', '.join(missing)}, not installed in this Python: "
                        "pip install -e \".[export]\".")


def check_request(model_file, format, output=None, quantize=False):
    """Where the export goes (`output_path`), after checking, before any backend starts, that the
    model file exists, `quantize` goes with LiteRT and the format's packages are installed."""
    path = output_path(model_file, format, output)
    if quantize and format != "litert":
        raise UserError(f"--quantize is offered for --format litert only, not {format}.")
    if not Path(model_file).is_file():
        raise missing_model_file(model_file)
    require_packages(format)
    return path


def export_model(model_file, format="onnx", output=None, data_dir=None, quantize=False):
    """Export the `.keras` file `model_file` to `format` ("onnx", "litert" or "saved_model") at
    `output`, check it on MNIST's test images, and return the report (JSON-ready). `quantize`
    (LiteRT only) stores the weights as 8-bit integers: a file over 3x smaller, nearly the same answers."""
    model_file, path = Path(model_file), check_request(model_file, format, output, quantize)
    import keras

    if keras.backend.backend() != "tensorflow":
        return export_in_child(model_file, format, path, data_dir, quantize)
    from . import training  # imports Keras: only once the backend is chosen

    model = training.load_model(model_file)
    (_, _), (x_test, y_test) = data.load_mnist(data_dir)
    x = data.model_inputs(x_test)
    keras_probs = np.asarray(model.predict(x, batch_size=1000, verbose=0))  # also what export needs: a called model
    start = time.perf_counter()
    write_export(model, format, path, quantize)
    seconds = time.perf_counter() - start
    return {"model_file": str(model_file), "format": format, "quantized": quantize, "output": str(path),
            "bytes": size_in_bytes(path),
            "export_seconds": seconds, "runtime": RUNTIMES[format], "runtime_version": runtime_version(format),
            **agreement(keras_probs, predictions(path, format, x), y_test)}


def export_in_child(model_file, format, path, data_dir, quantize):
    """`export_model` in a child process on the TensorFlow backend; its report, or its one sentence."""
    with tempfile.TemporaryDirectory() as folder:
        args = ["-m", "lenet_keras.export", str(model_file), format, str(path), data_dir or "", str(int(quantize))]
        return run_python(args, folder, env={"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "2"},
                          what="The export on TensorFlow")


def write_export(model, format, path, quantize=False):
    """Write `model` in `format` to `path` atomically: a crash leaves the old file (or none), never half."""
    options = {}
    if quantize:  # dynamic-range quantization: 8-bit weights, float computations
        import tensorflow as tf

        options["optimizations"] = [tf.lite.Optimize.DEFAULT]

    def write(tmp):
        tf_logger, level = logging.getLogger("tensorflow"), logging.getLogger("tensorflow").level
        tf_logger.setLevel(logging.ERROR)  # "Assets written to: /tmp/...", once per SavedModel written
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):  # the converters' chatter
                warnings.simplefilter("ignore")
                model.export(tmp, format=KERAS_FORMATS[format], verbose=False, **options)
        finally:
            tf_logger.setLevel(level)

    if format == "saved_model":  # a folder
        write_folder_atomically(path, write)
    else:
        write_atomically(path, write, SUFFIXES[format])


def predictions(path, format, x, batch_size=1000):
    """The probabilities the exported file at `path` gives for the images `x` (N, 28, 28, 1), float32
    0-255, run by the format's own runtime: onnxruntime, ai-edge-litert or TensorFlow."""
    batches = [x[i:i + batch_size] for i in range(0, len(x), batch_size)]
    predict = load_runtime(path, format)
    return np.concatenate([predict(np.ascontiguousarray(b, dtype="float32")) for b in batches])


def load_runtime(path, format):
    """A function from a batch of images to probabilities, run by the runtime of `format`."""
    if format == "onnx":
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        return lambda batch: session.run(None, {name: batch})[0]
    if format == "litert":
        from ai_edge_litert.interpreter import Interpreter

        with backend.silenced_stderr():  # "INFO: Created TensorFlow Lite XNNPACK delegate for CPU."
            interpreter = Interpreter(model_path=str(path))
            interpreter.allocate_tensors()
        given, wanted = interpreter.get_input_details()[0], interpreter.get_output_details()[0]

        def predict(batch):
            if tuple(interpreter.get_input_details()[0]["shape"]) != batch.shape:
                interpreter.resize_tensor_input(given["index"], batch.shape)
                interpreter.allocate_tensors()
            interpreter.set_tensor(given["index"], batch)
            interpreter.invoke()
            return interpreter.get_tensor(wanted["index"]).copy()

        return predict
    import tensorflow as tf

    loaded = tf.saved_model.load(str(path))  # kept alive here: its functions need its variables
    return lambda batch: loaded.serve(batch).numpy()


def agreement(keras_probs, probs, labels):
    """How far the exported model's probabilities `probs` are from Keras's, and both accuracies."""
    same = keras_probs.argmax(axis=1) == probs.argmax(axis=1)
    return {"images": len(labels), "same_digit": int(same.sum()), "agreement": float(same.mean()),
            "max_probability_difference": float(np.abs(keras_probs - probs).max()),
            "test_accuracy": float(np.mean(probs.argmax(axis=1) == labels)),
            "keras_test_accuracy": float(np.mean(keras_probs.argmax(axis=1) == labels))}


def size_in_bytes(path):
    """The size of a file, or of all files in a folder (a SavedModel)."""
    path = Path(path)
    return path.stat().st_size if path.is_file() else sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def runtime_version(format):
    """The installed version of the package that runs `format`."""
    return importlib.metadata.version(RUNTIMES[format])


def summary(report):
    """The report as the few lines the command prints."""
    kb, quantized = report["bytes"] / 1024, ", 8-bit weights" if report["quantized"] else ""
    return (f"wrote {report['output']} ({kb:,.0f} KB{quantized}) in {report['export_seconds']:.1f} s\n"
            f"checked with {report['runtime']} {report['runtime_version']} on {report['images']:,} test images:\n"
            f"  same digit as Keras for {report['same_digit']:,} of {report['images']:,} ({report['agreement']:.2%})\n"
            f"  largest difference in probability {report['max_probability_difference']:.1e}\n"
            f"  test accuracy {report['test_accuracy']:.2%} (Keras: {report['keras_test_accuracy']:.2%})")


if __name__ == "__main__":  # export_in_child's child: MODEL FORMAT OUTPUT DATA_DIR QUANTIZE
    model_file, format, output, data_dir, quantize = sys.argv[1:]
    backend.select_backend("tensorflow")
    child_main(lambda: export_model(model_file, format, output, data_dir or None, quantize == "1"))
