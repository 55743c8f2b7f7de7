"""The course's notebooks as files: every exercise has a worked solution, and every notebook starts
the same way. (Running them is nbval's job: `python -m pytest --nbval notebooks`.)"""

import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import pytest

from scripts import load_module

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def cells(path):
    return [("".join(c["source"]), c["cell_type"]) for c in json.loads(path.read_text())["cells"]]


def exercises(path):
    """The numbers of the notebook's exercises: its '### Exercise N' headings (an exercise with its
    answer and check cells), else the list under its '## Exercises' heading."""
    markdown = [source for source, kind in cells(path) if kind == "markdown"]
    headed = [int(n) for source in markdown for n in re.findall(r"^### Exercise (\d+)", source, flags=re.MULTILINE)]
    text = next(source for source in markdown if "## Exercises" in source)
    return headed or [int(n) for n in re.findall(r"^(\d+)\. ", text.split("## Exercises", 1)[1], flags=re.MULTILINE)]


def test_there_are_thirteen_chapters():
    assert [p.name[:2] for p in CHAPTERS] == [f"{i:02d}" for i in range(13)]


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


MEASURED = re.compile(r"(?<![\w.,])(\d[\d,]*(?:\.\d+)?)(x\b| ?%| points?\b| s\b| seconds\b| min\b| minutes\b)")
REFERENCE = re.compile(r"\b(?:19|20)\d\d\b|paper|README|benchmarks/|notebook \d\d", flags=re.IGNORECASE)


