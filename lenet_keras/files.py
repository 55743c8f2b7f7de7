"""Files written whole or not at all, JSON, and child Pythons that answer in JSON."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from .errors import UserError

RESULT = "result.json"  # what a child started by `run_python` writes into its folder
USER_ERROR = "user_error.txt"  # or, for a mistake the user can fix, its one sentence
USER_ERROR_EXIT = 2


def check_output_path(path, suffix, flag="--output"):
    """Raise UserError unless `path` (None: nothing asked) ends in `suffix` ("" for a folder) and can be
    written (`check_folder_for`)."""
    if path is None:
        return
    if suffix and Path(path).suffix != suffix:
        raise UserError(f"{path} must end in {suffix}.")
    check_folder_for(path, flag)


def check_folder_for(path, flag="--output"):
    """Raise UserError unless the folder `path` goes into exists and this user may write there."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise UserError(f"The folder {folder} for {path} does not exist: create it first.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"The folder {folder} for {path} is not writable by you: choose another {flag}.")


def write_atomically(path, write, suffix):
    """Call `write(temporary_path)` beside `path`, then rename the result to `path`: a crash, even a
    SIGKILL, leaves the old file or the new one, never half of one. `suffix` ends the temporary
    name (Keras insists on .keras or .weights.h5)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(suffix=suffix, prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        readable_as_umask_allows(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_folder_atomically(path, write):
    """Call `write(temporary_folder)` beside the folder `path`, then swap the result in. A folder
    cannot replace a folder in one step: the old one steps aside to .NAME.old, the new one moves in,
    then the old one goes. A crash between the two moves leaves the old one at .NAME.old, which the
    next call puts back before anything else, so a copy always survives."""
    path = Path(path)
    old = path.with_name(f".{path.name}.old")
    if old.exists() and not path.exists():
        os.replace(old, path)  # a crash between the two moves: the old one back in its place
    shutil.rmtree(old, ignore_errors=True)  # the swap had finished; only the clean-up was lost
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        write(str(tmp))
        readable_as_umask_allows(tmp, folder=True)
        if path.exists():
            os.replace(path, old)
        try:
            os.replace(tmp, path)
        except OSError:
            if old.exists():
                os.replace(old, path)
            raise
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def readable_as_umask_allows(path, folder=False):
    """Give a temporary file (or folder) the permissions a plain `open` would have: mkstemp makes
    them private to the owner, which a web server run by another user, or a colleague, cannot read."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if folder else 0o666) & ~umask)


def save_json(obj, path):
    """Write `obj` as indented JSON to `path` atomically."""
    write_atomically(path, lambda tmp: Path(tmp).write_text(json.dumps(obj, indent=2)), ".json")


def run_python(args, folder, env=None, show_output=False, what="The child process", timeout=None):
    """Run this very Python (`sys.executable`, never whatever `python` is on PATH) with `args`, its
    folder for files in LENET_CHILD_FOLDER=`folder`; return the JSON it left in `folder`/result.json.

    `env` adds to this process's environment; `show_output` passes the child's stdout through as it
    comes (progress); a child still running after `timeout` seconds is stopped, with the processes it
    started (its own session). A child that left a UserError's sentence (`report_user_error`)
    raises it here as one; any other failure raises RuntimeError with the child's traceback."""
    env = {**os.environ, **(env or {}), "LENET_CHILD_FOLDER": str(folder), "PYTHONUNBUFFERED": "1"}
    with open(Path(folder, "stderr.txt"), "w") as errors:
        with subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=errors, text=True,
                              env=env, start_new_session=bool(timeout)) as child:
            timed_out = threading.Event()
            timer = threading.Timer(timeout, lambda: (timed_out.set(), os.killpg(child.pid, signal.SIGKILL))) \
                if timeout else None
            if timer:
                timer.start()
            for line in child.stdout:
                if show_output:
                    print(line, end="", flush=True)
    if timer:
        timer.cancel()
    lines = Path(folder, "stderr.txt").read_text().strip().splitlines() or ["no message"]
    if Path(folder, USER_ERROR).exists():
        raise UserError(Path(folder, USER_ERROR).read_text().strip())
    if child.returncode:
        why = f"did not finish in {timeout} s" if timed_out.is_set() else f"failed (exit code {child.returncode})"
        raise RuntimeError(f"{what} {why}; it said:\n" + "\n".join(last_error(lines)))
    return json.loads(Path(folder, RESULT).read_text())


def last_error(lines, most=60):
    """What to show of a failed child's stderr `lines`: its first traceback through its exception line,
    the root cause (a launcher such as torchrun adds its own after its workers'), else its last lines."""
    start = next((i for i, line in enumerate(lines) if "Traceback" in line), None)  # torchrun: "[rank0]: Traceback"
    if start is None:
        return lines[-most:]
    unprefixed = [re.sub(r"^\[rank\d+\]: ", "", line) for line in lines]
    end = next((i for i in range(start + 1, len(lines)) if unprefixed[i] and not unprefixed[i].startswith(" ")),
               len(lines) - 1)
    shown = lines[start:end + 1]
    return shown if len(shown) <= most else [*shown[:10], "...", *shown[-(most - 11):]]


def report_user_error(error):
    """In a child started by `run_python`: leave the UserError's sentence for the parent, which raises it."""
    Path(os.environ["LENET_CHILD_FOLDER"], USER_ERROR).write_text(str(error))


def write_result(obj):
    """In a child started by `run_python`: leave `obj` as JSON for the parent."""
    save_json(obj, Path(os.environ["LENET_CHILD_FOLDER"], RESULT))


def child_main(work):
    """A child's `__main__`: run `work()` and leave its JSON result; or, for a UserError, leave its
    sentence (`report_user_error`) and exit with USER_ERROR_EXIT."""
    try:
        result = work()
    except UserError as error:
        report_user_error(error)
        sys.exit(USER_ERROR_EXIT)
    write_result(result)


def run_each_backend(script, names):
    """{backend: result} of `python script --child BACKEND` for each backend of `names`, each in a fresh
    Python (a backend is chosen once per process); `script` leaves its result with `child_main`."""
    results = {}
    for name in names:
        print(f"measuring {name} ...", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            results[name] = run_python([str(script), "--child", name], folder, what=f"The run on {name}")
    return results
