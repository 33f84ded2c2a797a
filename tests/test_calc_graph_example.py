"""The slides' calculation graph h(x) = σ(w0 + w1·x1 + w2·x2), l(x, y) = (y − h(x))²."""

import math

import pytest

import autograd
from nn.examples import CALC_GRAPH_SAMPLE, calc_graph_example


def sigmoid(t):
    return 1.0 / (1.0 + math.exp(-t))


def test_nodes_carry_the_slides_names():
    example = calc_graph_example()
    labels = {node.label for node in autograd.topological_order(example.loss)}
    assert labels == {"x1", "x2", "y", "w0", "w1", "w2", "w1x1", "w2x2", "s", "h", "y-h", "l"}
    assert example.loss.label == "l"
    assert set(example.nodes()) == labels


def test_groups_cover_every_node_once():
    example = calc_graph_example()
    grouped = [value for values in example.groups.values() for value in values]
    assert len(grouped) == len(set(grouped)) == 12
    assert example.groups["Inputs X"] == [example.x1, example.x2]


def test_default_numbers_give_round_values_by_hand():
    example = calc_graph_example(backward=True)
    assert example.s.data == 0.0
    assert example.h.data == pytest.approx(0.5)
    assert example.loss.data == pytest.approx(0.25)
    assert example.h.grad == pytest.approx(-1.0)
    assert example.s.grad == pytest.approx(-0.25)
    assert [example.w0.grad, example.w1.grad, example.w2.grad] == pytest.approx([-0.25, -0.125, 0.5])
    assert CALC_GRAPH_SAMPLE == {"x1": 0.5, "x2": -2.0, "y": 1.0, "w0": 0.25, "w1": 0.5, "w2": 0.25}


def test_building_does_not_run_backward():
    example = calc_graph_example()
    assert example.w1.grad == 0.0


@pytest.mark.parametrize("numbers", [
    dict(x1=1.0, x2=2.0, y=0.0, w0=-0.5, w1=0.3, w2=-0.2),
    dict(x1=-3.0, x2=0.25, y=1.0, w0=1.0, w1=2.0, w2=4.0),
])
def test_any_numbers_match_the_formula_and_its_derivative(numbers):
    example = calc_graph_example(**numbers, backward=True)
    s = numbers["w0"] + numbers["w1"] * numbers["x1"] + numbers["w2"] * numbers["x2"]
    h = sigmoid(s)
    assert example.loss.data == pytest.approx((numbers["y"] - h) ** 2)
    dl_ds = -2.0 * (numbers["y"] - h) * h * (1.0 - h)
    assert example.w1.grad == pytest.approx(dl_ds * numbers["x1"])
    assert example.x2.grad == pytest.approx(dl_ds * numbers["w2"])
    example.backward()  # zeroes the leaves first, so a second call gives the same numbers
    assert example.w1.grad == pytest.approx(dl_ds * numbers["x1"])


def test_gradients_match_pytorch(torch):
    example = calc_graph_example(backward=True)
    # The label y is data (a constant): torch is not asked for its gradient either.
    leaves = {name: torch.tensor(value, requires_grad=name != "y") for name, value in CALC_GRAPH_SAMPLE.items()}
    h = torch.sigmoid(leaves["w0"] + leaves["w1"] * leaves["x1"] + leaves["w2"] * leaves["x2"])
    loss = (leaves["y"] - h) ** 2
    loss.backward()
    for name, tensor in leaves.items():
        if name != "y":
            assert getattr(example, name).grad == pytest.approx(tensor.grad.item(), abs=1e-12), name
    assert example.y.is_constant and example.y.grad == 0.0
