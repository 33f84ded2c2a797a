"""The slides' 3-2-3 worked example: every printed number, every gradient, one step."""

import math

import pytest

import autograd
from nn.examples import (
    SLIDE_MISPRINTS,
    SLIDE_NUMBERS,
    SLIDE_VALUES,
    V_ROWS,
    W_ROWS,
    compare_with_slides,
    worked_example,
)


def flat(rows):
    return [number for row in rows for number in row]


def slide(name):
    return SLIDE_VALUES[name]


@pytest.fixture
def example():
    return worked_example()


def test_nodes_carry_the_slides_names(example):
    assert [v.label for v in example.x] == ["x1", "x2", "x3"]
    assert [[v.label for v in row] for row in example.V] == [["v11", "v12"], ["v21", "v22"], ["v31", "v32"]]
    assert [v.label for v in example.q] == ["q1", "q2"]
    assert [v.label for v in example.h] == ["h1", "h2"]
    assert [[v.label for v in row] for row in example.W] == [["w11", "w12", "w13"], ["w21", "w22", "w23"]]
    assert [v.label for v in example.z] == ["z1", "z2", "z3"]
    assert [v.label for v in example.p] == ["p1", "p2", "p3"]
    assert [v.label for v in example.y] == ["y1", "y2", "y3"]
    assert example.loss.label == "L"


def test_the_loss_reads_like_the_slides_formula(example):
    # L = −Σ y_i ln p_i: one node reading p1..p3 and the labels y1..y3
    assert example.loss.op.name == "cross_entropy"
    assert list(example.loss.inputs) == example.p + example.y
    assert example.loss.local_derivatives[0] == pytest.approx(-1 / example.p[0].data)  # −y1/p1


def test_the_labels_are_constants(example):
    assert all(y.is_constant for y in example.y)


def test_groups_follow_the_slides_block_order(example):
    assert list(example.groups) == [
        "Inputs X", "Weights V", "Linear Q", "Hidden H", "Weights W", "Logits Z", "Probs P", "Labels Y",
    ]
    assert example.groups["Probs P"] == example.p
    assert [v.label for v in example.groups["Weights V"]] == ["v11", "v12", "v21", "v22", "v31", "v32"]


def test_every_labelled_node_is_in_the_loss_graph(example):
    in_graph = {node for node in autograd.topological_order(example.loss)}
    for values in example.groups.values():
        for value in values:
            assert value in in_graph, value.label


def test_weights_are_the_slides_and_there_are_no_biases(example):
    assert example.model.weights_as_rows() == [[list(r) for r in V_ROWS], [list(r) for r in W_ROWS]]
    assert len(example.model.parameters()) == 12
    assert example.target == [1.0, 0.0, 0.0]
    assert example.label_name == "Good"


def test_building_does_not_run_backward(example):
    assert all(v.grad == 0.0 for v in example.model.parameters())
    assert example.loss.grad == 0.0


@pytest.mark.parametrize("block, names", [
    ("q", ["q1", "q2"]), ("h", ["h1", "h2"]), ("z", ["z1", "z3"]), ("p", ["p1"]),
])
def test_forward_pass_matches_the_slides_to_4_decimals(example, block, names):
    nodes = {v.label: v for v in getattr(example, block)}
    for name in names:
        assert round(nodes[name].data, 4) == slide(name), name


def test_z2_on_the_slides_is_one_off_in_the_last_digit(example):
    assert round(example.z[1].data, 4) == 0.7510
    assert slide("z2") == 0.7511
    assert abs(example.z[1].data - slide("z2")) < 1e-4


def test_probabilities_match_the_printed_percentages(example):
    assert [round(100 * v.data, 1) for v in example.p] == [34.5, 36.4, 29.1]
    assert math.isclose(sum(v.data for v in example.p), 1.0)


def test_loss_is_minus_log_p1(example):
    assert example.loss.data == pytest.approx(-math.log(example.p[0].data), abs=1e-15)
    assert round(example.loss.data, 4) == 1.0645


def test_dL_dw11_is_the_slides_minus_0_3835(example):
    example.backward()
    assert round(example.W[0][0].grad, 4) == slide("dL/dw11") == -0.3835


