"""A graph compiled to a straight-line program replays forward and backward on new numbers."""

import gc
import math
import random

import pytest
from hypothesis import given, settings

import autograd
import nn
from autograd import Constant, Value, compile_graph
from op_cases import OP_CASES, inputs_for, random_graphs


def _graph_answer(build, numbers):
    """Root value and leaf gradients the ordinary graph path gives at ``numbers``."""
    leaves = [Value(v, label=f"a{i}") for i, v in enumerate(numbers, 1)]
    root = build(leaves)
    root.backward()
    return root.data, [leaf.grad for leaf in leaves]


def _assert_close(ours, theirs):
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("case", OP_CASES, ids=lambda case: case.name)
def test_every_operation_replays_on_new_numbers(case):
    @settings(max_examples=30, deadline=None)
    @given(inputs_for(case), inputs_for(case))
    def check(recorded, replayed):
        leaves = [Value(v) for v in recorded]
        program = compile_graph(case.ours(*leaves), inputs=leaves)
        value, gradients, _ = program.run(list(replayed))
        expected_value, expected_gradients = _graph_answer(lambda x: case.ours(*x), replayed)
        _assert_close(value, expected_value)
        _assert_close(list(gradients), expected_gradients)

    check()


@settings(max_examples=120, deadline=None)
@given(random_graphs())
def test_random_graphs_of_every_operation_replay_on_new_numbers(graph):
    build, recorded, replayed = graph
    leaves = [Value(v) for v in recorded]
    program = compile_graph(build(leaves), inputs=leaves)
    value, gradients, _ = program.run(replayed)
    expected_value, expected_gradients = _graph_answer(build, replayed)
    assert value == pytest.approx(expected_value, rel=1e-9, abs=1e-9)
    assert list(gradients) == pytest.approx(expected_gradients, rel=1e-9, abs=1e-9)


def test_the_worked_example_compiles_to_the_slides_lines():
    example = nn.examples.worked_example(backward=True)
    program = compile_graph(example.loss, inputs=[*example.x, *example.groups["Weights V"],
                                                  *example.groups["Weights W"]])
    lines = [line.strip() for line in program.source.splitlines()]
    for expected in (
        "q1 = x1*v11 + x2*v21 + x3*v31",
        "h1 = sigmoid(q1)",
        "z1 = h1*w11 + h2*w21",
        "L = -log(p1)",
        "dL_dp1 = -1.0/p1",
        "dL_dz1 = dL_dp1*(p1*(1.0 - p1))",
        "dL_dh1 = dL_dz3*w13 + dL_dz2*w12 + dL_dz1*w11",
        "dL_dw11 = dL_dz1*h1",
    ):
        assert expected in lines
    value, gradients, _ = program.run()
    assert value == example.loss.data
    by_name = dict(zip(program.input_names, gradients))
    assert by_name["w11"] == pytest.approx(-0.3835, abs=5e-5)
    assert all(by_name[node.label] == node.grad for node in program.gradient_inputs)


def test_the_readme_shows_the_worked_example_program():
    from pathlib import Path

    example = nn.examples.worked_example()
    program = compile_graph(example.loss, inputs=[*example.x, *example.groups["Weights V"],
                                                  *example.groups["Weights W"]])
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert program.source in readme


def test_a_program_replays_without_making_any_value():
    example = nn.examples.worked_example()
    program = compile_graph(example.loss)
    numbers = [n * 1.1 for n in program.numbers()]

    def values_alive():
        # type(), not isinstance(): isinstance reads __class__, which some modules' lazy
        # attributes (torch's deprecated names) answer with a warning.
        return sum(issubclass(type(thing), Value) for thing in gc.get_objects())

    gc.disable()
    try:
        before = values_alive()
        result = program.run(numbers)
        made = values_alive() - before
    finally:
        gc.enable()
    assert made == 0
    assert math.isfinite(result[0]) and len(result[1]) == len(program.gradient_inputs)


def test_constant_inputs_are_arguments_without_gradients_and_other_constants_are_numbers():
    weight = Value(0.5, label="w")
    data = Constant(2.0, label="x")
    loss = (weight * data - 1) ** 2
    program = compile_graph(loss, inputs=[weight, data])
    assert program.gradient_inputs == (weight,)
    assert "x" in program.input_names and " - 1.0" in program.source
    value, (gradient,), _ = program.run([0.5, 4.0])
    assert value == (0.5 * 4.0 - 1) ** 2
    assert gradient == 2 * (0.5 * 4.0 - 1) * 4.0


