"""``visualize.tape``: the graph as a Wengert list, one row per node in forward order."""

import subprocess
import sys

import pytest

import autograd
from autograd import Value
from nn.examples import worked_example
import visualize.tape
from visualize.tape import tape


def test_rows_come_in_forward_order_with_inputs_first():
    example = worked_example()
    rows = tape(example.loss)
    position = {row.node: row.row for row in rows}
    assert [row.node for row in rows] == autograd.topological_order(example.loss)
    for row in rows:
        for source in row.node.inputs:
            assert position[source] < row.row
    assert rows[-1].name == "L" and rows[-1].op == "cross_entropy"


def test_a_row_holds_name_op_inputs_data_and_grad():
    example = worked_example(backward=True)
    by_name = {row.name: row for row in tape(example.loss)}
    z1 = by_name["z1"]
    assert (z1.op, z1.inputs) == ("dot", ("w11", "w21", "h1", "h2"))
    assert z1.data == example.z[0].data and z1.grad == example.z[0].grad
    assert by_name["w11"].op == "input" and by_name["w11"].inputs == ()


def test_unlabelled_nodes_are_named_by_their_row():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    rows = tape(a * b + a)
    assert [row.name for row in rows] == ["a", "b", "t3", "t4"]
    assert rows[3].inputs == ("t3", "a")


def test_an_input_used_twice_is_listed_twice():
    x = Value(3.0, label="x")
    assert tape(x * x)[1].inputs == ("x", "x")


def test_prints_as_an_aligned_table():
    example = worked_example(backward=True)
    text = str(tape(example.loss))
    lines = text.splitlines()
    assert lines[0].split() == ["row", "name", "op", "inputs", "data", "grad"]
    assert set(lines[1]) <= {"-", " "}
    w11 = next(line for line in lines if line.split()[1] == "w11")
    assert w11.split()[-2:] == ["0.4901", "-0.3835"]
    # numbers are right-aligned so their decimal points line up
    assert len({len(line) for line in lines[2:]}) == 1


def test_wide_operations_show_the_first_inputs_then_a_count():
    xs = [Value(float(i), label=f"x{i}") for i in range(50)]
    total = autograd.sum_values(xs)
    rows = tape(total)
    assert len(rows[-1].inputs) == 50
    assert "(+44 more)" in str(rows)


def test_labels_with_newlines_stay_on_one_line():
    a = Value(1.0, label="two\nlines")
    text = str(tape(a * 2))
    assert "two\\nlines" in text
    assert len(text.splitlines()) == 2 + 3


def test_html_escapes_labels():
    a = Value(1.0, label="<script>alert(1)</script>")
    page = tape(a.exp())._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page



def test_a_hundred_thousand_nodes_make_a_tape():
    node = Value(0.0, label="x")
    for _ in range(50_000):
        node = node * 1.0
    rows = tape(node)
    assert len(rows) == 100_001
    assert rows[-1].name == "t100001"


def test_the_package_names_stay_functions_whichever_view_is_used_first():
    # Importing a submodule binds its name on the package; the text views must not import
    # each other, or ``visualize.tape`` would turn into the module after ``visualize.steps``.
    script = (
        "import visualize\n"
        "from autograd import Value\n"
        "a = Value(2.0, label='a'); out = a * a\n"
        "for step in visualize.steps(out): pass\n"
        "visualize.explain(out, a); visualize.tape(out)\n"
        "print(all(callable(getattr(visualize, n)) and not hasattr(getattr(visualize, n), '__file__')"
        " for n in ('tape', 'explain', 'steps')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"


def test_a_non_value_is_refused_by_name():
    with pytest.raises(TypeError, match="tape: root must be an autograd.Value, got list"):
        tape([1.0])
