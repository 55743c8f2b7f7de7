"""Notebook 11, exercise 3: one, two and four (virtual) devices."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex11_3"
points = 1


def devices_and_speed(images_per_second, on_four_gpus):
    speeds = checks.answered(images_per_second, "images_per_second", "{devices: images per second} of your three runs")
    assert isinstance(speeds, dict) and sorted(speeds) == [1, 2, 4], (
        "`images_per_second` should have the runs on 1, 2 and 4 devices, keys 1, 2, 4")
    for devices in (1, 2, 4):
        checks.number(speeds[devices], f"images_per_second[{devices}]", "that run's images per second", 1, 1e8)
    expect = checks.choice(on_four_gpus, "on_four_gpus", ("faster", "about the same", "slower"))
    assert expect == "faster", ("not on GPUs: your virtual devices share this CPU's cores; four GPUs each bring "
                                "their own")


@test_case()
def answer(images_per_second, on_four_gpus):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    devices_and_speed(images_per_second, on_four_gpus)
