"""``visualize.explain``: a gradient as the sum over paths of products of local derivatives."""

import math
import random

import pytest

import autograd
from autograd import Value
from nn.examples import worked_example
from visualize.explain import explain


@pytest.fixture
def example():
    return worked_example()


def slides_view(example, node, **options):
    """explain() keeping only the slides' quantities (x, V, q, h, W, z, p, y, L) as factors."""
    return explain(example.loss, node, keep=example.nodes().values(), **options)


def names_of(explanation, path):
    return [(explanation.name(f.numerator), explanation.name(f.denominator)) for f in path.factors]


# ----- the slides' worked example --------------------------------------------------------


def test_dL_dw11_is_the_slides_single_path(example):
    explanation = slides_view(example, example.W[0][0])
    assert len(explanation.paths) == 1
    (path,) = explanation.paths
    assert names_of(explanation, path) == [("L", "p1"), ("p1", "z1"), ("z1", "w11")]
    factors = [f.local_derivative for f in path.factors]
    assert factors == pytest.approx([-2.8995, 0.2259, 0.5854], abs=5e-5)
    assert path.product == pytest.approx(-0.3835, abs=5e-5)
    assert explanation.total == pytest.approx(-0.3835, abs=5e-5)


def test_dL_dw11_prints_names_numbers_and_their_product(example):
    text = str(slides_view(example, example.W[0][0]))
    assert "∂L/∂p1 · ∂p1/∂z1 · ∂z1/∂w11" in text
    assert "(-2.8995)(0.2259)(0.5854)" in text
    assert "dL/dw11 = -0.3835" in text


def test_dL_dv11_has_the_three_paths_through_z1_z2_z3(example):
    explanation = slides_view(example, example.V[0][0])
    assert [names_of(explanation, path) for path in explanation.paths] == [
        [("L", "p1"), ("p1", f"z{k}"), (f"z{k}", "h1"), ("h1", "q1"), ("q1", "v11")]
        for k in (1, 2, 3)
    ]
    assert sum(path.product for path in explanation.paths) == pytest.approx(explanation.total)


def test_total_equals_backward_exactly_for_every_parameter(example):
    parameters = example.model.parameters()
    expected = autograd.grad(example.loss, parameters)
    example.backward()
    for parameter, gradient in zip(parameters, expected):
        total = explain(example.loss, parameter).total
        assert total == gradient == parameter.grad


def test_explain_reads_edges_and_leaves_grad_alone(example):
    example.W[0][0].grad = 123.0
    explain(example.loss, example.W[0][0])
    assert example.W[0][0].grad == 123.0


def test_every_factor_is_a_stored_edge_when_folding_is_off(example):
    explanation = explain(example.loss, example.V[0][0], fold=False, skip_zero=False)
    assert explanation.path_count == len(explanation.paths) == 9
    for path in explanation.paths:
        assert path.factors == path.edges
        for numerator, denominator, local in path.factors:
            assert (denominator, local) in numerator.edges
        assert math.prod(f.local_derivative for f in path.factors) == pytest.approx(path.product)


def test_folded_factor_multiplies_the_edges_it_replaces(example):
    # Keeping L, z1 and w11 only folds p1 into one factor dL/dz1 along this path.
    w11, z1, p1 = example.W[0][0], example.z[0], example.p[0]
    (path,) = explain(example.loss, w11, keep=[example.loss, z1, w11]).paths
    assert len(path.edges) > len(path.factors)
    assert math.prod(f.local_derivative for f in path.edges) == pytest.approx(path.product)
    assert path.factors[0].local_derivative == pytest.approx(-1 / p1.data * p1.local_derivatives[0])


def test_by_default_the_worked_example_reads_as_on_the_slides(example):
    (path,) = explain(example.loss, example.W[0][0]).paths
    assert [(f.numerator.label, f.denominator.label) for f in path.factors] == [
        ("L", "p1"),
        ("p1", "z1"),
        ("z1", "w11"),
    ]


def test_by_default_every_labelled_node_gets_its_own_factor():
    x = Value(0.5, label="x")
    doubled = 2 * x
    doubled.label = "d"
    out = doubled.tanh()
    out.label = "out"
    (path,) = explain(out, x).paths
    assert [f.denominator.label for f in path.factors] == ["d", "x"]


def test_unlabelled_one_input_helpers_are_folded_by_default():
    p = Value(0.25, label="p")
    loss = -p.log()
    loss.label = "L"
    (path,) = explain(loss, p).paths
    assert [(f.numerator.label, f.denominator.label) for f in path.factors] == [("L", "p")]
    assert path.factors[0].local_derivative == pytest.approx(-4.0)
    assert len(path.edges) == 2


def test_zero_paths_are_counted_not_listed(example):
    explanation = explain(example.loss, example.W[0][0])
    assert explanation.path_count == 3  # through p1, p2, p3 into L
    assert explanation.zero_path_count == 2  # y2 = y3 = 0
    assert "2 more paths cross a local derivative of 0" in str(explanation)


# ----- small graphs and edge cases ----------------------------------------------------------


def test_an_input_used_twice_gives_two_paths():
    x = Value(3.0, label="x")
    square = x * x
    square.label = "s"
    explanation = explain(square, x)
    assert explanation.path_count == 2
    assert [path.product for path in explanation.paths] == [3.0, 3.0]
    assert explanation.total == 6.0


