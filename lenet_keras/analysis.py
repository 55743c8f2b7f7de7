"""Error analysis in NumPy: confusion matrix, per-class scores, confused pairs, mistakes, calibration
and temperature scaling, occlusion maps (which only call `model.predict`), and reading a
learning-rate range test."""

import numpy as np
from scipy import ndimage, optimize, stats

from .settings import NUM_CLASSES


def confusion_matrix(y_true, y_pred, num_classes=NUM_CLASSES):
    """Counts[i, j]: how many images of digit i were predicted as j. Rows sum to the class counts."""
    return np.bincount(np.asarray(y_true) * num_classes + np.asarray(y_pred),
                       minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def per_class_scores(matrix):
    """Precision, recall and F1 of each class from a confusion matrix, as a dict of arrays."""
    correct = np.diag(matrix).astype(float)
    precision = correct / np.maximum(matrix.sum(axis=0), 1)
    recall = correct / np.maximum(matrix.sum(axis=1), 1)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return {"precision": precision, "recall": recall, "f1": f1, "support": matrix.sum(axis=1)}


def most_confused_pairs(matrix, k=5):
    """The `k` largest off-diagonal cells as (true digit, predicted digit, count), largest first."""
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(off, axis=None)[::-1][:k]
    return [(int(i), int(j), int(off[i, j])) for i, j in zip(*np.unravel_index(order, off.shape)) if off[i, j]]


def misclassified(y_true, probs):
    """Indices of the wrong predictions, the most confident mistakes first."""
    y_pred = probs.argmax(axis=1)
    wrong = np.flatnonzero(y_pred != y_true)
    return wrong[np.argsort(-probs[wrong, y_pred[wrong]])]


def top_k(probs, k=3):
    """For each row of probabilities, the k likeliest digits and their probabilities."""
    digits = np.argsort(-probs, axis=1)[:, :k]
    return digits, np.take_along_axis(probs, digits, axis=1)


def top3_text(top3):
    """The likeliest digit and the next ones as text, e.g. ('3 (97.1%)', '5 (2.0%), 8 (0.3%)'), from
    `top3` = [(digit, probability), ...], likeliest first: what the command line and the pad show."""
    (digit, chance), *others = top3
    return f"{digit} ({chance:.1%})", ", ".join(f"{d} ({p:.1%})" for d, p in others)


def reliability(probs, y_true, bins=15):
    """The answers grouped by confidence into `bins` equal-width bins (or between the given edges,
    from 0 to 1): per bin, how many answers, the share right and the mean confidence (NaN where a bin
    is empty). A calibrated model has the two equal in every bin, up to chance: `p_value` is the
    chance that a calibrated model gets a share right at least this far from its confidence (an exact
    binomial test on the bin's mistakes; 1 where a bin is empty)."""
    confidence = probs.max(axis=1)
    right = probs.argmax(axis=1) == y_true
    edges = np.linspace(0.0, 1.0, bins + 1) if np.isscalar(bins) else np.asarray(bins, dtype=float)
    bins = len(edges) - 1
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)  # bin i: (edge i, edge i+1]
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore"):
        accuracy = np.bincount(which, weights=right, minlength=bins) / count
        mean = np.bincount(which, weights=confidence, minlength=bins) / count
    mistakes = np.rint(count - np.nan_to_num(accuracy) * count).astype(int)
    p_value = np.array([stats.binomtest(m, n, min(1.0, max(0.0, 1 - c))).pvalue if n else 1.0
                        for m, n, c in zip(mistakes, count, np.nan_to_num(mean))])
    return {"edges": edges, "count": count, "accuracy": accuracy, "confidence": mean, "p_value": p_value}


def expected_calibration_error(probs, y_true, bins=15):
    """ECE: the gap between the share right and the mean confidence in each bin, weighted by the
    bin's share of the answers (Guo et al. 2017, 15 bins). 0 for a calibrated model."""
    table = reliability(probs, y_true, bins)
    filled = table["count"] > 0
    gaps = np.abs(table["accuracy"][filled] - table["confidence"][filled])
    return float(np.sum(table["count"][filled] * gaps) / table["count"].sum())


def change_and_noise(metric, before, after, y_true, rounds=200, seed=0):
    """How much `metric(probs, y_true)` changes from `before` to `after` (two sets of probabilities for
    the same images), and twice the spread of that change over bootstrap resamples of the images:
    a change smaller than that is noise."""
    rng = np.random.default_rng(seed)
    resamples = [rng.integers(0, len(y_true), len(y_true)) for _ in range(rounds)]
    changes = [metric(after[i], y_true[i]) - metric(before[i], y_true[i]) for i in resamples]
    return metric(after, y_true) - metric(before, y_true), 2 * float(np.std(changes))


def with_temperature(probs, temperature):
    """`probs` softened (temperature > 1) or sharpened (< 1): softmax(log p / T). The ranking of the
    digits, hence every prediction, stays the same; a temperature of 1 changes nothing."""
    logits = np.log(np.clip(np.asarray(probs, dtype="float64"), 1e-30, None)) / temperature
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def negative_log_likelihood(probs, y_true):
    """The mean of -log p(true digit): the cross-entropy loss, in NumPy."""
    return float(-np.mean(np.log(np.clip(probs[np.arange(len(y_true)), y_true], 1e-30, None))))


def fitted_temperature(probs, y_true):
    """Temperature scaling: the one temperature that minimizes the negative log-likelihood of the
    labels (fit it on validation images, never on the test set)."""
    result = optimize.minimize_scalar(lambda log_t: negative_log_likelihood(with_temperature(probs, np.exp(log_t)), y_true),
                                      bounds=(np.log(0.05), np.log(20.0)), method="bounded", options={"xatol": 1e-4})
    return float(np.exp(result.x))


def occlusion_maps(model, image, digits, patch=7, fill=0):
    """How much hiding each part of `image` (28, 28, raw 0-255) changes the probability of each of
    `digits`: one (28, 28) map per digit, value at (i, j) = p(digit) - p(digit with a patch x patch
    square of `fill` centred on (i, j)). Positive: that part was evidence for the digit. One `predict`
    on 784 occluded copies, so the same on every backend."""
    image = np.asarray(image, dtype="float32").reshape(28, 28)
    half = patch // 2
    rows, cols = np.mgrid[0:28, 0:28]
    copies = np.repeat(image[None], 28 * 28 + 1, axis=0)  # the last one stays whole
    for k, (i, j) in enumerate(zip(rows.ravel(), cols.ravel())):
        copies[k, max(0, i - half):i + half + 1, max(0, j - half):j + half + 1] = fill
    probs = np.asarray(model.predict(copies[..., None], batch_size=len(copies), verbose=0))
    return [(probs[-1, d] - probs[:-1, d]).reshape(28, 28) for d in digits]


def smoothed(values, window=9):
    """A centred moving average of `values` over `window` points (fewer at the ends): unlike an
    exponential average, it does not lag, so its lowest point stays where the values' is."""
    return ndimage.uniform_filter1d(np.asarray(values, dtype=float), size=window, mode="nearest")


def suggested_learning_rate(rates, losses):
    """From a learning-rate range test: a tenth of the rate where the smoothed loss is lowest, a
    rate that still descends fast but stays well clear of where the loss turns up (fastai's rule)."""
    return float(np.asarray(rates)[np.argmin(smoothed(losses))] / 10)
