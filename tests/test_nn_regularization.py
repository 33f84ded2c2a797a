"""Regularisation penalties: the slides' per-layer norm, squared L2 / weight decay, L1."""

import math

import pytest

import autograd
from autograd import Value
from nn import MLP
from nn.module import Layer
from nn.regularization import (
    l1_penalty,
    l2_norm,
    layer_norm_penalty,
    squared_l2_penalty,
    weight_decay_penalty,
)


@pytest.fixture
def model():
    net = MLP(2, [3, 2], seed=4)
    for layer in net.layers:
        layer.set_biases([5.0] * layer.nout)  # large biases: a penalty that counted them would show
    return net


def flat_weights(layer):
    return [n for row in layer.weights_as_rows() for n in row]


def test_the_slides_penalty_is_lambda_times_each_layers_weight_norm(model):
    lambdas = [0.1, 0.01]
    penalty = layer_norm_penalty(model, lambdas)
    expected = sum(lam * math.sqrt(sum(w * w for w in flat_weights(layer))) for lam, layer in zip(lambdas, model.layers))
    assert penalty.data == pytest.approx(expected)
    penalty.backward()
    first = model.layers[0]
    norm = math.sqrt(sum(w * w for w in flat_weights(first)))
    w11 = first.weight_matrix()[0][0]
    assert w11.grad == pytest.approx(0.1 * w11.data / norm)
    assert all(b.grad == 0.0 for b in first.biases())


def test_the_slides_penalty_needs_one_lambda_per_layer(model):
    with pytest.raises(ValueError, match="one λ per layer: 2 layers"):
        layer_norm_penalty(model, [0.1])
    with pytest.raises(ValueError, match="one λ per layer"):
        layer_norm_penalty(model, 0.1)
    with pytest.raises(ValueError, match="layer 2"):
        layer_norm_penalty(model, [0.1, -1.0])


def test_the_slides_penalty_accepts_a_list_of_layers():
    layer = Layer(2, 2, bias=False)
    layer.set_weights([[3.0, 0.0], [0.0, 4.0]])
    assert layer_norm_penalty([layer], [2.0]).data == pytest.approx(10.0)


def test_squared_l2_and_weight_decay(model):
    weights = model.weights()
    squares = sum(w.data ** 2 for w in weights)
    assert squared_l2_penalty(model, 0.3).data == pytest.approx(0.3 * squares)
    decay = weight_decay_penalty(model, 0.3)
    assert decay.data == pytest.approx(0.15 * squares)
    decay.backward()
    # weight decay adds exactly λ·w to each gradient
    assert [w.grad for w in weights] == pytest.approx([0.3 * w.data for w in weights])


def test_l1_gradient_is_lambda_times_the_sign_and_zero_at_zero():
    weights = [Value(2.0, "a"), Value(-0.5, "b"), Value(0.0, "c")]
    penalty = l1_penalty(weights, 0.1)
    assert penalty.data == pytest.approx(0.25)
    penalty.backward()
    assert [w.grad for w in weights] == pytest.approx([0.1, -0.1, 0.0])


def test_penalties_match_pytorch(model, torch):
    tensors = [torch.tensor(layer.weights_as_rows(), requires_grad=True) for layer in model.layers]
    total = 0.2 * torch.linalg.vector_norm(tensors[0]) + 0.05 * torch.linalg.vector_norm(tensors[1])
    total = total + 0.01 * sum(t.abs().sum() for t in tensors) + 0.03 * sum((t ** 2).sum() for t in tensors)
    total.backward()
    ours = layer_norm_penalty(model, [0.2, 0.05]) + l1_penalty(model, 0.01) + squared_l2_penalty(model, 0.03)
    ours.backward()
    assert ours.data == pytest.approx(total.item(), abs=1e-12)
    for layer, tensor in zip(model.layers, tensors):
        grads = [v.grad for row in layer.weight_matrix() for v in row]
        assert grads == pytest.approx(tensor.grad.flatten().tolist(), abs=1e-12)


def test_l2_norm_of_a_list():
    assert l2_norm([Value(3.0), Value(4.0)]).data == 5.0


@pytest.mark.parametrize("source, strength, error", [
    ([], 0.1, ValueError),
    ([1.0, 2.0], 0.1, TypeError),
    ([Value(1.0)], -0.1, ValueError),
    ([Value(1.0)], float("nan"), ValueError),
    ([Value(1.0)], "0.1", TypeError),
])
def test_bad_arguments_get_a_clear_error(source, strength, error):
    with pytest.raises(error, match="squared_l2_penalty"):
        squared_l2_penalty(source, strength)


def test_the_norm_of_all_zero_weights_has_no_gradient_and_says_so():
    with pytest.raises(autograd.TracegradError, match="sqrt"):
        l2_norm([Value(0.0, "w1"), Value(0.0, "w2")])
