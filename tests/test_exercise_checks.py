"""The exercises' checks (notebooks/checks/, otter-grader test files): each one fails on the
notebook as shipped, on a wrong answer and on an answer of the wrong kind, each with a sentence, and
passes on a right one; every check cell calls a check that exists, and every check has its cells."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from otter.nbmeta_config import NBMetadataConfig
from otter.test_files import create_test_file

from lenet_keras import checks

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHECKS = NOTEBOOKS / "checks"
CALL = re.compile(r"""grader\.check\(\s*["'](\w+)["']""")


def result(name, **answers):
    """Run the check `name` on the answers; (passed, the text otter prints under the check cell)."""
    test = create_test_file(str(CHECKS / f"{name}.py"), NBMetadataConfig())
    test.run(answers)
    return test.passed_all, repr(test)


def check_calls(path):
    """The checks a notebook's code cells call, in order."""
    cells = json.loads(path.read_text())["cells"]
    return [m.group(1) for c in cells if c["cell_type"] == "code" for m in CALL.finditer("".join(c["source"]))]


@pytest.fixture(scope="module")
def lenet5_pair():
    """An untrained LeNet-5, and the same network with C5 as a 5x5 convolution and its weights."""
    import keras

    from lenet_keras import models

    dense = models.build_lenet5()
    stack = models.lenet5_layers()
    i = [layer.name for layer in stack].index("flatten")
    conv = keras.Sequential([keras.Input(models.INPUT_SHAPE), *stack[:i],
                             keras.layers.Conv2D(120, 5, activation="relu", name="C5"),
                             keras.layers.Flatten(name="flatten"), *stack[i + 2:]])
    for layer in conv.layers:
        weights = dense.get_layer(layer.name).get_weights()
        if layer.name == "C5":
            weights = [weights[0].reshape(5, 5, 16, 120), weights[1]]
        layer.set_weights(weights)
    return dense, conv


@pytest.fixture(scope="module")
def answers(lenet5_pair):
    """For each check: a right answer, and wrong ones with a phrase of what the check says."""
    import keras

    from lenet_keras import models, samples

    dense, conv = lenet5_pair
    x_test = np.random.default_rng(0).integers(0, 256, (200, 28, 28)).astype("uint8")
    shuffled = keras.models.clone_model(conv)
    shuffled.set_weights([np.random.default_rng(1).permutation(w.ravel()).reshape(w.shape) for w in conv.get_weights()])
    sgd = {"raw": 0.106, "unit": 0.979, "standardize": 0.983, "symmetric": 0.983}
    grid = {(32, 0.02): 0.94, (32, 0.2): 0.10, (32, 0.5): 0.10, (512, 0.02): 0.97, (512, 0.2): 0.93, (512, 0.5): 0.11}
    scaling = {"batch 128, 0.002": 0.988, "batch 512, 0.002": 0.981, "batch 512, 0.008": 0.987}
    plain = {"accuracy": [0.5] * 19 + [1.0], "val_accuracy": [0.9] * 20}
    augmented = {"accuracy": [0.9] * 20, "val_accuracy": [0.93] * 20}  # +3 points
    combined = models.build_lenet5(dropout=0.5, batch_norm=True, augment=True)
    runs = {(b, s): 0.97 + 0.001 * ((3 * i + 2 * s) % 5) for i, b in enumerate(("tensorflow", "jax", "torch"))
            for s in (0, 1, 2)}
    table = np.array([[runs[b, s] for s in (0, 1, 2)] for b in ("tensorflow", "jax", "torch")])
    seed_spread, backend_spread = table.std(axis=1, ddof=1).mean(), table.std(axis=0, ddof=1).mean()
    devices = {"1 device, batch 256, 4e-3": 0.988, "2 devices, batch 512, 4e-3": 0.986, "2 devices, batch 512, 8e-3": 0.986}
    whole = np.random.default_rng(2).normal(0, 0.01, (784, 10))
    ops = ["Conv", "Mul", "Add", "Relu", "MaxPool", "Conv", "Mul", "Add", "Relu", "MaxPool", "Reshape", "MatMul", "Add",
           "Softmax"]
    speed = {1: 21934.0, 10: 39611.0, 100: 41872.0, 1000: 52903.0}
    labels, probs = model_probabilities()
    answered = probs.max(axis=1) >= 0.9
    answered_accuracy = np.mean(probs.argmax(axis=1)[answered] == labels[answered])
    wrong = np.flatnonzero(probs.argmax(axis=1) != labels)
    most_confident = wrong[np.argsort(-probs[wrong].max(axis=1))][:10]
    scaled = probs ** 0.5 / (probs ** 0.5).sum(axis=1, keepdims=True)  # a temperature of 2
    scaled_answered = scaled.max(axis=1) >= 0.9
    confusion = np.diag([1000] * 10) - np.eye(10, dtype=int) * 20 + np.roll(np.eye(10, dtype=int), 1, axis=1) * 20
    fewer = confusion - np.eye(10, dtype=int) * -5 - np.roll(np.eye(10, dtype=int), 1, axis=1) * 5
    with_probabilities = {"test_probabilities": probs, "y_test": labels}
    cosine_loss = [0.5 - 0.015 * e for e in range(20)]
    paper_loss = [c + (0.04 if e >= 11 else 0.01) for e, c in enumerate(cosine_loss)]  # behind by 0.04 from epoch 12
    gains = {"+ batch normalization": 0.64, "+ dropout": -0.09, "+ augmentation": 0.29}
    sets = {"fonts": 0.97, "drawn": 1.0, "photographed": 1.0}
    fonts = {font: (3 if k == 4 else k % 2) for k, font in enumerate(samples.FONTS)}
    pens = {1: 2, 2: 7, 4: 7, 8: 7, 20: 7, 64: 7, 128: 4}
    return {
        "ex00_1": ({"changed_outputs": {"a", "b", "c", "h"}},
                   [({"changed_outputs": "abh"}, "1 output(s) that change are not in"),
                    ({"changed_outputs": {"a", "b", "c", "h", "e"}}, "print the same on every backend"),
                    ({"changed_outputs": {"a", "z"}}, "the choices are")]),
        "ex00_2": ({"backend_option": "--backend", "option_before_command": True},
                   [({"backend_option": "--device", "option_before_command": True}, "not the option"),
                    ({"backend_option": "--backend", "option_before_command": False}, "fails: try it"),
                    ({"backend_option": "--backend", "option_before_command": "before"}, "True or False")]),
        "ex00_3": ({"winning_backend": "jax", "why_it_won": "a"},
                   [({"winning_backend": "torch", "why_it_won": "a"}, "not torch"),
                    ({"winning_backend": "jax", "why_it_won": "b"}, "that is not why")]),
        "ex01_1": ({"sgd_final_accuracy": sgd, "suffers_most": "raw"},
                   [({"sgd_final_accuracy": sgd, "suffers_most": "unit"}, "in your runs 'raw' ended lowest"),
                    ({"sgd_final_accuracy": {**sgd, "raw": 0.99}, "suffers_most": "unit"}, "check the TrainConfig"),
                    ({"sgd_final_accuracy": {**sgd, "raw": 10.6}, "suffers_most": "raw"}, "as a fraction")]),
        "ex01_2": ({"test_mean": 33.7912, "test_std": 79.1725, "standardize_test_with": "training"},
                   [({"test_mean": 0.1307, "test_std": 0.3081, "standardize_test_with": "training"},
                     "is not the mean of the test pixels"),
                    ({"test_mean": 0.13251, "test_std": 0.31048, "standardize_test_with": "test"}, "not the test set's")]),
        "ex01_3": ({"parse_idx_refuses_both": True, "naive_images_cut": 1, "naive_images_header_changed": 2},
                   [({"parse_idx_refuses_both": False, "naive_images_cut": 1, "naive_images_header_changed": 2},
                     "try/except"),
                    ({"parse_idx_refuses_both": True, "naive_images_cut": 2, "naive_images_header_changed": 2},
                     "how many whole images")]),
        "ex02_1": ({"average_pool_params": 61706, "max_pool_accuracy": 0.99, "average_pool_accuracy": 0.989},
                   [({"average_pool_params": 61706 - 120, "max_pool_accuracy": 0.99, "average_pool_accuracy": 0.98},
                     "is not build_lenet5"),
                    ({"average_pool_params": 61706, "max_pool_accuracy": 0.99, "average_pool_accuracy": 0.1},
                     "reaches over 90%")]),
        "ex02_2": ({"tanh_model": models.build_lenet5(activation="tanh"), "tanh_accuracy": 0.99},
                   [({"tanh_model": dense, "tanh_accuracy": 0.99}, "build it with activation"),
                    ({"tanh_model": models.build_lenet5(activation="tanh"), "tanh_accuracy": 99.0}, "as a fraction")]),
        "ex02_3": ({"conv_model": conv, "dense_model": dense, "x_test": x_test},
                   [({"conv_model": shuffled, "dense_model": dense, "x_test": x_test}, "probabilities differ"),
                    ({"conv_model": dense, "dense_model": dense, "x_test": x_test}, "not a Conv2D")]),
        "ex04_1": ({"sgd_sweep": grid, "largest_sgd_rate": {32: 0.02, 512: 0.2}},
                   [({"sgd_sweep": grid, "largest_sgd_rate": {32: 0.2, 512: 0.2}}, "at batch 32 the largest rate"),
                    ({"sgd_sweep": {k: v for k, v in grid.items() if k[0] == 32}, "largest_sgd_rate": {32: 0.02}},
                     "two batch sizes")]),
        "ex04_2": ({"scaling_accuracy": scaling, "larger_rate_helps": True},
                   [({"scaling_accuracy": scaling, "larger_rate_helps": False}, "does not match your own"),
                    ({"scaling_accuracy": {**scaling, "batch 512, 0.008": 0.97}, "larger_rate_helps": False},
                     "should end above 0.002")]),
        "ex03_1": ({"train_accuracy": 0.9868, "evaluate_accuracy": 0.9868},
                   [({"train_accuracy": 0.9868, "evaluate_accuracy": 0.9712}, "did `evaluate` read the file")]),
        "ex05_1": ({"plain_history": plain, "augmented_history": augmented, "augmentation_gain_points": 3.0},
                   [({"plain_history": plain, "augmented_history": augmented, "augmentation_gain_points": 2.0},
                     "your histories give 3.00 points"),
                    ({"plain_history": {**plain, "accuracy": [0.9] * 20}, "augmented_history": augmented,
                      "augmentation_gain_points": 3.0}, "it should memorise them"),
                    ({"plain_history": plain, "augmented_history": plain, "augmentation_gain_points": 0.0},
                     "did the second run use build_lenet5(augment=True)")]),
        "ex05_2": ({"combined_model": combined, "combined_accuracy": 0.985, "passes_99_4": False},
                   [({"combined_model": dense, "combined_accuracy": 0.985, "passes_99_4": False},
                     "has no dropout and no batch normalization and no augmentation"),
                    ({"combined_model": combined, "combined_accuracy": 0.985, "passes_99_4": True}, "does not match")]),
        "ex05_3": ({"epochs_run_by_loss": 9, "epochs_run_by_accuracy": 9, "why_val_loss": "a"},
                   [({"epochs_run_by_loss": 9, "epochs_run_by_accuracy": 9, "why_val_loss": "b"}, "not that"),
                    ({"epochs_run_by_loss": 9.5, "epochs_run_by_accuracy": 9, "why_val_loss": "a"}, "is whole")]),
        "ex08_1": ({"training_runs_change": False, "why_they_do_not": "a"},
                   [({"training_runs_change": True, "why_they_do_not": "a"}, "they do not"),
                    ({"training_runs_change": False, "why_they_do_not": "c"}, "not that")]),
        "ex08_2": ({"accuracy_by_run": runs, "seed_spread": seed_spread, "backend_spread": backend_spread,
                    "spreads_compare": "about the same"},
                   [({"accuracy_by_run": runs, "seed_spread": seed_spread + 0.001, "backend_spread": backend_spread,
                      "spreads_compare": "about the same"}, "for `seed_spread`"),
                    ({"accuracy_by_run": runs, "seed_spread": seed_spread, "backend_spread": backend_spread,
                      "spreads_compare": "backends more"}, "that is about the same"),
                    ({"accuracy_by_run": {("jax", 0): 0.97}, "seed_spread": 0.003, "backend_spread": 0.003,
                      "spreads_compare": "about the same"}, "should have the nine runs")]),
        "ex08_3": ({"first_run_seconds": 16.4, "second_run_seconds": 15.5, "extra_time_goes_to": "a"},
                   [({"first_run_seconds": 16.4, "second_run_seconds": 15.5, "extra_time_goes_to": "c"}, "not that")]),
        "ex11_1": ({"device_runs": devices, "rule_matters_more_for": "sgd"},
                   [({"device_runs": devices, "rule_matters_more_for": "adam"}, "not that one"),
                    ({"device_runs": {**devices, "2 devices, batch 512, 8e-3": 0.5}, "rule_matters_more_for": "sgd"},
                     "it passes 85%")]),
        "ex11_2": ({"weighted_gradient": whole + 1e-17, "whole_gradient": whole, "why_engines_do_not": "a"},
                   [({"weighted_gradient": whole * 0.9, "whole_gradient": whole, "why_engines_do_not": "a"},
                     "they differ by up to"),
                    ({"weighted_gradient": whole, "whole_gradient": whole, "why_engines_do_not": "c"}, "not that")]),
        "ex11_3": ({"images_per_second": {1: 3498.0, 2: 2224.0, 4: 773.0}, "on_four_gpus": "faster"},
                   [({"images_per_second": {1: 3498.0, 2: 2224.0, 4: 773.0}, "on_four_gpus": "slower"}, "not on GPUs"),
                    ({"images_per_second": {1: 3498.0, 2: 2224.0}, "on_four_gpus": "faster"}, "on 1, 2 and 4 devices")]),
        "ex12_1": ({"plain_kb": 246.0, "quantized_kb": 71.0, "quantized_agreement": 0.9996, "accuracy_change_points": -0.02},
                   [({"plain_kb": 246.0, "quantized_kb": 200.0, "quantized_agreement": 0.9996,
                      "accuracy_change_points": -0.02}, "more than three times smaller"),
                    ({"plain_kb": 246.0, "quantized_kb": 71.0, "quantized_agreement": 0.9996,
                      "accuracy_change_points": -2.0}, "less than half a point")]),
        "ex12_2": ({"onnx_ops": ops, "layers_gone": {"BatchNormalization", "Dropout", "RandomAffine"}},
                   [({"onnx_ops": ops, "layers_gone": {"Dropout"}}, "2 of the improved model's layers"),
                    ({"onnx_ops": ops, "layers_gone": {"BatchNormalization", "Dropout", "RandomAffine", "Conv2D"}},
                     "['Conv2D'] did not go")]),
        "ex12_3": ({"onnx_speed": speed, "enough_images_per_call": 10},
                   [({"onnx_speed": speed, "enough_images_per_call": 100}, "10 images per call is the first"),
                    ({"onnx_speed": speed, "enough_images_per_call": "10"}, 'one of 1, 10, 100, 1000')]),
        "ex07_1": ({**with_probabilities, "refused_count": int(np.sum(~answered)), "answered_accuracy": answered_accuracy},
                   [({**with_probabilities, "refused_count": int(np.sum(~answered)) + 3, "answered_accuracy": answered_accuracy},
                     "whose top probability is below 0.9"),
                    ({**with_probabilities, "refused_count": int(np.sum(~answered)), "answered_accuracy": float(np.mean(
                        probs.argmax(axis=1) == labels))}, "count only those at 0.9 or above"),
                    ({**with_probabilities, "test_probabilities": probs[:100], "refused_count": 1, "answered_accuracy": 0.9},
                     "not (10000, 10)")]),
        "ex06_1": ({**with_probabilities, "ten_most_confident": most_confident},
                   [({**with_probabilities, "ten_most_confident": wrong[np.argsort(probs[wrong].max(axis=1))][:10]},
                     "is not among your model's ten most confident"),
                    ({**with_probabilities, "ten_most_confident": np.arange(10)}, "ten indices of test images your model gets wrong")]),
        "ex06_2": ({"confusion_plain": confusion, "confusion_augmented": fewer, "fewer_mistakes_augmented": True},
                   [({"confusion_plain": confusion, "confusion_augmented": fewer, "fewer_mistakes_augmented": False},
                     "says otherwise"),
                    ({"confusion_plain": confusion[:9], "confusion_augmented": fewer, "fewer_mistakes_augmented": True},
                     "should be the 10x10 confusion matrix")]),
        "ex06_3": ({"second_model_accuracy": 0.9907, "shared_mistakes": 7, "map_correlations": [0.9, 0.6, 0.8, 0.5, 0.9,
                                                                                               0.8, 0.9, 0.3]},
                   [({"second_model_accuracy": 0.9907, "shared_mistakes": 9, "map_correlations": [0.9] * 8}, "outside 0 to 8"),
                    ({"second_model_accuracy": 0.9907, "shared_mistakes": 7, "map_correlations": [0.9] * 7},
                     "eight correlations")]),
        "ex07_2": ({**with_probabilities, "scaled_probabilities": scaled, "refused_scaled": int(np.sum(~scaled_answered)),
                    "mistakes_left_scaled": int(np.sum(scaled_answered & (scaled.argmax(axis=1) != labels)))},
                   [({**with_probabilities, "scaled_probabilities": scaled, "refused_scaled": int(np.sum(~answered)),
                      "mistakes_left_scaled": 0}, "your scaled probabilities refuse"),
                    ({**with_probabilities, "scaled_probabilities": np.roll(scaled, 1, axis=1), "refused_scaled": 0,
                      "mistakes_left_scaled": 0}, "should rank the digits")]),
        "ex09_1": ({"lecun_train_accuracy": 0.888, "paper_train_accuracy": 0.839, "why_paper_method_copes": "a"},
                   [({"lecun_train_accuracy": 0.839, "paper_train_accuracy": 0.888, "why_paper_method_copes": "a"},
                     "check which model got init"),
                    ({"lecun_train_accuracy": 0.888, "paper_train_accuracy": 0.839, "why_paper_method_copes": "b"},
                     "not that")]),
        "ex09_2": ({"full_c3_params": 2416, "added_params": 900, "full_c3_accuracy": 0.9365},
                   [({"full_c3_params": 1516, "added_params": 900, "full_c3_accuracy": 0.9365}, "is not a fully connected"),
                    ({"full_c3_params": 2416, "added_params": 2416, "full_c3_accuracy": 0.9365},
                     "compare with the connection table")]),
        "ex09_3": ({"rbf_val_accuracy": [0.91, 0.931, 0.944], "softmax_val_accuracy": [0.935, 0.96, 0.961],
                    "learns_faster": "softmax"},
                   [({"rbf_val_accuracy": [0.91, 0.931, 0.944], "softmax_val_accuracy": [0.935, 0.96, 0.961],
                      "learns_faster": "rbf"}, "on average +2.4 points"),
                    ({"rbf_val_accuracy": [0.91, 0.931], "softmax_val_accuracy": [0.935, 0.96, 0.961],
                      "learns_faster": "softmax"}, "same number of epochs")]),
        "ex09_4": ({"cosine_val_loss": cosine_loss, "paper_val_loss": paper_loss, "steps_lose_ground": "early"},
                   [({"cosine_val_loss": cosine_loss, "paper_val_loss": paper_loss, "steps_lose_ground": "late"},
                     "trail by +0.040"),
                    ({"cosine_val_loss": cosine_loss[:10], "paper_val_loss": paper_loss, "steps_lose_ground": "early"},
                     "has 10 epochs")]),
        "ex09_5": ({"gains_ablation_order": gains, "gains_augmentation_first": {**gains, "+ augmentation": 0.9}},
                   [({"gains_ablation_order": gains, "gains_augmentation_first": gains}, "exactly the same gains"),
                    ({"gains_ablation_order": gains, "gains_augmentation_first": {"+ dropout": 0.1}}, "three changes")]),
        "ex09_6": ({"small_widths": (16, 24, 48, 84), "small_accuracy": 0.97},
                   [({"small_widths": (16, 24, 120, 84), "small_accuracy": 0.97}, "94,150 parameters, over 50,000"),
                    ({"small_widths": (16, 24, 48), "small_accuracy": 0.97}, "four whole numbers")]),
        "ex10_1": ({"read_as": {**dict(zip(range(10), range(10))), 3: 8}, "wrong_digits": [3]},
                   [({"read_as": {**dict(zip(range(10), range(10))), 3: 8}, "wrong_digits": []}, "are [3], not []"),
                    ({"read_as": {1: 1}, "wrong_digits": []}, "the ten digits 0 to 9")]),
        "ex10_2": ({"default_scores": sets, "improved_scores": {**sets, "fonts": 0.99}},
                   [({"default_scores": sets, "improved_scores": sets}, "did you train the improved one"),
                    ({"default_scores": {**sets, "drawn": 0.1}, "improved_scores": sets}, "is that model trained")]),
        "ex10_3": ({"top_left_accuracy": {"fonts": 0.09, "drawn": 0.06, "photographed": 0.09}, "why_some_right": "a"},
                   [({"top_left_accuracy": {"fonts": 0.97, "drawn": 0.06, "photographed": 0.09}, "why_some_right": "a"},
                     "is the box really moved"),
                    ({"top_left_accuracy": {"fonts": 0.09, "drawn": 0.06, "photographed": 0.09}, "why_some_right": "b"},
                     "not that")]),
        "ex10_4": ({"local_accuracy": 1.0, "global_accuracy": 0.46},
                   [({"local_accuracy": 1.0, "global_accuracy": 0.95}, "should lose far more")]),
        "ex10_5": ({"font_mistakes": fonts, "hardest_font": samples.FONTS[4]},
                   [({"font_mistakes": fonts, "hardest_font": samples.FONTS[0]}, "but another font has 3"),
                    ({"font_mistakes": {samples.FONTS[0]: 1}, "hardest_font": samples.FONTS[0]}, "every font")]),
        "ex10_6": ({"uci_accuracy": {"default": 0.934, "improved": 0.963},
                    "mnist_accuracy": {"default": 0.9919, "improved": 0.9921}},
                   [({"uci_accuracy": {"default": 0.934}, "mnist_accuracy": {"default": 0.9919, "improved": 0.9921}},
                     "one entry for each of default, improved"),
                    ({"uci_accuracy": {"default": 0.934, "improved": 0.963},
                      "mnist_accuracy": {"default": 0.934, "improved": 0.963}}, "are the same")]),
        "ex10_7": ({"pen_readings": pens, "thinnest_read_right": 2},
                   [({"pen_readings": pens, "thinnest_read_right": 4}, "is 2 pixels, not 4"),
                    ({"pen_readings": {**pens, 20: 1}, "thinnest_read_right": 2}, "draw a 7")]),
    }


def model_probabilities():
    """10,000 labels and probabilities of a model that is right on 98% of them, sure to varying degrees."""
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 10, 10000)
    guess = np.where(rng.random(10000) < 0.98, labels, (labels + 1) % 10)
    top = rng.uniform(0.5, 1.0, 10000)
    probs = np.tile(((1 - top) / 9)[:, None], (1, 10))
    probs[np.arange(10000), guess] = top
    return labels, probs


def check_names():
    return sorted(p.stem for p in CHECKS.glob("ex*.py"))


@pytest.mark.parametrize("name", check_names())
def test_check_fails_unanswered_and_wrong_passes_right(name, answers):
    right, wrongs = answers[name]
    passed, text = result(name, **right)
    assert passed, text
    unanswered = dict.fromkeys(right, ...)
    passed, text = result(name, **unanswered)
    assert not passed and "not answered yet: set `" in text, text
    for wrong, says in wrongs:
        passed, text = result(name, **wrong)
        assert not passed and says in text, (wrong, text)


def test_every_check_has_right_and_wrong_answers(answers):
    assert sorted(answers) == check_names()


def test_each_check_is_called_once_in_its_notebook_and_its_solutions():
    for name in check_names():
        chapter = name[2:4]
        course = next(NOTEBOOKS.glob(f"{chapter}_*.ipynb"))
        solutions = next((NOTEBOOKS / "solutions").glob(f"{chapter}_*_solutions.ipynb"))
        assert check_calls(course).count(name) == 1, (course.name, name)
        assert check_calls(solutions).count(name) == 1, (solutions.name, name)


def test_every_check_cell_has_its_check_and_every_exercise_a_check():
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) + sorted(NOTEBOOKS.glob("solutions/*.ipynb")):
        calls = check_calls(path)
        assert set(calls) <= set(check_names()), (path.name, set(calls) - set(check_names()))
        if path.parent == NOTEBOOKS and calls:
            text = path.read_text()
            exercises = len(re.findall(r'"### Exercise \d+', text))
            assert calls == [f"ex{path.name[:2]}_{k}" for k in range(1, exercises + 1)], (path.name, calls)


def test_answer_helpers_say_what_to_do():
    assert checks.number(3, "x", "a count") == 3.0
    assert checks.letters("a, c", "x", "abc") == {"a", "c"}
    assert checks.accuracy(0.5, "x", "an accuracy") == 0.5
    assert checks.flag(np.float32(1) > 0, "x", "yes?") is True  # NumPy's own booleans count
    for call, says in [(lambda: checks.answered(..., "x", "a number"), "not answered yet: set `x` to a number"),
                       (lambda: checks.number("3", "x", "a count"), "a str: it should be a count, a number"),
                       (lambda: checks.number(7, "x", "a count", 0, 3), "outside 0 to 3"),
                       (lambda: checks.choice("d", "x", ("a", "b")), 'one of "a", "b"'),
                       (lambda: checks.flag(1, "x", "yes?"), "True or False"),
                       (lambda: checks.accuracy(98.7, "x", "an accuracy"), "as a fraction (0.987)")]:
        with pytest.raises(AssertionError, match=re.escape(says)):
            call()