def test_a_node_the_root_does_not_depend_on_has_no_paths():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    explanation = explain(a * 2, b)
    assert explanation.path_count == 0 and explanation.total == 0.0
    assert "does not depend on b" in str(explanation)


def test_the_root_itself_is_the_empty_path():
    a = Value(1.0, label="a")
    out = a.tanh()
    out.label = "out"
    explanation = explain(out, out)
    assert explanation.total == 1.0 and explanation.path_count == 1
    assert explanation.paths[0].factors == ()


def test_unlabelled_nodes_get_the_tapes_names():
    from visualize.tape import tape

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = (a * b + b).relu() + a
    rows = tape(out)
    explanation = explain(out, b, fold=False)
    for path in explanation.paths:
        for numerator, _, _ in path.factors:
            assert explanation.name(numerator) == rows.names[numerator]
    assert rows.names[out] in str(explanation)


def test_bad_max_paths_is_a_clear_error():
    a = Value(1.0, label="a")
    with pytest.raises(ValueError, match="explain: max_paths"):
        explain(a * a, a, max_paths=-1)


# ----- many paths: counted by dynamic programming, never enumerated ---------------------------


def doubling_chain(levels):
    """x -> (t + t) * 0.5 repeated: 2**levels paths, every gradient exactly 1."""
    x = Value(1.0, label="x")
    node = x
    for _ in range(levels):
        node = (node + node) * 0.5
    return x, node


def test_astronomically_many_paths_are_counted_and_summarised():
    x, root = doubling_chain(3000)
    explanation = explain(root, x, max_paths=5)
    assert explanation.path_count == 2**3000
    assert len(explanation.paths) == 5
    assert explanation.omitted_count == 2**3000 - 5
    assert explanation.total == 1.0
    text = str(explanation)
    assert "× 10^903" in text and "more paths, together" in text


def test_a_long_single_path_wraps_instead_of_one_huge_line():
    x = Value(0.5, label="x")
    node = x
    for _ in range(2000):
        node = node * 1.0
    explanation = explain(node, x)
    assert len(explanation.paths[0].factors) == 2000
    assert max(len(line) for line in str(explanation).splitlines()) <= 110


def all_paths(root, node):
    """Brute force for small graphs: every path's product, by walking every edge."""
    if root is node:
        return [1.0]
    return [
        local * rest
        for source, local in root.edges
        for rest in all_paths(source, node)
    ]


def random_graph(seed):
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1.5, 1.5), label=name) for name in "abc"]
    for _ in range(9):
        kind = rng.choice(["add", "mul", "sub", "tanh", "sigmoid"])
        left, right = rng.choice(nodes), rng.choice(nodes)
        made = {
            "add": lambda: left + right,
            "mul": lambda: left * right,
            "sub": lambda: left - right,
            "tanh": lambda: left.tanh(),
            "sigmoid": lambda: left.sigmoid(),
        }[kind]()
        nodes.append(made)
    return nodes[:3], nodes[-1]


@pytest.mark.parametrize("seed", range(12))
def test_largest_paths_count_and_total_match_brute_force(seed):
    leaves, root = random_graph(seed)
    for leaf in leaves:
        products = all_paths(root, leaf)
        explanation = explain(root, leaf, max_paths=3, skip_zero=False)
        assert explanation.path_count == len(products)
        assert explanation.total == pytest.approx(math.fsum(products), abs=1e-12)
        assert explanation.total == autograd.grad(root, leaf)
        largest = sorted((abs(p) for p in products), reverse=True)[: len(explanation.paths)]
        listed_sizes = sorted((abs(path.product) for path in explanation.paths), reverse=True)
        assert listed_sizes == pytest.approx(largest)
        if explanation.ranked:
            sizes = [abs(path.product) for path in explanation.paths]
            assert sizes == sorted(sizes, reverse=True)
        listed = math.fsum(path.product for path in explanation.paths)
        assert listed + explanation.omitted_total == pytest.approx(explanation.total, abs=1e-12)


# ----- Jupyter ------------------------------------------------------------------------------------


def test_html_escapes_every_label():
    hostile = "<img src=x onerror=alert(1)>"
    w = Value(0.5, label=hostile)
    out = (w * 2.0).tanh()
    out.label = "<b>loss</b>"
    page = explain(out, w)._repr_html_()
    assert "<img" not in page and "<b>loss" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;loss&lt;/b&gt;" in page


def test_html_shows_the_chain_and_total(example):
    page = slides_view(example, example.W[0][0])._repr_html_()
    assert "∂L/∂p1 · ∂p1/∂z1 · ∂z1/∂w11" in page
    assert "-0.3835" in page


def test_a_non_value_node_is_refused_by_name():
    a = Value(1.0, label="a")
    with pytest.raises(TypeError, match="explain: node must be an autograd.Value, got str"):
        explain(a * a, "a")


def test_when_every_path_crosses_a_zero_the_text_says_so():
    x = Value(-1.0, label="x")
    out = x.relu() + x.relu()
    out.label = "out"
    explanation = explain(out, x)
    assert explanation.paths == () and explanation.zero_path_count == 2
    assert "every one of the 2 paths from x to out crosses a local derivative of 0" in str(explanation)
    assert len(explain(out, x, skip_zero=False).paths) == 2
