"""The command line: parse, then hand over to commands.py. One parser per command, below.

    python -m lenet_keras [--backend tensorflow|jax|torch] train|evaluate|predict|... ...
"""

import argparse
import sys
from pathlib import Path

from . import commands
from .errors import UserError
from .settings import BACKENDS, DEVICES
from .config import GOALS, recipe
from .grading import CHECKS

DESCRIPTION = """Train and evaluate LeNet-5 on MNIST with Keras 3, on TensorFlow, JAX or PyTorch.

examples:
  python -m lenet_keras train                          # 10 epochs, saves lenet5.keras
  python -m lenet_keras --backend jax train --epochs 3
  python -m lenet_keras evaluate lenet5.keras
  python -m lenet_keras predict lenet5.keras my_digit.png
  python -m lenet_keras train --model improved --output improved.keras
  python -m lenet_keras --backend jax train --devices 2   # data parallel (see notebook 11)
  python -m lenet_keras export lenet5.keras --format onnx   # for onnxruntime, a browser (web/)
  python -m lenet_keras kernels                        # pick the backend in JupyterLab's kernel menu
  python -m lenet_keras grade submissions/             # score notebooks with the exercises' checks
"""


def positive_int(text):
    """argparse type: a whole number above zero."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def positive_float(text):
    """argparse type: a number above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {value}")
    return value


def seed(text):
    """argparse type: a seed NumPy accepts, a whole number from 0 to 2**32 - 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be from 0 to {2**32 - 1}, not {value}")
    return value


def defaults(field):
    """`field`'s default in each recipe, as help text: 'lenet5 256, classic 32, improved 128'."""
    return ", ".join(f"{m} {getattr(recipe(m), field)}" for m in ("lenet5", "classic", "improved"))


def add_train(commands, common):
    train = commands.add_parser("train", parents=[common], help="train a model and save it",
                                description="Train a model on MNIST, score it on the test set, save it.")
    train.add_argument("--model", default="lenet5", choices=list(GOALS),
                       help="lenet5 (modern, the default), classic (the 1998 paper's, 60,000 parameters) "
                       "or improved (batch norm, dropout, augmentation, label smoothing, wider C1/C3: 99.5%%+)")
    train.add_argument("--api", default="sequential", choices=["sequential", "functional"],
                       help="Keras API used to build it (same network either way)")
    train.add_argument("--epochs", type=positive_int, help=f"passes over the data (default: {defaults('epochs')})")
    train.add_argument("--batch-size", type=positive_int, help=f"images per step (default: {defaults('batch_size')})")
    train.add_argument("--learning-rate", type=positive_float,
                       help=f"Adam's starting learning rate, decayed to 0 (default: {defaults('learning_rate')})")
    train.add_argument("--seed", type=seed, default=0, help="random seed, for repeatable runs (default: 0)")
    train.add_argument("--deterministic", action="store_true",
                       help="identical reruns with the same seed on TensorFlow too (slower)")
    train.add_argument("--subset", type=positive_int, help="train on the first N images only (quick tries)")
    train.add_argument("--checkpoint-dir", type=Path,
                       help="save the training state there after every epoch; if training is interrupted, "
                       "the same command resumes from the last finished epoch")
    train.add_argument("--devices", type=positive_int, default=1,
                       help="data parallel over N devices, each batch split evenly: the GPUs, or on a machine "
                       "without, N virtual CPU devices (PyTorch: N processes started by torchrun) (default: 1)")
    train.add_argument("--processes", type=positive_int, default=1,
                       help="JAX: train together with other processes, one per machine, each started with the same "
                       "command and its own --process-id (default: 1)")
    train.add_argument("--process-id", type=int, default=0, help="with --processes: this process's number, 0 to N-1")
    train.add_argument("--coordinator", metavar="HOST:PORT",
                       help="with --processes: the address where process 0 waits for the others")
    train.add_argument("--output", type=Path, default=Path("lenet5.keras"),
                       help="where to save the trained model (default: lenet5.keras)")


def add_model_readers(commands, common):
    evaluate = commands.add_parser("evaluate", parents=[common], help="score a saved model on the test set",
                                   description="Score a saved .keras model on MNIST's 10,000 test images.")
    evaluate.add_argument("model_file", type=Path, metavar="MODEL.keras", help="a model saved by train")
    predict = commands.add_parser("predict", parents=[common], help="read your own digits from image files",
                                  description="Predict the digit in each PNG or JPEG file: any size, colour or grey, "
                                  "dark ink on light paper or light on dark. Each image is prepared as MNIST's "
                                  "digits were (background removed, cropped, scaled to 20x20, centred by mass).")
    predict.add_argument("model_file", type=Path, metavar="MODEL.keras", help="a model saved by train")
    predict.add_argument("images", type=Path, nargs="+", metavar="IMAGE", help="image files, one digit each")
    export = commands.add_parser("export", parents=[common], help="write the model as ONNX, LiteRT or a SavedModel",
                                 description="Write a saved .keras model (from any backend) as an ONNX file, a LiteRT "
                                 "(.tflite) file or a TensorFlow SavedModel folder, with Keras's TensorFlow backend; "
                                 "then run MNIST's 10,000 test images through it with its own runtime and compare "
                                 "with Keras. Needs the export extras: pip install -e \".[export]\".")
    export.add_argument("model_file", type=Path, metavar="MODEL.keras", help="a model saved by train")
    export.add_argument("--format", default="onnx", choices=["onnx", "litert", "saved_model"],
                        help="onnx (onnxruntime, browsers), litert (phones, microcontrollers) or saved_model "
                        "(TensorFlow Serving) (default: onnx)")
    export.add_argument("--quantize", action="store_true",
                        help="litert: store the weights as 8-bit integers, a file over 3x smaller")
    export.add_argument("--output", type=Path, help="where to write it (default: the model's name with .onnx or "
                        ".tflite; a SavedModel: the folder NAME_saved_model)")


