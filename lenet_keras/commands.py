"""What each command of the command line does (cli.py parses): check the arguments, choose the
backend, call the package, print a few lines. One function per command; all logic lives in the
modules they call."""

import dataclasses
import os
import sys

from . import backend, parallel
from .config import recipe
from .errors import UserError
from .files import check_output_path, save_json
from .settings import BACKENDS, NAMES


def kernels(args):
    """Install the Jupyter kernels, say where and how to use them (no backend, no Keras)."""
    from . import jupyter_kernels

    if args.prefix and not args.prefix.is_dir():
        raise UserError(f"The folder {args.prefix} for --prefix does not exist: create it first.")
    folders = jupyter_kernels.install_kernels(user=args.user, prefix=args.prefix and str(args.prefix))
    for name, folder in folders.items():
        print(f"installed kernel {jupyter_kernels.kernel_name(name)} (KERAS_BACKEND={name}) in {folder}")
    for name in sorted(set(BACKENDS) - set(folders)):
        print(f"no kernel for {NAMES[name]}: not installed here (pip install -e \".[{name}]\")")
    print("In JupyterLab: Kernel > Change Kernel..., then \"LeNet-5 (JAX)\" or another.")
    return {"kernels": folders}


def grade(args):
    """Grade submitted notebooks with the exercises' checks, write the CSV, print a line per notebook
    (no backend here: each notebook runs in a kernel of its own, with KERAS_BACKEND or --backend)."""
    from . import grading

    notebooks = sorted(p for folder in args.submissions for p in
                       (folder.glob("*.ipynb") if folder.is_dir() else [folder]))
    missing = [str(p) for p in args.submissions if not p.exists()]
    if missing or not notebooks:
        raise UserError(f"No notebooks to grade in {', '.join(missing or map(str, args.submissions))}: pass "
                        "folders of submitted .ipynb files, or the files.")
    check_output_path(args.output, ".csv")
    if not args.checks.is_dir():
        raise UserError(f"The folder of checks {args.checks} does not exist: pass the course's notebooks/checks "
                        "(or your copy of it) with --checks.")
    if args.backend:
        os.environ["KERAS_BACKEND"] = args.backend
    scores = grading.grade_notebooks(notebooks, args.checks, quick=not args.full)
    grading.write_scores(scores, args.output)
    for notebook, points in scores.items():
        print(f"{notebook.name}: {sum(points.values()):g} of {len(points)} "
              f"({', '.join(f'{n} {p:g}' for n, p in points.items())})")
    print(f"scores written to {args.output}")
    return {str(notebook): points for notebook, points in scores.items()}


def check_train(args):
    if args.processes > 1 and not args.coordinator:
        raise UserError("--processes needs --coordinator HOST:PORT, the address of process 0 (e.g. 127.0.0.1:12355).")
    if args.processes == 1 and (args.process_id or args.coordinator):
        given = "--process-id" if args.process_id else "--coordinator"
        raise UserError(f"{given} goes with --processes N, the number of processes training together: add it, "
                        f"or leave {given} out to train alone.")
    if not 0 <= args.process_id < args.processes:
        raise UserError(f"--process-id must be 0 to {args.processes - 1} for {args.processes} processes, "
                        f"not {args.process_id}.")
    check_output_path(args.output, ".keras")
    if args.checkpoint_dir and args.checkpoint_dir.exists() and not args.checkpoint_dir.is_dir():
        raise UserError(f"--checkpoint-dir {args.checkpoint_dir} is a file, not a folder: pass a folder.")


def train(args):
    from . import training

    chosen = {"epochs": args.epochs, "batch_size": args.batch_size, "learning_rate": args.learning_rate}
    config = dataclasses.replace(recipe(args.model), api=args.api, seed=args.seed,
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
          f"{report['seconds']:.1f} s{on}, {report['images_per_second']:,.0f} images/s; saved {args.output}")
    return report


def evaluate(args):
    import keras

    from . import data, training

    model = training.load_model(args.model_file)
    (_, _), (x_test, y_test) = data.load_mnist(args.data_dir)
    report = {"model_file": str(args.model_file), "backend": keras.backend.backend(),
              **training.evaluate_model(model, x_test, y_test)}
    print(f"{args.model_file}: test accuracy {report['test_accuracy']:.2%}, test loss {report['test_loss']:.4f}")
    return report


def predict(args):
    from . import analysis, digits, training

    report = digits.predict_files(training.load_model(args.model_file), args.images)
    for r in report:
        first, others = analysis.top3_text([(t["digit"], t["probability"]) for t in r["top3"]])
        print(f"{r['file']}: {first}; then {others}")
    return report


def benchmark(args):
    from . import benchmark

    if args.epochs < 2:
        raise UserError("benchmark needs --epochs 2 or more: the first epoch is a warm-up.")
    report = benchmark.run_benchmark(all_backends=args.all_backends, batch_size=args.batch_size, model=args.model,
                                     epochs=args.epochs, accuracy_run=not args.skip_accuracy, data_dir=args.data_dir)
    print(benchmark.format_table(report))
    return report


def ablation(args):
    from . import ablation, plots
    from .files import write_atomically

    check_output_path(args.figure, ".png", "--figure")
    report = ablation.run_ablation(seeds=range(args.seeds), epochs=args.epochs, subset=args.subset,
                                   data_dir=args.data_dir)
    print(ablation.format_ablation(report))
    if args.figure:
        figure = plots.plot_ablation(report)
        write_atomically(args.figure, lambda tmp: figure.savefig(tmp, dpi=120, format="png"), ".png")
    return report


def export(args):
    from . import export

    report = export.export_model(args.model_file, args.format, args.output, args.data_dir, args.quantize)
    print(export.summary(report))
    return report


def check_export(args):
    """Before any backend starts: the export's arguments and packages; Keras exports from TensorFlow,
    whichever backend trained the model (`export.export_model` starts a TensorFlow child otherwise)."""
    from . import export

    export.check_request(args.model_file, args.format, args.output, args.quantize)
    args.backend = None if "keras" in sys.modules else "tensorflow"


COMMANDS = {"train": train, "evaluate": evaluate, "predict": predict, "benchmark": benchmark,
            "ablation": ablation, "export": export}
CHECKS = {"train": check_train, "export": check_export}


def run(args):
    """Carry out the parsed command; return its results (JSON-ready), also written to --report."""
    if args.command == "kernels":  # Jupyter's business only: no backend, no Keras
        return kernels(args)
    if args.command == "grade":  # the notebooks run in kernels of their own
        return grade(args)
    check_output_path(args.report, ".json", "--report")
    CHECKS.get(args.command, lambda args: None)(args)
    devices = args.devices if args.command == "train" else 1
    if args.command == "train" and args.processes > 1:  # JAX joins the others before anything computes
        backend.select_backend(args.backend, args.device, devices)
        parallel.start_processes(args.coordinator, args.processes, args.process_id)
    print(backend.started(args.backend, args.device, devices), flush=True)
    backend.require_device(args.device)
    report = COMMANDS[args.command](args)
    if args.report:
        save_json(report, args.report)
    return report
