"""``visualize.steps``: the backward pass one node at a time, each step a small table."""

import itertools

import pytest

import autograd
from autograd import Value
from nn.examples import worked_example
import visualize.steps
from visualize.steps import steps


@pytest.fixture
def example():
    return worked_example()


def differentiable(root):
    """The nodes a backward pass takes a step for: every one but the constants (the labels y)."""
    return [node for node in autograd.topological_order(root) if not node.is_constant]


def test_each_step_makes_one_gradient_final(example):
    nodes = differentiable(example.loss)
    expected = dict(zip(nodes, autograd.grad(example.loss, nodes)))
    seen = []
    for step in steps(example.loss):
        assert step.gradient == expected[step.node]
        seen.append(step.node)
    assert sorted(map(id, seen)) == sorted(map(id, nodes))
    assert seen[0] is example.loss


def test_a_step_lists_local_upstream_contribution_and_running_total(example):
    z1 = example.z[0]
    (step,) = [s for s in steps(example.loss) if s.node is z1]
    by_input = {step.name(item.input): item for item in step.contributions}
    w11 = by_input["w11"]
    assert w11.local_derivative == pytest.approx(0.5854, abs=5e-5)
    assert w11.upstream == step.gradient == pytest.approx(-0.6551, abs=5e-5)
    assert w11.contribution == pytest.approx(-0.3835, abs=5e-5)
    assert w11.running_total == w11.contribution  # w11 feeds only z1
    h1 = by_input["h1"]
    assert h1.running_total != h1.contribution  # h1 also feeds z2 and z3


def test_after_the_last_step_every_grad_is_filled(example):
    expected = autograd.grad(example.loss, example.model.parameters())
    for _ in steps(example.loss):
        pass
    assert [p.grad for p in example.model.parameters()] == expected


def test_running_totals_show_this_pass_unless_asked_to_accumulate(example):
    example.loss.backward()
    w11 = example.W[0][0]
    first = w11.grad

    def last_total(walk):
        return [item.running_total for step in walk for item in step.contributions
                if item.input is w11][-1]

    assert last_total(steps(example.loss)) == first
    assert last_total(steps(example.loss, accumulate=True)) == pytest.approx(2 * first)


def test_printing_one_step_gives_a_table(example):
    walk = steps(example.loss)
    step = next(walk)
    text = str(step)
    assert text.startswith("step 1: dL/dL = 1.0000 is final (L = cross_entropy of ")
    assert "local dL/dinput" in text and "running total" in text
    leaf = next(s for s in walk if s.node.is_leaf)
    assert "an input: nothing further to pass back" in str(leaf)


def test_printing_the_whole_walk_gives_one_table(example):
    text = str(steps(example.loss))
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["step", "node", "dL/dnode"]
    assert lines[-1].startswith(f"backward done: {len(differentiable(example.loss))} steps")
    row = next(line.split() for line in lines if line[:4].strip() and line.split()[1] == "z1")
    assert row[2:4] == ["-0.6551", "w11"]
    assert any(line.split()[-2:] == ["-0.3835", "-0.3835"] for line in lines)


def test_printing_shows_every_step_including_those_already_taken_and_repeats(example):
    walk = steps(example.loss)
    next(walk), next(walk)
    text = str(walk)
    step_numbers = [line.split()[0] for line in text.splitlines()[2:-1] if line[:4].strip()]
    assert step_numbers[:3] == ["1", "2", "3"]  # counted from 1, as frames() and the page
    assert len(step_numbers) == walk.taken == len(differentiable(example.loss))
    assert str(walk) == text  # showing it again (as a notebook does) loses nothing


def test_labels_with_newlines_stay_on_one_line():
    a = Value(1.0, label="a\nb")
    out = a * 3.0
    out.label = "out"
    text = str(steps(out))
    assert "a\\nb" in text
    assert all("\n" not in line for line in text.splitlines())



def test_a_hundred_thousand_nodes_stream_through():
    node = Value(0.5, label="x")
    for _ in range(50_000):
        node = node * 1.0
    walk = steps(node)
    first_lines = list(itertools.islice(walk.lines(), 3))
    assert first_lines[2].split()[:3] == ["1", "t100001", "1.0000"]
    assert walk.taken == 1  # only what was printed has run
    # 50,000 multiplications and x; the 50,000 constants 1.0 get no step.
    assert sum(1 for _ in walk) == 50_000


def test_a_non_value_is_refused_by_name():
    with pytest.raises(TypeError, match="steps: root must be an autograd.Value, got float"):
        steps(1.0)


def test_names_with_spaces_or_operators_are_bracketed_in_derivatives():
    h = Value(0.5, label="h")
    error = 1.0 - h
    error.label = "y-h"
    loss = error**2
    loss.label = "l"
    walk = steps(loss)
    next(walk)
    assert str(next(walk)).startswith("step 2: dl/d(y-h) = 1.0000 is final (y-h = sub of ")
