"""What ``backward`` promises: d root / d node everywhere, leaves accumulate, the rest is fresh."""

import math

import pytest
from hypothesis import given, settings

import autograd
from autograd import NumericOverflowError, Value
from op_cases import random_graphs


def test_every_reachable_node_holds_d_root_d_node():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    product = a * b
    c = product + a
    c.backward()
    assert c.grad == 1.0
    assert product.grad == 1.0
    assert a.grad == -3.0 + 1.0
    assert b.grad == 2.0


def test_a_value_used_twice_gets_both_contributions():
    x = Value(3.0, label="x")
    y = x * x
    assert y.inputs == (x, x)
    y.backward()
    assert x.grad == 6.0


def test_shared_subexpression_sums_over_all_paths():
    x = Value(0.5, label="x")
    shared = x.tanh()
    out = shared * shared + shared.exp()
    out.backward()
    t = math.tanh(0.5)
    expected = (2 * t + math.exp(t)) * (1 - t * t)
    assert x.grad == pytest.approx(expected, rel=1e-14)


def test_calling_backward_twice_keeps_intermediate_gradients_fresh():
    # micrograd gives 36 here: it accumulates into the intermediate 3*a as well.
    a = Value(2.0, label="a")
    c = 3 * a * a
    c.backward()
    c.backward()
    assert a.grad == 24.0


def test_intermediate_gradient_does_not_double_on_second_backward():
    a = Value(2.0)
    middle = a * 3
    c = middle * middle
    c.backward()
    first = middle.grad
    c.backward()
    assert middle.grad == first == 2 * 6.0


def test_leaf_gradients_accumulate_until_zeroed():
    w = Value(1.5, label="w")
    (w * 4).backward()
    (w * 4).backward()
    assert w.grad == 8.0
    w.zero_grad()
    (w * 4).backward()
    assert w.grad == 4.0


def test_zero_grad_over_a_graph_resets_every_node():
    x = Value(1.0)
    y = (x * 2).tanh()
    y.backward()
    autograd.zero_grad(y)
    assert x.grad == 0.0 and y.grad == 0.0


def test_backward_accepts_a_seed_gradient():
    x = Value(2.0)
    y = x * x
    y.backward(gradient=0.5)
    assert x.grad == 2.0


def test_backward_on_a_leaf_is_one():
    x = Value(7.0)
    x.backward()
    assert x.grad == 1.0


def test_a_chain_of_a_million_operations_backpropagates_without_recursion():
    x = Value(0.5, label="x")
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0
    assert y.data == pytest.approx(1_000_000.5)


def test_topological_order_puts_inputs_first_and_root_last():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    order = autograd.topological_order(d)
    assert order[-1] is d
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for source in node.inputs:
            assert position[id(source)] < position[id(node)]
    assert len(order) == 4


def test_no_grad_records_nothing():
    x = Value(2.0)
    with autograd.no_grad():
        y = x * x + 1
        assert not autograd.is_recording()
    assert autograd.is_recording()
    assert y.is_leaf and y.data == 5.0
    y.backward()
    assert x.grad == 0.0


def test_detach_cuts_the_graph():
    x = Value(3.0, label="x")
    y = (x * x).detach()
    z = y * x
    z.backward()
    assert y.is_leaf and y.label is None
    assert x.grad == 9.0


def test_backward_steps_end_where_backward_ends():
    def build():
        x = Value(0.3, label="x")
        w = Value(-1.2, label="w")
        return x, w, ((x * w).tanh() + x * x).sigmoid()

    x1, w1, out1 = build()
    out1.backward()
    x2, w2, out2 = build()
    steps = list(autograd.backward_steps(out2))
    assert (x2.grad, w2.grad) == (x1.grad, w1.grad)
    assert steps[0].node is out2 and steps[0].gradient == 1.0
    # Each step's node has received everything before it is shown as final.
    for step in steps:
        assert step.gradient == step.node.grad
        for item in step.contributions:
            assert item.contribution == item.local_derivative * item.upstream


@settings(max_examples=150, deadline=None)
@given(random_graphs())
def test_the_three_walks_of_the_chain_rule_agree_on_random_graphs_of_every_operation(graph):
    # backward passes one- and two-input edges unpacked; grad (a table) and backward_steps
    # (reporting) take the general loop: all three must give the very same numbers.
    build, numbers, _ = graph

    def fresh():
        leaves = [Value(v) for v in numbers]
        return build(leaves), leaves

    root, leaves = fresh()
    root.backward()
    from_backward = [leaf.grad for leaf in leaves]
    root, leaves = fresh()
    from_table = autograd.grad(root, leaves)
    root, leaves = fresh()
    for _ in autograd.backward_steps(root):
        pass
    from_steps = [leaf.grad for leaf in leaves]
    assert from_backward == from_table == from_steps


@pytest.mark.parametrize("build", [
    lambda a, b: autograd.sum_values([a]) * b,
    lambda a, b: autograd.dot([a], [b]),
    lambda a, b: autograd.dot([a], [2.0], b),
    lambda a, b: autograd.softmax([a])[0] * b,
    lambda a, b: autograd.logsumexp([a, b]),
    lambda a, b: autograd.negative_log_likelihood([a.sigmoid()], [1.0]) * b,
], ids=["sum of one", "dot of one pair", "dot with a constant and a bias", "softmax of one",
        "logsumexp of two", "cross-entropy of one"])
def test_many_input_operations_with_one_or_two_inputs_take_the_short_path_right(build):
    # Their edges look like a one- or two-input operation's, so backward unpacks them too.
    def fresh():
        a, b = Value(0.3), Value(-1.7)
        return build(a, b), [a, b]

    root, leaves = fresh()
    root.backward()
    from_backward = [leaf.grad for leaf in leaves]
    root, leaves = fresh()
    assert from_backward == autograd.grad(root, leaves)


def test_overflowing_gradient_is_an_error_naming_the_node():
    a = Value(1e300, label="a")
    b = Value(1e-300, label="b")
    out = (a * b) * a  # the forward pass is finite, 1e300; d out / d b = a² is not
    with pytest.raises(NumericOverflowError, match="'b'"):
        out.backward()


def test_a_leaf_steps_right_after_the_last_operation_that_reads_it():
    x, w, b = Value(0.5, label="x"), Value(-2.0, label="w"), Value(0.1, label="b")
    z = w * x
    z.label = "z"
    out = (z + b).tanh()
    out.label = "out"
    names = [step.node.label for step in autograd.backward_steps(out)]
    # b is final once z + b has passed its share; w and x once z has.
    assert names == ["out", None, "b", "z", "w", "x"]
