"""What the exercises' checks share (notebooks/checks/, otter-grader's test files): each takes a
student's answer and either returns it or raises AssertionError with one sentence saying what to do,
which otter prints under the check cell."""

import numbers

import numpy as np


def answered(value, name, what):
    """`value`, unless it is still the placeholder `...` (or missing: otter passes None for a name
    the notebook never set)."""
    if value is None or value is Ellipsis:
        raise AssertionError(f"not answered yet: set `{name}` to {what}")
    return value


def number(value, name, what, low=None, high=None):
    """`value` as a float, if it is a number (in [low, high] where they are given)."""
    answered(value, name, what)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise AssertionError(f"`{name}` is {value!r}, a {type(value).__name__}: it should be {what}, a number")
    if low is not None and not low <= value <= high:
        raise AssertionError(f"`{name}` is {value:g}, outside {low:g} to {high:g}: it should be {what}")
    return float(value)


def accuracy(value, name, what):
    """`value` if it is an accuracy as Keras reports it: a fraction, 0.99 rather than 99."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and 1 < value <= 100:
        raise AssertionError(f"`{name}` is {value:g}: give the accuracy as a fraction ({value / 100:g}), as Keras "
                             "reports it")
    return number(value, name, what, 0, 1)


def accuracies(value, name, keys, what):
    """`value`, if it is a dict with exactly `keys`, each an accuracy."""
    answered(value, name, what)
    if not isinstance(value, dict) or set(value) != set(keys):
        raise AssertionError(f"`{name}` should have one entry for each of {', '.join(map(str, keys))}: {what}")
    for key in keys:
        accuracy(value[key], f"{name}[{key!r}]", "an accuracy")
    return value


def choice(value, name, options):
    """`value`, if it is one of `options`."""
    listed = ", ".join(f'"{o}"' if isinstance(o, str) else str(o) for o in options)  # otter strips end quotes
    answered(value, name, f"one of {listed}")
    if value not in options:
        raise AssertionError(f"`{name}` is {value!r}: it should be one of {listed}")
    return value


def letters(value, name, options):
    """`value` as a set of letters, if each is one of `options`."""
    answered(value, name, "a set of letters such as {" + ", ".join(map(repr, options[:2])) + "}")
    if isinstance(value, str):  # "abg" or "a, b, g"
        value = set(value) - set(", ")
    if not isinstance(value, (set, list, tuple, frozenset)) or not all(isinstance(v, str) for v in value):
        raise AssertionError(f"`{name}` is {value!r}: it should be a set of letters such as {{'a', 'b'}}")
    value = {v.strip().lower() for v in value}
    unknown = sorted(value - set(options))
    if unknown:
        raise AssertionError(f"`{name}` holds {', '.join(map(repr, unknown))}: the choices are {', '.join(options)}")
    return value


def flag(value, name, what):
    """`value`, if it is True or False."""
    answered(value, name, f"True or False: {what}")
    if not isinstance(value, (bool, np.bool_)):  # NumPy's comparisons give np.True_ and np.False_
        raise AssertionError(f"`{name}` is {value!r}: it should be True or False ({what})")
    return bool(value)
