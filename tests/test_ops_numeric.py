"""Every operation's local derivatives agree with central differences over its domain."""

import pytest
from hypothesis import given, settings

from autograd import Value, grad
from op_cases import OP_CASES, central_difference, close, evaluate, inputs_for


@pytest.mark.parametrize("case", OP_CASES, ids=lambda case: case.name)
def test_backprop_matches_central_differences(case):
    @settings(max_examples=40, deadline=None)
    @given(inputs_for(case))
    def check(point):
        leaves = [Value(v, label=f"x{i}") for i, v in enumerate(point)]
        gradients = grad(case.ours(*leaves), leaves)
        for index, backprop in enumerate(gradients):
            numeric = central_difference(lambda p: evaluate(case, p), point, index)
            assert close(backprop, numeric, 1e-4), (case.name, point, index)

    check()


@pytest.mark.parametrize("case", OP_CASES, ids=lambda case: case.name)
def test_edges_carry_the_local_derivatives_backward_uses(case):
    point = [0.3 + 0.4 * i for i in range(len(case.domain))]
    leaves = [Value(v) for v in point]
    out = case.ours(*leaves)
    out.backward()
    # Summed over edges, local derivatives are exactly what reached each leaf
    # (ops whose result is a single node straight from the leaves).
    if all(source.is_leaf for source in out.inputs):
        for leaf in leaves:
            expected = sum(
                local for source, local in out.edges if source is leaf
            )
            assert leaf.grad == pytest.approx(expected, rel=1e-12, abs=1e-15)
