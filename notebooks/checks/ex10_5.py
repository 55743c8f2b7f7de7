"""Notebook 10, exercise 5: the hardest font."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex10_5"
points = 1


def the_hardest_font(font_mistakes, hardest_font):
    mistakes = checks.answered(font_mistakes, "font_mistakes", "{font file: how many of its ten digits were read wrong}")
    from lenet_keras import samples  # the font list, once there is an answer to compare

    assert isinstance(mistakes, dict) and set(mistakes) == set(samples.FONTS), (
        "`font_mistakes` should have every font of samples.FONTS as a key")
    for font, count in mistakes.items():
        checks.number(count, f"font_mistakes[{font!r}]", "a count of mistakes", 0, 10)
    font = checks.choice(hardest_font, "hardest_font", tuple(samples.FONTS))
    assert mistakes[font] == max(mistakes.values()), (f"{font} has {mistakes[font]} mistakes in your table, but another "
                                                      f"font has {max(mistakes.values())}")


@test_case()
def answer(font_mistakes, hardest_font):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    the_hardest_font(font_mistakes, hardest_font)
