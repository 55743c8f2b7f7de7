"""The numbers behind error analysis, and the figures: each returns a Figure with the right panels."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lenet_keras import analysis, digits, models, plots

Y_TRUE = np.array([0, 0, 1, 1, 1, 2, 2, 2, 2, 3])
Y_PRED = np.array([0, 1, 1, 1, 2, 2, 2, 1, 2, 3])


def one_hot_probs(y_pred, confidence):
    """Probabilities putting `confidence` on y_pred and the rest spread evenly."""
    probs = np.full((len(y_pred), 10), 0.0)
    probs[:] = ((1 - confidence) / 9)[:, None]
    probs[np.arange(len(y_pred)), y_pred] = confidence
    return probs


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_confusion_matrix_counts():
    matrix = analysis.confusion_matrix(Y_TRUE, Y_PRED)
    assert matrix.shape == (10, 10)
    assert matrix[0, 0] == 1 and matrix[0, 1] == 1 and matrix[1, 2] == 1 and matrix[2, 1] == 1
    assert matrix[2, 2] == 3 and matrix.sum() == len(Y_TRUE)
    assert (matrix.sum(axis=1) == np.bincount(Y_TRUE, minlength=10)).all()


def test_per_class_scores():
    scores = analysis.per_class_scores(analysis.confusion_matrix(Y_TRUE, Y_PRED))
    assert scores["recall"][:4] == pytest.approx([0.5, 2 / 3, 0.75, 1.0])
    assert scores["precision"][:4] == pytest.approx([1.0, 0.5, 0.75, 1.0])
    assert scores["f1"][0] == pytest.approx(2 * 0.5 / 1.5)
    assert scores["support"][:4].tolist() == [2, 3, 4, 1]
    assert scores["recall"][5] == 0  # a class with no images scores 0, not nan


def test_most_confused_pairs_largest_first():
    matrix = np.zeros((10, 10), int)
    matrix[4, 9], matrix[7, 2], matrix[3, 5] = 5, 9, 1
    np.fill_diagonal(matrix, 100)
    assert analysis.most_confused_pairs(matrix, k=2) == [(7, 2, 9), (4, 9, 5)]
    assert analysis.most_confused_pairs(matrix, k=10) == [(7, 2, 9), (4, 9, 5), (3, 5, 1)]


def test_misclassified_most_confident_first():
    probs = one_hot_probs(Y_PRED, np.linspace(0.5, 0.95, len(Y_PRED)))
    wrong = analysis.misclassified(Y_TRUE, probs)
    assert set(wrong) == set(np.flatnonzero(Y_TRUE != Y_PRED))
    assert list(wrong) == [7, 4, 1]  # confidence rises with the index


def test_top_k():
    probs = np.array([[0.1, 0.6, 0.3] + [0] * 7])
    digits, p = analysis.top_k(probs, 2)
    assert digits.tolist() == [[1, 2]] and p[0].tolist() == pytest.approx([0.6, 0.3])


def visible_axes(fig):
    """The panels that show an image (grids hide their unused panels)."""
    return [ax for ax in fig.axes if ax.images]


def test_figures_have_the_right_panels():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (12, 28, 28), dtype=np.uint8)
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "accuracy": [0.7, 0.9], "val_accuracy": [0.6, 0.8]}
    probs = one_hot_probs(Y_PRED, np.full(len(Y_PRED), 0.8))
    assert len(visible_axes(plots.plot_digits(images, titles=range(12), ncols=5))) == 12
    assert len(plots.plot_class_balance(Y_TRUE, Y_PRED).axes) == 1
    assert len(plots.plot_pixel_histograms({"a": images, "b": images / 255}).axes) == 2
    fig = plots.plot_history({"one": history, "two": history})
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 4  # train and validation for each run
    assert len(plots.plot_history(history, metrics=("loss",)).axes[0].lines) == 2
    assert len(plots.plot_confusion_matrix(analysis.confusion_matrix(Y_TRUE, Y_PRED)).axes) == 2  # + colorbar
    shared = plots.plot_confusion_matrix(analysis.confusion_matrix(Y_TRUE, Y_PRED), vmax=50).axes[0].images[0]
    assert shared.get_clim() == (0, 50)  # one colour scale for matrices compared side by side
    assert len(visible_axes(plots.plot_misclassified(np.zeros((10, 28, 28)), Y_TRUE, probs, [1, 4, 7]))) == 3
    assert len(plots.plot_confidence(probs, Y_TRUE).axes) == 1
    assert len(visible_axes(plots.plot_filters(rng.normal(size=(5, 5, 1, 6)), ncols=6))) == 6
    assert len(plots.plot_feature_maps(rng.normal(size=(10, 10, 2))).axes) == 8 + 1  # a row of 8, + colour bar
    assert len(visible_axes(plots.plot_feature_maps(rng.normal(size=(10, 10, 16))))) == 16
    assert len(plots.plot_bars({"a": 0.5, "b": 0.7}, ylabel="x").axes[0].patches) == 2
    padded = plots.plot_padding(np.zeros((3, 32, 32)))
    assert len(visible_axes(padded)) == 3 and all(len(ax.patches) == 2 for ax in visible_axes(padded))
    table = np.zeros((6, 16), dtype=int)
    assert plots.plot_connection_table(table).axes[0].images[0].get_array().shape == (6, 16)
    assert len(visible_axes(plots.plot_rbf_codes(np.ones((10, 84))))) == 10
    ablation = {"backend": "x", "seeds": [0, 1], "steps": [
        {"step": "a", "test_accuracy": [0.99, 0.991], "mean": 0.9905, "std": 0.0007},
        {"step": "b", "test_accuracy": [0.995, 0.996], "mean": 0.9955, "std": 0.0007}]}
    ax = plots.plot_ablation(ablation).axes[0]
    assert len(ax.patches) == 2 and [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    mixed = [np.zeros((40, 30)), np.zeros((28, 28))]  # photos come in any size
    assert len(visible_axes(plots.plot_digits(mixed, titles=["a", "b"]))) == 2
    steps = digits.preparation_steps(np.pad(np.zeros((20, 8)), 20, constant_values=1.0))
    fig = plots.plot_preparation(steps)
    assert [ax.get_title().split("\n")[0] for ax in fig.axes] == list(steps)


def test_architecture_figure_follows_the_model():
    labels = lambda fig: [t.get_text().split("\n") for t in fig.axes[0].texts if t.get_text()]
    plain = labels(plots.plot_architecture(models.build_lenet5()))
    assert [label[0] for label in plain] == ["input", "C1", "S2", "C3", "S4", "C5", "F6", "OUTPUT"]
    assert plain[1] == ["C1", "28x28x6", "5x5 conv"] and plain[4] == ["S4", "5x5x16", "2x2 max"]
    assert plain[5] == ["C5", "120", "dense"]
    # layers that keep the shape (dropout, batch norm) are left out; average pooling is named
    regularized = labels(plots.plot_architecture(models.build_lenet5(dropout=0.5, batch_norm=True, pooling="average")))
    assert [label[0] for label in regularized] == [label[0] for label in plain] and regularized[2][2] == "2x2 avg"
    same_width = labels(plots.plot_architecture(models.build_lenet5(widths=(6, 16, 84, 84))))
    assert [label[0] for label in same_width][-3:] == ["C5", "F6", "OUTPUT"]  # F6 keeps C5's width, still drawn
    assert labels(plots.plot_architecture(models.build_lenet5("functional"))) == plain  # its InputLayer is not drawn
    classic = labels(plots.plot_architecture(models.build_classic_lenet5()))
    assert classic[1] == ["pad", "32x32x1", "ZeroPadding2D"] and classic[4] == ["C3", "10x10x16", "5x5 conv"] and classic[-1][0] == "OUTPUT"


def test_filter_responses_figure_has_a_pair_of_panels_per_filter():
    edge = np.array([[-2.0, 0.0, 2.0]] * 3)
    fig = plots.plot_filter_responses(np.eye(28), [edge, edge.T], [np.eye(28), -np.eye(28)], ["v", "h"])
    assert [ax.get_title() for ax in fig.axes] == ["the digit", "v: weights", "v: response", "h: weights", "h: response"]
    assert fig.axes[1].images[0].get_clim() == (-2.0, 2.0) and fig.axes[2].images[0].get_clim() == (-1.0, 1.0)  # each its own, centred on 0


def test_runs_apart_one_panel_per_run_and_metric_with_the_first_in_each():
    runs = {name: {"val_loss": [1.0, 0.5 + k], "val_accuracy": [0.5, 0.9 - k / 10]} for k, name in enumerate("abc")}
    fig = plots.plot_runs_apart(runs)
    assert len(fig.axes) == 6 and [ax.get_title() for ax in fig.axes[:3]] == ["a", "b", "c"]
    assert [len(ax.lines) for ax in fig.axes] == [1, 2, 2, 1, 2, 2]  # the first run, grey, beside each other
    assert fig.axes[1].get_legend() is not None  # it says which run the grey one is


def test_plot_options_that_keep_several_runs_readable():
    history = {"loss": [2.3, 0.5, 0.1], "val_loss": [2.3, 0.6, 0.2], "accuracy": [0.1, 0.9, 0.97],
               "val_accuracy": [0.1, 0.9, 0.96]}
    fig = plots.plot_history(history, log_loss=True, accuracy_ylim=(0.9, 1.0))
    loss_ax, accuracy_ax = fig.axes
    assert loss_ax.get_yscale() == "log" and accuracy_ax.get_ylim() == (0.9, 1.0)
    fig.canvas.draw()
    assert all(float(t).is_integer() for t in loss_ax.get_xticks())  # whole epochs only
    assert plots.plot_history(history).axes[0].get_yscale() == "linear"
    assert len(plots.plot_history({"a": history, "b": history}, train=False).axes[0].lines) == 2  # validation only
    ax = plots.plot_bars({"a": 0.5, "b": 0.7}, ylabel="x", band=(0.55, 0.6), band_label="seeds").axes[0]
    assert len(ax.patches) == 3 and ax.get_legend().get_texts()[0].get_text() == "seeds"


def test_filters_and_feature_maps_share_one_colour_scale():
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(5, 5, 1, 6))
    images = [ax.images[0] for ax in plots.plot_filters(kernel, ncols=6).axes if ax.images][:6]
    assert {im.get_clim() for im in images} == {(-np.abs(kernel).max(), np.abs(kernel).max())}
    maps = rng.normal(size=(10, 10, 4))
    images = [ax.images[0] for ax in plots.plot_feature_maps(maps).axes if ax.images][:4]
    assert {im.get_clim() for im in images} == {(maps.min(), maps.max())}


def test_plots_never_show(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plt.show() called inside the package"))
    plots.plot_history({"loss": [1.0], "accuracy": [0.5]})


def calibrated_toy(n=200_000, seed=0):
    """Answers whose confidence is exactly their chance of being right: a calibrated model."""
    rng = np.random.default_rng(seed)
    confidence = rng.uniform(0.1, 1.0, n)
    y_true = rng.integers(0, 10, n)
    right = rng.uniform(size=n) < confidence
    y_pred = np.where(right, y_true, (y_true + rng.integers(1, 10, n)) % 10)
    return one_hot_probs(y_pred, confidence), y_true


def test_reliability_table_by_hand():
    probs = one_hot_probs(np.array([0, 0, 1, 1]), np.array([0.55, 0.65, 0.95, 1.0]))
    table = analysis.reliability(probs, np.array([0, 1, 1, 1]), bins=2)  # bins (0, 0.5], (0.5, 1]
    assert table["count"].tolist() == [0, 4]
    assert table["accuracy"][1] == pytest.approx(0.75) and table["confidence"][1] == pytest.approx(0.7875)
    assert np.isnan(table["accuracy"][0])
    assert table["p_value"][0] == 1.0 and 0.5 < table["p_value"][1] <= 1.0  # 1 mistake in 4 at 0.79: chance
    assert analysis.expected_calibration_error(probs, np.array([0, 1, 1, 1]), bins=2) == pytest.approx(0.0375)
    edge = one_hot_probs(np.array([0]), np.array([0.5]))  # exactly on an edge: the lower bin
    assert analysis.reliability(edge, np.array([0]), bins=2)["count"].tolist() == [1, 0]


def test_expected_calibration_error_of_calibrated_and_overconfident_toys():
    probs, y_true = calibrated_toy()
    assert analysis.expected_calibration_error(probs, y_true) < 0.005
    sure = one_hot_probs(probs.argmax(axis=1), np.full(len(probs), 0.999))  # the same answers, all at 0.999
    accuracy = np.mean(probs.argmax(axis=1) == y_true)
    assert analysis.expected_calibration_error(sure, y_true) == pytest.approx(0.999 - accuracy)


def test_temperature_scaling():
    probs, y_true = calibrated_toy(20_000)
    assert np.allclose(analysis.with_temperature(probs, 1.0), probs)  # a temperature of 1 changes nothing
    softer, sharper = analysis.with_temperature(probs, 2.0), analysis.with_temperature(probs, 0.5)
    assert (softer.argmax(axis=1) == probs.argmax(axis=1)).all() and np.allclose(softer.sum(axis=1), 1)
    assert (softer.max(axis=1) <= probs.max(axis=1) + 1e-12).all()
    assert (sharper.max(axis=1) >= probs.max(axis=1) - 1e-12).all()
    assert analysis.fitted_temperature(probs, y_true) == pytest.approx(1.0, abs=0.05)  # calibrated: T about 1
    overconfident = analysis.with_temperature(probs, 0.5)  # made too sure: the fit undoes it
    assert analysis.fitted_temperature(overconfident, y_true) == pytest.approx(2.0, rel=0.05)
    assert analysis.negative_log_likelihood(one_hot_probs(np.array([3]), np.array([0.5])), np.array([3])) == \
        pytest.approx(np.log(2))


class PixelSum:
    """A stand-in model: p(digit 1) grows with the ink in the top-left quarter, p(digit 0) is the rest."""

    def predict(self, x, batch_size=None, verbose=0):
        top_left = x[:, :14, :14, 0].sum(axis=(1, 2)) / (14 * 14 * 255)
        return np.stack([1 - top_left, top_left] + [np.zeros(len(x))] * 8, axis=1)


def test_occlusion_maps_show_where_the_evidence_is():
    image = np.zeros((28, 28), dtype=np.uint8)
    image[4:10, 4:10] = 255  # ink in the top-left quarter only
    image[20:24, 20:24] = 255  # and some the model ignores
    for_one, for_zero = analysis.occlusion_maps(PixelSum(), image, [1, 0], patch=7)
    assert for_one.shape == (28, 28)
    assert for_one[7, 7] > 0 and for_zero[7, 7] < 0  # hiding the top-left ink lowers p(1), raises p(0)
    assert np.allclose(for_one[22, 22], 0) and np.allclose(for_one[15:, :], 0)  # nothing there for it
    assert for_one[7, 7] == pytest.approx(36 / (14 * 14))  # all of its ink hidden under a 7x7 patch


def test_calibration_and_occlusion_figures():
    probs, y_true = calibrated_toy(5000)
    fig = plots.plot_reliability({"a": probs, "b": analysis.with_temperature(probs, 2.0)}, y_true)
    assert len(fig.axes) == 2 and fig.axes[0].get_title().startswith("a: ECE")
    assert all(ax.get_legend() is None for ax in fig.axes) and len(fig.legends) == 1  # one, under the bars
    maps = [[np.zeros((28, 28))] * 3, [np.ones((28, 28))] * 3]
    fig = plots.plot_occlusion(np.zeros((3, 28, 28)), maps, titles=["x"] * 3, row_labels=["p(true)", "p(guess)"])
    assert len(visible_axes(fig)) == 9


def test_reliability_between_given_edges():
    probs = one_hot_probs(np.array([0, 0, 1, 1]), np.array([0.5, 0.95, 0.995, 1.0]))
    table = analysis.reliability(probs, np.array([0, 1, 1, 1]), bins=[0, 0.9, 0.99, 1])
    assert table["count"].tolist() == [1, 1, 2] and table["accuracy"].tolist() == [1.0, 0.0, 1.0]


def test_reliability_p_value_flags_an_overconfident_bin():
    probs = one_hot_probs(np.zeros(1000, dtype=int), np.full(1000, 0.99))
    y_true = np.where(np.arange(1000) < 950, 0, 1)  # 95% right at 99% confidence
    table = analysis.reliability(probs, y_true, bins=[0, 0.9, 1])
    assert table["p_value"][1] < 1e-6
    calibrated, y = calibrated_toy(20_000)
    assert (analysis.reliability(calibrated, y, bins=[0, 0.5, 0.9, 1])["p_value"] > 0.001).all()


def test_change_and_noise():
    probs, y_true = calibrated_toy(5000)
    change, noise = analysis.change_and_noise(analysis.expected_calibration_error, probs, probs, y_true)
    assert change == 0 and noise == 0  # the same probabilities: no change at all
    sure = one_hot_probs(probs.argmax(axis=1), np.full(len(probs), 0.999))
    change, noise = analysis.change_and_noise(analysis.expected_calibration_error, probs, sure, y_true, rounds=50)
    assert change > 0.3 and 0 < noise < 0.05  # far more than noise
