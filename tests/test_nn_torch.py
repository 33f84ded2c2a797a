"""An nn.MLP handed to PyTorch and back computes the same outputs and gradients (float64)."""

import random
import subprocess
import sys
from pathlib import Path

import pytest

import nn
from autograd import Value, sum_values

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")
OUTPUT = HIDDEN + ("identity", "softmax")


def _random_model(rng):
    sizes = [rng.randint(1, 5) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.5:
        sizes[-1] = max(sizes[-1], 2)
    activations = [rng.choice(HIDDEN) for _ in sizes[:-1]] + [rng.choice(OUTPUT)]
    model = nn.MLP(rng.randint(1, 4), sizes, activations=activations,
                   bias=rng.random() < 0.7, seed=rng.randrange(10**6))
    for layer in model.layers:
        if layer.has_bias:
            layer.set_biases([rng.uniform(-1, 1) for _ in range(layer.nout)])
    return model


def _tracegrad_answer(model, row, coefficients):
    """Outputs, and d(Σ c_k · out_k)/d(parameter) for every parameter, by name."""
    model.zero_grad()
    outputs = model([Value(x) for x in row])
    sum_values([c * out for c, out in zip(coefficients, outputs)]).backward()
    return [out.data for out in outputs], {name: p.grad for name, p in model.named_parameters()}


def _torch_answer(torch, module, row, coefficients):
    module.zero_grad()
    outputs = module(torch.tensor(row, dtype=torch.float64))
    (outputs * torch.tensor(coefficients, dtype=torch.float64)).sum().backward()
    return outputs.tolist()


def _torch_gradients(module):
    """Parameter gradients in the slides' names: layer k's weight (out × in) is v/w[in][out]."""
    linears = [part for part in module if type(part).__name__ == "Linear"]
    return linears, [(linear.weight.grad, None if linear.bias is None else linear.bias.grad)
                     for linear in linears]


def _compare(torch, model, module, rng):
    row = [rng.uniform(-2, 2) for _ in range(model.nin)]
    coefficients = [rng.uniform(-1, 1) for _ in range(model.sizes[-1])]
    ours, gradients = _tracegrad_answer(model, row, coefficients)
    theirs = _torch_answer(torch, module, row, coefficients)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)
    _, torch_gradients = _torch_gradients(module)
    for layer, (weight_grad, bias_grad) in zip(model.layers, torch_gradients):
        for i, row_values in enumerate(layer.weight_matrix()):
            for j, value in enumerate(row_values):
                assert value.grad == pytest.approx(weight_grad[j, i].item(), rel=1e-12, abs=1e-12)
        for j, bias in enumerate(layer.biases()):
            assert bias.grad == pytest.approx(bias_grad[j].item(), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("seed", range(30))
def test_to_torch_agrees_on_outputs_and_every_gradient(seed, torch):
    rng = random.Random(seed)
    model = _random_model(rng)
    module = to_torch_checked(model, torch)
    _compare(torch, model, module, rng)


def to_torch_checked(model, torch):
    module = nn.to_torch(model)
    assert isinstance(module, torch.nn.Module)
    assert all(p.dtype == torch.float64 for p in module.parameters())
    assert sum(p.numel() for p in module.parameters()) == len(model.parameters())
    return module


@pytest.mark.parametrize("seed", range(30))
def test_from_torch_reads_a_sequential_with_the_slides_names(seed, torch):
    rng = random.Random(seed)
    torch.manual_seed(seed)
    widths = [rng.randint(1, 4) for _ in range(rng.randint(2, 4))]
    bias = rng.random() < 0.7
    parts = []
    factories = {
        "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU,
        "leaky_relu": lambda: torch.nn.LeakyReLU(0.1), "elu": torch.nn.ELU,
    }
    for k, (nin, nout) in enumerate(zip(widths, widths[1:])):
        parts.append(torch.nn.Linear(nin, nout, bias=bias, dtype=torch.float64))
        last = k == len(widths) - 2
        choice = rng.choice(OUTPUT if last else HIDDEN)
        if choice == "softmax":
            parts.append(torch.nn.Softmax(dim=-1))
        elif choice != "identity":
            parts.append(factories[choice]())
    module = torch.nn.Sequential(*parts)
    model = nn.from_torch(module)
    names = [name for name, _ in model.named_parameters()]
    assert names[0].endswith("11") and len(names) == sum(p.numel() for p in module.parameters())
    _compare(torch, model, module, rng)
    again = nn.to_torch(model)
    for ours, theirs in zip(again.parameters(), module.parameters()):
        assert torch.equal(ours, theirs)


def test_the_worked_example_goes_to_torch_with_its_softmax(torch):
    example = nn.examples.worked_example()
    module = nn.to_torch(example.model)
    assert [type(part).__name__ for part in module] == ["Linear", "Sigmoid", "Linear", "Softmax"]
    probabilities = module(torch.tensor([0.35, 0.20, 0.50], dtype=torch.float64))
    assert probabilities.tolist() == pytest.approx([p.data for p in example.p], rel=1e-12)


def test_what_from_torch_cannot_read_is_named(torch):
    layers = torch.nn
    with pytest.raises(ValueError, match=r"\[1\] LeakyReLU is not supported"):
        nn.from_torch(layers.Sequential(layers.Linear(2, 2), layers.LeakyReLU(0.01)))
    with pytest.raises(ValueError, match="every Linear layer has a bias or none"):
        nn.from_torch(layers.Sequential(layers.Linear(2, 2), layers.Linear(2, 1, bias=False)))
    with pytest.raises(ValueError, match="Softmax belongs after the last"):
        nn.from_torch(layers.Sequential(layers.Linear(2, 2), layers.Softmax(dim=-1), layers.Linear(2, 1)))
    with pytest.raises(TypeError, match="torch.nn.Sequential"):
        nn.from_torch(layers.Linear(2, 2))


def test_importing_tracegrad_does_not_import_torch():
    repository = Path(__file__).resolve().parents[1]
    check = ("import sys, autograd, nn, visualize; "
             "assert 'torch' not in sys.modules, 'torch was imported'")
    completed = subprocess.run([sys.executable, "-c", check], cwd=repository,
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
