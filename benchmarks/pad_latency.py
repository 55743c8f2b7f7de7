"""How long the drawing pad (`widgets.DigitPad`) takes to answer a pen-up, on each backend: the
kernel's part, from the canvas's PNG arriving to the answer and the preparation picture being set.

    python benchmarks/pad_latency.py            # the three backends, each in a fresh Python
    python benchmarks/pad_latency.py torch      # one backend

Test digits are drawn as the pad sends them (dark ink on white, a PNG data URL) and read in turn by
an untrained LeNet-5 (the weights do not change the time); the first reading, which compiles, is
reported apart from the median and the slowest of the next 40. The browser's own part (the PNG, the
message each way, the drawing) is not included.
"""

import statistics
import sys
import time

from lenet_keras.files import child_main, run_each_backend
from lenet_keras.settings import BACKENDS

READINGS = 40


def latency(name):
    """{first, median, slowest} milliseconds per pen-up on backend `name`, measured in this process."""
    from lenet_keras import backend

    backend.select_backend(name)
    from lenet_keras import data, models, widgets

    (_, _), (x_test, _) = data.load_mnist()
    urls = [widgets.data_url(1.0 - x_test[i] / 255.0) for i in range(READINGS + 1)]
    pad = widgets.DigitPad(models.build_lenet5())
    seconds = []
    for url in urls:
        start = time.perf_counter()
        pad.show(url)  # what a pen-up does: the canvas's PNG arrives, the pad reads it
        seconds.append(time.perf_counter() - start)
        assert len(pad.top3) == 3 and pad.steps_png
    rest = [1000 * s for s in seconds[1:]]
    return {"first": round(1000 * seconds[0], 1), "median": round(statistics.median(rest), 1),
            "slowest": round(max(rest), 1)}


def main():
    """Measure each backend named on the command line (default: all three); print the table."""
    results = run_each_backend(__file__, sys.argv[1:] or BACKENDS)
    print(f"{'ms per pen-up':14s}{'first':>8s}{'median':>8s}{'slowest':>9s}")
    for name, r in results.items():
        print(f"{name:14s}{r['first']:8.1f}{r['median']:8.1f}{r['slowest']:9.1f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child_main(lambda: latency(sys.argv[2]))
    else:
        main()
