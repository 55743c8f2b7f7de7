"""files.py: atomic writes, and `run_python`, the one way the package and the tests run a child Python."""

import os
import sys

import pytest

from child import run_code
from lenet_keras import files
from lenet_keras.errors import UserError

ANSWER = "import sys; from lenet_keras.files import write_result; write_result({'args': sys.argv[1:], 'python': sys.executable})"


def test_a_child_answers_in_json_and_runs_this_very_python():
    assert run_code(ANSWER, "a", 2) == {"args": ["a", "2"], "python": sys.executable}


def test_a_childs_user_error_is_one_sentence_here():
    code = ("from lenet_keras.files import child_main; from lenet_keras.errors import UserError\n"
            "def work():\n    raise UserError('The file x does not exist: check the path.')\nchild_main(work)")
    with pytest.raises(UserError, match=r"^The file x does not exist: check the path\.$"):
        run_code(code)


def test_a_user_error_from_a_launchers_worker_is_one_sentence_too():
    """torchrun exits 1 whatever its workers' codes: the sentence travels as a file, not an exit code."""
    code = ("import sys; from lenet_keras.errors import UserError; from lenet_keras.files import report_user_error\n"
            "report_user_error(UserError('The batch of 10 images does not split evenly.')); sys.exit(1)")
    with pytest.raises(UserError, match=r"^The batch of 10 images does not split evenly\.$"):
        run_code(code)


def test_a_failed_child_shows_its_traceback():
    lines = ["[rank1]: Traceback (most recent call last):", '[rank1]:   File "x.py", line 1, in <module>',
             "[rank1]:     1 / 0", "[rank1]: ZeroDivisionError: division by zero", "Traceback (most recent call last):",
             '  File "run.py", line 9', "ChildFailedError:", "====", "worker FAILED"]
    assert files.last_error(lines) == lines[:4]  # the worker's, through its exception line: the root cause


def test_a_failed_child_shows_its_last_lines():
    with pytest.raises(RuntimeError, match=r"failed \(exit code 1\); it said:\nTraceback(.|\n)*ZeroDivisionError"):
        run_code("print('progress'); 1 / 0")


def test_a_stuck_child_is_stopped_at_its_time_limit():
    with pytest.raises(RuntimeError, match="did not finish in 1 s"):
        run_code("import time; time.sleep(60)", timeout=1)


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "report.json"
    files.save_json({"old": 1}, path)

    def broken(tmp):
        open(tmp, "w").write("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        files.write_atomically(path, broken, ".json")
    assert path.read_text() == '{\n  "old": 1\n}' and os.listdir(tmp_path) == ["report.json"]


def test_a_folder_swap_interrupted_between_its_moves_keeps_a_copy(tmp_path):
    """The crash the swap can suffer: the old folder stepped aside, the new one not yet moved in.
    The next write puts the old one back first; a failing write then leaves it in place."""
    path, old = tmp_path / "model_saved_model", tmp_path / ".model_saved_model.old"
    old.mkdir()
    (old / "saved_model.pb").write_text("the only copy")

    def broken(folder):
        raise OSError("converter crashed")

    with pytest.raises(OSError):
        files.write_folder_atomically(path, broken)
    assert (path / "saved_model.pb").read_text() == "the only copy" and sorted(os.listdir(tmp_path)) == [path.name]
    files.write_folder_atomically(path, lambda folder: open(os.path.join(folder, "saved_model.pb"), "w").write("new"))
    assert (path / "saved_model.pb").read_text() == "new" and sorted(os.listdir(tmp_path)) == [path.name]


def test_run_each_backend_gives_each_childs_result(tmp_path, capsys):
    script = tmp_path / "child.py"
    script.write_text("import sys\nfrom lenet_keras.files import child_main\n"
                      "child_main(lambda: {'asked': sys.argv[1:]})\n")
    results = files.run_each_backend(script, ["jax", "torch"])
    assert results == {"jax": {"asked": ["--child", "jax"]}, "torch": {"asked": ["--child", "torch"]}}
    assert "measuring torch ..." in capsys.readouterr().out
