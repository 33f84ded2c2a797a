"""Neurons, layers, MLPs and dropout: names, orientation, forward pass, modes."""

import math

import pytest

import autograd
from autograd import Value
from nn import MLP, Dropout, Layer, Module, Neuron
from nn.module import default_weight_names, weight_label


# ----- names and labels ------------------------------------------------------------


def test_standalone_neuron_parameters_are_w1_to_wn_and_b():
    neuron = Neuron(3, seed=0)
    assert [name for name, _ in neuron.named_parameters()] == ["w1", "w2", "w3", "b"]
    assert [v.label for v in neuron.parameters()] == ["w1", "w2", "w3", "b"]


def test_layer_labels_use_the_slides_subscripts_row_by_row():
    layer = Layer(3, 2, weight_name="v", bias=True, seed=0)
    assert [name for name, _ in layer.named_parameters()] == [
        "v11", "v12", "v21", "v22", "v31", "v32", "b1", "b2",
    ]


def test_an_index_of_ten_or_more_gets_a_separator():
    assert weight_label("w", 2, 3) == "w23"
    assert weight_label("w", 1, 10) == "w1_10"
    assert weight_label("w", 12, 3) == "w12_3"
    labels = [v.label for v in Layer(11, 1, bias=False, seed=0).parameters()]
    assert labels[8:] == ["w91", "w10_1", "w11_1"]
    assert len(set(labels)) == 11


def test_mlp_names_start_with_the_layer_they_belong_to():
    model = MLP(3, [2, 3], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:2] == ["layers.0.v11", "layers.0.v12"]
    assert "layers.0.b_v1" in names and "layers.1.w23" in names and "layers.1.b_w3" in names
    assert {name.rsplit(".", 1)[0] for name in names} == {"layers.0", "layers.1"}
    assert len(names) == len(set(names)) == 3 * 2 + 2 + 2 * 3 + 3


def test_default_weight_letters_end_in_w_like_the_slides():
    assert default_weight_names(1) == ["w"]
    assert default_weight_names(2) == ["v", "w"]
    assert default_weight_names(3) == ["u", "v", "w"]
    assert default_weight_names(30)[:2] == ["w1_", "w2_"]


def test_names_are_stable_across_builds_and_seeds():
    first = [name for name, _ in MLP(2, [4, 4, 1], seed=1).named_parameters()]
    second = [name for name, _ in MLP(2, [4, 4, 1], seed=2).named_parameters()]
    assert first == second


# ----- weights in the slides' orientation ---------------------------------------


def test_set_weights_takes_inputs_by_units_and_reads_back_the_same():
    layer = Layer(3, 2, bias=False, weight_name="v")
    rows = [[0.4963, 0.7682], [0.0885, 0.1320], [0.3074, 0.6341]]
    layer.set_weights(rows)
    assert layer.weights_as_rows() == rows
    assert layer.weight_matrix()[2][1].label == "v32"
    assert layer.weight_matrix()[2][1].data == 0.6341
    # unit j reads column j
    assert [v.data for v in layer.neurons[1].weight_values] == [0.7682, 0.1320, 0.6341]


@pytest.mark.parametrize("rows, message", [
    ([[1.0, 2.0], [3.0, 4.0]], "expected 3 rows"),
    ([[1.0, 2.0], [3.0, 4.0], [5.0]], "row 3 should hold 2"),
    ([[1.0, 2.0], [3.0, float("nan")], [5.0, 6.0]], "v22"),
    ([[1.0, 2.0], [3.0, "4"], [5.0, 6.0]], "v22"),
    ([[1.0, 2.0], [3.0, True], [5.0, 6.0]], "v22"),
])
def test_bad_weights_are_refused_and_nothing_changes(rows, message):
    layer = Layer(3, 2, weight_name="v", seed=0)
    before = layer.weights_as_rows()
    with pytest.raises((ValueError, TypeError), match=message):
        layer.set_weights(rows)
    assert layer.weights_as_rows() == before


def test_mlp_set_weights_is_all_or_nothing():
    model = MLP(2, [2, 1], seed=0)
    before = model.weights_as_rows()
    with pytest.raises(ValueError):
        model.set_weights([[[1.0, 2.0], [3.0, 4.0]], [[1.0], [float("inf")]]])
    assert model.weights_as_rows() == before