def numbers_in(text):
    """Every number written in `text`, commas dropped: 61,706 -> 61706."""
    return {float(n.replace(",", "")) for n in re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", text)}


def backed_numbers(notebook):
    """The numbers of a notebook's code and outputs, each also times 100 (a fraction as a percentage)."""
    backed = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            outputs = ["".join(o.get("text", "")) + "\n" + "".join(o.get("data", {}).get("text/plain", ""))
                       for o in cell.get("outputs", [])]
            backed |= numbers_in("\n".join(["".join(cell["source"]), *outputs]))
    return backed | {100 * n for n in backed}


def prose_paragraphs(notebook):
    """The paragraphs of the prose that state results: not exercises, not 'Check yourself', not a
    paragraph that cites a date, the paper, the README, benchmarks/ or another notebook."""
    for cell in notebook["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and not re.search(r"^##+ (Exercise|Check yourself)", text, flags=re.MULTILINE):
            yield from (paragraph for paragraph in text.split("\n\n") if not REFERENCE.search(paragraph))


def unbacked_numbers(path):
    """Numbers with a unit (%, points, x, s, min) in a notebook's prose that none of its code or outputs
    holds, to the precision the prose gives."""
    notebook = json.loads(path.read_text())
    backed = backed_numbers(notebook)
    found = []
    for paragraph in prose_paragraphs(notebook):
        for match in MEASURED.finditer(paragraph):
            number = match.group(1).replace(",", "")
            half_step = 0.5 * 10 ** -len(number.partition(".")[2])
            if not any(abs(b - float(number)) <= half_step + 1e-9 for b in backed):
                found.append(match.group(0))
    return found


@pytest.mark.parametrize("notebook", [*CHAPTERS, *sorted((NOTEBOOKS / "solutions").glob("*.ipynb"))],
                         ids=lambda p: p.stem)
def test_every_measured_number_in_the_prose_is_printed_or_asserted(notebook):
    assert unbacked_numbers(notebook) == []


def test_a_number_no_output_backs_is_found(tmp_path):
    def cell(kind, text, **more):
        return {"cell_type": kind, "source": [text], "metadata": {}, **more}

    notebook = {"cells": [cell("code", "assert acc > 0.982", outputs=[{"output_type": "stream", "text": ["98.25%"]}]),
                          cell("markdown", "It reaches 98.3%, above 98.2%, 3.5x faster, 0.7 points more, in 2 min."
                                           "\n\nIn the Paper: 99.05%. Notebook 02: 1.2 s."),
                          cell("markdown", "### Exercise 1\n\nCan you pass 99.4%?")]}
    (tmp_path / "n.ipynb").write_text(json.dumps(notebook))
    assert unbacked_numbers(tmp_path / "n.ipynb") == ["3.5x", "0.7 points", "2 min"]


def notebook_settings(monkeypatch):
    """notebooks/conftest.py, the nbval settings, as a module (its LENET_QUICK undone after the test)."""
    monkeypatch.setenv("LENET_QUICK", os.environ.get("LENET_QUICK", ""))
    monkeypatch.delenv("LENET_QUICK")
    return load_module("notebooks/conftest.py", "notebook_settings")


def test_notebooks_whose_asserts_time_things_run_alone(monkeypatch):
    """A notebook whose asserts rest on a measured speed is in TIMED (or TIMED_IN_FULL_RUNS), so that
    under `-n 2` it never shares the cores: a busy machine would bend its figures."""
    settings = notebook_settings(monkeypatch)
    timing = re.compile(r"^\s*assert .*(speed|images_per_second|seconds|\bratio\b|fits\[|compiling)",
                        flags=re.MULTILINE)
    timed = {p.name for p in NOTEBOOKS.rglob("*.ipynb")
             if any(kind == "code" and timing.search(source) for source, kind in cells(p))}
    assert timed == settings.TIMED | settings.TIMED_IN_FULL_RUNS


class Cell:
    """What nbval's collection hands the conftest for one cell: its notebook's path, its markers."""

    def __init__(self, path, number):
        self.path, self.number, self.markers = path, number, []

    def add_marker(self, marker):
        self.markers.append(marker)


def test_under_two_workers_the_timed_notebooks_come_first(monkeypatch):
    """Under -n 2 the timed notebooks are handed out first, each with its cells in order, and xdist
    keeps that order (it would sort by cell count); a serial run keeps the course's order."""
    settings = notebook_settings(monkeypatch)
    names = [NOTEBOOKS / "02_lenet5.ipynb", NOTEBOOKS / "12_using_the_model_elsewhere.ipynb",
             NOTEBOOKS / "solutions" / "11_more_devices_solutions.ipynb"]
    collected = [Cell(path, number) for path in names for number in range(3)]
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    serial = list(collected)
    settings.pytest_collection_modifyitems(None, serial)
    assert serial == collected

    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    items = list(collected)
    settings.pytest_collection_modifyitems(None, items)
    order = [(item.path.name, item.number) for item in items]
    assert {name for name, _ in order[:6]} <= settings.TIMED and order[6:] == [("02_lenet5.ipynb", n) for n in range(3)]
    assert [n for _, n in order[:6]] == [0, 1, 2, 0, 1, 2]

    config = type("Config", (), {"option": type("Options", (), {"loadscopereorder": True})()})()
    settings.pytest_configure(config)
    assert config.option.loadscopereorder is False


def held(path, kind):
    """Whether another holder's lock on `path` stops a lock of `kind` ("exclusive" or "shared") now."""
    import fcntl  # POSIX only, like the locks it probes

    with open(path, "a") as probe:
        try:
            fcntl.flock(probe, (fcntl.LOCK_EX if kind == "exclusive" else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


def start(turns, notebook):
    """`turns.enter(notebook)` in a thread; the event it sets once entered."""
    entered = threading.Event()
    threading.Thread(target=lambda: (turns.enter(notebook), entered.set()), daemon=True).start()
    return entered


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="kernels are pinned to cores on Linux")
def test_a_timed_notebook_waits_for_the_others_and_then_runs_alone(monkeypatch, tmp_path):
    """Two workers' `Turns`, as under `pytest -n 2`: an untimed notebook runs on its worker's share of
    the cores; a timed one waits for it, holding the door so no new notebook passes it, then runs
    alone on every core; the next notebook waits for the timed one."""
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", f"test-{os.getpid()}")
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "2")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    pinned = []
    monkeypatch.setattr(os, "sched_setaffinity", lambda pid, cores: pinned.append((pid, set(cores))))
    settings = notebook_settings(monkeypatch)
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    first = settings.Turns()
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")  # a restarted worker: gw1's twin
    second, third = settings.Turns(), settings.Turns()
    room, door = (tmp_path / f"lenet-nbval-test-{os.getpid()}.{name}" for name in ("room", "door"))
    if len(first.cores) > 1:
        assert first.share and second.share and not set(first.share) & set(second.share)

    first.enter(NOTEBOOKS / "02_lenet5.ipynb")  # untimed: its worker's share, the room shared
    assert pinned == [(0, set(first.share))]
    assert held(room, "exclusive") and not held(room, "shared") and not held(door, "exclusive")

    timed = start(second, NOTEBOOKS / "solutions" / "11_more_devices_solutions.ipynb")
    deadline = time.monotonic() + 10
    while not held(door, "exclusive"):  # the timed notebook holds the door while it waits
        assert not timed.is_set(), "the timed notebook started beside another one"
        assert time.monotonic() < deadline, "the timed notebook never took the door"
        time.sleep(0.01)
    late = start(third, NOTEBOOKS / "05_learning_curves.ipynb")
    assert not timed.wait(0.2) and not late.is_set()

    first.leave()
    assert timed.wait(10), "the timed notebook did not start once the other one had ended"
    assert pinned[-1] == (0, set(second.cores))  # alone, on every core
    assert not late.wait(0.2) and held(room, "shared")  # the next one waits for it

    second.leave()
    assert late.wait(10)
    assert pinned[-1] == (0, set(third.share))
    third.leave()
    assert not held(room, "exclusive")
