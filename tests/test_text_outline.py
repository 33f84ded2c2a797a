"""``visualize.outline``: the graph as indented text for a terminal, with no renderer at all."""

import pytest

import autograd
from autograd import Value
from nn.examples import worked_example
from visualize.text import outline


@pytest.fixture(scope="module")
def example_outline():
    return outline(worked_example(backward=True).loss).splitlines()


def line_of(lines, start):
    return next(line for line in lines if line.lstrip().split(") ")[-1].startswith(start))


def test_the_root_comes_first_unindented(example_outline):
    assert example_outline[0] == "L  [−Σ y ln p cross_entropy]  data 1.0645  grad 1.0000"


def test_w11_shows_its_local_derivative_data_and_gradient(example_outline):
    assert line_of(example_outline, "w11").strip() == (
        "(∂ 0.5854) w11  [leaf]  data 0.4901  grad -0.3835"
    )


def test_inputs_are_indented_under_their_consumer(example_outline):
    depth = {line.split(") ")[-1].split()[0]: len(line) - len(line.lstrip())
             for line in example_outline if "see #" not in line}
    assert depth["L"] < depth["p1"] < depth["z1"] < depth["w11"]
    assert depth["z1"] < depth["h1"] < depth["q1"] < depth["v11"]


def test_a_shared_node_is_written_once_and_referred_back_to(example_outline):
    full_lines = [line for line in example_outline if "h1 [#" in line]
    references = [line for line in example_outline if line.rstrip().endswith("h1  see #" +
                  full_lines[0].split("[#")[1].split("]")[0])]
    assert len(full_lines) == 1
    assert len(references) == 2  # z2 and z3 also read h1
    assert sum("v11" in line for line in example_outline) == 1


def test_every_node_appears_exactly_once_in_full():
    root = worked_example(backward=True).loss
    lines = outline(root).splitlines()
    assert len([line for line in lines if "see #" not in line]) == len(
        autograd.topological_order(root)
    )


def test_an_input_used_twice_is_listed_twice_but_described_once():
    a = Value(2.0, label="a")
    square = a * a
    square.label = "b"
    square.backward()
    assert outline(square).splitlines() == [
        "b  [× mul]  data 4.0000  grad 1.0000",
        "  (∂ 2.0000) a [#1]  [leaf]  data 2.0000  grad 4.0000",
        "  (∂ 2.0000) a  see #1",
    ]


def test_modes_choose_the_numbers():
    a = Value(2.0, label="a")
    doubled = a * 3
    doubled.backward()
    forward = outline(doubled, mode="forward")
    gradients = outline(doubled, mode="gradients")
    assert "data 2.0000" in forward and "grad" not in forward
    assert "grad 3.0000" in gradients and "data" not in gradients


def test_digits_and_local_derivatives_are_options():
    a = Value(2.0, label="a")
    doubled = a * 3
    text = outline(doubled, digits=1, local_derivatives=False)
    assert "data 2.0" in text and "∂" not in text


def test_unnamed_nodes_take_their_tape_names_and_awkward_labels_stay_on_one_line():
    a = Value(1.0, label="two\nlines")
    b = a + Value(1.0)
    lines = outline(b).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("t3 ")  # row 3 of tape(b): a, the constant 1, then b
    assert "two\\nlines" in lines[1]


def test_a_very_deep_graph_prints_without_recursion_and_without_running_off_the_screen():
    node = Value(1.0, label="x")
    for _ in range(5_000):
        node = node + 1.0
    lines = outline(node, max_lines=None).splitlines()
    assert len(lines) == 10_001
    assert max(len(line) for line in lines) < 140
    deepest = next(line for line in lines if " x  [leaf]" in line)
    assert "<depth 5000>" in deepest


def test_max_lines_stops_with_a_note_of_what_was_left_out():
    node = Value(1.0, label="x")
    for _ in range(100):
        node = node * 1.0
    lines = outline(node, max_lines=10).splitlines()
    assert len(lines) == 11
    assert "stopped after 10 lines" in lines[-1]
    assert "of 201 nodes not shown" in lines[-1]
    assert "max_lines=None" in lines[-1]


@pytest.mark.parametrize("bad, error", [({"mode": "up"}, ValueError)])
def test_bad_options_are_refused(bad, error):
    with pytest.raises(error, match="mode"):
        outline(Value(1.0), **bad)


def test_the_root_must_be_a_value():
    with pytest.raises(TypeError, match="Value"):
        outline([Value(1.0)])


def test_a_shared_node_whose_label_has_double_spaces_keeps_its_label_whole():
    a = Value(2.0, label="my  node")
    b = a * a
    b.label = "b"
    assert outline(b).splitlines()[1].endswith("my  node [#1]  [leaf]  data 2.0000  grad 0.0000")
