"""Second derivatives: through every operation of the table, and whole Hessians against PyTorch.

``grad(..., create_graph=True)`` runs the same chain-rule loop as ``backward`` on
local derivatives rebuilt as nodes; differentiating its result again gives second
derivatives. Oracles: central differences of first derivatives (always) and
``torch.autograd.functional.hessian`` in float64 (CI).
"""

import math
import random

import pytest
from hypothesis import given, settings

import nn
from autograd import Value, grad
from op_cases import OP_CASES, close, inputs_for


def hessian(f, point):
    """The matrix of d²f / dx_i dx_j at ``point``, by differentiating the gradient graph."""
    leaves = [Value(v, label=f"x{i}") for i, v in enumerate(point)]
    first = grad(f(*leaves), leaves, create_graph=True)
    return [grad(partial, leaves) for partial in first]


def first_derivatives(f, point):
    leaves = [Value(v) for v in point]
    return grad(f(*leaves), leaves)


@pytest.mark.parametrize("case", OP_CASES, ids=lambda case: case.name)
def test_second_derivatives_of_every_operation_match_central_differences(case):
    @settings(max_examples=15, deadline=None)
    @given(inputs_for(case))
    def check(point):
        matrix = hessian(case.ours, point)
        for j in range(len(point)):
            h = 1e-5 * max(1.0, abs(point[j]))
            up, down = list(point), list(point)
            up[j] += h
            down[j] -= h
            above, below = first_derivatives(case.ours, up), first_derivatives(case.ours, down)
            for i in range(len(point)):
                numeric = (above[i] - below[i]) / (2 * h)
                assert close(matrix[i][j], numeric, 1e-4), (case.name, point, i, j)

    check()


# torch zeroes pow's derivative where the exponent is exactly 0, and with it the mixed
# second derivative d²(x^y)/dx dy = x^(y-1)(1 + y ln x), which is 1/x there; central
# differences (above) agree with tracegrad.
TORCH_MASKS = {"pow_values": lambda point: point[1] == 0.0}


@pytest.mark.parametrize("case", OP_CASES, ids=lambda case: case.name)
def test_second_derivatives_of_every_operation_match_torch(case, torch):
    @settings(max_examples=10, deadline=None)
    @given(inputs_for(case))
    def check(point):
        if TORCH_MASKS.get(case.name, lambda point: False)(point):
            return
        theirs = torch.autograd.functional.hessian(
            lambda *xs: case.theirs(*xs), tuple(torch.tensor(v) for v in point)
        )
        ours = hessian(case.ours, point)
        for i in range(len(point)):
            for j in range(len(point)):
                assert ours[i][j] == pytest.approx(theirs[i][j].item(), rel=1e-9, abs=1e-10)

    check()


def test_an_inactive_relu_gives_zero_first_and_second_derivatives():
    x = Value(-1.0, label="x")
    first = grad((2 * x).relu(), x, create_graph=True)
    assert first.data == 0.0
    assert grad(first, x) == 0.0
    # Active on one path, inactive on the other: only the live path counts.
    y = Value(0.5, label="y")
    mixed = (y * y).relu() + (-y).relu() * y
    first = grad(mixed, y, create_graph=True)
    assert (first.data, grad(first, y)) == (1.0, 2.0)


def test_a_node_reached_only_through_a_zero_derivative_is_skipped_not_a_key_error():
    x = Value(3.0, label="x")
    zeroed = (x * x) ** 0  # d/dx of a constant power 0 is exactly 0
    first = grad(zeroed + x, x, create_graph=True)
    assert first.data == 1.0 and grad(first, x) == 0.0


def test_create_graph_through_dot_nodes():
    w, x = Value(2.0, label="w"), Value(3.0, label="x")
    first = grad(autograd_dot([w], [x]), [w], create_graph=True)[0]
    assert first.data == 3.0
    assert grad(first, [w, x]) == [0.0, 1.0]


def autograd_dot(weights, inputs):
    import autograd

    return autograd.dot(weights, inputs)


# ----- whole networks against PyTorch ------------------------------------------------------


def _flat_parameters(model):
    return [value.data for value in model.parameters()]


def _network_function(model, inputs, loss):
    """f(θ) = loss(model(inputs; θ)) on tracegrad Values, θ in ``model.parameters()`` order."""

    def f(*parameters):
        for value, number in zip(model.parameters(), parameters):
            value.data = number
        return loss(model(inputs))

    return f


def _torch_network(torch, model, inputs, loss):
    """The same function of the flat parameter vector, written with torch operations."""
    activations = {"tanh": torch.tanh, "relu": torch.relu, "identity": lambda t: t}
    shapes = [(layer.nin, layer.nout) for layer in model.layers]
    kinds = [layer.activation for layer in model.layers]

    def f(theta):
        position = 0
        signal = torch.tensor(inputs, dtype=torch.float64)
        for (nin, nout), kind in zip(shapes, kinds):
            weights = theta[position : position + nin * nout].reshape(nin, nout)
            position += nin * nout
            biases = theta[position : position + nout]
            position += nout
            signal = activations[kind](signal @ weights + biases)
        return loss(signal)

    return f


def _hessian_by_tracegrad(model, inputs, loss):
    leaves = model.parameters()
    first = grad(loss(model(inputs)), leaves, create_graph=True)
    return [grad(partial, leaves) for partial in first]


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("loss_name", ["mse", "cross_entropy"])
def test_hessian_of_a_small_mlp_and_its_loss_matches_torch(activation, loss_name, torch):
    outputs = 1 if loss_name == "mse" else 3
    model = nn.MLP(2, [3, outputs], activation=activation, seed=7)
    # Non-zero biases, so relu units sit on both sides of their kink.
    rng = random.Random(3)
    for parameter in model.parameters():
        parameter.data = rng.uniform(-1.0, 1.0)
    inputs = [0.6, -0.4]
    if loss_name == "mse":
        ours_loss = lambda out: nn.mse(out, [0.25])  # noqa: E731
        theirs_loss = lambda out: 0.5 * ((out - 0.25) ** 2).sum()  # noqa: E731
    else:
        ours_loss = lambda out: nn.cross_entropy(out, 1)  # noqa: E731
        theirs_loss = lambda out: -torch.log_softmax(out, 0)[1]  # noqa: E731
    ours = _hessian_by_tracegrad(model, inputs, ours_loss)
    theta = torch.tensor(_flat_parameters_in_layer_order(model), dtype=torch.float64)
    theirs = torch.autograd.functional.hessian(_torch_network(torch, model, inputs, theirs_loss), theta)
    order = _parameter_positions(model)
    for i, row in enumerate(ours):
        for j, value in enumerate(row):
            assert value == pytest.approx(theirs[order[i], order[j]].item(), rel=1e-9, abs=1e-9)
    assert any(abs(value) > 1e-3 for row in ours for value in row)  # not trivially zero


def _flat_parameters_in_layer_order(model):
    """Weights row by row (input i, unit j), then biases, layer after layer: torch's θ."""
    numbers = []
    for layer in model.layers:
        numbers += [value.data for row in layer.weight_matrix() for value in row]
        numbers += [value.data for value in layer.biases()]
    return numbers


def _parameter_positions(model):
    """Where each of ``model.parameters()`` sits in the torch parameter vector."""
    layout = []
    for layer in model.layers:
        layout += [value for row in layer.weight_matrix() for value in row]
        layout += layer.biases()
    index = {id(value): k for k, value in enumerate(layout)}
    return [index[id(value)] for value in model.parameters()]
