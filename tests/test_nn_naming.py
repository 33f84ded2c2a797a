"""Node names: every node an ``nn`` model and loss puts in a graph is named as the
slides would name it, so no picture, table or explanation shows a made-up ``t27``."""

import re

import pytest

import autograd
import nn
from nn.module import hidden_names
from nn.regularization import l1_penalty, layer_norm_penalty, weight_decay_penalty
from nn.training import train
from visualize.explain import explain

ROW2, ROW3 = [0.5, -1.0], [0.35, 0.2, 0.5]
MADE_UP = re.compile(r"t\d+")


def model_and_loss(case):
    """A model called on plain floats, and a loss (or a penalised cost) built on it."""
    if case == "regression, mse":
        model = nn.MLP(2, [3, 1], seed=0)
        return model, nn.mse(model(ROW2), [0.3])
    if case == "two outputs, mean mse":
        model = nn.MLP(2, [3, 2], activation="relu", seed=0)
        return model, nn.mse(model(ROW2), [0.3, -0.1], form="mean")
    if case == "the slides' shape, cross-entropy on probabilities":
        model = nn.MLP(3, [2, 3], activation="sigmoid", output_activation="softmax", bias=False, seed=0)
        return model, nn.cross_entropy_from_probabilities(model(ROW3), 0)
    if case == "three hidden layers, cross-entropy on logits":
        model = nn.MLP(3, [4, 3, 2, 3], activation="tanh", seed=0)
        return model, nn.cross_entropy(model(ROW3), 2)
    if case == "soft labels":
        model = nn.MLP(2, [2, 3], seed=0)
        return model, nn.cross_entropy(model(ROW2), [0.2, 0.3, 0.5])
    if case == "probability output, binary cross-entropy":
        model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=0)
        return model, nn.binary_cross_entropy(model(ROW2)[0], 1)
    if case == "soft binary target, logits":
        model = nn.MLP(2, [3, 1], seed=0)
        return model, nn.binary_cross_entropy_with_logits(model(ROW2)[0], 0.25)
    if case == "hinge":
        model = nn.MLP(2, [2, 1], seed=0)
        return model, nn.hinge(model(ROW2)[0], -1)
    if case == "dropout in two hidden layers":
        model = nn.MLP(2, [3, 3, 1], dropout=0.5, seed=1)
        return model, nn.mse(model(ROW2), [0.0])
    if case == "tanh output, penalties":
        model = nn.MLP(2, [3, 2], output_activation="tanh", seed=0)
        penalties = [l1_penalty(model, 0.01), weight_decay_penalty(model, 0.1), layer_norm_penalty(model, [0.1, 0.2])]
        cost = autograd.sum_values([nn.mse(model(ROW2), [0.5, -0.5])] + penalties)
        cost.label = "J"  # the sum that joins loss and penalties is the caller's own
        return model, cost
    raise ValueError(case)


CASES = [
    "regression, mse",
    "two outputs, mean mse",
    "the slides' shape, cross-entropy on probabilities",
    "three hidden layers, cross-entropy on logits",
    "soft labels",
    "probability output, binary cross-entropy",
    "soft binary target, logits",
    "hinge",
    "dropout in two hidden layers",
    "tanh output, penalties",
]


@pytest.mark.parametrize("case", CASES)
def test_every_node_of_a_model_and_its_loss_has_a_name_of_its_own(case):
    _, loss = model_and_loss(case)
    order = autograd.topological_order(loss)
    labels = [node.label for node in order]
    assert all(isinstance(label, str) and label for label in labels), labels
    assert not [label for label in labels if MADE_UP.fullmatch(label)]
    # a name tells its node apart: no two nodes share one
    assert len(set(labels)) == len(labels), sorted(label for label in labels if labels.count(label) > 1)


def test_a_2_input_network_on_floats_has_one_input_node_per_feature():
    model = nn.MLP(2, [3, 1], seed=0)
    loss = nn.mse(model(ROW2), [0.3])
    leaves = [node for node in autograd.topological_order(loss) if node.is_leaf]
    inputs = [node for node in leaves if node.label.startswith("x")]
    assert [(node.label, node.data) for node in inputs] == [("x1", 0.5), ("x2", -1.0)]
    assert all(node.is_constant for node in inputs)  # inputs are data
    # every unit of the first layer reads the very same x1 and x2
    first_layer = [node for node in autograd.topological_order(loss) if node.label in ("q1", "q2", "q3")]
    assert len(first_layer) == 3
    for q in first_layer:
        assert [source for source in q.inputs if source.is_constant] == inputs


def test_hidden_and_output_layers_use_the_slides_letters():
    model = nn.MLP(3, [2, 3], activation="sigmoid", output_activation="softmax", seed=0)
    hidden, output = model.layers
    assert [v.label for v in hidden(ROW3)] == ["h1", "h2"]
    assert [v.label for v in hidden.preactivations(ROW3)] == ["q1", "q2"]
    assert [v.label for v in model(ROW3)] == ["p1", "p2", "p3"]
    assert [v.label for v in output.preactivations([0.1, 0.2])] == ["z1", "z2", "z3"]
    assert [v.label for v in nn.MLP(2, [3, 2], seed=0)(ROW2)] == ["z1", "z2"]  # identity: ŷ is z
    assert [v.label for v in nn.MLP(2, [3, 1], output_activation="relu", seed=0)(ROW2)] == ["ŷ1"]


def test_several_hidden_layers_carry_their_layer_as_a_superscript():
    model = nn.MLP(2, [2, 2, 1], seed=0)
    names = {node.label for node in autograd.topological_order(model(ROW2)[0])}
    assert {"q¹1", "h¹1", "q¹2", "h¹2", "q²1", "h²2", "z1"} <= names
    assert hidden_names(12, 12) == ("q¹²", "h¹²")
    assert hidden_names(1, 1) == ("q", "h")


def test_mse_squares_each_error_in_one_node_so_each_path_is_explained_once():
    prediction = autograd.Value(2.0, label="ŷ")
    loss = nn.mse(prediction, 0.5)
    square = loss.inputs[1]
    assert (square.label, square.op.name, len(square.inputs)) == ("(ŷ−y)²", "pow", 1)
    explanation = explain(loss, prediction)
    assert explanation.path_count == 1
    assert explanation.total == pytest.approx(1.5)  # ŷ − y


def test_a_trained_batch_numbers_its_example_losses():
    model = nn.MLP(2, [2, 1], seed=0)
    seen = []

    def recording_mse(outputs, target):
        loss = nn.mse(outputs, [target])
        seen.append(loss)
        return loss

    train(model, [ROW2, [0.1, 0.2]], [0.5, -0.5], loss=recording_mse,
          optimizer=nn.SGD(model.parameters(), lr=0.1), mode="batch", epochs=1)
    assert [loss.label for loss in seen] == ["L1", "L2"]