def test_biases_can_be_set_and_read():
    layer = Layer(2, 3, seed=0)
    assert layer.biases_as_list() == [0.0, 0.0, 0.0]
    layer.set_biases([0.1, -0.2, 0.3])
    assert layer.biases_as_list() == [0.1, -0.2, 0.3]
    with pytest.raises(ValueError, match="bias=False"):
        Layer(2, 3, bias=False).set_biases([0.0, 0.0, 0.0])


# ----- the forward pass -------------------------------------------------------


def test_each_unit_is_one_dot_node_over_weights_inputs_and_bias():
    layer = Layer(3, 2, weight_name="v", seed=0)
    x = [Value(1.0, "x1"), Value(2.0, "x2"), Value(3.0, "x3")]
    pre = layer.preactivations(x)
    assert [node.op.name for node in pre] == ["dot", "dot"]
    assert [v.label for v in pre[0].inputs] == ["v11", "v21", "v31", "x1", "x2", "x3", "b1"]


def test_calling_a_layer_or_mlp_always_returns_a_list():
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), list)
    out = MLP(2, [3, 1], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1 and isinstance(out[0], Value)


ACTIVATIONS = {
    "sigmoid": lambda t: 1.0 / (1.0 + math.exp(-t)),
    "tanh": math.tanh,
    "relu": lambda t: max(0.0, t),
    "leaky_relu": lambda t: max(0.1 * t, t),
    "elu": lambda t: t if t > 0 else math.exp(t) - 1.0,
    "identity": lambda t: t,
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_layer_computes_activation_of_x_times_weights_plus_bias(name):
    layer = Layer(2, 3, activation=name, seed=3)
    layer.set_biases([0.5, -0.5, 0.0])
    x = [0.7, -1.3]
    rows = layer.weights_as_rows()
    expected = [
        ACTIVATIONS[name](x[0] * rows[0][j] + x[1] * rows[1][j] + layer.biases_as_list()[j])
        for j in range(3)
    ]
    assert [v.data for v in layer(x)] == pytest.approx(expected, abs=1e-14)


def test_softmax_output_layer_gives_probabilities():
    layer = Layer(2, 4, activation="softmax", seed=0)
    p = layer([1.0, -2.0])
    assert sum(v.data for v in p) == pytest.approx(1.0)
    assert all(v.op.name == "softmax" for v in p)


def test_softmax_is_refused_where_it_cannot_work():
    with pytest.raises(ValueError, match="Layer"):
        Neuron(3, activation="softmax")
    with pytest.raises(ValueError, match="hidden layer 1"):
        MLP(2, [3, 2], activation="softmax")
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        Layer(2, 2, activation="swish")


def test_output_and_preactivation_names_label_the_nodes():
    layer = Layer(2, 2, activation="sigmoid", preactivation_name="q", output_name="h", seed=0)
    h = layer([1.0, 2.0])
    assert [v.label for v in h] == ["h1", "h2"]
    assert [v.inputs[0].label for v in h] == ["q1", "q2"]


@pytest.mark.parametrize("inputs, error, message", [
    ([1.0, 2.0], ValueError, "expects 3 inputs, got 2"),
    (1.0, TypeError, "expects a list of 3 inputs"),
    ("abc", TypeError, "expects a list"),
])
def test_wrong_inputs_get_a_clear_error(inputs, error, message):
    with pytest.raises(error, match=message):
        MLP(3, [2], seed=0)(inputs)


@pytest.mark.parametrize("arguments", [dict(nin=0, sizes=[2]), dict(nin=2, sizes=[]), dict(nin=2, sizes=[2, 0]), dict(nin=2, sizes=3)])
def test_bad_sizes_are_refused(arguments):
    with pytest.raises(ValueError):
        MLP(**arguments)


def test_mlp_matches_pytorch(torch):
    model = MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=7)
    for layer in model.layers:
        layer.set_biases([0.1 * (j + 1) for j in range(layer.nout)])
    x = [0.3, -0.8, 1.5]
    out = model(x)
    for value in out:
        value.backward()
    tensors = [torch.tensor(layer.weights_as_rows(), requires_grad=True) for layer in model.layers]
    biases = [torch.tensor(layer.biases_as_list()) for layer in model.layers]
    hidden = torch.tanh(torch.tensor([x]) @ tensors[0] + biases[0])
    expected = torch.sigmoid(hidden @ tensors[1] + biases[1])
    expected.sum().backward()
    assert [v.data for v in out] == pytest.approx(expected[0].tolist(), abs=1e-12)
    for layer, tensor in zip(model.layers, tensors):
        grads = [[v.grad for v in row] for row in layer.weight_matrix()]
        assert [g for row in grads for g in row] == pytest.approx(tensor.grad.flatten().tolist(), abs=1e-12)


# ----- seeds, gradients and modes --------------------------------------------------


def test_same_seed_same_weights_other_seed_other_weights():
    assert MLP(2, [3, 1], seed=5).weights_as_rows() == MLP(2, [3, 1], seed=5).weights_as_rows()
    assert MLP(2, [3, 1], seed=5).weights_as_rows() != MLP(2, [3, 1], seed=6).weights_as_rows()


def test_zero_grad_resets_every_parameter():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0])[0].backward()
    assert any(v.grad != 0.0 for v in model.parameters())
    model.zero_grad()
    assert all(v.grad == 0.0 for v in model.parameters())


