"""Notebook 01, exercise 3: a damaged IDX file, read with and without its header."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex01_3"
points = 1


def header_catches_damage(parse_idx_refuses_both, naive_images_cut, naive_images_header_changed):
    refuses = checks.flag(parse_idx_refuses_both, "parse_idx_refuses_both",
                          "does data.parse_idx refuse both damaged files?")
    assert refuses, "read each damaged file with data.parse_idx in a try/except data.DataError: what happens?"
    for value, variable in ((naive_images_cut, "naive_images_cut"),
                            (naive_images_header_changed, "naive_images_header_changed")):
        checks.number(value, variable, "how many images the header-skipping reader returns", 0, 3)
    assert naive_images_cut == 1, ("not what a reader that takes whole 784-byte images returns from the cut file: "
                                   "how many whole images do 1,567 bytes hold?")
    assert naive_images_header_changed == 2, ("not what the header-skipping reader returns from the file with byte 3 "
                                              "changed: which bytes does it read?")


@test_case()
def answer(parse_idx_refuses_both, naive_images_cut, naive_images_header_changed):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    header_catches_damage(parse_idx_refuses_both, naive_images_cut, naive_images_header_changed)
