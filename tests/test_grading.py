"""`python -m lenet_keras grade`: a teacher's folder of notebooks scored by the exercises' checks.
The worked solutions get full marks, a notebook with one wrong answer loses that exercise only, and
the notebooks as shipped score nothing; bad input ends in one sentence."""

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest
from otter.nbmeta_config import NBMetadataConfig
from otter.test_files import create_test_file

from lenet_keras import cli, settings

COURSE = settings.NOTEBOOKS / "00_setup_and_backends.ipynb"
SOLUTIONS = settings.NOTEBOOKS / "solutions" / "00_setup_and_backends_solutions.ipynb"
# notebook 00's answer cells, filled in: right for exercises 1 and 3, wrong for exercise 2
ANSWERS = {"changed_outputs = ...": 'changed_outputs = {"a", "b", "c", "h"}',
           "backend_option = ...": 'backend_option = "--device"\noption_before_command = True',
           "winning_backend = ...": 'winning_backend = "jax"\nwhy_it_won = "a"'}


def answered(notebook, answers):
    """The notebook with each answer cell that starts with a key of `answers` replaced by its value."""
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        for start, answer in answers.items():
            if cell["cell_type"] == "code" and source.startswith(start):
                cell["source"] = answer
    return notebook


@pytest.mark.integration
@pytest.mark.skipif(settings.chosen_backend() != "jax", reason="grading is the same on every backend: runs under JAX")
def test_grade_gives_solutions_full_marks_and_one_wrong_answer_one_less(tmp_path):
    folder = tmp_path / "submitted"
    folder.mkdir()
    shutil.copy(SOLUTIONS, folder / "solutions.ipynb")
    (folder / "one_wrong.ipynb").write_text(json.dumps(answered(json.loads(COURSE.read_text()), ANSWERS)))
    done = subprocess.run([sys.executable, "-m", "lenet_keras", "grade", str(folder), "--output", "grades.csv"],
                          cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "LENET_QUICK": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    with open(tmp_path / "grades.csv", newline="") as f:
        rows = {row["notebook"]: row for row in csv.DictReader(f)}
    scores = {name: [float(rows[name][f"ex00_{k}"]) for k in (1, 2, 3)] for name in rows}
    assert scores == {"solutions.ipynb": [1, 1, 1], "one_wrong.ipynb": [1, 0, 1]}, rows
    assert rows["one_wrong.ipynb"]["total"] == "2" and rows["one_wrong.ipynb"]["possible"] == "3"
    assert "one_wrong.ipynb: 2 of 3" in done.stdout


@pytest.mark.parametrize("course", sorted(settings.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem[:2])
def test_notebooks_as_shipped_score_nothing(course):
    """Each check of a chapter, run on its notebook's answer cells as shipped (what grading sees of them:
    the lessons' own variables answer nothing), fails: the notebook scores 0."""
    env = {}
    code = ["".join(c["source"]) for c in json.loads(course.read_text())["cells"] if c["cell_type"] == "code"]
    for answer, check in zip(code, code[1:]):
        if check.startswith("grader.check("):
            exec(answer, env)  # the answer cell before each check: `name = ...  # what to put there`
    checks = sorted((settings.NOTEBOOKS / "checks").glob(f"ex{course.name[:2]}_*.py"))
    assert checks and env
    for path in checks:
        test = create_test_file(str(path), NBMetadataConfig())
        test.run(env)
        assert not test.passed_all and test.score == 0, path.name


@pytest.mark.parametrize("args, says", [
    (["grade", "{tmp}/none"], "No notebooks to grade in {tmp}/none"),
    (["grade", "{tmp}/empty"], "No notebooks to grade in {tmp}/empty"),
    (["grade", "{tmp}/mixed"], "they call checks of 00, 02"),
    (["grade", "{tmp}/plain"], "they call checks of none"),
    (["grade", "{tmp}/broken.ipynb"], "{tmp}/broken.ipynb is not a Jupyter notebook"),
    (["grade", "{tmp}/mixed", "--output", "{tmp}/grades.txt"], "must end in .csv"),
    (["grade", "{tmp}/mixed", "--checks", "{tmp}/nowhere"], "The folder of checks {tmp}/nowhere does not exist"),
])
def test_grade_refuses_bad_input_in_one_sentence(tmp_path, capsys, args, says):
    (tmp_path / "empty").mkdir()
    (tmp_path / "mixed").mkdir()
    shutil.copy(COURSE, tmp_path / "mixed" / "a.ipynb")
    shutil.copy(settings.NOTEBOOKS / "02_lenet5.ipynb", tmp_path / "mixed" / "b.ipynb")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "c.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                                                            "nbformat_minor": 5}))
    (tmp_path / "broken.ipynb").write_text("{cells: half a file")
    code = cli.main([a.format(tmp=tmp_path) for a in args])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and says.format(tmp=tmp_path) in err, err
    assert len(err.strip().splitlines()) == 1
