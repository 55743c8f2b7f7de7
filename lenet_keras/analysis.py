"""Error analysis in NumPy: confusion matrix, per-class scores, confused pairs, mistakes."""

import numpy as np

NUM_CLASSES = 10


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
