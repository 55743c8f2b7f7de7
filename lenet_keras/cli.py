"""The command line: parse, choose the backend, call the package. All logic lives in the modules.

    python -m lenet_keras [--backend tensorflow|jax|torch] train|evaluate ...
"""

import argparse
import dataclasses
import sys
from pathlib import Path

from . import backend
from .errors import UserError

DESCRIPTION = """Train and evaluate LeNet-5 on MNIST with Keras 3, on TensorFlow, JAX or PyTorch.

examples:
  python -m lenet_keras train                          # 10 epochs, saves lenet5.keras
  python -m lenet_keras --backend jax train --epochs 3
  python -m lenet_keras evaluate lenet5.keras
  python -m lenet_keras predict lenet5.keras my_digit.png
  python -m lenet_keras train --model improved --output improved.keras
  python -m lenet_keras --backend jax train --devices 2   # data parallel (see notebook 09)
  python -m lenet_keras export lenet5.keras --format onnx   # for onnxruntime, a browser (web/)
  python -m lenet_keras kernels                        # pick the backend in JupyterLab's kernel menu
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


def build_parser():
    """Return the argument parser for all commands."""
    parser = argparse.ArgumentParser(prog="python -m lenet_keras", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=backend.BACKENDS,
                        help="Keras backend (default: $KERAS_BACKEND, else tensorflow)")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="folder with mnist.npz or the IDX files "
                        "(default: $LENET_DATA_DIR, else data/, else download)")
    common.add_argument("--device", choices=backend.DEVICES, default="auto",
                        help="auto uses a GPU when the backend sees one (default: auto)")
    common.add_argument("--report", type=Path, help="also write the results to this JSON file")

    train = commands.add_parser("train", parents=[common], help="train a model and save it",
                                description="Train a model on MNIST, score it on the test set, save it.")
    train.add_argument("--model", default="lenet5", choices=["lenet5", "classic", "improved"],
                       help="lenet5 (modern, the default), classic (the 1998 paper's, 60,000 parameters) "
                       "or improved (batch norm, dropout, augmentation, label smoothing, wider C1/C3: 99.5%%+)")
    train.add_argument("--api", default="sequential", choices=["sequential", "functional"],
                       help="Keras API used to build it (same network either way)")
    train.add_argument("--epochs", type=positive_int, help="passes over the data (default: 10; classic and improved: 20)")
    train.add_argument("--batch-size", type=positive_int, help="images per step (default: 256; improved: 128; classic: 32)")
    train.add_argument("--learning-rate", type=positive_float,
                       help="Adam's starting learning rate (default: 0.004, decayed to 0; improved: 0.002; classic: 0.001)")
    train.add_argument("--seed", type=int, default=0, help="random seed, for repeatable runs (default: 0)")
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

    evaluate = commands.add_parser("evaluate", parents=[common], help="score a saved model on the test set",
                                   description="Score a saved .keras model on MNIST's 10,000 test images.")
    evaluate.add_argument("model_file", type=Path, metavar="MODEL.keras", help="a model saved by train")

    predict = commands.add_parser("predict", parents=[common], help="read your own digits from image files",
                                  description="Predict the digit in each PNG or JPEG file: any size, colour or grey, "
                                  "dark ink on light paper or light on dark. Each image is prepared as MNIST's "
                                  "digits were (background removed, cropped, scaled to 20x20, centred by mass).")
    predict.add_argument("model_file", type=Path, metavar="MODEL.keras", help="a model saved by train")
    predict.add_argument("images", type=Path, nargs="+", metavar="IMAGE", help="image files, one digit each")

    bench = commands.add_parser("benchmark", parents=[common], help="measure training speed against plain PyTorch",
                                description="Measure training and inference speed, time to 99%% test accuracy "
                                "and peak memory, beside a plain PyTorch training loop of the same network.")
    bench.add_argument("--all-backends", action="store_true", help="measure all three backends, each in its own process")
    bench.add_argument("--batch-size", type=positive_int, help="images per step (default: train's, 256)")
    bench.add_argument("--epochs", type=positive_int, default=5,
                       help="epochs per speed run; the first is a warm-up, the best of the others counts "
                       "(default: 5, at least 2)")
    bench.add_argument("--skip-accuracy", action="store_true",
                       help="skip the full training run that measures the time to 99%% (minutes per backend)")
    ablation = commands.add_parser("ablation", parents=[common], help="what each improvement of LeNet-5 buys",
                                   description="Train LeNet-5, then add batch normalization, dropout, augmentation "
                                   "label smoothing and wider C1/C3 one at a time, each with several seeds; print a "
                                   "table of test accuracies (mean +- std). Takes about 40 minutes on 2 CPU cores.")
    ablation.add_argument("--seeds", type=positive_int, default=3, help="runs per step, seeds 0, 1, ... (default: 3)")
    ablation.add_argument("--epochs", type=positive_int, help="epochs per run (default: the improved recipe's 20)")
    ablation.add_argument("--subset", type=positive_int, help="train on the first N images only (quick tries)")
    ablation.add_argument("--figure", type=Path, help="also save the figure to this .png file")
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
    kernels = commands.add_parser("kernels", help="install a Jupyter kernel per backend",
                                  description="Install three Jupyter kernels of this Python, \"LeNet-5 (TensorFlow)\", "
                                  "\"LeNet-5 (JAX)\" and \"LeNet-5 (PyTorch)\", each with its KERAS_BACKEND: choose the "
                                  "backend from JupyterLab's kernel menu (--backend plays no part here). Running it "
                                  "again replaces them.")
    where = kernels.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="into your user folder, for every environment")
    where.add_argument("--prefix", type=Path, help="under this prefix (default: the virtual environment's, "
                       "else --user)")
    return parser


def kernels_command(args):
    """The kernels command: install the kernels, say where and how to use them."""
    from . import kernels

    if args.prefix and not args.prefix.is_dir():
        raise UserError(f"The folder {args.prefix} for --prefix does not exist: create it first.")
    folders = kernels.install_kernels(user=args.user, prefix=args.prefix and str(args.prefix))
    for name, folder in folders.items():
        print(f"installed kernel {kernels.kernel_name(name)} (KERAS_BACKEND={name}) in {folder}")
    for name in sorted(set(backend.BACKENDS) - set(folders)):
        print(f"no kernel for {backend.NAMES[name]}: not installed here (pip install -e \".[{name}]\")")
    print("In JupyterLab: Kernel > Change Kernel..., then \"LeNet-5 (JAX)\" or another.")
    return {"kernels": folders}


def check_output_path(path, suffix):
    """Raise UsageError unless `path` ends in `suffix` and its folder exists."""
    if path is None:
        return
    if path.suffix != suffix:
        raise UserError(f"{path} must end in {suffix}.")
    if not path.parent.is_dir():
        raise UserError(f"The folder {path.parent} for {path} does not exist: create it first.")


def run(args):
    """Carry out the parsed command; return the results dict."""
    if args.command == "kernels":  # Jupyter's business only: no backend, no Keras
        return kernels_command(args)
    devices = args.devices if args.command == "train" else 1
    if args.command == "train" and args.processes > 1 and not args.coordinator:
        raise UserError("--processes needs --coordinator HOST:PORT, the address of process 0 (e.g. 127.0.0.1:12355).")
    if args.command == "export":  # Keras exports from TensorFlow, whichever backend trained the model
        from . import export

        export.output_path(args.model_file, args.format, args.output)
        if args.quantize and args.format != "litert":
            raise UserError(f"--quantize is offered for --format litert only, not {args.format}.")
        export.require_packages(args.format)
        args.backend = None if "keras" in sys.modules else "tensorflow"  # else `export_model` starts a TensorFlow child
    backend.select_backend(args.backend, args.device, devices)
    check_output_path(args.report, ".json")
    if args.command == "train":
        check_output_path(args.output, ".keras")
        if args.checkpoint_dir and args.checkpoint_dir.exists() and not args.checkpoint_dir.is_dir():
            raise UserError(f"--checkpoint-dir {args.checkpoint_dir} is a file, not a folder: pass a folder.")
    if args.command == "ablation":
        check_output_path(args.figure, ".png")
    if args.command == "benchmark" and args.epochs < 2:
        raise UserError("benchmark needs --epochs 2 or more: the first epoch is a warm-up.")
    import keras  # only now: the backend is chosen

    from . import data, training

    backend.require_device(args.device)
    if args.command == "train" and args.processes > 1:
        from . import parallel

        parallel.start_processes(args.coordinator, args.processes, args.process_id)
    print(backend.banner(), flush=True)
    if args.command == "train":
        chosen = {"epochs": args.epochs, "batch_size": args.batch_size, "learning_rate": args.learning_rate}
        config = dataclasses.replace(training.recipe(args.model), api=args.api, seed=args.seed,
                                     devices=args.devices, processes=args.processes, process_id=args.process_id,
                                     deterministic=args.deterministic, subset=args.subset, data_dir=args.data_dir,
                                     checkpoint_dir=args.checkpoint_dir and str(args.checkpoint_dir),
                                     **{k: v for k, v in chosen.items() if v is not None})
        model, report = training.train(config)
        checksums = report["weights_sha256"]
        if len(checksums) > 1:  # several processes trained one model
            same = "the same weights in" if len(set(checksums)) == 1 else "DIFFERENT weights in"
            print(f"{same} all {len(checksums)} processes (sha256 {', '.join(checksums)})")
        if args.process_id > 0:  # process 0 saves the model and the report
            return report
        training.save_model(model, args.output)
        on = f" on {report['replicas']} devices" if report["replicas"] > 1 else ""
        print(f"test accuracy {report['test_accuracy']:.2%}, test loss {report['test_loss']:.4f}, "
              f"{report['seconds']:.1f} s{on}, {report['images_per_second']:,.0f} images/s; "
              f"saved {args.output}")
    elif args.command == "benchmark":
        from . import benchmark

        report = benchmark.run_benchmark(all_backends=args.all_backends, batch_size=args.batch_size,
                                         epochs=args.epochs, accuracy_run=not args.skip_accuracy,
                                         data_dir=args.data_dir)
        print(benchmark.format_table(report))
    elif args.command == "predict":
        from . import digits

        model = training.load_model(args.model_file)
        report = digits.predict_files(model, args.images)
        for r in report:
            others = ", ".join(f"{t['digit']} {t['probability']:.1%}" for t in r["top3"][1:])
            print(f"{r['file']}: {r['digit']} ({r['probability']:.1%}; then {others})")
    elif args.command == "ablation":
        from . import ablation, plots

        report = ablation.run_ablation(seeds=range(args.seeds), epochs=args.epochs, subset=args.subset,
                                       data_dir=args.data_dir)
        print(ablation.format_ablation(report))
        if args.figure:
            plots.plot_ablation(report).savefig(args.figure, dpi=120)
    elif args.command == "export":
        report = export.export_model(args.model_file, args.format, args.output, args.data_dir, args.quantize)
        print(export.summary(report))
    else:
        model = training.load_model(args.model_file)
        (_, _), (x_test, y_test) = data.load_mnist(args.data_dir)
        report = {"model_file": str(args.model_file), "backend": keras.backend.backend(),
                  **training.evaluate_model(model, x_test, y_test)}
        print(f"{args.model_file}: test accuracy {report['test_accuracy']:.2%}, "
              f"test loss {report['test_loss']:.4f}")
    if args.report:
        training.save_json(report, args.report)
    return report


def main(argv=None):
    """Entry point: run the command, turning user mistakes into one sentence and exit code 1."""
    args = build_parser().parse_args(argv)
    try:
        run(args)
    except UserError as error:
        if args.debug:
            raise
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0
