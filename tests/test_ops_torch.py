"""Values and gradients of every operation, and of random composite graphs, match PyTorch (float64)."""

import random

import pytest
from hypothesis import given, settings

from autograd import Value
from op_cases import OP_CASES, inputs_for


@pytest.mark.parametrize("case", OP_CASES, ids=lambda case: case.name)
def test_operation_matches_torch(case, torch):
    @settings(max_examples=25, deadline=None)
    @given(inputs_for(case))
    def check(point):
        ours = [Value(v) for v in point]
        theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
        out = case.ours(*ours)
        reference = case.theirs(*theirs)
        out.backward()
        reference.backward()
        assert out.data == pytest.approx(reference.item(), rel=1e-12, abs=1e-12)
        for mine, tensor in zip(ours, theirs):
            assert mine.grad == pytest.approx(tensor.grad.item(), rel=1e-10, abs=1e-12)

    check()


UNARY = ["tanh", "sigmoid", "exp_small", "square", "neg"]
BINARY = ["add", "sub", "mul", "div_safe"]


def _apply(name, args):
    x = args[0]
    y = args[1] if len(args) > 1 else None
    if name == "tanh":
        return x.tanh()
    if name == "sigmoid":
        return x.sigmoid()
    if name == "exp_small":
        return (x * 0.1).exp()
    if name == "square":
        return x * x
    if name == "neg":
        return -x
    if name == "add":
        return x + y
    if name == "sub":
        return x - y
    if name == "mul":
        return x * y
    # 1 + y² never vanishes, so the quotient is defined everywhere.
    return x / (1 + y * y)


def _random_program(rng, inputs, length):
    program = []
    pool = inputs
    for _ in range(length):
        if rng.random() < 0.4:
            program.append((rng.choice(UNARY), (rng.randrange(pool),)))
        else:
            program.append((rng.choice(BINARY), (rng.randrange(pool), rng.randrange(pool))))
        pool += 1
    return program


def _run(program, leaves):
    nodes = list(leaves)
    for name, positions in program:
        nodes.append(_apply(name, [nodes[p] for p in positions]))
    # Sum a few late nodes so shared subexpressions feed the root more than once.
    return nodes[-1] + nodes[-2] * nodes[-3]


@pytest.mark.parametrize("seed", range(25))
def test_random_composite_graph_matches_torch(seed, torch):
    rng = random.Random(seed)
    point = [rng.uniform(-2, 2) for _ in range(4)]
    program = _random_program(rng, len(point), rng.randrange(5, 30))
    ours = [Value(v, label=f"x{i}") for i, v in enumerate(point)]
    theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    out = _run(program, ours)
    reference = _run(program, theirs)
    out.backward()
    reference.backward()
    assert out.data == pytest.approx(reference.item(), rel=1e-10, abs=1e-10)
    for mine, tensor in zip(ours, theirs):
        expected = 0.0 if tensor.grad is None else tensor.grad.item()
        assert mine.grad == pytest.approx(expected, rel=1e-9, abs=1e-10)
