"""Notebook 12, exercise 3: ONNX Runtime's speed by images per call."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex12_3"
points = 1


def speed_by_batch(onnx_speed, enough_images_per_call):
    speed = checks.answered(onnx_speed, "onnx_speed", "{images per call: images per second} for 1, 10, 100, 1000")
    assert isinstance(speed, dict) and sorted(speed) == [1, 10, 100, 1000], (
        "`onnx_speed` should have keys 1, 10, 100 and 1000")
    for batch in speed:
        checks.number(speed[batch], f"onnx_speed[{batch}]", "images per second", 1, 1e9)
    enough = checks.choice(enough_images_per_call, "enough_images_per_call", (1, 10, 100, 1000))
    expected = min(b for b in speed if speed[b] >= 0.6 * max(speed.values()))
    assert enough == expected, (f"in your measurements {expected} images per call is the first to reach 60% of the "
                                "best speed")


@test_case()
def answer(onnx_speed, enough_images_per_call):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    speed_by_batch(onnx_speed, enough_images_per_call)
