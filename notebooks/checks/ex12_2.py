"""Notebook 12, exercise 2: which of the improved model's layers become ONNX operations."""
from otter.test_files import test_case

from lenet_keras import checks

OK_FORMAT = False
name = "ex12_2"
points = 1
GONE = {"BatchNormalization", "Dropout", "RandomAffine"}


def inference_graph_drops_training_layers(onnx_ops, layers_gone):
    ops = checks.answered(onnx_ops, "onnx_ops", "the op_type of each node of the ONNX graph, a list")
    assert isinstance(ops, (list, tuple)) and "Conv" in ops, (
        "`onnx_ops` should be the list [node.op_type for node in onnx.load(path).graph.node]")
    gone = checks.answered(layers_gone, "layers_gone", "the Keras layer classes that have no operation of their own")
    gone = {g if isinstance(g, str) else type(g).__name__ for g in gone}
    assert not gone - GONE - {"Activation", "Flatten", "Rescaling"}, (
        f"{sorted(gone - GONE)} did not go: look for each layer's operations in `onnx_ops`")
    assert GONE <= gone, (f"{len(GONE - gone)} of the improved model's layers are gone from the graph but missing "
                          "from `layers_gone`: which layers act differently in training and in inference?")


@test_case()
def answer(onnx_ops, layers_gone):
    """Otter prints the line of this function that failed: the call, not the check's expected values."""
    inference_graph_drops_training_layers(onnx_ops, layers_gone)
