"""Grade submitted notebooks with the exercises' checks: otter-grader runs each notebook from top to
bottom in a kernel of this Python (its local grading, without Docker) and scores every check of
its chapter, one point each. `python -m lenet_keras grade` writes the scores as CSV."""

import contextlib
import csv
import io
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from .errors import UserError
from .files import write_atomically
from .settings import NOTEBOOKS

CHECKS = NOTEBOOKS / "checks"  # the course's checks (a teacher's copy with hidden tests: --checks)
CHECK_CALL = re.compile(r"""grader\.check\(\s*["'](ex(\d\d)_\d+)["']""")


def chapter_of(notebooks):
    """The two-digit chapter whose checks the notebooks call (grader.check("ex02_1") -> "02")."""
    every = set()
    for path in notebooks:
        try:
            cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
        except (ValueError, AttributeError):
            raise UserError(f"{path} is not a Jupyter notebook (it does not read as one): leave it out.") from None
        code = "\n".join("".join(c["source"]) for c in cells if c.get("cell_type") == "code")
        every |= {m.group(2) for m in CHECK_CALL.finditer(code)}
    if len(every) != 1:
        named = "none" if not every else ", ".join(sorted(every))
        raise UserError(f"The notebooks should all be of one chapter, found by their check cells "
                        f"(grader.check(\"ex02_1\") is chapter 02); they call checks of {named}.")
    return every.pop()


def chapter_checks(checks_dir, chapter):
    """The paths of the check files of `chapter` in `checks_dir`, sorted by exercise."""
    paths = sorted(Path(checks_dir).glob(f"ex{chapter}_*.py"), key=lambda p: int(p.stem.split("_")[1]))
    if not paths:
        raise UserError(f"{checks_dir} holds no checks of chapter {chapter} (files ex{chapter}_1.py, ...): "
                        "pass the folder of the course's checks with --checks.")
    return paths


def autograder(check_files, folder):
    """Otter's autograder configuration (a zip) holding `check_files`, written into `folder`."""
    from otter.generate import main as generate

    tests = Path(folder) / "checks"
    tests.mkdir()
    for path in check_files:
        shutil.copy(path, tests)
    zip_path = Path(folder) / "autograder.zip"
    generate(tests_dir=str(tests), output_path=str(zip_path), no_config=True, no_requirements=True,
             no_environment=True, lang="python")
    return zip_path


def say(line):
    print(line, flush=True)


def grade_notebooks(notebooks, checks_dir=CHECKS, quick=True, progress=say):
    """{notebook: {check name: points}} for each notebook, run in quick mode (as the tests run the
    course) unless `quick` is False; `progress` hears of each notebook as it starts."""
    from otter.api import grade_submission

    chapter = chapter_of(notebooks)
    check_files = chapter_checks(checks_dir, chapter)
    names = [p.stem for p in check_files]
    scores = {}
    previous = os.environ.get("LENET_QUICK")
    os.environ["LENET_QUICK"] = "1" if quick else "0"  # the kernels otter starts inherit it
    try:
        with tempfile.TemporaryDirectory() as folder:
            zip_path = autograder(check_files, folder)
            for i, path in enumerate(notebooks, 1):
                progress(f"[{i}/{len(notebooks)}] running {Path(path).name} ...")
                with contextlib.redirect_stderr(io.StringIO()):  # the kernel's start-up logs
                    results = grade_submission(str(path), str(zip_path), quiet=True)
                scores[path] = {name: results.get_score(name) for name in names}
    finally:
        if previous is None:
            del os.environ["LENET_QUICK"]
        else:
            os.environ["LENET_QUICK"] = previous
    return scores


def write_scores(scores, path):
    """Write the scores as CSV, a row per notebook: its name, a column per check, the total."""
    names = list(next(iter(scores.values())))

    def write(tmp):
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            table = csv.writer(f)
            table.writerow(["notebook", *names, "total", "possible"])
            for notebook, points in scores.items():
                total = sum(points.values())
                table.writerow([Path(notebook).name, *(f"{points[n]:g}" for n in names), f"{total:g}", len(names)])

    write_atomically(path, write, ".csv")