def add_measurements(commands, common):
    bench = commands.add_parser("benchmark", parents=[common], help="measure training speed against plain PyTorch",
                                description="Measure training and inference speed, time to the model's goal "
                                "(99% test accuracy, 99.5% for the improved network) and peak memory, beside a plain "
                                "PyTorch training loop of LeNet-5.")
    bench.add_argument("--model", default="lenet5", choices=list(GOALS),
                       help="which network, trained by its recipe (default: lenet5)")
    bench.add_argument("--all-backends", action="store_true", help="measure all three backends, each in its own process")
    bench.add_argument("--batch-size", type=positive_int,
                       help="images per step (default: the model's recipe's: 256, classic 32, improved 128)")
    bench.add_argument("--epochs", type=positive_int, default=5,
                       help="epochs per speed run; the first is a warm-up, the best of the others counts "
                       "(default: 5, at least 2)")
    bench.add_argument("--skip-accuracy", action="store_true",
                       help="skip the full training run that measures the time to the goal (minutes per backend)")
    ablation = commands.add_parser("ablation", parents=[common], help="what each improvement of LeNet-5 buys",
                                   description="Train LeNet-5, then add batch normalization, dropout, augmentation "
                                   "label smoothing and wider C1/C3 one at a time, each with several seeds; print a "
                                   "table of test accuracies (mean +- std). Takes about 40 minutes on 2 CPU cores.")
    ablation.add_argument("--seeds", type=positive_int, default=3, help="runs per step, seeds 0, 1, ... (default: 3)")
    ablation.add_argument("--epochs", type=positive_int, help="epochs per run (default: the improved recipe's 20)")
    ablation.add_argument("--subset", type=positive_int, help="train on the first N images only (quick tries)")
    ablation.add_argument("--figure", type=Path, help="also save the figure to this .png file")


def add_kernels(commands):
    kernels = commands.add_parser("kernels", help="install a Jupyter kernel per backend",
                                  description="Install three Jupyter kernels of this Python, \"LeNet-5 (TensorFlow)\", "
                                  "\"LeNet-5 (JAX)\" and \"LeNet-5 (PyTorch)\", each with its KERAS_BACKEND: choose the "
                                  "backend from JupyterLab's kernel menu (--backend plays no part here). Running it "
                                  "again replaces them.")
    where = kernels.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="into your user folder, for every environment")
    where.add_argument("--prefix", type=Path, help="under this prefix (default: the virtual environment's, "
                       "else --user)")


def add_grade(commands):
    grade = commands.add_parser("grade", help="grade submitted notebooks with the exercises' checks",
                                description="Run each submitted notebook from top to bottom (quick mode unless "
                                "--full) and score every check of its chapter, one point each, with "
                                "otter-grader; write a CSV row per notebook. See docs/grading.md.")
    grade.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                       help="a folder of submitted .ipynb files, or the files")
    grade.add_argument("--output", type=Path, default=Path("grades.csv"), help="the CSV file (default: grades.csv)")
    grade.add_argument("--checks", type=Path, default=CHECKS,
                       help="the folder of check files, e.g. a teacher's copy with hidden tests "
                       "(default: the course's notebooks/checks)")
    grade.add_argument("--full", action="store_true", help="run the notebooks in full, not in quick mode")


def build_parser():
    """Return the argument parser for all commands."""
    parser = argparse.ArgumentParser(prog="python -m lenet_keras", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=BACKENDS, help="Keras backend (default: $KERAS_BACKEND, else tensorflow)")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="folder with mnist.npz or the IDX files "
                        "(default: $LENET_DATA_DIR, else data/, else download)")
    common.add_argument("--device", choices=DEVICES, default="auto",
                        help="auto uses a GPU when the backend sees one (default: auto)")
    common.add_argument("--report", type=Path, help="also write the results to this JSON file")
    add_train(subparsers, common)
    add_model_readers(subparsers, common)
    add_measurements(subparsers, common)
    add_kernels(subparsers)
    add_grade(subparsers)
    return parser


def main(argv=None):
    """Entry point: run the command, turning user mistakes into one sentence and exit code 1."""
    args = build_parser().parse_args(argv)
    try:
        commands.run(args)
    except UserError as error:
        if args.debug:
            raise
        print(f"error: {error}", file=sys.stderr)
        return 1
    except PermissionError as error:  # a folder checked as writable, then not (another user, a read-only mount)
        if args.debug:
            raise
        print(f"error: permission denied: {error.filename or error}; choose another folder or check its "
              "permissions.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0