def test_weights_leave_out_biases():
    model = MLP(2, [3, 1], seed=0)
    assert len(model.weights()) == 2 * 3 + 3 * 1
    assert all(not v.label.startswith("b") for v in model.weights())


def test_train_and_eval_reach_every_child():
    model = MLP(2, [3, 3, 1], dropout=0.5, seed=0)
    assert model.training and all(d.training for d in model.dropouts)
    assert model.eval() is model
    assert not model.training and not any(d.training for d in model.dropouts)
    assert not any(layer.training for layer in model.layers)
    model.train()
    assert all(d.training for d in model.dropouts)


def test_a_custom_module_collects_its_childrens_parameters():
    class Pair(Module):
        def __init__(self):
            super().__init__()
            self.first, self.second = Layer(2, 2, seed=0), Layer(2, 1, seed=1)

        def children(self):
            return [("first", self.first), ("second", self.second)]

        def forward(self, inputs):
            return self.second(self.first(inputs))

    pair = Pair()
    assert [n for n, _ in pair.named_parameters()][:2] == ["first.w11", "first.w12"]
    assert len(pair.parameters()) == 6 + 3
    assert isinstance(pair([1.0, 1.0]), list)


# ----- dropout -----------------------------------------------------------------------


def test_dropout_drops_about_p_and_scales_survivors_by_one_over_one_minus_p():
    dropout = Dropout(0.3, seed=42)
    inputs = [Value(1.0) for _ in range(20000)]
    out = [v.data for v in dropout(inputs)]
    dropped = sum(1 for v in out if v == 0.0) / len(out)
    assert 0.28 < dropped < 0.32
    assert {v for v in out if v != 0.0} == {1.0 / 0.7}
    # inverted dropout keeps the expected value
    assert sum(out) / len(out) == pytest.approx(1.0, abs=0.03)


def test_dropout_gradient_is_the_mask():
    dropout = Dropout(0.5, seed=1)
    inputs = [Value(2.0) for _ in range(200)]
    outputs = dropout(inputs)
    autograd.sum_values(outputs).backward()
    for x, y in zip(inputs, outputs):
        assert x.grad == (2.0 if y.data != 0.0 else 0.0)


def test_dropout_is_seeded():
    first = [v.data for v in Dropout(0.5, seed=9)([Value(1.0)] * 100)]
    again = [v.data for v in Dropout(0.5, seed=9)([Value(1.0)] * 100)]
    other = [v.data for v in Dropout(0.5, seed=10)([Value(1.0)] * 100)]
    assert first == again != other


def test_dropout_is_the_identity_in_eval_mode_and_at_p_zero():
    inputs = [Value(float(k)) for k in range(10)]
    assert Dropout(0.9, seed=0).eval()(inputs) == inputs
    assert Dropout(0.0, seed=0)(inputs) == inputs


def test_dropout_at_p_one_drops_everything():
    assert [v.data for v in Dropout(1.0, seed=0)([Value(3.0)] * 5)] == [0.0] * 5


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", True, float("nan")])
def test_dropout_refuses_a_bad_probability(p):
    with pytest.raises((ValueError, TypeError), match="Dropout: p"):
        Dropout(p)


@pytest.mark.parametrize("sizes", [[1], [3, 1]])
def test_mlp_refuses_a_bad_dropout_even_with_one_layer(sizes):
    with pytest.raises(ValueError, match="Dropout"):
        MLP(2, sizes, dropout=2.0)


def test_mlp_with_dropout_is_deterministic_in_eval_mode():
    model = MLP(2, [50, 1], dropout=0.5, seed=0)
    model.eval()
    first = model([0.3, 0.4])[0].data
    assert model([0.3, 0.4])[0].data == first
    model.train()
    assert any(model([0.3, 0.4])[0].data != first for _ in range(5))
