"""Notebook 08, exercise 2: the spread between seeds against the spread between backends."""
import numpy as np
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex08_2"
points = 1
BACKENDS, SEEDS = ("tensorflow", "jax", "torch"), (0, 1, 2)


def seeds_against_backends(accuracy_by_run, seed_spread, backend_spread, spreads_compare):
    runs = checks.answered(accuracy_by_run, "accuracy_by_run", "{(backend, seed): test accuracy} of your nine runs")
    keys = {(b, s) for b in BACKENDS for s in SEEDS}
    assert isinstance(runs, dict) and set(runs) == keys, (
        "`accuracy_by_run` should have the nine runs, keys such as (\"jax\", 1): three backends, seeds 0, 1, 2")
    for key in sorted(keys):
        checks.accuracy(runs[key], f"accuracy_by_run[{key}]", "that run's test accuracy")
    table = np.array([[runs[b, s] for s in SEEDS] for b in BACKENDS])
    for value, variable, axis in ((seed_spread, "seed_spread", 1), (backend_spread, "backend_spread", 0)):
        spread = checks.number(value, variable, "a standard deviation, as a fraction")
        expected = table.std(axis=axis, ddof=1).mean()
        assert abs(spread - expected) < 1e-4, (
            f"your runs give {expected:.4%} for `{variable}`, not {spread:.4%}: the standard deviation (ddof=1) "
            f"of each {'backend' if axis == 1 else 'seed'}'s three runs, averaged")
    verdict = checks.choice(spreads_compare, "spreads_compare", ("seeds more", "backends more", "about the same"))
    ratio = table.std(axis=0, ddof=1).mean() / table.std(axis=1, ddof=1).mean()
    expected = "about the same" if 0.5 <= ratio <= 2 else "backends more" if ratio > 2 else "seeds more"
    assert verdict == expected, f"the backends' spread is {ratio:.2f} times the seeds' in your runs: that is {expected}"


@test_case()
def answer(accuracy_by_run, seed_spread, backend_spread, spreads_compare):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    seeds_against_backends(accuracy_by_run, seed_spread, backend_spread, spreads_compare)
