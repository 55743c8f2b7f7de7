"""The course's notebooks as files: every exercise has a worked solution, and every notebook starts
the same way. (Running them is nbval's job: `python -m pytest --nbval notebooks`.)"""

import json
import re
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