def test_w11_chain_factors_are_the_slides(example):
    chain = example.w11_chain()
    assert round(chain["dL/dp1"], 4) == -2.8995
    assert round(chain["dp1/dz1"], 4) == 0.2259
    assert round(chain["dz1/dw11"], 4) == 0.5854
    assert chain["dL/dw11"] == pytest.approx(example.gradients()["w11"], abs=1e-15)


def test_one_step_at_eta_half_gives_the_slides_w11(example):
    stepped = example.step()
    assert stepped.learning_rate == 0.5
    assert round(stepped.W[0][0], 4) == slide("w11 after one step") == 0.6819
    gradient_v, gradient_w = example.gradient_rows()
    assert stepped.V[2][1] == pytest.approx(V_ROWS[2][1] - 0.5 * gradient_v[2][1])
    # the model itself is not changed by computing a step
    assert example.model.weights_as_rows()[1][0][0] == 0.4901


def test_backward_flag_fills_gradients():
    example = worked_example(backward=True)
    assert round(example.W[0][0].grad, 4) == -0.3835
    # backward twice does not double-count: the graph's grads are zeroed first
    example.backward()
    assert round(example.W[0][0].grad, 4) == -0.3835


def test_gradients_agree_with_central_differences(example):
    def slides_formula(*weights):
        # L(V, W) written straight from the slides' equations, on the checked leaves
        V = [weights[0:2], weights[2:4], weights[4:6]]
        W = [weights[6:9], weights[9:12]]
        x = [0.35, 0.20, 0.50]
        h = [autograd.dot([row[j] for row in V], x).sigmoid() for j in range(2)]
        z = [autograd.dot([row[k] for row in W], h) for k in range(3)]
        return -autograd.softmax(z)[0].log()

    parameters = example.model.parameters()
    leaves = [autograd.Value(v.data, label=v.label) for v in parameters]
    result = autograd.gradcheck(slides_formula, leaves)
    assert result, str(result)
    gradients = example.gradients()
    assert [c.label for c in result.comparisons] == [v.label for v in parameters]
    for comparison in result.comparisons:
        assert gradients[comparison.label] == pytest.approx(comparison.numeric, abs=1e-8)


def test_every_gradient_matches_pytorch(example, torch):
    x = torch.tensor([list(n.data for n in example.x)])
    V = torch.tensor([list(r) for r in V_ROWS], requires_grad=True)
    W = torch.tensor([list(r) for r in W_ROWS], requires_grad=True)
    p = torch.softmax(torch.sigmoid(x @ V) @ W, dim=1)
    loss = -(torch.tensor([[1.0, 0.0, 0.0]]) * torch.log(p)).sum()
    loss.backward()
    assert example.loss.data == pytest.approx(loss.item(), abs=1e-12)
    gradient_v, gradient_w = example.gradient_rows()
    assert flat(gradient_v) == pytest.approx(flat(V.grad.tolist()), abs=1e-12)
    assert flat(gradient_w) == pytest.approx(flat(W.grad.tolist()), abs=1e-12)
    stepped = example.step()
    with torch.no_grad():
        assert flat(stepped.W) == pytest.approx(flat((W - 0.5 * W.grad).tolist()), abs=1e-12)
        assert flat(stepped.V) == pytest.approx(flat((V - 0.5 * V.grad).tolist()), abs=1e-12)


def test_labels_get_no_gradient(example):
    example.backward()
    assert [v.grad for v in example.y] == [0.0, 0.0, 0.0]


def test_compare_with_slides_flags_exactly_the_misprints_and_the_slip():
    rows = compare_with_slides()
    disagreeing = sorted((row.name, row.misprint) for row in rows if not row.agrees)
    assert disagreeing == [("h2", True), ("v32", True), ("z2", False)]
    assert len(rows) == len(SLIDE_NUMBERS)


def test_misprints_are_recorded_as_printed():
    assert SLIDE_MISPRINTS == {"h2": 0.6458, "v32": 0.6343}
    assert SLIDE_VALUES["h2"] == 0.6485
    assert SLIDE_VALUES["v32"] == 0.6341
