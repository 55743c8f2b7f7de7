"""nbval settings for the course notebooks."""

import os
import tempfile

import pytest

try:
    import fcntl  # file locks: POSIX systems; elsewhere notebooks under -n 2 run side by side unchecked
except ImportError:
    fcntl = None

# Under pytest the notebooks train briefly unless LENET_QUICK=0 asks for the full runs.
os.environ.setdefault("LENET_QUICK", "1")

# These notebooks start one process per backend themselves, so running them under each backend
# repeats identical work: they run once, under TensorFlow (the default backend).
RUN_ONCE = {"08_backends_compared.ipynb", "08_backends_compared_solutions.ipynb"}
# The worked solutions add 8 to 13 minutes per backend, and CI has to stay under 45 minutes: they run
# under one backend, PyTorch, where they take less than on TensorFlow (2 cores, 2026-12-05: 7.8 min
# against 12.9; JAX's course notebooks take longer than PyTorch's too),
# unless LENET_SOLUTIONS_EVERY_BACKEND=1 (as before a release).
SOLUTIONS_BACKEND = "torch"
SOLUTIONS_ONCE = os.environ.get("LENET_SOLUTIONS_EVERY_BACKEND") != "1"
# Notebooks whose asserts rest on measured speed (devices, batch sizes, runtimes, compile times);
# 04 and 09's solutions check theirs in full runs only. Under pytest-xdist (-n 2) each of these runs
# alone, on all the cores, while the others run side by side, each kernel on its worker's share.
TIMED = {"08_backends_compared_solutions.ipynb", "11_more_devices_solutions.ipynb",
         "12_using_the_model_elsewhere.ipynb", "12_using_the_model_elsewhere_solutions.ipynb"}
TIMED_IN_FULL_RUNS = {"04_optimizers_and_batch_size.ipynb", "09_from_1998_to_today_solutions.ipynb"}
if os.environ.get("LENET_QUICK") == "0":
    TIMED |= TIMED_IN_FULL_RUNS
# Where a kernel cannot be pinned to cores (not Linux), the thread counts PyTorch and TensorFlow
# read instead; pinned, each backend sizes its thread pools by the cores it may use.
THREADS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS")


def pytest_collectstart(collector):
    """Do not compare stderr: it carries the backends' own start-up logs, which differ by backend."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)


def pytest_configure(config):
    """Under -n 2, xdist hands out the notebooks in the order collected, not sorted by cell count."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config, items):
    """Mark the notebooks that run under one backend only; under -n 2, put the timed ones first.

    A timed notebook that comes up while the other worker's notebook runs waits for it, and that one
    then runs on half the cores: one or two minutes lost per backend. First, they run one after the
    other on all the cores, before the rest run side by side."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.path.name not in TIMED)  # stable: each notebook's cells in order
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    skip = pytest.mark.skip(reason="trains on every backend itself; runs once, under KERAS_BACKEND=tensorflow")
    skip_solution = pytest.mark.skip(reason="worked solutions run under KERAS_BACKEND=torch; "
                                            "LENET_SOLUTIONS_EVERY_BACKEND=1 runs them here")
    for item in items:
        if item.path.name in RUN_ONCE:
            if backend != "tensorflow":
                item.add_marker(skip)
        elif SOLUTIONS_ONCE and item.path.parent.name == "solutions" and backend != SOLUTIONS_BACKEND:
            item.add_marker(skip_solution)


class Turns:
    """Under pytest-xdist, shares the machine between the workers' notebook kernels.

    A kernel starts on its worker's share of the cores (pinned to them on Linux, else told as many
    threads), so two kernels on two cores do not thrash, while a timed notebook waits until it can
    run alone on all of them. Every notebook holds a lock on a file that the workers share: shared by
    the others, exclusive by a timed one. A second lock, the door, taken first, keeps a waiting timed
    notebook from being passed by the other workers' next ones.
    """

    def __init__(self):
        self.file = self.room = self.door = None
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
        workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
        if not run or workers < 2 or fcntl is None:
            return
        folder = tempfile.gettempdir()
        self.room = open(os.path.join(folder, f"lenet-nbval-{run}.room"), "a")
        self.door = open(os.path.join(folder, f"lenet-nbval-{run}.door"), "a")
        self.pin = getattr(os, "sched_setaffinity", None)
        self.cores = sorted(os.sched_getaffinity(0)) if self.pin else list(range(os.cpu_count() or 1))
        worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:]) % workers  # a restarted gw2 is gw0's twin
        self.share = self.cores[worker::workers] or [self.cores[worker % len(self.cores)]]  # >1 worker a core
        self.threads = {name: os.environ.get(name) for name in THREADS}

    def enter(self, path):
        """Before a notebook's first cell, and its kernel's start: wait for our turn, then set the
        cores (or threads) the kernel inherits."""
        if self.room is None or path == self.file:
            return
        self.leave()  # whatever happened to the last notebook, its turn is over
        timed = path.name in TIMED
        fcntl.flock(self.door, fcntl.LOCK_EX)
        fcntl.flock(self.room, fcntl.LOCK_EX if timed else fcntl.LOCK_SH)
        fcntl.flock(self.door, fcntl.LOCK_UN)
        cores = self.cores if timed else self.share
        if self.pin:
            self.pin(0, cores)
        else:
            for name, value in self.threads.items():
                if not timed:
                    os.environ[name] = str(len(cores))
                elif value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        self.file = path

    def leave(self):
        """After a notebook's last cell, once its kernel has stopped."""
        if self.room is not None:
            fcntl.flock(self.room, fcntl.LOCK_UN)
            self.file = None


TURNS = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Runs before nbval starts a notebook's kernel, which takes its cores from this process."""
    global TURNS
    if item.path.suffix == ".ipynb" and not item.get_closest_marker("skip"):
        TURNS = TURNS or Turns()
        TURNS.enter(item.path)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the notebook's last cell and its kernel's stop, even when stopping it failed."""
    try:
        return (yield)
    finally:
        if TURNS and item.path.suffix == ".ipynb" and (nextitem is None or nextitem.path != item.path):
            TURNS.leave()
