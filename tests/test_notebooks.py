"""The course's notebooks as files: every exercise has a worked solution, and every notebook starts
the same way. (Running them is nbval's job: `python -m pytest --nbval notebooks`.)"""

import importlib.util
import json
import os
import re
import tempfile
import threading
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def cells(path):
    return [("".join(c["source"]), c["cell_type"]) for c in json.loads(path.read_text())["cells"]]


def exercises(path):
    """The numbers of the exercises listed under the notebook's '## Exercises' heading."""
    text = next(source for source, kind in cells(path) if kind == "markdown" and "## Exercises" in source)
    return [int(n) for n in re.findall(r"^(\d+)\. ", text.split("## Exercises", 1)[1], flags=re.MULTILINE)]


def test_there_are_eleven_chapters():
    assert [p.name[:2] for p in CHAPTERS] == [f"{i:02d}" for i in range(11)]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_exercise_has_a_worked_solution(chapter):
    solutions = NOTEBOOKS / "solutions" / f"{chapter.stem}_solutions.ipynb"
    assert solutions.exists(), f"{solutions.name} is missing"
    numbers = exercises(chapter)
    assert numbers == list(range(1, len(numbers) + 1)) and numbers, chapter.name
    headings = [int(n) for source, kind in cells(solutions) if kind == "markdown"
                for n in re.findall(r"^## Exercise (\d+)", source, flags=re.MULTILINE)]
    assert headings == numbers, f"{solutions.name} solves {headings}, {chapter.name} asks {numbers}"
    link = f"(solutions/{solutions.name})"
    assert any(link in source for source, _ in cells(chapter)), f"{chapter.name} does not link {solutions.name}"


@pytest.mark.parametrize("notebook", [*CHAPTERS, *sorted((NOTEBOOKS / "solutions").glob("*.ipynb"))],
                         ids=lambda p: p.stem)
def test_every_notebook_starts_by_choosing_the_backend(notebook):
    first_code = next(source for source, kind in cells(notebook) if kind == "code")
    assert "backend.start(" in first_code and "import keras" not in first_code.split("backend.start(")[0]


def notebook_settings():
    """notebooks/conftest.py, the nbval settings, as a module."""
    spec = importlib.util.spec_from_file_location("notebook_settings", NOTEBOOKS / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebooks_whose_asserts_time_things_run_alone():
    """A notebook whose asserts rest on a measured speed is in TIMED (or TIMED_IN_FULL_RUNS), so that
    under `-n 2` it never shares the cores: a busy machine would bend its figures."""
    settings = notebook_settings()
    timing = re.compile(r"^\s*assert .*(speed|images_per_second|seconds|\bratio\b|fits\[|compiling)",
                        flags=re.MULTILINE)
    timed = {p.name for p in NOTEBOOKS.rglob("*.ipynb")
             if any(kind == "code" and timing.search(source) for source, kind in cells(p))}
    assert timed == settings.TIMED | settings.TIMED_IN_FULL_RUNS


def test_a_timed_notebook_waits_for_the_other_worker_and_then_runs_alone(monkeypatch, tmp_path):
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", f"test-{os.getpid()}")
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "2")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"):
        monkeypatch.setenv(name, "")  # restored after the test
        monkeypatch.delenv(name)
    pinned = []
    monkeypatch.setattr(os, "sched_setaffinity", lambda pid, cores: pinned.append(set(cores)), raising=False)
    settings = notebook_settings()
    first, second = settings.Turns(), settings.Turns()
    share = first.share
    assert set(share) < set(first.cores) or len(first.cores) == 1  # half the cores, or the only one
    first.enter(NOTEBOOKS / "02_lenet5.ipynb")  # an untimed notebook: its worker's share of the cores
    assert os.environ["OMP_NUM_THREADS"] == os.environ["TF_NUM_INTRAOP_THREADS"] == str(len(share))
    if hasattr(os, "sched_getaffinity"):
        assert pinned == [set(share)]
    entered = threading.Event()
    timed = NOTEBOOKS / "solutions" / "09_more_devices_solutions.ipynb"
    waiting = threading.Thread(target=lambda: (second.enter(timed), entered.set()))
    waiting.start()
    assert not entered.wait(0.5), "the timed notebook started beside another one"
    first.leave()
    assert entered.wait(10), "the timed notebook did not start once the other one had ended"
    waiting.join()
    assert "OMP_NUM_THREADS" not in os.environ  # the machine's threads, as outside pytest-xdist
    if hasattr(os, "sched_getaffinity"):
        assert pinned[-1] == set(second.cores)
    blocked = threading.Thread(target=first.enter, args=(NOTEBOOKS / "04_learning_curves.ipynb",))
    blocked.start()
    blocked.join(0.5)
    assert blocked.is_alive(), "an untimed notebook started beside a timed one"
    second.leave()
    blocked.join(10)
    assert not blocked.is_alive()
    first.leave()