def test_extra_outputs_are_returned_by_number():
    example = nn.examples.worked_example()
    program = compile_graph(example.loss, extra_outputs=example.p)
    _, _, probabilities = program.run()
    assert list(probabilities) == [p.data for p in example.p]


def test_an_operation_without_a_code_form_is_called_through_the_table():
    x = Value(2.0, label="x")
    y = (x**1.5).tanh()
    program = compile_graph(y)
    assert "pow_forward(x)" in program.source
    value, (gradient,), _ = program.run([3.0])
    expected_value, (expected_gradient,) = _graph_answer(lambda v: (v[0] ** 1.5).tanh(), [3.0])
    assert (value, gradient) == (expected_value, expected_gradient)


def test_a_wide_sum_and_a_long_chain_compile():
    leaves = [Value(float(k)) for k in range(2000)]
    program = compile_graph(autograd.sum_values(leaves) * leaves[0])
    value, gradients, _ = program.run([1.0] * 2000)
    assert value == 2000.0 and gradients[0] == 2001.0 and gradients[1] == 1.0
    x = Value(0.5, label="x")
    y = x
    for _ in range(3000):
        y = (y * 1.0001 + 0.1).tanh()
    chain = compile_graph(y)
    y.backward()
    assert chain.run()[1][0] == pytest.approx(x.grad, rel=1e-12)


def test_labels_become_unique_valid_identifiers():
    nodes = [Value(1.0, label=label) for label in ("q¹1", "q¹1", "class", "2x", "ŷ", "log", "a b")]
    program = compile_graph(autograd.sum_values(nodes), inputs=nodes)
    names = program.input_names
    assert len(set(names)) == len(names) and all(name.isidentifier() for name in names)
    assert names[:3] == ("q1_1", "q1_1_2", "class_")
    assert "log" not in names  # the name of a function the code calls


def test_what_cannot_be_compiled_is_said_plainly():
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    with pytest.raises(autograd.NotCompilableError, match="leaf 'w' is not among the inputs"):
        compile_graph(x * w, inputs=[x])
    folded = Constant(3.0, label="data")
    with pytest.raises(autograd.NotCompilableError, match="'data' is not in the graph.*folded"):
        compile_graph(x * (folded * 2), inputs=[x, folded])
    with pytest.raises(autograd.NotCompilableError, match="listed twice"):
        compile_graph(x * w, inputs=[x, w, x])
    with pytest.raises(autograd.NotCompilableError, match="must be leaves"):
        compile_graph(x * w * x, inputs=[x, w, x * w])


def test_replay_errors_name_the_line_and_refuse_non_finite_results():
    x = Value(2.0, label="x")
    program = compile_graph((x - 1).log() * x, inputs=[x])
    with pytest.raises(autograd.UndefinedOperationError, match=r"log is only defined.*`t2 = log\(t1\)`"):
        program.run([0.5])
    overflowing = compile_graph(x.exp() * x.exp(), inputs=[x])
    with pytest.raises(autograd.NumericOverflowError, match="came out as inf"):
        overflowing.run([400.0])
    with pytest.raises(ValueError, match="takes 1 numbers"):
        program.run([1.0, 2.0])


def test_torch_source_runs_a_batch_like_the_program(torch):
    example = nn.examples.worked_example()
    program = compile_graph(example.loss)
    namespace = {}
    exec(program.to_torch_source(), namespace)
    rng = random.Random(3)
    batch = [[number + rng.uniform(-0.3, 0.3) for number in program.numbers()] for _ in range(5)]
    columns = [torch.tensor(column, dtype=torch.float64) for column in zip(*batch)]
    value, gradients = namespace["forward_backward"](columns)
    for row, numbers in enumerate(batch):
        expected_value, expected_gradients, _ = program.run(numbers)
        assert value[row].item() == pytest.approx(expected_value, rel=1e-12)
        assert [g[row].item() for g in gradients] == pytest.approx(list(expected_gradients), rel=1e-12)
